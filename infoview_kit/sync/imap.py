"""A mailbox over IMAP, read-only (imapclient): INBOX and the Sent folder, incremental by UIDVALIDITY and UID.

The password comes from the system keyring (service ``infoview_kit``, user ``user@host``) or a prompt; it is
held only for the login, and never appears in a repr, a report, a log or an error message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import logging
import ssl as ssl_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync.mail import message_row, one_line, read_message

logger = logging.getLogger("infoview_kit")

KEYRING_SERVICE = "infoview_kit"
#: How much of each message is fetched (``BODY.PEEK[]<0.N>``): headers, the first text part, a bounce report.
PEEK_BYTES = 65536
BATCH = 500
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Imap:
    """An IMAP account to read, read-only.

    Parameters
    ----------
    host, user
        The server and the login name.
    port
        993 (IMAP over TLS) by default.
    ssl
        TLS, on by default; plain IMAP is accepted only on this machine (127.0.0.1), for tests.
    password
        Only for tests and scripts that already hold it; else it comes from the keyring or a prompt.
        Never shown: not in ``repr``, reports or errors.
    folders
        Folders to read; by default INBOX and the folder the server marks ``\\Sent`` (SPECIAL-USE).
    """

    host: str
    user: str
    port: int = 993
    ssl: bool = True
    password: str | None = field(default=None, repr=False, compare=False)
    folders: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.host or not self.user:
            raise InputFormatError("IMAP: a host and a user are needed (imap://user@host)")
        if not self.ssl and self.host not in _LOOPBACK:
            raise InputFormatError(f"{self.url}: plain IMAP (no TLS) is allowed only on 127.0.0.1; use TLS "
                                   "(port 993)")

    @property
    def url(self) -> str:
        """``imap://user@host`` (with the port when it is not 993): the source's name in the table."""
        port = "" if self.port == 993 else f":{self.port}"
        return f"imap://{self.user}@{self.host}{port}"

    @classmethod
    def from_url(cls, url: str) -> Imap:
        """An account from ``imap://user@host[:port]`` (TLS); a password in the URL is refused."""
        parts = urlsplit(url)
        if parts.password is not None:
            raise InputFormatError("IMAP: do not put the password in the address; it comes from the keyring "
                                   "or a prompt")
        try:
            port = parts.port or 993
        except ValueError:
            raise InputFormatError(f"{parts.hostname}: the port is not a number; expected imap://user@host[:port]"
                                   ) from None
        return cls(host=parts.hostname or "", user=unquote(parts.username or ""), port=port)


def password_for(account: Imap, prompt: Callable[[str], str] = getpass.getpass) -> str:
    """The account's password: given, else from the keyring (``infoview_kit``, ``user@host``), else asked."""
    if account.password:
        return account.password
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, f"{account.user}@{account.host}")
    except Exception:  # no keyring backend on this machine: ask
        stored = None
    if stored:
        return stored
    try:
        typed = prompt(f"Password for {account.user}@{account.host}: ")
    except Exception:  # no terminal to ask on (papermill, a service): say where the password should be
        typed = ""
    if not typed:
        raise InputFormatError(f"{account.url}: no password in the keyring and none typed; store it once with "
                               f"`keyring set {KEYRING_SERVICE} {account.user}@{account.host}`")
    return typed


def connect(account: Imap) -> Any:
    """Log in (TLS unless on loopback) and return the imapclient client; errors never carry the password."""
    import imapclient

    try:
        client = imapclient.IMAPClient(account.host, port=account.port, ssl=account.ssl, timeout=30,
                                       ssl_context=ssl_module.create_default_context() if account.ssl else None)
    except (TimeoutError, OSError, imapclient.exceptions.IMAPClientError) as exc:
        raise InputFormatError(f"{account.url}: cannot reach the server ({type(exc).__name__}: "
                               f"{one_line(getattr(exc, 'strerror', None) or exc)[:200]})") from None
    client.normalise_times = False  # INTERNALDATE as an aware datetime, not naive local time
    try:
        client.login(account.user, password_for(account))
    except Exception:
        _logout(client)
        raise InputFormatError(f"{account.url}: the server refused the login; check the user name and the "
                               "password in your keyring (an app password for Gmail, iCloud, Fastmail)") from None
    return client


