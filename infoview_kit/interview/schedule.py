"""Meetings on the calendar: choose the one being worked on, propose, confirm and move it, describe
it, and write its calendar file (same UID, higher SEQUENCE for every change)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.text import aware, clean_text, utc
from infoview_kit.interview.calendars import cancel_ics, meeting_ics
from infoview_kit.interview.plan import ensure_plan
from infoview_kit.outreach.mail import safe_filename

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = [
    "ALARM_MIN", "OVERVIEW_COLUMNS", "arrange_meeting", "calendar_filename", "confirm_meeting", "contact_name",
    "describe_meeting", "is_link", "local_time", "meeting_calendar", "meeting_choices", "meeting_ics_bytes",
    "meeting_start", "meetings_overview", "meetings_summary", "pick_meeting", "propose_meeting", "when_text",
]

#: Minutes before the start at which the calendar entry's reminder fires.
ALARM_MIN = 30
#: The columns of :func:`meetings_overview`.
OVERVIEW_COLUMNS = ["id", "name", "company", "when", "duration_min", "place", "status", "actual_min"]
_LINK = re.compile(r"^https?://\S+$", re.I)


# ------------------------------------------------------------------------ picking


def pick_meeting(wb: Store, name: str = "", *, now: dt.datetime | None = None,
                 required: bool = True) -> int | None:
    """Return the meeting a notebook works on.

    With `name` (a contact's full name): that person's latest meeting, which becomes the
    workbook's current meeting (:meth:`Workbook.set_current`). Otherwise the current meeting
    (held ones included, so its log, thank-you and follow-ups stay in view; a cancelled one is
    passed over); with none, the earliest confirmed meeting that has started but is not logged
    yet, else the next confirmed one, else the latest held one, else the latest proposed one,
    which becomes the current meeting (its person the current person). With ``required=False``,
    None when there is none yet.

    Raises
    ------
    NotFoundError
        If there is no such meeting (schedule one first).
    """
    meetings = wb.meetings()
    if name and name.strip():
        mine = meetings[meetings["contact_id"] == wb.find_contact(name)]
        if mine.empty:
            raise NotFoundError(f"no meeting with {name!r} yet: schedule one first")
        chosen_id = int(mine["id"].iloc[-1])
        if wb.current()["meeting_id"] != chosen_id:
            wb.set_current(meeting_id=chosen_id)
        return chosen_id
    current = wb.current()["meeting_id"]
    if current is not None and wb.meeting(current)["status"] != "cancelled":
        return int(current)
    now_ts = pd.Timestamp(now or dt.datetime.now(dt.UTC))
    confirmed = meetings[meetings["status"] == "confirmed"]
    past = confirmed[confirmed["starts_at"] <= now_ts]
    future = confirmed[confirmed["starts_at"] > now_ts]
    held = meetings[meetings["status"] == "held"].iloc[::-1]
    proposed = meetings[meetings["status"] == "proposed"].iloc[::-1]
    chosen = next((df for df in (past, future, held, proposed) if not df.empty), past)
    if chosen.empty:
        if not required:
            return None
        raise NotFoundError("no meeting to prepare or log: schedule one in notebook 04")
    found = int(chosen["id"].iloc[0])
    wb.set_current(meeting_id=found)  # and its person: every panel and the composer show the same meeting
    return found


def meeting_choices(wb: Store, *, now: dt.datetime | None = None,
                    statuses: Sequence[str] | None = None) -> list[tuple[str, int]]:
    """Return the meetings to choose from, as (label, meeting id): those ahead soonest first,
    then those past newest first, cancelled ones last; with `statuses`, only meetings in one of them
    (the schedule form offers the ``("proposed", "confirmed")`` ones to move).

    A label reads "Helen Whitaker (Northwind), Tue 24 Nov 2026 14:00 CST, 30 min, confirmed".
    """
    df = wb.meetings()
    if statuses is not None:
        df = df[df["status"].isin(list(statuses))]
    if df.empty:
        return []
    now_ts = pd.Timestamp(now or dt.datetime.now(dt.UTC))
    when = pd.Series("", index=df.index, dtype=object)
    for tz, part in df.groupby("timezone")["starts_at"]:
        when[part.index] = part.dt.tz_convert(str(tz)).dt.strftime("%a %d %b %Y %H:%M %Z")
    company = df["company"].astype(object).where(df["company"].notna(), "")
    name = df["name"].astype(object).where(df["name"].notna() & (df["name"] != ""), "your contact")
    label = (name + company.map(lambda c: f" ({c})" if c else "") + ", " + when + ", "
             + df["duration_min"].astype(str) + " min, " + df["status"].astype(object))
    cancelled = df["status"] == "cancelled"
    ahead = df.index[(df["starts_at"] >= now_ts) & ~cancelled]
    past = df.index[(df["starts_at"] < now_ts) & ~cancelled][::-1]
    order = [*ahead, *past, *df.index[cancelled][::-1]]
    return [(str(label[i]), int(df.at[i, "id"])) for i in order]


def meeting_start(wb: Store, meeting_id: int) -> dt.datetime:
    """Return when a meeting starts, as an aware datetime in the meeting's own time zone."""
    m = wb.meeting(meeting_id)
    return local_time(m["starts_at"], m["timezone"])


def describe_meeting(wb: Store, meeting_id: int) -> str:
    """Return one line naming a meeting: who, employer, local start, length and status."""
    m = wb.meeting(meeting_id)
    contact = wb.contact(m["contact_id"])
    company = clean_text(contact.get("company"))
    who = contact_name(contact) + (f" ({company})" if company else "")
    return f"{who}, {when_text(local_time(m['starts_at'], m['timezone']))}, {m['duration_min']} min, {m['status']}"


def meetings_overview(wb: Store) -> pd.DataFrame:
    """Return every meeting with its start in its own time zone, soonest first.

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, company, when (local start as text, e.g. "Tue 24 Nov 2026 14:00 CST"),
        duration_min, place, status (proposed/confirmed/held/cancelled), actual_min (minutes, to a
        tenth, NaN until the meeting is timed).
    """
    df = wb.meetings()
    when = [when_text(ts.tz_convert(tz).to_pydatetime())
            for ts, tz in zip(df["starts_at"], df["timezone"], strict=True)]
    out = df.assign(when=pd.Series(when, index=df.index, dtype="string"), actual_min=df["actual_min"].round(1))
    return out[OVERVIEW_COLUMNS].reset_index(drop=True)


def meetings_summary(meetings: pd.DataFrame) -> str:
    """Say how many meetings :func:`meetings_overview` holds, by status ("3 meetings: 1 proposed,
    2 held."); with none, how to start."""
    if meetings.empty:
        return "No meetings yet: when someone agrees to meet, propose a time with the form below."
    counts = meetings["status"].value_counts()
    parts = [f"{counts[s]} {s}" for s in ("proposed", "confirmed", "held", "cancelled") if s in counts]
    return f"{len(meetings)} meeting{'' if len(meetings) == 1 else 's'}: {', '.join(parts)}."


# ------------------------------------------------------------------------ scheduling


def propose_meeting(wb: Store, contact_id: int, start: dt.datetime | str, *, duration_min: int = 30,
                    timezone: str | None = None, place: str | None = None,
                    at: dt.datetime | str | None = None) -> int:
    """Record a meeting time you proposed (status "proposed"); return the meeting id.

    `start` is in `timezone` (default: the profile's) when naive. Its calendar file is marked
    tentative until :func:`confirm_meeting`.
    """
    return wb.schedule_meeting(contact_id, start, duration_min=duration_min, timezone=timezone, place=place,
                               status="proposed", at=at)


def confirm_meeting(wb: Store, meeting_id: int, *, at: dt.datetime | str | None = None) -> bool:
    """Mark a proposed meeting confirmed; see :meth:`Workbook.confirm_meeting`."""
    return wb.confirm_meeting(meeting_id, at=at)


def arrange_meeting(wb: Store, contact_id: int | None, start: dt.datetime | str, *,
                    meeting_id: int | None = None, duration_min: int = 30, timezone: str | None = None,
                    place: str | None = None, confirmed: bool = False,
                    at: dt.datetime | str | None = None) -> int:
    """Propose a meeting, or with ``confirmed=True`` confirm it; with `meeting_id`, move that
    meeting to `start` first, with its length, place and time zone (same UID, higher SEQUENCE).
    Return the meeting id, which becomes the workbook's current meeting.

    This is what the schedule form's buttons do. For a move, ``place=None`` keeps the place and
    ``""`` clears it; `contact_id` is ignored.

    Raises
    ------
    InputFormatError
        If the time zone, start or length is not valid, or the meeting was held or cancelled.
    """
    with wb.transaction():  # one change, one notification
        return _arrange(wb, contact_id, start, meeting_id=meeting_id, duration_min=duration_min,
                        timezone=timezone, place=place, confirmed=confirmed, at=at)


def _arrange(wb: Store, contact_id: int | None, start: dt.datetime | str, *, meeting_id: int | None,
             duration_min: int, timezone: str | None, place: str | None, confirmed: bool,
             at: dt.datetime | str | None) -> int:
    if meeting_id is None:
        if contact_id is None:
            raise InputFormatError("choose whom you are meeting first")
        tzname = timezone or wb.profile().get("timezone") or "UTC"
        moment = aware(start, tzname)
        mid = wb.schedule_meeting(contact_id, moment, duration_min=duration_min, timezone=tzname,
                                  place=place or None, status="confirmed" if confirmed else "proposed", at=at)
        ensure_plan(wb, mid)  # its question plan comes with it, in the same change
    else:
        mid = int(meeting_id)
        tzname = timezone or wb.meeting(mid)["timezone"]
        wb.reschedule_meeting(mid, aware(start, tzname), duration_min=duration_min, place=place,
                              timezone=tzname, at=at)
    if confirmed:
        confirm_meeting(wb, mid, at=at)
    if wb.current()["meeting_id"] != mid:
        wb.set_current(meeting_id=mid)
    return mid


# ------------------------------------------------------------------------ calendar files


def meeting_ics_bytes(wb: Store, meeting_id: int, *, dtstamp: dt.datetime) -> bytes:
    """Return a meeting's iCalendar file: its UID and SEQUENCE from the workbook, an alarm
    :data:`ALARM_MIN` minutes before, TENTATIVE while proposed; a METHOD:CANCEL file once cancelled."""
    m = wb.meeting(meeting_id)
    contact = wb.contact(m["contact_id"])
    company = clean_text(contact.get("company"))
    place = clean_text(m["place"]) or ""
    args: dict[str, Any] = {
        "uid": m["uid"], "sequence": int(m["sequence"]), "start": local_time(m["starts_at"], m["timezone"]),
        "duration_min": int(m["duration_min"]), "dtstamp": utc(dtstamp), "location": place,
        "summary": f"Informational interview: {contact_name(contact)}" + (f" ({company})" if company else ""),
        "description": _ics_description(wb, meeting_id),
    }
    if m["status"] == "cancelled":
        return cancel_ics(**args)
    return meeting_ics(**args, url=place if is_link(place) else None, alarm_min=ALARM_MIN,
                       status="TENTATIVE" if m["status"] == "proposed" else "CONFIRMED")


def calendar_filename(wb: Store, meeting_id: int) -> str:
    """Return the file name of a meeting's calendar file: the same for every version of it."""
    m = wb.meeting(meeting_id)
    return safe_filename(f"{int(meeting_id):04d}-meeting-{contact_name(wb.contact(m['contact_id']))}") + ".ics"


def meeting_calendar(wb: Store, meeting_id: int, out_dir: str | os.PathLike[str], *,
                     dtstamp: dt.datetime) -> Path:
    """Write a meeting's ``.ics`` file into `out_dir` (see :func:`meeting_ics_bytes`); return its path.

    Writing it again after a reschedule or cancel replaces the file: calendars that import it
    update (or remove) the entry they have instead of adding a second one.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / calendar_filename(wb, meeting_id)
    path.write_bytes(meeting_ics_bytes(wb, meeting_id, dtstamp=dtstamp))
    return path


def _ics_description(wb: Store, meeting_id: int) -> str:
    plan = wb.questions(meeting_id)
    lines = []
    if not plan.empty:
        lines.append(f"Your questions ({_whole(plan['minutes'].sum())} min):")
        lines += [f"{i}. {t} ({_whole(m)} min)" for i, (t, m) in enumerate(zip(plan["text"], plan["minutes"],
                                                                                  strict=True), start=1)]
        lines.append("")
    lines.append("Bring your notes, a pen and a watch; finish on time. Send a thank-you within 24 hours.")
    return "\n".join(lines)


# ------------------------------------------------------------------------ naming a meeting


def contact_name(contact: Mapping[str, Any]) -> str:
    """Return a contact's full name, or "your contact" when they have none."""
    return " ".join(x for x in (clean_text(contact.get("first_name")), clean_text(contact.get("last_name"))) if x) \
        or "your contact"


def local_time(iso: str, tz: str) -> dt.datetime:
    """Return a stored (ISO, UTC) time in the time zone `tz`."""
    return dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(tz))


def when_text(moment: dt.datetime) -> str:
    """Return a moment as "Tue 24 Nov 2026 14:00 CST"."""
    return moment.strftime("%a %d %b %Y %H:%M %Z").strip()


def is_link(text: str | None) -> bool:
    """True when `text` is an http(s) link (a video call), not a place."""
    return bool(text) and _LINK.match(str(text).strip()) is not None


def _whole(value: Any) -> str:
    return f"{float(value):g}"
