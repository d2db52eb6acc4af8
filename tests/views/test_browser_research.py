"""Real browser: notebook 02 in JupyterLab; research facts added, edited and deleted on the
person being worked on, who stays chosen after every save."""

from __future__ import annotations

import re

import pytest

from infoview_kit.workbook import Workbook

from ..conftest import run_all_cells
from .test_browser import field

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_notebook_02_research_add_edit_delete(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    with Workbook.open(demo_path) as wb:
        sofia = wb.find_contact("Sofia Lindqvist")
        wb.set_current(contact_id=sofia)
        facts = len(wb.research(sofia))
    run_all_cells(page, lab("02_research.ipynb", demo_path))

    def shot(step: str) -> None:  # the whole form, whatever the scrolling
        form.screenshot(path=str(artifacts / f"browser_02_{step}.png"))

    form = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Research notes"))
    expect(form.locator("select").first).to_have_value(re.compile(r"^Sofia Lindqvist"))  # the current person
    # add
    field(form, "Title or fact").fill("Keynote on transit data at <b>DataConf</b>")
    field(form, "From / date").fill("Mar 2025")
    field(form, "Link").fill("https://example.org/dataconf/keynote")
    form.locator("button.widget-button", has_text="Add fact").click()
    expect(form.locator(".widget-html", has_text="Added accomplishment")).to_contain_text(
        '"Keynote on transit data at <b>DataConf</b>" (2025-03) for Sofia Lindqvist')
    expect(field(form, "Title or fact")).to_have_value("")
    shot("1_fact_added")
    with Workbook.open(demo_path) as wb:
        fact = wb.research(sofia).query("title == 'Keynote on transit data at <b>DataConf</b>'")
        assert len(fact) == 1 and fact.iloc[0]["source_url"] == "https://example.org/dataconf/keynote"
        assert fact.iloc[0]["start"] == "2025-03" and wb.current()["contact_id"] == sofia
        rid = int(fact.iloc[0]["id"])

    # edit: choose it in the list, change the title
    form.locator("select").nth(1).select_option(label='accomplishment: "Keynote on transit data at <b>DataConf</b>" '
                                                      "(2025-03)")
    expect(field(form, "Title or fact")).to_have_value("Keynote on transit data at <b>DataConf</b>")
    field(form, "Title or fact").fill("Keynote on open transit data at DataConf")
    form.locator("button.widget-button", has_text="Save changes").click()
    expect(form.locator(".widget-html", has_text="changed title")).to_be_visible()
    shot("2_fact_edited")
    # a date that is no date: refused, naming the field
    field(form, "To").fill("next spring")
    form.locator("button.widget-button", has_text="Save changes").click()
    expect(form.locator(".widget-html", has_text="research date 'to' 'next spring'")).to_be_visible()
    shot("3_bad_date_refused")
    field(form, "To").fill("")

    # delete, after a question
    form.locator("button.widget-button", has_text="Delete fact").click()
    form.locator("button.widget-button", has_text="Yes, delete").click()
    expect(form.locator(".widget-html", has_text="Deleted accomplishment")).to_be_visible()
    shot("4_fact_deleted")
    with Workbook.open(demo_path) as wb:
        assert rid not in set(wb.research(sofia)["id"]) and len(wb.research(sofia)) == facts
        assert wb.current()["contact_id"] == sofia, "no switch of person after saves"

