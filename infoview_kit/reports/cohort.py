"""Workshops: a progress summary a participant can share (counts only), and the coach's cohort report."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError, SummaryFormatError
from infoview_kit.store import STAGES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from infoview_kit.followup.rules import Snapshot
    from infoview_kit.store import Workbook

log = logging.getLogger("infoview_kit")

#: The version of the summary's layout; a reader refuses a newer one.
SUMMARY_VERSION = 1
#: The alias a summary carries unless the participant chooses one: never their name.
DEFAULT_ALIAS = "participant"
#: The longest alias accepted, in characters.
MAX_ALIAS = 40
#: The largest summary file read (a real one is a few kilobytes).
MAX_SUMMARY_BYTES = 2_000_000
#: What a summary counts, in total and per ISO week. Thank-yous are counted in the week each fell
#: due (24 hours after the meeting); overdue follow-ups are those overdue on the summary's date,
#: by the week each fell due; everything else in the week it happened (local time).
METRICS = ("emails_sent", "nudges_sent", "replies", "meetings_held", "thank_yous_on_time", "thank_yous_late",
           "updates_sent", "overdue_followups")
#: Event kinds behind each metric counted from the activity log.
EVENT_METRICS = {"emails_sent": ("email_sent",), "nudges_sent": ("nudge_sent",), "replies": ("reply_received",),
                 "meetings_held": ("meeting_held",), "updates_sent": ("update_sent", "checkin_sent")}
#: The top-level fields of a summary, in the order it is written.
SUMMARY_FIELDS = ("schema_version", "alias", "today", "last_activity", "stages", "totals", "weeks")
#: Every key that may appear in a summary: nothing else is ever written.
ALLOWED_KEYS = frozenset((*SUMMARY_FIELDS, *STAGES, *METRICS, "week"))
#: Days without any activity after which a participant is listed as quiet.
QUIET_DAYS = 14
#: From this many workbooks in a folder on, :func:`load_folder` summarizes them in parallel, one process
#: per core (starting the processes costs about a second; each workbook takes some 50 ms).
PARALLEL_FROM = 40
#: File kinds a cohort folder may hold.
SUFFIXES = (".json", ".sqlite")
#: The coach's notebook, in ``notebooks/coach/``.
COACH_NOTEBOOK = "cohort_report.ipynb"
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
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


# ---------------------------------------------------------------------------- the participant's summary


def check_alias(alias: str | None) -> str:
    """Return the alias a summary carries: `alias` stripped, or :data:`DEFAULT_ALIAS` when empty.

    Raises
    ------
    InputFormatError
        If it is longer than :data:`MAX_ALIAS` characters or holds a control character.
    """
    if alias is None or not str(alias).strip():
        return DEFAULT_ALIAS
    if not isinstance(alias, str):
        raise InputFormatError(f"alias {alias!r}: expected text")
    clean = alias.strip()
    if len(clean) > MAX_ALIAS:
        raise InputFormatError(f"alias {clean[:MAX_ALIAS]!r}...: expected at most {MAX_ALIAS} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in clean):
        raise InputFormatError(f"alias {clean!r}: expected plain text without control characters")
    return clean


def iso_week(day: dt.date) -> str:
    """Return the ISO week of a date as ``YYYY-Www`` (``2026-W48``)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> dt.date:
    """Return the Monday of an ISO week given as ``YYYY-Www``.

    Raises
    ------
    InputFormatError
        If `week` is not of that form or names no week.
    """
    m = _ISO_WEEK.match(week) if isinstance(week, str) else None
    try:
        if m is None:
            raise ValueError
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise InputFormatError(f"week {week!r}: expected an ISO week such as 2026-W48") from None


def _weeks_of(days: np.ndarray) -> np.ndarray:
    """The ISO week label of each local date (datetime64[D])."""
    return np.array([iso_week(d) for d in days.astype(object)], dtype=object)


