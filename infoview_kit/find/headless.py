"""Notebook 01's import and merge actions, for its buttons and a headless run's parameters."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

from infoview_kit.find.importing import ImportReport, import_contacts

if TYPE_CHECKING:
    from infoview_kit.store import Store


def import_file(wb: Store, path: str | os.PathLike[str], *,
                at: dt.datetime | str | None = None) -> ImportReport | None:
    """Import a contacts export into the workbook, as the Import form does (:func:`.importing.import_contacts`).

    An empty `path` imports nothing and returns None, so a notebook's parameter may be left empty.
    """
    if not os.fspath(path):
        return None
    return import_contacts(wb, path, at=at)


def import_upload(wb: Store, name: str, content: bytes, *,
                  at: dt.datetime | str | None = None) -> ImportReport:
    """Import an uploaded contacts export, given its file name and bytes, as the Import form does.

    The bytes are written to a private temporary folder (readable by you only) under the file's own
    name, so the report and the sources name the file; imported; and removed.
    """
    name = os.path.basename(name) or "upload.csv"
    folder = tempfile.mkdtemp(prefix="infoview-upload-")  # readable by you only (0700)
    try:
        path = os.path.join(folder, name)
        with open(path, "wb") as fh:
            fh.write(content)
        return import_contacts(wb, path, at=at)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report_lines(report: ImportReport) -> list[str]:
    """Return what an import skipped, repaired, merged and warned about, one line each: "line 4: skipped: ...";
    a skipped or repaired row with its text as written. (The date convention shows only when the column was
    ambiguous: that warning names it.)"""
    rows = [f"line {s.get('line', '?')}: skipped: {s.get('reason', '')}"
            + (f" — the row as written: {s['raw']}" if s.get("raw") else "") for s in report.skipped]
    rows += [f"line {r['line']}: repaired: {r['how']} — the row as written: {r['raw']}" for r in report.repaired]
    rows += [f"line {m.get('line', '?')}: merged into contact {m.get('contact_id') or 'new'} "
             f"(same {str(m.get('matched_by', '')).removeprefix('same ')})" for m in report.merges]
    rows += [f"line {x.get('line', '?')}: {x.get('field', '')}: {x.get('message', '')}".replace(": : ", ": ")
             for x in report.warnings]
    return rows
