"""Backups: written before migrations, imports and undone merges, capped, checked, restored; never in git."""

from __future__ import annotations

import re
import shutil
import sqlite3
import stat
import subprocess

import pytest

from infoview_kit import store
from infoview_kit.base.errors import InputFormatError, NotFoundError, WorkbookBusyError, WorkbookError
from infoview_kit.cli import main
from infoview_kit.store import schema
from infoview_kit.workbook import Workbook

from ..conftest import ROOT

SAMPLE = "data/sample/Connections.csv"
MERGE = "tests/fixtures/merge/"
NAME = re.compile(r"workbook-\d{8}T\d{6}\.\d{6}Z-(?P<reason>[a-z0-9-]+)\.sqlite")


def _raw(path, sql):
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _old_workbook(path, monkeypatch, version=2):
    """A workbook written by the code of schema `version`, with a person in it."""
    with monkeypatch.context() as m:
        m.setattr(schema, "SCHEMA_VERSION", version)
        m.setattr(schema, "_MIGRATIONS", schema._MIGRATIONS[:version])
        with Workbook.open(path) as wb:
            wb.add_contact("Dana", "Whitfield", company="Bluefin Analytics")
    return path


def test_backup_is_a_private_consistent_copy_named_by_time_and_reason(demo_wb, demo_path):
    counts = demo_wb.table_counts()
    path = demo_wb.backup("before-coffee")
    assert path.parent == demo_path.parent / "workbook.backups" == demo_wb.backup_dir
    assert NAME.fullmatch(path.name)["reason"] == "before-coffee"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob("*-wal")) and not list(path.parent.glob(".*tmp"))  # one file, no leftovers
    assert _raw(path, "PRAGMA journal_mode") == [("delete",)]
    info = Workbook.check_backup(path)
    assert info["integrity"] == "ok" and info["schema_version"] == schema.SCHEMA_VERSION
    assert info["tables"] == counts
    listed = demo_wb.backups()
    assert list(listed.columns) == ["path", "name", "taken_at", "reason", "size"]
    assert listed.loc[0, "path"] == str(path) and listed.loc[0, "reason"] == "before-coffee"
    assert listed.loc[0, "size"] == path.stat().st_size and str(listed["taken_at"].dtype) == "datetime64[ns, UTC]"


def test_backup_taken_while_another_connection_writes_is_consistent(demo_path):
    writer, wb = Workbook.open(demo_path), Workbook.open(demo_path)
    with writer.transaction():
        writer.add_contact("Half", "Written")
        path = wb.backup()  # the uncommitted row is not in it, and the backup does not wait
    writer.close()
    assert Workbook.check_backup(path)["tables"]["contacts"] == 60
    assert len(wb.contacts()) == 61
    wb.close()


@pytest.mark.parametrize("call, message", [
    (lambda wb: wb.backup("Before Import"), "lowercase letters"),
    (lambda wb: wb.backup("x", keep=0), "at least 1"),
    (lambda wb: Workbook.open(wb.path, keep_backups=-1), "at least 0"),
])
def test_backup_settings_are_checked(new_wb, call, message):
    with pytest.raises(InputFormatError, match=message):
        call(new_wb)
    assert not new_wb.backup_dir.exists()


def test_read_only_workbook_is_never_backed_up_beside_nor_restored(demo_path, tmp_path):
    with Workbook.open(demo_path) as wb:
        saved = wb.backup()
    shutil.rmtree(saved.parent.parent / "workbook.backups", ignore_errors=True)
    shutil.copy(demo_path, tmp_path / "saved.sqlite")
    with Workbook.open(demo_path, read_only=True) as wb:
        with pytest.raises(WorkbookError, match="read-only"):
            wb.backup()
        with pytest.raises(WorkbookError, match="read-only; nothing was changed"):
            wb.restore(tmp_path / "saved.sqlite")
    assert not (demo_path.parent / "workbook.backups").exists()


