"""One story per person: stages, follow-ups, charts and the written reading derive from one model of
what happened (issue 12, Deliver 1). The reported scenario end to end, then property tests over random
sequences of actions on a fresh workbook."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from infoview_kit import charts, followups
from infoview_kit.cli import main
from infoview_kit.store import Workbook

CHICAGO = ZoneInfo("America/Chicago")
ROUTINE = ("second_contact", "nudge")


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def _profile(wb: Workbook) -> None:
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US", signature="Ada")


def _send_outreach(wb: Workbook, cid: int, at: dt.datetime) -> int:
    first = wb.contact(cid)["first_name"]
    mid = wb.save_draft(cid, "outreach", "A question", f"Hi {first},\nA short question.\nBest,\nAda", at=at)
    wb.mark_sent(mid, at=at)
    return mid


# ---------------------------------------------------------------------------- the reported scenario

def test_sent_met_thanked_and_introduced_two_is_a_story_without_a_no_reply_step(tmp_path, capsys):
    path = tmp_path / "maya.sqlite"
    with Workbook.open(path) as wb:
        _profile(wb)
        maya = wb.add_contact("Maya", "Lindqvist", company="Cobalt Health", position="Clinical Research Associate",
                              at=local("2026-11-02T08:00"))
        wb.set_target(maya, at=local("2026-11-02T08:05"))
        _send_outreach(wb, maya, local("2026-11-02T09:00"))  # Mon 2 Nov; no reply recorded, ever
        meeting = wb.schedule_meeting(maya, "2026-11-10T10:00", duration_min=30, at=local("2026-11-03T12:00"))
        wb.log_meeting(meeting, actual_start="2026-11-10T10:00", actual_end="2026-11-10T10:30")
        thanks = followups.due(wb, "2026-11-10")
        key = thanks.loc[thanks["kind"] == "thank_you", "key"].iloc[0]
        followups.mark_done(wb, key, at=local("2026-11-10T16:00"))  # the board's Done on the thank-you
        for first in ("Omar", "Lena"):
            wb.add_contact(first, "Introduced", company="Cobalt Health", referred_by=maya,
                           at=local("2026-11-12T09:00"))
    for day in ("2026-11-12", "2026-11-25"):
        assert main(["due", "--workbook", str(path), "--today", day]) == 0
        out = capsys.readouterr().out
        mine = [line for line in out.splitlines() if "Maya Lindqvist" in line]
        assert not any(re.search("second person|short follow-up", line) for line in mine), out
    with Workbook.open(path) as wb:
        open_items = followups.open_followups(wb, "2026-11-25")
        assert not open_items[open_items["contact_id"] == maya]["kind"].isin(ROUTINE).any()
        data = charts.chart_data(wb, "2026-11-25")
        funnel = data["funnel"].set_index("stage")["people"]
        assert (funnel["replied"], funnel["met"], funnel["thanked"]) == (1, 1, 1)
        assert wb.contacts().set_index("id").loc[maya, "stage"] == "thanked"
        resp = data["responses"].set_index("contact_id").loc[maya]
        # her answer: the meeting scheduled on Tue 3 Nov, the next business day
        assert resp["response"] == "quick" and resp["business_days"] == 1
        assert data["activity"]["thank-yous"].sum() == 1
        hist = followups.followup_history(wb, "2026-11-25")
        assert not hist["kind"].isin(ROUTINE).any()  # settled by her answer: neither done nor missed
        assert hist.loc[hist["kind"] == "thank_you", "outcome"].tolist() == ["on_time"]
        text = charts.reading(data, followups.due(wb, "2026-11-25"))
        assert "Follow-ups: 1 of 1 done were on time" in text
        assert "went on to 'thanked'" not in text  # nobody met went un-thanked


def test_the_reading_does_not_call_a_thank_you_not_yet_due_the_narrowest_step(new_wb):
    wb = new_wb
    _profile(wb)
    cids = [wb.add_contact(n, "Tester", company=f"{n} Co", at=local("2026-11-02T08:00")) for n in ("Ann", "Ben")]
    for cid in cids:
        wb.set_target(cid, at=local("2026-11-02T08:05"))
        mid = _send_outreach(wb, cid, local("2026-11-02T09:00"))
        wb.mark_replied(mid, at=local("2026-11-03T09:00"))
        meeting = wb.schedule_meeting(cid, "2026-11-24T10:00", at=local("2026-11-03T10:00"))
        wb.log_meeting(meeting, actual_start="2026-11-24T10:00", actual_end="2026-11-24T10:30")
    data = charts.chart_data(wb, "2026-11-24")  # met today: the thank-yous are due tomorrow
    funnel = data["funnel"].set_index("stage")
    assert (funnel.loc["thanked", "people"], funnel.loc["thanked", "waiting"]) == (0, 2)
    text = charts.reading(data, followups.due(wb, "2026-11-24"))
    assert "went on to 'thanked'" not in text and "only 0%" not in text
    # two days on, the thank-yous were due and not sent: now it is the narrowest step
    data = charts.chart_data(wb, "2026-11-26")
    assert data["funnel"].set_index("stage").loc["thanked", "waiting"] == 0
    text = charts.reading(data, followups.due(wb, "2026-11-26"))
    assert "only 0% of the people met went on to 'thanked' (0 of 2)" in text.split("**Stuck or slipping**")[1]
