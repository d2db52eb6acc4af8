"""The coach's cohort report: the data functions, a folder with broken files, read-only, the notebook and the CLI."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import math
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.cli import main
from infoview_kit.reports import cohort
from infoview_kit.reports import summary as shared
from infoview_kit.reports.run import notebooks_dir
from infoview_kit.workbook import Workbook

TODAY = dt.date(2026, 11, 25)
COACH_NB = notebooks_dir() / "coach" / cohort.COACH_NOTEBOOK


def summary(alias: str, last: str | None, stages: list[int], weeks: dict[str, dict[str, int]]) -> dict[str, object]:
    """A summary as share-progress writes it: the weeks' counts add up to the totals."""
    rows = [{"week": w, **dict.fromkeys(shared.METRICS, 0), **counts} for w, counts in sorted(weeks.items())]
    data = {"schema_version": 1, "alias": alias, "today": "2026-11-25", "last_activity": last,
            "stages": dict(zip(cohort.STAGES, stages, strict=True)),
            "totals": {m: sum(r[m] for r in rows) for m in shared.METRICS}, "weeks": rows}
    return shared.check_summary(data)


@pytest.fixture
def four() -> list[cohort.Participant]:
    return [
        cohort.Participant("ana.json", summary("Ana", "2026-11-24", [5, 4, 3, 2, 1, 1, 0], {
            "2026-W47": {"emails_sent": 2}, "2026-W48": {"emails_sent": 1, "meetings_held": 1,
                                                         "thank_yous_on_time": 1, "overdue_followups": 2}})),
        cohort.Participant("ben.json", summary("Ben", "2026-11-11", [2, 2, 1, 0, 0, 0, 0], {
            "2026-W45": {"emails_sent": 1, "nudges_sent": 1}})),
        cohort.Participant("new.json", summary("participant", None, [0] * 7, {})),
        cohort.Participant("dee.json", summary("Dee", "2026-11-12", [3, 3, 3, 3, 2, 2, 1], {
            "2026-W46": {"meetings_held": 2, "thank_yous_late": 2, "updates_sent": 1, "replies": 3}})),
    ]


def test_table_puts_the_furthest_along_first(four):
    t = cohort.table(four, TODAY)
    assert t["alias"].tolist() == ["Dee", "Ana", "Ben", "participant"]
    assert t["stage_reached"].tolist() == ["kept_in_touch", "thanked", "emailed", "none yet"]
    assert t["meetings_held"].tolist() == [2, 1, 0, 0]
    assert t["thank_yous_on_time"].tolist() == [0, 1, 0, 0] and t["thank_yous_late"].tolist() == [2, 0, 0, 0]
    assert t["overdue_followups"].tolist() == [0, 2, 0, 0]
    assert t["days_quiet"].tolist()[:3] == [13, 1, 14] and t["days_quiet"].isna().tolist() == [False] * 3 + [True]


def test_saved_tables_neutralize_an_alias_a_spreadsheet_would_run(four, tmp_path):
    four[0] = cohort.Participant("=cmd.json", summary("=HYPERLINK(\"http://x\")", "2026-11-24", [1] + [0] * 6, {}))
    [path] = cohort.save(tmp_path, participants=cohort.table(four, TODAY))
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'=cmd.json" in text
    assert not any(cell.startswith("=") for line in text.splitlines() for cell in line.split(","))


def test_funnel_adds_up_the_participants(four):
    f = cohort.funnel(four).set_index("stage")
    assert f["people"].tolist() == [10, 9, 7, 5, 3, 3, 1]
    assert f["participants"].tolist() == [3, 3, 3, 2, 2, 2, 1]
    assert f.loc["met", "conversion"] == pytest.approx(3 / 5) and f.loc["kept_in_touch", "of_identified"] == 0.1
    assert math.isnan(f.loc["identified", "conversion"])


def test_weekly_is_zero_filled_between_the_first_and_last_week(four):
    w = cohort.weekly(four)
    assert w["week"].tolist() == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16),
                                  dt.date(2026, 11, 23)]
    assert w["emails"].tolist() == [2, 0, 2, 1]  # first emails and nudges
    assert w["meetings"].tolist() == [0, 2, 0, 1]
    assert w["thank-yous"].tolist() == [0, 2, 0, 1]
    assert w["updates"].tolist() == [0, 1, 0, 0]
    assert w["active"].tolist() == [1, 1, 1, 1]  # replies alone are not the participant's activity
    assert cohort.weekly([]).empty


def test_stalled_lists_two_quiet_weeks_or_none_at_all(four):
    quiet = cohort.stalled(four, TODAY)
    # Ben: 11 Nov, 14 days ago; the new participant: nothing ever; Dee (13 days) and Ana (1 day) are not quiet
    assert quiet["alias"].tolist() == ["participant", "Ben"]
    assert cohort.stalled(four, TODAY, days=13)["alias"].tolist() == ["participant", "Ben", "Dee"]
    assert "4 participants read, 1 file skipped; 3 meetings held in all; 2 quiet" in cohort.overview(
        four, [cohort.Problem("x.json", "x.json: no")], TODAY)


