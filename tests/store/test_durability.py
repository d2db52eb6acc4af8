"""Durability: SIGKILL at many points of an import, a migration and a restore leaves a valid workbook
with all or none of the change; two writers at once both succeed, or one is told clearly it was busy."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from infoview_kit.base.errors import WorkbookBusyError
from infoview_kit.cli import main
from infoview_kit.store import schema
from infoview_kit.workbook import Workbook

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")]

KILLS = 15  # kill points per operation
BUSY = 3  # exit status of a child that got WorkbookBusyError


def _linkedin(path: Path, rows: int, prefix: str = "P") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write("Notes:\n\"Invented rows for a crash test.\"\n\n")
        w = csv.writer(fh)
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i in range(rows):
            w.writerow([f"{prefix}First{i}", f"Last{i}", f"https://www.linkedin.com/in/{prefix.lower()}{i}", "",
                        f"Company {i % 997}", "Data Analyst" if i % 7 else "Technical Recruiter", "05 Mar 2024"])
    return path


def _child(work: Callable[[], object]) -> int:
    """Run `work` in a forked child (the parent's imports are already loaded, so it starts at once);
    return its pid. Exit status 0 done, BUSY for WorkbookBusyError, 1 for anything else."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            work()
            code = 0
        except WorkbookBusyError:
            code = BUSY
        finally:
            os._exit(code)
    return pid


def _run(work: Callable[[], object], kill_after: float | None = None) -> tuple[float, bool, int]:
    """Run `work` in a child, killed with SIGKILL after `kill_after` seconds (None: let it finish).
    Return (seconds, killed before it finished, exit status)."""
    start = time.perf_counter()
    pid = _child(work)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status)
    return time.perf_counter() - start, killed, (os.WEXITSTATUS(status) if not killed else -1)


