"""Real browser: notebook 01 in JupyterLab 4, driven in Debian's headless Chromium by Playwright:
import by upload, add a person, ask before a duplicate, edit every field, rate, choose.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import re

import pytest

from infoview_kit.workbook import Workbook

from ..conftest import ROOT, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def field(form, label: str):
    """The input of the text field labelled `label` in `form`."""
    return form.locator(".widget-text", has=form.page.get_by_text(label, exact=True)).locator("input")


def test_notebook_01_by_clicking_upload_add_edit_rate_choose(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        before = len(wb.contacts())
        fresh = wb.find_contact("Amara Nwosu")  # not contacted yet; pinned, she heads the picker's list
        wb.set_contact_flags(fresh, pinned=True)
    run_all_cells(page, lab("01_find_contacts.ipynb", demo_path))

    def shot(step: str, widget) -> None:  # the whole widget, whatever the scrolling
        widget.screenshot(path=str(artifacts / f"browser_01_{step}.png"))

    # 1. import by upload
    importer = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Import your contacts"))
    with page.expect_file_chooser() as chooser:  # ipywidgets' FileUpload opens the browser's file dialog
        importer.locator("button.widget-upload, .widget-upload").first.click()
    chooser.value.set_files(str(ROOT / "tests" / "fixtures" / "merge" / "linkedin_three_people.csv"))
    importer.locator("button.widget-button", has_text="Import").click()
    expect(importer.locator(".widget-html", has_text="Imported linkedin_three_people.csv: 3 added")).to_be_visible()
    shot("1_import_upload", importer)

    # 2. add a person: the status is read back, the form clears
    form = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Add or edit a person you know"))
    field(form, "First name").fill("Playwright")
    field(form, "Last name").fill("Tester <b>bold</b>")
    field(form, "Company").fill("Example Browsers Ltd")
    field(form, "Position").fill("Analyst")
    form.locator("button.widget-button", has_text="Add contact").click()
    status = form.locator(".widget-html", has_text="Added Playwright")
    expect(status).to_contain_text("Tester <b>bold</b>, Analyst at Example Browsers Ltd (contact")  # escaped
    expect(field(form, "First name")).to_have_value("")
    shot("2_contact_added", form)

    # 3. the same person again (with an email): asked first, nothing written
    field(form, "First name").fill("Playwright")
    field(form, "Last name").fill("Tester <b>bold</b>")
    field(form, "Company").fill("Example Browsers Ltd")
    field(form, "Email").fill("pw@browsers.example")
    form.locator("button.widget-button", has_text="Add contact").click()
    expect(form.get_by_text(re.compile(r"This is Playwright Tester <b>bold</b>, already in your workbook"))
           ).to_be_visible()
    shot("3_duplicate_asks", form)
    with Workbook.open(demo_path) as wb:
        assert len(wb.contacts()) == before + 4  # 3 imported, 1 added; nothing from the question
    form.locator("button.widget-button", has_text="Open them to edit").click()

    # 4. edit: every field, here last name and position (the email typed is kept)
    expect(field(form, "Email")).to_have_value("pw@browsers.example")
    field(form, "Last name").fill("Testerson")
    field(form, "Position").fill("Senior Analyst")
    form.locator("button.widget-button", has_text="Save changes").click()
    expect(form.locator(".widget-html", has_text="Saved Playwright Testerson, Senior Analyst at Example Browsers "
                                                 "Ltd")).to_be_visible()
    expect(field(form, "Last name")).to_have_value("Testerson")  # Edit stays on the record
    shot("4_contact_edited", form)

    # 5. rate an employer: it stays chosen, its rating shown
    rater = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Rate your target employers"))
    field(rater, "Employer").fill("harbor")
    # as a person does: wait until the form shows Harbor Books (and its stored rating) before rating it
    expect(rater.locator("select")).to_have_value(re.compile(r"^Harbor Books"))
    expect(rater.get_by_text(re.compile(r"^Stored: "))).to_be_visible()
    rater.locator(".widget-toggle-buttons", has_text="Motivation").get_by_role("button", name="3").click()
    rater.locator(".widget-toggle-buttons", has_text="Posting").get_by_role("button", name="target role").click()
    rater.locator("button.widget-button", has_text="Save rating").click()
    expect(rater.locator(".widget-html", has_text="Saved: Harbor Books")).to_be_visible()
    expect(rater.locator("select")).to_have_value(re.compile(r"^Harbor Books"))
    shot("5_employer_rated", rater)

    # 6. choose a target: the first person of the ranked list joins the outreach list, becomes current
    picker = page.locator(".jp-OutputArea .widget-vbox").filter(
        has=page.get_by_text("Choose whom to contact next"))
    expect(picker.locator("select")).to_have_value(re.compile(r"^Amara"))
    picker.locator("button.widget-button", has_text="Contact this person").click()
    expect(picker.locator(".widget-html", has_text="Added Amara Nwosu")).to_be_visible()
    shot("6_target_chosen", picker)

    with Workbook.open(demo_path) as wb:
        assert wb.contacts().set_index("id").loc[fresh, "stage"] == "identified"
        assert wb.current()["contact_id"] == fresh
        events = wb.events()
        assert ((events["kind"] == "targeted") & (events["contact_id"] == fresh)).sum() == 1
        people = wb.contacts()
        assert len(people) == before + 4
        added = people[people["first_name"] == "Playwright"].iloc[0]
        assert (added["last_name"], added["company"], added["position"], added["email"]) == (
            "Testerson", "Example Browsers Ltd", "Senior Analyst", "pw@browsers.example")
        assert added["how_known"] == "friend of a friend"
        harbor = wb.employers().set_index("name").loc["Harbor Books"]
        assert (harbor["motivation"], harbor["posting"]) == (3, 3)
