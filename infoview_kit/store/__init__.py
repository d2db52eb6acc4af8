"""The workbook store: one SQLite file per person, the only module that speaks SQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError, WorkbookBusyError, WorkbookError
from infoview_kit.base.paths import resolve_workbook, zone_named
from infoview_kit.base.text import as_date as _as_date
from infoview_kit.base.text import aware as _aware

log = logging.getLogger("infoview_kit")

#: ``PRAGMA application_id`` of every workbook ("IVWB"): tells a workbook from any other SQLite file.
APPLICATION_ID = 0x49565742
#: The newest schema this code understands (``PRAGMA user_version``).
SCHEMA_VERSION = 4
BUSY_TIMEOUT_MS = 5000
#: How many changes to contacts the change log keeps after an import (older ones: views read everyone anew).
CONTACT_CHANGES_KEPT = 1000
#: How many backups of a workbook are kept (the newest); ``Workbook.open(..., keep_backups=n)`` overrides it.
KEEP_BACKUPS = 10
_SQLITE_MAGIC = b"SQLite format 3\x00"

# Each entry upgrades the schema from version i to i + 1; all run in one transaction on open.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE profile (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL                      -- JSON
    );
    CREATE TABLE employers (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        name_key    TEXT NOT NULL UNIQUE,
        motivation  INTEGER CHECK (motivation BETWEEN 0 AND 3),
        posting     INTEGER CHECK (posting BETWEEN 1 AND 3),
        advocacy    INTEGER CHECK (advocacy IN (0, 1)),   -- user override; NULL = automatic
        pinned      INTEGER NOT NULL DEFAULT 0,
        excluded    INTEGER NOT NULL DEFAULT 0,
        origin      TEXT NOT NULL DEFAULT 'contacts',
        notes       TEXT
    );
    CREATE TABLE contacts (
        id           INTEGER PRIMARY KEY,
        person_key   TEXT NOT NULL UNIQUE,
        first_name   TEXT,
        last_name    TEXT,
        email        TEXT,
        company      TEXT,
        position     TEXT,
        profile_url  TEXT,
        connected_on TEXT,                       -- ISO date
        how_known    TEXT,
        where_found  TEXT,
        notes        TEXT,
        referred_by  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
        is_recruiter INTEGER NOT NULL DEFAULT 0,
        pinned       INTEGER NOT NULL DEFAULT 0,
        excluded     INTEGER NOT NULL DEFAULT 0,
        checkin_days INTEGER,
        created_at   TEXT NOT NULL
    );
    CREATE TABLE contact_sources (
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,               -- linkedin, google, outlook, vcard, csv, manual, referral
        source_key  TEXT NOT NULL,
        file        TEXT,
        line        INTEGER,
        PRIMARY KEY (source, source_key)
    );
    CREATE INDEX contact_sources_contact ON contact_sources(contact_id);
    CREATE TABLE research (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('experience', 'education', 'accomplishment',
                                                  'article', 'interest', 'note')),
        title       TEXT NOT NULL,               -- role, degree, accomplishment, article title...
        organization TEXT,
        start       TEXT,
        end         TEXT,
        outlet      TEXT,
        relation    TEXT CHECK (relation IN ('by', 'about')),
        url         TEXT,
        source_url  TEXT,
        notes       TEXT,
        added_at    TEXT NOT NULL,
        UNIQUE (contact_id, kind, title, organization)
    );
    CREATE TABLE messages (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('outreach', 'nudge', 'thank_you', 'update',
                                                  'referral_ask', 'checkin')),
        template    TEXT,
        subject     TEXT NOT NULL,
        body        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'replied')),
        meeting_id  INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
        drafted_at  TEXT NOT NULL,
        sent_at     TEXT,
        replied_at  TEXT
    );
    -- at most one open draft per person and kind: saving a draft again updates it
    CREATE UNIQUE INDEX messages_one_open_draft ON messages(contact_id, kind) WHERE status = 'draft';
    CREATE TABLE meetings (
        id           INTEGER PRIMARY KEY,
        contact_id   INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        uid          TEXT NOT NULL UNIQUE,
        sequence     INTEGER NOT NULL DEFAULT 0,
        starts_at    TEXT NOT NULL,              -- ISO, UTC
        timezone     TEXT NOT NULL,
        duration_min INTEGER NOT NULL CHECK (duration_min > 0),
        place        TEXT,
        status       TEXT NOT NULL DEFAULT 'confirmed'
                     CHECK (status IN ('proposed', 'confirmed', 'held', 'cancelled')),
        actual_start TEXT,
        actual_end   TEXT,
        notes        TEXT,
        advice       TEXT,
        next_steps   TEXT,
        resources    TEXT
    );
    CREATE TABLE questions (
        id          INTEGER PRIMARY KEY,
        meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        theme       TEXT,
        text        TEXT NOT NULL,
        minutes     REAL NOT NULL DEFAULT 2,
        must_ask    INTEGER NOT NULL DEFAULT 0,
        answer      TEXT,
        UNIQUE (meeting_id, text)
    );
    CREATE TABLE followups (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,               -- thank_you, second_contact, nudge, referral_ask, ...
        due_at      TEXT NOT NULL,
        reason      TEXT NOT NULL,
        message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        meeting_id  INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
        done_at     TEXT,
        UNIQUE (contact_id, kind, due_at)
    );
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,               -- ISO, UTC
        kind        TEXT NOT NULL,
        contact_id  INTEGER,                     -- no foreign key: the log outlives what it tells of
        ref_id      INTEGER,
        detail      TEXT                         -- JSON
    );
    CREATE INDEX events_kind_at ON events(kind, at);
    CREATE INDEX events_contact ON events(contact_id);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    """,
]
_MIGRATIONS.append("""
    -- v2: every source keeps the record as it was read (no field is lost in a merge), and
    -- merges of one person from two sources are listed so they can be reviewed and undone
    ALTER TABLE contact_sources ADD COLUMN data TEXT;   -- JSON of the imported record
    CREATE TABLE merges (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,
        source_key  TEXT NOT NULL,
        matched_by  TEXT NOT NULL,               -- email, profile link, name and company
        score       REAL,
        filled      TEXT,                        -- JSON: the fields this source filled in
        at          TEXT NOT NULL,
        undone_at   TEXT,
        UNIQUE (source, source_key)
    );
    """)
_MIGRATIONS.append("""
    -- v3: the activity log stays append-only, except that forgetting a person (Workbook.forget)
    -- may anonymize their events: id, at and kind stay as they were, contact_id and ref_id may only
    -- be cleared, and the new detail must be JSON marked "anonymized". Deleting stays blocked.
    DROP TRIGGER events_no_update;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        WHEN NOT (NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
                  AND (NEW.contact_id IS OLD.contact_id OR NEW.contact_id IS NULL)
                  AND (NEW.ref_id IS OLD.ref_id OR NEW.ref_id IS NULL)
                  AND json_valid(NEW.detail) AND json_extract(NEW.detail, '$.anonymized') IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'events are append-only (only forgetting a person may anonymize them)'); END;
    """)
_MIGRATIONS.append("""
    -- v4: what the notebooks remember between runs (the person and the meeting being worked on),
    -- and follow-ups put off to a later day or skipped on purpose
    CREATE TABLE state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL                      -- JSON
    );
    ALTER TABLE followups ADD COLUMN snoozed_until TEXT;                -- ISO, UTC: not due before then
    ALTER TABLE followups ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0; -- closed (done_at) without doing it
    -- what changed, so a person picker re-reads only that (Workbook.directory): which contacts, in
    -- order, and a counter of follow-up changes
    CREATE TABLE contact_changes (
        seq        INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL
    );
    INSERT INTO state (key, value) VALUES ('followups_changes', '0');
    CREATE TRIGGER contacts_changes_insert AFTER INSERT ON contacts
        BEGIN INSERT INTO contact_changes (contact_id) VALUES (NEW.id); END;
    CREATE TRIGGER contacts_changes_update AFTER UPDATE ON contacts
        WHEN (NEW.person_key, NEW.first_name, NEW.last_name, NEW.email, NEW.company, NEW.position,
              NEW.profile_url, NEW.connected_on, NEW.how_known, NEW.where_found, NEW.notes, NEW.referred_by,
              NEW.is_recruiter, NEW.pinned, NEW.excluded, NEW.checkin_days, NEW.created_at)
             IS NOT (OLD.person_key, OLD.first_name, OLD.last_name, OLD.email, OLD.company, OLD.position,
                     OLD.profile_url, OLD.connected_on, OLD.how_known, OLD.where_found, OLD.notes, OLD.referred_by,
                     OLD.is_recruiter, OLD.pinned, OLD.excluded, OLD.checkin_days, OLD.created_at)
        BEGIN INSERT INTO contact_changes (contact_id) VALUES (NEW.id); END;
    CREATE TRIGGER contacts_changes_delete AFTER DELETE ON contacts
        BEGIN INSERT INTO contact_changes (contact_id) VALUES (OLD.id); END;
    CREATE TRIGGER followups_changes_insert AFTER INSERT ON followups
        BEGIN UPDATE state SET value = value + 1 WHERE key = 'followups_changes'; END;
    CREATE TRIGGER followups_changes_update AFTER UPDATE ON followups
        BEGIN UPDATE state SET value = value + 1 WHERE key = 'followups_changes'; END;
    CREATE TRIGGER followups_changes_delete AFTER DELETE ON followups
        BEGIN UPDATE state SET value = value + 1 WHERE key = 'followups_changes'; END;
    """)
assert len(_MIGRATIONS) == SCHEMA_VERSION

#: What the profile's status may be (the templates word your first email from it).
PROFILE_STATUSES = ("graduate", "working")

#: Profile fields and their kinds ("list" values are lists of strings).
PROFILE_FIELDS: dict[str, str] = {
    "name": "text", "email": "text", "status": "text",          # status: "graduate" or "working"
    "school_status": "text",     # e.g. "recent Data Science graduate of Lakeside University"
    "current_employer": "text", "target_industry": "text", "target_roles": "list",
    "change_wanted": "text",     # e.g. "move from retail operations into data analytics"
    "schools": "list", "employers": "list", "city": "text", "region": "text",
    "interests": "list", "groups": "list", "signature": "text",
    "country": "text",           # ISO 3166 alpha-2, for public holidays
    "timezone": "text",          # IANA name, e.g. "America/Chicago"
}

#: Event kinds that move a contact along the outreach funnel, and the stage each one reaches.
STAGES = ("identified", "researched", "emailed", "replied", "met", "thanked", "kept_in_touch")
STAGE_OF_EVENT = {
    "targeted": "identified", "research_added": "researched", "email_sent": "emailed",
    "reply_received": "replied", "meeting_scheduled": "replied", "meeting_held": "met", "thank_you_sent": "thanked",
    "update_sent": "kept_in_touch", "checkin_sent": "kept_in_touch",
}
#: What a follow-up marked done records besides ``followup_done``: the event its message would have logged.
DONE_RECORDS = {"thank_you": "thank_you_sent", "update": "update_sent", "checkin": "checkin_sent",
                "nudge": "nudge_sent", "referral_ask": "referral_ask_sent"}
