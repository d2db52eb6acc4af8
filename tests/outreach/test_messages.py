"""Notebook 03's step functions: an empty selection (nobody chosen yet) gives empty results, so the notebook needs
no guard; a person gives the draft, its check, the saved message and its file."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import infoview_kit as ik
from infoview_kit.followup.pending import reminders_for
from infoview_kit.outreach import messages, present
from infoview_kit.outreach.mail import plain_text

NOW = dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC)


def test_nobody_chosen_gives_empty_results(new_wb, tmp_path):
    assert messages.open_person(new_wb) is None
    draft = messages.current_draft(new_wb, None, "")
    assert draft is None
    assert "Nobody to write to yet" in present.draft_html(draft)
    assert present.blanks_line(draft) == "No blanks left."
    result = messages.check_draft(new_wb, None, draft, rules="classic")
    assert result is None and present.score_line(result) == ""
    assert list(present.findings_table(result).columns) == ["rule", "passed", "message"]
    assert present.findings_table(result).empty
    mid = messages.save_current_draft(new_wb, None, draft, at=NOW)
    assert mid is None
    assert messages.export_draft(new_wb, mid, tmp_path) is None
    assert ik.outreach.mailto_for(new_wb, mid) == "" and plain_text(draft) == ""
    assert messages.message_history(new_wb, None).empty
    assert list(messages.message_history(new_wb, None).columns) == messages.HISTORY_COLUMNS
    assert reminders_for(new_wb, None).empty
    assert new_wb.messages().empty  # nothing written


def test_a_person_gives_the_draft_its_check_and_its_file(demo_wb, tmp_path):
    person = messages.open_person(demo_wb, "Tariq Rahman")
    draft = messages.current_draft(demo_wb, person, "")
    assert draft is not None and draft.template == "seed"
    assert present.blanks_line(draft) == "Blanks still to fill: their_accomplishment"
    result = messages.check_draft(demo_wb, person, draft, rules="strict")
    assert result is not None and result.rules == "strict"
    assert present.score_line(result) == f"score {result.score}/100 with the strict rules"
    assert len(present.findings_table(result)) == len(result.findings)
    mid = messages.save_current_draft(demo_wb, person, draft, at=NOW)
    assert mid is not None and messages.save_current_draft(demo_wb, person, draft, at=NOW) == mid  # once
    path = messages.export_draft(demo_wb, mid, tmp_path)
    assert path is not None and path.suffix == ".eml" and path.parent == tmp_path
    assert messages.export_draft(demo_wb, mid, "") is None  # no folder: nothing written
    history = messages.message_history(demo_wb, person)
    assert isinstance(history, pd.DataFrame) and mid in set(history["id"])
    assert ik.outreach.mailto_for(demo_wb, mid).startswith("mailto:")


def test_the_composer_opens_on_the_message_then_the_person_then_the_list(demo_wb):
    person = demo_wb.find_contact("Tariq Rahman")
    mid = demo_wb.save_draft(person, "outreach", "Hello", "Hi Tariq,\n\nThanks,\nAlex", template="short")
    assert messages.person_to_open(demo_wb, message_id=mid) == person
    assert messages.person_to_open(demo_wb, person) == person
    assert messages.message_to_open(demo_wb, person) == mid
    assert messages.message_to_open(demo_wb, person, kind="thank_you") is None
