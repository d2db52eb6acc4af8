"""Imports and merges in the store: the writes of a matched import, the list of merges, and undoing one."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from infoview_kit.base.errors import NotFoundError
from infoview_kit.store.backups import Backups
from infoview_kit.store.core import rowid
from infoview_kit.store.employers import sync_employers
from infoview_kit.store.people import People, Then
from infoview_kit.store.schema import CONTACT_CHANGES_KEPT, IMPORT_FIELDS, utc_iso

#: A new person of an import: (temporary id below 0, person_key, values of IMPORT_FIELDS).
NewPerson = tuple[int, str, Sequence[Any]]
#: A source record of an import: (contact id or temporary id, source, source_key, line, record as JSON or None).
SourceRow = tuple[int, str, str, int, str | None]
#: A merge of an import: (contact id or temporary id, source, source_key, matched_by, score, filled as JSON).
MergeRow = tuple[int, str, str, str, float, str]


class Merges(People, Backups):
    """What an import writes, and the merges of one person from two sources (a mixin of the Store)."""

    def people_to_match(self) -> list[tuple[int, str, list[Any]]]:
        """Return (id, person_key, values of IMPORT_FIELDS) of every contact: what an import matches against."""
        cols = ", ".join(IMPORT_FIELDS)
        return [(cid, key, list(vals)) for cid, key, *vals in self._conn.execute(
            f"SELECT id, person_key, {cols} FROM contacts")]

    def source_owners(self) -> dict[tuple[str, str], int]:
        """Return the contact id of every stored source record: (source, source_key) -> id."""
        return {(s, k): cid for cid, s, k in self._conn.execute("SELECT contact_id, source, source_key "
                                                                "FROM contact_sources")}

    def write_import(self, *, added: Sequence[NewPerson], filled: Mapping[int, Sequence[Any]],
                     sources: Sequence[SourceRow], merges: Sequence[MergeRow], file: str, at: str) -> dict[int, int]:
        """Write what an import matched (:func:`infoview_kit.find.importing.import_contacts`), in one
        transaction; return the ids the new people got (temporary id -> contact id).

        Parameters
        ----------
        added
            New people, in the order they were read.
        filled
            Contacts already stored -> their values of IMPORT_FIELDS with what the import filled in.
        sources, merges
            Every new source record, and every merge of a record into someone; they may name a new
            person by their temporary id.
        file
            The file read (its name is kept with each source).
        at
            When, as UTC ISO text.
        """
        cols = ", ".join(IMPORT_FIELDS)
        with self.transaction() as c:
            # the change log of contacts serves views between writes: a short tail of it is enough
            if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'contact_changes'").fetchone():
                c.execute("DELETE FROM contact_changes WHERE seq <= (SELECT max(seq) FROM contact_changes) - ?",
                          (CONTACT_CHANGES_KEPT,))
            c.executemany(f"INSERT INTO contacts (person_key, {cols}, created_at) "
                          f"VALUES (?, {', '.join('?' * len(IMPORT_FIELDS))}, ?)",
                          [(key, *values, at) for _, key, values in added])
            ids = dict(c.execute("SELECT person_key, id FROM contacts")) if added else {}
            real = {tid: ids[key] for tid, key, _ in added}
            for cid in sorted(filled):
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in IMPORT_FIELDS)} WHERE id = ?",
                          (*filled[cid], cid))
            fname = os.path.basename(file)
            c.executemany("INSERT INTO contact_sources (contact_id, source, source_key, file, line, data) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          [(real.get(cid, cid), s, k, fname, ln, d) for cid, s, k, ln, d in sources])
            merged = [(real.get(m[0], m[0]), *m[1:]) for m in merges]  # merged into someone new: real id
            c.executemany("INSERT INTO merges (contact_id, source, source_key, matched_by, score, filled, at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [(*m, at) for m in merged])
            c.executemany("INSERT INTO events (at, kind, contact_id, detail) VALUES (?, 'contact_added', ?, ?)",
                          [(at, real[tid], '{"source": "import"}') for tid, _, _ in added])
            c.executemany("INSERT INTO events (at, kind, contact_id, detail) VALUES (?, 'contacts_merged', ?, ?)",
                          [(at, m[0], json.dumps({"matched_by": m[3]})) for m in merged])
            sync_employers(c)
        return real

    def merges(self) -> pd.DataFrame:
        """Return the merges of one person from two sources, newest first, to review or undo.

        Columns: id, contact_id, name, source, file, line, matched_by (email, name and company),
        score (0-100), filled (fields the second source filled in), at, undone_at.
        """
        df = self._df("""
            SELECT m.id, m.contact_id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))
                   AS name, m.source, s.file, s.line, m.matched_by, m.score, m.filled, m.at, m.undone_at
            FROM merges m JOIN contacts c ON c.id = m.contact_id
            LEFT JOIN contact_sources s ON s.source = m.source AND s.source_key = m.source_key
            ORDER BY m.at DESC, m.id DESC""")
        df["filled"] = [", ".join(sorted(json.loads(f))) if isinstance(f, str) else "" for f in df["filled"]]
        for col in ("at", "undone_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        df["line"] = df["line"].astype("Int64")
        return df

    def split_merge(self, merge_id: int, *, at: dt.datetime | str | None = None,
                    then: Then | None = None) -> int | None:
        """Split a merged record back into a contact of its own; return that contact's id (None if
        the merge was already undone). Fields the record filled in are taken back from the contact
        it was merged into, unless they were changed since. The workbook is backed up first
        (:meth:`backup`, reason ``before-undo-merge``). The data half of
        :func:`infoview_kit.find.importing.undo_merge`: ``then([contact id, new id])`` runs inside
        the write transaction.

        Raises
        ------
        NotFoundError
            If there is no such merge.
        """
        row = self._conn.execute("SELECT contact_id, source, source_key, filled, undone_at FROM merges "
                                 "WHERE id = ?", (int(merge_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no merge with id {merge_id} in {self.path}")
        cid, source, key, filled, undone = row
        if undone:
            return None
        self.safety_backup("before-undo-merge")
        data = self._conn.execute("SELECT data FROM contact_sources WHERE source = ? AND source_key = ?",
                                  (source, key)).fetchone()
        record = json.loads(data[0]) if data and data[0] else {}
        stamp = utc_iso(at)
        cols = [k for k in IMPORT_FIELDS if k in record]
        with self.transaction() as c:
            for k, v in json.loads(filled or "{}").items():
                c.execute(f"UPDATE contacts SET {k} = NULL WHERE id = ? AND {k} IS ?", (cid, v))
            taken = c.execute("SELECT 1 FROM contacts WHERE person_key = ?", (key,)).fetchone()
            new = rowid(c.execute(
                f"INSERT INTO contacts (person_key, {', '.join(cols)}, created_at) "
                f"VALUES (?, {', '.join('?' * len(cols))}, ?)",
                (f"{key}#split-{merge_id}" if taken else key, *[record[k] for k in cols], stamp)))
            c.execute("UPDATE contact_sources SET contact_id = ? WHERE source = ? AND source_key = ?",
                      (new, source, key))
            c.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (stamp, merge_id))
            self._event("merge_undone", stamp, cid, merge_id, split_into=new)
            self._event("contact_added", stamp, new, source="undo merge")
            if then is not None:
                then([cid, new])
        return new
