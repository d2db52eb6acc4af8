"""Forgetting a person: everything about them goes in one transaction, the activity log keeps its counts."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from infoview_kit.base.errors import NotFoundError
from infoview_kit.cli import main
from infoview_kit.reports import charts
from infoview_kit.store import schema
from infoview_kit.workbook import Workbook

TODAY = "2026-11-25"
PERSON_TABLES = ["contacts", "contact_sources", "research", "messages", "meetings", "questions", "followups",
                 "synced", "bounced_addresses", "merges"]


def _their_rows(wb, cid):
    c = wb._conn
    return {t: c.execute(f"SELECT count(*) FROM {t} WHERE {Workbook._FORGET_MATCH[t]}", (cid,)).fetchone()[0]
            for t in PERSON_TABLES}


def test_dry_run_says_what_will_go_and_changes_nothing(demo_wb):
    dana = demo_wb.find_contact("Dana Whitfield")
    counts = demo_wb.table_counts()
    plan = demo_wb.forget(dana, dry_run=True)
    assert (plan.contact_id, plan.name, plan.dry_run, plan.done) == (dana, "Dana Whitfield", True, False)
    assert plan.rows == _their_rows(demo_wb, dana)
    assert plan.rows["contacts"] == 1 and plan.rows["messages"] >= 2 and plan.rows["meetings"] == 1
    assert plan.events_anonymized == len(demo_wb.events(contact_id=dana)) > 5
    text = str(plan)
    assert text.startswith("Will forget Dana Whitfield") and "1 meeting" in text and "will be anonymized" in text
    assert demo_wb.table_counts() == counts


def test_forget_removes_everything_about_them_and_keeps_the_log_counts(demo_wb, demo_path):
    dana = demo_wb.find_contact("Dana Whitfield")
    person = demo_wb.contact(dana)
    kinds = demo_wb.events()["kind"].value_counts()
    theirs = demo_wb.events(contact_id=dana)[["id", "at", "kind"]]
    summary = demo_wb.forget(dana)
    assert summary.done and str(summary).startswith("Forgot Dana Whitfield")
    assert _their_rows(demo_wb, dana) == dict.fromkeys(PERSON_TABLES, 0)
    with pytest.raises(NotFoundError):
        demo_wb.contact(dana)
    events = demo_wb.events()
    # every event is still there, with its kind and time; one more says a forget happened (no one named)
    after = events["kind"].value_counts()
    assert after.drop("contact_forgotten").equals(kinds.loc[after.drop("contact_forgotten").index])
    assert after["contact_forgotten"] == 1 and len(events) == kinds.sum() + 1
    anonymized = events.set_index("id").loc[theirs["id"]]
    assert anonymized["kind"].tolist() == theirs["kind"].tolist()
    assert anonymized["at"].tolist() == theirs["at"].tolist()
    assert anonymized["contact_id"].isna().all() and anonymized["ref_id"].isna().all()
    assert all(set(d) <= {"kind", "matched_by", "anonymized"} for d in anonymized["detail"])
    assert len({d["anonymized"] for d in anonymized["detail"]}) == 1  # one pseudonym for all of hers
    assert (events["contact_id"] == dana).sum() == 0
    # nothing left anywhere that names her
    tables = demo_wb.all_tables()
    for needle in (person["profile_url"], person["person_key"], "Whitfield"):
        hits = [(t, col) for t, df in tables.items() for col in df.columns
                if df[col].astype(str).str.contains(needle, regex=False).any()]
        assert hits == [], needle


def test_forget_overwrites_their_data_on_disk(demo_wb, demo_path):
    dana = demo_wb.find_contact("Dana Whitfield")
    url = demo_wb.contact(dana)["profile_url"].encode()
    assert url in demo_path.read_bytes() + _wal(demo_path)
    demo_wb.forget(dana)
    assert url not in demo_path.read_bytes() + _wal(demo_path)  # secure_delete and an emptied WAL


def _wal(path):
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_charts_keep_their_totals_and_lose_only_that_person(demo_wb):
    dana = demo_wb.find_contact("Dana Whitfield")
    before = charts.chart_data(demo_wb, TODAY)
    their_emails = before["responses"]["contact_id"].eq(dana).sum()
    their_meetings = before["meeting_minutes"]["contact_id"].eq(dana).sum()
    demo_wb.forget(dana)
    after = charts.chart_data(demo_wb, TODAY)
    # what you did, week by week, how your network grew, and the funnel (her events keep one random
    # pseudonym, so she still counts as one person who got that far): the same totals
    pd.testing.assert_frame_equal(after["activity"], before["activity"])
    pd.testing.assert_frame_equal(after["network"], before["network"])
    pd.testing.assert_frame_equal(after["funnel"], before["funnel"])
    assert before["funnel"]["people"].iloc[5] >= 1  # the demo's funnel reaches "thanked": not a trivial equality
    pseudonyms = {d["anonymized"] for d in demo_wb.events()["detail"] if isinstance(d.get("anonymized"), str)}
    assert len(pseudonyms) == 1 and "Dana" not in next(iter(pseudonyms))
    # per-message and per-meeting charts lose exactly her rows
    assert len(before["responses"]) - len(after["responses"]) == their_emails >= 1
    assert len(before["meeting_minutes"]) - len(after["meeting_minutes"]) == their_meetings == 1
    other = before["responses"][before["responses"]["contact_id"] != dana].reset_index(drop=True)
    pd.testing.assert_frame_equal(after["responses"].reset_index(drop=True), other)


def test_people_they_referred_stay_without_the_link(demo_wb):
    jordan = demo_wb.find_contact("Jordan Pike")
    referrer = int(demo_wb.contact(jordan)["referred_by"])
    named = [e for e in demo_wb.events(contact_id=jordan)["detail"] if e.get("referred_by") == referrer]
    assert named  # her contact_added event names who introduced her
    summary = demo_wb.forget(referrer)
    assert summary.referrals_cleared == 1 and summary.events_unlinked == len(named)
    assert demo_wb.contact(jordan)["referred_by"] is None
    details = demo_wb.events(contact_id=jordan)["detail"]
    assert not any(d.get("referred_by") == referrer for d in details)
    assert any(d.get("anonymized") and "referred_by" in d for d in details)  # the key stays, emptied
    assert jordan in demo_wb.contacts()["id"].tolist()


def test_forget_removes_merges_that_name_them_even_after_an_undo(new_wb):
    fix = "tests/fixtures/merge/"
    new_wb.import_contacts(fix + "linkedin_three_people.csv")
    new_wb.import_contacts(fix + "google_same_people.csv")
    new_wb.import_contacts(fix + "vcard_same_email.vcf")
    merges = new_wb.merges()
    acme = int(merges["contact_id"].iloc[0])
    split = new_wb.undo_merge(int(merges["id"].iloc[0]))  # the vCard record is someone of its own now
    plan = new_wb.forget(split, dry_run=True)
    assert plan.rows["merges"] == 1  # the merge row names Ana at Acme but concerns the split record
    new_wb.forget(split)
    assert len(new_wb.merges()) == len(merges) - 1
    assert acme in new_wb.contacts()["id"].tolist()
    new_wb.forget(acme)
    assert new_wb.merges().empty
    assert new_wb._conn.execute("SELECT count(*) FROM merges").fetchone()[0] == 0


def test_mentions_in_other_text_are_counted_and_left(new_wb):
    ada = new_wb.add_contact("Ada", "Lovelace", company="Engines")
    bob = new_wb.add_contact("Bob", "Babbage", notes="Colleague of ada lovelace at Engines")
    new_wb.add_research(bob, "note", "Worked with Ada Lovelace", source_url="https://x.test")
    plan = new_wb.forget(ada, dry_run=True)
    assert plan.mentions == {"contacts": 1, "research": 1}
    assert "left as written" in str(plan)
    new_wb.forget(ada)
    assert new_wb.contact(bob)["notes"] == "Colleague of ada lovelace at Engines"


def test_a_failure_halfway_changes_nothing(demo_wb, monkeypatch):
    dana = demo_wb.find_contact("Dana Whitfield")
    before = demo_wb.all_tables()
    demo_wb._conn.execute("PRAGMA secure_delete = 0")  # this build's default is 1; make the change visible

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Workbook, "_event", boom)  # after every delete and update, before the commit
    with pytest.raises(RuntimeError):
        demo_wb.forget(dana)
    after = demo_wb.all_tables()
    assert all(before[t].equals(after[t]) for t in before)
    assert demo_wb._conn.execute("PRAGMA secure_delete").fetchone()[0] == 0  # the setting is put back


def test_the_log_stays_append_only_except_for_anonymizing(demo_wb):
    c = demo_wb._conn
    eid, cid = c.execute("SELECT id, contact_id FROM events WHERE contact_id IS NOT NULL LIMIT 1").fetchone()
    refused = [
        "UPDATE events SET kind = 'x' WHERE id = ?",
        "UPDATE events SET at = '2000-01-01T00:00:00+00:00', detail = '{\"anonymized\": true}' WHERE id = ?",
        "UPDATE events SET contact_id = contact_id + 1, detail = '{\"anonymized\": true}' WHERE id = ?",
        "UPDATE events SET contact_id = NULL WHERE id = ?",  # not marked anonymized
        "UPDATE events SET detail = 'not json' WHERE id = ?",
        "DELETE FROM events WHERE id = ?",
    ]
    for sql in refused:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            c.execute(sql, (eid,))
    c.execute("UPDATE events SET contact_id = NULL, ref_id = NULL, detail = '{\"anonymized\": true}' WHERE id = ?",
              (eid,))
    assert c.execute("SELECT contact_id, detail FROM events WHERE id = ?", (eid,)).fetchone() == \
        (None, '{"anonymized": true}')
    assert cid is not None


def test_backups_that_hold_them_are_listed_and_can_be_dropped(demo_wb):
    held = demo_wb.backup("before")
    dana = demo_wb.find_contact("Dana Whitfield")
    kept = demo_wb.add_contact("Later", "Person")
    plan = demo_wb.forget(kept, dry_run=True)
    assert plan.backups == []  # the backup was taken before this person was added
    plan = demo_wb.forget(dana, dry_run=True)
    assert plan.backups == [held] and "1 backup still holds them" in str(plan)
    done = demo_wb.forget(dana, drop_backups=True)
    assert not held.exists() and "were deleted" in str(done)


def test_forget_on_a_migrated_version_2_workbook(tmp_path, monkeypatch):
    path = tmp_path / "workbook.sqlite"
    with monkeypatch.context() as m:
        m.setattr(schema, "SCHEMA_VERSION", 2)
        m.setattr(schema, "_MIGRATIONS", schema._MIGRATIONS[:2])
        with Workbook.open(path) as wb:
            cid = wb.add_contact("Dana", "Whitfield")
            wb.set_target(cid)
            with pytest.raises(sqlite3.IntegrityError):  # v2: no update at all
                wb._conn.execute("UPDATE events SET contact_id = NULL, detail = '{\"anonymized\": 1}'")
    with Workbook.open(path) as wb:
        wb.forget(cid)
        assert wb.events()["contact_id"].isna().all() and len(wb.events()) == 3


def test_forget_an_unknown_contact_raises_and_changes_nothing(demo_wb):
    counts = demo_wb.table_counts()
    with pytest.raises(NotFoundError, match="no contact with id 9999"):
        demo_wb.forget(9999)
    assert demo_wb.table_counts() == counts


# ---------------------------------------------------------------- command line
def test_cli_forget_shows_what_goes_and_asks(demo_path, capsys, monkeypatch):
    wb = str(demo_path)
    monkeypatch.setattr("builtins.input", lambda _prompt: "")
    assert main(["forget", "Dana Whitfield", "--workbook", wb]) == 1
    out = capsys.readouterr().out
    assert "Will forget Dana Whitfield" in out and "nothing changed" in out
    with Workbook.open(demo_path) as w:
        dana = w.find_contact("Dana Whitfield")
    assert main(["forget", str(dana), "--workbook", wb, "--yes"]) == 0
    assert "Forgot Dana Whitfield" in capsys.readouterr().out
    assert main(["forget", "Dana Whitfield", "--workbook", wb, "--yes"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no contact named 'Dana Whitfield'" in err[0]


def test_event_details_stay_valid_json_after_forget(demo_wb):
    demo_wb.forget(demo_wb.find_contact("Dana Whitfield"))
    for (detail,) in demo_wb._conn.execute("SELECT detail FROM events WHERE detail IS NOT NULL"):
        assert isinstance(json.loads(detail), dict)