def test_the_charts_are_titled_and_labelled(four):
    funnel = cohort.funnel_chart(cohort.funnel(four))
    weekly = cohort.weekly_chart(cohort.weekly(four))
    for fig in (funnel, weekly):
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        assert ax.get_title().startswith("Cohort") and ax.get_xlabel() and ax.get_ylabel()
    assert "3 participants have chosen someone to ask" in funnel.axes[0].get_title()
    assert [t.get_text() for t in weekly.axes[0].get_legend().get_texts()] == ["emails", "meetings", "thank-yous",
                                                                               "updates"]


# ---------------------------------------------------------------------------- a folder with broken files


def _newer_workbook(path: Path) -> Path:
    with Workbook.open(path):
        pass
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA user_version = 99")
        con.commit()
    finally:
        con.close()
    return path


def _not_a_workbook(path: Path) -> Path:
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE songs (title TEXT)")
        con.commit()
    finally:
        con.close()
    return path


@pytest.fixture
def mixed(tmp_path, demo_master) -> Path:
    """A demo workbook, a summary, and four files that are not what they claim, plus files to ignore."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    shutil.copy(demo_master, folder / "alex.sqlite")
    with Workbook.open(demo_master, read_only=True) as wb:
        shared.write_summary(shared.progress_summary(wb, "2026-11-18", alias="Robin"), folder / "robin.json")
    (folder / "garbage.json").write_bytes(b"\x00\x01 not json")
    (folder / "wrong.json").write_text(json.dumps({"participants": [], "name": "Alex Rivera-Quinn"}))
    _not_a_workbook(folder / "songs.sqlite")
    _newer_workbook(folder / "newer.sqlite")
    (folder / "notes.txt").write_text("not a participant")
    (folder / ".hidden.json").write_text("{}")
    return folder


def _sqlite_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.sqlite"))}


def test_a_large_folder_is_read_in_parallel_processes_to_the_same_result(mixed, monkeypatch):
    one_by_one = cohort.load_folder(mixed, TODAY)
    monkeypatch.setattr(cohort, "PARALLEL_FROM", 2)  # the folder holds 3 .sqlite files
    monkeypatch.setattr(cohort, "_cores", lambda: 2)
    pools = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    assert cohort.load_folder(mixed, TODAY) == one_by_one
    assert pools == [(2,)]


def test_a_broken_or_foreign_file_is_named_and_the_rest_is_read(mixed):
    before = _sqlite_bytes(mixed)
    people, problems = cohort.load_folder(mixed, TODAY)
    assert [p.file for p in people] == ["alex.sqlite", "robin.json"]
    assert [p.summary["alias"] for p in people] == ["participant", "Robin"]  # a workbook's name never shows
    assert people[0].summary["today"] == "2026-11-25" and people[1].summary["today"] == "2026-11-18"
    assert people[0].summary["stages"]["met"] == 7
    found = {p.file: p.problem for p in problems}
    assert sorted(found) == ["garbage.json", "newer.sqlite", "songs.sqlite", "wrong.json"]
    assert re.match(r"garbage.json(, line 1)?: not (UTF-8|valid JSON)", found["garbage.json"])
    assert found["wrong.json"].startswith("wrong.json: schema_version = None: expected a progress summary")
    assert found["songs.sqlite"].startswith("songs.sqlite is an SQLite database but not an infoview workbook")
    assert found["newer.sqlite"].startswith("newer.sqlite was written by a newer infoview_kit (schema 99")
    assert all(str(mixed) not in p.problem for p in problems), "file names, not the coach's full paths"
    assert _sqlite_bytes(mixed) == before, "read-only: every workbook byte-identical"
    frame = cohort.problems_frame(problems)
    assert frame.columns.tolist() == ["file", "problem"] and len(frame) == 4


@pytest.mark.parametrize("make, error, message", [
    (lambda p: p / "missing", NotFoundError, "no such folder"),
    (lambda p: p, NotFoundError, r"holds no \.json summary or \.sqlite workbook"),
    (lambda p: "", InputFormatError, "folder is empty"),
])
def test_a_folder_that_holds_no_participant_is_an_error(tmp_path, make, error, message):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(error, match=message):
        cohort.load_folder(make(tmp_path), TODAY)


# ---------------------------------------------------------------------------- the notebook


# ---------------------------------------------------------------------------- the command


def _participant(path: Path, start: dt.datetime, people: int, met: int) -> Path:
    """A small participant workbook built through the public API: `people` chosen, researched and
    emailed; `met` of them replied, met and were thanked."""
    with Workbook.open(path) as wb:
        wb.set_profile(name=f"Private Name {path.stem}", timezone="America/Chicago", country="US", at=start)
        for i in range(people):
            at = start + dt.timedelta(days=i)
            cid = wb.add_contact(f"Secret{i}", f"Person{path.stem}", company=f"Hidden Co {i}", at=at)
            wb.set_target(cid, at=at)
            wb.add_research(cid, "experience", "Analyst", organization=f"Hidden Co {i}", at=at)
            wb.mark_sent(wb.save_draft(cid, "outreach", "Hello", "Private body", at=at), at=at)
            if i < met:
                wb.mark_replied(int(wb.messages(cid)["id"].iloc[0]), at=at + dt.timedelta(days=1))
                meeting = wb.schedule_meeting(cid, at + dt.timedelta(days=3), duration_min=20,
                                              at=at + dt.timedelta(days=1))
                wb.log_meeting(meeting, actual_start=at + dt.timedelta(days=3),
                               actual_end=at + dt.timedelta(days=3, minutes=22), notes="private notes")
                thanks = wb.save_draft(cid, "thank_you", "Thanks", "Private thanks", meeting_id=meeting,
                                       at=at + dt.timedelta(days=3, hours=4))
                wb.mark_sent(thanks, at=at + dt.timedelta(days=3, hours=4))
    return path


@pytest.mark.slow
def test_cohort_report_names_the_broken_files_draws_the_charts_and_reads_only(mixed, tmp_path, capsys):
    _participant(mixed / "p1.sqlite", dt.datetime(2026, 11, 2, 9), people=4, met=2)
    _participant(mixed / "p2.sqlite", dt.datetime(2026, 10, 1, 9), people=2, met=0)  # quiet since early October
    with Workbook.open(mixed / "p1.sqlite", read_only=True) as wb:
        scripted = shared.progress_summary(wb, TODAY, alias="<script>alert('hi')</script>")
    shared.write_summary(scripted, mixed / "scripted.json")
    (mixed / "<img src=x onerror=alert(1)>.json").write_text("nope")  # a file name is text the coach did not write
    (mixed / "=cmd.json").write_text("nope")  # neutralized in the CSV, named as it is on the command line
    before = _sqlite_bytes(mixed)
    out = tmp_path / "report"
    assert main(["cohort-report", str(mixed), "--today", "2026-11-25", "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    for name in ("garbage.json", "wrong.json", "songs.sqlite", "newer.sqlite", "<img src=x onerror=alert(1)>.json",
                 "=cmd.json"):
        assert f"warning: {name}" in err
    assert _sqlite_bytes(mixed) == before, "read-only: every workbook byte-identical"
    page = (out / "cohort_report.html").read_text(encoding="utf-8")
    for name in ("garbage.json", "wrong.json", "songs.sqlite", "newer.sqlite"):
        assert name in page
    for name in ("alex.sqlite", "robin.json", "p1.sqlite", "p2.sqlite", "scripted.json"):
        assert name in page
    assert page.count("data:image/png;base64") >= 2, "the funnel and the weekly activity charts"
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page, "aliases are escaped"
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.json" in page, "file names are escaped"
    for private in ("Alex Rivera-Quinn", "Dana Whitfield", "Bluefin", "Secret0", "Hidden Co", "Private Name",
                    "private notes"):
        assert private not in page
    assert "Traceback" not in page
    tables = out / "files" / "cohort-data"
    quiet = tables.joinpath("quiet.csv").read_text().splitlines()
    assert quiet[0] == "alias,file,last_activity,days_quiet"
    assert "participant,p2.sqlite,2026-10-02,54" in quiet, quiet
    problems = tables.joinpath("problems.csv").read_text()
    assert problems.count("\n") == 7 and "newer.sqlite" in problems
    assert "\n'=cmd.json," in problems  # a spreadsheet shows it, never runs it
    assert (out / "index.html").exists()


@pytest.mark.parametrize("args, message", [
    (["cohort-report", "{tmp}/nowhere", "--out", "{tmp}/report"], "no such folder"),
    (["cohort-report", "{tmp}", "--out", "{tmp}/report"], r"holds no \.json summary"),
    (["cohort-report", "{tmp}", "--today", "25/11/2026", "--out", "{tmp}/report"], "expected an ISO date"),
    (["cohort-report", "{tmp}", "--out", "{tmp}/robin.json"], "robin.json: is a file; expected the folder"),
])
def test_cohort_report_of_a_bad_folder_exits_2(args, message, tmp_path, capsys):
    if "robin.json" in " ".join(args):
        (tmp_path / "robin.json").write_text(json.dumps(summary("Robin", None, [0] * 7, {})))
    assert main([a.replace("{tmp}", str(tmp_path)) for a in args]) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "report").exists()