MESSAGE_KINDS = ("outreach", "nudge", "thank_you", "update", "referral_ask", "checkin")
RESEARCH_KINDS = ("experience", "education", "accomplishment", "article", "interest", "note")

_INVOLVED = """WHERE c.referred_by IS NOT NULL OR c.id IN (
    SELECT contact_id FROM messages UNION SELECT contact_id FROM meetings UNION SELECT contact_id FROM followups
    UNION SELECT referred_by FROM contacts WHERE referred_by IS NOT NULL)"""
_IMPORT_FIELDS = ["first_name", "last_name", "email", "company", "position", "profile_url", "connected_on"]
_CONTACT_FIELDS = ("first_name", "last_name", "email", "company", "position", "profile_url",
                   "connected_on", "how_known", "where_found", "notes")


def utc_iso(value: dt.datetime | dt.date | str | None) -> str:
    """Return `value` as an ISO 8601 UTC timestamp string (a naive datetime counts as UTC)."""
    if value is None:
        value = dt.datetime.now(dt.UTC)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InputFormatError(f"{value!r}: expected an ISO date or date-time") from None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


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

    def __str__(self) -> str:
        text = (f"{self.file} ({self.format}): {self.added} added, {self.merged} merged, "
                f"{self.updated} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped, "
                f"{len(self.warnings)} warnings")
        return text

    def to_frame(self) -> pd.DataFrame:
        """Return skipped rows and warnings as one DataFrame: line, kind, field, message."""
        rows = [{"line": s.get("line"), "kind": "skipped", "field": pd.NA, "message": s.get("reason")}
                for s in self.skipped]
        rows += [{"line": w.get("line"), "kind": "warning", "field": w.get("field", pd.NA),
                  "message": w.get("message")} for w in self.warnings]
        return pd.DataFrame(rows, columns=["line", "kind", "field", "message"])


def clean_profile_value(key: str, value: Any) -> Any:
    """Return a profile field's value as the workbook keeps it: text stripped (empty is None),
    a list of text trimmed (a string is split on commas or semicolons), and the status, time
    zone and country checked. Writes nothing (``infoview init`` checks each answer with it).

    Raises
    ------
    InputFormatError
        For an unknown field, a list of something other than text, a status other than
        PROFILE_STATUSES, or an unknown time zone or country.
    """
    kind = PROFILE_FIELDS.get(key)
    if kind is None:
        raise InputFormatError(f"profile field {key!r} is unknown; expected one of " + ", ".join(PROFILE_FIELDS))
    if kind == "list":
        if isinstance(value, str):
            value = [v.strip() for v in value.replace(";", ",").split(",")]
        if value is None:
            value = []
        if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
            raise InputFormatError(f"profile field {key!r}: expected a list of text, got {value!r}")
        return [v.strip() for v in value if v.strip()]
    if value is not None:
        value = str(value).strip() or None
    if value and key == "status" and value not in PROFILE_STATUSES:
        raise InputFormatError(f"profile field 'status': {value!r}: expected one of {', '.join(PROFILE_STATUSES)}, "
                               "or empty")
    if value and key == "email":
        from infoview_kit.base.validate import email

        value = email(value, "profile field 'email'")
    if value and key == "timezone":
        zone_named(value)
    if value and key == "country":
        from infoview_kit.base.bizdays import _parse_country

        _parse_country(value)
    return value


