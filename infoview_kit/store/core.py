"""The core of the store: a connection to one workbook file, its transactions, change notices and activity log."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import pandas as pd

from infoview_kit.base.errors import WorkbookBusyError, WorkbookError
from infoview_kit.store import schema
from infoview_kit.store.schema import APPLICATION_ID, PROFILE_FIELDS, clean_profile_value, split_sql, utc_iso

log = logging.getLogger("infoview_kit")

_SQLITE_MAGIC = b"SQLite format 3\x00"


@contextlib.contextmanager
def closed_on_error(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Close `conn` if the block fails; an SQLite error becomes a WorkbookError naming the file."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WorkbookError(f"{path}: cannot open the workbook ({exc})", path=path) from exc
    except BaseException:
        conn.close()
        raise


def check_header(path: Path) -> None:
    """Refuse a file that is not a workbook, or is newer than this code, without writing to it."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head:
        return  # an empty file becomes a new workbook
    if not head.startswith(_SQLITE_MAGIC) or len(head) < 100:
        raise WorkbookError(f"{path} is not an infoview workbook (not an SQLite database); "
                            "pass the path of a workbook, or a new file name to create one", path=path)
    user_version = int.from_bytes(head[60:64], "big")
    application_id = int.from_bytes(head[68:72], "big")
    if application_id != APPLICATION_ID:
        raise WorkbookError(f"{path} is an SQLite database but not an infoview workbook "
                            f"(application id {application_id:#x}); it was left untouched", path=path)
    if user_version > schema.SCHEMA_VERSION:
        raise WorkbookError(f"{path} was written by a newer infoview_kit (schema {user_version}; this "
                            f"version understands up to {schema.SCHEMA_VERSION}); upgrade infoview_kit to "
                            "open it. The file was left untouched", path=path)


def rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cur.lastrowid is not None, "only called after an INSERT"
    return int(cur.lastrowid)


