"""A participant's progress summary: counts only, to share with a coach (written, read and checked)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError, SummaryFormatError
from infoview_kit.followup.due import open_followups
from infoview_kit.reports.charts import funnel_data
from infoview_kit.store import STAGES
from infoview_kit.store.readmodel import context, is_store, local_days, snapshot

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook
    from infoview_kit.store.readmodel import Snapshot

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
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

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
    name = check_alias(alias)
    snap = snapshot(wb)
    tz, _country, day, cut = context(snap, today)
    events = snap.events()
    events = events[events["at"] < cut]
    kinds = events["kind"].to_numpy(dtype=object)
    event_days = local_days(events["at"], tz)
    ev_week = _weeks_of(event_days)
    # (ISO weeks, metric) of everything counted
    counted: list[tuple[np.ndarray, str]] = [(ev_week[np.isin(kinds, list(k))], m) for m, k in EVENT_METRICS.items()]
    # thank-yous done by the end of `today`, on time when done by their due time (as followups.followup_history)
    fu = snap.followups()
    thanks = fu[(fu["kind"] == "thank_you") & fu["done_at"].notna() & (fu["done_at"] < cut)]
    on_time = (thanks["done_at"] <= thanks["due_at"]).to_numpy(dtype=bool)
    due_weeks = _weeks_of(local_days(thanks["due_at"], tz))
    counted += [(due_weeks[on_time], "thank_yous_on_time"), (due_weeks[~on_time], "thank_yous_late")]
    # a Workbook is read lean by open_followups: only the rows and columns follow-ups come from
    items = open_followups(wb if is_store(wb) else snap, day)
    overdue = items[items["status"] == "overdue"]
    counted.append((_weeks_of(local_days(overdue["due_at"], tz)), "overdue_followups"))

    per_week: dict[str, dict[str, int]] = {}
    for weeks, metric in counted:
        for week in weeks:
            per_week.setdefault(week, dict.fromkeys(METRICS, 0))[metric] += 1
    last = pd.Timestamp(event_days.max()).date() if len(event_days) else None
    first_days = [pd.Timestamp(event_days.min()).date()] if len(event_days) else []
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


def _check_layout(data: Any, source: str) -> None:
    """A JSON object of a known schema version, with exactly the fields of a summary."""
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


def _check_weeks(weeks: Any, source: str) -> None:
    """A list of ISO weeks, in order and each once, each with one count per metric."""
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


def check_summary(data: Any, *, source: str = "summary") -> dict[str, Any]:
    """Check that `data` is a progress summary of a known version; return it.

    Raises
    ------
    SummaryFormatError
        Naming `source` and the field that is wrong, and what was expected.
    """
    _check_layout(data, source)
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
    _check_weeks(data["weeks"], source)
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
