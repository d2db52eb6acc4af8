"""Charts of the whole effort: each figure is drawn from a data function that returns its DataFrame."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from infoview_kit.base.bizdays import business_calendar
from infoview_kit.base.text import mondays, plural, week_mondays
from infoview_kit.followup.due import followup_history, keep_in_touch
from infoview_kit.followup.evidence import ANSWER_SOURCES, evidence_before, first_answer_after
from infoview_kit.store import STAGE_OF_EVENT, STAGES
from infoview_kit.store.readmodel import Snapshot, Tables, context, is_store, local_days, snapshot

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from infoview_kit.workbook import Workbook

# Okabe-Ito: distinguishable with every common form of colour blindness, and in greyscale print
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Hatching that tells series apart when printed in black and white, in the order of PALETTE.
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
#: Line styles that tell lines apart in black and white, in the order of PALETTE.
LINESTYLES = ["-", "--", ":", "-."]
ACTIVITY_KINDS = {"emails": ("email_sent", "nudge_sent"), "meetings": ("meeting_held",),
                  "thank-yous": ("thank_you_sent",), "updates": ("update_sent", "checkin_sent")}
#: The reply rate that is normal for cold outreach: the band drawn behind the reply rate.
COLD_REPLY_BAND = (0.20, 0.40)
#: How first emails were answered (``emails.classify_reply``), with a colour and hatch each.
RESPONSE_STYLE = {"quick": (PALETTE[2], ""), "on_time": (PALETTE[0], "//"), "late": (PALETTE[1], ".."),
                  "none": (PALETTE[5], "xx"), "waiting": ("#BBBBBB", "\\\\")}
HEALTH_STYLE = {"on_time": (PALETTE[0], ""), "late": (PALETTE[1], "//"), "overdue": (PALETTE[5], "xx")}


def _until(wb: Tables, events: pd.DataFrame, today: dt.date | str | None) -> pd.DataFrame:
    """The events up to the end of `today` in the profile's time zone (all of them when None)."""
    if today is None:
        return events
    cut = context(wb, today)[3]
    return events[(events["at"] < cut).to_numpy(dtype=bool)]


# ---------------------------------------------------------------------------- data


def funnel_data(wb: Tables, today: dt.date | str | None = None, *, waiting: bool = True) -> pd.DataFrame:
    """Return the outreach funnel: how many people reached each stage, up to `today`.

    A person counts in every stage up to the furthest one they reached, so the bars never grow
    from one stage to the next. The stages come from the activity log (``STAGE_OF_EVENT``) and
    from the answer evidence of :func:`infoview_kit.followup.evidence.answer_evidence` (someone who
    introduced you to a person has replied; a thank-you marked done is thanked), so the funnel,
    the reply chart and the follow-ups tell one story.

    Returns
    -------
    pandas.DataFrame
        Columns: stage (identified, researched, emailed, replied, met, thanked, kept_in_touch),
        people, conversion (share of the previous stage, NaN for the first), of_identified,
        waiting (people of the previous stage, not of this one, whose time for this step is not up
        by `today`: a first email still within seven business days (the reply chart's
        "waiting"), a meeting still ahead, a thank-you not yet due (24 hours after the meeting),
        a first keep-in-touch not yet due; 0 for the steps with no clock). With ``waiting=False``
        (counts only, as the cohort summary needs) the column is left out.
    """
    plan_from = wb  # a Workbook's plan comes from its lean read
    wb = snapshot(wb) if is_store(wb) else wb
    events = _until(wb, wb.events(), today)
    rank = {k: STAGES.index(s) for k, s in STAGE_OF_EVENT.items()}
    staged = events[events["kind"].isin(list(STAGE_OF_EVENT))]
    person = staged["contact_id"].astype(object)
    forgotten = staged["contact_id"].isna().to_numpy()
    if forgotten.any():  # a forgotten person's events keep a random pseudonym instead of their id (Workbook.forget)
        person[forgotten] = [d.get("anonymized") if isinstance(d, dict) and isinstance(d.get("anonymized"), str)
                             else None for d in staged["detail"][forgotten]]
    cut = context(wb, today)[3] if today is not None else pd.Timestamp.max.tz_localize("UTC")
    evidence = evidence_before(wb, cut.tz_convert(None).to_datetime64())
    ranks = pd.concat([pd.Series(staged["kind"].map(rank).to_numpy(), index=pd.Index(person, dtype=object)),
                       pd.Series(evidence["source"].map({k: STAGES.index(v) for k, v in ANSWER_SOURCES.items()})
                                 .to_numpy(), index=pd.Index(evidence["contact_id"].astype(object), dtype=object))])
    furthest = ranks.groupby(level=0, sort=False).max()
    people = [int((furthest >= i).sum()) for i in range(len(STAGES))]
    df = pd.DataFrame({"stage": STAGES, "people": people})
    prev = df["people"].shift(1)
    df["conversion"] = (df["people"] / prev).where(prev > 0)
    df["of_identified"] = df["people"] / df["people"].iloc[0] if people[0] else float("nan")
    if waiting:
        df["waiting"] = _funnel_waiting(wb, today, furthest, plan_from)
    return df


