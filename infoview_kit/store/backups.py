"""Backups of a workbook: taken with SQLite's online backup API, listed, checked, pruned and restored."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError, WorkbookBusyError, WorkbookError
from infoview_kit.store import schema
from infoview_kit.store.core import StoreCore, check_header

log = logging.getLogger("infoview_kit")


class Backups(StoreCore):
    """Backups of the open workbook, and restoring one (a mixin of :class:`~infoview_kit.store.store.Store`)."""

    #: How many backups to keep; set by ``Store.open(..., keep_backups=n)``, None means KEEP_BACKUPS.
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
        if not isinstance(reason, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", reason):
            raise InputFormatError(f"backup reason {reason!r}: expected lowercase letters, digits and dashes, "
                                   "such as 'before-import'")
        # keep_backups=0 (no automatic backups) still keeps the one asked for here
        count = keep_count(keep) if keep is not None else max(keep_count(self._keep_backups, least=0), 1)
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

    def copy_into(self, target: sqlite3.Connection) -> None:
        """Copy the whole workbook, page by page, into the database open on `target` (SQLite's online
        backup API: consistent even while another program writes). For a copy that is then changed
        (:func:`infoview_kit.reports.redact.redacted_copy`); a backup is :meth:`backup`."""
        self._conn.backup(target)

    def backups(self) -> pd.DataFrame:
        """Return this workbook's backups, newest first.

        Columns: path (str), name, taken_at (UTC datetime64), reason, size (bytes).
        """
        rows = []
        for path, taken, reason in list_backups(self.path):
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
        check_header(p)
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
                if info["schema_version"] < schema.SCHEMA_VERSION:
                    StoreCore(memory, source)._migrate(info["schema_version"])
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

    def safety_backup(self, reason: str) -> Path | None:
        """Back up before a change that is hard to take back (an import, a migration, an undone merge)
        if there is anything to lose: only a file on disk, outside a transaction, that holds at least
        one row, and only when automatic backups are on. Return the backup's path, or None."""
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
        found = list_backups(self.path)
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


def backup_dir(workbook: str | os.PathLike[str]) -> Path:
    """Return the folder where a workbook's backups go: ``<stem>.backups/`` beside the file
    (``data/private/workbook.backups/``, git-ignored with the workbook)."""
    p = Path(workbook)
    return p.with_name(f"{p.stem}.backups")


def list_backups(workbook: Path) -> list[tuple[Path, str, str]]:
    """Return (path, taken_at as ISO text, reason) of every backup of `workbook`, oldest first."""
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


def keep_count(value: int | None, least: int = 1) -> int:
    """Return how many backups to keep: `value`, or KEEP_BACKUPS when None."""
    if value is None:
        return schema.KEEP_BACKUPS
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputFormatError(f"keep_backups = {value!r}: expected a whole number of at least {least}")
    return value


def _busy_guard(path: Path) -> Any:
    """A progress callback for ``Connection.backup`` that gives up when the database stays locked
    (the backup would otherwise retry for ever)."""

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise WorkbookBusyError(f"{path} is busy: another program kept it locked for more than "
                                    f"{schema.BUSY_TIMEOUT_MS // 1000} s; try again", path=path)

    return progress

