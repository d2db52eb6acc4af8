"""The coach's cohort report: the participants' progress summaries of a folder, side by side."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError
from infoview_kit.reports.summary import progress_summary, read_summary, week_monday
from infoview_kit.store import STAGES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger("infoview_kit")

#: Days without any activity after which a participant is listed as quiet.
QUIET_DAYS = 14
#: From this many workbooks in a folder on, :func:`load_folder` summarizes them in parallel, one process
#: per core (starting the processes costs about a second; each workbook takes some 50 ms).
PARALLEL_FROM = 40
#: File kinds a cohort folder may hold.
SUFFIXES = (".json", ".sqlite")
#: The coach's notebook, in ``notebooks/coach/``.
COACH_NOTEBOOK = "cohort_report.ipynb"
_COHORT_ACTIVITY = {"emails": ("emails_sent", "nudges_sent"), "meetings": ("meetings_held",),
                    "thank-yous": ("thank_yous_on_time", "thank_yous_late"), "updates": ("updates_sent",)}


class Participant(NamedTuple):
    """One participant of a cohort: the file it was read from and its progress summary."""

    file: str
    summary: dict[str, Any]


class Problem(NamedTuple):
    """A file of a cohort folder that could not be read, and why (the message names the file first)."""

    file: str
    problem: str


# ---------------------------------------------------------------------------- the coach's cohort


def participant_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Return the participants' files of a cohort folder: its ``.json`` summaries and ``.sqlite`` workbooks.

    Raises
    ------
    InputFormatError
        If `folder` is empty.
    NotFoundError
        If it is not a folder, or holds no such file.
    """
    if folder is None or not str(folder).strip():
        raise InputFormatError("folder is empty: expected the folder of participants' summaries (.json) "
                               "or workbooks (.sqlite)")
    p = Path(folder).expanduser()
    if not p.is_dir():
        raise NotFoundError(f"{p}: no such folder; expected the folder of participants' summaries (.json) "
                            "or workbooks (.sqlite)", path=p)
    files = sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES and not f.name.startswith(".")
                   and f.is_file())
    if not files:
        raise NotFoundError(f"{p}: holds no .json summary or .sqlite workbook; ask participants for the file "
                            "'infoview share-progress' writes", path=p)
    return files


def summarize_file(path: str | os.PathLike[str], today: dt.date | str | None = None) -> dict[str, Any]:
    """Return the progress summary of one participant's file: read a ``.json`` summary, or summarize a
    ``.sqlite`` workbook opened read-only (the file is never written; the alias is the default).

    Raises
    ------
    SummaryFormatError, WorkbookError, InputFormatError
        If the file is not a summary, or not a workbook this version can read.
    """
    from infoview_kit.workbook import Workbook

    p = Path(path)
    if p.suffix.lower() == ".json":
        return read_summary(p)
    if p.suffix.lower() != ".sqlite":
        raise InputFormatError(f"{p.name}: expected a .json summary or a .sqlite workbook", path=p)
    with Workbook.open(p, read_only=True) as wb:
        return progress_summary(wb, today)


def _cores() -> int:
    """The CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _read_one(path: Path, day: dt.date) -> Participant | Problem:
    """One participant's file, or why it could not be read."""
    try:
        return Participant(path.name, summarize_file(path, day))
    except InfoviewError as exc:
        return Problem(path.name, str(exc).replace(str(path.parent) + os.sep, ""))
    except (sqlite3.Error, OSError, ValueError, KeyError) as exc:  # broken in a way nothing foresaw
        log.debug("reading %s", path, exc_info=True)
        return Problem(path.name, f"{path.name}: could not be read ({type(exc).__name__}: {exc})")