def progress_summary(wb: Workbook | Snapshot, today: dt.date | str | None = None, *,
                     alias: str | None = None) -> dict[str, Any]:
    """Return a participant's progress as counts only, to share with a coach.

    The summary holds no name, email, company or free text: only the alias, dates, ISO weeks
    and counts (every key is in :data:`ALLOWED_KEYS`). It reads the workbook and never writes it.

    Parameters
    ----------
    wb
        The participant's workbook (may be opened with ``read_only=True``), or a Snapshot of it.
    today
        The date the summary is for (ISO date; empty or None: the real today in the profile's zone).
    alias
        The name to show the coach; default :data:`DEFAULT_ALIAS`, never the profile's name.

    Returns
    -------
    dict
        schema_version (int); alias; today (ISO date); last_activity (ISO date of the last
        event in the activity log by `today`, local time; None when there is none); stages (people
        who reached each stage of the outreach funnel, as ``charts.funnel_data``); totals (one count
        per :data:`METRICS`); weeks (one dict per ISO week from the first event's to `today`'s:
        ``week`` as ``YYYY-Www`` and one count per metric; the weeks' counts add up to totals).

    Raises
    ------
    InputFormatError
        If `alias` or `today` is not valid.
    """
    from infoview_kit.reports.charts import funnel_data
    from infoview_kit.followup.rules import _context, _local_days, open_followups, snapshot
    from infoview_kit.store import Workbook

    name = check_alias(alias)
    snap = snapshot(wb)
    tz, _country, day, cut = _context(snap, today)
    events = snap.events()
    events = events[events["at"] < cut]
    kinds = events["kind"].to_numpy(dtype=object)
    local_days = _local_days(events["at"], tz)
    ev_week = _weeks_of(local_days)
    # (ISO weeks, metric) of everything counted
    counted: list[tuple[np.ndarray, str]] = [(ev_week[np.isin(kinds, list(k))], m) for m, k in EVENT_METRICS.items()]
    # thank-yous done by the end of `today`, on time when done by their due time (as followups.followup_history)
    fu = snap.followups()
    thanks = fu[(fu["kind"] == "thank_you") & fu["done_at"].notna() & (fu["done_at"] < cut)]
    on_time = (thanks["done_at"] <= thanks["due_at"]).to_numpy(dtype=bool)
    due_weeks = _weeks_of(_local_days(thanks["due_at"], tz))
    counted += [(due_weeks[on_time], "thank_yous_on_time"), (due_weeks[~on_time], "thank_yous_late")]
    # a Workbook is read lean by open_followups: only the rows and columns follow-ups come from
    items = open_followups(wb if isinstance(wb, Workbook) else snap, day)
    overdue = items[items["status"] == "overdue"]
    counted.append((_weeks_of(_local_days(overdue["due_at"], tz)), "overdue_followups"))

    per_week: dict[str, dict[str, int]] = {}
    for weeks, metric in counted:
        for week in weeks:
            per_week.setdefault(week, dict.fromkeys(METRICS, 0))[metric] += 1
    last = pd.Timestamp(local_days.max()).date() if len(local_days) else None
    first_days = [pd.Timestamp(local_days.min()).date()] if len(local_days) else []
    first_days += [week_monday(w) for w in per_week]
    weeks_out: list[dict[str, Any]] = []
    if first_days:
        monday = min(first_days) - dt.timedelta(days=min(first_days).weekday())
        end = max([day, *(week_monday(w) for w in per_week)])
        while monday <= end:
            label = iso_week(monday)
            weeks_out.append({"week": label, **per_week.get(label, dict.fromkeys(METRICS, 0))})
            monday += dt.timedelta(days=7)
    totals = {m: sum(int(w[m]) for w in weeks_out) for m in METRICS}
    funnel = funnel_data(snap, day, waiting=False)
    stages = {str(s): int(n) for s, n in zip(funnel["stage"], funnel["people"], strict=True)}
    return {"schema_version": SUMMARY_VERSION, "alias": name, "today": day.isoformat(),
            "last_activity": last.isoformat() if last else None, "stages": stages, "totals": totals,
            "weeks": weeks_out}


