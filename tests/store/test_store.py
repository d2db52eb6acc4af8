"""The workbook store: creation, refusal of foreign files, migrations, transactions, upserts, concurrency."""

from __future__ import annotations

import datetime as dt
import pickle
import sqlite3
import stat
import subprocess
import sys
import threading

import pandas as pd
import pytest

import infoview_kit as ik
from infoview_kit import store
from infoview_kit.base.errors import (
    InfoviewError,
    InputFormatError,
    NotFoundError,
    WorkbookBusyError,
    WorkbookError,
)
from infoview_kit.find import importing
from infoview_kit.store import schema
from infoview_kit.workbook import Workbook

SAMPLE = "data/sample/Connections.csv"


def test_open_creates_file_and_folder_owner_only(tmp_path):
    path = tmp_path / "a" / "b" / "workbook.sqlite"
    with Workbook.open(path) as wb:
        assert wb.schema_version == schema.SCHEMA_VERSION
        assert wb._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert wb._conn.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_open_without_create_raises_not_found(tmp_path):
    with pytest.raises(NotFoundError, match="no such workbook"):
        Workbook.open(tmp_path / "missing.sqlite", create=False)


def test_default_path_comes_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INFOVIEW_WORKBOOK", str(tmp_path / "env.sqlite"))
    with Workbook.open("") as wb:
        assert wb.path == tmp_path / "env.sqlite"


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()


def _newer_workbook(path):
    with Workbook.open(path):
        pass
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("first,last\nAda,Lovelace\n"), "not an SQLite database"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x01" * 50), "not an SQLite database"),
    (_foreign_sqlite, "not an infoview workbook"),
    (_newer_workbook, "newer infoview_kit"),
])
def test_refuses_foreign_or_newer_file_and_leaves_it_untouched(tmp_path, make, message):
    path = tmp_path / "thing.sqlite"
    make(path)
    before = path.read_bytes()
    with pytest.raises(WorkbookError, match=message) as info:
        Workbook.open(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "thing.sqlite-wal").exists() or message == "newer infoview_kit"


