"""Real browser: notebook 01 in JupyterLab 4, driven in Debian's headless Chromium by Playwright.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import re

import pytest

from infoview_kit.store import Workbook

from .conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_notebook_01_runs_in_jupyterlab_and_the_contact_form_writes_the_workbook(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        before = len(wb.contacts())
        fresh = wb.find_contact("Amara Nwosu")  # not contacted yet; pinned, she heads the picker's list
        wb.set_contact_flags(fresh, pinned=True)
    run_all_cells(page, lab("01_find_contacts.ipynb", demo_path))

    form = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Add a person you know"))
    inputs = form.locator(".widget-text input")
    expect(inputs.first).to_be_visible()
    inputs.nth(0).fill("Playwright")
    inputs.nth(1).fill("Tester <b>bold</b>")
    inputs.nth(2).fill("Example Browsers Ltd")
    page.locator(".jp-OutputArea button.widget-button", has_text="Add contact").click()
    status = page.locator(".jp-OutputArea .widget-html", has_text="Saved Playwright")
    expect(status).to_contain_text("Tester <b>bold</b>")  # shown as text: escaped, not markup
    page.screenshot(path=str(artifacts / "browser_01_contact_form.png"))

    # pick a target: the first person of the ranked list joins the outreach list
    picker = page.locator(".jp-OutputArea .widget-vbox").filter(
        has=page.get_by_text("Choose whom to contact next"))
    expect(picker.locator("select")).to_have_value(re.compile(r"^Amara"))
    picker.locator("button.widget-button", has_text="Contact this person").click()
    expect(picker.locator(".widget-html", has_text="Added to your outreach list")).to_be_visible()

    with Workbook.open(demo_path) as wb:
        assert wb.contacts().set_index("id").loc[fresh, "stage"] == "identified"
        events = wb.events()
        assert ((events["kind"] == "targeted") & (events["contact_id"] == fresh)).sum() == 1
        people = wb.contacts()
        assert len(people) == before + 1
        added = people[people["first_name"] == "Playwright"].iloc[0]
        assert (added["last_name"], added["company"]) == ("Tester <b>bold</b>", "Example Browsers Ltd")
        assert added["how_known"] == "friend of a friend"
