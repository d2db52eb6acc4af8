"""The written reading of the charts: what is going well and what is stuck, read from the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from infoview_kit.base.text import markdown_text, plural
from infoview_kit.reports.charts import response_summary

#: A reader of one chart's data: it adds lines to what is going well and what is stuck.
Reader = Callable[[pd.DataFrame, list[str], list[str]], None]


def _read_funnel(funnel: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """The narrowest step of the funnel, judged on the people whose time for it is up."""
    if funnel["people"].iloc[0] <= 0:
        return
    line = f"Funnel: {int(funnel['people'].iloc[0])} people chosen, {int(funnel['people'].iloc[4])} met"
    # a step is judged on the people whose time for it is up: someone met yesterday whose thank-you
    # is not due yet is not a missed thank-you
    waiting = funnel["waiting"] if "waiting" in funnel else pd.Series(0, index=funnel.index)
    decided = funnel["people"].shift(1) - waiting
    rate = (funnel["people"] / decided).where(decided > 0).iloc[1:]
    if not rate.notna().any():
        good.append(f"{line}; every step so far is still within its time.")
        return
    i = int(rate.idxmin())
    row, prev = funnel.loc[i], int(funnel["people"].loc[i - 1])
    stage = str(row["stage"]).replace("_", " ")
    before = str(funnel["stage"].loc[i - 1]).replace("_", " ")
    late = int(waiting.loc[i])
    low = bool(rate.loc[i] < 0.6)
    step = (f"{'only ' if low else ''}{row['conversion']:.0%} of the people {before} went on to '{stage}' "
            f"({int(row['people'])} of {prev}"
            + (f"; {late} more still {'has' if late == 1 else 'have'} time" if late else "") + ")")
    (stuck if low else good).append(f"{line}; the narrowest step: {step}.")


def _read_responses(resp: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """The reply rate against the band normal for cold outreach, and the emails without a reply."""
    if not len(resp):
        return
    s = response_summary(resp)
    low, high = s["band"]
    if s["decided"]:
        line = (f"Replies: {s['rate']:.0%} of the {s['decided']} first emails decided got a reply "
                f"({s['quick']} within two business days); {low:.0%}-{high:.0%} is normal for cold outreach.")
        (good if s["rate"] >= low else stuck).append(line)
    if s["none"]:
        stuck.append(f"{plural(s['none'], 'first email')} never got a reply: write to a second person at those "
                     "employers rather than a third time to the same person.")
    if s["waiting"]:
        good.append(f"{plural(s['waiting'], 'first email')} still within seven business days: give it time.")


def _read_health(health: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """Follow-ups done on time against late, and those never done."""
    if not len(health):
        return
    on_time, late, overdue = (int(health[c].sum()) for c in ("on_time", "late", "overdue"))
    done = on_time + late
    if done:
        (good if on_time >= late else stuck).append(f"Follow-ups: {on_time} of {done} done were on time, {late} late.")
    if overdue:
        stuck.append(f"Over the whole effort, {plural(overdue, 'follow-up')} that fell due were never done "
                     "(referral asks that lapsed unasked included).")


def _read_due(due: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """What is overdue today (the oldest named) and what is due today."""
    if not len(due):
        return
    overdue_now = due[due["status"] == "overdue"]
    if len(overdue_now):
        oldest = overdue_now.sort_values("due_at").iloc[0]
        stuck.append(f"{len(overdue_now)} overdue today, the oldest since {oldest['due_at']:%a %d %b} "
                     f"({markdown_text(str(oldest['kind']).replace('_', ' '))}, {markdown_text(oldest['name'])}): "
                     "do it or mark it done.")
    today_n = int((due["status"] == "due").sum())
    if today_n:
        good.append(f"{plural(today_n, 'follow-up')} due today: on time if done today.")


def _read_minutes(minutes: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """The minutes meetings took against the minutes asked for."""
    if not len(minutes):
        return
    planned, actual = int(minutes["planned_min"].sum()), int(minutes["actual_min"].sum())
    over = int((minutes["over_min"] > 2).sum())
    line = (f"Meetings: {plural(len(minutes), 'meeting')} held, {actual} minutes taken of {planned} asked for"
            + (f"; {over} ran more than 2 minutes over." if over else "."))
    kept = actual <= planned * 1.1
    (good if kept else stuck).append(line + (" You keep to the time you ask for." if kept
                                             else " Keep to the time you asked for."))


def _read_activity(activity: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """Emails of the last four weeks against the four before."""
    if len(activity) < 2:
        return
    recent, before = activity.iloc[-4:], activity.iloc[-8:-4]
    sent_recent = int(recent["emails"].sum())
    if sent_recent == 0:
        stuck.append("No first email or nudge in the last four weeks: choose the next people to contact (step 1).")
    elif len(before) and sent_recent >= int(before["emails"].sum()):
        good.append(f"{_emails(sent_recent)} in the last four weeks, as many as or more than the four before.")
    else:
        stuck.append(f"{_emails(sent_recent)} in the last four weeks, fewer than the four before.")


def _emails(n: int) -> str:
    return f"{n} email" if n == 1 else f"{n} emails"


def _read_network(network: pd.DataFrame, good: list[str], stuck: list[str]) -> None:
    """The people introduced to you, and how many of them you met."""
    if not len(network):
        return
    total, met = int(network["introduced_total"].iloc[-1]), int(network["met_total"].iloc[-1])
    if total:
        good.append(f"Introductions: {total} {'person' if total == 1 else 'people'} introduced to you, "
                    f"{met} of them met.")
    else:
        stuck.append("No introduction yet: ask the people you meet whom else you should talk to.")


#: Each chart's reader, in the order the reading tells them ("due" is what is due now, not a chart).
READERS: dict[str, Reader] = {
    "funnel": _read_funnel, "responses": _read_responses, "followup_health": _read_health, "due": _read_due,
    "meeting_minutes": _read_minutes, "activity": _read_activity, "network": _read_network}


def reading(data: Mapping[str, pd.DataFrame], due: pd.DataFrame | None = None) -> str:
    """Return a short written reading of the charts: what is going well, and what is stuck (Markdown).

    Parameters
    ----------
    data
        The chart data by name, as :func:`infoview_kit.reports.charts.chart_data` returns it
        (missing ones are skipped).
    due
        What is due now (:func:`infoview_kit.followup.due.due`), for the overdue count.
    """
    good: list[str] = []
    stuck: list[str] = []
    frames = {**data, "due": due}
    for name, read in READERS.items():
        frame = frames.get(name)
        if frame is not None:
            read(frame, good, stuck)
    if not good and not stuck:
        return "Nothing to read yet: the charts fill in as you contact people and meet them."
    parts = []
    if good:
        parts.append("**Going well**\n\n" + "\n".join(f"- {g}" for g in good))
    if stuck:
        parts.append("**Stuck or slipping**\n\n" + "\n".join(f"- {s}" for s in stuck))
    return "\n\n".join(parts)
