"""What a sync applied, in the store: each change with its source message, bounced addresses, IMAP read marks."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.store.core import rowid
from infoview_kit.store.messages import Messages
from infoview_kit.store.schema import utc_iso

#: The columns of one applied (or skipped) finding, as :meth:`Synced.record_synced` takes them.
SYNCED_FIELDS = ("source_id", "channel", "action", "contact_id", "message_id", "at", "incoming", "skipped",
                 "evidence", "undo")


class Synced(Messages):
    """Sync runs, what each applied, bounced addresses and IMAP read marks (a mixin of the Store).

    Data only: what a finding means (a draft went out, an answer came) and how it is applied is
    :mod:`infoview_kit.sync`'s.
    """

    # ---------------------------------------------------------------- runs and their rows
    def start_sync_run(self, sources: Sequence[str], *, at: dt.datetime | str | None = None) -> int:
        """Open a sync run (inside the caller's transaction, when there is one); return its id."""
        with self.transaction() as c:
            cur = c.execute("INSERT INTO sync_runs (applied_at, sources) VALUES (?, ?)",
                            (utc_iso(at), json.dumps([str(s) for s in sources])))
            return rowid(cur)

    def record_synced(self, run_id: int, row: Mapping[str, Any]) -> int:
        """Record one finding of a run (applied, or skipped with ``skipped=True``); return its row id.

        `row` holds :data:`SYNCED_FIELDS`; ``undo`` is a dict (what the change replaced) or None.
        """
        undo = row.get("undo")
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO synced (run_id, source_id, channel, action, contact_id, message_id, at, incoming, "
                "skipped, evidence, undo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (int(run_id), str(row["source_id"]), str(row["channel"]), str(row["action"]), int(row["contact_id"]),
                 None if row.get("message_id") is None or pd.isna(row["message_id"]) else int(row["message_id"]),
                 utc_iso(row["at"]), int(bool(row.get("incoming"))), int(bool(row.get("skipped"))),
                 str(row["evidence"]), None if undo is None else json.dumps(undo, sort_keys=True)))
            return rowid(cur)

    def sync_runs(self) -> pd.DataFrame:
        """Return every sync run, newest first: id, applied_at, sources (JSON text), undone_at, rows (how many
        findings it recorded), skipped (how many of them were skipped)."""
        df = self._df("SELECT r.id, r.applied_at, r.sources, r.undone_at, count(s.id) AS rows, "
                      "coalesce(sum(s.skipped), 0) AS skipped FROM sync_runs r LEFT JOIN synced s ON s.run_id = r.id "
                      "GROUP BY r.id ORDER BY r.id DESC")
        for col in ("applied_at", "undone_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        return df

    def synced(self, run_id: int | None = None, *, live: bool = False) -> pd.DataFrame:
        """Return what sync runs recorded (one run, or all), in the order applied.

        Columns: id, run_id, source_id, channel, action, contact_id, message_id (Int64), at (UTC),
        incoming (bool), skipped (bool), evidence, undo (JSON text or None), undone_at (UTC, NaT while
        it stands). With `live`, only the rows not undone.
        """
        where = ["1 = 1"]
        params: list[Any] = []
        if run_id is not None:
            where.append("run_id = ?")
            params.append(int(run_id))
        if live:
            where.append("undone_at IS NULL")
        df = self._df("SELECT id, run_id, source_id, channel, action, contact_id, message_id, at, incoming, skipped, "
                      f"evidence, undo, undone_at FROM synced WHERE {' AND '.join(where)} ORDER BY id", params)
        df["message_id"] = df["message_id"].astype("Int64")
        df[["incoming", "skipped"]] = df[["incoming", "skipped"]].astype(bool)
        for col in ("at", "undone_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        return df

    def synced_keys(self) -> pd.DataFrame:
        """Return the (source_id, contact_id) of every finding that stands (applied or skipped, not undone):
        what a sync does not propose again."""
        return self._df("SELECT source_id, contact_id FROM synced WHERE undone_at IS NULL")

    def mark_run_undone(self, run_id: int, *, at: dt.datetime | str | None = None) -> None:
        """Mark a run and its rows undone and log ``sync_undone`` (inside the caller's transaction)."""
        stamp = utc_iso(at)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM sync_runs WHERE id = ?", (int(run_id),)).fetchone() is None:
                raise NotFoundError(f"no sync run {run_id} in {self.path}")
            c.execute("UPDATE synced SET undone_at = ? WHERE run_id = ? AND undone_at IS NULL", (stamp, int(run_id)))
            c.execute("UPDATE sync_runs SET undone_at = ? WHERE id = ?", (stamp, int(run_id)))
            self._event("sync_undone", stamp, None, int(run_id))

    # ---------------------------------------------------------------- putting a sending back
    def revert_sent(self, message_id: int, kinds: Iterable[str]) -> dict[str, Any]:
        """Put a sent message back to a draft (data only): status, sent_at and replied_at cleared, the open
        follow-ups of `kinds` scheduled for it removed, and the follow-ups its sending fulfilled opened again.
        Return what was replaced (status, sent_at, replied_at, followups: the removed rows, reopened: ids).

        Raises
        ------
        InputFormatError
            If the message is a draft, or another open draft of its kind for the person exists.
        """
        msg = self.message(message_id)
        if msg["status"] == "draft":
            raise InputFormatError(f"message {message_id} is a draft already")
        marks = ", ".join("?" * len(kinds := list(kinds)))
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM messages WHERE contact_id = ? AND kind = ? AND status = 'draft'",
                         (msg["contact_id"], msg["kind"])).fetchone():
                raise InputFormatError(f"message {message_id}: there is another draft of this kind for the person; "
                                       "it stays as sent")
            cur = c.execute(f"SELECT id, contact_id, kind, due_at, reason, message_id FROM followups WHERE "
                            f"message_id = ? AND done_at IS NULL AND kind IN ({marks})", (int(message_id), *kinds))
            removed = [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]
            c.execute(f"DELETE FROM followups WHERE message_id = ? AND done_at IS NULL AND kind IN ({marks})",
                      (int(message_id), *kinds))
            reopened = [int(r[0]) for r in c.execute(
                "SELECT id FROM followups WHERE message_id = ? AND kind = ? AND done_at = ?",
                (int(message_id), msg["kind"], msg["sent_at"]))]
            c.executemany("UPDATE followups SET done_at = NULL WHERE id = ?", [(i,) for i in reopened])
            c.execute("UPDATE messages SET status = 'draft', sent_at = NULL, replied_at = NULL WHERE id = ?",
                      (int(message_id),))
        return {"status": msg["status"], "sent_at": msg["sent_at"], "replied_at": msg["replied_at"],
                "followups": removed, "reopened": reopened}

    def restore_sent(self, message_id: int, undo: Mapping[str, Any]) -> None:
        """Put back what :meth:`revert_sent` replaced (data only)."""
        with self.transaction() as c:
            c.execute("UPDATE messages SET status = ?, sent_at = ?, replied_at = ? WHERE id = ? AND status = 'draft'",
                      (undo["status"], undo["sent_at"], undo["replied_at"], int(message_id)))
            c.executemany("INSERT OR IGNORE INTO followups (id, contact_id, kind, due_at, reason, message_id) "
                          "VALUES (:id, :contact_id, :kind, :due_at, :reason, :message_id)", list(undo["followups"]))
            c.executemany("UPDATE followups SET done_at = ? WHERE id = ? AND done_at IS NULL",
                          [(undo["sent_at"], i) for i in undo["reopened"]])

    def revert_replied(self, message_id: int, routine: Sequence[str], replied_at: str) -> None:
        """Take a recorded reply back (data only): the message is sent again, not replied, and the
        follow-ups of `routine` the reply closed at `replied_at` are open again."""
        msg = self.message(message_id)
        marks = ", ".join("?" * len(routine))
        with self.transaction() as c:
            c.execute("UPDATE messages SET status = 'sent', replied_at = NULL WHERE id = ? AND status = 'replied'",
                      (int(message_id),))
            c.execute(f"UPDATE followups SET done_at = NULL WHERE contact_id = ? AND done_at = ? AND kind IN ({marks})",
                      (msg["contact_id"], replied_at, *routine))

    # ---------------------------------------------------------------- bounced addresses
    def flag_bounced(self, address: str, contact_id: int, synced_id: int, message_id: int | None = None, *,
                     at: dt.datetime | str | None = None) -> None:
        """Flag an address mail bounced from (lower-cased; a newer bounce replaces an older flag) and log
        ``email_bounced``."""
        with self.transaction() as c:
            self._event("email_bounced", utc_iso(at), int(contact_id), message_id, synced_id=int(synced_id))
            c.execute("INSERT INTO bounced_addresses (address, contact_id, at, synced_id) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT(address) DO UPDATE SET contact_id = excluded.contact_id, at = excluded.at, "
                      "synced_id = excluded.synced_id", (address.strip().lower(), int(contact_id), utc_iso(at),
                                                         int(synced_id)))

    def unflag_bounced(self, synced_id: int) -> None:
        """Remove the bounce flags a finding set."""
        with self.transaction() as c:
            c.execute("DELETE FROM bounced_addresses WHERE synced_id = ?", (int(synced_id),))

    def record_auto_reply(self, contact_id: int, message_id: int | None, *,
                          at: dt.datetime | str | None = None) -> None:
        """Log an automatic reply (out of office) to a message: ``auto_reply_received`` (not a reply)."""
        with self.transaction():
            self._event("auto_reply_received", utc_iso(at), int(contact_id), message_id)

    def bounced_addresses(self) -> pd.DataFrame:
        """Return the flagged addresses: address, contact_id, at (UTC)."""
        df = self._df("SELECT address, contact_id, at FROM bounced_addresses ORDER BY at, address")
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601", cache=False)
        return df

    # ---------------------------------------------------------------- what sync reads
    def sync_addresses(self) -> pd.DataFrame:
        """Return every address a contact is known by: contact_id, name, address (their email, the emails
        of the records merged into them, lower-cased) and url (their profile link, as stored)."""
        return self._df("""
            WITH named AS (SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS name,
                                  email, profile_url FROM contacts)
            SELECT id AS contact_id, name, lower(trim(email)) AS address, NULL AS url FROM named
                WHERE email IS NOT NULL AND trim(email) != ''
            UNION SELECT s.contact_id, n.name, lower(trim(json_extract(s.data, '$.email'))), NULL
                FROM contact_sources s JOIN named n ON n.id = s.contact_id
                WHERE s.data IS NOT NULL AND json_valid(s.data) AND json_type(s.data, '$.email') = 'text'
                  AND trim(json_extract(s.data, '$.email')) != ''
            UNION SELECT id, name, NULL, profile_url FROM named WHERE profile_url IS NOT NULL AND profile_url != ''""")

    def sync_messages(self) -> pd.DataFrame:
        """Return the messages sync matches against: id, contact_id, kind, subject, body (its first 300
        characters), status, drafted_at, sent_at, replied_at (UTC)."""
        df = self._df("SELECT id, contact_id, kind, subject, substr(body, 1, 300) AS body, status, drafted_at, "
                      "sent_at, replied_at FROM messages ORDER BY id")
        for col in ("drafted_at", "sent_at", "replied_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601", cache=False)
        return df

    # ---------------------------------------------------------------- IMAP read marks
    def sync_state(self, account: str) -> dict[str, dict[str, int]]:
        """Return where an IMAP account was read up to: {folder: {"uidvalidity": n, "last_uid": n}}."""
        rows = self._conn.execute("SELECT folder, uidvalidity, last_uid FROM sync_state WHERE account = ?",
                                  (account,)).fetchall()
        return {f: {"uidvalidity": int(v), "last_uid": int(u)} for f, v, u in rows}

    def set_sync_state(self, account: str, state: Mapping[str, Mapping[str, Any]], *,
                       at: dt.datetime | str | None = None) -> None:
        """Keep where an IMAP account was read up to (see :meth:`sync_state`); other folders stay."""
        stamp = utc_iso(at)
        rows = [(account, str(folder), int(v["uidvalidity"]), int(v["last_uid"]), stamp) for folder, v in state.items()]
        with self.transaction() as c:
            c.executemany("INSERT INTO sync_state (account, folder, uidvalidity, last_uid, updated_at) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account, folder) DO UPDATE SET "
                          "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
                          "updated_at = excluded.updated_at", rows)