def test_only_the_newest_ten_are_kept_by_default_and_keep_backups_changes_it(demo_path):
    with Workbook.open(demo_path) as wb:
        made = [wb.backup(f"n{i}") for i in range(12)]
        kept = wb.backups()
        assert len(kept) == store.KEEP_BACKUPS == 10
        assert list(kept["path"]) == [str(p) for p in reversed(made[2:])]  # newest first, oldest two gone
        assert not made[0].exists() and not made[1].exists()
    with Workbook.open(demo_path, keep_backups=3) as wb:
        wb.backup("n12")
        assert list(wb.backups()["reason"]) == ["n12", "n11", "n10"]


def test_import_backs_up_first_but_not_an_empty_workbook_nor_a_file_that_fails(new_wb):
    new_wb.import_contacts(SAMPLE)  # nothing to lose yet: no backup
    assert new_wb.backups().empty
    counts = new_wb.table_counts()
    with pytest.raises(InputFormatError):
        new_wb.import_contacts("README.md")  # fails while reading: no backup, nothing changed
    assert new_wb.backups().empty and new_wb.table_counts() == counts
    new_wb.import_contacts(MERGE + "linkedin_three_people.csv")
    (b,) = new_wb.backups().itertuples()
    assert b.reason == "before-import"
    assert Workbook.check_backup(b.path)["tables"] == counts  # as it was before this import


def test_undo_merge_backs_up_first(new_wb):
    new_wb.import_contacts(MERGE + "linkedin_three_people.csv")
    new_wb.import_contacts(MERGE + "google_same_people.csv")
    merge = int(new_wb.merges()["id"].iloc[0])
    counts = new_wb.table_counts()
    new_wb.undo_merge(merge)
    newest = new_wb.backups().iloc[0]
    assert newest["reason"] == "before-undo-merge"
    assert Workbook.check_backup(newest["path"])["tables"] == counts
    assert new_wb.undo_merge(merge) is None  # already undone: no change, so no new backup
    assert len(new_wb.backups()) == 2


def test_opening_an_old_schema_file_leaves_a_backup_that_opens_as_the_old_version(tmp_path, monkeypatch):
    path = _old_workbook(tmp_path / "workbook.sqlite", monkeypatch, version=2)
    with Workbook.open(path) as wb:
        assert wb.schema_version == schema.SCHEMA_VERSION == 5
        (b,) = wb.backups().itertuples()
    assert b.reason == "before-migration-v2-to-v5"
    assert _raw(tmp_path / "workbook.backups" / b.name, "PRAGMA user_version") == [(2,)]
    trigger = _raw(tmp_path / "workbook.backups" / b.name, "SELECT sql FROM sqlite_master WHERE name = "
                                                             "'events_no_update'")[0][0]
    assert "anonymized" not in trigger  # the v2 trigger, as it was
    assert Workbook.check_backup(b.path)["schema_version"] == 2
    with Workbook.open(b.path, read_only=True) as old:  # opens as it is, upgraded in memory only
        assert old.contacts()["last_name"].tolist() == ["Whitfield"]
    assert _raw(tmp_path / "workbook.backups" / b.name, "PRAGMA user_version") == [(2,)]
    with Workbook.open(path) as wb:  # up to date now: no second backup
        assert len(wb.backups()) == 1


def test_many_imports_never_rotate_out_the_newest_manual_backup(demo_path):
    with Workbook.open(demo_path) as wb:
        manual = wb.backup()
        older = wb.backup()
        made = [wb.backup("before-import") for _ in range(12)]
        kept = set(wb.backups()["path"])
        assert str(manual) not in kept and str(older) in kept  # the newest manual one stays...
        assert kept == {str(older), *map(str, made[2:])}  # ...beside the newest ten


def test_migration_backups_are_capped_at_ten_too(tmp_path, monkeypatch):
    path = tmp_path / "workbook.sqlite"
    for _ in range(11):
        _old_workbook(path, monkeypatch, version=2)
        path.unlink()
    path = _old_workbook(path, monkeypatch, version=1)  # and a v1 file goes all the way to v3
    for i in range(10):
        shutil.copy(path, tmp_path / f"old{i}.sqlite")
    for i in range(10):
        moved = tmp_path / "workbook.sqlite"
        shutil.copy(tmp_path / f"old{i}.sqlite", moved)
        Workbook.open(moved).close()
    with Workbook.open(path) as wb:
        backups = wb.backups()
    assert len(backups) == 10 and set(backups["reason"]) == {"before-migration-v1-to-v5"}


