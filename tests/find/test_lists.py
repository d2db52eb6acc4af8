"""Tests for infoview_kit.find.targets' lists the widgets show: everyone ranked, employers to rate, search words."""

from __future__ import annotations

import pandas as pd

from infoview_kit.find.people import matching
from infoview_kit.find.targets import employers_to_rate, rank_everyone, rank_people


def test_rank_everyone_is_rank_people_over_the_workbook(demo_wb):
    ranked = rank_everyone(demo_wb, top=None)
    assert list(ranked["id"]) == list(rank_people(demo_wb.contacts(), demo_wb.profile(), top=None)["id"])
    assert len(rank_everyone(demo_wb, top=3)) == 3


def test_employers_to_rate_pinned_then_rated_then_by_contacts(demo_wb):
    table = employers_to_rate(demo_wb)
    assert not table["excluded"].any() and table.index.equals(pd.Index(table["id"]))
    rated = table["rated"].tolist()
    pinned = table["pinned"].tolist()
    assert pinned == sorted(pinned, reverse=True)
    unpinned = [r for r, p in zip(rated, pinned, strict=True) if not p]
    assert unpinned == sorted(unpinned, reverse=True)


def test_matching_keeps_rows_holding_every_word():
    frame = pd.DataFrame({"hay": ["bluefin analytics", "cobalt health", "blue river health"]})
    assert list(matching(frame, "")["hay"]) == list(frame["hay"])
    assert list(matching(frame, "Blue")["hay"]) == ["bluefin analytics", "blue river health"]
    assert list(matching(frame, "blue HEALTH")["hay"]) == ["blue river health"]
    assert matching(frame, "nowhere").empty
