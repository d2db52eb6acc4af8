"""Real browser: notebook 04 in JupyterLab 4 (Chromium, Playwright): propose, confirm, edit the plan (an
answer typed under a deleted question is kept), run the timer, log with a referral, mark the thank-you
sent, with a screenshot per step in test-artifacts/; and the brief prints on one A4 page.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import re

import pytest

from infoview_kit import interview
from infoview_kit.workbook import Workbook

from ..conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT = ".jp-OutputArea"


def _panel(page, title: str):
    """The form whose bold title starts with `title` (its outermost box)."""
    return page.locator(f"{OUT} .widget-vbox", has=page.locator("b", has_text=title)).first


def _shot(page, locator, artifacts, name: str) -> None:
    locator.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"browser_04_{name}.png"))


def test_notebook_04_by_clicking_propose_confirm_plan_timer_log_and_thank_you_sent(lab, page, demo_path, artifacts):
    """Everything of step 4 by clicking, asserting what the workbook holds after each step."""
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        tariq = wb.find_contact("Tariq Rahman")
        contacts = len(wb.contacts())
    run_all_cells(page, lab("04_log_interviews.ipynb", demo_path))

    # propose: a new meeting with Tariq, found by typing part of his name
    schedule = _panel(page, "Schedule a meeting")
    schedule.locator("select").first.select_option(label="New meeting")
    schedule.get_by_placeholder("type a name, company or email").fill("tariq")
    people = schedule.locator(".widget-select select")
    expect(people.locator("option")).to_have_count(1)
    people.select_option(index=0)
    schedule.locator("input[type=date]").fill("2026-12-10")
    schedule.get_by_placeholder("café address, or https://... for a video call").fill("https://meet.example.org/t")
    schedule.locator("button.widget-button", has_text="Propose").click()
    expect(schedule.locator(".widget-html", has_text="Proposed: Tariq Rahman")).to_be_visible()
    _shot(page, schedule, artifacts, "1_propose")
    with Workbook.open(demo_path) as wb:
        mine = wb.meetings().query("contact_id == @tariq")
        assert len(mine) == 1 and mine["status"].iloc[0] == "proposed"
        mid = int(mine["id"].iloc[0])
        assert wb.current()["meeting_id"] == mid

    # confirm
    schedule.locator("button.widget-button", has_text="Confirm").click()
    expect(schedule.locator(".widget-html", has_text="Confirmed: Tariq Rahman")).to_be_visible()
    _shot(page, schedule, artifacts, "2_confirm")
    with Workbook.open(demo_path) as wb:
        assert wb.meeting(mid)["status"] == "confirmed"
        texts = wb.questions(mid)["text"].tolist()
    assert len(texts) >= 3, "the plan editor followed the new meeting and saved its plan"

    # the plan: type an answer under question 2, delete that question, add one of your own
    editor = _panel(page, "Question plan: Tariq Rahman")
    log_form = _panel(page, "Meeting log: Tariq Rahman")
    log_form.get_by_placeholder("Their answer, or your note").nth(1).fill("Typed before the plan changed.")
    editor.locator("button.widget-button", has_text="✕").nth(1).click()
    expect(editor.locator(".widget-html", has_text="Deleted:")).to_be_visible()
    expect(log_form.get_by_text("No longer in your plan")).to_be_visible()
    editor.get_by_placeholder("Your own question, or pick one left out of the plan").fill(
        "What would you tell a newcomer about this field?")
    editor.locator("button.widget-button", has_text="Add question").click()
    expect(editor.locator(".widget-html", has_text="Added:")).to_be_visible()
    expect(log_form.get_by_text("What would you tell a newcomer about this field?")).to_be_visible()
    _shot(page, editor, artifacts, "3_plan")
    _shot(page, log_form.get_by_text("No longer in your plan"), artifacts, "3_plan_log_kept")
    with Workbook.open(demo_path) as wb:
        plan = wb.questions(mid)["text"].tolist()
        assert texts[1] not in plan and "What would you tell a newcomer about this field?" in plan

    # the timer: start, see it tick, stop
    timer = _panel(page, "Keep time: Tariq Rahman")
    timer.locator("button.widget-button", has_text="Start the clock").click()
    expect(timer.locator(".widget-html", has_text="Started at")).to_be_visible()
    expect(timer.locator(".widget-html", has_text=re.compile(r"0:0[1-9] elapsed"))).to_be_visible()
    _shot(page, timer, artifacts, "4_timer")
    timer.locator("button.widget-button", has_text="Stop the clock").click()
    expect(timer.locator(".widget-html", has_text="Stopped at")).to_be_visible()
    with Workbook.open(demo_path) as wb:
        m = wb.meeting(mid)
        assert m["actual_start"] and m["actual_end"] and m["status"] == "held"

    # the log: advice, next steps, a name they suggested; the typed answer is still there
    expect(log_form.get_by_placeholder("Their answer, or your note").last).to_have_value(
        "Typed before the plan changed.")
    log_form.get_by_placeholder("The advice they gave you: the thank-you quotes it").fill(
        "Apply to the spring analyst cohort.")
    log_form.get_by_placeholder("You: ... They: ... (what each of you promised)").fill(
        "Alex: sign up for the cohort alert.")
    log_form.get_by_placeholder("One per line, e.g. Jordan Pike, Cobalt Health").fill(
        "Quinn Marlowe, Meridian Insurance\n<b>Bold</b> Person")
    log_form.locator("button.widget-button", has_text="Save log").click()
    saved = log_form.locator(".widget-html", has_text="Saved the log")
    expect(saved).to_contain_text("Quinn Marlowe, <b>Bold</b> Person")  # shown as text: escaped, not markup
    expect(saved).to_contain_text("Thank-you draft ready")
    _shot(page, saved, artifacts, "5_log")
    with Workbook.open(demo_path) as wb:
        m = wb.meeting(mid)
        assert m["advice"] == "Apply to the spring analyst cohort."
        assert wb.off_plan_answers(mid)[["text", "answer"]].values.tolist() == [
            [texts[1], "Typed before the plan changed."]], "the typed answer is kept with the log"
        assert len(wb.contacts()) == contacts + 2
        quinn = wb.contact(wb.find_contact("Quinn Marlowe"))
        assert quinn["referred_by"] == tariq and quinn["how_known"] == "referral"

    # the thank-you: shown after the meeting, then Sent
    after = _panel(page, "After the meeting: Tariq Rahman")
    expect(after).to_contain_text("press Sent in the composer below")
    composer = page.locator(f"{OUT} .infoview-composer").last  # the thank-you, in the one composer
    expect(composer.locator(".widget-textarea textarea")).to_have_value(
        re.compile("apply to the spring analyst cohort"))
    composer.locator("button.widget-button", has_text=re.compile(r"^\s*Sent\s*$")).click()
    expect(composer.locator(".infoview-status")).to_contain_text("Marked sent on")
    expect(after).to_contain_text("Sent ")  # the panel follows
    _shot(page, composer, artifacts, "6_thank_you_sent")
    with Workbook.open(demo_path) as wb:
        thanks = wb.messages(tariq).query("kind == 'thank_you'")
        assert thanks["status"].tolist() == ["sent"]
        fu = interview.meeting_followups(wb, mid).set_index("kind")
        assert fu.loc["thank_you", "done_at"] is not None and str(fu.loc["thank_you", "done_at"]) != "NaT"


def test_the_brief_prints_on_one_a4_page(page, demo_wb):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    assert mid is not None
    interview.ensure_plan(demo_wb, mid)
    page.set_content(interview.brief_html(demo_wb, mid))
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
