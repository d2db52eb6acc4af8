"""Real browser: mark a follow-up done on notebook 05's board in JupyterLab and see it leave the list."""

# The workbook records it.
# Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.

from __future__ import annotations

import pandas as pd
import pytest

from infoview_kit.store import Workbook

from .conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_marking_a_follow_up_done_on_the_board_takes_it_off_and_records_it(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        grace = wb.followups().query("name == 'Grace Abernathy' and kind == 'second_contact'").iloc[0]
        events = len(wb.events())
    assert pd.isna(grace["done_at"])  # open since Fri 18 Sep, whatever the real today is now
    run_all_cells(page, lab("05_follow_up_progress.ipynb", demo_path))

    board = page.locator(".jp-OutputArea .infoview-board")
    expect(board).to_contain_text("Follow-ups")
    row = board.locator(f".infoview-key-followup-{int(grace['id'])}")
    expect(row).to_contain_text("Grace Abernathy")
    rows_before = board.locator(".infoview-due-row").count()
    page.screenshot(path=str(artifacts / "browser_05_board_before.png"))

    row.locator("button.widget-button", has_text="Done").click()
    expect(board.locator(".widget-html", has_text="Done: Write to a second person for Grace Abernathy")).to_be_visible()
    expect(row).to_have_count(0)
    expect(board.locator(".infoview-due-row")).to_have_count(rows_before - 1)
    page.screenshot(path=str(artifacts / "browser_05_board_after.png"))

    with Workbook.open(demo_path) as wb:
        assert pd.notna(wb.followups().set_index("id").loc[int(grace["id"]), "done_at"])
        log = wb.events()
        assert len(log) > events
        done = log[(log["kind"] == "followup_done") & (log["ref_id"] == int(grace["id"]))]
        assert done["detail"].tolist() == [{"kind": "second_contact"}]