def test_new_workbooks_and_read_only_opens_take_no_backup(tmp_path, monkeypatch):
    Workbook.open(tmp_path / "workbook.sqlite").close()
    assert not (tmp_path / "workbook.backups").exists()
    old = _old_workbook(tmp_path / "old.sqlite", monkeypatch)
    Workbook.open(old, read_only=True).close()  # upgraded in memory: nothing written
    assert not (tmp_path / "old.backups").exists()


def _damaged(path):
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(2 * page, min(len(data), 6 * page)):  # scribble over pages 3 to 6
        data[i] = (i * 7) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("spoil, error, message", [
    (lambda p: p.unlink(), NotFoundError, "no such backup"),
    (lambda p: p.write_bytes(b""), WorkbookError, "empty or cut short"),
    (lambda p: p.write_text("name,email\n" * 30), WorkbookError, "not an SQLite database"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), WorkbookError, "damaged"),
    (_damaged, WorkbookError, "damaged"),
    (lambda p: (p.unlink(), sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit()),
     WorkbookError, "not an infoview workbook"),
])
def test_check_backup_refuses_a_bad_file_and_restore_leaves_the_workbook_unchanged(demo_wb, spoil, error,
                                                                                   message):
    path = demo_wb.backup()
    spoil(path)
    with pytest.raises(error, match=message) as info:
        Workbook.check_backup(path)
    assert str(path) in str(info.value) and info.value.path == str(path)
    tables = demo_wb.all_tables()
    with pytest.raises(error, match=message):
        demo_wb.restore(path)
    assert all(tables[t].equals(df) for t, df in demo_wb.all_tables().items())
    assert not (demo_wb.backups()["reason"] == "before-restore").any()  # checked before anything was done


def test_restore_replaces_everything_after_backing_up_what_was_there(demo_path):
    wb, other = Workbook.open(demo_path), Workbook.open(demo_path)
    saved = wb.backup("known-good")
    before = wb.all_tables()
    dana = wb.find_contact("Dana Whitfield")
    wb.forget(dana)
    wb.add_contact("New", "Person")
    changed = wb.table_counts()
    undo = wb.restore(saved)
    after = wb.all_tables()
    assert after.keys() == before.keys() and all(before[t].equals(after[t]) for t in before)
    assert len(other.contacts()) == 60  # another connection sees the restored workbook
    assert other.find_contact("Dana Whitfield") == dana
    assert Workbook.check_backup(undo)["tables"] == changed  # what it held before, kept
    assert NAME.fullmatch(undo.name)["reason"] == "before-restore"
    other.add_contact("Still", "Writable")  # the file works as before
    assert _raw(demo_path, "PRAGMA journal_mode") == [("wal",)]
    wb.close()
    other.close()


def test_restore_of_the_oldest_backup_survives_its_own_rotation(demo_path):
    with Workbook.open(demo_path, keep_backups=2) as wb:
        oldest = wb.backup("a")
        wb.add_contact("Second", "State")
        wb.backup("b")
        wb.add_contact("Third", "State")
        wb.restore(oldest)  # the before-restore backup rotates `oldest` out: it was read first
        assert len(wb.contacts()) == 60 and not oldest.exists()


def test_restore_of_an_older_schema_backup_upgrades_it(tmp_path, monkeypatch):
    old = _old_workbook(tmp_path / "old.sqlite", monkeypatch, version=1)
    with Workbook.open(tmp_path / "workbook.sqlite") as wb:
        wb.add_contact("Someone", "Else")
        wb.restore(old)
        assert wb.schema_version == schema.SCHEMA_VERSION
        assert wb.contacts()["last_name"].tolist() == ["Whitfield"]
        assert wb.merges().empty  # the v2 table is there
    assert _raw(old, "PRAGMA user_version") == [(1,)]  # the backup itself is not touched


