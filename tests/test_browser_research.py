"""Real browser: notebook 02 in JupyterLab; the research form writes a fact with its link."""

from __future__ import annotations

import pytest

from infoview_kit.store import Workbook

from .conftest import run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_notebook_02_research_form_saves_a_fact(lab, page, demo_path, artifacts):
    from playwright.sync_api import expect

    run_all_cells(page, lab("02_research.ipynb", demo_path))
    form = page.locator(".jp-OutputArea .widget-vbox").filter(has=page.get_by_text("Add a research note"))
    inputs = form.locator(".widget-text input")
    expect(inputs.first).to_be_visible()
    inputs.nth(0).fill("Keynote on transit data at <b>DataConf</b>")  # Title or fact
    inputs.nth(5).fill("https://example.org/dataconf/keynote")  # Link
    form.locator("button.widget-button", has_text="Save fact").click()
    expect(form.locator(".widget-html", has_text="Saved research note")).to_be_visible()
    page.screenshot(path=str(artifacts / "browser_02_research_form.png"))
    with Workbook.open(demo_path) as wb:
        fact = wb.research().query("title == 'Keynote on transit data at <b>DataConf</b>'")
        assert len(fact) == 1
        assert fact.iloc[0]["source_url"] == "https://example.org/dataconf/keynote"
        assert fact.iloc[0]["kind"] == "accomplishment"
