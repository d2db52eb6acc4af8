"""LinkedIn's data download ("Get a copy of your data"): messages.csv and Invitations.csv as conversation rows.

The archive is a ZIP (checked, read in memory, never extracted), its unpacked folder, or ``messages.csv``
alone. Dates come as ``2024-03-12 14:05:33 UTC`` (current archives), ISO ``2024-03-12T14:05:33.000Z``,
``Tue Mar 12 14:05:33 UTC 2024`` or ``3/12/24, 2:05 PM`` (older ones and Invitations.csv), all read as UTC.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from infoview_kit.base.archive import find_member, member_stream, open_zip
from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync.mail import html_text, one_line, snippet_text, synthetic_id

#: File names of an archive this module reads (the others are for read_contacts or left alone).
MESSAGES, INVITATIONS, PROFILE = "messages.csv", "Invitations.csv", "Profile.csv"
_FIELD_LIMIT = 16 << 20
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ",
                 "%a %b %d %H:%M:%S %Z %Y", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y, %H:%M",
                 "%Y-%m-%d %H:%M")


def profile_url(value: str) -> str:
    """A LinkedIn profile URL in one form: ``https://www.linkedin.com/in/slug`` (slug lowercased, decoded,
    no query or trailing slash; any country host). Other LinkedIn URLs are only trimmed and lowercased."""
    text = one_line(value)
    if not text:
        return ""
    parts = urlsplit(text if "://" in text else "https://" + text)
    match = re.match(r"/(?:in|pub)/([^/?#]+)", parts.path)
    if "linkedin.com" in parts.netloc.lower() and match:
        return "https://www.linkedin.com/in/" + unquote(match.group(1)).strip().lower()
    return text.rstrip("/").lower()


def parse_date(value: str) -> dt.datetime | None:
    """A LinkedIn date (any of the forms above) as an aware UTC datetime, or None."""
    text = one_line(value)
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def is_linkedin_folder(path: str) -> bool:
    """Tell whether a folder is an unpacked LinkedIn archive (it holds messages.csv or Invitations.csv)."""
    return any(os.path.isfile(os.path.join(path, f)) for f in (MESSAGES, INVITATIONS))


def is_linkedin_zip(archive: zipfile.ZipFile) -> bool:
    """Tell whether a (checked) ZIP is a LinkedIn archive."""
    return any(find_member(archive, f) for f in (MESSAGES, INVITATIONS, "Connections.csv", PROFILE))


@contextlib.contextmanager
def _opener(path: str) -> Iterator[Callable[[str], io.TextIOBase | None]]:
    """A function opening one CSV of the archive by name (None when absent), for a ZIP, folder or CSV."""
    if os.path.isdir(path):
        def from_folder(name: str) -> io.TextIOBase | None:
            inner = os.path.join(path, name)
            if not os.path.isfile(inner):
                return None
            return open(inner, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115
        yield from_folder
        return
    if not zipfile.is_zipfile(path):
        kind = _csv_kind(path)

        def alone(name: str) -> io.TextIOBase | None:
            if name == PROFILE:  # messages.csv taken out of the unpacked folder: its Profile.csv beside it
                inner = os.path.join(os.path.dirname(os.path.abspath(path)), PROFILE)
                return open(inner, encoding="utf-8-sig", errors="replace", newline="") if (  # noqa: SIM115
                    os.path.isfile(inner)) else None
            if name != kind:
                return None
            return open(path, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115
        yield alone
        return
    with open_zip(path) as archive:
        def from_zip(name: str) -> io.TextIOBase | None:
            member = find_member(archive, name)
            return None if member is None else member_stream(archive, member)
        yield from_zip


def _csv_kind(path: str) -> str:
    """Which of LinkedIn's files a lone CSV is, by its header (it may have been renamed): messages.csv,
    Invitations.csv, or ""."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            head = fh.readline(65536).upper()
    except OSError:
        return ""
    if "CONVERSATION ID" in head:
        return MESSAGES
    if "INVITERPROFILEURL" in head or ("SENT AT" in head and "DIRECTION" in head):
        return INVITATIONS
    return ""


