"""Forgetting a person: every row about them removed in one transaction, their events anonymized."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infoview_kit.store.backups import list_backups
from infoview_kit.store.people import People
from infoview_kit.store.schema import utc_iso

log = logging.getLogger("infoview_kit")


@dataclass
class ForgetSummary:
    """What :meth:`Store.forget` removes (or, on a dry run, would remove)."""

    contact_id: int
    name: str
    rows: dict[str, int]
    events_anonymized: int = 0
    events_unlinked: int = 0
    referrals_cleared: int = 0
    mentions: dict[str, int] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)
    dry_run: bool = False
    done: bool = False
    drop_backups: bool = False

    def __str__(self) -> str:
        verb = "Forgot" if self.done else "Will forget"
        nouns = {"contacts": "contact", "contact_sources": "source", "research": "research item",
                 "messages": "message", "meetings": "meeting", "questions": "question", "followups": "follow-up",
                 "merges": "merge", "synced": "synced message", "bounced_addresses": "bounced address"}

        def count(n: int, noun: str) -> str:
            return f"{n} {noun}" + ("" if n == 1 else "s")

        gone = ", ".join(count(n, nouns.get(t, t)) for t, n in self.rows.items() if n)
        lines = [f"{verb} {self.name} (contact {self.contact_id}): {gone}.",
                 f"Their {count(self.events_anonymized, 'event')} in the activity log "
                 f"{'were' if self.done else 'will be'} anonymized (kind and time kept, so counts stay)"
                 + (f"; {self.events_unlinked} other events no longer name them" if self.events_unlinked else "")
                 + (f"; {self.referrals_cleared} people they referred keep their row, without the link"
                    if self.referrals_cleared else "") + "."]
        if self.mentions:
            where = ", ".join(f"{n} in {t}" for t, n in self.mentions.items())
            lines.append(f"Their name also appears in text you wrote elsewhere ({where}); that is left as written: "
                         "edit it yourself if it should go.")
        if self.backups:
            if self.drop_backups:
                lines.append(f"{count(len(self.backups), 'backup')} that held them "
                             f"{'were' if self.done else 'will be'} deleted.")
            else:
                holds = "backup still holds" if len(self.backups) == 1 else "backups still hold"
                lines.append(f"{len(self.backups)} {holds} them until newer ones replace them "
                             "(or delete them now: --drop-backups, or forget(..., drop_backups=True)).")
        return "\n".join(lines)


class Forget(People):
    """Forgetting a person (a mixin of the Store)."""

    def forget(self, contact_id: int, *, dry_run: bool = False, drop_backups: bool = False) -> ForgetSummary:
        """Remove a person and everything about them, in one transaction; with `dry_run`, only say
        what would go.

        Removed: the contact, their sources, research, messages, meetings (and question plans),
        follow-ups, what a sync of your mailbox recorded about them (the source messages' ids, the
        evidence, their bounced addresses), and the merges that name them or their records; others they referred keep
        their row with ``referred_by`` cleared. Their events stay, so counts and totals by kind and
        time stay, but anonymized: ``contact_id`` and ``ref_id`` cleared and ``detail`` cut to the
        kind of message or research (``{"kind": ..., "anonymized": "forgotten-<random>"}``, the same random
        pseudonym on all of them, so the funnel still counts one person); other people's events
        that named them (``referred_by``, ``split_into``) lose that id. Deleted rows are
        overwritten on disk (``secure_delete``) and the write-ahead log is emptied where possible.

        Not removed: text you wrote elsewhere that names them (a note on someone else, a meeting's
        advice): :attr:`ForgetSummary.mentions` counts those rows so you can edit them; and the
        backups taken before, which still hold them (:attr:`ForgetSummary.backups`) until they
        are rotated out, or deleted now with `drop_backups`.

        Returns
        -------
        ForgetSummary
            The person's name, rows per table, events anonymized, referrals cleared, mentions and
            backups; ``done`` is False for a dry run.

        Raises
        ------
        NotFoundError
            If there is no such contact; nothing is changed.
        """
        person = self.contact(contact_id)
        cid = int(person["id"])
        summary = self._forget_plan(cid, person)
        summary.dry_run, summary.drop_backups = dry_run, drop_backups
        if dry_run:
            return summary
        c = self._conn
        secure = c.execute("PRAGMA secure_delete").fetchone()[0]
        c.execute("PRAGMA secure_delete = ON")  # deleted values are overwritten, not left in free pages
        try:
            with self.transaction():
                self._forget_rows(cid)
                self._event("contact_forgotten", utc_iso(None), None, None, rows=sum(summary.rows.values()))
        finally:
            c.execute(f"PRAGMA secure_delete = {int(secure)}")
        with contextlib.suppress(sqlite3.Error):  # old copies of the pages leave the write-ahead log
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        summary.done = True
        if drop_backups:
            for path in summary.backups:
                Path(path).unlink(missing_ok=True)
        log.info("forgot contact %d (%d rows)", cid, sum(summary.rows.values()))
        return summary

    _FORGET_MATCH = {  # table -> WHERE clause selecting the person's rows (? is the contact id)
        "contacts": "id = ?",
        "contact_sources": "contact_id = ?",
        "research": "contact_id = ?",
        "messages": "contact_id = ?",
        "meetings": "contact_id = ?",
        "questions": "meeting_id IN (SELECT id FROM meetings WHERE contact_id = ?)",
        "followups": "contact_id = ?",
        "synced": "contact_id = ?",
        "bounced_addresses": "contact_id = ?",
        "merges": "contact_id = ?1 OR (source, source_key) IN "
                  "(SELECT source, source_key FROM contact_sources WHERE contact_id = ?1)",
    }
    _FORGET_NAMED = "json_extract(detail, '$.referred_by') = ?1 OR json_extract(detail, '$.split_into') = ?1"
    _FORGET_TEXT = {  # free text elsewhere that may name them: counted, left as written
        "contacts": ("notes", "where_found"),
        "research": ("title", "organization", "notes"),
        "messages": ("subject", "body"),
        "meetings": ("notes", "advice", "next_steps", "resources"),
        "followups": ("reason",),
    }

    def _forget_plan(self, cid: int, person: Mapping[str, Any]) -> ForgetSummary:
        c = self._conn
        name = " ".join(x for x in (person.get("first_name"), person.get("last_name")) if x) or \
            person.get("email") or f"contact {cid}"
        rows = {t: int(c.execute(f"SELECT count(*) FROM {t} WHERE {w}", (cid,)).fetchone()[0])
                for t, w in self._FORGET_MATCH.items()}
        events = int(c.execute("SELECT count(*) FROM events WHERE contact_id = ?", (cid,)).fetchone()[0])
        named = int(c.execute(f"SELECT count(*) FROM events WHERE contact_id IS NOT ?1 AND ({self._FORGET_NAMED})",
                              (cid,)).fetchone()[0])
        referrals = int(c.execute("SELECT count(*) FROM contacts WHERE referred_by = ?", (cid,)).fetchone()[0])
        mentions: dict[str, int] = {}
        full = " ".join(x for x in (person.get("first_name"), person.get("last_name")) if x)
        if person.get("first_name") and person.get("last_name"):  # a lone first name would match too much
            for table, cols in self._FORGET_TEXT.items():
                own = "id != ?1" if table == "contacts" else "contact_id != ?1"
                hit = " OR ".join(f"instr(lower({col}), lower(?2)) > 0" for col in cols)
                n = int(c.execute(f"SELECT count(*) FROM {table} WHERE {own} AND ({hit})", (cid, full)).fetchone()[0])
                if n:
                    mentions[table] = n
        holding = []
        for path, _, _ in list_backups(self.path):
            try:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    found = conn.execute("SELECT 1 FROM contacts WHERE person_key = ?",
                                         (person["person_key"],)).fetchone()
                finally:
                    conn.close()
            except sqlite3.Error:
                found = True  # cannot tell: say so rather than promise it is gone
            if found:
                holding.append(path)
        return ForgetSummary(contact_id=cid, name=str(name), rows=rows, events_anonymized=events,
                             events_unlinked=named, referrals_cleared=referrals, mentions=mentions, backups=holding)

    def _forget_rows(self, cid: int) -> None:
        """Delete and anonymize one person's rows; runs inside the caller's transaction."""
        c = self._conn
        updates = []
        # a random pseudonym, the same on all their events and linked to nothing else, so the funnel
        # still counts one person who reached those stages
        pseudonym = f"forgotten-{secrets.token_hex(8)}"
        for eid, detail in c.execute("SELECT id, detail FROM events WHERE contact_id = ?", (cid,)).fetchall():
            old = json.loads(detail) if detail else {}
            kept = {k: old[k] for k in ("kind", "matched_by") if isinstance(old, dict) and k in old}
            updates.append((json.dumps({**kept, "anonymized": pseudonym}, sort_keys=True), eid))
        c.executemany("UPDATE events SET contact_id = NULL, ref_id = NULL, detail = ? WHERE id = ?", updates)
        updates = []
        for eid, detail in c.execute(f"SELECT id, detail FROM events WHERE contact_id IS NOT ?1 AND "
                                     f"({self._FORGET_NAMED})", (cid,)).fetchall():
            old = json.loads(detail)
            new = {k: (None if k in ("referred_by", "split_into") and v == cid else v) for k, v in old.items()}
            updates.append((json.dumps({**new, "anonymized": True}, sort_keys=True), eid))
        c.executemany("UPDATE events SET detail = ? WHERE id = ?", updates)
        c.execute("UPDATE contacts SET referred_by = NULL WHERE referred_by = ?", (cid,))
        # merges first (they are found through the person's sources), the contact row last
        for table in ("merges", "bounced_addresses", "synced", "questions", "followups", "messages", "meetings",
                      "research", "contact_sources", "contacts"):
            c.execute(f"DELETE FROM {table} WHERE {self._FORGET_MATCH[table]}", (cid,))
        if self.current()["contact_id"] is None:  # they were the person being worked on
            c.execute("DELETE FROM state WHERE key IN ('contact_id', 'meeting_id')")