def test_restore_refuses_the_workbook_itself_and_a_newer_backup(demo_wb, tmp_path):
    with pytest.raises(InputFormatError, match="the workbook itself"):
        demo_wb.restore(demo_wb.path)
    newer = demo_wb.backup()
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(WorkbookError, match="newer infoview_kit"):
        demo_wb.restore(newer)


def test_restore_while_another_program_holds_the_lock_reports_busy_and_changes_nothing(demo_path, monkeypatch):
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 200)
    wb, holder = Workbook.open(demo_path), Workbook.open(demo_path)
    saved = wb.backup()
    wb.add_contact("After", "Backup")
    with holder.transaction(), pytest.raises(WorkbookBusyError, match="busy"):
        wb.restore(saved)
    assert len(wb.contacts()) == 61
    wb.restore(saved)  # once the lock is gone it works
    assert len(wb.contacts()) == 60
    wb.close()
    holder.close()


def _git_ignored(path: str) -> bool:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT).returncode == 0


@pytest.mark.parametrize("path", [
    "data/private/workbook.backups/workbook-20261125T201500.000000Z-manual.sqlite",
    "data/private/workbook-export-2026-11-25.xlsx",
    "data/private/workbook-export-2026-11-25.json",
    "data/private/workbook-export-2026-11-25/contacts.csv",
    "workshop/alex.backups/alex-20261125T201500.000000Z-before-import.sqlite",  # a workbook elsewhere
])
def test_backups_and_exports_beside_a_workbook_never_enter_git(path):
    assert _git_ignored(path)


def test_the_default_backup_folder_is_in_data_private():
    folder = store.backup_dir(ROOT / "data" / "private" / "workbook.sqlite")
    assert folder == ROOT / "data" / "private" / "workbook.backups"


# ---------------------------------------------------------------- command line
def test_cli_backup_and_restore(demo_path, capsys, monkeypatch):
    wb = str(demo_path)
    assert main(["restore", "--workbook", wb]) == 0
    assert "no backups yet" in capsys.readouterr().out
    assert main(["backup", "--workbook", wb]) == 0
    out = capsys.readouterr().out
    name = re.search(r"workbook-\S+-manual\.sqlite", out)[0]
    with Workbook.open(demo_path) as w:
        w.add_contact("Added", "Later")
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["restore", name, "--workbook", wb]) == 1
    assert "nothing changed" in capsys.readouterr().out
    with Workbook.open(demo_path) as w:
        assert len(w.contacts()) == 61
    assert main(["restore", name, "--workbook", wb, "--yes"]) == 0
    assert "what it held before is in" in capsys.readouterr().out
    with Workbook.open(demo_path) as w:
        assert len(w.contacts()) == 60
    assert main(["backup", "--list", "--workbook", wb]) == 0
    listing = capsys.readouterr().out
    assert name in listing and "before-restore" in listing


def test_cli_restore_of_a_missing_backup_exits_2_with_one_line(demo_path, capsys):
    assert main(["restore", "nope.sqlite", "--workbook", str(demo_path), "--yes"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.sqlite" in err[0] and "infoview restore" in err[0]


def test_restore_function_rebuilds_a_lost_workbook_from_its_backup(demo_wb, tmp_path):
    saved = demo_wb.backup()
    lost = tmp_path / "lost" / "workbook.sqlite"
    before = store.restore(saved, lost)  # the file was gone: it is created, then filled
    assert stat.S_IMODE(lost.stat().st_mode) == 0o600
    with Workbook.open(lost) as wb:
        assert wb.table_counts() == demo_wb.table_counts()
    assert Workbook.check_backup(before)["tables"]["contacts"] == 0  # the empty new file, kept anyway


def test_keep_backups_0_turns_automatic_backups_off_and_the_demo_build_leaves_none(tmp_path):
    from infoview_kit.demo import build_demo

    with Workbook.open(tmp_path / "throwaway.sqlite", keep_backups=0) as wb:
        wb.import_contacts(SAMPLE)
        wb.import_contacts(MERGE + "linkedin_three_people.csv")
        assert wb.backups().empty
        wb.backup()  # asked for: written and kept
        assert len(wb.backups()) == 1
    build_demo(tmp_path / "demo" / "workbook.sqlite")
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == ["workbook.sqlite"]
