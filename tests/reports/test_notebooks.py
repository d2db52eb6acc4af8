"""The notebooks: structure rules, no outputs in git, headless runs (twice) and nbval."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from infoview_kit.base.errors import NotebookRunError
from infoview_kit.demo import demo_parameters
from infoview_kit.reports.run import NOTEBOOKS, notebooks_dir, run_notebooks
from infoview_kit.workbook import Workbook

from ..conftest import ROOT

TODAY = __import__("datetime").date(2026, 11, 25)
# 00_start_here is not part of `infoview run`'s report (it checks the set-up), but follows the same rules
STEP_PATHS = [notebooks_dir() / n for n in ("00_start_here.ipynb", *NOTEBOOKS)]  # a participant's notebooks
# and the coach's, which reads a folder of participants (run by tests/reports/test_cohort.py through infoview cohort-report)
NB_PATHS = [*STEP_PATHS, notebooks_dir() / "coach" / "cohort_report.ipynb"]


@pytest.mark.parametrize("path", NB_PATHS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs_and_follows_the_house_rules(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs before committing"
    coach = path.parent.name == "coach"  # the coach's notebook reads a folder of participants, not a workbook
    first, params, last = nb.cells[0], nb.cells[1], nb.cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# Coach · " if coach else f"# {path.name[:2]} · ")
    assert "parameters" in params.metadata.get("tags", [])
    names = [line.split("=")[0].strip() for line in params.source.splitlines() if "=" in line]
    assert {"folder" if coach else "workbook", "today", "out_dir"} <= set(names)
    assert all("#" in line for line in params.source.splitlines()), "every parameter has a comment"
    assert last.cell_type == "markdown" and last.source.startswith("## Next steps")
    nav = first.source.splitlines()[-1]
    assert nav == last.source.splitlines()[-1], "navigation line at both ends"
    for link in re.findall(r"\]\(([^)]+)\)", nav):
        assert (path.parent / link).resolve().exists(), link
    for cell in code:
        assert not any(line.startswith(("def ", "class ")) for line in cell.source.splitlines()), \
            "logic belongs in the package"


@pytest.mark.slow
def test_notebooks_run_headless_twice_and_the_second_run_adds_nothing(demo_report, tmp_path):
    first = demo_report.result  # the first run: the session's demo report, on a copy of the demo workbook
    with Workbook.open(demo_report.workbook) as wb:
        after_first = wb.table_counts()
        assert wb.meeting(wb.meetings().query("name == 'Helen Whitaker'")["id"].iloc[0])["status"] == "held"
    again = tmp_path / "workbook.sqlite"  # the second run, on a copy of the workbook as the first run left it
    shutil.copy(demo_report.workbook, again)
    second = run_notebooks(again, TODAY, tmp_path / "two", extra=demo_parameters(), progress=False)
    with Workbook.open(again) as wb:
        assert wb.table_counts() == after_first
    # the same today gives the same chart data
    for name in ("funnel.csv", "activity.csv"):
        a = (first.out_dir / "files" / "chart-data" / name).read_text()
        b = (second.out_dir / "files" / "chart-data" / name).read_text()
        assert a == b and a.count("\n") > 5
    funnel = (first.out_dir / "files" / "chart-data" / "funnel.csv").read_text().splitlines()
    assert funnel[1].startswith("identified,16,") and funnel[5].startswith("met,8,")
    index = first.index.read_text()
    for name in NOTEBOOKS:
        assert f'href="{name.replace(".ipynb", ".html")}"' in index
    assert ".eml" in index
    html = (first.out_dir / "05_follow_up_progress.html").read_text()
    assert html.count("data:image/png;base64") >= 2, "both charts embedded"


@pytest.mark.slow
def test_a_failing_notebook_is_named_with_its_cell_and_its_output_kept(demo_path, tmp_path):
    bad = {"02_research.ipynb": {"contact": "Nobody At-All"}}
    with pytest.raises(NotebookRunError, match=r"02_research.ipynb failed at cell \d+ .*Nobody At-All") as info:
        run_notebooks(demo_path, TODAY, tmp_path / "out", notebooks=NOTEBOOKS[:2], extra=bad, progress=False)
    assert Path(info.value.path).exists()


@pytest.mark.slow
def test_nbval_lax_runs_every_notebook(demo_path, tmp_path):
    env = {**os.environ, "INFOVIEW_WORKBOOK": str(demo_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider", "--nbval-lax",
         *map(str, STEP_PATHS)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "5 passed" in proc.stdout or "passed" in proc.stdout.splitlines()[-1]
