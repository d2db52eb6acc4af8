"""Drafts people send from their own mail program: RFC 5322 messages, .eml files, mailto: links, plain text."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from email import policy as email_policy
from email.errors import HeaderParseError, MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, localtime
from pathlib import Path
from urllib.parse import quote

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import clean_text, is_missing
from infoview_kit.outreach.templates import Draft, one_line

__all__ = ["build_message", "mailto_link", "plain_text", "safe_filename", "write_eml"]

def plain_text(draft: Draft | None) -> str:
    """Return the draft as text to copy and paste: ``Subject: ...``, a blank line, the body.

    Parameters
    ----------
    draft
        A filled template; None gives "".

    Returns
    -------
    str
        The text, ending with a newline.
    """
    if draft is None:
        return ""
    return f"Subject: {draft.subject}\n\n{draft.body.rstrip()}\n"


_ADDR_SPECIALS = re.compile(r"[\s<>(),;:\"\[\]\\]")
_MSGID_RE = re.compile(r"^[^\s<>@]+@[A-Za-z0-9.-]+$")
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def _no_address(value: object) -> bool:
    """True when no address is given: None, NA or blank."""
    return is_missing(value) or clean_text(value) is None


def _check_address(value: object, field: str) -> str:
    """Return ``value`` as a single, plain ``local@domain`` address or raise naming ``field``."""
    hint = "expected one address such as name@example.com"
    if not isinstance(value, str):
        raise InputFormatError(f"{field}: {value!r} is not an email address; {hint}.")
    addr = value.strip()
    if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in addr):
        raise InputFormatError(f"{field}: {value!r} contains a line break or control character; {hint}.")
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or _ADDR_SPECIALS.search(addr) or "@" in local:
        raise InputFormatError(f"{field}: {value!r} is not a single email address; {hint}.")
    if not local.isascii():
        raise InputFormatError(f"{field}: {value!r} has non-ASCII characters before the '@', which "
                               f"most mail systems refuse; {hint}.")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InputFormatError(f"{field}: {value!r} has an invalid domain; {hint}.") from exc
    if "." not in domain or not _DOMAIN_RE.match(domain) or ".." in domain:
        raise InputFormatError(f"{field}: {value!r} has no valid domain after the '@'; {hint}.")
    addr = f"{local}@{domain}"
    try:
        Address(addr_spec=addr)
    except (ValueError, HeaderParseError, MessageError) as exc:
        raise InputFormatError(f"{field}: {value!r} is not a valid email address ({exc}); {hint}.") from exc
    return addr


def build_message(*, subject: str, body: str, to_name: str | None, to_addr: str | None,
                  from_name: str | None, from_addr: str | None, date: datetime | None = None,
                  message_id: str | None = None, msgid_domain: str | None = None) -> EmailMessage:
    """Build an RFC 5322 draft that mail programs open ready to send.

    The message is plain text (UTF-8), marked ``X-Unsent: 1`` so Outlook and Thunderbird open
    it as a draft. Names may be any Unicode (encoded per RFC 2047). Line breaks and other
    control characters in names and the subject are replaced by spaces, so no value can add
    a header; an address must be one plain ``name@example.com`` (a non-ASCII domain is
    IDNA-encoded). Given the same arguments and a fixed ``date`` plus ``msgid_domain`` or
    ``message_id``, the bytes are identical on every run.

    Parameters
    ----------
    subject, body
        The text, e.g. from a :class:`Draft`.
    to_name, to_addr
        The contact's display name (may be empty) and address. A missing address (None, NA
        or blank) leaves the ``To`` header out, for the user to fill in their mail program.
    from_name, from_addr
        Your display name and address; a missing address leaves ``From`` out (the mail
        program fills in the account).
    date
        The ``Date`` header; naive means the computer's local time. Default: now.
    message_id
        An explicit ``Message-ID`` (``local@domain``, with or without ``<>``).
    msgid_domain
        Make a deterministic ``Message-ID`` ``<hash@msgid_domain>`` from the date, addresses,
        subject and body. Without this or ``message_id`` there is no Message-ID (the mail
        program adds one when sending).

    Returns
    -------
    email.message.EmailMessage
        With ``policy=email.policy.SMTP`` (CRLF line ends); ``msg.as_bytes()`` is the file.

    Raises
    ------
    InputFormatError
        An address, ``message_id`` or ``msgid_domain`` is not valid (the message names the
        argument).
    """
    # A draft may leave To or From empty for the user to fill in their mail program.
    to_clean = None if _no_address(to_addr) else _check_address(to_addr, "to_addr")
    from_clean = None if _no_address(from_addr) else _check_address(from_addr, "from_addr")
    subject = one_line(subject or "")
    to_name, from_name = one_line(to_name or ""), one_line(from_name or "")
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if not text.endswith("\n"):
        text += "\n"
    when = localtime() if date is None else (date if date.tzinfo is not None else date.astimezone())

    msg = EmailMessage(policy=email_policy.SMTP)
    if from_clean:
        msg["From"] = Address(display_name=from_name, addr_spec=from_clean)
    if to_clean:
        msg["To"] = Address(display_name=to_name, addr_spec=to_clean)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    if message_id is not None:
        mid = one_line(message_id).strip("<>")
        if not _MSGID_RE.match(mid):
            raise InputFormatError(f"message_id: {message_id!r} is not 'local@domain'.")
        msg["Message-ID"] = f"<{mid}>"
    elif msgid_domain is not None:
        if not _DOMAIN_RE.match(msgid_domain):
            raise InputFormatError(f"msgid_domain: {msgid_domain!r} is not a domain such as "
                                   "'drafts.example.com'.")
        digest = hashlib.sha256("\x1f".join(
            [format_datetime(when), from_name, from_clean or "", to_name, to_clean or "", subject, text]
        ).encode("utf-8")).hexdigest()[:32]
        msg["Message-ID"] = f"<{digest}@{msgid_domain}>"
    msg["X-Unsent"] = "1"
    msg.set_content(text, subtype="plain", charset="utf-8")
    return msg


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, max_len: int = 80) -> str:
    """Turn any text into a file name that is safe on every platform.

    Accents are dropped (NFKD, then ASCII), anything but ``A-Z a-z 0-9 . _ -`` becomes
    ``_``; path separators and ``.``/``..`` parts are removed (``../../x`` gives ``x``), so
    the result is never a path; no leading dot or dash, no trailing dot; Windows device
    names get a ``_`` (``CON`` gives ``CON_``); at most ``max_len`` characters; never empty
    ("untitled").

    Parameters
    ----------
    text
        Any text, e.g. "Zoë Ångström – thank you".
    max_len
        Longest result, at least 1.

    Returns
    -------
    str
        The file name (no directory part).

    Raises
    ------
    InputFormatError
        ``max_len`` is less than 1.
    """
    if max_len < 1:
        raise InputFormatError(f"max_len must be at least 1, not {max_len}.")
    parts = [p for p in re.split(r"[\\/]+", str(text)) if p.strip() not in ("", ".", "..")]
    name = unicodedata.normalize("NFKD", "_".join(parts)).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    name = re.sub(r"_{2,}", "_", name).lstrip("._-")
    name = name[:max_len].rstrip("._-") or "untitled"[:max_len]
    base, dot, rest = name.partition(".")
    if base.upper() in _WINDOWS_RESERVED:
        base = base[:max(0, max_len - len(dot + rest) - 1)] + "_"
        name = (base + dot + rest)[:max_len]
    return name


def write_eml(msg: EmailMessage, out_dir: str | os.PathLike[str], stem: str) -> Path:
    """Write a message to ``out_dir/<safe stem>.eml`` (replacing a file of that name).

    Parameters
    ----------
    msg
        The message, e.g. from :func:`build_message`.
    out_dir
        Folder to write into; created if missing.
    stem
        Any text; made safe with :func:`safe_filename` (at most 76 characters + ".eml").

    Returns
    -------
    pathlib.Path
        The file written.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_filename(stem, max_len=76)}.eml"
    data = msg.as_bytes()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".eml.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def mailto_link(to_addr: str | None, subject: str, body: str) -> str:
    """Return a ``mailto:`` link (RFC 6068) that opens a new email with subject and body.

    Every character outside the unreserved set is percent-encoded as UTF-8 (so ``+``, ``&``
    and ``#`` survive) and line breaks become ``%0D%0A``. Browsers and mail programs may cut
    very long links (around 2,000 characters); prefer an ``.eml`` file for long bodies.

    Parameters
    ----------
    to_addr
        One address; None or blank gives ``mailto:?subject=...`` (the user picks the
        recipient in the mail program).
    subject, body
        The text; the subject is made one line.

    Returns
    -------
    str
        The link.

    Raises
    ------
    InputFormatError
        ``to_addr`` is not a single valid address.
    """
    addr = "" if _no_address(to_addr) else _check_address(to_addr, "to_addr")
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return (f"mailto:{quote(addr, safe='@')}?subject={quote(one_line(subject or ''), safe='')}"
            f"&body={quote(text, safe='')}")
