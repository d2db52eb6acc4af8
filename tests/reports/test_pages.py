"""Reports for people: no code, no path of the machine, forms drawn, numbers formatted, since last time."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from infoview_kit.reports.pages import display_paths, scrub, to_html
from infoview_kit.reports.widgets_static import NOTE, WIDGET_STATE, WIDGET_VIEW, static_widgets

from ..conftest import ROOT

_RAW_FLOAT = re.compile(r"(?<![\d.])\d+\.\d{4,}(?![\d.])")  # 0.666667, 2.783333: a float nobody formatted
_MONTH_YY = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d$")  # "Dec 26" reads like a date


def machine_paths(tmp_root: Path) -> list[str]:
    """The paths no page may show: the test's temporary folder, the home, /work, /tmp, the project."""
    return [str(tmp_root), str(Path.home()) + "/", "/work/", "/tmp/", str(ROOT)]


def page_text(page: str, sep: str = " ") -> str:
    """What a reader sees of a page: its text, without styles, scripts and tags (so not the images' data);
    with ``sep=""`` the text of inline elements runs on as it reads ("ik.setup", not "ik . setup")."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return " ".join(soup.get_text(sep).split()) if not sep else soup.get_text(sep)


def code_shown(page: str) -> int:
    """How many code cells a page shows (their editors, not the style sheet that mentions them)."""
    from bs4 import BeautifulSoup

    return len(BeautifulSoup(page, "html.parser").select(".jp-InputArea-editor"))


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


@pytest.mark.slow
def test_every_page_of_the_demo_report_shows_no_code_no_machine_path_and_formatted_numbers(
        demo_report, tmp_path_factory):
    out = demo_report.result.out_dir
    pages = pages_of(out)
    assert {p.name for p in pages} >= {"index.html", "01_find_contacts.html", "05_follow_up_progress.html"}
    assert any(p.parent.name == "files" for p in pages), "the briefs are pages too"
    forbidden = machine_paths(tmp_path_factory.getbasetemp().parent)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        found = [p for p in forbidden if p in page]
        assert not found, f"{path.name} shows {found}"
        assert not code_shown(page) and "ik.setup(" not in page_text(page, ""), path.name
        assert not _RAW_FLOAT.findall(page_text(page)), (path.name, _RAW_FLOAT.findall(page_text(page))[:5])
        assert WIDGET_VIEW not in page and "embed-amd.js" not in page, "no widget left for a script to draw"
        assert "<script" not in page and "cdnjs" not in page, f"{path.name} loads a script (from the internet)"
        assert "PosixPath(" not in page, f"{path.name} shows a path as Python writes it, not as its text"
    notebook_01 = (out / "01_find_contacts.html").read_text(encoding="utf-8")
    assert notebook_01.count("ivk-static-widget") >= 5 and NOTE in notebook_01
    assert "&lt;Workbook workbook.sqlite&gt;" in notebook_01, "the workbook named by its file name"
    funnel = page_text((out / "05_follow_up_progress.html").read_text(encoding="utf-8"))
    assert "93.8%" in funnel and "100%" in funnel, "the funnel's shares as percentages"
    index = demo_report.result.index.read_text(encoding="utf-8")
    assert 'href="files/0032-update-Hannah_Kowalczyk.eml"' in index, "files linked relatively"
    assert "@media print" in notebook_01 and "break-inside:avoid" in notebook_01


@pytest.mark.slow
def test_show_code_brings_the_code_back_and_still_no_machine_path(demo_report, tmp_path, tmp_path_factory):
    run = demo_report.result
    copy = tmp_path / "02_research.ipynb"
    shutil.copy(run.out_dir / "02_research.ipynb", copy)
    paths = display_paths(run.out_dir, workbook=demo_report.workbook, root=ROOT)
    page = to_html(copy, show_code=True, paths=paths).read_text(encoding="utf-8")
    assert code_shown(page) >= 4 and "ik.setup(workbook, today)" in page_text(page, "")
    assert 'workbook = "workbook.sqlite"' in page_text(page, ""), "the injected parameters name the file only"
    assert not [p for p in machine_paths(tmp_path_factory.getbasetemp().parent) if p in page]
    hidden = to_html(copy, paths=paths).read_text(encoding="utf-8")
    assert not code_shown(hidden)


def test_paths_are_replaced_as_whole_segments_longest_first(tmp_path):
    out = tmp_path / "reports" / "2026-11-25"
    paths = display_paths(out, workbook=tmp_path / "wb" / "mine.sqlite", root=tmp_path / "project")
    assert not [name for name in paths.values() if "<" in name or "&" in name], "names safe inside HTML"
    text = (f"<Workbook {tmp_path}/wb/mine.sqlite> PosixPath('{out}/files/a.eml') {out.as_uri()}/files/b.ics "
            f"see https://example.org{tmp_path}/x and {Path.home()}/notes.txt")
    shown = scrub(text, paths)
    assert "<Workbook mine.sqlite>" in shown and "PosixPath('files/a.eml')" in shown and " files/b.ics" in shown
    assert f"https://example.org{tmp_path}/x" in shown, "a path inside a web address is left alone"
    assert "~/notes.txt" in shown
    up = f"../../..{out}/files/c.eml"  # a path relative to the notebooks' folder, up to this one
    assert str(tmp_path) not in scrub(up, paths)


def _widget_notebook(models: dict[str, dict], root: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("form")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        WIDGET_VIEW: {"model_id": root, "version_major": 2, "version_minor": 0}, "text/plain": "VBox(...)"})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": models, "version_major": 2, "version_minor": 0}}
    return nb


def _model(name: str, **state) -> dict:
    return {"model_name": name, "state": state}


def test_a_widget_is_drawn_as_it_stood_escaped_without_buttons_passwords_or_hidden_parts():
    models = {
        "root": _model("VBoxModel", children=["IPY_MODEL_h", "IPY_MODEL_t", "IPY_MODEL_d", "IPY_MODEL_date",
                                              "IPY_MODEL_b", "IPY_MODEL_pw", "IPY_MODEL_hid", "IPY_MODEL_out"]),
        "h": _model("HTMLModel", value="<b>Edit someone</b>"),
        "t": _model("TextModel", description="Name", value="<script>alert(1)</script>"),
        "d": _model("DropdownModel", description="Stage", _options_labels=["identified", "emailed"], index=1),
        "date": _model("DatePickerModel", description="Date", value={"year": 2026, "month": 10, "date": 25}),
        "b": _model("ButtonModel", description="Press me"),
        "pw": _model("PasswordModel", description="Password", value="hunter2"),
        "hid": _model("TextModel", description="Hidden", value="secret", layout="IPY_MODEL_lay"),
        "lay": _model("LayoutModel", display="none"),
        "out": _model("OutputModel", outputs=[{"output_type": "stream", "name": "stdout", "text": "Saved <ok>"}]),
    }
    nb = _widget_notebook(models, "root")
    assert static_widgets(nb) == 1
    data = nb.cells[0].outputs[0]["data"]
    assert WIDGET_VIEW not in data and "widgets" not in nb.metadata
    page = data["text/html"]
    assert "<b>Edit someone</b>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "emailed" in page and "identified" not in page and "Wed 25 Nov 2026" in page
    assert "Press me" not in page and "hunter2" not in page and "secret" not in page
    assert "Saved &lt;ok&gt;" in page and NOTE in page


def test_a_widget_without_state_is_one_line():
    nb = _widget_notebook({}, "gone")
    static_widgets(nb)
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == NOTE


def test_chart_month_labels_carry_the_year(demo_wb):
    from infoview_kit.reports.charts import chart_data, meeting_minutes_chart, response_chart

    data = chart_data(demo_wb, dt.date(2026, 11, 25))
    for fig in (response_chart(data["responses"]), meeting_minutes_chart(data["meeting_minutes"])):
        labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
        assert labels and not [t for t in labels if _MONTH_YY.match(t)], labels


def test_minutes_and_percentages_read_as_people_read_them():
    from infoview_kit.base.text import minutes_text
    from infoview_kit.reports.tables import percent

    assert [minutes_text(m) for m in (2.783333, 27.0, 0.5, float("nan"))] == ["2 min 47 s", "27 min", "30 s", ""]
    assert [percent(v) for v in (0.666667, 1.0, 0.9375, float("nan"))] == ["66.7%", "100%", "93.8%", "—"]
