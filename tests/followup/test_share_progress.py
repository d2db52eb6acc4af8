"""The progress summary a participant shares: exact counts on the demo, and proof that it holds nothing private."""

# Counts worked out by hand from data/sample/history.jsonl (times are America/Chicago). ISO weeks of
# 2026: W36 starts Mon 31 Aug, W37 7 Sep, W38 14 Sep ... W48 23 Nov (the demo's today, Wed 25 Nov).

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from infoview_kit import store
from infoview_kit.base.errors import InputFormatError, SummaryFormatError
from infoview_kit.cli import main
from infoview_kit.reports import summary as shared
from infoview_kit.store import PROFILE_FIELDS, schema
from infoview_kit.workbook import Workbook

TODAY = dt.date(2026, 11, 25)
ZERO = dict.fromkeys(shared.METRICS, 0)


def week(label: str, **counts: int) -> dict[str, object]:
    return {"week": label, **ZERO, **counts}


def test_summary_of_the_demo(demo_path):
    with Workbook.open(demo_path, read_only=True) as wb:
        s = shared.progress_summary(wb, TODAY)
    assert s["schema_version"] == 1 and s["alias"] == "participant" and s["today"] == "2026-11-25"
    # the last event: Marcus Oyelaran's draft, Fri 20 Nov (Helen's meeting of 24 Nov is not logged)
    assert s["last_activity"] == "2026-11-20"
    # the funnel of test_demo: 15 chosen, 15 researched, 14 emailed, 9 replied, 7 met and thanked, 3 updated
    assert s["stages"] == {"identified": 15, "researched": 15, "emailed": 14, "replied": 9, "met": 7, "thanked": 7,
                           "kept_in_touch": 3}
    # first emails: Dana, Priya (Tue 8 Sep), Mateo, Aisha (Wed 9) | Hannah (14), Grace (15), Luis (16) | Jordan
    # (28 Sep) | Kenji (5 Oct), Anika (6), Sam (7), Felix (8) | Helen (5 Nov) | Victor (19 Nov): 14.
    # Nudges: Dana (17 Sep), Grace (24 Sep), Sam (16 Oct). Replies: Mateo, Aisha (10 Sep) | Priya (15),
    # Hannah (16) | Dana (21) | Jordan (29) | Anika (8 Oct) | Kenji (20 Oct) | Helen (6 Nov): 9.
    # Meetings held: Mateo (16 Sep), Aisha (17) | Priya (23) | Hannah (29) | Dana (6 Oct) | Jordan (14) | Anika (21).
    # Thank-yous, by the week each fell due (24 h after the meeting): Mateo's on time (due 17 Sep), Aisha's late
    # (due Fri 18 Sep 15:28, sent Sat 19) | Priya's (24 Sep) | Hannah's (30 Sep) | Dana's (7 Oct) | Jordan's
    # (15 Oct) on time | Anika's late (due 22 Oct, sent 23). Updates: Mateo (20 Oct), Priya (10 Nov), Aisha (17 Nov).
    # Overdue on 25 Nov, by the week each fell due: Grace's second contact (Fri 18 Sep) | Luis's second contact and
    # nudge | Sam's and Felix's second contacts | Felix's nudge | Hannah's keep-in-touch (30 Oct) | Dana's (6 Nov) |
    # Jordan's (13 Nov) | Mateo's (19 Nov) | Anika's check-in (Mon 23), Victor's second contact (Tue 24) and logging
    # Helen's meeting (24 Nov): 13. The six referral asks lapsed (written to since, or their check-in came due):
    # they are not overdue now.
    assert s["totals"] == {"emails_sent": 14, "nudges_sent": 3, "replies": 9, "meetings_held": 7,
                           "thank_yous_on_time": 5, "thank_yous_late": 2, "updates_sent": 3, "overdue_followups": 13}
    assert s["weeks"] == [
        week("2026-W36"),
        week("2026-W37", emails_sent=4, replies=2),
        week("2026-W38", emails_sent=3, nudges_sent=1, replies=2, meetings_held=2, thank_yous_on_time=1,
             thank_yous_late=1, overdue_followups=1),
        week("2026-W39", nudges_sent=1, replies=1, meetings_held=1, thank_yous_on_time=1, overdue_followups=2),
        week("2026-W40", emails_sent=1, replies=1, meetings_held=1, thank_yous_on_time=1),
        week("2026-W41", emails_sent=4, replies=1, meetings_held=1, thank_yous_on_time=1),
        week("2026-W42", nudges_sent=1, meetings_held=1, thank_yous_on_time=1, overdue_followups=2),
        week("2026-W43", replies=1, meetings_held=1, thank_yous_late=1, updates_sent=1, overdue_followups=1),
        week("2026-W44", overdue_followups=1),
        week("2026-W45", emails_sent=1, replies=1, overdue_followups=1),
        week("2026-W46", updates_sent=1, overdue_followups=1),
        week("2026-W47", emails_sent=1, updates_sent=1, overdue_followups=1),
        week("2026-W48", overdue_followups=3),
    ]


