"""The workbook's schema: the SQL of every migration, the vocabularies its columns use, and how values are kept."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from typing import Any

from infoview_kit.base.errors import InputFormatError

#: ``PRAGMA application_id`` of every workbook ("IVWB"): tells a workbook from any other SQLite file.
APPLICATION_ID = 0x49565742
#: The newest schema this code understands (``PRAGMA user_version``).
SCHEMA_VERSION = 5
BUSY_TIMEOUT_MS = 5000
#: How many changes to contacts the change log keeps after an import (older ones: views read everyone anew).
CONTACT_CHANGES_KEPT = 1000
#: How many backups of a workbook are kept (the newest); ``Workbook.open(..., keep_backups=n)`` overrides it.
KEEP_BACKUPS = 10

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
_MIGRATIONS.append("""
    -- v5: what a sync of the mailbox or LinkedIn archive applied (infoview_kit.sync): each change with the
    -- source message it came from (so a second sync proposes nothing new, and a sync can be undone),
    -- the addresses mail bounced from, and where an IMAP account was read up to
    CREATE TABLE sync_runs (
        id          INTEGER PRIMARY KEY,
        applied_at  TEXT NOT NULL,
        sources     TEXT,                        -- JSON: what was read (paths, account names; no password)
        undone_at   TEXT
    );
    CREATE TABLE synced (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        source_id   TEXT NOT NULL,               -- the source message's Message-ID (LinkedIn: linkedin:...)
        channel     TEXT NOT NULL CHECK (channel IN ('mail', 'linkedin')),
        action      TEXT NOT NULL CHECK (action IN ('sent', 'replied', 'auto_reply', 'bounced', 'interaction')),
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        at          TEXT NOT NULL,               -- ISO, UTC: when the source message was dated
        incoming    INTEGER NOT NULL DEFAULT 0,  -- from them (1) or from you (0)
        skipped     INTEGER NOT NULL DEFAULT 0,  -- reviewed and skipped: not applied, not proposed again
        evidence    TEXT NOT NULL,
        undo        TEXT,                        -- JSON: what the change replaced, to put it back
        undone_at   TEXT
    );
    CREATE UNIQUE INDEX synced_once ON synced(source_id, contact_id) WHERE undone_at IS NULL;
    CREATE INDEX synced_contact ON synced(contact_id);
    CREATE TABLE bounced_addresses (
        address     TEXT PRIMARY KEY,            -- lower-cased
        contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        at          TEXT NOT NULL,
        synced_id   INTEGER REFERENCES synced(id) ON DELETE CASCADE
    );
    CREATE TABLE sync_state (
        account     TEXT NOT NULL,               -- user@host of an IMAP account
        folder      TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        last_uid    INTEGER NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (account, folder)
    );
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
#: The fields an imported record fills in a contact (the columns of ``find.contacts.read_contacts`` that are stored).
IMPORT_FIELDS = ["first_name", "last_name", "email", "company", "position", "profile_url", "connected_on"]

#: Local hour at which a follow-up falls due on its day (a snoozed one, and every derived one).
DUE_HOUR = 9


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


def known_fields(table: str, fields: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse a field name that is not one of `allowed`, naming it and the fields expected: the one rule of
    every edit (profile, contact, research item)."""
    allowed = list(allowed)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InputFormatError(f"{table} field {unknown[0]!r} is unknown; expected one of " + ", ".join(allowed))


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
    known_fields("profile", [key], PROFILE_FIELDS)
    kind = PROFILE_FIELDS[key]
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
        from infoview_kit.base.validate import time_zone

        time_zone(value, "profile field 'timezone'")
    if value and key == "country":
        from infoview_kit.base.bizdays import _parse_country

        _parse_country(value)
    return value


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                statements.append(buf.strip())
            buf = ""
    return statements