@contextlib.contextmanager
def _closed_on_error(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Close `conn` if the block fails; an SQLite error becomes a WorkbookError naming the file."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WorkbookError(f"{path}: cannot open the workbook ({exc})", path=path) from exc
    except BaseException:
        conn.close()
        raise


def _check_header(path: Path) -> None:
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
    if user_version > SCHEMA_VERSION:
        raise WorkbookError(f"{path} was written by a newer infoview_kit (schema {user_version}; this "
                            f"version understands up to {SCHEMA_VERSION}); upgrade infoview_kit to "
                            "open it. The file was left untouched", path=path)


class Workbook:
    """A person's workbook: one SQLite file holding everything they enter or import.

    Open it with :meth:`Workbook.open`. Reads return pandas DataFrames; every change that
    touches more than one row runs in one transaction, and repeating an operation adds nothing.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        #: How many committed writes this object has seen: a view compares it to know it is stale.
        self.version = 0
        self._listeners: list[Callable[[], Callable[[], object] | None]] = []
        self._notifying = False
        self._pending = False

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True,
             read_only: bool = False, keep_backups: int | None = None) -> Workbook:
        """Open the workbook at `path`, creating it (and its folder) if missing.

        Parameters
        ----------
        path
            The workbook file. Empty or None means ``$INFOVIEW_WORKBOOK``, else
            ``data/private/workbook.sqlite`` in the project.
        create
            Create the file when it does not exist (otherwise raise NotFoundError).
        read_only
            Open for reading only (a coach reading a participant's file): the file must exist
            and is never written; any write raises. A workbook of an older schema is copied
            into memory and upgraded there, so the file itself stays as it was.
        keep_backups
            How many backups to keep in the backups folder (see :meth:`backup`); default
            :data:`KEEP_BACKUPS` (10). The oldest go first. 0 turns the automatic backups (before
            a migration, an import, an undone merge) off, for a throw-away workbook such as the
            demo while it is built.

        Raises
        ------
        WorkbookError
            If the file is not a workbook or was written by a newer schema; the file is left
            byte-for-byte untouched.
        InputFormatError
            If `keep_backups` is not a whole number of at least 0.
        """
        keep = _keep_count(keep_backups, least=0)
        p = resolve_workbook(path)
        if p.is_dir():
            raise WorkbookError(f"{p} is a folder; pass the path of a workbook file", path=p)
        if read_only:
            return cls._open_read_only(p)
        if p.exists():
            _check_header(p)
        elif not create:
            raise NotFoundError(f"{p}: no such workbook", path=p)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            # created readable by its owner only: it holds other people's personal data
            os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkbookError(f"{p}: cannot open the workbook ({exc})", path=p) from exc
        with _closed_on_error(conn, p):
            wb = cls(conn, p)
            wb._keep_backups = keep
            wb._prepare()
        return wb

    @classmethod
    def _open_read_only(cls, p: Path) -> Workbook:
        if not p.exists():
            raise NotFoundError(f"{p}: no such workbook", path=p)
        _check_header(p)
        # A file no program has open (no -wal beside it: a copy handed to a coach) is opened as
        # immutable, so nothing is created beside it and a read-only folder works; a live one
        # (a notebook has it open) is read through its write-ahead log.
        idle = not Path(f"{p}-wal").exists()
        try:
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro{'&immutable=1' if idle else ''}", uri=True,
                                   isolation_level=None,
                                   timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkbookError(f"{p}: cannot open the workbook ({exc})", path=p) from exc
        with _closed_on_error(conn, p):
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables or version:
                    raise WorkbookError(f"{p} is an SQLite database but not an infoview workbook", path=p)
            if version < SCHEMA_VERSION:  # upgrade a copy in memory; the file stays as it was
                memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                with _closed_on_error(memory, p):
                    conn.backup(memory)
        if version < SCHEMA_VERSION:
            conn.close()
            conn = memory
            with _closed_on_error(conn, p):
                cls(conn, p)._migrate(version)
        conn.execute("PRAGMA query_only = ON")
        return cls(conn, p)

    def _prepare(self) -> None:
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA synchronous = NORMAL")  # with WAL: crash-safe; skips an fsync per commit
        c.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache for large imports
        version = c.execute("PRAGMA user_version").fetchone()[0]
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        if app_id == 0 and version == 0:
            tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise WorkbookError(f"{self.path} is an SQLite database but not an infoview workbook",
                                    path=self.path)
        elif app_id != APPLICATION_ID or version > SCHEMA_VERSION:
            _check_header(self.path)  # raises with the precise reason
        if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            c.execute("PRAGMA journal_mode = WAL")  # readers and one writer at once
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        if version > 0:  # an existing workbook (not a new one, nor the in-memory copy): keep it as it was
            self._safety_backup(f"before-migration-v{version}-to-v{SCHEMA_VERSION}")
        with self.transaction():
            # re-read inside the write lock: another process may have migrated meanwhile
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                log.info("migrating %s to schema %d", self.path, target)
                for statement in _split_sql(_MIGRATIONS[target - 1]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {target}")
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection; the workbook stays on disk."""
        self._conn.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Workbook {self.path}>"

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
                    f"{BUSY_TIMEOUT_MS // 1000} s; try again", path=self.path) from exc
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

    def redacted_copy(self, dest: str | os.PathLike[str]) -> Path:
        """Write a copy of the workbook with every personal value replaced by a placeholder.

        For sharing a report with a coach or mentor: names become "Person 7", emails
        "person7@example.invalid", companies and schools "Company 3", free text (notes, research,
        message subjects and bodies, meeting notes and answers, reasons, event details) "[redacted
        note]"; links, places and the files contacts came from are dropped. The same real value always
        gets the same placeholder within one copy. Your own name and email become "Job Seeker" and
        "me@example.invalid"; only your status, country and time zone are kept. Dates, counts, kinds
        and stages are kept, so the charts and tables tell the same story. A table this code does not
        know is emptied, and a column it does not know is cleared, so nothing new slips through. The
        activity log's append-only guards are dropped in the copy only.

        Parameters
        ----------
        dest
            The new file (it must not exist); created readable by its owner only.

        Returns
        -------
        Path
            `dest`.

        Raises
        ------
        WorkbookError
            If `dest` exists already.
        """
        target = Path(dest)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise WorkbookError(f"{target} exists already; a redacted copy needs a new file name",
                                path=target) from None
        try:
            conn = sqlite3.connect(target, isolation_level=None)
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise WorkbookError(f"{target}: cannot write the redacted copy ({exc})", path=target) from exc
        try:
            self._conn.backup(conn)
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA secure_delete = ON")  # overwritten values do not linger in free pages
            # the copy only: guards such as the activity log's append-only triggers (whatever their names)
            guards = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                  "AND sql LIKE '%RAISE(%'").fetchall()
            conn.execute("BEGIN IMMEDIATE")
            for (name,) in guards:
                conn.execute(f'DROP TRIGGER "{name}"')
            logged = conn.execute("SELECT max(seq) FROM contact_changes").fetchone()[0] or 0
            _redact_rows(conn)
            # the change log is for views of this file between writes: redacting is no change to show
            conn.execute("DELETE FROM contact_changes WHERE seq > ?", (logged,))
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        except BaseException:
            conn.close()
            target.unlink(missing_ok=True)
            raise
        conn.close()
        return target

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

    # ---------------------------------------------------------------- contacts
    def import_contacts(self, path: str | os.PathLike[str], *, fmt: str | None = None,
                        mapping: Mapping[str, str] | None = None, at: dt.datetime | str | None = None,
                        progress: bool = False) -> ImportReport:
        """Read a contacts export and store it in one transaction; see :func:`read_contacts`.

        Importing the same file again adds nothing: a person is matched by profile URL, then
        email, then name and company; a match fills the fields it lacked and keeps every source.
        Once the file is read, and if the workbook holds anything, it is backed up first
        (:meth:`backup`, reason ``before-import``).

        Returns
        -------
        ImportReport
            added, merged (matched and given new fields), unchanged, skipped, warnings.

        Raises
        ------
        InputFormatError
            If the file cannot be read; the workbook is unchanged.
        """
        from infoview_kit.find.contacts import read_contacts

        people = read_contacts(path, fmt=fmt, mapping=mapping)
        info = people.attrs.get("report", {})
        report = ImportReport(file=os.path.basename(os.fspath(path)), format=info.get("format", fmt or "?"),
                              skipped=list(info.get("skipped", [])),
                              warnings=list(info.get("warnings", [])),
                              invalid_emails=int(info.get("invalid_emails", 0)))
        if not people.empty:
            self._safety_backup("before-import")
        self._store_people(people, report, file=os.fspath(path), at=utc_iso(at), progress=progress)
        log.info("%s", report)
        return report

    def _store_people(self, people: pd.DataFrame, report: ImportReport, *, file: str, at: str,
                      progress: bool = False) -> None:
        """Match every record to a contact (see ``_people.PeopleIndex``), then write inserts,
        filled-in fields, sources, merges and events in one transaction."""
        from infoview_kit.base.keys import PeopleIndex, company_key, name_key, person_keys

        if people.empty:
            return
        people = people.copy()
        people["person_key"] = person_keys(people)
        people["connected_on"] = people["connected_on"].dt.strftime("%Y-%m-%d")
        cols = _IMPORT_FIELDS
        frame = people[["person_key", *cols, "source", "line"]].astype(object)
        frame = frame.where(frame.notna(), None)
        frame["name_key"] = [name_key(f, la) for f, la in zip(frame["first_name"], frame["last_name"], strict=True)]
        frame["company_key"] = [company_key(co) if co else "" for co in frame["company"]]
        rows = frame.itertuples(index=False, name=None)
        fname = os.path.basename(file)
        email = cols.index("email")
        with self.transaction() as c:
            # the change log of contacts serves views between writes: a short tail of it is enough
            if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'contact_changes'").fetchone():
                c.execute("DELETE FROM contact_changes WHERE seq <= (SELECT max(seq) FROM contact_changes) - ?",
                          (CONTACT_CHANGES_KEPT,))
            index, values = PeopleIndex(), {}
            for cid, key, *vals in c.execute(f"SELECT id, person_key, {', '.join(cols)} FROM contacts"):
                values[cid] = vals
                index.add(cid, key, vals[email], name_key(vals[0], vals[1]),
                          company_key(vals[3]) if vals[3] else "")
            known = {(s, k): cid for cid, s, k in c.execute("SELECT contact_id, source, source_key "
                                                            "FROM contact_sources")}
            pending: dict[int, str] = {}  # negative temporary id -> person_key, for people added now
            changed: set[int] = set()
            sources: list[tuple[int, str, str, int, str | None]] = []
            merges: list[tuple[int, str, str, str, float, str]] = []
            for key, *vals, source, line, nk, ck in _progress(rows, len(frame), progress, "matching"):
                hit = ((known[(source, key)], "source", 100.0) if (source, key) in known
                       else index.match(key, vals[email], nk, ck))
                if hit is None:  # someone new: the contact row is the record as read
                    cid = -(len(pending) + 1)
                    pending[cid], values[cid] = key, list(vals)
                    index.add(cid, key, vals[email], nk, ck)
                    sources.append((cid, source, key, line, None))
                    continue
                # joins someone already here: keep the record as read, so no field is lost
                data = json.dumps(dict(zip(cols, vals, strict=True)), ensure_ascii=False)
                cid, matched_by, score = hit
                if matched_by == "key" and cid > 0:  # a new source for someone already here
                    matched_by = {"url": "profile link", "email": "email"}.get(key.split(":")[0], "name and company")
                old = values[cid]
                filled = {k: new for k, o, new in zip(cols, old, vals, strict=True) if o is None and new is not None}
                for k, new in filled.items():
                    old[cols.index(k)] = new
                if filled and cid > 0:
                    changed.add(cid)
                if matched_by == "key" and cid < 0:  # the very same record again in this file
                    report.skipped.append({"line": line, "reason": "same person twice in this file"})
                    continue
                if matched_by in ("source", "key"):
                    if filled:
                        report.updated += 1
                    else:
                        report.unchanged += 1
                else:
                    merges.append((cid, source, key, matched_by, score, json.dumps(filled, ensure_ascii=False)))
                    report.merged += 1
                    report.merges.append({"contact_id": cid if cid > 0 else None, "line": line,
                                          "matched_by": matched_by, "score": score, "filled": sorted(filled)})
                if (source, key) not in known:
                    sources.append((cid, source, key, line, data))
                    known[(source, key)] = cid
                index.add(cid, key, vals[email], nk, ck)
            c.executemany(f"INSERT INTO contacts (person_key, {', '.join(cols)}, created_at) "
                          f"VALUES (?, {', '.join('?' * len(cols))}, ?)",
                          [(key, *values[tid], at) for tid, key in sorted(pending.items(), reverse=True)])
            ids = dict(c.execute("SELECT person_key, id FROM contacts")) if pending else {}
            real = {tid: ids[key] for tid, key in pending.items()}
            for cid in sorted(changed):
                merged = [v for v in values[cid]]
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?", (*merged, cid))
            c.executemany("INSERT INTO contact_sources (contact_id, source, source_key, file, line, data) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          [(real.get(cid, cid), s_, k, fname, ln, d) for cid, s_, k, ln, d in sources])
            merges = [(real.get(m[0], m[0]), *m[1:]) for m in merges]  # merged into someone new: real id
            c.executemany("INSERT INTO merges (contact_id, source, source_key, matched_by, score, filled, at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          [(*m, at) for m in merges])
            c.executemany("INSERT INTO events (at, kind, contact_id, detail) VALUES (?, 'contact_added', ?, ?)",
                          [(at, real[tid], '{"source": "import"}') for tid in sorted(pending, reverse=True)])
            c.executemany("INSERT INTO events (at, kind, contact_id, detail) VALUES (?, 'contacts_merged', ?, ?)",
                          [(at, m[0], json.dumps({"matched_by": m[3]})) for m in merges])
            self._flag_recruiters(c)
            self._sync_employers(c)
            report.added = len(pending)

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

    def undo_merge(self, merge_id: int, *, at: dt.datetime | str | None = None) -> int | None:
        """Split a merged record back into a contact of its own; return that contact's id (None if
        the merge was already undone). Fields the record filled in are taken back from the contact
        it was merged into, unless they were changed since. The workbook is backed up first
        (:meth:`backup`, reason ``before-undo-merge``)."""
        row = self._conn.execute("SELECT contact_id, source, source_key, filled, undone_at FROM merges "
                                 "WHERE id = ?", (int(merge_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no merge with id {merge_id} in {self.path}")
        cid, source, key, filled, undone = row
        if undone:
            return None
        self._safety_backup("before-undo-merge")
        data = self._conn.execute("SELECT data FROM contact_sources WHERE source = ? AND source_key = ?",
                                  (source, key)).fetchone()
        record = json.loads(data[0]) if data and data[0] else {}
        stamp = utc_iso(at)
        cols = [k for k in _IMPORT_FIELDS if k in record]
        with self.transaction() as c:
            for k, v in json.loads(filled or "{}").items():
                c.execute(f"UPDATE contacts SET {k} = NULL WHERE id = ? AND {k} IS ?", (cid, v))
            taken = c.execute("SELECT 1 FROM contacts WHERE person_key = ?", (key,)).fetchone()
            new = _rowid(c.execute(
                f"INSERT INTO contacts (person_key, {', '.join(cols)}, created_at) "
                f"VALUES (?, {', '.join('?' * len(cols))}, ?)",
                (f"{key}#split-{merge_id}" if taken else key, *[record[k] for k in cols], stamp)))
            c.execute("UPDATE contact_sources SET contact_id = ? WHERE source = ? AND source_key = ?",
                      (new, source, key))
            c.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (stamp, merge_id))
            self._event("merge_undone", stamp, cid, merge_id, split_into=new)
            self._event("contact_added", stamp, new, source="undo merge")
            self._flag_recruiters(c, [cid, new])
        return new

    @staticmethod
    def _sync_employers(c: sqlite3.Connection, companies: Iterable[str | None] | None = None) -> None:
        """Give every company a contact works at (or only `companies`) a row in the employers list."""
        from infoview_kit.base.keys import company_key

        have = {k for (k,) in c.execute("SELECT name_key FROM employers")}
        new: dict[str, str] = {}
        names = (c.execute("SELECT DISTINCT company FROM contacts WHERE company IS NOT NULL") if companies is None
                 else [(x,) for x in companies if x])
        for (company,) in names:
            key = company_key(company)
            if key and key not in have:
                new.setdefault(key, company)
        c.executemany("INSERT INTO employers (name, name_key, origin) VALUES (?, ?, 'contacts')",
                      [(name, key) for key, name in sorted(new.items())])

    # ---------------------------------------------------------------- employers (LAMP)
    def add_employer(self, name: str, *, motivation: int | None = None, posting: int | None = None,
                     notes: str | None = None) -> int:
        """Add an employer you want to work for (a dream employer, one with postings); return its id.
        Adding one that is already listed returns its id and keeps its ratings."""
        from infoview_kit.base.keys import company_key

        clean = (name or "").strip()
        key = company_key(clean)
        if not key:
            raise InputFormatError("an employer needs a name")
        with self.transaction() as c:
            row = c.execute("SELECT id FROM employers WHERE name_key = ?", (key,)).fetchone()
            if row is None:
                row = (_rowid(c.execute("INSERT INTO employers (name, name_key, origin, notes) "
                                        "VALUES (?, ?, 'added', ?)", (clean, key, notes))),)
            self.rate_employer(int(row[0]), motivation=motivation, posting=posting)
        return int(row[0])

    def employer_id(self, employer: int | str) -> int:
        """Return the id of an employer given by id or by name (matched like company names).

        Raises
        ------
        NotFoundError
            If no employer has that id or name.
        """
        from infoview_kit.base.keys import company_key

        if isinstance(employer, int) and not isinstance(employer, bool):
            row = self._conn.execute("SELECT id FROM employers WHERE id = ?", (employer,)).fetchone()
        else:
            row = self._conn.execute("SELECT id FROM employers WHERE name_key = ?",
                                     (company_key(str(employer)),)).fetchone()
        if row is None:
            raise NotFoundError(f"no employer {employer!r} in {self.path}: add it with add_employer")
        return int(row[0])

    def rate_employer(self, employer: int | str, *, motivation: int | None = None, posting: int | None = None,
                      advocacy: bool | None = None, pinned: bool | None = None,
                      excluded: bool | None = None) -> None:
        """Rate an employer the LAMP way; arguments left as None keep their value.

        Parameters
        ----------
        motivation
            Your gut feeling, 0 (none) to 3 (dream employer).
        posting
            1 no relevant posting, 2 some postings, 3 a posting for your target role.
        advocacy
            Override the automatic Advocacy (someone there shares your school or former employer,
            or is a warm contact); ``rate_employer(x, advocacy=None)`` keeps the current setting.
        pinned, excluded
            Keep it at the top of the list, or out of it.
        """
        eid = self.employer_id(employer)
        checks = {"motivation": (motivation, range(0, 4), "0 to 3"), "posting": (posting, range(1, 4), "1 to 3")}
        for name, (value, allowed, text) in checks.items():
            if value is not None and (isinstance(value, bool) or value not in allowed):
                raise InputFormatError(f"{name} = {value!r}: expected a whole number from {text}")
        sets = {k: v for k, v in (("motivation", motivation), ("posting", posting)) if v is not None}
        sets |= {k: int(bool(v)) for k, v in (("advocacy", advocacy), ("pinned", pinned), ("excluded", excluded))
                 if v is not None}
        if sets:
            with self.transaction() as c:
                c.execute(f"UPDATE employers SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                          (*sets.values(), eid))

    def clear_rating(self, employer: int | str) -> bool:
        """Take back an employer's Motivation and Posting ratings (it sorts as unrated again);
        True if there was a rating to clear.

        Raises
        ------
        NotFoundError
            If no employer has that id or name.
        """
        eid = self.employer_id(employer)
        row = self._conn.execute("SELECT motivation, posting FROM employers WHERE id = ?", (eid,)).fetchone()
        if row == (None, None):
            return False
        with self.transaction() as c:
            c.execute("UPDATE employers SET motivation = NULL, posting = NULL WHERE id = ?", (eid,))
        return True

    def employers(self) -> pd.DataFrame:
        """Return the employers list (from your contacts' companies, plus those you added).

        Columns: id, name, name_key, motivation (Int64, 0-3), posting (Int64, 1-3), advocacy
        (boolean override, NA = automatic), pinned, excluded (bool), origin (contacts or added),
        notes, contacts (how many of your contacts work there).
        """
        from infoview_kit.base.keys import company_key

        df = self._df("SELECT id, name, name_key, motivation, posting, advocacy, pinned, excluded, origin, notes "
                      "FROM employers ORDER BY name_key")
        counts: dict[str, int] = {}
        for company, n in self._conn.execute("SELECT company, count(*) FROM contacts WHERE company IS NOT NULL "
                                             "AND excluded = 0 GROUP BY company"):
            key = company_key(company)
            counts[key] = counts.get(key, 0) + n
        df["contacts"] = df["name_key"].map(counts).fillna(0).astype(int)
        df[["motivation", "posting"]] = df[["motivation", "posting"]].astype("Int64")
        df["advocacy"] = df["advocacy"].astype("boolean")
        df[["pinned", "excluded"]] = df[["pinned", "excluded"]].astype(bool)
        df[["name", "name_key", "origin", "notes"]] = df[["name", "name_key", "origin", "notes"]].astype("string")
        return df

    def export_contacts(self, path: str | os.PathLike[str]) -> Path:
        """Write every contact to ``.csv`` or ``.xlsx`` (by the file name) with the columns of
        :func:`read_contacts` first, then how_known, where_found, notes, is_recruiter, stage and
        sources; formula-like cells are neutralized, and ``read_contacts`` reads the file back.
        """
        from infoview_kit.find.write import write_contacts

        people = self.contacts()
        cols = ["first_name", "last_name", "email", "company", "position", "profile_url", "connected_on",
                "how_known", "where_found", "notes", "is_recruiter", "stage", "sources"]
        return write_contacts(people[cols], path)

    def set_checkin_days(self, contact_id: int, days: int | None) -> None:
        """Set how often to keep in touch with a person you met (None: the default, monthly).

        Raises
        ------
        InputFormatError
            Unless `days` is a whole number from 7 to 365, or None.
        """
        self.contact(contact_id)
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 7 <= days <= 365):
            raise InputFormatError(f"check-in every {days!r} days: expected a whole number from 7 to 365, or None")
        with self.transaction() as c:
            c.execute("UPDATE contacts SET checkin_days = ? WHERE id = ?", (days, contact_id))

    def due(self, today: dt.date | str | None = None, *, horizon_days: int = 7) -> pd.DataFrame:
        """Return every follow-up that is overdue, due, or coming up within `horizon_days`, with why;
        see :func:`infoview_kit.followup.due.due` for the rules and columns."""
        from infoview_kit.followup.due import due

        return due(self, today, horizon_days=horizon_days)

    def due_inputs(self, closed_since: dt.datetime | str) -> dict[str, pd.DataFrame]:
        """Return the rows and columns :func:`infoview_kit.followup.due.due` works from, and only those.

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
            `closed_since` (contact_id, at), for :func:`infoview_kit.followup.evidence.answer_evidence`.
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
        frames["contacts"]["excluded"] = frames["contacts"]["excluded"].astype(bool)
        frames["followups"]["skipped"] = frames["followups"]["skipped"].astype(bool)
        return frames

    def set_contact_flags(self, contact_id: int, *, pinned: bool | None = None,
                          excluded: bool | None = None) -> None:
        """Pin a person to the top of your lists, or exclude them from rankings."""
        self.contact(contact_id)
        sets = {k: int(bool(v)) for k, v in (("pinned", pinned), ("excluded", excluded)) if v is not None}
        if sets:
            with self.transaction() as c:
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                          (*sets.values(), contact_id))

    @staticmethod
    def _flag_recruiters(c: sqlite3.Connection, ids: Sequence[int] | None = None) -> None:
        """Set is_recruiter from the position, for every contact or only `ids`."""
        from infoview_kit.find.contacts import is_recruiter

        if ids is None:
            rows = c.execute("SELECT id, position, is_recruiter FROM contacts").fetchall()
        else:
            rows = c.execute(f"SELECT id, position, is_recruiter FROM contacts WHERE id IN "
                             f"({', '.join('?' * len(ids))})", list(ids)).fetchall()
        c.executemany("UPDATE contacts SET is_recruiter = ? WHERE id = ?",
                      [(int(is_recruiter(pos)), cid) for cid, pos, flag in rows
                       if int(is_recruiter(pos)) != flag])

    def add_contact(self, first_name: str, last_name: str = "", *, email: str | None = None,
                    company: str | None = None, position: str | None = None,
                    profile_url: str | None = None, how_known: str | None = None,
                    where_found: str | None = None, notes: str | None = None,
                    referred_by: int | None = None, source: str = "manual",
                    at: dt.datetime | str | None = None) -> int:
        """Add a person from your own circles or social media; return their contact id.

        Adding the same person again (same profile URL, email, or name and company) fills what
        was missing and returns the existing id.

        Raises
        ------
        InputFormatError
            If the name is empty, the email invalid, or `how_known` not one of HOW_KNOWN.
        NotFoundError
            If `referred_by` is not a contact id.
        """
        from infoview_kit.base.keys import person_keys
        from infoview_kit.base.text import HOW_KNOWN, clean_contact_fields

        fields = clean_contact_fields(first_name=first_name, last_name=last_name, email=email,
                                      company=company, position=position, profile_url=profile_url,
                                      where_found=where_found, notes=notes)
        if how_known is not None and how_known not in HOW_KNOWN:
            raise InputFormatError(f"how_known = {how_known!r}: expected one of {', '.join(HOW_KNOWN)}")
        fields["how_known"] = how_known
        if referred_by is not None:
            self.contact(referred_by)
        key = person_keys(pd.DataFrame([fields]))[0]
        stamp = utc_iso(at)
        with self.transaction() as c:
            row = c.execute("SELECT id FROM contacts WHERE person_key = ?", (key,)).fetchone()
            names = [k for k in _CONTACT_FIELDS if k in fields]
            if row is None:
                cur = c.execute(
                    f"INSERT INTO contacts (person_key, {', '.join(names)}, referred_by, created_at) "
                    f"VALUES (?, {', '.join('?' * len(names))}, ?, ?)",
                    (key, *[fields[k] for k in names], referred_by, stamp))
                cid = _rowid(cur)
                self._event("contact_added", stamp, cid, source=source,
                            **({"referred_by": referred_by} if referred_by else {}))
            else:
                cid = int(row[0])
                c.execute(f"UPDATE contacts SET {', '.join(f'{k} = coalesce({k}, ?)' for k in names)}, "
                          "referred_by = coalesce(referred_by, ?) WHERE id = ?",
                          (*[fields[k] for k in names], referred_by, cid))
            c.execute("INSERT INTO contact_sources (contact_id, source, source_key) VALUES (?, ?, ?) "
                      "ON CONFLICT DO NOTHING", (cid, source, key))
            self._flag_recruiters(c, [cid])  # only this person changed: no scan of every contact
            self._sync_employers(c, [fields.get("company")])
        return cid

    def same_person(self, first_name: str | None = None, last_name: str | None = None, *,
                    email: str | None = None, company: str | None = None, profile_url: str | None = None,
                    exclude: int | None = None) -> tuple[int, str] | None:
        """Return ``(contact id, why)`` for a contact these details already describe, or None: the
        same email address ("same email"), the same profile link ("same profile link"), or the same
        name at the same company ("same name and company"). `exclude` (the contact being edited) is
        never returned. Writes nothing: the forms ask before a save would land on someone else.
        """
        from infoview_kit.base.keys import company_key, name_key, url_key
        from infoview_kit.base.text import clean_text
        from infoview_kit.base.validate import email as check_email

        skip = -1 if exclude is None else int(exclude)
        mail = check_email(email)
        if mail:
            row = self._conn.execute("SELECT id FROM contacts WHERE (lower(email) = ? OR person_key = ?) "
                                     "AND id != ? ORDER BY id LIMIT 1", (mail, f"email:{mail}", skip)).fetchone()
            if row:
                return int(row[0]), "same email"
        link = url_key(clean_text(profile_url))
        if link:
            row = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ? LIMIT 1",
                                     (f"url:{link}", skip)).fetchone()
            if row:
                return int(row[0]), "same profile link"
            for cid, url in self._conn.execute("SELECT id, profile_url FROM contacts WHERE profile_url IS NOT NULL "
                                               "AND instr(lower(profile_url), ?) > 0 AND id != ? ORDER BY id",
                                               (link.split("/")[-1], skip)):
                if url_key(url) == link:
                    return int(cid), "same profile link"
        first, last, co = clean_text(first_name), clean_text(last_name), clean_text(company)
        nk, ck = name_key(first, last), company_key(co) if co else ""
        if nk and ck:
            for cid, f, la, c in self._conn.execute(
                    "SELECT id, first_name, last_name, company FROM contacts WHERE id != ? AND company IS NOT NULL "
                    "AND (person_key = ? OR (lower(coalesce(first_name, '')) = lower(?) "
                    "AND lower(coalesce(last_name, '')) = lower(?))) ORDER BY id",
                    (skip, f"name:{nk}|{ck}", first or "", last or "")):
                if name_key(f, la) == nk and company_key(c) == ck:
                    return int(cid), "same name and company"
        if nk and not (mail or link):  # no company, email or link to tell two people of one name apart
            row = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ?",
                                     (f"name:{nk}|{ck}", skip)).fetchone()
            if row:
                return int(row[0]), "same name" + (" and company" if ck else "")
        return None

    #: The fields of a contact that :meth:`update_contact` edits.
    EDITABLE_CONTACT_FIELDS = ("first_name", "last_name", "email", "company", "position", "profile_url",
                               "how_known", "where_found", "notes")

    def update_contact(self, contact_id: int, *, at: dt.datetime | str | None = None, **fields: Any) -> list[str]:
        """Edit a contact: every field given is set to its new value (empty text or None clears
        it), fields not given keep theirs. Return the names of the fields that changed ([] when
        nothing did: then nothing is written).

        Fields: see EDITABLE_CONTACT_FIELDS. The email and the name follow the same rules as
        :meth:`add_contact`; the person's natural key (profile link, else email, else name and
        company) follows the edit.

        Raises
        ------
        InputFormatError
            For an unknown field, no name left, an invalid email, a `how_known` not in HOW_KNOWN,
            or details that are another contact's (same email, profile link, or name and company:
            see :meth:`same_person`); nothing is written.
        NotFoundError
            If there is no such contact.
        """
        from infoview_kit.base.keys import person_keys
        from infoview_kit.base.text import HOW_KNOWN, clean_contact_fields

        unknown = sorted(set(fields) - set(self.EDITABLE_CONTACT_FIELDS))
        if unknown:
            raise InputFormatError(f"contact field {unknown[0]!r} is unknown; expected one of "
                                   + ", ".join(self.EDITABLE_CONTACT_FIELDS))
        old = self.contact(contact_id)
        cid = int(old["id"])
        merged = {k: fields.get(k, old[k]) for k in self.EDITABLE_CONTACT_FIELDS}
        how = merged.pop("how_known")
        how = None if how is None or not str(how).strip() else str(how).strip()
        if how is not None and how not in HOW_KNOWN and how != old["how_known"]:
            raise InputFormatError(f"how_known = {how!r}: expected one of {', '.join(HOW_KNOWN)}")
        clean = clean_contact_fields(**merged)
        clean["how_known"] = how
        changed = [k for k in self.EDITABLE_CONTACT_FIELDS if clean[k] != old[k]]
        if not changed:
            return []
        other = self.same_person(clean["first_name"], clean["last_name"], email=clean["email"],
                                 company=clean["company"], profile_url=clean["profile_url"], exclude=cid)
        key = person_keys(pd.DataFrame([clean]))[0]
        holder = self._conn.execute("SELECT id FROM contacts WHERE person_key = ? AND id != ?", (key, cid)).fetchone()
        if other is not None or holder is not None:
            oid, why = other if other is not None else (int(holder[0]), "same details")
            raise InputFormatError(f"contact {cid}: {why} as contact {oid} ({self._name_of(oid)}); "
                                   "nothing saved: edit that contact instead, or change the details")
        stamp = utc_iso(at)
        with self.transaction() as c:
            c.execute(f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in changed)}, person_key = ? WHERE id = ?",
                      (*[clean[k] for k in changed], key, cid))
            self._event("contact_edited", stamp, cid, fields=changed)
            self._flag_recruiters(c, [cid])
            if "company" in changed:
                self._sync_employers(c, [clean["company"]])
        return changed

    def _name_of(self, contact_id: int) -> str:
        """The contact's "First Last" (or "contact N" when they have no name)."""
        row = self._conn.execute("SELECT trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) "
                                 "FROM contacts WHERE id = ?", (int(contact_id),)).fetchone()
        return str(row[0]) if row and row[0] else f"contact {contact_id}"

    def contacts(self, *, involved_only: bool = False) -> pd.DataFrame:
        """Return every contact, one row each (with ``involved_only``: only people with a message,
        a meeting, a follow-up or a referral, which is all that follow-ups concern; much faster on a
        workbook of tens of thousands of connections).

        Columns: id, first_name, last_name, email, company, position, profile_url,
        connected_on (datetime64), how_known, where_found, notes, referred_by (Int64),
        is_recruiter (bool), pinned (bool), excluded (bool), stage (furthest funnel stage reached,
        or NA), sources (comma-separated), checkin_days (Int64: days between check-ins with this
        person, NA for the default), created_at (UTC datetime64).
        """
        case = " ".join(f"WHEN '{k}' THEN {STAGES.index(s)}" for k, s in STAGE_OF_EVENT.items())
        kinds = ", ".join(f"'{k}'" for k in STAGE_OF_EVENT)
        df = self._df(f"""
            WITH st AS (SELECT contact_id, max(stage) AS stage FROM (
                            SELECT contact_id, CASE kind {case} END AS stage FROM events
                            WHERE kind IN ({kinds}) AND contact_id IS NOT NULL
                            -- answer evidence beyond the log (followups.answer_evidence): an introduction,
                            -- a thank-you follow-up marked done
                            UNION ALL SELECT referred_by, {STAGES.index("replied")} FROM contacts
                            WHERE referred_by IS NOT NULL
                            UNION ALL SELECT contact_id, {STAGES.index("thanked")} FROM followups
                            WHERE kind = 'thank_you' AND done_at IS NOT NULL AND skipped = 0)
                        GROUP BY contact_id),
                 so AS (SELECT contact_id, group_concat(DISTINCT source) AS sources FROM contact_sources
                        GROUP BY contact_id)
            SELECT c.id, c.first_name, c.last_name, c.email, c.company, c.position, c.profile_url,
                   c.connected_on, c.how_known, c.where_found, c.notes, c.referred_by,
                   c.is_recruiter, c.pinned, c.excluded, st.stage, so.sources, c.checkin_days, c.created_at
            FROM contacts c LEFT JOIN st ON st.contact_id = c.id LEFT JOIN so ON so.contact_id = c.id
            {_INVOLVED if involved_only else ""}
            ORDER BY c.id""")
        text = ["first_name", "last_name", "email", "company", "position", "profile_url",
                "how_known", "where_found", "notes", "sources"]
        df[text] = df[text].astype("string")
        df["connected_on"] = pd.to_datetime(df["connected_on"], format="%Y-%m-%d").astype("datetime64[ns]")
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
        df[["referred_by", "checkin_days"]] = df[["referred_by", "checkin_days"]].astype("Int64")
        for col in ("is_recruiter", "pinned", "excluded"):
            df[col] = df[col].astype(bool)
        df["stage"] = df["stage"].map(dict(enumerate(STAGES))).astype("string")
        return df

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

    def directory(self) -> pd.DataFrame:
        """Return every contact in the few columns a person picker searches and ranks by: a lean
        read (no sources, no notes) that stays fast on tens of thousands of connections.

        Columns: id, name ("First Last"), company, position, email, stage (the furthest funnel stage
        reached, as its index in STAGES, as :meth:`contacts` counts it; -1 for none), pinned (bool),
        excluded (bool), open_followups (stored follow-ups not done), last_event (UTC ISO text of
        their newest funnel event, or None), first_name, last_name, referred_by (Int64), how_known,
        is_recruiter (bool): what ranking people needs (:func:`infoview_kit.find.targets.rank_people`).

        Every picker re-reads it after every write, so it is kept up to date instead of read anew:
        the contacts and follow-ups tables count their changes (triggers of schema v4), and the
        append-only log says whose funnel moved since the last read. Only a change to the contacts
        themselves reads every row again.
        """
        c = self._conn
        *counters, last = self.changes()
        key = tuple(counters)
        cached = self.__dict__.get("_directory_cache")
        if cached is not None and cached[0] == (key, last):
            return cached[1].copy()
        edited: list[int] = []
        if cached is not None and None not in key and cached[0][0][0] != key[0]:
            oldest = c.execute("SELECT min(seq) FROM contact_changes").fetchone()[0] or 0
            if cached[0][0][0] + 1 >= oldest:  # the log still reaches back to the last read
                edited = [r[0] for r in c.execute("SELECT DISTINCT contact_id FROM contact_changes WHERE seq > ?",
                                                  (cached[0][0][0],))]
        if cached is None or None in key or (cached[0][0][0] != key[0] and not edited):
            df = self._directory_people(None)
            touched: list[int] | None = None
            open_changed = True
        else:
            df = cached[1].drop(columns=["stage", "last_event", "open_followups"])
            if edited:  # those contacts read again (added, changed or gone), the others kept
                again = self._directory_people(edited)  # empty when they were all forgotten
                kept_rows = df[~df["id"].isin(edited)]
                df = (pd.concat([kept_rows, again]) if len(again) else kept_rows).sort_values("id")
                df = df.reset_index(drop=True)
            touched = [r[0] for r in c.execute("SELECT DISTINCT contact_id FROM events WHERE id > ? "
                                               "AND contact_id IS NOT NULL", (cached[0][1],))]
            if edited:  # an introduction moves the introducer's stage too
                touched += edited + [r[0] for r in c.execute(
                    f"SELECT referred_by FROM contacts WHERE referred_by IS NOT NULL AND id IN "
                    f"({', '.join(str(int(i)) for i in edited)})")]
                touched = sorted(set(touched))
            open_changed = cached[0][0][1] != key[1] or bool(edited)
        activity = self._directory_activity(touched)
        if touched is not None:  # the others keep what they had
            old = cached[1].set_index("id")[["stage", "last_event"]]  # type: ignore[index]
            old = old.drop(index=[i for i in touched if i in old.index])
            activity = pd.concat([old.reset_index().rename(columns={"id": "contact_id"}), activity])
        if open_changed or cached is None:
            opened = self._df("SELECT contact_id, count(*) AS open_followups FROM followups WHERE done_at IS NULL "
                              "GROUP BY contact_id")
        else:
            opened = cached[1][["id", "open_followups"]].rename(columns={"id": "contact_id"})
        by_id = df.set_index("id")
        df = df.assign(stage=activity.set_index("contact_id")["stage"].reindex(by_id.index).fillna(-1)
                       .astype("int64").to_numpy(),
                       open_followups=opened.set_index("contact_id")["open_followups"].reindex(by_id.index)
                       .fillna(0).astype("int64").to_numpy(),
                       last_event=activity.set_index("contact_id")["last_event"].reindex(by_id.index)
                       .astype(object).to_numpy())
        df = df[["id", "name", "company", "position", "email", "stage", "pinned", "excluded", "open_followups",
                 "last_event", "first_name", "last_name", "referred_by", "how_known", "is_recruiter"]]
        df["last_event"] = df["last_event"].where(df["last_event"].notna(), None)
        self.__dict__["_directory_cache"] = ((key, last), df)
        return df.copy()

    def _directory_people(self, ids: list[int] | None) -> pd.DataFrame:
        """The contacts' own columns of :meth:`directory`, for every contact or only `ids`."""
        only = "" if ids is None else f"WHERE id IN ({', '.join(str(int(i)) for i in ids)})"
        df = self._df(f"""
            SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS name,
                   company, position, email, pinned, excluded, first_name, last_name, referred_by, how_known,
                   is_recruiter FROM contacts {only} ORDER BY id""")
        for col in ("pinned", "excluded", "is_recruiter"):
            df[col] = df[col].astype(bool)
        df["referred_by"] = df["referred_by"].astype("Int64")
        text = ["name", "company", "position", "email", "first_name", "last_name", "how_known"]
        df[text] = df[text].astype(object)  # the same dtypes (and None for missing) whichever rows are read
        df[text] = df[text].where(df[text].notna(), None)
        return df

    def _directory_activity(self, ids: list[int] | None) -> pd.DataFrame:
        """contact_id, stage (index in STAGES), last_event, for every contact or only `ids`."""
        if ids is not None and not ids:
            return pd.DataFrame({"contact_id": pd.Series([], dtype="int64"), "stage": pd.Series([], dtype="int64"),
                                 "last_event": pd.Series([], dtype=object)})
        case = " ".join(f"WHEN '{k}' THEN {STAGES.index(s)}" for k, s in STAGE_OF_EVENT.items())
        kinds = ", ".join(f"'{k}'" for k in STAGE_OF_EVENT)
        only = "" if ids is None else f"AND contact_id IN ({', '.join(str(int(i)) for i in ids)})"
        only_ref = "" if ids is None else f"AND referred_by IN ({', '.join(str(int(i)) for i in ids)})"
        return self._df(f"""
            SELECT contact_id, max(stage) AS stage, max(at) AS last_event FROM (
                SELECT contact_id, CASE kind {case} END AS stage, at FROM events
                WHERE kind IN ({kinds}) AND contact_id IS NOT NULL {only}
                -- as contacts() counts it: an introduction, a thank-you follow-up marked done
                UNION ALL SELECT referred_by, {STAGES.index("replied")}, NULL FROM contacts
                WHERE referred_by IS NOT NULL {only_ref}
                UNION ALL SELECT contact_id, {STAGES.index("thanked")}, done_at FROM followups
                WHERE kind = 'thank_you' AND done_at IS NOT NULL AND skipped = 0 {only})
            GROUP BY contact_id""")

    def contact(self, contact_id: int) -> dict[str, Any]:
        """Return one contact as a dict (the columns of :meth:`contacts`).

        Raises
        ------
        NotFoundError
            If there is no such contact.
        """
        row = self._conn.execute("SELECT * FROM contacts WHERE id = ?", (int(contact_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no contact with id {contact_id} in {self.path}")
        cols = [d[0] for d in self._conn.execute("SELECT * FROM contacts LIMIT 0").description]
        return dict(zip(cols, row, strict=True))

    def find_contact(self, name: str) -> int:
        """Return the id of the one contact whose full name is `name` (case-insensitive).

        Raises
        ------
        NotFoundError
            If no contact, or more than one, has that name.
        """
        rows = self._conn.execute(
            "SELECT id FROM contacts WHERE lower(trim(coalesce(first_name, '') || ' ' || "
            "coalesce(last_name, ''))) = lower(trim(?))", (name,)).fetchall()
        if len(rows) != 1:
            what = "no contact" if not rows else f"{len(rows)} contacts"
            raise NotFoundError(f"{what} named {name!r} in {self.path}")
        return int(rows[0][0])

    def set_target(self, contact_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Choose a contact to reach out to (funnel stage 'identified'); True if newly chosen."""
        self.contact(contact_id)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM events WHERE kind = 'targeted' AND contact_id = ?",
                         (contact_id,)).fetchone():
                return False
            self._event("targeted", utc_iso(at), contact_id)
        return True

    # ---------------------------------------------------------------- research
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
            When: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``Mar 2021`` (see ``_checks.fact_date``).

        Recording the same fact again (same kind, title and organization) updates it.

        Raises
        ------
        InputFormatError
            For an unknown kind, an empty title, a relation other than by/about, or a date that
            is not one (e.g. "next spring"); nothing is written.
        """
        from infoview_kit.base.validate import fact_date

        self.contact(contact_id)
        if kind not in RESEARCH_KINDS:
            raise InputFormatError(f"research kind {kind!r}: expected one of {', '.join(RESEARCH_KINDS)}")
        title = (title or "").strip()
        if not title:
            raise InputFormatError("research title is empty: say what the fact is")
        if relation not in (None, "by", "about"):
            raise InputFormatError(f"relation {relation!r}: expected 'by' or 'about'")
        start, end = fact_date(start, "research date 'from'"), fact_date(end, "research date 'to'")
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
            rid = _rowid(cur)
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
        from infoview_kit.base.text import clean_text
        from infoview_kit.base.validate import fact_date

        unknown = sorted(set(fields) - set(self.EDITABLE_RESEARCH_FIELDS))
        if unknown:
            raise InputFormatError(f"research field {unknown[0]!r} is unknown; expected one of "
                                   + ", ".join(self.EDITABLE_RESEARCH_FIELDS))
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

    def common_ground(self, contact_id: int) -> pd.DataFrame:
        """Return what the user and a contact have in common, strongest first, with evidence;
        see :func:`infoview_kit.research.facts.common_ground` for the columns."""
        from infoview_kit.research.facts import common_ground

        contact = self.contact(contact_id)
        referrer = self.contact(contact["referred_by"]) if contact.get("referred_by") else None
        return common_ground(self.profile(), contact, self.research(contact_id), referrer=referrer)

    # ---------------------------------------------------------------- messages
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
            mid = _rowid(cur)
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

    def mark_sent(self, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Mark a draft as sent (by you, from your own mail client); True if it was a draft.

        Raises
        ------
        InputFormatError
            If the draft still has an unfilled blank such as ``[their_accomplishment]``.
        """
        msg = self.message(message_id)
        if msg["status"] != "draft":
            return False
        from infoview_kit.base.text import blanks_in

        blanks = blanks_in(msg["subject"] + "\n" + msg["body"])
        if blanks:
            raise InputFormatError(f"message {message_id} still has blanks to fill: {', '.join(blanks)}")
        if msg["kind"] == "nudge" and self._conn.execute(
                "SELECT 1 FROM messages n WHERE n.contact_id = ? AND n.kind = 'nudge' AND n.status != 'draft' "
                "AND n.sent_at > coalesce((SELECT max(o.sent_at) FROM messages o WHERE o.contact_id = n.contact_id "
                "AND o.kind = 'outreach' AND o.status != 'draft'), '')", (msg["contact_id"],)).fetchone():
            raise InputFormatError(f"message {message_id}: one nudge was sent already; never more than two "
                                   "attempts per person (the first email and one nudge). Try someone else there")
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
            if msg["kind"] == "outreach":
                self._schedule_no_reply_routine(cid, message_id, stamp)
            # sending a thank-you, nudge or update fulfils the follow-up that asked for it
            c.execute("UPDATE followups SET done_at = ?, message_id = coalesce(message_id, ?) "
                      "WHERE contact_id = ? AND kind = ? AND done_at IS NULL", (stamp, message_id, cid,
                                                                                 msg["kind"]))
        return True

    def _schedule_no_reply_routine(self, contact_id: int, message_id: int, sent_at: str) -> None:
        """Business days 3 and 7 after a first email (weekends and the user's public holidays
        skipped, in the user's time zone): see ``_bizdays.nudge_schedule``."""
        from infoview_kit.base.bizdays import nudge_schedule

        profile = self.profile()
        company = self.contact(contact_id).get("company") or "the same employer"
        reasons = {
            "second_contact": f"No reply after 3 business days: write to a second person at {company} "
                              "(not a nudge to the first).",
            "nudge": "No reply after 7 business days: send one short follow-up, the last attempt.",
        }
        sent = dt.datetime.fromisoformat(sent_at)
        for kind, due in nudge_schedule(sent, country=profile.get("country") or "US",
                                        tz=profile.get("timezone") or "UTC"):
            self._conn.execute(
                "INSERT INTO followups (contact_id, kind, due_at, reason, message_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(contact_id, kind, due_at) DO NOTHING",
                (contact_id, kind, utc_iso(due), reasons[kind], message_id))

    def mark_replied(self, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Record that the contact replied to a sent message; True if newly recorded."""
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
            # a reply makes the no-reply routine moot
            c.execute("UPDATE followups SET done_at = ? WHERE contact_id = ? AND done_at IS NULL "
                      "AND kind IN ('second_contact', 'nudge')", (stamp, msg["contact_id"]))
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

    # ---------------------------------------------------------------- meetings
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
        start = _aware(start, tzname)
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
            mid = _rowid(cur)
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
        starts = utc_iso(_aware(start, tzname))
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

    def log_meeting(self, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
                    actual_end: dt.datetime | str | None = None, notes: str | None = None,
                    advice: str | None = None, next_steps: str | None = None,
                    resources: str | None = None, answers: Mapping[str, str] | None = None) -> None:
        """Record what happened at a meeting; the first log with an end time marks it held.

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
        start = utc_iso(_aware(actual_start, m["timezone"])) if actual_start else m["actual_start"]
        end = utc_iso(_aware(actual_end, m["timezone"])) if actual_end else m["actual_end"]
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
                due = dt.datetime.fromisoformat(end) + dt.timedelta(hours=24)
                c.execute("INSERT INTO followups (contact_id, kind, due_at, reason, meeting_id) "
                          "VALUES (?, 'thank_you', ?, ?, ?) ON CONFLICT DO NOTHING",
                          (m["contact_id"], utc_iso(due),
                           "Thank-you note within 24 hours of the meeting.", meeting_id))

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

    # ---------------------------------------------------------------- follow-ups and events
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
        ``followups.DUE_HOUR``:00 local time on that day. Log ``followup_snoozed``; True if it changed.

        Raises
        ------
        NotFoundError
            If there is no such follow-up.
        InputFormatError
            If it is closed already (done or skipped), or `until` is not a date.
        """
        from infoview_kit.followup.kinds import DUE_HOUR

        row = self._followup_row(followup_id)
        if row[2] is not None:
            raise InputFormatError(f"follow-up {followup_id} is closed already; only an open one can be snoozed")
        day = _as_date(until, "until")
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

    # ---------------------------------------------------------------- your data: backups, export, forget
    #: How many backups to keep; set by ``Workbook.open(..., keep_backups=n)``, None means KEEP_BACKUPS.
    _keep_backups: int | None = None

    @property
    def backup_dir(self) -> Path:
        """The folder holding this workbook's backups: ``<stem>.backups/`` beside the file."""
        return backup_dir(self.path)

    def backup(self, reason: str = "manual", *, keep: int | None = None) -> Path:
        """Write a consistent copy of the workbook into its backups folder; return its path.

        The copy is taken with SQLite's online backup API, so it is consistent even while another
        program writes: ``<folder>/<stem>.backups/<stem>-<UTC time>-<reason>.sqlite`` (for example
        ``workbook.backups/workbook-20261125T201500.123456Z-manual.sqlite``), readable by its owner
        only (0600), a self-contained file (no ``-wal``) that any SQLite tool opens. Only the newest
        `keep` backups (default: the ``keep_backups`` the workbook was opened with, else
        :data:`KEEP_BACKUPS`) are kept. Backups are also written before a migration, an import
        and an undone merge.

        Parameters
        ----------
        reason
            A short label in the file name: lowercase letters, digits and dashes.
        keep
            How many backups to keep after this one, at least 1.

        Raises
        ------
        InputFormatError
            If `reason` or `keep` is not as described.
        WorkbookError
            If the workbook was opened read-only (nothing is written beside someone else's file)
            or the copy cannot be written; the workbook is unchanged either way.
        WorkbookBusyError
            If another program kept the workbook locked too long.
        """
        import re

        if not isinstance(reason, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", reason):
            raise InputFormatError(f"backup reason {reason!r}: expected lowercase letters, digits and dashes, "
                                   "such as 'before-import'")
        # keep_backups=0 (no automatic backups) still keeps the one asked for here
        count = _keep_count(keep) if keep is not None else max(_keep_count(self._keep_backups, least=0), 1)
        if self._conn.execute("PRAGMA query_only").fetchone()[0] or not self._file_backed():
            raise WorkbookError(f"{self.path} was opened read-only; back it up by opening it normally "
                                "(nothing is written beside a file opened read-only)", path=self.path)
        if self._conn.in_transaction:
            raise WorkbookError(f"{self.path}: cannot back up inside a transaction; back up before it",
                                path=self.path)
        folder = self.backup_dir
        stamp = dt.datetime.now(dt.UTC)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            while True:
                target = folder / f"{self.path.stem}-{stamp:%Y%m%dT%H%M%S.%f}Z-{reason}.sqlite"
                if not target.exists():
                    break
                stamp += dt.timedelta(microseconds=1)
            tmp = folder / f".{target.name}.{os.getpid()}.tmp"
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise WorkbookError(f"{folder}: cannot write a backup there ({exc}); the workbook is unchanged",
                                path=folder) from exc
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            self._conn.backup(copy, progress=_busy_guard(self.path))
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            copy.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException as exc:
            copy.close()
            tmp.unlink(missing_ok=True)
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise WorkbookError(f"{target}: the backup could not be written ({exc}); the workbook is "
                                    "unchanged", path=target) from exc
            raise
        log.info("backed up %s to %s", self.path, target)
        self._prune_backups(count)
        return target

    def backups(self) -> pd.DataFrame:
        """Return this workbook's backups, newest first.

        Columns: path (str), name, taken_at (UTC datetime64), reason, size (bytes).
        """
        rows = []
        for path, taken, reason in _list_backups(self.path):
            with contextlib.suppress(OSError):  # removed meanwhile
                rows.append({"path": str(path), "name": path.name, "taken_at": taken, "reason": reason,
                             "size": path.stat().st_size})
        df = pd.DataFrame(rows, columns=["path", "name", "taken_at", "reason", "size"])
        df["taken_at"] = pd.to_datetime(df["taken_at"], utc=True, format="ISO8601").astype("datetime64[ns, UTC]")
        df[["path", "name", "reason"]] = df[["path", "name", "reason"]].astype("string")
        df["size"] = df["size"].astype("int64")
        return df.iloc[::-1].reset_index(drop=True)

    @staticmethod
    def check_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
        """Check that a backup (or any workbook file) is whole and is a workbook this code can read.

        Reads the header (an infoview workbook, not newer than this code) and runs
        ``PRAGMA integrity_check``; the file is opened read-only and never changed.

        Returns
        -------
        dict
            path, schema_version, size (bytes), integrity ("ok") and tables (rows per table).

        Raises
        ------
        NotFoundError
            If there is no such file.
        WorkbookError
            If it is empty, not a workbook, newer than this code, or damaged (the message names the
            first problems found).
        """
        p = Path(path)
        if not p.is_file():
            raise NotFoundError(f"{p}: no such backup file", path=p)
        size = p.stat().st_size
        if size < 100:
            raise WorkbookError(f"{p} is empty or cut short ({size} bytes); it is not a usable backup", path=p)
        _check_header(p)
        try:
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise WorkbookError(f"{p}: cannot open the backup ({exc})", path=p) from exc
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                raise WorkbookError(f"{p} is damaged; SQLite's integrity check found: {'; '.join(problems[:3])}. "
                                    "Use another backup", path=p)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            tables = {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
        except sqlite3.DatabaseError as exc:
            raise WorkbookError(f"{p} is damaged or not a workbook ({exc}); use another backup", path=p) from exc
        finally:
            conn.close()
        if version < 1 or "contacts" not in tables:
            raise WorkbookError(f"{p} holds no workbook tables (schema {version}); it is not a backup of one",
                                path=p)
        return {"path": p, "schema_version": version, "size": size, "integrity": "ok", "tables": tables}

    def restore(self, backup: str | os.PathLike[str]) -> Path:
        """Replace the whole workbook with a backup; return the backup of what it held before.

        The backup is checked first (:meth:`check_backup`) and read into memory (upgraded there if
        it is of an older schema); then the current workbook is backed up (reason
        ``before-restore``), and the backup's pages are copied into the live file with SQLite's
        backup API in one write transaction: a crash leaves either the old workbook or the restored
        one, never a mix, and other programs with the file open see the restored one next time they
        read.

        Raises
        ------
        NotFoundError, WorkbookError
            If the backup is missing, damaged, not a workbook or newer than this code; the workbook
            is unchanged.
        InputFormatError
            If `backup` is the workbook itself.
        WorkbookBusyError
            If another program kept the workbook locked too long; the workbook is unchanged.
        """
        source = Path(backup)
        if self._conn.execute("PRAGMA query_only").fetchone()[0]:
            raise WorkbookError(f"{self.path} was opened read-only; nothing was changed", path=self.path)
        if source.exists() and source.resolve() == self.path.resolve():
            raise InputFormatError(f"{source} is the workbook itself; pass one of its backups "
                                   f"(in {self.backup_dir})", path=source)
        info = self.check_backup(source)
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            try:
                reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
                try:
                    reader.backup(memory, progress=_busy_guard(source))
                finally:
                    reader.close()
                if info["schema_version"] < SCHEMA_VERSION:
                    Workbook(memory, source)._migrate(info["schema_version"])
            except sqlite3.Error as exc:
                raise WorkbookError(f"{source}: cannot read the backup ({exc}); the workbook is unchanged",
                                    path=source) from exc
            before = self.backup("before-restore")
            try:
                memory.backup(self._conn, progress=_busy_guard(self.path))
            except sqlite3.Error as exc:
                raise WorkbookError(f"{self.path}: the restore failed ({exc}); the workbook is unchanged, "
                                    f"and was also saved as {before}", path=self.path) from exc
        finally:
            memory.close()
        log.info("restored %s from %s (previous contents saved as %s)", self.path, source, before)
        return before

    def all_tables(self) -> dict[str, pd.DataFrame]:
        """Return every table of the workbook as it is stored, read in one consistent snapshot.

        For a full export (:mod:`infoview_kit.reports.export`): the values are the stored ones (ISO text
        for times, JSON text for ``profile.value``, ``contact_sources.data``, ``merges.filled`` and
        ``events.detail``), in object columns with None for missing, so nothing is converted on the
        way out. Tables come in a fixed order (profile, employers, contacts, contact_sources,
        merges, research, messages, meetings, questions, followups, events, state, contact_changes), then any
        other table
        by name; rows in the order they were written.
        """
        order = ["profile", "employers", "contacts", "contact_sources", "merges", "research", "messages",
                 "meetings", "questions", "followups", "events", "state", "contact_changes"]
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

    def forget(self, contact_id: int, *, dry_run: bool = False, drop_backups: bool = False) -> ForgetSummary:
        """Remove a person and everything about them, in one transaction; with `dry_run`, only say
        what would go.

        Removed: the contact, their sources, research, messages, meetings (and question plans),
        follow-ups, and the merges that name them or their records; others they referred keep
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
        for path, _, _ in _list_backups(self.path):
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
        for table in ("merges", "questions", "followups", "messages", "meetings", "research", "contact_sources",
                      "contacts"):
            c.execute(f"DELETE FROM {table} WHERE {self._FORGET_MATCH[table]}", (cid,))
        if self.current()["contact_id"] is None:  # they were the person being worked on
            c.execute("DELETE FROM state WHERE key IN ('contact_id', 'meeting_id')")

    def _file_backed(self) -> bool:
        """True if the connection is on a file (not the in-memory copy of a read-only open)."""
        return any(row[1] == "main" and row[2] for row in self._conn.execute("PRAGMA database_list"))

    def _safety_backup(self, reason: str) -> Path | None:
        """Back up before a change that is hard to take back, if there is anything to lose: only a
        file on disk, outside a transaction, that holds at least one row."""
        if not self._file_backed() or self._conn.in_transaction or self._keep_backups == 0:
            return None
        if self._conn.execute("PRAGMA query_only").fetchone()[0]:
            return None
        names = [r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%' "
                                                  "AND name NOT IN ('state', 'contact_changes')")]
        if not any(self._conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{n}")').fetchone()[0] for n in names):
            return None
        return self.backup(reason)

    def _prune_backups(self, keep: int) -> None:
        """Delete all but the newest `keep` backups, and copies left half-written by a crash.

        The newest manual backup and the newest one taken before a migration are kept too,
        however many imports came after them: they are the ones a person looks for.
        """
        found = _list_backups(self.path)
        precious = {reason: path for path, _, reason in found  # oldest first: the newest of each wins
                    if reason == "manual" or reason.startswith("before-migration")}
        for path, _, _ in found[:max(len(found) - keep, 0)]:
            if path in precious.values():
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                log.info("removed old backup %s", path)
        cutoff = dt.datetime.now().timestamp() - 3600
        for tmp in self.backup_dir.glob(f".{self.path.stem}-*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()


@dataclass
class ForgetSummary:
    """What :meth:`Workbook.forget` removes (or, on a dry run, would remove)."""

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
                 "merges": "merge"}

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


def restore(backup: str | os.PathLike[str], workbook: str | os.PathLike[str] | None = None) -> Path:
    """Replace `workbook` (default: your own, see :meth:`Workbook.open`) with `backup`; return the
    backup of what it held before. See :meth:`Workbook.restore`."""
    with Workbook.open(workbook) as wb:
        return wb.restore(backup)


def backup_dir(workbook: str | os.PathLike[str]) -> Path:
    """Return the folder where a workbook's backups go: ``<stem>.backups/`` beside the file
    (``data/private/workbook.backups/``, git-ignored with the workbook)."""
    p = Path(workbook)
    return p.with_name(f"{p.stem}.backups")


def _list_backups(workbook: Path) -> list[tuple[Path, str, str]]:
    """Return (path, taken_at as ISO text, reason) of every backup of `workbook`, oldest first."""
    import re

    folder = backup_dir(workbook)
    pattern = re.compile(re.escape(workbook.stem) + r"-(\d{8})T(\d{6})\.(\d{6})Z-([a-z0-9-]+)\.sqlite")
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            m = pattern.fullmatch(path.name)
            if m:
                d, t, us, reason = m.groups()
                taken = f"{d[:4]}-{d[4:6]}-{d[6:]}T{t[:2]}:{t[2:4]}:{t[4:]}.{us}+00:00"
                found.append((path, taken, reason))
    return sorted(found, key=lambda f: f[0].name)


def _keep_count(value: int | None, least: int = 1) -> int:
    """Return how many backups to keep: `value`, or KEEP_BACKUPS when None."""
    if value is None:
        return KEEP_BACKUPS
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputFormatError(f"keep_backups = {value!r}: expected a whole number of at least {least}")
    return value


def _busy_guard(path: Path) -> Any:
    """A progress callback for ``Connection.backup`` that gives up when the database stays locked
    (the backup would otherwise retry for ever)."""

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise WorkbookBusyError(f"{path} is busy: another program kept it locked for more than "
                                    f"{BUSY_TIMEOUT_MS // 1000} s; try again", path=path)

    return progress


def _progress(rows: Iterable[Any], total: int, show: bool, desc: str) -> Iterable[Any]:
    """Wrap `rows` in a progress bar when asked and the work is large enough to wait for."""
    if not show or total < 5000:
        return rows
    from tqdm.auto import tqdm

    return tqdm(rows, total=total, desc=desc, unit="people")


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cur.lastrowid is not None, "only called after an INSERT"
    return int(cur.lastrowid)


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                statements.append(buf.strip())
            buf = ""
    return statements


#: What a redacted copy keeps of each table it knows: these columns stay as they are (ids, dates,
#: counts, kinds); the others listed in ``_redact_rows`` are rewritten. Any other column is cleared
#: and any other table emptied, so a column added later cannot leak into a shared report.
_REDACT_KEEP: dict[str, frozenset[str]] = {t: frozenset(c.split()) for t, c in {
    "profile": "key",
    "employers": "id motivation posting advocacy pinned excluded origin",
    "contacts": "id referred_by is_recruiter pinned excluded checkin_days created_at connected_on",
    "contact_sources": "contact_id line",
    "research": "id contact_id kind relation added_at",
    "messages": "id contact_id kind status meeting_id drafted_at sent_at replied_at",
    "meetings": "id contact_id uid sequence starts_at timezone duration_min status actual_start actual_end",
    "questions": "id meeting_id position minutes must_ask",
    "followups": "id contact_id due_at message_id meeting_id done_at snoozed_until skipped",
    "events": "id at kind contact_id ref_id",
    "merges": "id contact_id score at undone_at",
    "state": "key value",  # ids and change counters only
    "contact_changes": "seq contact_id",
}.items()}
_REDACT_REWRITE: dict[str, frozenset[str]] = {t: frozenset(c.split()) for t, c in {
    "profile": "value",
    "employers": "name name_key notes",
    "contacts": "person_key first_name last_name email company position profile_url how_known where_found notes",
    "contact_sources": "source source_key file data",
    "research": "title organization start end outlet url source_url notes",
    "messages": "template subject body",
    "meetings": "place notes advice next_steps resources",
    "questions": "theme text answer",
    "followups": "kind reason",
    "events": "detail",
    "merges": "source source_key matched_by filled",
    "state": "",
    "contact_changes": "",
}.items()}


def _redact_rows(c: sqlite3.Connection) -> None:
    """Rewrite every personal value of the workbook open on `c` (a copy) with placeholders;
    see :meth:`Workbook.redacted_copy`."""
    from infoview_kit.base.keys import company_key
    from infoview_kit.base.text import HOW_KNOWN
    from infoview_kit.interview.questions import load_bank
    from infoview_kit.outreach.templates import BUILTIN_KINDS as _BUILTIN_KINDS
    from infoview_kit.reports.redact import KEPT_PROFILE_FIELDS, MATCHED_BY, REASONS, SOURCES, Pseudonyms

    p = Pseudonyms()
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%'")]
    for table in tables:  # fail closed: what this code does not know about goes
        if table not in _REDACT_KEEP:
            log.info("redacted copy: table %s emptied (unknown to the redaction)", table)
            c.execute(f'DELETE FROM "{table}"')
            continue
        for _, col, _, notnull, _, pk in c.execute(f'PRAGMA table_info("{table}")').fetchall():
            if col not in _REDACT_KEEP[table] | _REDACT_REWRITE[table]:
                log.info("redacted copy: column %s.%s cleared (unknown to the redaction)", table, col)
                setter = "'[redacted ' || rowid || ']'" if notnull or pk else "NULL"
                c.execute(f'UPDATE "{table}" SET "{col}" = {setter} WHERE "{col}" IS NOT NULL')

    numbers: dict[int, int] = {}
    rows = c.execute("SELECT id, first_name, last_name, email, company, position, how_known, where_found, "
                     "notes, is_recruiter FROM contacts ORDER BY id").fetchall()
    for cid, first, last, email, company, position, how, where, notes, recruiter in rows:
        n = numbers[cid] = p.person_number(first, last)
        c.execute("UPDATE contacts SET person_key = ?, first_name = 'Person', last_name = ?, email = ?, company = ?, "
                  "position = ?, profile_url = NULL, how_known = ?, where_found = ?, notes = ? WHERE id = ?",
                  (f"redacted:{cid}", str(n), p.email(email, n), p.org(company),
                   "Recruiter" if recruiter and position else p.tag(position, "Role"),
                   how if how in HOW_KNOWN else None, p.text(where, "place"), p.text(notes), cid))

    keys: dict[tuple[str, str], tuple[str, str]] = {}
    for rowid, cid, source, key, data in c.execute("SELECT rowid, contact_id, source, source_key, data "
                                                   "FROM contact_sources ORDER BY rowid").fetchall():
        new = (source if source in SOURCES else "manual", f"redacted:{cid}:{rowid}")
        keys[(source, key)] = new
        record = json.loads(data) if data else None
        if isinstance(record, dict):
            n = p.person_number(record.get("first_name"), record.get("last_name"))
            record = {"first_name": "Person", "last_name": str(n), "email": p.email(record.get("email"), n),
                      "company": p.org(record.get("company")), "position": p.tag(record.get("position"), "Role"),
                      "profile_url": None, "connected_on": p.date(record.get("connected_on"))}
        c.execute("UPDATE contact_sources SET source = ?, source_key = ?, file = CASE WHEN file IS NULL THEN NULL "
                  "ELSE 'contacts file' END, data = ? WHERE rowid = ?",
                  (*new, json.dumps(record) if data else None, rowid))
    for mid, source, key, matched_by, filled in c.execute(
            "SELECT id, source, source_key, matched_by, filled FROM merges").fetchall():
        moved = keys.get((source, key), ("manual", f"redacted:merge:{mid}"))
        fields = json.loads(filled) if filled else None
        c.execute("UPDATE merges SET source = ?, source_key = ?, matched_by = ?, filled = ? WHERE id = ?",
                  (*moved, matched_by if matched_by in MATCHED_BY else "[redacted]",
                   json.dumps({str(k): "[redacted]" for k in fields}) if isinstance(fields, dict) else None, mid))

    for eid, name, notes in c.execute("SELECT id, name, notes FROM employers ORDER BY id").fetchall():
        new_name = p.org(name) or f"Company #{eid}"
        c.execute("UPDATE employers SET name = ?, name_key = ?, notes = ? WHERE id = ?",
                  (new_name, company_key(new_name) or new_name.casefold(), p.text(notes), eid))

    profile = dict(c.execute("SELECT key, value FROM profile").fetchall())
    fills: dict[str, Any] = {"name": "Job Seeker", "email": "me@example.invalid", "signature": "Job Seeker"}
    tags = {"city": "City", "region": "Region", "interests": "Interest", "groups": "Group",
            "target_industry": "Industry", "target_roles": "Role"}
    for key, raw in profile.items():
        value: Any = json.loads(raw)
        if key in KEPT_PROFILE_FIELDS and (key != "status" or value in PROFILE_STATUSES):
            continue
        if value in (None, "", []):
            continue
        if key not in PROFILE_FIELDS:
            c.execute("DELETE FROM profile WHERE key = ?", (key,))
            continue
        if key in fills:
            value = fills[key]
        elif key in ("schools", "employers", "current_employer"):
            label = "School" if key == "schools" else "Company"
            value = [p.org(v, label) for v in value] if isinstance(value, list) else p.org(str(value), label)
        elif key in tags:
            value = ([p.tag(str(v), tags[key]) for v in value] if isinstance(value, list)
                     else p.tag(str(value), tags[key]))
        else:
            value = [p.text(str(v), key) for v in value] if isinstance(value, list) else p.text(str(value), key)
        c.execute("UPDATE profile SET value = ? WHERE key = ?", (json.dumps(value), key))

    research = c.execute("SELECT id, kind, title, organization, start, end, outlet, url, source_url, notes "
                         "FROM research").fetchall()
    for rid, kind, title, org, start, end, outlet, url, source_url, notes in research:
        new_title = p.tag(title, "Interest") if kind == "interest" else f"[redacted {kind} {rid}]"
        c.execute("UPDATE research SET title = ?, organization = ?, start = ?, end = ?, outlet = ?, url = ?, "
                  "source_url = ?, notes = ? WHERE id = ?",
                  (new_title, p.org(org, "School" if kind == "education" else "Company"), p.date(start), p.date(end),
                   p.text(outlet, "outlet"), url and "https://example.invalid/redacted",
                   source_url and "https://example.invalid/redacted", p.text(notes), rid))

    c.execute("UPDATE messages SET subject = '[redacted subject]', body = '[redacted message]', "
              f"template = CASE WHEN template IN ({', '.join('?' * len(_BUILTIN_KINDS))}) THEN template "
              "WHEN template IS NULL THEN NULL ELSE 'seed' END", list(_BUILTIN_KINDS))
    for col in ("place", "notes", "advice", "next_steps", "resources"):
        c.execute(f"UPDATE meetings SET {col} = '[redacted {col.replace('_', ' ')}]' "
                  f"WHERE {col} IS NOT NULL AND {col} != ''")
    themes = set(load_bank().themes)
    for qid, theme, text, answer in c.execute("SELECT id, theme, text, answer FROM questions").fetchall():
        c.execute("UPDATE questions SET theme = ?, text = ?, answer = ? WHERE id = ?",
                  (theme if theme in themes else None, p.question(text, qid), p.text(answer, "answer"), qid))
    kinds = {*REASONS, *MESSAGE_KINDS, "second_contact"}
    for fid, kind in c.execute("SELECT id, kind FROM followups").fetchall():
        safe = kind if kind in kinds else f"other-{fid}"
        c.execute("UPDATE followups SET kind = ?, reason = ? WHERE id = ?",
                  (safe, REASONS.get(safe, "[redacted reason]"), fid))
    details = c.execute("SELECT id, detail FROM events WHERE detail IS NOT NULL").fetchall()
    c.executemany("UPDATE events SET detail = ? WHERE id = ?", [(p.detail(d), eid) for eid, d in details])
