"""Charts of the whole effort: each figure is drawn from a data function that returns its DataFrame."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .store import STAGE_OF_EVENT, STAGES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .store import Workbook

# Okabe-Ito: distinguishable with every common form of colour blindness, and in greyscale print
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
ACTIVITY_KINDS = {"emails": ("email_sent", "nudge_sent"), "meetings": ("meeting_held",),
                  "thank-yous": ("thank_you_sent",), "updates": ("update_sent", "checkin_sent")}


def _until(events: pd.DataFrame, today: dt.date | None) -> pd.DataFrame:
    if today is None:
        return events
    end = pd.Timestamp(today + dt.timedelta(days=1), tz="UTC")
    return events[events["at"] < end]


def funnel_data(wb: Workbook, today: dt.date | None = None) -> pd.DataFrame:
    """Return the outreach funnel: how many people reached each stage, up to `today`.

    A person counts in every stage up to the furthest one they reached, so the bars never grow
    from one stage to the next.

    Returns
    -------
    pandas.DataFrame
        Columns: stage (identified, researched, emailed, replied, met, thanked, kept_in_touch),
        people, conversion (share of the previous stage, NaN for the first), of_identified.
    """
    events = _until(wb.events(), today)
    rank = {s: i for i, s in enumerate(STAGES)}
    staged = events[events["kind"].isin(list(STAGE_OF_EVENT))].copy()
    staged["rank"] = staged["kind"].map(lambda k: rank[STAGE_OF_EVENT[k]])
    furthest = staged.groupby("contact_id")["rank"].max()
    people = [int((furthest >= i).sum()) for i in range(len(STAGES))]
    df = pd.DataFrame({"stage": STAGES, "people": people})
    prev = df["people"].shift(1)
    df["conversion"] = (df["people"] / prev).where(prev > 0)
    df["of_identified"] = df["people"] / df["people"].iloc[0] if people[0] else float("nan")
    return df


def activity_data(wb: Workbook, today: dt.date | None = None) -> pd.DataFrame:
    """Return activity per week (weeks start on Monday), zero-filled from the first event to `today`.

    Returns
    -------
    pandas.DataFrame
        Columns: week (date of its Monday), emails (first emails and nudges sent), meetings
        (held), thank-yous (sent), updates (progress updates and check-ins sent).
    """
    events = _until(wb.events(), today)
    cols = list(ACTIVITY_KINDS)
    if events.empty:
        return pd.DataFrame(columns=["week", *cols])
    tzname = wb.profile().get("timezone") or "UTC"
    local = events["at"].dt.tz_convert(tzname).dt.tz_localize(None)
    week = (local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")).dt.date
    last = today or local.max().date()
    weeks = pd.date_range(min(week), last - dt.timedelta(days=last.weekday()), freq="7D").date
    out = pd.DataFrame({"week": weeks})
    for name, kinds in ACTIVITY_KINDS.items():
        counts = week[events["kind"].isin(kinds)].value_counts()
        out[name] = out["week"].map(counts).fillna(0).astype(int)
    return out


def funnel_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`funnel_data` as horizontal bars with each stage's conversion."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    labels = [s.replace("_", " ") for s in data["stage"]]
    bars = ax.barh(labels, data["people"], color=PALETTE[0])
    ax.invert_yaxis()
    for bar, n, conv in zip(bars, data["people"], data["conversion"], strict=True):
        text = f"{n}" + (f"  ({conv:.0%} of previous)" if pd.notna(conv) else "")
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("people")
    ax.set_title("Outreach funnel: people who reached each stage")
    ax.set_xlim(0, max(1, int(data["people"].max())) * 1.35)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def activity_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`activity_data` as grouped weekly bars, with hatching for greyscale print."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    kinds = [c for c in data.columns if c != "week"]
    width = 0.8 / max(1, len(kinds))
    x = range(len(data))
    for i, (kind, hatch) in enumerate(zip(kinds, ["", "//", "..", "xx"], strict=False)):
        ax.bar([p + (i - (len(kinds) - 1) / 2) * width for p in x], data[kind], width, label=kind,
               color=PALETTE[i], hatch=hatch, edgecolor="white")
    ax.set_xticks(list(x), [pd.Timestamp(w).strftime("%d %b") for w in data["week"]], rotation=45, ha="right")
    ax.set_xlabel("week starting")
    ax.set_ylabel("count")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Activity per week")
    ax.legend(ncols=len(kinds), loc="upper right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def save_data(out_dir: str | os.PathLike[str], **frames: pd.DataFrame) -> list[Path]:
    """Write each chart's data as ``chart-data/<name>.csv`` under `out_dir`; return the paths."""
    folder = Path(out_dir) / "chart-data"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
