"""Contacts into and out of a workbook: import with matching and merging, adding and editing a person,
undoing a merge, recruiter flags, and export.

The store writes the rows (:class:`infoview_kit.store.Store`); this module decides who is whom (the
natural keys and :class:`~infoview_kit.base.keys.PeopleIndex`) and who is a recruiter.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from infoview_kit.base.keys import PeopleIndex, company_key, name_key, person_keys
from infoview_kit.find.contacts import is_recruiter, read_contacts
from infoview_kit.find.write import write_contacts
from infoview_kit.store import IMPORT_FIELDS, Store, utc_iso

log = logging.getLogger("infoview_kit")

#: The columns :func:`export_contacts` writes, in order.
EXPORT_COLUMNS = ["first_name", "last_name", "email", "company", "position", "profile_url", "connected_on",
                  "how_known", "where_found", "notes", "is_recruiter", "stage", "sources"]


@dataclass
class ImportReport:
    """What an import did: counts, and warnings with line numbers."""

    file: str
    format: str
    added: int = 0
    merged: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    invalid_emails: int = 0
    merges: list[dict[str, Any]] = field(default_factory=list)
    repaired: list[dict[str, Any]] = field(default_factory=list)
    date_convention: str | None = None

    def __str__(self) -> str:
        text = (f"{self.file} ({self.format}): {self.added} added, {self.merged} merged, "
                f"{self.updated} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped, "
                f"{len(self.repaired)} repaired, {len(self.warnings)} warnings")
        return text

    def to_frame(self) -> pd.DataFrame:
        """Return skipped rows, repaired rows and warnings as one DataFrame: line, kind, field, message
        (a skipped or repaired row's message ends with its raw text)."""
        rows = [{"line": s.get("line"), "kind": "skipped", "field": pd.NA,
                 "message": str(s.get("reason")) + (f" | {s['raw']}" if s.get("raw") else "")} for s in self.skipped]
        rows += [{"line": r["line"], "kind": "repaired", "field": r["column"],
                  "message": f"{r['how']} | {r['raw']}"} for r in self.repaired]
        rows += [{"line": w.get("line"), "kind": "warning", "field": w.get("field", pd.NA),
                  "message": w.get("message")} for w in self.warnings]
        return pd.DataFrame(rows, columns=["line", "kind", "field", "message"])


def flag_recruiters(wb: Store, ids: Sequence[int] | None = None) -> None:
    """Set each contact's is_recruiter from their position (:func:`~infoview_kit.find.contacts.is_recruiter`),
    for every contact or only `ids`; only flags that change are written."""
    wb.set_recruiter_flags({cid: flag for cid, position, old in wb.positions(ids)
                            if (flag := is_recruiter(position)) != old})


def import_contacts(wb: Store, path: str | os.PathLike[str], *, fmt: str | None = None,
                    mapping: Mapping[str, str] | None = None, at: dt.datetime | str | None = None,
                    progress: bool = False) -> ImportReport:
    """Read a contacts export and store it in one transaction; see :func:`read_contacts`.

    Importing the same file again adds nothing: a person is matched by profile URL, then
    email, then name and company; a match fills the fields it lacked and keeps every source.
    Once the file is read, and if the workbook holds anything, it is backed up first
    (:meth:`~infoview_kit.store.Store.backup`, reason ``before-import``).

    Returns
    -------
    ImportReport
        added, merged (matched and given new fields), unchanged, skipped, warnings.

    Raises
    ------
    InputFormatError
        If the file cannot be read; the workbook is unchanged.
    """
    people = read_contacts(path, fmt=fmt, mapping=mapping)
    info = people.attrs.get("report", {})
    report = ImportReport(file=os.path.basename(os.fspath(path)), format=info.get("format", fmt or "?"),
                          skipped=list(info.get("skipped", [])),
                          warnings=list(info.get("warnings", [])),
                          invalid_emails=int(info.get("invalid_emails", 0)),
                          repaired=list(info.get("repaired", [])), date_convention=info.get("date_convention"))
    if not people.empty:
        wb.safety_backup("before-import")
        _store_people(wb, people, report, file=os.fspath(path), at=utc_iso(at), progress=progress)
    log.info("%s", report)
    return report


def _store_people(wb: Store, people: pd.DataFrame, report: ImportReport, *, file: str, at: str,
                  progress: bool) -> None:
    """Match every record to a contact (see :class:`~infoview_kit.base.keys.PeopleIndex`), then write
    inserts, filled-in fields, sources, merges and events, and the recruiter flags, in one transaction."""
    rows = _records(people)
    with wb.transaction():
        matching = _Matching(wb.people_to_match(), wb.source_owners(), report)
        for row in _progress(rows, len(people), progress, "matching"):
            matching.take(*row)
        wb.write_import(added=matching.added(), filled=matching.filled(), sources=matching.sources,
                        merges=matching.merges, file=file, at=at)
        flag_recruiters(wb)
        report.added = len(matching.pending)


def _records(people: pd.DataFrame) -> list[tuple[Any, ...]]:
    """(person_key, *IMPORT_FIELDS, source, line, connected_on_raw, name_key, company_key) of every record
    read, None for missing."""
    people = people.copy()
    people["person_key"] = person_keys(people)
    people["connected_on"] = people["connected_on"].dt.strftime("%Y-%m-%d")
    frame = people[["person_key", *IMPORT_FIELDS, "source", "line", "connected_on_raw"]].astype(object)
    frame = frame.where(frame.notna(), None)
    frame["name_key"] = [name_key(f, la) for f, la in zip(frame["first_name"], frame["last_name"], strict=True)]
    frame["company_key"] = [company_key(co) if co else "" for co in frame["company"]]
    return list(frame.itertuples(index=False, name=None))


_EMAIL = IMPORT_FIELDS.index("email")


class _Matching:
    """The people of one import matched against the workbook and each other, as the records come."""

    def __init__(self, stored: Iterable[tuple[int, str, list[Any]]], known: dict[tuple[str, str], int],
                 report: ImportReport) -> None:
        self.index = PeopleIndex()
        self.values: dict[int, list[Any]] = {}  # contact id (or temporary id below 0) -> IMPORT_FIELDS
        for cid, key, vals in stored:
            self.values[cid] = vals
            self.index.add(cid, key, vals[_EMAIL], name_key(vals[0], vals[1]),
                           company_key(vals[3]) if vals[3] else "")
        self.known = known
        self.report = report
        self.pending: dict[int, str] = {}  # negative temporary id -> person_key, for people added now
        self.changed: set[int] = set()
        self.sources: list[tuple[int, str, str, int, str | None]] = []
        self.merges: list[tuple[int, str, str, str, float, str]] = []

    def take(self, key: str, *row: Any) -> None:
        """Match one record: (person_key, *IMPORT_FIELDS, source, line, connected_on_raw, name_key, company_key).

        The source record keeps what the contact row cannot: a date that could not be read stays there as
        written (``connected_on_raw``)."""
        *vals, source, line, raw_date, nk, ck = row
        hit = ((self.known[(source, key)], "source", 100.0) if (source, key) in self.known
               else self.index.match(key, vals[_EMAIL], nk, ck))
        if hit is None:  # someone new: the contact row is the record as read
            cid = -(len(self.pending) + 1)
            self.pending[cid], self.values[cid] = key, list(vals)
            self.index.add(cid, key, vals[_EMAIL], nk, ck)
            self.sources.append((cid, source, key, line, _record_json(vals, raw_date) if raw_date else None))
            return
        cid, matched_by, score = hit
        if matched_by == "key" and cid > 0:  # a new source for someone already here
            matched_by = {"url": "profile link", "email": "email"}.get(key.split(":")[0], "name and company")
        if self._join(cid, key, vals, source, line, matched_by, score, raw_date):
            self.index.add(cid, key, vals[_EMAIL], nk, ck)

    def _join(self, cid: int, key: str, vals: list[Any], source: str, line: int, matched_by: str,
              score: float, raw_date: str | None) -> bool:
        """A record joins someone already here (or earlier in this file): keep the record as read, so
        no field is lost, and fill what they lacked. False for the very same record twice in this file."""
        data = _record_json(vals, raw_date)
        old = self.values[cid]
        filled = {k: new for k, o, new in zip(IMPORT_FIELDS, old, vals, strict=True) if o is None and new is not None}
        for k, new in filled.items():
            old[IMPORT_FIELDS.index(k)] = new
        if filled and cid > 0:
            self.changed.add(cid)
        if matched_by == "key" and cid < 0:  # the very same record again in this file
            self.report.skipped.append({"line": line, "reason": "same person twice in this file"})
            return False
        if matched_by in ("source", "key"):
            if filled:
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        else:
            self.merges.append((cid, source, key, matched_by, score, json.dumps(filled, ensure_ascii=False)))
            self.report.merged += 1
            self.report.merges.append({"contact_id": cid if cid > 0 else None, "line": line,
                                       "matched_by": matched_by, "score": score, "filled": sorted(filled)})
        if (source, key) not in self.known:
            self.sources.append((cid, source, key, line, data))
            self.known[(source, key)] = cid
        return True

    def added(self) -> list[tuple[int, str, list[Any]]]:
        """The new people in the order they were read: (temporary id, person_key, values)."""
        return [(tid, key, self.values[tid]) for tid, key in sorted(self.pending.items(), reverse=True)]

    def filled(self) -> dict[int, list[Any]]:
        """Contacts already stored that the import gave new fields: id -> values."""
        return {cid: self.values[cid] for cid in self.changed}


def _record_json(vals: Sequence[Any], raw_date: str | None) -> str:
    """A source record as stored: IMPORT_FIELDS, and the date's own text when it could not be read."""
    record = dict(zip(IMPORT_FIELDS, vals, strict=True)) | ({"connected_on_raw": raw_date} if raw_date else {})
    return json.dumps(record, ensure_ascii=False)


def _progress(rows: Iterable[Any], total: int, show: bool, desc: str) -> Iterable[Any]:
    """Wrap `rows` in a progress bar when asked and the work is large enough to wait for."""
    if not show or total < 5000:
        return rows
    from tqdm.auto import tqdm

    return tqdm(rows, total=total, desc=desc, unit="people")


def add_contact(wb: Store, first_name: str, last_name: str = "", *, email: str | None = None,
                company: str | None = None, position: str | None = None,
                profile_url: str | None = None, how_known: str | None = None,
                where_found: str | None = None, notes: str | None = None,
                referred_by: int | None = None, source: str = "manual",
                at: dt.datetime | str | None = None) -> int:
    """Add a person from your own circles or social media; return their contact id.

    Adding the same person again (same profile URL, email, or name and company) fills what
    was missing and returns the existing id. Whether they are a recruiter is set from their position.

    Raises
    ------
    InputFormatError
        If the name is empty, the email invalid, or `how_known` not one of HOW_KNOWN.
    NotFoundError
        If `referred_by` is not a contact id.
    """
    return wb.insert_contact(first_name, last_name, email=email, company=company, position=position,
                             profile_url=profile_url, how_known=how_known, where_found=where_found, notes=notes,
                             referred_by=referred_by, source=source, at=at,
                             then=lambda ids: flag_recruiters(wb, ids))


def update_contact(wb: Store, contact_id: int, *, at: dt.datetime | str | None = None,
                   **fields: Any) -> list[str]:
    """Edit a contact (see :meth:`~infoview_kit.store.Store.edit_contact`), keeping their recruiter
    flag in step with their position; return the names of the fields that changed."""
    return wb.edit_contact(contact_id, at=at, then=lambda ids: flag_recruiters(wb, ids), **fields)


def undo_merge(wb: Store, merge_id: int | None, *, at: dt.datetime | str | None = None) -> int | None:
    """Split a merged record back into a contact of its own; return that contact's id (None if
    the merge was already undone, or no merge is given: 0 or None undoes nothing, so a notebook's
    parameter may be left empty). See :meth:`~infoview_kit.store.Store.split_merge`; both people's
    recruiter flags follow their positions, as the Undo button of the merge review does."""
    if not merge_id:
        return None
    return wb.split_merge(int(merge_id), at=at, then=lambda ids: flag_recruiters(wb, ids))


def export_contacts(wb: Store, path: str | os.PathLike[str]) -> Path:
    """Write every contact to ``.csv`` or ``.xlsx`` (by the file name) with the columns of
    :func:`read_contacts` first, then how_known, where_found, notes, is_recruiter, stage and
    sources; formula-like cells are neutralized, and ``read_contacts`` reads the file back.
    """
    return write_contacts(wb.contacts()[EXPORT_COLUMNS], path)