def _funnel_waiting(wb: Tables, today: dt.date | str | None, furthest: pd.Series, plan_from: Tables) -> list[int]:
    """Per stage, the people who reached the one before it and whose time for it is not up yet."""
    tz, _country, day, cut = context(wb, today)
    today64 = np.datetime64(day, "D")
    at = {i: set(furthest.index[(furthest == i - 1).to_numpy(dtype=bool)]) for i in range(1, len(STAGES))}
    waiting = dict.fromkeys(range(len(STAGES)), 0)
    if at[STAGES.index("replied")]:
        resp = response_data(wb, day)
        within = set(resp.loc[(resp["response"] == "waiting").to_numpy(dtype=bool), "contact_id"].tolist())
        waiting[STAGES.index("replied")] = len(at[STAGES.index("replied")] & within)
    if at[STAGES.index("met")] or at[STAGES.index("thanked")]:
        mt = wb.meetings()
        status = mt["status"].to_numpy(dtype=object)
        ends = mt["starts_at"] + pd.to_timedelta(mt["duration_min"].astype("int64"), unit="min")
        ahead = np.isin(status, ("proposed", "confirmed")) & (local_days(ends, tz) >= today64)
        waiting[STAGES.index("met")] = len(at[STAGES.index("met")] & set(mt["contact_id"].to_numpy()[ahead].tolist()))
        held = (status == "held") & (mt["actual_end"] < cut).to_numpy(dtype=bool)
        thank_by = local_days(mt["actual_end"] + pd.Timedelta(hours=24), tz)
        last = pd.Series(thank_by[held], index=mt["contact_id"].to_numpy()[held]).groupby(level=0).max()
        waiting[STAGES.index("thanked")] = len(at[STAGES.index("thanked")] & set(last.index[last >= today64].tolist()))
    if at[STAGES.index("kept_in_touch")]:
        touch = keep_in_touch(plan_from, day)
        first = local_days(touch["next_due"], tz)
        soon = (~touch["at_rest"].to_numpy(dtype=bool)) & (first >= today64)
        waiting[STAGES.index("kept_in_touch")] = len(at[STAGES.index("kept_in_touch")]
                                                     & set(touch["contact_id"].to_numpy()[soon].tolist()))
    return [waiting[i] for i in range(len(STAGES))]


