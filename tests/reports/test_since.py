"""Since last time: the index compares this report's chart data with the newest earlier dated report's."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from infoview_kit.reports.since import previous_report, since_last_time
from infoview_kit.workbook import Workbook

from .test_pages import page_text


def _report(folder: Path, **tables: str) -> Path:
    data = folder / "files" / "chart-data"
    data.mkdir(parents=True)
    for name, text in tables.items():
        (data / f"{name}.csv").write_text(text)
    return folder


def test_the_first_report_says_there_is_nothing_to_compare_with(tmp_path):
    here = _report(tmp_path / "2026-11-25")
    changes = since_last_time(here, dt.date(2026, 11, 25))
    assert changes.previous is None and "nothing to compare with" in changes.to_html(here)


def test_the_newest_earlier_report_with_the_same_suffix_is_compared(tmp_path):
    for name in ("2026-11-11", "2026-11-18", "2026-11-19-redacted", "2026-11-26", "notes"):
        _report(tmp_path / name)
    (tmp_path / "2026-11-20").mkdir()  # no chart data: not a report to compare with
    here = tmp_path / "2026-11-25"
    assert previous_report(here, dt.date(2026, 11, 25)) == (tmp_path / "2026-11-18", dt.date(2026, 11, 18))
    assert previous_report(tmp_path / "2026-11-25-redacted", dt.date(2026, 11, 25))[0].name == "2026-11-19-redacted"
    assert previous_report(tmp_path / "2026-11-01", dt.date(2026, 11, 1)) is None


def test_each_change_is_one_line_and_follow_ups_newly_overdue_and_cleared_are_told_apart(tmp_path):
    health = "week,on_time,late,overdue\n2026-11-02,1,0,2\n2026-11-09,0,0,1\n"
    _report(tmp_path / "2026-11-18", followup_health=health,
            funnel="stage,people,conversion,of_identified,waiting\nidentified,10,,1.0,0\n",
            activity="week,emails,meetings,thank-yous,updates\n2026-11-09,2,1,0,0\n",
            responses="message_id,contact_id,sent_at,replied_at\n1,1,2026-11-01,\n2,2,2026-11-02,2026-11-03\n",
            meeting_minutes="meeting_id,contact_id,name,date,planned_min,actual_min,over_min\n1,2,Ann Example,"
                            "2026-11-10,30,28,-2\n")
    here = _report(tmp_path / "2026-11-25",
                   followup_health="week,on_time,late,overdue\n2026-11-02,1,2,0\n2026-11-09,0,0,1\n"
                                   "2026-11-16,0,0,1\n",
                   funnel="stage,people,conversion,of_identified,waiting\nidentified,12,,1.0,0\n",
                   activity="week,emails,meetings,thank-yous,updates\n2026-11-09,2,1,0,0\n2026-11-16,1,1,1,0\n",
                   responses="message_id,contact_id,sent_at,replied_at\n1,1,2026-11-01,2026-11-20\n"
                             "2,2,2026-11-02,2026-11-03\n",
                   meeting_minutes="meeting_id,contact_id,name,date,planned_min,actual_min,over_min\n1,2,Ann Example,"
                                   "2026-11-10,30,28,-2\n2,3,<b>Bo</b> Example,2026-11-20,20,21,1\n")
    changes = since_last_time(here, dt.date(2026, 11, 25))
    assert changes.previous_day == dt.date(2026, 11, 18)
    assert changes.lines == ["1 new reply to your first emails", "1 meeting held: <b>Bo</b> Example", "1 thank-you sent",
                             "1 email sent", "2 people added to your outreach list", "2 follow-ups done",
                             "1 follow-up newly overdue", "2 overdue follow-ups cleared"]
    shown = changes.to_html(here)
    assert '<a href="../2026-11-18/index.html">' in shown and "&lt;b&gt;Bo&lt;/b&gt;" in shown


@pytest.mark.slow
def test_the_second_of_two_reports_a_week_apart_states_what_changed(demo_report, tmp_path):
    from infoview_kit.reports.run import run_notebooks

    first = demo_report.result
    assert "nothing to compare with" in first.index.read_text(encoding="utf-8")
    reports = tmp_path / "reports"
    shutil.copytree(first.out_dir, reports / "2026-11-25")  # last week's report, where reports are kept
    workbook = tmp_path / "workbook.sqlite"
    shutil.copy(demo_report.workbook, workbook)
    with Workbook.open(workbook) as wb:  # during the week: a reply, and a meeting held
        assert wb.mark_replied(27, at="2026-11-27T10:00:00-06:00")
        wb.log_meeting(8, actual_start="2026-12-01T10:02:00-06:00", actual_end="2026-12-01T10:29:00-06:00")
    second = run_notebooks(workbook, dt.date(2026, 12, 2), reports / "2026-12-02",
                           notebooks=["05_follow_up_progress.ipynb"], progress=False)
    index = page_text(second.index.read_text(encoding="utf-8"), "")
    assert "Since the report of Wednesday 25 November 2026" in index
    assert "1 new reply to your first emails" in index
    assert "1 meeting held: Kenji Morimoto" in index
    assert '<a href="../2026-11-25/index.html">' in second.index.read_text(encoding="utf-8")
