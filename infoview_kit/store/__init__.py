"""The workbook store: one SQLite file per person, the only package that speaks SQL to it.

It records and decides nothing: the steps' rules live in the step packages. Its modules: ``schema``
(migrations, vocabularies), ``core`` (connection, transactions, change notices, activity log),
one mixin per table group (``people``, ``employers``, ``merges``, ``research``, ``messages``, ``synced``,
``meetings``, ``followups``), ``backups``, ``forget``, and ``store`` (the assembled :class:`Store`).
"""

from __future__ import annotations

from infoview_kit.store.backups import backup_dir
from infoview_kit.store.forget import ForgetSummary
from infoview_kit.store.schema import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    CONTACT_CHANGES_KEPT,
    DONE_RECORDS,
    DUE_HOUR,
    IMPORT_FIELDS,
    KEEP_BACKUPS,
    MESSAGE_KINDS,
    PROFILE_FIELDS,
    PROFILE_STATUSES,
    RESEARCH_KINDS,
    SCHEMA_VERSION,
    STAGE_OF_EVENT,
    STAGES,
    clean_profile_value,
    utc_iso,
)
from infoview_kit.store.store import Store, restore

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "CONTACT_CHANGES_KEPT",
    "DONE_RECORDS",
    "DUE_HOUR",
    "IMPORT_FIELDS",
    "KEEP_BACKUPS",
    "MESSAGE_KINDS",
    "PROFILE_FIELDS",
    "PROFILE_STATUSES",
    "RESEARCH_KINDS",
    "SCHEMA_VERSION",
    "STAGES",
    "STAGE_OF_EVENT",
    "ForgetSummary",
    "Store",
    "backup_dir",
    "clean_profile_value",
    "restore",
    "utc_iso",
]