def activity_data(wb: Tables, today: dt.date | None = None) -> pd.DataFrame:
    """Return activity per week (weeks start on Monday), zero-filled from the first event to `today`.

    Returns
    -------
    pandas.DataFrame
        Columns: week (date of its Monday), emails (first emails and nudges sent), meetings
        (held), thank-yous (sent), updates (progress updates and check-ins sent).
    """
    events = _until(wb, wb.events(), today)
    cols = list(ACTIVITY_KINDS)
    if events.empty:
        return pd.DataFrame(columns=["week", *cols])
    tzname = wb.profile().get("timezone") or "UTC"
    at = events["at"]
    first, last_at = at.iloc[[0, -1]] if at.is_monotonic_increasing else (at.min(), at.max())
    counted = events[events["kind"].isin([k for kinds in ACTIVITY_KINDS.values() for k in kinds])]
    week = pd.Series(mondays(local_days(counted["at"], tzname)), index=counted.index)
    span = local_days(pd.Series([first, last_at]), tzname)  # from the first event, whatever its kind
    last = today or pd.Timestamp(span[1]).date()
    out = pd.DataFrame({"week": week_mondays(pd.Timestamp(span[0]).date(), last)})
    key = pd.to_datetime(out["week"]).to_numpy(dtype="datetime64[ns]")
    for name, kinds in ACTIVITY_KINDS.items():
        counts = week[counted["kind"].isin(kinds)].value_counts()
        counts.index = pd.to_datetime(counts.index)
        out[name] = counts.reindex(key).fillna(0).astype(int).to_numpy()
    return out


