"""The Store: every table group's reads and writes on one workbook file, and how a file is opened as one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Self

from infoview_kit.base.errors import NotFoundError, WorkbookError
from infoview_kit.base.paths import resolve_workbook
from infoview_kit.store import schema
from infoview_kit.store.backups import keep_count
from infoview_kit.store.core import check_header, closed_on_error
from infoview_kit.store.employers import Employers
from infoview_kit.store.followups import Followups
from infoview_kit.store.forget import Forget
from infoview_kit.store.meetings import Meetings
from infoview_kit.store.merges import Merges
from infoview_kit.store.messages import Messages
from infoview_kit.store.research import Research
from infoview_kit.store.synced import Synced


class Store(Forget, Followups, Meetings, Synced, Messages, Research, Merges, Employers):
    """A person's workbook as data: one SQLite file holding everything they enter or import.

    Open it with :meth:`Store.open`. Reads return pandas DataFrames; every change that touches
    more than one row runs in one transaction, and repeating an operation adds nothing. It
    records and decides nothing: the steps' rules (the blank check, the two-attempt rule, the
    no-reply routine, recruiter flags, import matching) live in the step packages, and
    :class:`infoview_kit.workbook.Workbook` adds them as everyday verbs.
    """

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True,
             read_only: bool = False, keep_backups: int | None = None) -> Self:
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
        keep = keep_count(keep_backups, least=0)
        p = resolve_workbook(path)
        if p.is_dir():
            raise WorkbookError(f"{p} is a folder; pass the path of a workbook file", path=p)
        if read_only:
            return cls._open_read_only(p)
        if p.exists():
            check_header(p)
        elif not create:
            raise NotFoundError(f"{p}: no such workbook", path=p)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            # created readable by its owner only: it holds other people's personal data
            os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            conn = sqlite3.connect(p, timeout=schema.BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkbookError(f"{p}: cannot open the workbook ({exc})", path=p) from exc
        with closed_on_error(conn, p):
            wb = cls(conn, p)
            wb._keep_backups = keep
            wb._prepare()
        return wb

    @classmethod
    def _open_read_only(cls, p: Path) -> Self:
        if not p.exists():
            raise NotFoundError(f"{p}: no such workbook", path=p)
        check_header(p)
        # A file no program has open (no -wal beside it: a copy handed to a coach) is opened as
        # immutable, so nothing is created beside it and a read-only folder works; a live one
        # (a notebook has it open) is read through its write-ahead log.
        idle = not Path(f"{p}-wal").exists()
        try:
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro{'&immutable=1' if idle else ''}", uri=True,
                                   isolation_level=None,
                                   timeout=schema.BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkbookError(f"{p}: cannot open the workbook ({exc})", path=p) from exc
        with closed_on_error(conn, p):
            conn.execute(f"PRAGMA busy_timeout = {schema.BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != schema.APPLICATION_ID:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables or version:
                    raise WorkbookError(f"{p} is an SQLite database but not an infoview workbook", path=p)
            if version < schema.SCHEMA_VERSION:  # upgrade a copy in memory; the file stays as it was
                memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                with closed_on_error(memory, p):
                    conn.backup(memory)
        if version < schema.SCHEMA_VERSION:
            conn.close()
            conn = memory
            with closed_on_error(conn, p):
                cls(conn, p)._migrate(version)
        conn.execute("PRAGMA query_only = ON")
        return cls(conn, p)

    def _prepare(self) -> None:
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {schema.BUSY_TIMEOUT_MS}")
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
        elif app_id != schema.APPLICATION_ID or version > schema.SCHEMA_VERSION:
            check_header(self.path)  # raises with the precise reason
        if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            c.execute("PRAGMA journal_mode = WAL")  # readers and one writer at once
        if version < schema.SCHEMA_VERSION:
            if version > 0:  # an existing workbook (not a new one): keep it as it was
                self.safety_backup(f"before-migration-v{version}-to-v{schema.SCHEMA_VERSION}")
            self._migrate(version)


def restore(backup: str | os.PathLike[str], workbook: str | os.PathLike[str] | None = None) -> Path:
    """Replace `workbook` (default: your own, see :meth:`Store.open`) with `backup`; return the
    backup of what it held before. See :meth:`Store.restore`."""
    with Store.open(workbook) as wb:
        return wb.restore(backup)