def test_summary_of_the_demo_on_an_earlier_day(demo_wb):
    s = shared.progress_summary(demo_wb, "2026-09-20", alias="Alex")
    # by Sun 20 Sep: 12 chosen (11 on 1-2 Sep, Marcus on 14 Sep); researched: the 7 emailed and Marcus; 4 replies
    # (Mateo, Aisha, Priya, Hannah); 2 met and thanked (Mateo on time, Aisha late). Overdue: Grace's second contact
    # (day 3 after Tue 15 Sep: Fri 18 Sep); Luis's (emailed Wed 16) falls due on Mon 21.
    # The last event: Aisha's thank-you, Sat 19 Sep.
    assert (s["alias"], s["today"], s["last_activity"]) == ("Alex", "2026-09-20", "2026-09-19")
    assert list(s["stages"].values()) == [12, 8, 7, 4, 2, 2, 0]
    assert s["totals"] == {"emails_sent": 7, "nudges_sent": 1, "replies": 4, "meetings_held": 2,
                           "thank_yous_on_time": 1, "thank_yous_late": 1, "updates_sent": 0, "overdue_followups": 1}
    assert [w["week"] for w in s["weeks"]] == ["2026-W36", "2026-W37", "2026-W38"]


def test_a_new_workbook_has_an_empty_summary(new_wb):
    s = shared.progress_summary(new_wb, TODAY)
    assert s["weeks"] == [] and s["last_activity"] is None and set(s["totals"].values()) == {0}
    assert shared.check_summary(s) is s


# ---------------------------------------------------------------------------- no private data

SAFE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{4}-W\d{2})$")