def response_data(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return how each first email was answered, in business days of the user's calendar.

    The classes are those of :func:`infoview_kit.outreach.replies.classify_reply` (quick: before business
    day 3; on_time: day 3 to 7; late: after day 7; none: no reply and day 7 has passed;
    waiting: no reply yet, day 7 not passed), computed for all emails at once. The reply is the
    earliest answer after the email was sent (:func:`infoview_kit.followup.evidence.answer_evidence`:
    a reply recorded, a meeting scheduled or held, a thank-you, an introduction), so a person
    met without a reply recorded is not "waiting".

    Returns
    -------
    pandas.DataFrame
        One row per first email sent by `today`, oldest first. Columns: message_id, contact_id,
        sent_at, replied_at (local time of the earliest answer after it; NaT when none),
        days_to_reply (calendar days, float), business_days (to the reply, Int64), response
        (quick, on_time, late, none, waiting).
    """
    tz, country, day, cut = context(wb, today)
    snap: Tables = snapshot(wb) if is_store(wb) else wb  # messages are read twice otherwise
    if isinstance(snap, Snapshot):  # the funnel's waiting reads it too: computed once per snapshot and day
        return snap.memo(("responses", day), lambda: _response_data(snap, tz, country, day, cut)).copy()
    return _response_data(snap, tz, country, day, cut)


def _response_data(snap: Tables, tz: str, country: str, day: dt.date, cut: pd.Timestamp) -> pd.DataFrame:
    msgs = snap.messages()
    first = msgs[(msgs["kind"] == "outreach") & (msgs["sent_at"] < cut)].sort_values(["sent_at", "id"])
    evidence = evidence_before(snap, cut.tz_convert(None).to_datetime64())
    answered = first_answer_after(first["contact_id"].to_numpy(), first["sent_at"].dt.tz_convert(None).to_numpy(
        dtype="datetime64[ns]"), evidence)
    replied = pd.Series(pd.DatetimeIndex(answered).tz_localize("UTC"), index=first.index)
    sent_day, reply_day = local_days(first["sent_at"], tz), local_days(replied, tz)
    cal = business_calendar(country, [sent_day, reply_day], day, ahead=30)
    day3, day7 = cal.add(sent_day, 3), cal.add(sent_day, 7)
    has = ~np.isnat(reply_day)
    response = np.select(
        [has & (reply_day < day3), has & (reply_day <= day7), has, np.datetime64(day, "D") > day7],
        ["quick", "on_time", "late", "none"], "waiting")
    bdays = pd.array(np.where(has, cal.between(sent_day, np.where(has, reply_day, sent_day)), 0), dtype="Int64")
    bdays[~has] = pd.NA
    return pd.DataFrame({
        "message_id": first["id"].to_numpy(), "contact_id": first["contact_id"].to_numpy(),
        "sent_at": first["sent_at"].dt.tz_convert(tz).to_numpy(), "replied_at": replied.dt.tz_convert(tz).to_numpy(),
        "days_to_reply": ((replied - first["sent_at"]).dt.total_seconds() / 86400).round(2).to_numpy(),
        "business_days": bdays, "response": pd.array(response, dtype="string")})


def response_summary(data: pd.DataFrame) -> dict[str, Any]:
    """Sum up :func:`response_data`: counts per class and the reply rate of the emails decided.

    Returns
    -------
    dict
        sent, replied, decided (sent minus waiting: too early to tell), rate (replied / decided,
        NaN when none is decided), band (COLD_REPLY_BAND), median_days (calendar days to a
        reply), and one count per class (quick, on_time, late, none, waiting).
    """
    counts = data["response"].value_counts()
    per = {k: int(counts.get(k, 0)) for k in RESPONSE_STYLE}
    replied = per["quick"] + per["on_time"] + per["late"]
    decided = len(data) - per["waiting"]
    return {"sent": len(data), "replied": replied, "decided": decided,
            "rate": replied / decided if decided else float("nan"), "band": COLD_REPLY_BAND,
            "median_days": float(data["days_to_reply"].median()) if replied else float("nan"), **per}


def followup_health_data(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return follow-up health per week: how many follow-ups that fell due were done on time, late, or not.

    Counted by the week (Monday, local) each fell due, from the first such week to `today`'s;
    see :func:`infoview_kit.followup.due.followup_history` for what counts.

    Returns
    -------
    pandas.DataFrame
        Columns: week, on_time, late, overdue (not done, and its due day has passed).
    """
    _tz, _country, day, _cut = context(wb, today)
    hist = followup_history(wb, day)
    hist = hist[hist["outcome"] != "open"]
    cols = ["on_time", "late", "overdue"]
    if hist.empty:
        return pd.DataFrame({"week": [], **{c: pd.Series([], dtype=int) for c in cols}})
    week = pd.to_datetime(mondays(hist["due_day"].to_numpy(dtype="datetime64[D]")))
    table = pd.crosstab(week, hist["outcome"].to_numpy()).reindex(columns=cols, fill_value=0)
    weeks = week_mondays(week.min().date(), day)
    table = table.reindex(pd.to_datetime(weeks), fill_value=0)
    return pd.DataFrame({"week": weeks, **{c: table[c].astype(int).to_numpy() for c in cols}})


def meeting_minutes_data(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return every meeting held by `today`: the minutes asked for against the minutes it took.

    Returns
    -------
    pandas.DataFrame
        One row per meeting held, oldest first. Columns: meeting_id, contact_id, name, date
        (local), planned_min, actual_min, over_min (actual minus planned; negative when short).
    """
    tz, _country, _day, cut = context(wb, today)
    mt = wb.meetings()
    held = mt[(mt["status"] == "held") & (mt["actual_end"] < cut) & mt["actual_start"].notna()]
    held = held.sort_values(["actual_start", "id"])
    planned = held["duration_min"].astype(int).to_numpy()
    actual = held["actual_min"].round().astype(int).to_numpy()
    return pd.DataFrame({"meeting_id": held["id"].to_numpy(), "contact_id": held["contact_id"].to_numpy(),
                         "name": held["name"].to_numpy(), "date": held["actual_start"].dt.tz_convert(tz).dt.date,
                         "planned_min": planned, "actual_min": actual, "over_min": actual - planned})


def network_data(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return the growth of your network through introductions, per week.

    Returns
    -------
    pandas.DataFrame
        One row per week (Monday, local) from the week of the first contact to `today`'s.
        Columns: week, introduced (people added that week on someone's introduction),
        introduced_total, met_total (of those introduced, how many you had met by then),
        introducers_total (different people who had introduced you to someone).
    """
    tz, _country, day, cut = context(wb, today)
    people = wb.contacts()
    people = people[people["created_at"] < cut]
    cols = ["introduced", "introduced_total", "met_total", "introducers_total"]
    if people.empty:
        return pd.DataFrame({"week": [], **{c: pd.Series([], dtype=int) for c in cols}})
    weeks = week_mondays(pd.Timestamp(local_days(people["created_at"], tz).min()).date(), day)
    index = pd.to_datetime(weeks)
    intro = people[people["referred_by"].notna()]
    added = pd.to_datetime(mondays(local_days(intro["created_at"], tz)))
    per_week = pd.Series(1, index=added).groupby(level=0).sum().reindex(index, fill_value=0)
    first_by = pd.Series(added, index=intro["referred_by"].to_numpy()).groupby(level=0).min()
    introducers = pd.Series(1, index=first_by.to_numpy()).groupby(level=0).sum().reindex(index, fill_value=0)
    mt = wb.meetings()
    held = mt[(mt["status"] == "held") & (mt["actual_end"] < cut) & mt["contact_id"].isin(intro["id"])]
    met = pd.to_datetime(mondays(local_days(held.groupby("contact_id")["actual_end"].min(), tz)))
    met_week = pd.Series(1, index=met).groupby(level=0).sum().reindex(index, fill_value=0)
    return pd.DataFrame({"week": weeks, "introduced": per_week.to_numpy(dtype=int),
                         "introduced_total": per_week.cumsum().to_numpy(dtype=int),
                         "met_total": met_week.cumsum().to_numpy(dtype=int),
                         "introducers_total": introducers.cumsum().to_numpy(dtype=int)})


#: Every chart's data function, by the name its CSV is saved under.
DATA_FUNCTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "funnel": funnel_data, "activity": activity_data, "responses": response_data,
    "followup_health": followup_health_data, "meeting_minutes": meeting_minutes_data, "network": network_data}


def chart_data(wb: Workbook | Snapshot, today: dt.date | str | None = None) -> dict[str, pd.DataFrame]:
    """Return the data of every chart (:data:`DATA_FUNCTIONS`), reading each workbook table once."""
    from infoview_kit.base.paths import resolve_today

    snap = snapshot(wb)
    day = context(snap, today)[2] if today is None or isinstance(today, str) else resolve_today(today)
    return {name: fn(snap, day) for name, fn in DATA_FUNCTIONS.items()}


# ---------------------------------------------------------------------------- figures


def _figure(size: tuple[float, float], ncols: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


def _nothing_yet(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def _week_axis(ax: Axes, weeks: pd.Series) -> None:
    """Label weekly bars with their Monday, at most about 14 labels."""
    step = max(1, -(-len(weeks) // 14))
    ticks = list(range(0, len(weeks), step))
    ax.set_xticks(ticks, [pd.Timestamp(weeks.iloc[i]).strftime("%d %b %Y" if step > 4 else "%d %b")
                          for i in ticks], rotation=45, ha="right")
    ax.set_xlabel("week starting")


def funnel_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`funnel_data` as horizontal bars with each stage's conversion."""
    from matplotlib.ticker import MaxNLocator

    fig, (ax,) = _figure((8, 4.2))
    labels = [s.replace("_", " ") for s in data["stage"]]
    bars = ax.barh(labels, data["people"], color=PALETTE[0])
    ax.invert_yaxis()
    late = data["waiting"] if "waiting" in data else pd.Series(0, index=data.index)
    for bar, n, conv, w in zip(bars, data["people"], data["conversion"], late, strict=True):
        text = f"{n}" + (f"  ({conv:.0%} of previous" + (f"; {w} more still within their time" if w else "") + ")"
                         if pd.notna(conv) else "")
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("people")
    ax.set_ylabel("stage reached")
    ax.set_title("Outreach funnel: people who reached each stage")
    ax.set_xlim(0, max(1, int(data["people"].max())) * 1.45)
    return fig


def activity_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`activity_data` as grouped weekly bars, with hatching for greyscale print."""
    from matplotlib.ticker import MaxNLocator

    fig, (ax,) = _figure((9, 4))
    ax.set_title("Activity per week")
    if data.empty:
        _nothing_yet(ax, "Nothing yet: your activity shows here week by week.")
        return fig
    kinds = [c for c in data.columns if c != "week"]
    x = np.arange(len(data))
    if len(data) <= 16:  # grouped bars, hatched for print
        width = 0.8 / max(1, len(kinds))
        for i, kind in enumerate(kinds):
            ax.bar(x + (i - (len(kinds) - 1) / 2) * width, data[kind], width, label=kind, color=PALETTE[i],
                   hatch=HATCHES[i], edgecolor="white")
    else:  # too many weeks for bars: one line each, told apart by its dashes in print
        for i, kind in enumerate(kinds):
            ax.plot(x, data[kind], label=kind, color=PALETTE[i], linestyle=LINESTYLES[i], linewidth=1.5)
    _week_axis(ax, data["week"])
    ax.set_ylabel("count")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1, int(data[kinds].to_numpy().max())) * 1.25)
    ax.legend(ncols=len(kinds), loc="upper right", frameon=False)
    return fig


def response_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`response_data`: business days to a reply, and the reply rate by month against the
    20-40% band normal for cold outreach."""
    s = response_summary(data)
    fig, (left, right) = _figure((10, 4.2), ncols=2)
    fig.suptitle(f"Replies to first emails: {s['rate']:.0%} of the {s['decided']} decided ({s['replied']} replied)"
                 if s["decided"] else
                 f"Replies to first emails: {plural(s['sent'], 'first email')} sent, none decided yet")
    left.set_title("Business days to a reply", fontsize=10)
    right.set_title("Reply rate by month sent", fontsize=10)
    if data.empty:
        _nothing_yet(left, "No first email sent yet.")
        _nothing_yet(right, "No first email sent yet.")
        return fig
    _reply_days(left, data, s)
    _reply_rate(right, data)
    return fig


def _reply_days(left: Axes, data: pd.DataFrame, s: dict[str, Any]) -> None:
    """The left panel of :func:`response_chart`: first emails by business days to the reply."""
    from matplotlib.ticker import MaxNLocator

    got = data[data["business_days"].notna()]
    top = int(max(8, got["business_days"].max() if len(got) else 0))
    counts = got.groupby(["business_days", "response"]).size()
    bottom = np.zeros(top + 1)
    for cls in ("quick", "on_time", "late"):
        colour, hatch = RESPONSE_STYLE[cls]
        values = np.array([counts.get((d, cls), 0) for d in range(top + 1)])
        left.bar(range(top + 1), values, bottom=bottom, color=colour, hatch=hatch, edgecolor="white",
                 label=f"{cls.replace('_', ' ')} ({s[cls]})")
        bottom += values
    gap = max(2, top // 6)
    extra = {"none": top + gap, "waiting": top + 2 * gap}  # the emails without a reply, beside the days
    for cls, xpos in extra.items():
        colour, hatch = RESPONSE_STYLE[cls]
        left.bar([xpos], [s[cls]], width=0.8 * gap / 2 if gap > 2 else 0.8, color=colour, hatch=hatch,
                 edgecolor="white", label=f"{'no reply' if cls == 'none' else cls} ({s[cls]})")
    for d, text in ((2.5, "day 3"), (7.5, "day 7")):
        left.axvline(d, color="#555555", linestyle=":", linewidth=1)
        left.annotate(text, (d, 1), xycoords=("data", "axes fraction"), xytext=(2, -2), textcoords="offset points",
                      va="top", fontsize=8, color="#555555")
    ticks = list(range(0, top + 1, 2 if top <= 16 else -(-top // 8)))
    left.set_xticks([*ticks, *extra.values()], [str(t) for t in ticks] + ["no\nreply", "wait-\ning"])
    left.legend(frameon=False, fontsize=8, loc="upper right")
    left.set_xlabel("business days from sending to the reply")
    left.set_ylabel("first emails")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_ylim(0, max(1, bottom.max(), s["none"], s["waiting"]) * 1.9)


def _reply_rate(right: Axes, data: pd.DataFrame) -> None:
    """The right panel of :func:`response_chart`: the reply rate by month sent, against the normal band."""
    from matplotlib.ticker import PercentFormatter

    month = pd.to_datetime(data["sent_at"]).dt.strftime("%Y-%m")
    decided = data[data["response"] != "waiting"]
    by_month = pd.DataFrame({
        "decided": decided.groupby(month[decided.index]).size(),
        "replied": decided[decided["response"].isin(["quick", "on_time", "late"])].groupby(
            month[decided.index]).size()}).fillna(0)
    by_month = by_month.reindex(sorted(month.unique()), fill_value=0)
    low, high = COLD_REPLY_BAND
    right.axhspan(low, high, facecolor="#E5E5E5", edgecolor="none", zorder=0,
                  label=f"normal for cold outreach ({low:.0%}-{high:.0%})")
    for edge in (low, high):  # drawn over the bars, so the band reads through them, in print too
        right.axhline(edge, color="#333333", linestyle="--", linewidth=1, zorder=3)
    share = (by_month["replied"] / by_month["decided"]).where(by_month["decided"] > 0)
    x = np.arange(len(by_month))
    right.bar(x, share.fillna(0), 0.6, color=PALETTE[0], label="your reply rate")
    if len(by_month) <= 12:  # replied/decided over each bar, while there is room
        for xi, (n, k) in enumerate(zip(by_month["decided"], by_month["replied"], strict=True)):
            right.annotate(f"{int(k)}/{int(n)}" if n else "waiting", (xi, share.fillna(0).iloc[xi]), xytext=(0, 3),
                           textcoords="offset points", ha="center", fontsize=8)
    step = -(-len(x) // 12)
    labels = [pd.Timestamp(m + "-01").strftime("%b %Y") for m in by_month.index]
    right.set_xticks(x[::step], labels[::step], rotation=45 if len(x) > 6 else 0,
                     ha="right" if len(x) > 6 else "center")
    right.set_xlabel("month the first email was sent")
    right.set_ylabel("replied (of those decided)")
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylim(0, 1.15)
    right.legend(frameon=False, fontsize=8, loc="upper right")


def followup_health_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`followup_health_data` as stacked weekly bars: on time, late, overdue."""
    from matplotlib.ticker import MaxNLocator

    fig, (ax,) = _figure((9, 4))
    ax.set_title("Follow-up health: done on time, late, or still overdue, by the week each fell due")
    if data.empty:
        _nothing_yet(ax, "No follow-up has fallen due yet.")
        return fig
    x = np.arange(len(data))
    bottom = np.zeros(len(data))
    for col, (colour, hatch) in HEALTH_STYLE.items():
        values = data[col].to_numpy(dtype=float)
        ax.bar(x, values, 0.7, bottom=bottom, color=colour, hatch=hatch, edgecolor="white",
               label=f"{col.replace('_', ' ')} ({int(values.sum())})")
        bottom += values
    _week_axis(ax, data["week"])
    ax.set_ylabel("follow-ups")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1, bottom.max()) * 1.25)
    ax.legend(ncols=3, frameon=False, loc="upper left")
    return fig


def meeting_minutes_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`meeting_minutes_data`: the minutes asked for and the minutes taken, per meeting."""
    fig, (ax,) = _figure((9, 4))
    if data.empty:
        ax.set_title("Meeting minutes: planned against actual")
        _nothing_yet(ax, "No meeting held yet.")
        return fig
    planned, actual = int(data["planned_min"].sum()), int(data["actual_min"].sum())
    ax.set_title(f"Meeting minutes: planned against actual ({actual} taken of {planned} asked for)")
    if len(data) > 20:  # too many meetings for a bar each: the minutes of each month
        month = pd.to_datetime(data["date"]).dt.to_period("M")
        totals = data.groupby(month)[["planned_min", "actual_min"]].sum()
        x = np.arange(len(totals))
        ax.bar(x - 0.2, totals["planned_min"], 0.4, color=PALETTE[4], edgecolor="white", label="planned (asked for)")
        ax.bar(x + 0.2, totals["actual_min"], 0.4, color=PALETTE[1], hatch="//", edgecolor="white", label="actual")
        step = -(-len(x) // 14)
        ax.set_xticks(x[::step], [p.strftime("%b %Y") for p in totals.index[::step]], rotation=45, ha="right")
        ax.set_xlabel("month the meetings were held")
        ax.set_ylabel("minutes, all meetings of the month")
        ax.set_ylim(0, float(totals.to_numpy().max()) * 1.3)
        ax.legend(ncols=2, frameon=False, loc="upper left")
        return fig
    x = np.arange(len(data))
    ax.bar(x - 0.2, data["planned_min"], 0.4, color=PALETTE[4], edgecolor="white", label="planned (asked for)")
    ax.bar(x + 0.2, data["actual_min"], 0.4, color=PALETTE[1], hatch="//", edgecolor="white", label="actual")
    for xi, over in zip(x, data["over_min"], strict=True):
        if over:
            top = max(data["planned_min"].iloc[xi], data["actual_min"].iloc[xi])
            ax.annotate(f"{over:+d}", (xi, top), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8,
                        color=PALETTE[5] if over > 0 else "#333333")
    firsts = data["name"].astype(str).str.split().str[0]
    labels = [f"{n}\n{pd.Timestamp(d):%d %b}" for n, d in zip(firsts, data["date"], strict=True)]
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_xlabel("meeting")
    ax.set_ylabel("minutes")
    ax.set_ylim(0, max(data["planned_min"].max(), data["actual_min"].max()) * 1.3)
    ax.legend(ncols=2, frameon=False, loc="upper left")
    return fig


def network_chart(data: pd.DataFrame) -> Figure:
    """Draw :func:`network_data`: people introduced per week, and the running totals introduced and met."""
    from matplotlib.ticker import MaxNLocator

    fig, (ax,) = _figure((9, 4))
    ax.set_title("Network growth through introductions")
    if data.empty or not data["introduced_total"].iloc[-1]:
        _nothing_yet(ax, "No introduction yet: ask the people you meet whom else you should talk to.")
        return fig
    x = np.arange(len(data))
    ax.bar(x, data["introduced"], 0.6, color=PALETTE[4], hatch="//", edgecolor="white",
           label="introduced that week")
    ax.plot(x, data["introduced_total"], color=PALETTE[0], linewidth=2, marker="o", markersize=4,
            drawstyle="steps-post", label="introduced, in all")
    ax.plot(x, data["met_total"], color=PALETTE[5], linewidth=2, linestyle="--", marker="s", markersize=4,
            drawstyle="steps-post", label="of them met, in all")
    _week_axis(ax, data["week"])
    ax.set_ylabel("people")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1, int(data["introduced_total"].max())) * 1.5)
    ax.legend(ncols=3, frameon=False, loc="upper left")
    return fig


#: Every chart, by the name of its data (see :data:`DATA_FUNCTIONS`).
CHARTS: dict[str, Callable[[pd.DataFrame], Figure]] = {
    "funnel": funnel_chart, "activity": activity_chart, "responses": response_chart,
    "followup_health": followup_health_chart, "meeting_minutes": meeting_minutes_chart, "network": network_chart}


def save_data(out_dir: str | os.PathLike[str] | None, **frames: pd.DataFrame) -> list[Path]:
    """Write each chart's data as ``chart-data/<name>.csv`` under `out_dir`; return the paths.

    Text cells that a spreadsheet would run as a formula (a name starting with ``=``, ``+``, ``-``,
    ``@``...) get a leading apostrophe, as in :func:`infoview_kit.find.write.neutralize`.
    No `out_dir` (None or empty) writes nothing and returns no path.
    """
    from infoview_kit.find.write import write_tables_csv

    if out_dir is None or not str(out_dir).strip():
        return []
    return write_tables_csv(Path(out_dir) / "chart-data", frames)


def save_figures(out_dir: str | os.PathLike[str], dpi: int = 120, **figures: Figure) -> list[Path]:
    """Write each figure as ``charts/<name>.png`` under `out_dir` (for slides or print); return the paths."""
    folder = Path(out_dir) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures.items():
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=dpi, metadata={"Software": None})
        paths.append(path)
    return paths