class StoreCore:
    """A connection to one workbook: transactions, change notices, the activity log, the profile.

    The table groups (people, research, messages...) are mixins on top of it, assembled in
    :class:`infoview_kit.store.store.Store`; it is opened with ``Store.open``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        #: How many committed writes this object has seen: a view compares it to know it is stale.
        self.version = 0
        self._listeners: list[Callable[[], Callable[[], object] | None]] = []
        self._notifying = False
        self._pending = False

    def _migrate(self, version: int) -> None:
        """Upgrade the schema from `version` to the newest, in one transaction (``Store.open`` backs
        an existing file up first)."""
        with self.transaction():
            # re-read inside the write lock: another process may have migrated meanwhile
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, schema.SCHEMA_VERSION + 1):
                log.info("migrating %s to schema %d", self.path, target)
                for statement in split_sql(schema._MIGRATIONS[target - 1]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {target}")
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # The header (application id, schema version) is in the write-ahead log until a checkpoint: write
        # it into the file now, so a second notebook opening the workbook meanwhile recognises it.
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection; the workbook stays on disk."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one write transaction: all of it is kept, or none of it.

        Raises
        ------
        WorkbookBusyError
            If another process kept the workbook locked longer than the busy timeout.
        """
        c = self._conn
        if c.in_transaction:  # nested: part of the enclosing transaction
            yield c
            return
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise WorkbookError(f"{self.path} was opened read-only; nothing was changed",
                                    path=self.path) from exc
            if "locked" in str(exc) or "busy" in str(exc):
                raise WorkbookBusyError(
                    f"{self.path} is busy: another program kept it locked for more than "
                    f"{schema.BUSY_TIMEOUT_MS // 1000} s; try again", path=self.path) from exc
            raise
        before = c.total_changes
        try:
            yield c
        except sqlite3.OperationalError as exc:
            c.execute("ROLLBACK")
            if "readonly" in str(exc) or "query_only" in str(exc):
                raise WorkbookError(f"{self.path} was opened read-only; nothing was changed",
                                    path=self.path) from exc
            raise
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            c.execute("COMMIT")
            if c.total_changes != before:
                self._changed()

    # ---------------------------------------------------------------- change notification
    def on_change(self, callback: Callable[[], object]) -> Callable[[], None]:
        """Call ``callback()`` after every committed write to this workbook, from any view or call.

        The one change-notification mechanism of the package: every widget subscribes its
        ``refresh`` here, so what it shows is re-read after any write. A bound method is held
        weakly (a widget that is gone stops being called); an error in a callback is logged and
        never undoes or hides the write. Return a function that unsubscribes.
        """
        ref: Callable[[], Callable[[], object] | None]
        if hasattr(callback, "__self__") and hasattr(callback, "__func__"):
            ref = weakref.WeakMethod(callback)
        else:
            ref = lambda: callback  # noqa: E731  (a plain function or lambda is held strongly)
        self._listeners.append(ref)

        def unsubscribe() -> None:
            if ref in self._listeners:
                self._listeners.remove(ref)
        return unsubscribe

    def _changed(self) -> None:
        """Tell every subscriber that the workbook changed; a write made by a subscriber while they
        are told makes one more round, so nobody is left showing what was before it."""
        self.version += 1
        if self._notifying:
            self._pending = True
            return
        self._notifying = True
        try:
            for _round in range(5):
                self._pending = False
                for ref in list(self._listeners):
                    callback = ref()
                    if callback is None:
                        self._listeners.remove(ref)
                        continue
                    try:
                        callback()
                    except Exception:
                        log.exception("a view failed to refresh after a change to %s", self.path.name)
                if not self._pending:
                    break
        finally:
            self._notifying = False

    def _df(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> pd.DataFrame:
        cur = self._conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)

    def _event(self, what: str, at: str, contact_id: int | None = None, ref_id: int | None = None,
               /, **detail: Any) -> None:
        self._conn.execute(
            "INSERT INTO events (at, kind, contact_id, ref_id, detail) VALUES (?, ?, ?, ?, ?)",
            (at, what, contact_id, ref_id, json.dumps(detail, sort_keys=True) if detail else None))

    def table_counts(self) -> dict[str, int]:
        """Return the number of rows in every table (what tests and reports compare)."""
        names = [r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: self._conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}

    def changes(self) -> tuple[Any, Any, int]:
        """Return a cheap fingerprint of what views list: the newest change to a contact, the change
        counter of the follow-ups (both kept by v4 triggers; None in a file without them) and the
        newest event's id. Equal fingerprints mean no contact, follow-up or funnel step changed in
        between."""
        c = self._conn
        followups = c.execute("SELECT value FROM state WHERE key = 'followups_changes'").fetchone()
        try:
            contacts = c.execute("SELECT max(seq) FROM contact_changes").fetchone()[0] or 0
        except sqlite3.OperationalError:  # a file of an earlier v4, without the change log
            contacts = None
        last = c.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        return contacts, None if followups is None else followups[0], int(last)

    def all_tables(self) -> dict[str, pd.DataFrame]:
        """Return every table of the workbook as it is stored, read in one consistent snapshot.

        For a full export (:mod:`infoview_kit.reports.export`): the values are the stored ones (ISO text
        for times, JSON text for ``profile.value``, ``contact_sources.data``, ``merges.filled`` and
        ``events.detail``), in object columns with None for missing, so nothing is converted on the
        way out. Tables come in a fixed order (profile, employers, contacts, contact_sources,
        merges, research, messages, meetings, questions, followups, events, state, contact_changes, sync_runs,
        synced, bounced_addresses, sync_state), then any other table
        by name; rows in the order they were written.
        """
        order = ["profile", "employers", "contacts", "contact_sources", "merges", "research", "messages",
                 "meetings", "questions", "followups", "events", "state", "contact_changes", "sync_runs", "synced",
                 "bounced_addresses", "sync_state"]
        c = self._conn
        own = not c.in_transaction
        if own:
            c.execute("BEGIN")  # one snapshot for every table
        try:
            names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            out: dict[str, pd.DataFrame] = {}
            for name in sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n)):
                cur = c.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
                out[name] = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)
        finally:
            if own:
                c.execute("COMMIT")
        return out

    def _file_backed(self) -> bool:
        """True if the connection is on a file (not the in-memory copy of a read-only open)."""
        return any(row[1] == "main" and row[2] for row in self._conn.execute("PRAGMA database_list"))

    # ---------------------------------------------------------------- profile
    def profile(self) -> dict[str, Any]:
        """Return the user's profile as a dict; every field of PROFILE_FIELDS is present."""
        stored = {k: json.loads(v) for k, v in self._conn.execute("SELECT key, value FROM profile")}
        return {k: stored.get(k, [] if kind == "list" else None) for k, kind in PROFILE_FIELDS.items()}

    def set_profile(self, *, at: dt.datetime | str | None = None, **fields: Any) -> dict[str, Any]:
        """Set profile fields (see PROFILE_FIELDS); others are left as they are.

        Raises
        ------
        InputFormatError
            For a value :func:`clean_profile_value` refuses.
        """
        clean = {key: clean_profile_value(key, value) for key, value in fields.items()}
        before = self.profile()
        changed = {k: v for k, v in clean.items() if before.get(k) != v}
        if changed:
            with self.transaction() as c:
                c.executemany("INSERT INTO profile (key, value) VALUES (?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                              [(k, json.dumps(v)) for k, v in changed.items()])
                self._event("profile_updated", utc_iso(at), fields=sorted(changed))
        return self.profile()

    # ---------------------------------------------------------------- what is being worked on
    def current(self) -> dict[str, int | None]:
        """Return the person and the meeting being worked on: ``{"contact_id": ..., "meeting_id": ...}``.

        Notebooks 02-05 open on them, and every picker that chooses someone sets them
        (:meth:`set_current`). An id whose row is gone (forgotten, deleted) reads as None.
        """
        stored = {k: json.loads(v) for k, v in self._conn.execute(
            "SELECT key, value FROM state WHERE key IN ('contact_id', 'meeting_id')")}
        out: dict[str, int | None] = {"contact_id": None, "meeting_id": None}
        for key, table in (("contact_id", "contacts"), ("meeting_id", "meetings")):
            value = stored.get(key)
            if isinstance(value, int) and self._conn.execute(
                    f"SELECT 1 FROM {table} WHERE id = ?", (value,)).fetchone():
                out[key] = value
        return out

