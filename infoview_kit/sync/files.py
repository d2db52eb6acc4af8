"""Mail on disk, message by message: mbox files (Gmail Takeout, Thunderbird, Apple Mail), Maildir, .eml files.

Each reader yields ``(folder, position, bytes, fallback_date)`` for one message at a time and keeps at most
:data:`~infoview_kit.sync.mail.PARSE_BYTES` of it: the rest of a large message is read past, never held.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import mailbox
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from infoview_kit.sync.mail import PARSE_BYTES

#: One message as read: folder, position, its first bytes, and a function giving its arrival time (or None).
Raw = tuple[str, str, bytes, Callable[[], dt.datetime | None] | None]
_FROM_LINE = re.compile(rb"^From \S*\s+(.*?)\s*$")


def looks_like_mbox(path: str | os.PathLike[str]) -> bool:
    """Tell whether a file starts as an mbox does (a ``From `` line)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False


def looks_like_message(path: str | os.PathLike[str]) -> bool:
    """Tell whether a file starts with an RFC 5322 header line (``Name: value``)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return re.match(rb"[!-9;-~]+:", head) is not None


def is_maildir(path: str | os.PathLike[str]) -> bool:
    """Tell whether a folder is a Maildir (it has ``cur`` and ``new``)."""
    return os.path.isdir(os.path.join(path, "cur")) and os.path.isdir(os.path.join(path, "new"))


def mbox_folder(path: str | os.PathLike[str]) -> str:
    """The folder an mbox file stands for: its name without ``.mbox`` (Apple Mail's ``Sent.mbox/mbox``: Sent)."""
    p = Path(path)
    if p.name == "mbox" and p.parent.suffix == ".mbox":
        p = p.parent
    return p.name[:-5] if p.name.lower().endswith(".mbox") else p.name


def _from_line_date(line: bytes) -> dt.datetime | None:
    match = _FROM_LINE.match(line)
    if not match:
        return None
    text = match.group(1).decode("ascii", "replace")
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dt.datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class _Pending:
    """The message being read from an mbox: its first PARSE_BYTES bytes and its From line's date."""

    def __init__(self, from_line: bytes) -> None:
        self.parts: list[bytes] = []
        self.kept = 0
        self.date = functools.partial(_from_line_date, from_line)  # parsed only if the Date header is missing

    def add(self, chunk: bytes) -> None:
        if self.kept < PARSE_BYTES and chunk:
            piece = chunk[:PARSE_BYTES - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)

    def data(self) -> bytes:
        return b"".join(self.parts)


_BLOCK = 1 << 20
_LONGEST_FROM_LINE = 1 << 16


def iter_mbox(path: str | os.PathLike[str]) -> Iterator[Raw]:
    """Yield the messages of an mbox file as it is read, a block at a time (a message starts at a line
    beginning ``From ``, as the stdlib ``mailbox.mbox`` splits them; Gmail and Thunderbird escape the others as
    ``>From``). Only the first PARSE_BYTES of each message are kept."""
    folder = mbox_folder(path)
    number, current = 0, None
    with open(path, "rb") as fh:
        data = b"\n"  # as if a line ended before the file: a first line "From " starts the first message
        while True:
            block = fh.read(_BLOCK)
            pos, hold = 0, -1
            data += block
            while True:
                i = data.find(b"\nFrom ", pos)
                if i < 0:
                    break
                end = data.find(b"\n", i + 1, i + 1 + _LONGEST_FROM_LINE)
                if end < 0:
                    if block and len(data) - i <= _LONGEST_FROM_LINE:
                        hold = i  # the From line goes on in the next block
                        break
                    end = min(len(data), i + 1 + _LONGEST_FROM_LINE)
                if current is not None:
                    current.add(data[pos:i + 1])
                    yield folder, f"message {number}", current.data(), current.date
                current, number, pos = _Pending(data[i + 1:end]), number + 1, end + 1
            if not block:
                if current is not None:
                    current.add(data[pos:])
                    yield folder, f"message {number}", current.data(), current.date
                return
            if hold < 0:
                hold = max(pos, len(data) - 5)  # a "\nFrom" cut by the block's end waits for the rest
            if current is not None:
                current.add(data[pos:hold])
            data = data[hold:]


def read_head(path: str | os.PathLike[str]) -> bytes:
    """The first :data:`PARSE_BYTES` of a file."""
    with open(path, "rb") as fh:
        return fh.read(PARSE_BYTES)


def iter_maildir(path: str | os.PathLike[str]) -> Iterator[Raw]:
    """Yield the messages of a Maildir and of its Maildir++ subfolders (``.Sent``, ``.Archive`` ...): the
    top folder is INBOX; positions are the folder and the message's file name."""
    root = mailbox.Maildir(os.fspath(path), factory=None, create=False)
    folders = [("INBOX", os.fspath(path))]
    folders += [(name, os.path.join(path, "." + name)) for name in sorted(root.list_folders())]
    for name, folder in folders:
        for sub in ("new", "cur"):
            try:
                entries = sorted(e.name for e in os.scandir(os.path.join(folder, sub))
                                 if not e.name.startswith(".") and e.is_file())
            except OSError:
                continue
            for file in entries:
                try:
                    data = read_head(os.path.join(folder, sub, file))
                except OSError:  # moved by a mail client while we read
                    continue
                yield name, f"{name}/{sub}/{file}", data, None

def iter_eml_files(path: str | os.PathLike[str]) -> Iterator[Raw]:
    """Yield every ``.eml`` file under a folder (sorted; the folder it is in is its folder)."""
    root = Path(path)
    for file in sorted(root.rglob("*.eml")):
        if file.is_file():
            try:
                data = read_head(file)
            except OSError:  # unreadable (a permission): counted as a message with no headers
                data = b""
            yield file.parent.name, file.relative_to(root).as_posix(), data, None


def mbox_files(path: str | os.PathLike[str]) -> list[Path]:
    """The mbox files under a folder: Apple Mail's ``*.mbox/mbox``, ``*.mbox`` files, and Thunderbird's
    extension-less local folders (files starting with ``From ``; their ``.msf`` indexes are skipped)."""
    found: list[Path] = []
    for file in sorted(Path(path).rglob("*")):
        if not file.is_file() or file.suffix.lower() in (".msf", ".eml", ".dat", ".json", ".plist"):
            continue
        if looks_like_mbox(file):
            found.append(file)
    return found
