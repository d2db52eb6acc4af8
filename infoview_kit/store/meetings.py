"""Meetings in the store: when and where, what happened, the question plan and its answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import zone_named
from infoview_kit.base.text import aware
from infoview_kit.store.core import rowid
from infoview_kit.store.people import People
from infoview_kit.store.schema import utc_iso


class Meetings(People):
    """Meetings and their question plans, and the person and meeting being worked on (a mixin of the Store)."""

    def set_current(self, *, contact_id: int | None = None, meeting_id: int | None = None) -> dict[str, int | None]:
        """Remember the person (and meeting) being worked on; return :meth:`current`.

        Choosing a meeting makes its person the current one too; choosing another person
        forgets a current meeting that is not theirs. Setting what is already set writes nothing.

        Raises
        ------
        NotFoundError
            If there is no such contact or meeting.
        """
        now = self.current()
        if meeting_id is not None:
            meeting = self.meeting(meeting_id)
            contact_id = int(meeting["contact_id"])
        elif contact_id is not None:
            self.contact(contact_id)
            if now["meeting_id"] is not None and now["contact_id"] == int(contact_id):
                meeting_id = now["meeting_id"]
        else:
            return now
        want = {"contact_id": int(contact_id), "meeting_id": None if meeting_id is None else int(meeting_id)}
        if want != now:
            with self.transaction() as c:
                c.executemany("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                              "SET value = excluded.value", [(k, json.dumps(v)) for k, v in want.items()])
        return self.current()

    def schedule_meeting(self, contact_id: int, start: dt.datetime | str, *, duration_min: int = 30,
                         timezone: str | None = None, place: str | None = None, status: str = "confirmed",
                         at: dt.datetime | str | None = None) -> int:
        """Schedule a meeting with a contact; return its id.

        `start` is in `timezone` (default: the profile's time zone) when naive. Scheduling the
        same contact at the same start again returns the existing meeting.
        """
        self.contact(contact_id)
        tzname = timezone or self.profile().get("timezone") or "UTC"
        zone_named(tzname)  # raises for an unknown zone
        start = aware(start, tzname)
        if not 5 <= int(duration_min) <= 240:
            raise InputFormatError(f"duration {duration_min} min: expected 5 to 240 (20 or 30 is usual)")
        starts = utc_iso(start)
        stamp = utc_iso(at)
        with self.transaction() as c:
            row = c.execute("SELECT id FROM meetings WHERE contact_id = ? AND starts_at = ? "
                            "AND status != 'cancelled'", (contact_id, starts)).fetchone()
            if row:
                return int(row[0])
            uid = f"meeting-{contact_id}-{starts.replace(':', '').replace('-', '')}@infoview-kit.local"
            cur = c.execute("INSERT INTO meetings (contact_id, uid, starts_at, timezone, duration_min, place, "
                            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (contact_id, uid, starts, tzname, int(duration_min), place, status))
            mid = rowid(cur)
            self._event("meeting_scheduled", stamp, contact_id, mid)
        return mid

    def reschedule_meeting(self, meeting_id: int, start: dt.datetime | str, *, duration_min: int | None = None,
                           place: str | None = None, timezone: str | None = None,
                           at: dt.datetime | str | None = None) -> int:
        """Move a meeting, change its length, place or time zone; it keeps its UID and its SEQUENCE
        goes up, so calendars update the event instead of adding a second one. Return the sequence
        number (unchanged when nothing changed).

        Parameters
        ----------
        start
            The new start; naive: in `timezone` (default the meeting's).
        duration_min, place, timezone
            None keeps what is stored; ``place=""`` clears the place.
        """
        m = self.meeting(meeting_id)
        if m["status"] in ("held", "cancelled"):
            raise InputFormatError(f"meeting {meeting_id} is {m['status']}; schedule a new one instead")
        tzname = m["timezone"] if timezone is None or not timezone.strip() else timezone.strip()
        zone_named(tzname)  # raises for an unknown zone
        starts = utc_iso(aware(start, tzname))
        minutes = int(duration_min or m["duration_min"])
        if not 5 <= minutes <= 240:
            raise InputFormatError(f"duration {minutes} min: expected 5 to 240 (20 or 30 is usual)")
        where = m["place"] if place is None else (place.strip() or None)
        if (starts, minutes, where, tzname) == (m["starts_at"], m["duration_min"], m["place"], m["timezone"]):
            return int(m["sequence"])
        with self.transaction() as c:
            c.execute("UPDATE meetings SET starts_at = ?, duration_min = ?, place = ?, timezone = ?, "
                      "sequence = sequence + 1 WHERE id = ?", (starts, minutes, where, tzname, meeting_id))
            self._event("meeting_rescheduled", utc_iso(at), m["contact_id"], meeting_id)
        return int(m["sequence"]) + 1

    def confirm_meeting(self, meeting_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Mark a proposed meeting confirmed (SEQUENCE goes up so calendars update the entry);
        True if it was proposed, False if it was confirmed already.

        Raises
        ------
        InputFormatError
            If the meeting was held or cancelled.
        """
        m = self.meeting(meeting_id)
        if m["status"] == "confirmed":
            return False
        if m["status"] != "proposed":
            raise InputFormatError(f"meeting {meeting_id} is {m['status']}; only a proposed meeting can be confirmed")
        with self.transaction() as c:
            c.execute("UPDATE meetings SET status = 'confirmed', sequence = sequence + 1 "
                      "WHERE id = ? AND status = 'proposed'", (int(meeting_id),))
            self._event("meeting_confirmed", utc_iso(at), m["contact_id"], int(meeting_id))
        return True

    def cancel_meeting(self, meeting_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Cancel a meeting (its SEQUENCE goes up for the METHOD:CANCEL calendar file); True if it
        was not cancelled already."""
        m = self.meeting(meeting_id)
        if m["status"] == "cancelled":
            return False
        if m["status"] == "held":
            raise InputFormatError(f"meeting {meeting_id} was already held; it cannot be cancelled")
        with self.transaction() as c:
            c.execute("UPDATE meetings SET status = 'cancelled', sequence = sequence + 1 WHERE id = ?",
                      (meeting_id,))
            self._event("meeting_cancelled", utc_iso(at), m["contact_id"], meeting_id)
        return True

    def record_meeting_log(self, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
                           actual_end: dt.datetime | str | None = None, notes: str | None = None,
                           advice: str | None = None, next_steps: str | None = None,
                           resources: str | None = None, answers: Mapping[str, str] | None = None,
                           then: Callable[[dict[str, Any], str], None] | None = None) -> None:
        """Record what happened at a meeting; the first log with an end time marks it held.

        Data only: what a held meeting asks of you next (the thank-you within 24 hours) is the
        interview step's (:func:`infoview_kit.interview.log.log_meeting`), which passes it as
        `then`: called with the meeting and its end (stored ISO text) inside the same transaction,
        when this log is the one that marks the meeting held.

        Parameters
        ----------
        actual_start, actual_end
            When it really started and ended; a time without a zone is in the meeting's zone.
        answers
            Question text -> answer or note. An answer to a question that is no longer in the
            plan (:meth:`save_questions`) is kept with it, off the plan
            (:meth:`off_plan_answers`), never dropped; "" clears it.
        """
        m = self.meeting(meeting_id)
        start = utc_iso(aware(actual_start, m["timezone"])) if actual_start else m["actual_start"]
        end = utc_iso(aware(actual_end, m["timezone"])) if actual_end else m["actual_end"]
        if start and end and end < start:
            raise InputFormatError(f"meeting {meeting_id}: actual end {end} is before its start {start}")
        with self.transaction() as c:
            c.execute("UPDATE meetings SET actual_start = ?, actual_end = ?, notes = coalesce(?, notes), "
                      "advice = coalesce(?, advice), next_steps = coalesce(?, next_steps), "
                      "resources = coalesce(?, resources), status = CASE WHEN ? IS NOT NULL THEN 'held' "
                      "ELSE status END WHERE id = ?",
                      (start, end, notes, advice, next_steps, resources, end, meeting_id))
            for text, answer in (answers or {}).items():
                value = answer if answer and answer.strip() else None
                cur = c.execute("UPDATE questions SET answer = ? WHERE meeting_id = ? AND text = ? "
                                "AND answer IS NOT ?", (value, meeting_id, text, value))
                if cur.rowcount or c.execute("SELECT 1 FROM questions WHERE meeting_id = ? AND text = ?",
                                             (meeting_id, text)).fetchone():
                    continue
                if value is not None:  # a question no longer in the plan: its answer is kept off the plan
                    c.execute("INSERT INTO questions (meeting_id, position, text, minutes, answer) "
                              "VALUES (?, 0, ?, 0, ?)", (meeting_id, str(text), value))
            c.execute("DELETE FROM questions WHERE meeting_id = ? AND position = 0 AND answer IS NULL",
                      (meeting_id,))
            if end and m["status"] != "held":
                self._event("meeting_held", end, m["contact_id"], meeting_id)
                if then is not None:
                    then(m, end)

    def meeting(self, meeting_id: int) -> dict[str, Any]:
        """Return one meeting as a dict (the columns of :meth:`meetings`)."""
        cur = self._conn.execute("SELECT * FROM meetings WHERE id = ?", (int(meeting_id),))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(f"no meeting with id {meeting_id} in {self.path}")
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def meetings(self) -> pd.DataFrame:
        """Return every meeting.

        Columns: id, contact_id, name, company, uid, sequence, starts_at (UTC datetime64),
        timezone, duration_min, place, status (proposed/confirmed/held/cancelled), actual_start,
        actual_end (UTC datetime64), actual_min (float), notes, advice, next_steps, resources.
        """
        df = self._df("""
            SELECT m.id, m.contact_id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))
                   AS name, c.company, m.uid, m.sequence, m.starts_at, m.timezone, m.duration_min, m.place,
                   m.status, m.actual_start, m.actual_end, m.notes, m.advice, m.next_steps, m.resources
            FROM meetings m JOIN contacts c ON c.id = m.contact_id ORDER BY m.starts_at, m.id""")
        for col in ("starts_at", "actual_start", "actual_end"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        df.insert(13, "actual_min", (df["actual_end"] - df["actual_start"]).dt.total_seconds() / 60)
        text = ["name", "company", "uid", "timezone", "place", "status", "notes", "advice", "next_steps",
                "resources"]
        df[text] = df[text].astype("string")
        return df

    def meeting_stamp(self, meeting_id: int | None = None) -> str:
        """Return a fingerprint of what the meeting views show, cheap to compute, so a view can skip
        re-reading when nothing it shows changed: with `meeting_id`, that meeting, its questions, its
        person's messages and follow-ups; without, the list of meetings (who, when, status)."""
        sep = " || '\x1f' || "
        row = sep.join(f"coalesce({c}, '')" for c in (
            "m.id", "m.status", "m.sequence", "m.starts_at", "m.timezone", "m.duration_min", "m.place",
            "m.actual_start", "m.actual_end", "c.first_name", "c.last_name", "c.company"))
        parts = [f"SELECT group_concat({row}, '\x1e') FROM meetings m JOIN contacts c ON c.id = m.contact_id"
                 + (" WHERE m.id = :mid" if meeting_id is not None else "")]
        if meeting_id is not None:
            parts += [
                "SELECT group_concat(" + sep.join(f"coalesce({c}, '')" for c in (
                    "notes", "advice", "next_steps", "resources")) + ") FROM meetings WHERE id = :mid",
                "SELECT group_concat(" + sep.join(f"coalesce({c}, '')" for c in (
                    "id", "position", "text", "minutes", "must_ask", "answer")) + ", '\x1e') FROM questions "
                "WHERE meeting_id = :mid",
                "SELECT group_concat(" + sep.join(f"coalesce({c}, '')" for c in (
                    "id", "kind", "status", "subject", "body", "sent_at", "meeting_id")) + ", '\x1e') FROM messages "
                "WHERE contact_id = (SELECT contact_id FROM meetings WHERE id = :mid)",
                "SELECT group_concat(" + sep.join(f"coalesce({c}, '')" for c in (
                    "id", "kind", "due_at", "done_at", "meeting_id")) + ", '\x1e') FROM followups "
                "WHERE contact_id = (SELECT contact_id FROM meetings WHERE id = :mid)",
                "SELECT group_concat(id) FROM contacts WHERE referred_by = "
                "(SELECT contact_id FROM meetings WHERE id = :mid)"]
        params = {"mid": None if meeting_id is None else int(meeting_id)}
        text = "\x1d".join(str(self._conn.execute(q, params).fetchone()[0] or "") for q in parts)
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def meeting_referrals(self, meeting_id: int) -> pd.DataFrame:
        """Return the contacts referred by the person of a meeting (a lean read).

        Columns: id, name ("First Last"), company, position, email; in the order they were added.
        """
        cid = self.meeting(meeting_id)["contact_id"]
        df = self._df("SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS name, "
                      "company, position, email FROM contacts WHERE referred_by = ? ORDER BY id", (int(cid),))
        df[["name", "company", "position", "email"]] = df[["name", "company", "position", "email"]].astype("string")
        return df

    def save_questions(self, meeting_id: int, plan: pd.DataFrame) -> int:
        """Store a meeting's question plan (columns text, minutes, and optionally theme, must_ask,
        included), replacing the previous plan; return the count.

        Answers are never lost: a question still in the plan keeps its answer, and one that leaves
        the plan with an answer is kept off the plan (:meth:`off_plan_answers`, position 0) until
        it comes back.
        """
        self.meeting(meeting_id)
        if "included" in plan.columns:
            plan = plan[plan["included"].astype(bool)]
        rows = [(meeting_id, pos, r.get("theme"), str(r["text"]), float(r.get("minutes", 2) or 2),
                 int(bool(r.get("must_ask", False))))
                for pos, r in enumerate(plan.to_dict("records"), start=1)]
        texts = [r[3] for r in rows]
        marks = ", ".join("?" * len(texts))
        with self.transaction() as c:
            c.execute(f"DELETE FROM questions WHERE meeting_id = ? AND answer IS NULL AND text NOT IN ({marks})",
                      (meeting_id, *texts))
            c.execute(f"UPDATE questions SET position = 0 WHERE meeting_id = ? AND position != 0 "
                      f"AND text NOT IN ({marks})", (meeting_id, *texts))
            c.executemany("INSERT INTO questions (meeting_id, position, theme, text, minutes, must_ask) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(meeting_id, text) DO UPDATE SET "
                          "position = excluded.position, theme = excluded.theme, minutes = excluded.minutes, "
                          "must_ask = excluded.must_ask WHERE position IS NOT excluded.position OR theme IS NOT "
                          "excluded.theme OR minutes IS NOT excluded.minutes OR must_ask IS NOT excluded.must_ask",
                          rows)
        return len(rows)

    def questions(self, meeting_id: int) -> pd.DataFrame:
        """Return a meeting's question plan in order.

        Columns: id, meeting_id, position, theme, text, minutes, must_ask (bool), answer.
        """
        return self._questions(meeting_id, "position > 0")

    def off_plan_answers(self, meeting_id: int) -> pd.DataFrame:
        """Return the answers logged under questions that are no longer in the meeting's plan
        (kept, never dropped), in the order they were first saved.

        Columns: id, meeting_id, position (0), theme, text, minutes, must_ask (bool), answer.
        """
        return self._questions(meeting_id, "position = 0")

    def _questions(self, meeting_id: int, where: str) -> pd.DataFrame:
        df = self._df("SELECT id, meeting_id, position, theme, text, minutes, must_ask, answer "
                      f"FROM questions WHERE meeting_id = ? AND {where} ORDER BY position, id", (int(meeting_id),))
        df["must_ask"] = df["must_ask"].astype(bool)
        df[["theme", "text", "answer"]] = df[["theme", "text", "answer"]].astype("string")
        return df