def load_folder(folder: str | os.PathLike[str], today: dt.date | str | None = None
                ) -> tuple[list[Participant], list[Problem]]:
    """Read every participant of a cohort folder; a file that cannot be read is named and skipped.

    Parameters
    ----------
    folder
        Participants' summaries (``.json``, from ``infoview share-progress``) and/or workbooks
        (``.sqlite``, read-only, summarized with :func:`progress_summary` so nothing private is read out).
    today
        The date workbooks are summarized for (summaries keep the date they were written for).

    Returns
    -------
    tuple
        The participants read, in file-name order, and one :class:`Problem` (file, problem) for each
        file that could not be read (not JSON, a JSON of another shape, not a workbook, a newer one).

    Raises
    ------
    InputFormatError, NotFoundError
        If `folder` is empty, missing, or holds no participant file.
    """
    from infoview_kit.base.paths import resolve_today

    day = resolve_today(today)
    files = participant_files(folder)
    workers = _cores()
    if workers > 1 and sum(f.suffix.lower() == ".sqlite" for f in files) >= PARALLEL_FROM:
        import concurrent.futures
        import multiprocessing

        # "spawn": safe from a Jupyter kernel (which has threads); each process imports the package once
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            read = list(pool.map(_read_one, files, [day] * len(files), chunksize=max(1, len(files) // (4 * workers))))
    else:
        read = [_read_one(f, day) for f in files]
    people = [r for r in read if isinstance(r, Participant)]
    problems = [r for r in read if isinstance(r, Problem)]
    for problem in problems:
        log.info("skipped %s: %s", problem.file, problem.problem)
    return people, problems


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Return the files that could not be read as a DataFrame. Columns: file, problem."""
    return pd.DataFrame(list(problems), columns=list(Problem._fields)).astype("string")


def _stage_reached(stages: Mapping[str, int]) -> str:
    reached = [s for s in STAGES if stages.get(s, 0) > 0]
    return reached[-1] if reached else "none yet"


def _days_quiet(summary: Mapping[str, Any], today: dt.date) -> float:
    last = summary["last_activity"]
    return float("nan") if last is None else float(max(0, (today - dt.date.fromisoformat(last)).days))


def table(participants: Sequence[Participant], today: dt.date | str | None = None) -> pd.DataFrame:
    """Return one row per participant, the furthest along first.

    Returns
    -------
    pandas.DataFrame
        Columns: alias, file, as_of (the summary's date), stage_reached (the furthest funnel stage
        anyone of theirs reached, or "none yet"), emailed, met (people), meetings_held,
        thank_yous_on_time, thank_yous_late, overdue_followups, last_activity (date or NaT),
        days_quiet (Int64: days from last_activity to `today`, 0 if later; NA when none).
    """
    from infoview_kit.base.paths import resolve_today

    day = resolve_today(today)
    rows = []
    for p in participants:
        s, t = p.summary, p.summary["totals"]
        rows.append({"alias": s["alias"], "file": p.file, "as_of": dt.date.fromisoformat(s["today"]),
                     "stage_reached": _stage_reached(s["stages"]), "emailed": s["stages"]["emailed"],
                     "met": s["stages"]["met"], "meetings_held": t["meetings_held"],
                     "thank_yous_on_time": t["thank_yous_on_time"], "thank_yous_late": t["thank_yous_late"],
                     "overdue_followups": t["overdue_followups"],
                     "last_activity": dt.date.fromisoformat(s["last_activity"]) if s["last_activity"] else pd.NaT,
                     "days_quiet": _days_quiet(s, day)})
    cols = ["alias", "file", "as_of", "stage_reached", "emailed", "met", "meetings_held", "thank_yous_on_time",
            "thank_yous_late", "overdue_followups", "last_activity", "days_quiet"]
    df = pd.DataFrame(rows, columns=cols)
    df["days_quiet"] = pd.array(df["days_quiet"], dtype="Float64").round().astype("Int64")
    if df.empty:
        return df
    rank = df["stage_reached"].map({s: i for i, s in enumerate(STAGES)}).fillna(-1)
    order = df.assign(_rank=rank).sort_values(["_rank", "meetings_held", "alias", "file"],
                                              ascending=[False, False, True, True]).index
    df = df.loc[order].reset_index(drop=True)
    df[["alias", "file", "stage_reached"]] = df[["alias", "file", "stage_reached"]].astype("string")
    return df


def funnel(participants: Sequence[Participant]) -> pd.DataFrame:
    """Return the cohort's outreach funnel: the participants' funnels added up.

    Returns
    -------
    pandas.DataFrame
        Columns: stage, people (in all), participants (how many had at least one person there),
        conversion (share of the previous stage, NaN for the first), of_identified.
    """
    people = [sum(p.summary["stages"][s] for p in participants) for s in STAGES]
    reached = [sum(1 for p in participants if p.summary["stages"][s] > 0) for s in STAGES]
    df = pd.DataFrame({"stage": list(STAGES), "people": people, "participants": reached})
    prev = df["people"].shift(1)
    df["conversion"] = (df["people"] / prev).where(prev > 0)
    df["of_identified"] = df["people"] / people[0] if people[0] else float("nan")
    return df


def weekly(participants: Sequence[Participant]) -> pd.DataFrame:
    """Return the cohort's activity per week, zero-filled from the first week anyone was active to the last.

    Returns
    -------
    pandas.DataFrame
        Columns: week (its Monday), emails (first emails and nudges), meetings (held), thank-yous
        (on time or late, in the week each fell due), updates (progress updates and check-ins),
        active (participants with any of these that week).
    """
    totals: dict[dt.date, dict[str, int]] = {}
    for p in participants:
        for w in p.summary["weeks"]:
            row = totals.setdefault(week_monday(w["week"]), {**dict.fromkeys(_COHORT_ACTIVITY, 0), "active": 0})
            counts = {name: sum(w[m] for m in metrics) for name, metrics in _COHORT_ACTIVITY.items()}
            for name, n in counts.items():
                row[name] += n
            row["active"] += int(any(counts.values()))
    cols = [*_COHORT_ACTIVITY, "active"]
    if not totals:
        return pd.DataFrame({"week": [], **{c: pd.Series([], dtype=int) for c in cols}})
    first, last = min(totals), max(totals)
    weeks = [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    empty = dict.fromkeys(cols, 0)
    return pd.DataFrame({"week": weeks, **{c: [totals.get(w, empty)[c] for w in weeks] for c in cols}})


def stalled(participants: Sequence[Participant], today: dt.date | str | None = None, *,
            days: int = QUIET_DAYS) -> pd.DataFrame:
    """Return the participants with no activity in their workbook for `days` days or more (or none at all).

    Returns
    -------
    pandas.DataFrame
        The longest quiet first. Columns: alias, file, last_activity (date or NaT), days_quiet
        (Int64, NA when nothing was ever logged).
    """
    df = table(participants, today)[["alias", "file", "last_activity", "days_quiet"]]
    quiet = df[df["days_quiet"].isna() | (df["days_quiet"] >= days).fillna(False)]
    return quiet.sort_values(["days_quiet", "alias", "file"], ascending=[False, True, True],
                             na_position="first").reset_index(drop=True)


def overview(participants: Sequence[Participant], problems: Sequence[Problem],
             today: dt.date | str | None = None, *, days: int = QUIET_DAYS) -> str:
    """Return one line (plain text) summing up the cohort: participants read, files skipped, meetings, quiet."""
    from infoview_kit.base.paths import resolve_today

    day = resolve_today(today)
    meetings = sum(p.summary["totals"]["meetings_held"] for p in participants)
    quiet = len(stalled(participants, day, days=days))
    skipped = f", {len(problems)} file{'s' if len(problems) != 1 else ''} skipped" if problems else ""
    return (f"Cohort on {day:%a %d %b %Y}: {len(participants)} participant{'s' if len(participants) != 1 else ''} "
            f"read{skipped}; {meetings} meeting{'s' if meetings != 1 else ''} held in all; "
            f"{quiet} quiet for {days} days or more.")


# ---------------------------------------------------------------------------- figures


def funnel_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`funnel` as horizontal bars with each stage's conversion (the participant's funnel chart)."""
    from infoview_kit.reports.charts import funnel_chart as participant_funnel

    fig = participant_funnel(data)
    n = int(data["participants"].iloc[0]) if len(data) else 0
    who = "1 participant has" if n == 1 else f"{n} participants have"
    fig.axes[0].set_title(f"Cohort funnel: people who reached each stage\n(all participants added up; {who} "
                          "chosen someone to ask)")
    return fig


def weekly_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`weekly`: the cohort's emails, meetings, thank-yous and updates per week."""
    from infoview_kit.reports.charts import activity_chart

    fig = activity_chart(data.drop(columns=["active"]))
    fig.axes[0].set_title("Cohort activity per week, all participants")
    return fig


def save(out_dir: str | os.PathLike[str] | None, **frames: pd.DataFrame) -> list[Path]:
    """Write each table as ``cohort-data/<name>.csv`` under `out_dir`; return the paths.

    Aliases and file names are the participants' own text: cells a spreadsheet would run as a
    formula get a leading apostrophe (:func:`infoview_kit.find.write.neutralize`). No `out_dir`
    (None or empty) writes nothing and returns no path.
    """
    from infoview_kit.find.write import write_tables_csv

    if out_dir is None or not str(out_dir).strip():
        return []
    return write_tables_csv(Path(out_dir) / "cohort-data", frames)


@dataclass
class CohortReport:
    """What ``infoview cohort-report`` wrote: the HTML report and the files it could not read."""

    html: Path
    index: Path
    problems: list[Problem]
    seconds: float


def run_report(folder: str | os.PathLike[str], today: dt.date | str | None, out_dir: str | os.PathLike[str], *,
               progress: bool = False, show_code: bool = False) -> CohortReport:
    """Run ``notebooks/coach/cohort_report.ipynb`` with papermill on a cohort folder and write it as HTML
    (its code hidden unless `show_code`).

    Raises
    ------
    InputFormatError, NotFoundError
        If `folder` is empty, missing, or holds no participant file, or `out_dir` is a file.
    NotebookRunError
        If the notebook fails.
    """
    from infoview_kit.base.paths import resolve_today
    from infoview_kit.reports.run import notebooks_dir, run_notebooks

    day = resolve_today(today)
    src = Path(folder).expanduser().resolve()
    participant_files(src)  # a bad folder is an error before a kernel starts
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise InputFormatError(f"{out_dir}: is a file; expected the folder to write the report in", path=out_dir)
    result = run_notebooks(None, day, out_dir, notebooks=[COACH_NOTEBOOK], source=notebooks_dir() / "coach",
                           extra={COACH_NOTEBOOK: {"folder": str(src)}}, progress=progress,
                           title=f"Cohort report, {day.isoformat()}", show_code=show_code,
                           names={str(src): src.name})
    listed = Path(result.out_dir) / "files" / "cohort-data" / "problems.csv"
    from infoview_kit.find.write import unneutralize

    rows = pd.read_csv(listed, dtype=str, keep_default_na=False).itertuples() if listed.exists() else []
    problems = [Problem(unneutralize(r.file), unneutralize(r.problem)) for r in rows]
    return CohortReport(html=result.html[0], index=result.index, problems=problems, seconds=result.seconds)
