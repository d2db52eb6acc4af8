"""The demo workbook: deterministic, and the story it tells (numbers worked out from history.jsonl)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest

from infoview_kit.base.errors import InputFormatError
from infoview_kit.demo import build_demo
from infoview_kit.reports.charts import activity_data, funnel_data
from infoview_kit.workbook import Workbook

TODAY = dt.date(2026, 11, 25)


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_build_is_deterministic(demo_master, tmp_path):
    again = build_demo(tmp_path / "again.sqlite")
    assert _dump(again) == _dump(demo_master)


def test_demo_counts(demo_wb):
    counts = demo_wb.table_counts()
    # 59 people in Connections.csv (+1 hidden member, skipped) and Jordan Pike, added by referral
    assert counts["contacts"] == 60
    # 9 meetings scheduled, 7 held (Helen's of 24 Nov is not logged yet; Kenji's is on 1 Dec)
    meetings = demo_wb.meetings()
    assert len(meetings) == 9
    assert (meetings["status"] == "held").sum() == 7
    assert demo_wb.contact(demo_wb.find_contact("Jordan Pike"))["referred_by"] == \
        demo_wb.find_contact("Priya Raman")


def test_funnel_of_the_demo(demo_wb):
    # by hand from history.jsonl: 15 people chosen (11 on 1-2 Sep, Marcus, Jordan, Victor, Helen),
    # all researched; 14 emailed (not Marcus: a draft only); 9 replied (Mateo, Aisha, Priya,
    # Hannah, Dana, Jordan, Anika, Kenji, Helen); 7 met and 7 thanked; 3 sent an update.
    funnel = funnel_data(demo_wb, TODAY)
    assert funnel["people"].tolist() == [15, 15, 14, 9, 7, 7, 3]
    assert funnel["conversion"].iloc[3] == pytest.approx(9 / 14)


def test_activity_of_the_demo(demo_wb):
    act = activity_data(demo_wb, TODAY).set_index("week")
    assert len(act) == 13  # weeks starting 31 Aug to 23 Nov
    # 14 first emails + 3 nudges; 7 meetings; 7 thank-yous; 3 updates
    assert act.sum().to_dict() == {"emails": 17, "meetings": 7, "thank-yous": 7, "updates": 3}
    # week of 14 Sep: Hannah, Grace, Luis emailed and Dana nudged; Mateo and Aisha met and thanked
    assert act.loc[dt.date(2026, 9, 14)].tolist() == [4, 2, 2, 0]
    assert act.loc[dt.date(2026, 10, 26)].tolist() == [0, 0, 0, 0]


def test_thank_yous_on_time_and_late(demo_wb):
    fu = demo_wb.followups()
    thanks = fu[fu["kind"] == "thank_you"]
    late = thanks[thanks["done_at"] > thanks["due_at"]]
    assert sorted(late["name"]) == ["Aisha Bello", "Anika Chowdhury"]
    assert len(thanks) == 7


def test_open_follow_ups_on_demo_day(demo_wb):
    fu = demo_wb.followups()
    open_due = fu[fu["done_at"].isna() & (fu["due_at"] < pd.Timestamp(TODAY, tz="UTC"))]
    # no reply from Grace, Luis, Sam, Felix, Victor: second contacts and unsent nudges
    assert sorted(zip(open_due["name"], open_due["kind"], strict=True)) == [
        ("Felix Hartmann", "nudge"), ("Felix Hartmann", "second_contact"),
        ("Grace Abernathy", "second_contact"), ("Luis Ferreira", "nudge"),
        ("Luis Ferreira", "second_contact"), ("Sam Okonkwo", "second_contact"),
        ("Victor Nakamura", "second_contact")]


def test_a_bad_history_line_is_named_and_the_old_demo_survives(tmp_path):
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "profile.json").write_text(json.dumps({"name": "Test", "timezone": "UTC"}))
    (sample / "history.jsonl").write_text('{"at": "2026-01-01T09:00", "do": "target", "who": "Nobody Here"}\n')
    target = tmp_path / "demo.sqlite"
    target.write_bytes(b"")
    with Workbook.open(target):
        pass
    before = target.read_bytes()
    with pytest.raises(InputFormatError, match=r"history.jsonl, line 1: .*Nobody Here"):
        build_demo(target, sample=sample)
    assert target.read_bytes() == before
    assert list(tmp_path.glob(".demo-*")) == []