def _state(path: Path) -> tuple[int, dict[str, int]]:
    """Check the file as any SQLite program would find it; return (schema version, rows per table)."""
    con = sqlite3.connect(path)  # recovers the write-ahead log, as the next opener would
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = con.execute("PRAGMA user_version").fetchone()[0]
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return version, {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def _check_backups(path: Path) -> None:
    with Workbook.open(path) as wb:  # it opens, and every backup listed is whole
        for b in wb.backups()["path"]:
            Workbook.check_backup(b)


def _reference_run(work: Callable[[Path], Callable[[], object]], base: Path, folder: Path) -> tuple[float, Path]:
    """Run the work to its end twice on fresh copies; return the shorter time (a run slowed by the other
    test worker would put the kill points after the end) and the path of the last copy."""
    times = []
    for i in range(2):
        path = _fresh(base, folder / f"full{i}")
        seconds, killed, code = _run(work(path))
        assert (killed, code) == (False, 0)
        times.append(seconds)
    return min(times), path


def _kill_points(seconds: float, seed: int) -> list[float]:
    """Moments to kill at: half spread over the whole run, half over its last 30 %, where the
    transaction writes and commits."""
    rng = random.Random(seed)
    return sorted(rng.uniform(0.0 if i % 2 else 0.7 * seconds, seconds) for i in range(KILLS))


def _fresh(base: Path, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    shutil.copy(base, folder / "workbook.sqlite")
    return folder / "workbook.sqlite"


def _checkpointed_copy(source: Path, target: Path) -> Path:
    con = sqlite3.connect(source)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(source, target)
    return target


def test_sigkill_at_many_points_of_an_import_leaves_all_or_nothing(demo_path, tmp_path):
    big = _linkedin(tmp_path / "Connections.csv", 12_000)
    base = _checkpointed_copy(demo_path, tmp_path / "base.sqlite")
    before = _state(base)

    def work(path: Path) -> Callable[[], object]:
        return lambda: Workbook.open(path).import_contacts(big)

    path = _fresh(base, tmp_path / "full")
    seconds, killed, code = _run(work(path))
    assert (killed, code) == (False, 0)
    after = _state(path)
    assert after[1]["contacts"] == before[1]["contacts"] + 12_000
    outcomes = []
    for i, delay in enumerate(_kill_points(seconds, seed=1)):
        path = _fresh(base, tmp_path / f"k{i}")
        _, killed, code = _run(work(path), kill_after=delay)
        state = _state(path)
        assert state in (before, after), f"kill at {delay:.3f} s of {seconds:.3f} s left a partial import"
        outcomes.append((killed, state == after))
        _check_backups(path)
    assert sum(k for k, _ in outcomes) >= 3  # killed mid-way, not only after it finished
    assert any(not done for _, done in outcomes)


def test_sigkill_at_many_points_of_a_migration_leaves_the_old_or_the_new_schema(tmp_path, monkeypatch):
    old = tmp_path / "base.sqlite"
    with monkeypatch.context() as m:  # a version-2 workbook with 12,000 people
        m.setattr(schema, "SCHEMA_VERSION", 2)
        m.setattr(schema, "_MIGRATIONS", schema._MIGRATIONS[:2])
        with Workbook.open(old) as wb:
            wb.import_contacts(_linkedin(tmp_path / "Connections.csv", 12_000))
    _checkpointed_copy(old, tmp_path / "b.sqlite").replace(old)
    before = _state(old)
    # the real migrations from v3 on, then a heavy last one that rewrites every contact: all in one transaction
    monkeypatch.setattr(schema, "_MIGRATIONS", [*schema._MIGRATIONS, "UPDATE contacts SET notes = 'migrated';"])
    newest = len(schema._MIGRATIONS)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newest)

    def work(path: Path) -> Callable[[], object]:
        return lambda: Workbook.open(path).close()

    path = _fresh(old, tmp_path / "full")
    seconds, killed, code = _run(work(path))
    assert (killed, code, _state(path)[0]) == (False, 0, newest)
    outcomes = []
    for i, delay in enumerate(_kill_points(seconds, seed=2)):
        path = _fresh(old, tmp_path / f"k{i}")
        _, killed, _ = _run(work(path), kill_after=delay)
        version, counts = _state(path)
        con = sqlite3.connect(path)
        migrated = con.execute("SELECT count(*) FROM contacts WHERE notes = 'migrated'").fetchone()[0]
        trigger = con.execute("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").fetchone()[0]
        con.close()
        if version == 2:
            assert (counts, migrated, "anonymized" in trigger) == (before[1], 0, False)
        else:
            assert (version, migrated, "anonymized" in trigger) == (newest, 12_000, True), f"kill at {delay:.3f} s"
        outcomes.append((killed, version))
        _check_backups(path)  # opens (and migrates, if it was not) with every backup whole
        with Workbook.open(path) as wb:
            assert wb.schema_version == newest and len(wb.contacts()) == 12_000
    assert sum(k for k, _ in outcomes) >= 3  # killed mid-way, not only after it finished
    assert any(v == 2 for _, v in outcomes)


def test_sigkill_at_many_points_of_a_restore_leaves_the_old_or_the_restored_workbook(demo_path, tmp_path):
    base = tmp_path / "base" / "workbook.sqlite"
    base.parent.mkdir()
    with Workbook.open(demo_path) as wb:
        wb.import_contacts(_linkedin(tmp_path / "Connections.csv", 12_000))  # backs up the demo first
        small = Path(wb.backups()["path"].iloc[0])
    _checkpointed_copy(demo_path, base)
    saved = tmp_path / "saved.sqlite"
    shutil.copy(small, saved)
    current, restored = _state(base), _state(saved)
    assert current != restored

    def work(path: Path) -> Callable[[], object]:
        return lambda: Workbook.open(path).restore(saved)

    seconds, path = _reference_run(work, base, tmp_path)
    assert _state(path) == restored
    outcomes = []
    for i, delay in enumerate(_kill_points(seconds, seed=3)):
        path = _fresh(base, tmp_path / f"k{i}")
        _, killed, _ = _run(work(path), kill_after=delay)
        state = _state(path)
        assert state in (current, restored), f"kill at {delay:.3f} s of {seconds:.3f} s left a mix"
        outcomes.append((killed, state == restored))
        _check_backups(path)
    assert sum(k for k, _ in outcomes) >= 3  # killed mid-way, not only after it finished
    assert any(not done for _, done in outcomes)


def test_two_processes_importing_at_once_both_succeed_and_nothing_is_lost(demo_path, tmp_path):
    files = [_linkedin(tmp_path / f"{p}.csv", 4_000, prefix=p) for p in ("A", "B")]
    pids = [_child(lambda f=f: Workbook.open(demo_path).import_contacts(f)) for f in files]
    statuses = [os.waitpid(pid, 0)[1] for pid in pids]
    assert [os.WEXITSTATUS(s) for s in statuses] == [0, 0]
    with Workbook.open(demo_path) as wb:
        people = wb.contacts()
        assert len(people) == 60 + 8_000
        assert people["first_name"].str.startswith("AFirst").sum() == people["first_name"].str.startswith(
            "BFirst").sum() == 4_000
        assert wb.backups()["reason"].tolist() == ["before-import", "before-import"]


def test_a_writer_kept_waiting_too_long_is_told_it_was_busy_and_nothing_is_lost(demo_path, tmp_path, monkeypatch,
                                                                               capsys):
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 300)  # the children inherit it
    big = _linkedin(tmp_path / "Connections.csv", 2_000)
    ready_r, ready_w = os.pipe()

    def hold() -> None:
        with Workbook.open(demo_path) as wb, wb.transaction():
            wb.add_contact("Holding", "TheLock")
            os.write(ready_w, b"x")
            time.sleep(2.0)

    holder = _child(hold)
    assert os.read(ready_r, 1) == b"x"
    blocked = _child(lambda: Workbook.open(demo_path).import_contacts(big))
    _, status = os.waitpid(blocked, 0)
    assert os.WEXITSTATUS(status) == BUSY
    # the command line says so in one line, exit status 2
    assert main(["import", str(big), "--workbook", str(demo_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "busy" in err[0] and str(demo_path) in err[0] and "try again" in err[0]
    _, status = os.waitpid(holder, 0)
    assert os.WEXITSTATUS(status) == 0
    with Workbook.open(demo_path) as wb:
        people = wb.contacts()
        assert len(people) == 61 and "TheLock" in people["last_name"].tolist()  # the holder's write is whole
        wb.import_contacts(big)  # and the refused import works once the lock is gone
        assert len(wb.contacts()) == 61 + 2_000