def _strings(value: object, keys: list[str], strings: list[str]) -> None:
    """Every key and every string value in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            keys.append(k)
            _strings(v, keys, strings)
    elif isinstance(value, list):
        for v in value:
            _strings(v, keys, strings)
    elif isinstance(value, str):
        strings.append(value)
    else:
        assert value is None or (isinstance(value, int) and not isinstance(value, bool)), value


def assert_counts_only(text: str, alias: str) -> None:
    """Every key is from the allow-list; every string is the alias, an ISO date or an ISO week; the rest counts."""
    assert "qz" not in text.lower(), "a private token leaked into the summary"
    keys: list[str] = []
    strings: list[str] = []
    _strings(json.loads(text), keys, strings)
    assert set(keys) <= shared.ALLOWED_KEYS, set(keys) - shared.ALLOWED_KEYS
    assert [s for s in strings if s != alias and not SAFE.match(s)] == []


@pytest.fixture
def private_wb(tmp_path) -> Path:
    """A workbook with a distinctive token ('qz...') in every text field of every table."""
    counter = iter(range(10_000))

    def tok(field: str) -> str:
        return f"qz{field.replace('_', '')}{next(counter)}x"

    path = tmp_path / "private" / "workbook.sqlite"
    csv = tmp_path / "contacts.csv"
    rows = ["First Name,Last Name,Email,Company,Position,Profile URL,Notes"]
    for _ in range(3):
        rows.append(",".join([tok("first"), tok("last"), f"{tok('mail')}@example.org", tok("company"), tok("position"),
                              f"https://www.linkedin.com/in/{tok('url')}", tok("csvnote")]))
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    at = dt.datetime(2026, 11, 2, 9, 0)
    with Workbook.open(path) as wb:
        profile = {k: ([tok(k), tok(k)] if kind == "list" else tok(k)) for k, kind in PROFILE_FIELDS.items()
                   if k not in ("country", "timezone")}
        profile["email"] = f"{tok('profilemail')}@example.org"
        profile["status"] = "working"  # one of PROFILE_STATUSES, not free text
        wb.set_profile(country="US", timezone="America/Chicago", at=at, **profile)
        report = wb.import_contacts(csv, at=at)
        assert report.added == 3
        employer = wb.add_employer(tok("employer"), motivation=3, posting=2, notes=tok("employernotes"))
        assert employer
        referrer = int(wb.contacts()["id"].iloc[0])
        cid = wb.add_contact(tok("first"), tok("last"), email=f"{tok('mail')}@example.org", company=tok("company"),
                             position=tok("position"), profile_url=f"https://www.linkedin.com/in/{tok('url')}",
                             how_known="referral", where_found=tok("wherefound"), notes=tok("notes"),
                             referred_by=referrer, source="referral", at=at + dt.timedelta(hours=1))
        for who in (referrer, cid):
            wb.set_target(who, at=at + dt.timedelta(hours=2))
            wb.add_research(who, "article", tok("title"), organization=tok("org"), outlet=tok("outlet"),
                            relation="by", url=f"https://example.org/{tok('url')}",
                            source_url=f"https://example.org/{tok('src')}", notes=tok("researchnotes"),
                            at=at + dt.timedelta(hours=3))
            mid = wb.save_draft(who, "outreach", tok("subject"), tok("body"), template=tok("template"),
                                at=at + dt.timedelta(hours=4))
            wb.mark_sent(mid, at=at + dt.timedelta(hours=5))
        wb.mark_replied(mid, at=at + dt.timedelta(days=1))
        meeting = wb.schedule_meeting(cid, dt.datetime(2026, 11, 10, 10, 0), duration_min=30, place=tok("place"),
                                      at=at + dt.timedelta(days=1, hours=1))
        wb.save_questions(meeting, pd.DataFrame({"text": [tok("question")], "theme": [tok("theme")], "minutes": [5]}))
        wb.log_meeting(meeting, actual_start=dt.datetime(2026, 11, 10, 10, 0),
                       actual_end=dt.datetime(2026, 11, 10, 10, 31), notes=tok("meetingnotes"), advice=tok("advice"),
                       next_steps=tok("nextsteps"), resources=tok("resources"))
        thanks = wb.save_draft(cid, "thank_you", tok("subject"), tok("body"), meeting_id=meeting,
                               at=dt.datetime(2026, 11, 10, 15, 0))
        wb.mark_sent(thanks, at=dt.datetime(2026, 11, 10, 15, 5))
        fid = wb.add_followup(cid, "update", dt.datetime(2026, 11, 20, 9, 0), tok("reason"))
        wb.mark_followup_done(fid, at=dt.datetime(2026, 11, 21, 9, 0))
        wb.add_followup(referrer, "checkin", dt.datetime(2026, 11, 16, 9, 0), tok("reason"))
        # every text cell of every table holds a token, or is a kind, a status, a date or a generated key
        con = wb._conn
        tokens = 0
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in con.execute(f'SELECT * FROM "{table}"').fetchall():
                tokens += sum("qz" in v for v in row if isinstance(v, str))
        assert tokens > 80
    return path


def test_the_summary_holds_counts_only(private_wb):
    with Workbook.open(private_wb, read_only=True) as wb:
        summary = shared.progress_summary(wb, TODAY)
    t = summary["totals"]
    # the tokens were really there to leak: the summary counts the activity they came with
    assert (t["emails_sent"], t["replies"], t["meetings_held"], t["thank_yous_on_time"]) == (2, 1, 1, 1)
    assert t["overdue_followups"] >= 1 and summary["stages"]["met"] == 1
    assert_counts_only(json.dumps(summary, ensure_ascii=False), "participant")


def test_share_progress_writes_counts_only_and_never_touches_the_workbook(private_wb, tmp_path, monkeypatch, capsys):
    before = private_wb.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["share-progress", "--workbook", str(private_wb), "--today", "2026-11-25"]) == 0
    out = tmp_path / "progress-2026-11-25.json"
    assert str(out.name) in capsys.readouterr().out
    assert_counts_only(out.read_text(encoding="utf-8"), "participant")
    assert main(["share-progress", "--workbook", str(private_wb), "--alias", "Team Río <3>",
                 "--out", str(tmp_path / "mine.json")]) == 0
    text = (tmp_path / "mine.json").read_text(encoding="utf-8")
    assert_counts_only(text, "Team Río <3>")
    assert private_wb.read_bytes() == before


def test_the_default_file_name_carries_the_alias_only_when_chosen():
    assert shared.default_summary_name("participant", TODAY) == "progress-2026-11-25.json"
    assert shared.default_summary_name("Team Río <3>", TODAY) == "progress-team-r-o-3-2026-11-25.json"


@pytest.mark.parametrize("alias, expected", [
    (None, "participant"), ("", "participant"), ("  Sam  ", "Sam"), ("x" * 40, "x" * 40)])
def test_alias(alias, expected):
    assert shared.check_alias(alias) == expected


@pytest.mark.parametrize("alias, message", [("x" * 41, "at most 40"), ("a\nb", "control"), ("a\u202eb", "control")])
def test_a_bad_alias_is_refused(alias, message, demo_path, capsys):
    with pytest.raises(InputFormatError, match=message):
        shared.check_alias(alias)
    assert main(["share-progress", "--workbook", str(demo_path), "--alias", alias]) == 2
    assert "alias" in capsys.readouterr().err


def test_share_progress_to_a_folder_exits_2_naming_it(demo_path, tmp_path, capsys):
    assert main(["share-progress", "--workbook", str(demo_path), "--out", str(tmp_path)]) == 2
    assert f"{tmp_path}: cannot write the summary there" in capsys.readouterr().err


def test_share_progress_without_a_workbook_exits_2(tmp_path, capsys):
    assert main(["share-progress", "--workbook", str(tmp_path / "none.sqlite")]) == 2
    assert "none.sqlite: no such workbook" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()


# ---------------------------------------------------------------------------- reading a summary back


def test_a_summary_reads_back_as_written(demo_wb, tmp_path):
    summary = shared.progress_summary(demo_wb, TODAY, alias="Robin")
    path = shared.write_summary(summary, tmp_path / "robin.json")
    assert shared.read_summary(path) == summary


def _valid() -> dict[str, object]:
    return {"schema_version": 1, "alias": "Robin", "today": "2026-11-25", "last_activity": "2026-11-20",
            "stages": dict.fromkeys(shared.STAGES, 1), "totals": dict(ZERO, emails_sent=2),
            "weeks": [week("2026-W47", emails_sent=1), week("2026-W48", emails_sent=1)]}


def _with(path: str, value: object) -> dict[str, object]:
    data = json.loads(json.dumps(_valid()))
    *parents, last = path.split(".")
    node = data
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize("data, message", [
    ([1, 2], "expected a JSON object .* found list"),
    ({"hello": "world"}, "schema_version = None: expected a progress summary"),
    (_with("schema_version", 2), "newer infoview_kit .*schema_version 2"),
    (_with("schema_version", "1"), "schema_version = '1'"),
    (_with("stages", KeyError), "missing stages"),
    (_with("name", "Alex Rivera-Quinn"), "unknown field name"),
    (_with("alias", ""), "alias = '': expected a non-empty text"),
    (_with("alias", "x" * 41), "at most 40"),
    (_with("today", "25/11/2026"), "today = '25/11/2026': expected an ISO date"),
    (_with("last_activity", 20261120), "last_activity = 20261120"),
    (_with("stages.met", -1), r"stages.met = -1: expected a count"),
    (_with("stages.met", True), r"stages.met = True"),
    (_with("stages.company", 3), "stages: unknown company"),
    (_with("totals.replies", 1.5), r"totals.replies = 1.5"),
    (_with("weeks", {}), "weeks: expected a list"),
    (_with("weeks.0.week", "2026-48"), r"weeks\[0\].week = '2026-48': expected an ISO week"),
    (_with("weeks.0.week", "2026-W60"), r"weeks\[0\].week = '2026-W60'"),
    (_with("weeks.1.week", "2026-W47"), "in order, each once"),
    (_with("weeks.1.notes", "met Dana"), r"weeks\[1\]: unknown notes"),
])
def test_a_summary_of_the_wrong_shape_is_named_with_its_field(data, message, tmp_path):
    path = tmp_path / "handed-in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SummaryFormatError, match=message) as info:
        shared.read_summary(path)
    assert str(info.value).startswith("handed-in.json")


@pytest.mark.parametrize("content, message", [
    (b"", r"line 1: not valid JSON"), (b"{\n  'a': 1}", r"line 2: not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"), (b"SQLite format 3\x00" + bytes(100), "not UTF-8|not valid JSON")])
def test_a_file_that_is_not_json_is_named(content, message, tmp_path):
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    with pytest.raises(SummaryFormatError, match=message) as info:
        shared.read_summary(path)
    assert info.value.path == str(path)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is SummaryFormatError and again.path == str(path) and str(again) == str(info.value)


def test_a_huge_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (shared.MAX_SUMMARY_BYTES + 1))
    with pytest.raises(SummaryFormatError, match="a progress summary is a few kilobytes"):
        shared.read_summary(path)


def test_the_summary_is_read_only_on_an_old_schema_workbook(demo_master, tmp_path):
    """A workbook of schema 1 is summarized in memory; its file stays as it was."""
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    try:
        con.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
        con.executescript(schema._MIGRATIONS[0])
        con.execute("PRAGMA user_version = 1")
        con.commit()
    finally:
        con.close()
    before = old.read_bytes()
    with Workbook.open(old, read_only=True) as wb:
        s = shared.progress_summary(wb, TODAY)
    assert s["weeks"] == [] and old.read_bytes() == before


def test_follow_ups_done_by_hand_count_once_as_what_they_stood_for(tmp_path):
    # a thank-you and a check-in marked done (written by hand, outside the workbook) count as sent:
    # thanked in the funnel, once in the thank-yous and the updates; a check-in sent as a message also once
    with Workbook.open(tmp_path / "hand.sqlite") as wb:
        wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US")
        at = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
        cid = wb.add_contact("Nora", "Tester", company="Nora Co", at=at)
        wb.set_target(cid, at=at)
        mid = wb.save_draft(cid, "outreach", "Hello", "Hi Nora,\nA question.\nBest,\nAda", at=at)
        wb.mark_sent(mid, at=at)
        meeting = wb.schedule_meeting(cid, dt.datetime(2026, 11, 4, 10, 0), at=at + dt.timedelta(days=1))
        wb.log_meeting(meeting, actual_start=dt.datetime(2026, 11, 4, 10, 0),
                       actual_end=dt.datetime(2026, 11, 4, 10, 30))
        thanks = int(wb.followups().query("kind == 'thank_you'")["id"].iloc[0])
        wb.mark_followup_done(thanks, at=dt.datetime(2026, 11, 4, 20, 0, tzinfo=dt.UTC))
        fid = wb.add_followup(cid, "checkin", dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC), "Check in.")
        wb.mark_followup_done(fid, at=dt.datetime(2026, 11, 16, 16, 0, tzinfo=dt.UTC))
        wb.add_followup(cid, "checkin", dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), "Check in again.")
        again = wb.save_draft(cid, "checkin", "Hello again", "Hi Nora,\nA thought.\nBest,\nAda")
        wb.mark_sent(again, at=dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC))
        summary = shared.progress_summary(wb, TODAY)
    t = summary["totals"]
    assert (t["thank_yous_on_time"], t["thank_yous_late"], t["updates_sent"]) == (1, 0, 2)
    assert summary["stages"]["thanked"] == 1 and summary["stages"]["kept_in_touch"] == 1
    assert summary["stages"]["replied"] == 1  # a meeting was scheduled: she answered
