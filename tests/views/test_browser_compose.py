"""Real browser: notebook 03 in JupyterLab 4 (Chromium, Playwright): edit the draft in the composer, watch
the check list change, save it, press Sent (refused while a blank is left, then shown as sent), press They
replied; the workbook is checked after each step, with a screenshot per step.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import re

import pytest

from infoview_kit.workbook import Workbook

from ..conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT = ".jp-OutputArea"
ASK = "Can you help me find a job?"
GROUND = "we both studied at Lakeside University"


def outreach(path, cid: int):
    with Workbook.open(path) as wb:
        return wb.messages(cid).query("kind == 'outreach'")


def test_notebook_03_composer_saves_marks_sent_and_records_the_reply(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        marcus = wb.find_contact("Marcus Oyelaran")  # researched, not emailed: the person the notebook opens on
    run_all_cells(page, lab("03_draft_emails.ipynb", demo_path))

    form = page.locator(f"{OUT} .infoview-composer").last
    body = form.locator(".widget-textarea textarea")
    score = form.locator(".infoview-score")
    status = form.locator(".infoview-status")
    expect(body).to_have_value(re.compile(r"^Hi Marcus,"))
    expect(score).to_have_text("Score 80/100")
    expect(form.locator(".infoview-who")).to_contain_text("Marcus Oyelaran · Bluefin Analytics · researched")
    expect(form.get_by_text("Mentions jobs")).to_have_count(0)
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_03_1_composer.png"))
    with Workbook.open(demo_path) as wb:
        assert wb.current()["contact_id"] == marcus  # the person being worked on

    # 2. edit: the check follows; Save draft stores exactly what was typed
    edited = body.input_value().replace("Would you be open", f"{ASK} Would you be open")
    body.fill(edited)
    expect(score).to_have_text("Score 70/100")
    expect(form.locator("li", has_text="Mentions jobs")).to_be_visible()
    expect(form.locator(".widget-html", has_text="Subject:")).to_contain_text(ASK)  # the preview follows too
    form.locator("button.widget-button", has_text="Save draft").click()
    expect(status).to_contain_text("Saved the draft to Marcus Oyelaran")
    form.locator(".infoview-score").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_03_2_saved.png"))
    drafts = outreach(demo_path, marcus)
    assert drafts["status"].tolist() == ["draft"]
    assert drafts["body"].iloc[0].replace("\r\n", "\n") == edited.replace("\r\n", "\n")

    # 3. Sent with a blank left: refused, by name; the draft stays a draft
    form.locator("button.widget-button", has_text="Sent").click()
    expect(status).to_contain_text("Not marked sent: fill [common_ground] first")
    page.screenshot(path=str(artifacts / "browser_03_3_sent_refused.png"))
    assert outreach(demo_path, marcus)["status"].tolist() == ["draft"]

    # 4. fill it, take the job ask out, Sent: shown as sent, read-only, with its date and what is next
    body.fill(edited.replace("[common_ground]", GROUND).replace(f"{ASK} ", ""))
    expect(score).not_to_have_text("Score 70/100")
    form.locator("button.widget-button", has_text="Sent").click()
    expect(status).to_contain_text("Marked sent on")
    expect(status).to_contain_text("to Marcus Oyelaran (first email")
    expect(form.locator(".infoview-message-state")).to_contain_text("Sent first email on")
    expect(body).to_be_disabled()
    expect(form.locator("button.widget-button", has_text="Save draft")).to_be_disabled()
    expect(form.locator(".infoview-who")).to_contain_text("· emailed")
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_03_4_sent.png"))
    sent = outreach(demo_path, marcus)
    assert sent["status"].tolist() == ["sent"] and GROUND in sent["body"].iloc[0]
    with Workbook.open(demo_path) as wb:
        routine = wb.followups().query("contact_id == @marcus")
        assert sorted(routine["kind"]) == ["nudge", "second_contact"] and routine["done_at"].isna().all()

    # 5. They replied (today, the picker's default): recorded; the no-reply routine is closed
    form.locator("button.widget-button", has_text="They replied").click()
    expect(status).to_contain_text("Reply recorded: Marcus Oyelaran answered")
    expect(form.locator(".infoview-message-state")).to_contain_text("they replied on")
    expect(form.locator(".infoview-who")).to_contain_text("· replied")
    page.screenshot(path=str(artifacts / "browser_03_5_replied.png"))
    replied = outreach(demo_path, marcus)
    assert replied["status"].tolist() == ["replied"] and replied["replied_at"].notna().all()
    with Workbook.open(demo_path) as wb:
        assert wb.followups().query("contact_id == @marcus")["done_at"].notna().all()
