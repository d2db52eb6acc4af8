"""Tests for the steps notebook 04 calls without guards: each takes no meeting (None) and gives an
empty result, and with a meeting gives what the notebook shows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit import interview
from infoview_kit.interview.plan import PLAN_COLUMNS, SAVED_PLAN_COLUMNS
from infoview_kit.interview.questions import load_bank, text_key
from infoview_kit.research.known import dossier

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


def log_helen(wb) -> int:
    mid = interview.pick_meeting(wb, "Helen Whitaker")
    interview.log_meeting_notes(wb, mid, actual_start="14:02", actual_end="14:29",
                                advice="Apply to the spring analyst cohort.", at=NOW)
    return mid


def test_no_meeting_chosen_gives_empty_results(demo_wb, tmp_path):
    assert list(interview.ensure_plan(demo_wb, None).columns) == SAVED_PLAN_COLUMNS
    suggested = interview.plan_for_meeting(demo_wb, None)
    assert suggested.empty and list(suggested.columns) == PLAN_COLUMNS
    assert suggested.loc[~suggested["included"], ["theme", "text", "online_reason"]].empty
    assert interview.brief_html(demo_wb, None) == ""
    assert interview.meeting_log_table(demo_wb, None).empty
    assert interview.meeting_followups(demo_wb, None).empty
    assert "kind" in interview.meeting_followups(demo_wb, None).columns
    assert interview.after_meeting(demo_wb, None, at=NOW) is None
    assert interview.closing_note(demo_wb, None, None) == ""
    assert interview.thank_you_check(demo_wb, None) == ""
    assert interview.log_summary(demo_wb, None) == ""
    assert interview.take_away_files(demo_wb, None, now=NOW) == ""


def test_meetings_summary_counts_by_status_or_says_how_to_start(demo_wb, new_wb):
    assert interview.meetings_summary(interview.meetings_overview(new_wb)).startswith("No meetings yet")
    summary = interview.meetings_summary(interview.meetings_overview(demo_wb))
    assert summary.startswith(f"{len(demo_wb.meetings())} meetings: ") and "confirmed" in summary


def test_meeting_choices_keep_only_the_statuses_asked_for(demo_wb):
    every = interview.meeting_choices(demo_wb, now=NOW)
    ahead = interview.meeting_choices(demo_wb, now=NOW, statuses=("proposed", "confirmed"))
    assert ahead == [c for c in every if c[0].endswith((", proposed", ", confirmed"))] and ahead


def test_a_meeting_not_held_yet_is_not_closed_and_says_so(demo_wb):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    assert interview.after_meeting(demo_wb, mid, at=NOW) is None
    assert interview.closing_note(demo_wb, mid, None).startswith("Not held yet")
    assert interview.meeting_thank_you(demo_wb, mid) is None


def test_a_held_meeting_is_closed_its_thank_you_checked_and_handed_over(demo_wb, tmp_path):
    mid = log_helen(demo_wb)
    closing = interview.after_meeting(demo_wb, mid, at=NOW)
    assert closing is not None and closing.thank_you
    assert interview.closing_note(demo_wb, mid, closing).startswith("Hi Helen")
    assert interview.thank_you_check(demo_wb, closing).startswith("score ")
    assert interview.meeting_thank_you(demo_wb, mid)["id"] == closing.thank_you
    assert interview.take_away_files(demo_wb, None, now=NOW, closing=closing).startswith("mailto:")
    names = interview.take_away_files(demo_wb, tmp_path / "out", now=NOW, meeting_id=mid).splitlines()
    assert f"{closing.thank_you:04d}-thank_you-Helen_Whitaker.eml" in names
    assert sorted(names) == sorted(p.name for p in (tmp_path / "out").iterdir())
    table = interview.meeting_log_table(demo_wb, mid)
    assert table.loc["status", "logged"] == "held" and table.loc["advice", "logged"].startswith("Apply")


def test_log_summary_gives_times_in_the_meeting_zone(demo_wb):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    logged = interview.log_from_parameters(demo_wb, mid, start="14:02", end="14:29", at=NOW)
    assert "CST" in interview.log_summary(demo_wb, logged)


def test_the_bank_is_public_and_its_helpers_say_what_they_do():
    bank = load_bank()
    assert "closing" in bank.themes and all(q.theme in bank.themes for q in bank.questions)
    assert text_key("  How   did YOU start? ") == text_key("how did you start?")
    known = dossier([{"kind": "education", "title": "MSc Data Science", "organization": "UCL"},
                     {"id": 7, "kind": "experience", "title": "Data analyst", "organization": "Acme Corp",
                      "start": "2019-06", "end": "2022"}])
    assert str(known.first_position) == "Position \u2014 Data analyst at Acme Corp, 2019-06 to 2022 (research item 7)"
    assert dossier([{"kind": "education", "title": "BA Economics", "organization": "Leeds"}]).first_position is None


def test_logged_answers_cover_the_plan_then_answers_kept_off_it(demo_wb):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    plan = interview.ensure_plan(demo_wb, mid)
    first = str(plan["text"].iloc[0])
    interview.log_meeting_notes(demo_wb, mid, answers={first: "Through a friend."})
    interview.replan(demo_wb, mid, dropped=[first])
    from infoview_kit.interview.log import logged_answers

    answers = logged_answers(demo_wb, mid)
    assert list(answers)[-1] == first and answers[first] == "Through a friend."
    assert isinstance(pd.Series(answers).iloc[0], str)
