"""Research: common ground with evidence, facts already online, readiness, and the two-attempts rule."""

from __future__ import annotations

import pandas as pd
import pytest

from infoview_kit.base.errors import InputFormatError
from infoview_kit.research.facts import common_ground, online_facts, readiness

PROFILE = {"schools": ["Lakeside University"], "employers": ["Northwind Foods"], "interests": ["cycling"],
           "groups": ["Riverton Data Meetup"], "city": "Riverton", "target_industry": "data analytics",
           "target_roles": ["Data Analyst"]}


def _research(*items):
    cols = ["kind", "title", "organization", "source_url"]
    return pd.DataFrame([dict(zip(cols, item, strict=False)) for item in items], columns=cols)


@pytest.mark.parametrize("items, contact, referrer, kind, evidence", [
    ([("education", "BA Economics", "Lakeside University", "https://x.test/a")], {}, None,
     "school", "BA Economics, Lakeside University"),
    ([("experience", "Shift Lead", "Northwind Foods Inc.", "https://x.test/b")], {}, None,
     "employer", "Shift Lead at Northwind Foods Inc."),
    ([("interest", "cycling", None, "https://x.test/c")], {}, None, "interest", "cycling"),
    ([("interest", "Riverton Data Meetup", None, "https://x.test/d")], {}, None, "group", "Riverton Data Meetup"),
    ([("experience", "Data Analyst", "Bluefin", None), ("experience", "Store Clerk", "Greenleaf", None)], {}, None,
     "career_move", "moved from store clerk into data analyst"),
    ([], {"where_found": "Riverton meetup"}, None, "city", "Riverton"),
    ([], {}, {"first_name": "Priya", "last_name": "Raman"}, "mutual_contact", "referred by Priya Raman"),
])
def test_each_kind_of_common_ground_with_its_evidence(items, contact, referrer, kind, evidence):
    found = common_ground(PROFILE, contact, _research(*items), referrer=referrer)
    row = found[found["kind"] == kind].iloc[0]
    assert row["evidence"] == evidence
    assert row["sentence"].endswith(".")
    if items and items[0][3]:
        assert row["source_url"] == items[0][3]


def test_no_common_ground_is_an_empty_frame():
    assert common_ground(PROFILE, {}, _research(("interest", "sailing"))).empty


def test_strongest_common_ground_first(demo_wb):
    found = demo_wb.common_ground(demo_wb.find_contact("Jordan Pike"))
    assert found["kind"].iloc[0] == "mutual_contact"


def test_online_facts_are_positions_and_education():
    facts = online_facts(_research(("experience", "Data Analyst", "Bluefin"), ("accomplishment", "an award"),
                                   ("education", "BA", "Lakeside University")))
    assert facts == ["Position \u2014 Data Analyst at Bluefin", "Education \u2014 BA at Lakeside University"]


def test_readiness_says_what_is_missing(demo_wb):
    ready = readiness(demo_wb).set_index("name")
    assert ready.loc["Dana Whitfield", "ready"]  # an accomplishment, a career move in common, a profile link
    marcus = ready.loc["Marcus Oyelaran"]
    assert not marcus["ready"] and "find what they have attained" in marcus["missing"]
    chosen = demo_wb.contacts().dropna(subset=["stage"])
    assert set(ready.index) == set(chosen["first_name"] + " " + chosen["last_name"])


def test_never_more_than_two_attempts_per_person(new_wb):
    cid = new_wb.add_contact("Ada", "Lovelace")
    new_wb.mark_sent(new_wb.save_draft(cid, "outreach", "Advice", "Hello"), at="2026-11-02T15:00:00+00:00")
    new_wb.mark_sent(new_wb.save_draft(cid, "nudge", "Following up", "Hi again"), at="2026-11-11T15:00:00+00:00")
    third = new_wb.save_draft(cid, "nudge", "Following up again", "Hi once more")
    with pytest.raises(InputFormatError, match="never more than two attempts"):
        new_wb.mark_sent(third)
    assert new_wb.message(third)["status"] == "draft"
