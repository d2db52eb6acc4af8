"""Research in the store: the facts found about each person, with where they were found."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.text import clean_text
from infoview_kit.base.validate import fact_date
from infoview_kit.base.validate import url as check_url
from infoview_kit.store.core import rowid
from infoview_kit.store.people import People
from infoview_kit.store.schema import RESEARCH_KINDS, known_fields, utc_iso


class Research(People):
    """Researched facts about contacts (a mixin of the Store)."""

    def add_research(self, contact_id: int, kind: str, title: str, *, organization: str | None = None,
                     start: str | None = None, end: str | None = None, outlet: str | None = None,
                     relation: str | None = None, url: str | None = None, source_url: str | None = None,
                     notes: str | None = None, at: dt.datetime | str | None = None) -> int:
        """Record one researched fact about a contact; return its id.

        Parameters
        ----------
        kind
            One of RESEARCH_KINDS: experience (title = role), education (title = degree),
            accomplishment, article (by or about them: `relation`), interest, note.
        source_url
            Where the fact was found; keep one for every fact.

        start, end
            When: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``Mar 2021``
            (see :func:`~infoview_kit.base.validate.fact_date`).

        Recording the same fact again (same kind, title and organization) updates it.

        Raises
        ------
        InputFormatError
            For an unknown kind, an empty title, a relation other than by/about, a date that
            is not one (e.g. "next spring") or a link that is not an http(s) address with a dotted host
            (:mod:`infoview_kit.base.validate`); nothing is written.
        """
        self.contact(contact_id)
        if kind not in RESEARCH_KINDS:
            raise InputFormatError(f"research kind {kind!r}: expected one of {', '.join(RESEARCH_KINDS)}")
        title = (title or "").strip()
        if not title:
            raise InputFormatError("research title is empty: say what the fact is")
        if relation not in (None, "by", "about"):
            raise InputFormatError(f"relation {relation!r}: expected 'by' or 'about'")
        start, end = fact_date(start, "research date 'from'"), fact_date(end, "research date 'to'")
        url, source_url = check_url(url, "research link"), check_url(source_url, "research source link")
        stamp = utc_iso(at)
        values = (organization, start, end, outlet, relation, url, source_url, notes)
        with self.transaction() as c:
            row = c.execute("SELECT id FROM research WHERE contact_id = ? AND kind = ? AND title = ? "
                            "AND organization IS ?", (contact_id, kind, title, organization)).fetchone()
            if row:
                c.execute("UPDATE research SET start = coalesce(?, start), end = coalesce(?, end), "
                          "outlet = coalesce(?, outlet), relation = coalesce(?, relation), "
                          "url = coalesce(?, url), source_url = coalesce(?, source_url), "
                          "notes = coalesce(?, notes) WHERE id = ?", (*values[1:], row[0]))
                return int(row[0])
            cur = c.execute("INSERT INTO research (contact_id, kind, title, organization, start, end, outlet, "
                            "relation, url, source_url, notes, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (contact_id, kind, title, *values, stamp))
            rid = rowid(cur)
            self._event("research_added", stamp, contact_id, rid, kind=kind)
        return rid

    #: The fields of a research fact that :meth:`update_research` edits.
    EDITABLE_RESEARCH_FIELDS = ("kind", "title", "organization", "start", "end", "outlet", "relation", "url",
                                "source_url", "notes")

    def research_item(self, research_id: int) -> dict[str, Any]:
        """Return one research fact as a dict (the columns of :meth:`research`, ``added_at`` as text).

        Raises
        ------
        NotFoundError
            If there is no such fact.
        """
        cur = self._conn.execute("SELECT id, contact_id, kind, title, organization, start, end, outlet, relation, "
                                 "url, source_url, notes, added_at FROM research WHERE id = ?", (int(research_id),))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(f"no research fact with id {research_id} in {self.path}")
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def update_research(self, research_id: int, *, at: dt.datetime | str | None = None, **fields: Any) -> list[str]:
        """Edit a research fact: every field given is set (empty text or None clears it; the title
        cannot be empty), the others keep theirs. Return the names of the fields that changed
        ([] when nothing did: then nothing is written). Fields: EDITABLE_RESEARCH_FIELDS; the
        rules are those of :meth:`add_research`.

        Raises
        ------
        InputFormatError
            For an unknown field, kind or relation, an empty title, a date that is not one, or a
            fact that would be the same as another of this person's (kind, title, organization).
        NotFoundError
            If there is no such fact.
        """
        known_fields("research", fields, self.EDITABLE_RESEARCH_FIELDS)
        old = self.research_item(research_id)
        new = {k: clean_text(fields[k]) if k in fields else old[k] for k in self.EDITABLE_RESEARCH_FIELDS}
        if new["kind"] not in RESEARCH_KINDS:
            raise InputFormatError(f"research kind {new['kind']!r}: expected one of {', '.join(RESEARCH_KINDS)}")
        if not new["title"]:
            raise InputFormatError("research title is empty: say what the fact is")
        if new["relation"] not in (None, "by", "about"):
            raise InputFormatError(f"relation {new['relation']!r}: expected 'by' or 'about'")
        new["start"] = fact_date(new["start"], "research date 'from'")
        new["end"] = fact_date(new["end"], "research date 'to'")
        for k, label in (("url", "research link"), ("source_url", "research source link")):
            if k in fields:  # a link stored before links were checked stays until it is edited
                new[k] = check_url(new[k], label)
        changed = [k for k in self.EDITABLE_RESEARCH_FIELDS if new[k] != old[k]]
        if not changed:
            return []
        clash = self._conn.execute("SELECT id FROM research WHERE contact_id = ? AND kind = ? AND title = ? "
                                   "AND organization IS ? AND id != ?",
                                   (old["contact_id"], new["kind"], new["title"], new["organization"],
                                    old["id"])).fetchone()
        if clash:
            raise InputFormatError(f"research fact {old['id']}: fact {clash[0]} already says that "
                                   "(same kind, title and organization); edit or delete that one instead")
        with self.transaction() as c:
            c.execute(f"UPDATE research SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
                      (*[new[k] for k in changed], old["id"]))
            self._event("research_edited", utc_iso(at), old["contact_id"], old["id"], fields=changed)
        return changed

    def delete_research(self, research_id: int, *, at: dt.datetime | str | None = None) -> dict[str, Any]:
        """Delete a research fact; return it as it was (:meth:`research_item`). The activity log
        keeps that research was done (the person stays 'researched').

        Raises
        ------
        NotFoundError
            If there is no such fact.
        """
        old = self.research_item(research_id)
        with self.transaction() as c:
            c.execute("DELETE FROM research WHERE id = ?", (old["id"],))
            self._event("research_deleted", utc_iso(at), old["contact_id"], old["id"], kind=old["kind"])
        return old

    def research(self, contact_id: int | None = None) -> pd.DataFrame:
        """Return research items, for one contact or all.

        Columns: id, contact_id, kind, title, organization, start, end, outlet, relation, url,
        source_url, notes, added_at (UTC datetime64).
        """
        where, params = ("WHERE contact_id = ?", (int(contact_id),)) if contact_id is not None else ("", ())
        df = self._df(f"SELECT id, contact_id, kind, title, organization, start, end, outlet, relation, url, "
                      f"source_url, notes, added_at FROM research {where} ORDER BY contact_id, id", params)
        text = ["kind", "title", "organization", "start", "end", "outlet", "relation", "url",
                "source_url", "notes"]
        df[text] = df[text].astype("string")
        df["added_at"] = pd.to_datetime(df["added_at"], utc=True, format="ISO8601")
        return df
