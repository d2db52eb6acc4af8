"""Real browser: notebook 05's follow-up board in JupyterLab: Done, Snooze, They replied, then Draft opens the
message in the composer under the board and Sent takes its row off. The workbook is checked after each step,
with a screenshot per step.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

from infoview_kit.workbook import Workbook

from ..conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def stored(path, followup_id: int) -> pd.Series:
    with Workbook.open(path) as wb:
        return wb.followups().set_index("id").loc[followup_id]


def test_the_board_done_snooze_replied_and_draft_then_sent_feed_the_workbook(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        open_ = wb.followups().query("done_at.isna()", engine="python")
        grace = int(open_.query("name == 'Grace Abernathy' and kind == 'second_contact'")["id"].iloc[0])
        sam = int(open_.query("name == 'Sam Okonkwo' and kind == 'second_contact'")["id"].iloc[0])
        luis = open_.query("name == 'Luis Ferreira'")["id"].astype(int).tolist()
        hannah = wb.find_contact("Hannah Kowalczyk")
    run_all_cells(page, lab("05_follow_up_progress.ipynb", demo_path))

    board = page.locator(".jp-OutputArea .infoview-board")
    status = board.locator(".infoview-status").first
    expect(board).to_contain_text("Follow-ups")
    row = board.locator(f".infoview-key-followup-{grace}")
    expect(row).to_contain_text("Grace Abernathy")
    rows_before = board.locator(".infoview-due-row").count()
    board.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_1_board.png"))

    # 1. Done: recorded, and the row leaves the board
    row.locator("button.widget-button", has_text="Done").click()
    expect(status).to_contain_text("Write to a second person for Grace Abernathy.")
    expect(status).to_contain_text("Done on")
    expect(row).to_have_count(0)
    expect(board.locator(".infoview-due-row")).to_have_count(rows_before - 1)
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_2_done.png"))
    assert pd.notna(stored(demo_path, grace)["done_at"])
    with Workbook.open(demo_path) as wb:
        done = wb.events(kinds=["followup_done"])
        assert done[done["ref_id"] == grace]["detail"].tolist() == [{"kind": "second_contact"}]

    # 2. Snooze (to the next business day, the default): put off, not done
    board.locator(f".infoview-key-followup-{sam} button.widget-button", has_text="Snooze").click()
    expect(status).to_contain_text("Snoozed until")
    expect(status).to_contain_text("Write to a second person for Sam Okonkwo.")
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_3_snoozed.png"))
    snoozed = stored(demo_path, sam)
    assert pd.notna(snoozed["snoozed_until"]) and pd.isna(snoozed["done_at"])

    # 3. They replied (today, the default) on Luis's second contact: his whole no-reply routine closes
    board.locator(f".infoview-key-followup-{luis[0]} button.widget-button", has_text="They replied").click()
    expect(status).to_contain_text("Reply recorded: Luis Ferreira answered")
    for fid in luis:
        expect(board.locator(f".infoview-key-followup-{fid}")).to_have_count(0)
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_4_replied.png"))
    with Workbook.open(demo_path) as wb:
        assert wb.messages(wb.find_contact("Luis Ferreira"))["status"].tolist() == ["replied"]

    # 4. Draft: the message opens in the composer under the board
    hannah_row = board.locator(".infoview-due-row", has_text="Hannah Kowalczyk")
    hannah_row.locator("button.widget-button", has_text="Draft").click()
    expect(status).to_contain_text("for Hannah Kowalczyk")
    composer = board.locator(".infoview-composer")
    expect(composer.locator(".widget-text input")).to_have_value("An update, and thanks again")
    expect(composer.locator(".infoview-message-state")).to_contain_text("Draft progress update")
    expect(composer.locator(".infoview-score")).to_contain_text("Score")
    expect(composer.locator("a.infoview-mailto")).to_have_attribute("href", __import__("re").compile("^mailto:"))
    composer.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_5_draft.png"))
    with Workbook.open(demo_path) as wb:
        drafts = wb.messages(hannah).query("kind == 'update' and status == 'draft'")
        assert len(drafts) == 1 and wb.current()["contact_id"] == hannah

    # 5. Sent in that composer: the message is sent, and its row leaves the board
    composer.locator("button.widget-button", has_text="Sent").click()
    expect(composer.locator(".infoview-status")).to_contain_text("Marked sent on")
    expect(composer.locator(".infoview-message-state")).to_contain_text("Sent progress update on")
    expect(hannah_row).to_have_count(0)
    composer.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "browser_05_6_sent.png"))
    with Workbook.open(demo_path) as wb:
        assert wb.message(int(drafts["id"].iloc[0]))["status"] == "sent"