def iter_linkedin(path: str, *, me: frozenset[str], report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the rows of a LinkedIn archive: each message of messages.csv, each invitation with a message."""
    source = os.path.basename(os.path.normpath(path))
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, _FIELD_LIMIT))
    try:
        with _opener(path) as open_csv:
            owner = _owner_name(open_csv)
            me = me | _owner_url(open_csv)
            found = False
            for name, reader in ((MESSAGES, _message_row), (INVITATIONS, _invitation_row)):
                stream = open_csv(name)
                if stream is None:
                    continue
                found = True
                try:
                    with stream:
                        yield from _rows(stream, name, source, reader, me, owner, report)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    raise InputFormatError(f"{source}: {name} is damaged ({type(exc).__name__}: "
                                           f"{one_line(exc)[:120]}); download the archive again", path=path) from None
            if not found:
                raise InputFormatError(f"{source}: no {MESSAGES} or {INVITATIONS} (no CONVERSATION ID column); "
                                       "expected LinkedIn's data download (a ZIP, its folder, or messages.csv)",
                                       path=path)
    finally:
        csv.field_size_limit(old)


def _owner_url(open_csv: Callable[[str], io.TextIOBase | None]) -> frozenset[str]:
    """The archive owner's profile URL: the one profile in every conversation of messages.csv (as sender or
    recipient), when there are at least two conversations and exactly one such profile; else none."""
    stream = open_csv(MESSAGES)
    if stream is None:
        return frozenset()
    common: set[str] | None = None
    conversations: set[str] = set()
    with stream:
        try:
            for rec in csv.DictReader(stream):
                rec = {(k or "").strip().upper(): v or "" for k, v in rec.items() if isinstance(v, str)}
                present = {profile_url(rec.get("SENDER PROFILE URL", "")),
                           *_urls(rec.get("RECIPIENT PROFILE URLS", ""))}
                common = present - {""} if common is None else common & present
                conversations.add(rec.get("CONVERSATION ID", ""))
                if not common:
                    return frozenset()
        except (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            return frozenset()  # the reading pass says what is wrong with the file
    return frozenset(common) if common and len(common) == 1 and len(conversations) > 1 else frozenset()


def _owner_name(open_csv: Callable[[str], io.TextIOBase | None]) -> str:
    """The archive owner's name from Profile.csv ("First Last", casefolded), or ""."""
    stream = open_csv(PROFILE)
    if stream is None:
        return ""
    with stream:
        try:
            row = next(csv.DictReader(stream), None) or {}
        except csv.Error:
            return ""
    name = f"{row.get('First Name') or ''} {row.get('Last Name') or ''}"
    return one_line(name).casefold()


_Reader = Callable[[dict[str, str], str, frozenset[str], str], dict[str, Any] | None]


def _rows(stream: io.TextIOBase, name: str, source: str, make: _Reader, me: frozenset[str], owner: str,
          report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    reader = csv.reader(stream)
    try:
        header = [h.strip().upper() for h in next(reader, [])]
    except csv.Error as exc:
        report["skipped"].append({"source": source, "position": f"{name}, line 1", "reason": f"unreadable ({exc})"})
        return
    line = reader.line_num
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a broken record: counted, and the reader goes on after it
            report["messages_read"] += 1
            report["skipped"].append({"source": source, "position": f"{name}, line {start}",
                                      "reason": f"not a CSV record ({exc})"})
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        row = make(dict(zip(header, fields, strict=False)), f"{name}, line {start}", me, owner)
        if row is None:
            continue
        report["messages_read"] += 1
        row["source"] = source
        if row["date"] is None:
            report["warnings"].append({"source": source, "position": row["position"],
                                       "message": "no readable date; date left empty"})
        yield row


def _message_row(rec: dict[str, str], position: str, me: frozenset[str], owner: str) -> dict[str, Any] | None:
    if (rec.get("IS MESSAGE DRAFT") or "").strip().lower() == "yes":
        return None
    conversation = one_line(rec.get("CONVERSATION ID"))
    sender = profile_url(rec.get("SENDER PROFILE URL") or "")
    raw_date = rec.get("DATE") or ""
    folder = one_line(rec.get("FOLDER")) or "INBOX"
    from_name = one_line(rec.get("FROM"))
    content = rec.get("CONTENT") or ""
    text = html_text(content) if "<" in content else content
    outgoing = (folder.upper() in ("SENT", "SENT ITEMS") or (bool(sender) and sender in me)
                or (bool(owner) and from_name.casefold() == owner))
    return {
        "channel": "linkedin", "source": "", "folder": folder, "position": position, "outgoing": outgoing,
        "message_id": synthetic_id("linkedin", conversation, one_line(raw_date), sender or from_name),
        "in_reply_to": "", "references": (), "thread": conversation,
        "date": parse_date(raw_date), "from_addr": sender, "from_name": from_name,
        "to_addrs": _urls(rec.get("RECIPIENT PROFILE URLS") or ""), "cc_addrs": (),
        "subject": one_line(rec.get("SUBJECT")) or one_line(rec.get("CONVERSATION TITLE")),
        "snippet": snippet_text(text[:20000]), "auto_reply": False, "bounce_for": "",
    }


def _invitation_row(rec: dict[str, str], position: str, me: frozenset[str], owner: str) -> dict[str, Any] | None:
    message = rec.get("MESSAGE") or ""
    if not message.strip():
        return None
    inviter = profile_url(rec.get("INVITERPROFILEURL") or "")
    invitee = profile_url(rec.get("INVITEEPROFILEURL") or "")
    raw_date = rec.get("SENT AT") or ""
    from_name = one_line(rec.get("FROM"))
    outgoing = ((rec.get("DIRECTION") or "").strip().upper() == "OUTGOING" or (bool(inviter) and inviter in me)
                or (bool(owner) and from_name.casefold() == owner))
    return {
        "channel": "linkedin", "source": "", "folder": "Invitations", "position": position, "outgoing": outgoing,
        "message_id": synthetic_id("linkedin", "invitation", one_line(raw_date), inviter or from_name),
        "in_reply_to": "", "references": (), "thread": "",
        "date": parse_date(raw_date), "from_addr": inviter, "from_name": from_name,
        "to_addrs": (invitee,) if invitee else (), "cc_addrs": (),
        "subject": "Invitation to connect", "snippet": snippet_text(message[:4000]),
        "auto_reply": False, "bounce_for": "",
    }


def _urls(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in (profile_url(x) for x in re.split(r"[,;\s]+", value)) if u))