def _checkpointed(path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path.read_bytes()


def test_a_failing_migration_changes_nothing_and_a_good_one_upgrades_in_place(tmp_path, monkeypatch):
    path = tmp_path / "wb.sqlite"
    with Workbook.open(path) as wb:
        wb.add_contact("Ada", "Byron")
    before = _checkpointed(path)
    now = schema.SCHEMA_VERSION
    # a next migration that fails halfway: the file stays at the current version, as it was
    monkeypatch.setattr(schema, "_MIGRATIONS", [*schema._MIGRATIONS,
                                               "ALTER TABLE contacts ADD COLUMN pronouns TEXT; SELECT nope();"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    with pytest.raises(WorkbookError):
        Workbook.open(path)
    assert _checkpointed(path) == before
    # and a good one upgrades the file in place, keeping the data
    monkeypatch.setattr(schema, "_MIGRATIONS",
                        [*schema._MIGRATIONS[:now], "ALTER TABLE contacts ADD COLUMN pronouns TEXT;"])
    with Workbook.open(path) as wb:
        assert wb.schema_version == now + 1
        assert wb._conn.execute("SELECT first_name, pronouns FROM contacts").fetchall() == [("Ada", None)]


def test_a_version_1_workbook_is_migrated_on_open(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(schema, "_MIGRATIONS", schema._MIGRATIONS[:1])
    with Workbook.open(path) as wb:
        wb.add_contact("Dana", "Whitfield", company="Bluefin Analytics")
    monkeypatch.undo()
    with Workbook.open(path) as wb:
        assert wb.schema_version == schema.SCHEMA_VERSION >= 2
        assert wb.merges().empty  # the v2 table exists
        report = wb.import_contacts(SAMPLE)
        # Dana (hand-entered in v1) and her LinkedIn row are one person: same name, same company
        assert (report.added, report.merged) == (58, 1)
        assert len(wb.contacts()) == 59


def test_read_only_reads_and_never_writes_even_an_older_schema(tmp_path, demo_path, monkeypatch):
    before = _checkpointed(demo_path)
    with Workbook.open(demo_path, read_only=True) as wb:
        assert len(wb.contacts()) == 60
        with pytest.raises(WorkbookError, match="read-only"):
            wb.add_contact("Ada", "Byron")
    assert demo_path.read_bytes() == before
    assert sorted(f.name for f in demo_path.parent.iterdir()) == ["workbook.sqlite"]  # nothing left beside it
    with Workbook.open(demo_path) as live:  # a notebook has it open: its latest changes are in the -wal
        live.add_contact("Ada", "Byron")
        with Workbook.open(demo_path, read_only=True) as wb:
            assert "Byron" in set(wb.contacts()["last_name"])
    old = tmp_path / "old.sqlite"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(schema, "_MIGRATIONS", schema._MIGRATIONS[:1])
    with Workbook.open(old) as wb:
        wb.add_contact("Dana", "Whitfield", company="Bluefin Analytics")
    monkeypatch.undo()
    old_bytes = _checkpointed(old)
    with Workbook.open(old, read_only=True) as wb:
        assert wb.schema_version == schema.SCHEMA_VERSION  # upgraded in memory
        assert wb.merges().empty and list(wb.contacts()["last_name"]) == ["Whitfield"]
    assert old.read_bytes() == old_bytes
    with pytest.raises(NotFoundError):
        Workbook.open(tmp_path / "missing.sqlite", read_only=True)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(WorkbookError):
        Workbook.open(tmp_path / "notes.txt", read_only=True)


def test_failed_multi_row_change_rolls_back(new_wb, monkeypatch):
    def boom(*_args):
        raise RuntimeError("disk on fire")

    before = new_wb.table_counts()
    monkeypatch.setattr(importing, "flag_recruiters", boom)
    with pytest.raises(RuntimeError):
        new_wb.import_contacts(SAMPLE)
    assert new_wb.table_counts() == before


def test_import_twice_adds_nothing(new_wb):
    first = new_wb.import_contacts(SAMPLE)
    assert (first.added, first.merged, len(first.skipped)) == (59, 0, 1)
    counts = new_wb.table_counts()
    second = new_wb.import_contacts(SAMPLE)
    assert (second.added, second.merged, second.unchanged) == (0, 0, 59)
    assert new_wb.table_counts() == counts


def test_reads_are_dataframes_with_documented_columns_and_real_missing_values(demo_wb):
    people = demo_wb.contacts()
    assert list(people.columns) == ["id", "first_name", "last_name", "email", "company", "position",
                                    "profile_url", "connected_on", "how_known", "where_found", "notes",
                                    "referred_by", "is_recruiter", "pinned", "excluded", "stage", "sources",
                                    "checkin_days", "created_at"]
    assert people["email"].isna().sum() > 40
    assert not (people.astype(str) == "nan").any().any()
    assert people["connected_on"].dtype.kind == "M"
    dana = people[people["last_name"] == "Whitfield"].iloc[0]
    assert dana["company"] == "Bluefin Analytics"
    assert dana["stage"] == "thanked"
    recruiters = set(people[people["is_recruiter"]]["last_name"])
    assert {"Abernathy", "Petrov", "Lin", "Whitaker"} <= recruiters


@pytest.mark.parametrize("action", ["add_contact", "add_research", "save_draft", "schedule", "target",
                                    "profile"])
def test_repeating_an_operation_adds_nothing(new_wb, action):
    wb = new_wb
    cid = wb.add_contact("Zoë", "Ångström", company="Example Ltd", email="ZOE@example.com")
    ops = {
        "add_contact": lambda: wb.add_contact("Zoë", "Ångström", company="Example Ltd",
                                              email="zoe@example.com", position="Analyst"),
        "add_research": lambda: wb.add_research(cid, "accomplishment", "an award", source_url="https://x.test"),
        "save_draft": lambda: wb.save_draft(cid, "outreach", "Hello", "Body"),
        "schedule": lambda: wb.schedule_meeting(cid, dt.datetime(2026, 12, 1, 10), timezone="Europe/London"),
        "target": lambda: wb.set_target(cid),
        "profile": lambda: wb.set_profile(name="Sam", interests=["chess"]),
    }
    first = ops[action]()
    counts = wb.table_counts()
    second = ops[action]()
    assert wb.table_counts() == counts
    if isinstance(first, int) and not isinstance(first, bool):
        assert first == second


def test_add_contact_fills_missing_fields_and_validates(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace", email="Ada@Example.com")
    assert new_wb.add_contact("Ada", "Lovelace", email="ada@example.com", company="Analytical Engines") == cid
    row = new_wb.contact(cid)
    assert (row["email"], row["company"]) == ("ada@example.com", "Analytical Engines")
    with pytest.raises(InputFormatError, match="not a valid address"):
        new_wb.add_contact("Bob", email="bob@")
    with pytest.raises(InputFormatError, match="first or last name"):
        new_wb.add_contact("  ", "")
    with pytest.raises(InputFormatError, match="how_known"):
        new_wb.add_contact("Cy", how_known="enemy")
    with pytest.raises(NotFoundError):
        new_wb.add_contact("Di", referred_by=999)


def test_sending_plans_business_day_follow_ups_and_a_reply_closes_them(new_wb):
    new_wb.set_profile(country="US", timezone="America/Chicago")
    cid = new_wb.add_contact("Ada", "Lovelace", company="Engines")
    mid = new_wb.save_draft(cid, "outreach", "Advice", "Hello Ada")
    # Friday 20 Nov 2026, 9:00 in Chicago; Thanksgiving (Thu 26 Nov) is not a business day
    new_wb.mark_sent(mid, at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))
    fu = new_wb.followups().set_index("kind")
    assert fu.loc["second_contact", "due_at"] == pd.Timestamp("2026-11-25 15:00", tz="UTC")
    assert fu.loc["nudge", "due_at"] == pd.Timestamp("2026-12-02 15:00", tz="UTC")  # 26 Nov skipped
    new_wb.mark_replied(mid, at="2026-11-23T10:00:00+00:00")
    assert new_wb.followups()["done_at"].notna().all()


def test_a_draft_with_blanks_cannot_be_marked_sent(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace")
    mid = new_wb.save_draft(cid, "outreach", "Advice", "Given that you have attained [their_accomplishment]")
    with pytest.raises(InputFormatError, match="their_accomplishment"):
        new_wb.mark_sent(mid)
    assert new_wb.message(mid)["status"] == "draft"


def test_meeting_log_marks_held_and_plans_the_thank_you(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace")
    mid = new_wb.schedule_meeting(cid, "2026-11-24T14:00", duration_min=30, timezone="America/Chicago")
    new_wb.log_meeting(mid, actual_start="2026-11-24T14:02", actual_end="2026-11-24T14:29", advice="Learn SQL.")
    m = new_wb.meetings().iloc[0]
    assert m["status"] == "held" and m["actual_min"] == 27
    fu = new_wb.followups().iloc[0]
    assert (fu["kind"], fu["due_at"]) == ("thank_you", pd.Timestamp("2026-11-25 20:29", tz="UTC"))
    with pytest.raises(InputFormatError, match="before its start"):
        new_wb.log_meeting(mid, actual_start="2026-11-24T15:00", actual_end="2026-11-24T14:00")


def test_events_are_append_only(demo_wb):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        demo_wb._conn.execute("UPDATE events SET kind = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        demo_wb._conn.execute("DELETE FROM events")


def test_reader_sees_a_consistent_snapshot_while_a_writer_works(demo_path):
    writer = Workbook.open(demo_path)
    reader = Workbook.open(demo_path)
    before = len(reader.contacts())
    with writer.transaction():
        writer.add_contact("In", "Flight")
        assert len(reader.contacts()) == before  # not committed yet: the reader is not blocked
    assert len(reader.contacts()) == before + 1
    writer.close()
    reader.close()


def test_second_writer_waits_then_reports_busy(demo_path, monkeypatch):
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 200)
    holder = Workbook.open(demo_path)
    other = Workbook.open(demo_path)
    with holder.transaction(), pytest.raises(WorkbookBusyError, match="busy"):
        other.add_contact("Blocked", "Writer")
    assert other.add_contact("Later", "Writer") > 0  # once the lock is gone it works
    holder.close()
    other.close()


def test_two_processes_writing_at_once_both_succeed(demo_path):
    code = ("import sys; from infoview_kit.workbook import Workbook\n"
            "wb = Workbook.open(sys.argv[1])\n"
            "for i in range(30): wb.add_contact(f'P{sys.argv[2]}', f'N{i}')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(demo_path), str(n)]) for n in (1, 2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Workbook.open(demo_path) as wb:
        assert len(wb.contacts()) == 60 + 60


def test_threads_share_a_workbook_file(demo_path):
    errors = []

    def work(n):
        try:
            with Workbook.open(demo_path) as wb:
                for i in range(10):
                    wb.add_contact(f"T{n}", f"R{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Workbook.open(demo_path) as wb:
        assert len(wb.contacts()) == 90


@pytest.mark.parametrize("exc", [
    InfoviewError("x", path="a.csv", line=3), InputFormatError("bad", path="b.csv", line=4),
    WorkbookError("w", path="c.sqlite"), NotFoundError("n"), WorkbookBusyError("busy", path="d")])
def test_errors_pickle_with_their_fields(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc)
    assert (str(back), back.path, back.line) == (str(exc), exc.path, exc.line)
    assert isinstance(back, InfoviewError)


def test_public_surface():
    assert ik.Workbook is Workbook
    assert callable(ik.read_contacts)
    assert issubclass(ik.InputFormatError, ValueError)
    assert issubclass(ik.NotFoundError, LookupError)
    assert ik.__version__


@pytest.mark.parametrize("field, value, message", [
    ("timezone", "Mars/Olympus_Mons", "IANA name"), ("country", "Narnia", "ISO 3166"),
    ("nickname", "x", "unknown"), ("interests", [1, 2], "list of text"),
    ("status", "student", "graduate, working")])
def test_profile_refuses_bad_values_and_keeps_the_old_ones(new_wb, field, value, message):
    new_wb.set_profile(timezone="Europe/London", country="GB")
    before = new_wb.profile()
    with pytest.raises(InputFormatError, match=message):
        new_wb.set_profile(**{field: value})
    assert new_wb.profile() == before


def test_reschedule_keeps_the_uid_and_raises_the_sequence_and_cancel_too(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace")
    mid = new_wb.schedule_meeting(cid, "2026-12-01T10:00", timezone="Europe/London")
    uid = new_wb.meeting(mid)["uid"]
    assert new_wb.reschedule_meeting(mid, "2026-12-02T11:00") == 1
    assert new_wb.reschedule_meeting(mid, "2026-12-02T11:00") == 1  # no change, no new sequence
    m = new_wb.meeting(mid)
    assert (m["uid"], m["sequence"], m["starts_at"]) == (uid, 1, "2026-12-02T11:00:00+00:00")
    assert new_wb.cancel_meeting(mid) is True and new_wb.cancel_meeting(mid) is False
    m = new_wb.meeting(mid)
    assert (m["uid"], m["sequence"], m["status"]) == (uid, 2, "cancelled")
    with pytest.raises(InputFormatError, match="cancelled"):
        new_wb.reschedule_meeting(mid, "2026-12-03T11:00")


def test_checkin_days_per_person(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace")
    new_wb.set_checkin_days(cid, 14)
    assert new_wb.contacts().loc[0, "checkin_days"] == 14
    new_wb.set_checkin_days(cid, None)
    assert new_wb.contacts()["checkin_days"].isna().all()
    with pytest.raises(InputFormatError, match="7 to 365"):
        new_wb.set_checkin_days(cid, 2)


def test_events_can_be_read_for_one_contact_and_some_kinds(demo_wb):
    dana = demo_wb.find_contact("Dana Whitfield")
    everything = demo_wb.events()
    narrow = demo_wb.events(contact_id=dana, kinds=["email_sent", "nudge_sent"])
    expected = everything[(everything["contact_id"] == dana) & everything["kind"].isin(["email_sent", "nudge_sent"])]
    assert narrow["id"].tolist() == expected["id"].tolist() and len(narrow) == 2


def test_a_new_workbook_opens_in_a_second_notebook_while_the_first_still_holds_it(tmp_path):
    # two notebooks on a workbook the first one just created: its header must be in the file, not only in the WAL
    path = tmp_path / "fresh.sqlite"
    with Workbook.open(path) as first, Workbook.open(path) as second:
        first.add_contact("Ada", "Byron")
        assert second.schema_version == first.schema_version
        assert list(second.contacts()["last_name"]) == ["Byron"]