def write_summary(summary: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Check `summary` (see :func:`check_summary`) and write it as JSON at `path`; return the path.

    Raises
    ------
    InputFormatError
        If `path` cannot be written (a folder, or a place without write permission).
    """
    target = Path(path)
    check_summary(dict(summary), source=target.name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputFormatError(f"{target}: cannot write the summary there ({exc.strerror or exc}); expected the "
                               "path of a file, such as progress.json", path=target) from None
    return target


def default_summary_name(alias: str, today: dt.date) -> str:
    """Return the file name ``share-progress`` writes by default: ``progress-[alias-]<today>.json``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", alias).strip("-").lower()[:MAX_ALIAS]
    return f"progress-{slug + '-' if slug and alias != DEFAULT_ALIAS else ''}{today.isoformat()}.json"


# ---------------------------------------------------------------------------- reading summaries


def _count(value: Any, where: str, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SummaryFormatError(f"{source}: {where} = {value!r}: expected a count (a whole number >= 0)",
                                 path=source)
    return value


def _counts(value: Any, keys: Sequence[str], where: str, source: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise SummaryFormatError(f"{source}: {where}: expected an object with {', '.join(keys)}", path=source)
    missing = [k for k in keys if k not in value]
    extra = sorted(str(k) for k in value if k not in keys)
    if missing or extra:
        raise SummaryFormatError(f"{source}: {where}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else []))
            + f"; expected exactly {', '.join(keys)}", path=source)
    return {k: _count(value[k], f"{where}.{k}", source) for k in keys}


def _date(value: Any, where: str, source: str) -> dt.date:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SummaryFormatError(f"{source}: {where} = {value!r}: expected an ISO date such as 2026-11-25",
                                 path=source) from None


def check_summary(data: Any, *, source: str = "summary") -> dict[str, Any]:
    """Check that `data` is a progress summary of a known version; return it.

    Raises
    ------
    SummaryFormatError
        Naming `source` and the field that is wrong, and what was expected.
    """
    if not isinstance(data, dict):
        raise SummaryFormatError(f"{source}: expected a JSON object written by 'infoview share-progress', "
                                 f"found {type(data).__name__}", path=source)
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SummaryFormatError(f"{source}: schema_version = {version!r}: expected a progress summary written by "
                                 "'infoview share-progress' (schema_version 1)", path=source)
    if version > SUMMARY_VERSION:
        raise SummaryFormatError(f"{source}: written by a newer infoview_kit (schema_version {version}; this version "
                                 f"reads up to {SUMMARY_VERSION}); upgrade infoview_kit", path=source)
    if version < 1:
        raise SummaryFormatError(f"{source}: schema_version = {version}: expected 1", path=source)
    extra = sorted(str(k) for k in data if k not in SUMMARY_FIELDS)
    missing = [k for k in SUMMARY_FIELDS if k not in data]
    if extra or missing:
        raise SummaryFormatError(f"{source}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown field {', '.join(extra)}"]
                                                                      if extra else []))
            + f"; expected exactly {', '.join(SUMMARY_FIELDS)}", path=source)
    try:
        alias = check_alias(data["alias"]) if isinstance(data["alias"], str) and data["alias"].strip() else None
    except InputFormatError as exc:
        raise SummaryFormatError(f"{source}: {exc}", path=source) from None
    if alias is None:
        raise SummaryFormatError(f"{source}: alias = {data['alias']!r}: expected a non-empty text", path=source)
    _date(data["today"], "today", source)
    if data["last_activity"] is not None:
        _date(data["last_activity"], "last_activity", source)
    _counts(data["stages"], STAGES, "stages", source)
    _counts(data["totals"], METRICS, "totals", source)
    weeks = data["weeks"]
    if not isinstance(weeks, list):
        raise SummaryFormatError(f"{source}: weeks: expected a list of weeks", path=source)
    previous = ""
    for i, week in enumerate(weeks):
        if not isinstance(week, dict):
            raise SummaryFormatError(f"{source}: weeks[{i}]: expected an object", path=source)
        label = week.get("week")
        try:
            if not isinstance(label, str):
                raise InputFormatError("not text")
            week_monday(label)
        except InputFormatError:
            raise SummaryFormatError(f"{source}: weeks[{i}].week = {label!r}: expected an ISO week such as 2026-W48",
                                     path=source) from None
        if label <= previous:
            raise SummaryFormatError(f"{source}: weeks[{i}].week = {label!r}: expected weeks in order, each once",
                                     path=source)
        previous = label
        _counts({k: v for k, v in week.items() if k != "week"}, METRICS, f"weeks[{i}]", source)
    return data


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a progress summary written by ``infoview share-progress``.

    Raises
    ------
    NotFoundError
        If the file does not exist.
    SummaryFormatError
        If it is not JSON, is too large, or is not a summary of a known version (names the field).
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise NotFoundError(f"{p}: no such summary file", path=p) from None
    if size > MAX_SUMMARY_BYTES:
        raise SummaryFormatError(f"{p.name}: {size:,} bytes; a progress summary is a few kilobytes "
                                 f"(at most {MAX_SUMMARY_BYTES:,})", path=p)
    try:
        data = json.loads(p.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise SummaryFormatError(f"{p.name}: not UTF-8 text; expected JSON written by 'infoview share-progress'",
                                 path=p) from None
    except json.JSONDecodeError as exc:
        raise SummaryFormatError(f"{p.name}, line {exc.lineno}: not valid JSON ({exc.msg}); expected a file written "
                                 "by 'infoview share-progress'", path=p, line=exc.lineno) from None
    return check_summary(data, source=p.name)


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
    from infoview_kit.store import Workbook

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


def save(out_dir: str | os.PathLike[str], **frames: pd.DataFrame) -> list[Path]:
    """Write each table as ``cohort-data/<name>.csv`` under `out_dir`; return the paths.

    Aliases and file names are the participants' own text: cells a spreadsheet would run as a
    formula get a leading apostrophe (:func:`infoview_kit.find.write.neutralize`).
    """
    from infoview_kit.find.write import write_tables_csv

    return write_tables_csv(Path(out_dir) / "cohort-data", frames)


@dataclass
class CohortReport:
    """What ``infoview cohort-report`` wrote: the HTML report and the files it could not read."""

    html: Path
    index: Path
    problems: list[Problem]
    seconds: float


def run_report(folder: str | os.PathLike[str], today: dt.date | str | None, out_dir: str | os.PathLike[str], *,
               progress: bool = False) -> CohortReport:
    """Run ``notebooks/coach/cohort_report.ipynb`` with papermill on a cohort folder and write it as HTML.

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
                           title=f"Cohort report, {day.isoformat()}")
    listed = Path(result.out_dir) / "files" / "cohort-data" / "problems.csv"
    from infoview_kit.find.write import unneutralize

    rows = pd.read_csv(listed, dtype=str, keep_default_na=False).itertuples() if listed.exists() else []
    problems = [Problem(unneutralize(r.file), unneutralize(r.problem)) for r in rows]
    return CohortReport(html=result.html[0], index=result.index, problems=problems, seconds=result.seconds)