def _logout(client: Any) -> None:
    with contextlib.suppress(Exception):  # the connection may already be gone
        client.logout()


def folders_to_read(client: Any, account: Imap) -> list[str]:
    """INBOX and the folder marked ``\\Sent`` (SPECIAL-USE; by name when the server has no marks)."""
    from imapclient.imapclient import SENT

    if account.folders:
        return list(account.folders)
    sent = client.find_special_folder(SENT)
    return ["INBOX"] + ([sent] if sent and sent.upper() != "INBOX" else [])


def iter_imap(account: Imap, *, me: frozenset[str], since: dict[str, Any],
              report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the rows of each folder's new messages (all of them when UIDVALIDITY changed or on a first read),
    recording each folder's ``{uidvalidity, last_uid}`` in ``report["imap_state"]``."""
    from imapclient.exceptions import IMAPClientError

    client = connect(account)
    folder = "the folder list"
    try:
        for folder in folders_to_read(client, account):
            yield from _folder_rows(client, account, folder, me, since.get(folder) or {}, report)
    except (IMAPClientError, OSError, EOFError) as exc:  # the session broke: say so, keep nothing secret
        raise InputFormatError(f"{account.url}: the connection failed while reading {folder} "
                               f"({type(exc).__name__}); try again") from None
    finally:
        _logout(client)


def _folder_rows(client: Any, account: Imap, folder: str, me: frozenset[str], before: dict[str, Any],
                 report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    import imapclient

    try:
        status = client.select_folder(folder, readonly=True)
    except imapclient.exceptions.IMAPClientError as exc:
        report["warnings"].append({"source": account.url, "position": folder,
                                   "message": f"folder not readable ({one_line(exc)[:120]})"})
        return
    validity = int(status.get(b"UIDVALIDITY", 0))
    last = int(before.get("last_uid", 0)) if int(before.get("uidvalidity", -1)) == validity else 0
    if last and int(status.get(b"UIDNEXT", last + 2)) <= last + 1:
        uids: list[int] = []  # unchanged: nothing new since last time, no search needed
    else:
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
    report["imap_state"][folder] = {"uidvalidity": validity, "last_uid": max([last, *uids])}
    sent = b"\\Sent" in _flags_of(client, folder)
    items = [f"BODY.PEEK[]<0.{PEEK_BYTES}>", "INTERNALDATE"]
    if b"X-GM-EXT-1" in client.capabilities():
        items.append("X-GM-THRID")
    for start in range(0, len(uids), BATCH):
        fetched = client.fetch(uids[start:start + BATCH], items)
        for uid in uids[start:start + BATCH]:
            row = _row(account, folder, uid, fetched.get(uid) or {}, me, report)
            if row is not None:
                row["outgoing"] = row["outgoing"] or sent
                yield row


def _flags_of(client: Any, folder: str) -> tuple[bytes, ...]:
    try:
        for flags, _, name in client.list_folders(pattern=folder):
            if name == folder:
                return tuple(flags)
    except Exception:  # noqa: S110 - no flags: the name alone decides
        pass
    return ()


def _row(account: Imap, folder: str, uid: int, data: dict[bytes, Any], me: frozenset[str],
         report: dict[str, Any]) -> dict[str, Any] | None:
    position = f"UID {uid}"
    report["messages_read"] += 1
    body = next((v for k, v in data.items() if k.startswith(b"BODY[")), None)

    def warn(message: str) -> None:
        report["warnings"].append({"source": account.url, "position": f"{folder}, {position}", "message": message})

    try:
        if not isinstance(body, bytes):
            raise ValueError("the server sent no message")
        arrived = data.get(b"INTERNALDATE")
        msg = read_message(body, warn)
        row = message_row(msg, source=account.url, folder=folder, position=position, me=me,
                          fallback_date=arrived if isinstance(arrived, dt.datetime) else None, warn=warn)
    except Exception as exc:  # one message never stops the read
        report["skipped"].append({"source": account.url, "position": f"{folder}, {position}",
                                  "reason": one_line(exc)[:200] if isinstance(exc, ValueError)
                                  else f"could not be read ({type(exc).__name__})"})
        return None
    thread = data.get(b"X-GM-THRID")
    if thread:
        row["thread"] = str(thread)
    return row
