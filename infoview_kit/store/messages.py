"""Messages in the store: drafts, what was sent and when, and replies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.store.core import rowid
from infoview_kit.store.people import People
from infoview_kit.store.schema import DONE_RECORDS, MESSAGE_KINDS, utc_iso


class Messages(People):
    """Email drafts and sent messages (a mixin of the Store)."""

    def save_draft(self, contact_id: int, kind: str, subject: str, body: str, *,
                   template: str | None = None, meeting_id: int | None = None,
                   at: dt.datetime | str | None = None, edited: bool = False) -> int:
        """Save a draft email to a contact; return the message id.

        There is at most one open draft per contact and kind: saving again updates it. With
        `edited` (the person's own text, from the composer) a ``draft_edited`` event marks the
        draft as theirs, so nothing re-drafts it over their words.
        """
        self.contact(contact_id)
        if kind not in MESSAGE_KINDS:
            raise InputFormatError(f"message kind {kind!r}: expected one of {', '.join(MESSAGE_KINDS)}")
        stamp = utc_iso(at)
        with self.transaction() as c:
            row = c.execute("SELECT id, subject, body FROM messages WHERE contact_id = ? AND kind = ? "
                            "AND status = 'draft'", (contact_id, kind)).fetchone()
            if row:
                if (row[1], row[2]) != (subject, body):
                    c.execute("UPDATE messages SET subject = ?, body = ?, template = coalesce(?, template), "
                              "drafted_at = ? WHERE id = ?", (subject, body, template, stamp, row[0]))
                    if edited:
                        self._event("draft_edited", stamp, contact_id, int(row[0]), kind=kind)
                return int(row[0])
            cur = c.execute("INSERT INTO messages (contact_id, kind, template, subject, body, meeting_id, "
                            "drafted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (contact_id, kind, template, subject, body, meeting_id, stamp))
            mid = rowid(cur)
            self._event("email_drafted", stamp, contact_id, mid, kind=kind)
            if edited:
                self._event("draft_edited", stamp, contact_id, mid, kind=kind)
        return mid

    def edited_draft(self, contact_id: int, kind: str) -> int | None:
        """Return the id of the person's open draft of `kind` if they wrote or edited it themselves
        (``save_draft(..., edited=True)``), else None."""
        row = self._conn.execute(
            "SELECT m.id FROM messages m WHERE m.contact_id = ? AND m.kind = ? AND m.status = 'draft' AND EXISTS "
            "(SELECT 1 FROM events e WHERE e.kind = 'draft_edited' AND e.contact_id = m.contact_id AND e.ref_id = m.id "
            "AND e.at >= (SELECT min(d.at) FROM events d WHERE d.kind = 'email_drafted' AND d.ref_id = m.id "
            "AND d.contact_id = m.contact_id))", (int(contact_id), kind)).fetchone()
        return None if row is None else int(row[0])

    def record_sent(self, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Record a draft as sent (by you, from your own mail client); True if it was a draft.

        Data only: the checks before sending (no blanks left, at most two attempts) and the
        no-reply routine after a first email are outreach's
        (:func:`infoview_kit.outreach.routine.mark_sent`). A follow-up of the same kind that was
        open is fulfilled by the sending; one marked done by hand after the draft was written is
        linked to it, and the sending logged once.
        """
        msg = self.message(message_id)
        if msg["status"] != "draft":
            return False
        stamp = utc_iso(at)
        cid = msg["contact_id"]
        with self.transaction() as c:
            c.execute("UPDATE messages SET status = 'sent', sent_at = ? WHERE id = ?", (stamp, message_id))
            kind = "email_sent" if msg["kind"] == "outreach" else f"{msg['kind']}_sent"
            # Done pressed on its follow-up after this draft was written already recorded the sending
            # (DONE_RECORDS): link the two, and log it once
            by_hand = c.execute(
                "SELECT id FROM followups WHERE contact_id = ? AND kind = ? AND done_at IS NOT NULL AND skipped = 0 "
                "AND message_id IS NULL AND done_at >= ? ORDER BY done_at DESC LIMIT 1",
                (cid, msg["kind"], msg["drafted_at"])).fetchone() if msg["kind"] in DONE_RECORDS else None
            if by_hand:
                c.execute("UPDATE followups SET message_id = ? WHERE id = ?", (message_id, by_hand[0]))
                self._event("message_sent", stamp, cid, message_id, kind=msg["kind"], recorded_by_hand=by_hand[0])
            else:
                self._event(kind, stamp, cid, message_id)
            # sending a thank-you, nudge or update fulfils the follow-up that asked for it
            c.execute("UPDATE followups SET done_at = ?, message_id = coalesce(message_id, ?) "
                      "WHERE contact_id = ? AND kind = ? AND done_at IS NULL", (stamp, message_id, cid,
                                                                                 msg["kind"]))
        return True

    def record_replied(self, message_id: int, *, at: dt.datetime | str | None = None,
                       then: Callable[[dict[str, Any], str], None] | None = None) -> bool:
        """Record that the contact replied to a sent message; True if newly recorded.

        Data only: what a reply settles (the no-reply routine) is outreach's
        (:func:`infoview_kit.outreach.routine.mark_replied`), passed as `then`: called with the
        message and the reply's time (stored ISO text) inside the same transaction.
        """
        msg = self.message(message_id)
        if msg["status"] != "sent":
            if msg["status"] == "draft":
                raise InputFormatError(f"message {message_id} is still a draft; mark it sent first")
            return False
        stamp = utc_iso(at)
        with self.transaction() as c:
            c.execute("UPDATE messages SET status = 'replied', replied_at = ? WHERE id = ?",
                      (stamp, message_id))
            self._event("reply_received", stamp, msg["contact_id"], message_id, kind=msg["kind"])
            if then is not None:
                then(msg, stamp)
        return True

    def delete_draft(self, message_id: int, *, at: dt.datetime | str | None = None) -> dict[str, Any]:
        """Delete a draft that was never sent, and log it; return the message as it was.

        Raises
        ------
        NotFoundError
            If there is no such message.
        InputFormatError
            If the message was sent: what was sent stays on record.
        """
        msg = self.message(message_id)
        if msg["status"] != "draft":
            raise InputFormatError(f"message {message_id} was sent ({msg['status']}): only a draft can be "
                                   "deleted; what was sent stays on record")
        with self.transaction() as c:
            c.execute("DELETE FROM messages WHERE id = ? AND status = 'draft'", (int(message_id),))
            self._event("draft_deleted", utc_iso(at), msg["contact_id"], int(message_id), kind=msg["kind"])
        return msg

    def message(self, message_id: int) -> dict[str, Any]:
        """Return one message as a dict (the columns of :meth:`messages`)."""
        cur = self._conn.execute("SELECT * FROM messages WHERE id = ?", (int(message_id),))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(f"no message with id {message_id} in {self.path}")
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def messages(self, contact_id: int | None = None) -> pd.DataFrame:
        """Return messages (drafts and sent), for one contact or all.

        Columns: id, contact_id, kind, template, subject, body, status (draft/sent/replied),
        meeting_id (Int64), drafted_at, sent_at, replied_at (UTC datetime64, NaT when not yet).
        """
        where, params = ("WHERE contact_id = ?", (int(contact_id),)) if contact_id is not None else ("", ())
        df = self._df(f"SELECT id, contact_id, kind, template, subject, body, status, meeting_id, drafted_at, "
                      f"sent_at, replied_at FROM messages {where} ORDER BY id", params)
        df[["kind", "template", "subject", "body", "status"]] = df[
            ["kind", "template", "subject", "body", "status"]].astype("string")
        df["meeting_id"] = df["meeting_id"].astype("Int64")
        for col in ("drafted_at", "sent_at", "replied_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        return df
