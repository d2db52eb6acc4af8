"""Follow-ups and the activity log in the store: what is due, done, snoozed or skipped, and what happened when."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import zone_named
from infoview_kit.base.text import as_date
from infoview_kit.store.people import People
from infoview_kit.store.schema import DONE_RECORDS, DUE_HOUR, utc_iso


class Followups(People):
    """Follow-ups and the append-only activity log (a mixin of the Store)."""

    def add_followup(self, contact_id: int, kind: str, due_at: dt.datetime | str, reason: str, *,
                     message_id: int | None = None, meeting_id: int | None = None) -> int:
        """Schedule a follow-up (thank-you, nudge, update...); the same kind and due time is one row."""
        self.contact(contact_id)
        due = utc_iso(due_at)
        with self.transaction() as c:
            c.execute("INSERT INTO followups (contact_id, kind, due_at, reason, message_id, meeting_id) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(contact_id, kind, due_at) DO NOTHING",
                      (contact_id, kind, due, reason, message_id, meeting_id))
            return int(c.execute("SELECT id FROM followups WHERE contact_id = ? AND kind = ? AND due_at = ?",
                                 (contact_id, kind, due)).fetchone()[0])

    def close_followups(self, contact_id: int, kinds: Sequence[str], *, at: dt.datetime | str | None = None) -> int:
        """Close every open follow-up of these kinds for a contact, as done at `at`; return how many."""
        marks = ", ".join("?" * len(kinds))
        with self.transaction() as c:
            return c.execute(f"UPDATE followups SET done_at = ? WHERE contact_id = ? AND done_at IS NULL "
                             f"AND kind IN ({marks})", (utc_iso(at), int(contact_id), *kinds)).rowcount

    def mark_followup_done(self, followup_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Mark a follow-up done and log it; True if it was open.

        Done by hand records the thing it stood for, as sending its message would have: besides
        ``followup_done``, a thank-you logs ``thank_you_sent`` (so the person counts as thanked), an
        update ``update_sent``, a check-in ``checkin_sent``, a nudge ``nudge_sent`` and a referral
        ask ``referral_ask_sent``, each with detail ``{"by_hand": true, "followup_id": id}`` and the
        follow-up's id as ref_id. A second contact or a meeting log logs nothing more.
        """
        row = self._followup_row(followup_id)
        if row[2] is not None:
            return False
        stamp = utc_iso(at)
        with self.transaction() as c:
            c.execute("UPDATE followups SET done_at = ? WHERE id = ?", (stamp, int(followup_id)))
            self._event("followup_done", stamp, row[0], int(followup_id), kind=row[1])
            if row[1] in DONE_RECORDS:
                self._event(DONE_RECORDS[row[1]], stamp, row[0], int(followup_id), by_hand=True,
                            followup_id=int(followup_id))
        return True

    def snooze_followup(self, followup_id: int, until: dt.date | str, *,
                        at: dt.datetime | str | None = None) -> bool:
        """Put an open follow-up off until `until` (a date, or ISO date text): it is not due before
        ``DUE_HOUR``:00 local time on that day. Log ``followup_snoozed``; True if it changed.

        Raises
        ------
        NotFoundError
            If there is no such follow-up.
        InputFormatError
            If it is closed already (done or skipped), or `until` is not a date.
        """
        row = self._followup_row(followup_id)
        if row[2] is not None:
            raise InputFormatError(f"follow-up {followup_id} is closed already; only an open one can be snoozed")
        day = as_date(until, "until")
        tzname = self.profile().get("timezone") or "UTC"
        moment = dt.datetime.combine(day, dt.time(DUE_HOUR), tzinfo=zone_named(tzname))
        stamp = utc_iso(moment)
        if row[3] == stamp:
            return False
        with self.transaction() as c:
            c.execute("UPDATE followups SET snoozed_until = ? WHERE id = ?", (stamp, int(followup_id)))
            self._event("followup_snoozed", utc_iso(at), row[0], int(followup_id), kind=row[1],
                        until=day.isoformat())
        return True

    def skip_followup(self, followup_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Close an open follow-up without doing it (``done_at`` set, ``skipped`` = 1): it leaves the
        list, and counts neither as done nor as overdue. Log ``followup_skipped``; True if it was open."""
        row = self._followup_row(followup_id)
        if row[2] is not None:
            return False
        stamp = utc_iso(at)
        with self.transaction() as c:
            c.execute("UPDATE followups SET done_at = ?, skipped = 1 WHERE id = ?", (stamp, int(followup_id)))
            self._event("followup_skipped", stamp, row[0], int(followup_id), kind=row[1])
        return True

    def _followup_row(self, followup_id: int) -> tuple[Any, ...]:
        """(contact_id, kind, done_at, snoozed_until, skipped) of one follow-up."""
        row = self._conn.execute("SELECT contact_id, kind, done_at, snoozed_until, skipped FROM followups "
                                 "WHERE id = ?", (int(followup_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no follow-up with id {followup_id} in {self.path}")
        return tuple(row)

    def followups(self) -> pd.DataFrame:
        """Return every follow-up.

        Columns: id, contact_id, name, kind, due_at, done_at (UTC datetime64), reason,
        message_id, meeting_id (Int64), snoozed_until (UTC datetime64: not due before then),
        skipped (bool: closed without being done).
        """
        df = self._df("""
            SELECT f.id, f.contact_id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))
                   AS name, f.kind, f.due_at, f.done_at, f.reason, f.message_id, f.meeting_id, f.snoozed_until,
                   f.skipped
            FROM followups f JOIN contacts c ON c.id = f.contact_id ORDER BY f.due_at, f.id""")
        for col in ("due_at", "done_at", "snoozed_until"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        df[["name", "kind", "reason"]] = df[["name", "kind", "reason"]].astype("string")
        df[["message_id", "meeting_id"]] = df[["message_id", "meeting_id"]].astype("Int64")
        df["skipped"] = df["skipped"].astype(bool)
        return df

    def events(self, *, contact_id: int | None = None, kinds: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the append-only activity log, oldest first: all of it, or only one contact's
        events and/or only some kinds (filtered in SQL, so a narrow question stays fast).

        Columns: id, at (UTC datetime64), kind, contact_id (Int64), ref_id (Int64), detail (dict).
        """
        where: list[str] = []
        params: list[int | str] = []
        if contact_id is not None:
            where.append("contact_id = ?")
            params.append(int(contact_id))
        if kinds is not None:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        df = self._df(f"SELECT id, at, kind, contact_id, ref_id, detail FROM events {clause} ORDER BY at, id", params)
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601")
        df["kind"] = df["kind"].astype("string")
        df[["contact_id", "ref_id"]] = df[["contact_id", "ref_id"]].astype("Int64")
        # one parse for the whole column: much faster than one json.loads per event
        df["detail"] = json.loads("[" + ",".join(d if isinstance(d, str) else "{}" for d in df["detail"]) + "]")
        return df

    def interactions(self) -> pd.DataFrame:
        """Return the exchanges with contacts a sync recorded besides sent messages and replies (applied, not
        undone): contact_id, at (UTC), incoming (bool). Keep-in-touch counts them as being in touch."""
        df = self._df("SELECT contact_id, at, incoming FROM synced WHERE action = 'interaction' AND skipped = 0 "
                      "AND undone_at IS NULL ORDER BY at, id")
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601", cache=False)
        df["incoming"] = df["incoming"].astype(bool)
        return df

    def due_inputs(self, closed_since: dt.datetime | str) -> dict[str, pd.DataFrame]:
        """Return the rows and columns :func:`infoview_kit.followup.rules.due` works from, and only those.

        A lean read for speed on a large workbook (see ``benchmarks/report_bench.py``): what is
        due needs neither the stage of every connection nor the text of every message.

        Parameters
        ----------
        closed_since
            The no-reply routine (second contacts and nudges) closed before this moment is left
            out: only the history of follow-ups needs it.

        Returns
        -------
        dict of pandas.DataFrame
            ``contacts``: the people follow-ups can concern (as ``contacts(involved_only=True)``),
            with id, first_name, last_name, company, referred_by, excluded, checkin_days,
            created_at. ``messages``: sent ones, with id, contact_id, kind, sent_at, replied_at.
            ``meetings``: id, contact_id, status, starts_at, duration_min, actual_end.
            ``followups``: id, contact_id, kind, due_at, done_at, reason, message_id, meeting_id,
            snoozed_until, skipped (bool). ``scheduled``: the ``meeting_scheduled`` events before
            `closed_since` (contact_id, at), for :func:`infoview_kit.followup.rules.answer_evidence`.
            ``interactions``: the exchanges a sync recorded (contact_id, at, incoming).
            Moments are UTC datetime64, ids that may be missing are Int64.
        """
        routine = ", ".join(f"'{k}'" for k in ("second_contact", "nudge"))
        frames = {
            "contacts": self._df("""
                WITH refs AS MATERIALIZED (SELECT id, referred_by FROM contacts WHERE referred_by IS NOT NULL),
                     ids(id) AS (SELECT contact_id FROM messages UNION SELECT contact_id FROM meetings
                                 UNION SELECT contact_id FROM followups UNION SELECT referred_by FROM refs
                                 UNION SELECT id FROM refs)
                SELECT c.id, c.first_name, c.last_name, c.company, c.referred_by, c.excluded, c.checkin_days,
                       c.created_at
                FROM ids JOIN contacts c ON c.id = ids.id ORDER BY c.id"""),
            "messages": self._df("SELECT id, contact_id, kind, sent_at, replied_at FROM messages "
                                 "WHERE sent_at IS NOT NULL ORDER BY id"),
            "meetings": self._df("SELECT id, contact_id, status, starts_at, duration_min, actual_end FROM meetings "
                                 "ORDER BY id"),
            "scheduled": self._df("SELECT contact_id, at FROM events WHERE kind = 'meeting_scheduled' "
                                  "AND contact_id IS NOT NULL AND at < ? ORDER BY at, id", (utc_iso(closed_since),)),
            "followups": self._df(f"""
                SELECT id, contact_id, kind, due_at, done_at, reason, message_id, meeting_id, snoozed_until, skipped
                FROM followups WHERE done_at IS NULL OR done_at >= ? OR kind NOT IN ({routine}) ORDER BY id""",
                                  (utc_iso(closed_since),)),
        }
        for df in frames.values():
            for col in df.columns:
                if col.endswith("_at"):
                    df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
                elif col in ("referred_by", "checkin_days", "message_id", "meeting_id"):
                    df[col] = df[col].astype("Int64")
        frames["interactions"] = self.interactions()
        frames["contacts"]["excluded"] = frames["contacts"]["excluded"].astype(bool)
        frames["followups"]["skipped"] = frames["followups"]["skipped"].astype(bool)
        return frames
