"""Read what the user already has (mbox, Maildir, .eml, IMAP, LinkedIn's archive) into one table of messages."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from infoview_kit.base.archive import is_zip, open_zip
from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync import files
from infoview_kit.sync.imap import Imap, iter_imap
from infoview_kit.sync.linkedin import is_linkedin_folder, is_linkedin_zip, iter_linkedin, profile_url
from infoview_kit.sync.mail import COLUMNS, message_row, one_line, read_message

logger = logging.getLogger("infoview_kit")

__all__ = ["COLUMNS", "iter_conversations", "own_addresses", "read_conversations"]

Source = str | os.PathLike[str] | Imap
_EXPECTED = ("expected an mbox file, a Maildir, a folder of .eml files, an .eml file, LinkedIn's data download "
             "(ZIP, folder or messages.csv), or imap://user@host")
_OLDEST, _NEWEST = dt.datetime(1678, 1, 1, tzinfo=dt.UTC), dt.datetime(2261, 12, 31, tzinfo=dt.UTC)


def read_conversations(source: Source | Iterable[Source], *, me: Iterable[str] | str = (),
                       since: dict[str, Any] | None = None) -> pd.DataFrame:
    """Read mail and LinkedIn messages into one table, one row per message, streaming.

    Parameters
    ----------
    source
        A path (an mbox file, such as Gmail Takeout's with its ``X-Gmail-Labels``, Thunderbird's local folders
        or Apple Mail's ``*.mbox`` export; a Maildir; a folder of ``.eml`` files or one ``.eml``; LinkedIn's
        "Get a copy of your data" ZIP, its folder, or ``messages.csv``), an :class:`~infoview_kit.sync.Imap`
        account (or ``"imap://user@host"``), or a list of them.
    me
        The user's own addresses and LinkedIn profile URLs: messages from them are outgoing.
    since
        For IMAP, the ``imap_state`` of the previous read (or that read's whole report): only new messages
        are fetched; a folder whose UIDVALIDITY changed is read again whole.

    Returns
    -------
    pandas.DataFrame
        One row per message; columns in order: ``channel`` ("mail" or "linkedin"), ``source`` (the file or folder
        name, or ``imap://user@host``), ``folder``, ``position`` (where in the source: "message 12", a file name,
        "messages.csv, line 14", "UID 123"), ``outgoing`` (bool), ``message_id`` (no angle brackets; a stable
        synthetic id for LinkedIn and for mail without one), ``in_reply_to``, ``references`` (tuple), ``thread``
        (LinkedIn's conversation id, Gmail's thread id, else ""), ``date`` (datetime64[ns, UTC], NaT if
        unreadable), ``from_addr`` (lowercased address; LinkedIn: ``https://www.linkedin.com/in/slug``),
        ``from_name``, ``to_addrs``, ``cc_addrs`` (tuples), ``subject``, ``snippet`` (at most 200 characters of
        text), ``auto_reply`` (bool), ``bounce_for`` (the address a delivery failure reports, else "").
        ``df.attrs["report"]``: ``sources``, ``messages_read`` (every message met, so
        ``len(df) == messages_read - len(skipped)``), ``skipped`` (``{source, position, reason}``),
        ``warnings`` (``{source, position, message}``) and ``imap_state`` (``{folder: {uidvalidity,
        last_uid}}``, to pass as ``since=`` next time).

    Raises
    ------
    InputFormatError
        Only for a source that cannot be read at all: missing, of no known layout, an unsafe ZIP, an IMAP
        server that cannot be reached or refuses the login. A broken message is skipped and counted.
    """
    report = new_report()
    columns: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for row in iter_conversations(source, me=me, since=since, report=report):
        for column in COLUMNS:
            columns[column].append(row[column])
    df = table(columns)
    df.attrs["report"] = report
    logger.info("read %d messages from %s: %d kept, %d skipped, %d warnings", report["messages_read"],
                ", ".join(report["sources"]), len(df), len(report["skipped"]), len(report["warnings"]))
    return df


def new_report() -> dict[str, Any]:
    """An empty report, as ``df.attrs["report"]`` holds it."""
    return {"sources": [], "messages_read": 0, "skipped": [], "warnings": [], "imap_state": {}}


def table(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """The conversations table from its column lists (empty lists give an empty table of the same dtypes)."""
    df = pd.DataFrame({c: pd.Series(columns[c], dtype=object) for c in COLUMNS})
    for column in ("outgoing", "auto_reply"):
        df[column] = df[column].astype(bool)
    df["date"] = pd.to_datetime(pd.Series(columns["date"], dtype=object), utc=True).astype("datetime64[ns, UTC]")
    return df


def own_addresses(me: Iterable[str] | str) -> frozenset[str]:
    """The user's own addresses (lowercased) and LinkedIn profile URLs (normalized)."""
    values = [me] if isinstance(me, str) else list(me)
    out = {profile_url(v) if "linkedin.com" in v.lower() else one_line(v).lower() for v in values}
    return frozenset(out - {""})


def iter_conversations(source: Source | Iterable[Source], *, me: Iterable[str] | str = (),
                       since: dict[str, Any] | None = None,
                       report: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the rows of :func:`read_conversations` one at a time (dicts keyed by its columns), keeping only
    headers and snippets, never bodies. `report` (see :func:`new_report`) is filled in as they come."""
    report = new_report() if report is None else report
    mine = own_addresses(me)
    state = (since or {}).get("imap_state", since or {})
    sources: list[Source] = list(source) if isinstance(source, (list, tuple)) else [source]  # type: ignore[list-item]
    shared: dict[Any, Any] = {}
    for one in sources:
        for row in _rows_of(one, mine, state, report):
            yield _checked(_shared(row, shared), report)


def _rows_of(source: Source, mine: frozenset[str], state: dict[str, Any],
             report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(source, str) and source.lower().startswith(("imap://", "imaps://")):
        source = Imap.from_url(source)
    if isinstance(source, Imap):
        report["sources"].append(source.url)
        yield from iter_imap(source, me=mine, since=state, report=report)
        return
    path = os.path.expanduser(os.fspath(source))
    name = os.path.basename(os.path.normpath(path)) or path
    if not os.path.exists(path):
        raise InputFormatError(f"{name}: no such file or folder; check the path", path=path)
    report["sources"].append(name)
    kind = _layout(path, name)
    try:
        if kind == "linkedin":
            yield from iter_linkedin(path, me=mine, report=report)
        else:
            yield from _mail_rows(_raw_messages(path, kind), name, mine, report)
    except OSError as exc:  # the disk, a permission, a file removed while read: the source as a whole
        raise InputFormatError(f"{name}: could not be read ({exc.strerror or type(exc).__name__})",
                               path=path) from None


def _layout(path: str, name: str) -> str:
    """What a path holds: "maildir", "linkedin", "mboxes" (a folder), "mbox", "eml", "emls" (a folder)."""
    if os.path.isdir(path):
        if files.is_maildir(path):
            return "maildir"
        if is_linkedin_folder(path):
            return "linkedin"
        return "folder"
    if is_zip(path):
        with open_zip(path) as archive:
            if is_linkedin_zip(archive):
                return "linkedin"
        raise InputFormatError(f"{name}: a ZIP archive, but not LinkedIn's data download (no messages.csv); "
                               f"{_EXPECTED}", path=path)
    if name.lower().endswith(".csv"):
        return "linkedin"
    if files.looks_like_mbox(path) or os.path.getsize(path) == 0:  # an empty file is an empty mail folder
        return "mbox"
    if name.lower().endswith(".eml") or files.looks_like_message(path):
        return "eml"
    raise InputFormatError(f"{name}: not mail (no 'From ' line, no headers); {_EXPECTED}", path=path)


def _raw_messages(path: str, kind: str) -> Iterator[files.Raw]:
    if kind == "maildir":
        yield from files.iter_maildir(path)
    elif kind == "mbox":
        yield from files.iter_mbox(path)
    elif kind == "eml":
        yield os.path.basename(os.path.dirname(os.path.abspath(path))), os.path.basename(path), \
            files.read_head(path), None
    else:
        yield from _folder_messages(path)


def _folder_messages(path: str) -> Iterator[files.Raw]:
    """A folder of mbox files (Thunderbird, Apple Mail) and/or .eml files."""
    mboxes = files.mbox_files(path)
    emls = next(Path(path).rglob("*.eml"), None) is not None
    if not mboxes and not emls:
        name = os.path.basename(os.path.normpath(path))
        raise InputFormatError(f"{name}: a folder with no mail in it (no mbox, Maildir or .eml files); {_EXPECTED}",
                               path=path)
    for mbox in mboxes:
        where = mbox.relative_to(path).as_posix()
        for folder, position, data, fallback in files.iter_mbox(mbox):
            yield folder, f"{where}, {position}", data, fallback
    yield from files.iter_eml_files(path)


def _mail_rows(raws: Iterator[files.Raw], source: str, mine: frozenset[str],
               report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Parse each message into a row; a broken one is skipped and counted, never raised."""
    for folder, position, data, fallback in raws:
        report["messages_read"] += 1
        warn = _warner(report, source, position)
        try:
            msg = read_message(data, warn)
            row = message_row(msg, source=source, folder=folder, position=position, me=mine,
                              fallback_date=fallback, warn=warn)
        except Exception as exc:  # one message never stops the read; it is counted with its position
            reason = str(exc) if isinstance(exc, ValueError) else f"could not be read ({type(exc).__name__})"
            report["skipped"].append({"source": source, "position": position, "reason": one_line(reason)[:200]})
            logger.debug("%s, %s: skipped", source, position, exc_info=True)
            continue
        yield row


def _warner(report: dict[str, Any], source: str, position: str) -> Callable[[str], None]:
    def warn(message: str) -> None:
        report["warnings"].append({"source": source, "position": position, "message": message})
    return warn


_REPEATING = ("folder", "from_addr", "from_name", "to_addrs", "cc_addrs", "thread")


def _shared(row: dict[str, Any], pool: dict[Any, Any]) -> dict[str, Any]:
    """One object for each repeated value (the same people write again and again), so a large mailbox's
    table holds each address once. The pool is capped so a mailbox of strangers cannot grow it forever."""
    for column in _REPEATING:
        value = row[column]
        row[column] = pool.setdefault(value, value) if len(pool) < 200_000 else pool.get(value, value)
    return row


def _checked(row: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """A date pandas cannot hold (before 1678, after 2261) becomes empty, with a warning."""
    date = row["date"]
    if date is not None and not _OLDEST <= date <= _NEWEST:
        _warner(report, row["source"], row["position"])(f"date {date.isoformat()} out of range; left empty")
        row["date"] = None
    return row


