"""Tests for infoview_kit.research.facts: the workbook-bound steps (record_fact, common_ground_with, standing)."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from infoview_kit.research.facts import COMMON_GROUND_COLUMNS, common_ground_with, record_fact, standing


def test_nobody_or_nothing_records_nothing(demo_wb):
    before = len(demo_wb.research())
    assert record_fact(demo_wb, None, "interest", "cycling") is None
    assert record_fact(demo_wb, 1, "interest", "") is None
    assert len(demo_wb.research()) == before


def test_record_fact_adds_research(demo_wb):
    rid = record_fact(demo_wb, 1, "interest", "cycling", source_url="https://example.org/club")
    assert rid is not None
    item = demo_wb.research(1).set_index("id").loc[rid]
    assert (item["title"], item["source_url"]) == ("cycling", "https://example.org/club")


def test_common_ground_with_nobody_is_empty_and_with_someone_is_the_workbook_s(demo_wb):
    empty = common_ground_with(demo_wb, None)
    assert empty.empty and list(empty.columns) == COMMON_GROUND_COLUMNS
    for cid in demo_wb.contacts()["id"].head(10):
        assert_frame_equal(common_ground_with(demo_wb, int(cid)), demo_wb.common_ground(int(cid)))


def test_standing_names_the_stage_and_the_newest_message_sent(demo_wb):
    sent = demo_wb.messages()
    sent = sent[sent["status"] != "draft"]
    cid = int(sent["contact_id"].iloc[0])
    where = standing(demo_wb, cid)
    assert where["stage"] >= 0 and where["last_sent"] is not None
    assert pd.Timestamp(where["last_sent"]["sent_at"]) == pd.Timestamp(
        sent[sent["contact_id"] == cid]["sent_at"].max())
    nobody = demo_wb.add_contact("Nia", "Okafor", company="Elsewhere")
    assert standing(demo_wb, nobody) == {"stage": -1, "last_sent": None}
