"""Step 4 from the workbook: schedule, plan, brief, calendar file, keep time, log, and close the loop."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.text import aware as _aware
from infoview_kit.base.text import utc as _utc
from infoview_kit.find.importing import add_contact
from infoview_kit.research.facts import common_ground_with, online_facts

if TYPE_CHECKING:
    from infoview_kit.store import Workbook

__all__ = [
    "ALARM_MIN", "OVERVIEW_COLUMNS", "REFERRAL_ASK_HOUR", "REFERRAL_COLUMNS", "Closing", "MeetingLog",
    "add_referrals", "arrange_meeting", "brief_filename", "brief_html", "calendar_filename", "close_the_loop",
    "confirm_meeting", "describe_meeting", "end_meeting", "ensure_plan", "export_meeting_files",
    "left_out_questions", "log_meeting_notes", "meeting_calendar", "meeting_followups", "meeting_ics_bytes",
    "meeting_choices", "meeting_start", "meetings_overview", "move_question", "parse_referrals", "pick_meeting",
    "plan_budget", "plan_for_meeting", "propose_meeting", "referral_ask_due", "referrals_of", "replan", "start_meeting",
    "write_brief",
]

log = logging.getLogger("infoview_kit")

#: Minutes before the start at which the calendar entry's reminder fires.
ALARM_MIN = 30
#: Local hour at which the referral ask of the next business week falls due.
REFERRAL_ASK_HOUR = 9
#: The columns of :func:`meetings_overview`.
OVERVIEW_COLUMNS = ["id", "name", "company", "when", "duration_min", "place", "status", "actual_min"]
#: The columns of :func:`referrals_of`.
REFERRAL_COLUMNS = ["id", "name", "company", "position", "email", "stage"]
_PLAN_FIELDS = ["theme", "text", "minutes", "must_ask"]
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")
_EMAIL = re.compile(r"<?\s*([^\s<>@,;()]+@[^\s<>@,;()]+\.[^\s<>@,;()]+)\s*>?")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d+[.)])\s*")


# ------------------------------------------------------------------------ picking


def pick_meeting(wb: Workbook, name: str = "", *, now: dt.datetime | None = None,
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


def meeting_choices(wb: Workbook, *, now: dt.datetime | None = None) -> list[tuple[str, int]]:
    """Return the meetings to choose from, as (label, meeting id): those ahead soonest first,
    then those past newest first, cancelled ones last.

    A label reads "Helen Whitaker (Northwind), Tue 24 Nov 2026 14:00 CST, 30 min, confirmed".
    """
    df = wb.meetings()
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


def meeting_start(wb: Workbook, meeting_id: int) -> dt.datetime:
    """Return when a meeting starts, as an aware datetime in the meeting's own time zone."""
    m = wb.meeting(meeting_id)
    return _local(m["starts_at"], m["timezone"])


def describe_meeting(wb: Workbook, meeting_id: int) -> str:
    """Return one line naming a meeting: who, employer, local start, length and status."""
    m = wb.meeting(meeting_id)
    contact = wb.contact(m["contact_id"])
    company = _text(contact.get("company"))
    who = _name(contact) + (f" ({company})" if company else "")
    return f"{who}, {_when(_local(m['starts_at'], m['timezone']))}, {m['duration_min']} min, {m['status']}"


def meetings_overview(wb: Workbook) -> pd.DataFrame:
    """Return every meeting with its start in its own time zone, soonest first.

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, company, when (local start as text, e.g. "Tue 24 Nov 2026 14:00 CST"),
        duration_min, place, status (proposed/confirmed/held/cancelled), actual_min (float, NaN
        until the meeting is timed).
    """
    df = wb.meetings()
    when = [_when(ts.tz_convert(tz).to_pydatetime()) for ts, tz in zip(df["starts_at"], df["timezone"], strict=True)]
    out = df.assign(when=pd.Series(when, index=df.index, dtype="string"))
    return out[OVERVIEW_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------ scheduling


def propose_meeting(wb: Workbook, contact_id: int, start: dt.datetime | str, *, duration_min: int = 30,
                    timezone: str | None = None, place: str | None = None,
                    at: dt.datetime | str | None = None) -> int:
    """Record a meeting time you proposed (status "proposed"); return the meeting id.

    `start` is in `timezone` (default: the profile's) when naive. Its calendar file is marked
    tentative until :func:`confirm_meeting`.
    """
    return wb.schedule_meeting(contact_id, start, duration_min=duration_min, timezone=timezone, place=place,
                               status="proposed", at=at)


def confirm_meeting(wb: Workbook, meeting_id: int, *, at: dt.datetime | str | None = None) -> bool:
    """Mark a proposed meeting confirmed; see :meth:`Workbook.confirm_meeting`."""
    return wb.confirm_meeting(meeting_id, at=at)


def arrange_meeting(wb: Workbook, contact_id: int | None, start: dt.datetime | str, *,
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


def _arrange(wb: Workbook, contact_id: int | None, start: dt.datetime | str, *, meeting_id: int | None,
             duration_min: int, timezone: str | None, place: str | None, confirmed: bool,
             at: dt.datetime | str | None) -> int:
    if meeting_id is None:
        if contact_id is None:
            raise InputFormatError("choose whom you are meeting first")
        tzname = timezone or wb.profile().get("timezone") or "UTC"
        moment = _aware(start, tzname)
        mid = wb.schedule_meeting(contact_id, moment, duration_min=duration_min, timezone=tzname,
                                  place=place or None, status="confirmed" if confirmed else "proposed", at=at)
        ensure_plan(wb, mid)  # its question plan comes with it, in the same change
    else:
        mid = int(meeting_id)
        tzname = timezone or wb.meeting(mid)["timezone"]
        wb.reschedule_meeting(mid, _aware(start, tzname), duration_min=duration_min, place=place,
                              timezone=tzname, at=at)
    if confirmed:
        confirm_meeting(wb, mid, at=at)
    if wb.current()["meeting_id"] != mid:
        wb.set_current(meeting_id=mid)
    return mid


# ------------------------------------------------------------------------ calendar files


def meeting_ics_bytes(wb: Workbook, meeting_id: int, *, dtstamp: dt.datetime) -> bytes:
    """Return a meeting's iCalendar file: its UID and SEQUENCE from the workbook, an alarm
    :data:`ALARM_MIN` minutes before, TENTATIVE while proposed; a METHOD:CANCEL file once cancelled."""
    from infoview_kit.interview.calendars import cancel_ics, meeting_ics

    m = wb.meeting(meeting_id)
    contact = wb.contact(m["contact_id"])
    company = _text(contact.get("company"))
    place = _text(m["place"]) or ""
    args: dict[str, Any] = {
        "uid": m["uid"], "sequence": int(m["sequence"]), "start": _local(m["starts_at"], m["timezone"]),
        "duration_min": int(m["duration_min"]), "dtstamp": _utc(dtstamp), "location": place,
        "summary": f"Informational interview: {_name(contact)}" + (f" ({company})" if company else ""),
        "description": _ics_description(wb, meeting_id),
    }
    if m["status"] == "cancelled":
        return cancel_ics(**args)
    return meeting_ics(**args, url=place if _is_link(place) else None, alarm_min=ALARM_MIN,
                       status="TENTATIVE" if m["status"] == "proposed" else "CONFIRMED")


def calendar_filename(wb: Workbook, meeting_id: int) -> str:
    """Return the file name of a meeting's calendar file: the same for every version of it."""
    from infoview_kit.outreach.emails import safe_filename

    m = wb.meeting(meeting_id)
    return safe_filename(f"{int(meeting_id):04d}-meeting-{_name(wb.contact(m['contact_id']))}") + ".ics"


def meeting_calendar(wb: Workbook, meeting_id: int, out_dir: str | os.PathLike[str], *,
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


def _ics_description(wb: Workbook, meeting_id: int) -> str:
    plan = wb.questions(meeting_id)
    lines = []
    if not plan.empty:
        lines.append(f"Your questions ({_minutes(plan['minutes'].sum())} min):")
        lines += [f"{i}. {t} ({_minutes(m)} min)" for i, (t, m) in enumerate(zip(plan["text"], plan["minutes"],
                                                                                  strict=True), start=1)]
        lines.append("")
    lines.append("Bring your notes, a pen and a watch; finish on time. Send a thank-you within 24 hours.")
    return "\n".join(lines)


# ------------------------------------------------------------------------ the question plan


def plan_for_meeting(wb: Workbook, meeting_id: int, **options: object) -> pd.DataFrame:
    """Plan a meeting's questions: the question bank personalized with the contact's research,
    with questions whose answers are online left out; see :func:`interviews.plan_questions`.

    For a recruiter, ``{role}`` is the role you are after (your first target role), not theirs.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`interviews.plan_questions`: position, id, theme, text, minutes,
        must_ask, online_reason, included.
    """
    from infoview_kit.interview.questions import plan_questions

    meeting = wb.meeting(meeting_id)
    contact = wb.contact(meeting["contact_id"])
    research = wb.research(meeting["contact_id"])
    articles = research[research["kind"] == "article"]["title"].dropna()
    profile = wb.profile()
    recruiter = bool(contact.get("is_recruiter"))
    targets = profile.get("target_roles") or []
    role = (" ".join(w if w.isupper() else w.lower() for w in str(targets[0]).split()) if targets else None) \
        if recruiter else contact.get("position")
    personal = {"role": role, "company": contact.get("company"), "move": profile.get("change_wanted"),
                "article": str(articles.iloc[-1]) if len(articles) else None}
    return plan_questions(int(meeting["duration_min"]), recruiter=recruiter,
                          personal={k: v for k, v in personal.items() if v},
                          online_facts=online_facts(research), **options)  # type: ignore[arg-type]


def plan_budget(wb: Workbook, meeting_id: int) -> tuple[float, int]:
    """Return (minutes planned, minutes available) for a meeting's questions: the meeting's length
    less the opening and the close (:func:`interviews.buffer_minutes`); 0 available under 10 minutes."""
    used = float(wb.questions(meeting_id)["minutes"].sum())
    return used, _available(int(wb.meeting(meeting_id)["duration_min"]))


def ensure_plan(wb: Workbook, meeting_id: int, *, reset: bool = False) -> pd.DataFrame:
    """Return a meeting's saved question plan, saving the suggested plan first when there is none
    (or with ``reset=True``); a plan longer than the time available (after a shorter reschedule)
    is trimmed from its least important questions.

    Returns
    -------
    pandas.DataFrame
        :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes, must_ask, answer.
    """
    saved = wb.questions(meeting_id)
    if reset or saved.empty:
        try:
            plan = plan_for_meeting(wb, meeting_id)
        except InputFormatError as exc:  # a meeting under 10 minutes has no room for a plan
            log.warning("meeting %s: no question plan (%s)", meeting_id, exc)
            return saved
        wb.save_questions(meeting_id, plan)
        return wb.questions(meeting_id)
    rows = _rows(saved)
    fitted, cut = _fit(rows, _available(int(wb.meeting(meeting_id)["duration_min"])))
    if cut:
        log.info("meeting %s: left out to fit the time: %s", meeting_id, "; ".join(cut))
        wb.save_questions(meeting_id, pd.DataFrame(fitted, columns=_PLAN_FIELDS))
        saved = wb.questions(meeting_id)
    return saved


def replan(wb: Workbook, meeting_id: int, *, order: Sequence[str] | None = None, extra: Iterable[str] = (),
           dropped: Iterable[str] = ()) -> pd.DataFrame:
    """Change a meeting's saved question plan and save it; return the new plan.

    Questions are named by their text. The plan never takes more than the time available
    (:func:`plan_budget`): a question you add pushes out the least important bank questions
    (the last ones that are not must-ask), never a must-ask one.

    Parameters
    ----------
    order
        Question texts in the order you want to ask them; those listed come first, the rest
        follow in their current order. Unknown texts are logged and ignored.
    extra
        Your own questions (or ones left out of the plan, see :func:`left_out_questions`), added
        before the closing questions: a bank question with its own minutes, yours with
        :data:`interviews.EXTRA_MINUTES`. A question already in the plan is not added twice.
    dropped
        Question texts to take out. Unknown texts are logged and ignored.

    Returns
    -------
    pandas.DataFrame
        :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes, must_ask, answer.

    Raises
    ------
    InputFormatError
        If a question to add can be answered online (the reason is given), or there is no room
        for it because the must-ask questions already fill the time.
    """
    rows = _rows(ensure_plan(wb, meeting_id))
    drop = {_key(t) for t in dropped}
    unknown = drop - {_key(r["text"]) for r in rows}
    if unknown:
        log.warning("replan: not in the plan, ignored: %s", "; ".join(sorted(unknown)))
    rows = [r for r in rows if _key(r["text"]) not in drop]
    added: set[str] = set()
    suggestions: pd.DataFrame | None = None
    for raw in extra:
        text = " ".join(str(raw).split())
        if not text or _key(text) in {_key(r["text"]) for r in rows}:
            continue
        if suggestions is None:
            suggestions = _suggestions(wb, meeting_id)
        row = _new_question(wb, meeting_id, text, suggestions)
        closing = next((i for i, r in enumerate(rows) if r["theme"] == "closing"), len(rows))
        rows.insert(closing, row)
        added.add(_key(row["text"]))
    if order is not None:
        by_key = {_key(r["text"]): r for r in rows}
        wanted = [k for k in dict.fromkeys(_key(t) for t in order) if k in by_key]
        missing = [t for t in order if _key(t) not in by_key]
        if missing:
            log.warning("replan: not in the plan, ignored in order: %s", "; ".join(missing))
        rows = [by_key[k] for k in wanted] + [r for r in rows if _key(r["text"]) not in set(wanted)]
    rows, cut = _fit(rows, _available(int(wb.meeting(meeting_id)["duration_min"])), protect=added)
    if cut:
        log.info("meeting %s: left out to make room: %s", meeting_id, "; ".join(cut))
    wb.save_questions(meeting_id, pd.DataFrame(rows, columns=_PLAN_FIELDS))
    return wb.questions(meeting_id)


def move_question(wb: Workbook, meeting_id: int, text: str, step: int) -> pd.DataFrame:
    """Move one question `step` places earlier (negative) or later (positive) in the saved plan,
    stopping at either end, and save it.

    Returns
    -------
    pandas.DataFrame
        The new plan, :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes,
        must_ask, answer.

    Raises
    ------
    NotFoundError
        If the question is not in the plan.
    """
    texts = [str(t) for t in ensure_plan(wb, meeting_id)["text"]]
    keys = [_key(t) for t in texts]
    if _key(text) not in keys:
        raise NotFoundError(f"{text!r} is not in the question plan of meeting {meeting_id}")
    i = keys.index(_key(text))
    j = max(0, min(len(texts) - 1, i + int(step)))
    texts.insert(j, texts.pop(i))
    return replan(wb, meeting_id, order=texts)


def left_out_questions(wb: Workbook, meeting_id: int) -> list[str]:
    """Return the suggested questions that are not in the saved plan and cannot be answered
    online, in the bank's order: the ones to offer when the user wants to add a question."""
    try:
        suggestions = _suggestions(wb, meeting_id)
    except InputFormatError:
        return []
    saved = {_key(t) for t in wb.questions(meeting_id)["text"]}
    ok = suggestions[suggestions["online_reason"].isna()]
    return [str(t) for t in ok["text"] if _key(t) not in saved]


def _suggestions(wb: Workbook, meeting_id: int) -> pd.DataFrame:
    return plan_for_meeting(wb, meeting_id, include_online=False)


def _new_question(wb: Workbook, meeting_id: int, text: str, suggestions: pd.DataFrame) -> dict[str, Any]:
    from infoview_kit.interview.questions import EXTRA_MINUTES, flag_online

    match = suggestions[[_key(t) == _key(text) for t in suggestions["text"]]]
    if not match.empty:
        hit = match.iloc[0]
        reason = hit["online_reason"]
        row = {"theme": hit["theme"], "text": str(hit["text"]), "minutes": int(hit["minutes"]),
               "must_ask": bool(hit["must_ask"])}
    else:
        m = wb.meeting(meeting_id)
        contact = wb.contact(m["contact_id"])
        reason = flag_online([text], online_facts(wb.research(m["contact_id"])),
                             ignore=[_text(contact.get("company")) or "", _text(contact.get("position")) or ""])[0]
        row = {"theme": "extra", "text": text, "minutes": EXTRA_MINUTES, "must_ask": False}
    if isinstance(reason, str) and reason:
        raise InputFormatError(f"{text!r} is left out: {reason}. Ask what only they can tell you.")
    return row


def _fit(rows: list[dict[str, Any]], available: int, *,
         protect: Iterable[str] = ()) -> tuple[list[dict[str, Any]], list[str]]:
    """Leave out questions until the plan fits `available` minutes; return (rows, texts cut).

    Cut first: bank questions that are not must-ask and not closing, the last first; then your
    own; then closing questions that are not must-ask. Must-ask and `protect` are never cut.
    """
    rows, keep = list(rows), set(protect)
    cut: list[str] = []

    def rank(r: dict[str, Any]) -> int:
        return 0 if r["theme"] not in ("closing", "extra") else 1 if r["theme"] == "extra" else 2

    while sum(float(r["minutes"]) for r in rows) > available + 1e-9:
        candidates = [(rank(r), -i) for i, r in enumerate(rows)
                      if not r["must_ask"] and _key(r["text"]) not in keep]
        if not candidates:
            total = sum(float(r["minutes"]) for r in rows)
            raise InputFormatError(f"the plan needs {_minutes(total)} minutes but only {available} are free for "
                                   "questions: take out a question first, or ask for a longer meeting")
        _, neg = min(candidates)
        cut.append(str(rows.pop(-neg)["text"]))
    return rows, cut


def _rows(plan: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"theme": (None if pd.isna(r["theme"]) else str(r["theme"])), "text": str(r["text"]),
             "minutes": float(r["minutes"]), "must_ask": bool(r["must_ask"])}
            for r in plan[_PLAN_FIELDS].to_dict("records")]


def _available(duration_min: int) -> int:
    from infoview_kit.interview.questions import MIN_MEETING_MINUTES, buffer_minutes

    if duration_min < MIN_MEETING_MINUTES:
        return 0
    return duration_min - sum(buffer_minutes(duration_min))


def _key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


# ------------------------------------------------------------------------ the brief


def brief_html(wb: Workbook, meeting_id: int) -> str:
    """Return the one-page HTML brief for a meeting (see :func:`interviews.render_brief`): who they
    are, what they attained, common ground, the saved question plan (else the suggested one) with
    its minutes, and the preparation checklist."""
    from infoview_kit.interview.questions import render_brief

    m = wb.meeting(meeting_id)
    cid = m["contact_id"]
    contact = wb.contact(cid)
    research = wb.research(cid)
    done = research[research["kind"] == "accomplishment"]
    accomplishments = [f"{t}, {o}" if isinstance(o, str) and o else str(t)
                       for t, o in zip(done["title"], done["organization"].astype(object), strict=True)]
    ground = [{"point": str(g["sentence"]).rstrip("."), "evidence": g["evidence"], "url": g["source_url"]}
              for g in common_ground_with(wb, cid).to_dict("records")]
    plan = wb.questions(meeting_id)
    if plan.empty:
        with contextlib.suppress(InputFormatError):  # under 10 minutes: no plan
            plan = plan_for_meeting(wb, meeting_id)
    place = _text(m["place"]) or ""
    where = {"video_link": place} if _is_link(place) else {"location": place}
    return render_brief(
        contact={"name": _name(contact), "position": contact.get("position"), "company": contact.get("company"),
                 "profile_url": contact.get("profile_url"), "summary": contact.get("notes")},
        meeting={"start": _local(m["starts_at"], m["timezone"]), "duration_min": int(m["duration_min"]), **where},
        common_ground=ground, accomplishments=accomplishments, plan=plan)


def brief_filename(wb: Workbook, meeting_id: int) -> str:
    """Return the file name of a meeting's brief."""
    from infoview_kit.outreach.emails import safe_filename

    m = wb.meeting(meeting_id)
    return safe_filename(f"{int(meeting_id):04d}-brief-{_name(wb.contact(m['contact_id']))}") + ".html"


def write_brief(wb: Workbook, meeting_id: int, out_dir: str | os.PathLike[str]) -> Path:
    """Write a meeting's one-page brief (:func:`brief_html`) into `out_dir`; return its path."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / brief_filename(wb, meeting_id)
    path.write_text(brief_html(wb, meeting_id), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ keeping time


def start_meeting(wb: Workbook, meeting_id: int, at: dt.datetime) -> None:
    """Record when a meeting really started (the timer's Start button); it becomes the workbook's
    current meeting."""
    with wb.transaction():
        wb.log_meeting(meeting_id, actual_start=_utc(at))
        if wb.current()["meeting_id"] != int(meeting_id):
            wb.set_current(meeting_id=int(meeting_id))


def end_meeting(wb: Workbook, meeting_id: int, at: dt.datetime) -> dt.datetime:
    """Record when a meeting really ended (the timer's Stop button): the meeting is held and its
    thank-you falls due 24 hours later; return that due time."""
    from infoview_kit.interview.questions import thank_you_due

    wb.log_meeting(meeting_id, actual_end=_utc(at))
    return thank_you_due(_utc(at))


# ------------------------------------------------------------------------ the log


@dataclass
class Closing:
    """What closing the loop after a meeting did: the thank-you draft and the referral ask."""

    meeting_id: int
    thank_you: int | None = None
    """The thank-you draft's message id (None when a thank-you was already sent)."""
    thank_you_due: dt.datetime | None = None
    referral_ask: int | None = None
    """The referral-ask follow-up's id (None when they already suggested people, or it was sent)."""
    referral_ask_draft: int | None = None
    referral_ask_due: dt.datetime | None = None


@dataclass
class MeetingLog:
    """What :func:`log_meeting_notes` did."""

    meeting_id: int
    held: bool
    referrals: list[int] = field(default_factory=list)
    """Contact ids of the people they suggested, in the order given."""
    new_contacts: list[str] = field(default_factory=list)
    """Names of the suggested people who were not in the workbook before."""
    closing: Closing | None = None

    def summary(self, tz: str | None = None) -> str:
        """Say in a sentence or three what was saved and what is due (times in `tz`)."""
        zone = ZoneInfo(tz) if tz else None
        parts = ["Saved the log" + ("; the meeting is held." if self.held else
                                    " (not held yet: give the end time, or stop the timer, to mark it held).")]
        if self.referrals:
            new = len(self.new_contacts)
            parts.append(f"{len(self.referrals)} suggested " + ("person" if len(self.referrals) == 1 else "people")
                         + (f", {new} new in your contacts: " + ", ".join(self.new_contacts) if new else
                            ", all already in your contacts") + ".")
        c = self.closing
        if c and c.thank_you and c.thank_you_due:
            parts.append(f"Thank-you draft ready (message {c.thank_you}); send it by "
                         f"{_when(c.thank_you_due.astimezone(zone) if zone else c.thank_you_due)}.")
        elif c and c.thank_you_due:
            parts.append("Thank-you already sent.")
        if c and c.referral_ask and c.referral_ask_due:
            parts.append(f"Referral ask drafted for {c.referral_ask_due:%a %d %b}, the next business week.")
        return " ".join(parts)


def parse_referrals(text: str | Iterable[str]) -> list[dict[str, str | None]]:
    """Read the names a contact suggested, one per line (or separated by ";").

    A line is a name, optionally with their employer and role: ``Jordan Pike``,
    ``Jordan Pike, Cobalt Health``, ``Jordan Pike (Analytics Engineer at Cobalt Health)``,
    ``Jordan Pike - Cobalt Health``, and an email address anywhere in it
    (``<jordan@example.org>``). Bullets and numbers at the start are ignored.

    Returns
    -------
    list of dict
        first_name, last_name, company, position, email (None when not given), once per person.
    """
    lines = re.split(r"[\n;]", text) if isinstance(text, str) else [str(t) for t in text]
    people: list[dict[str, str | None]] = []
    seen: set[tuple[str, str]] = set()
    for raw in lines:
        line = _BULLET.sub("", raw).strip()
        found = _EMAIL.search(line)
        email = found.group(1).lower() if found else None
        if found:
            line = (line[:found.start()] + line[found.end():]).strip(" ,-\u2013")
        bracket = re.match(r"^(.*?)\s*\((.*)\)\s*$", line)
        if bracket:
            name, rest = bracket.group(1), bracket.group(2)
        else:
            parts = re.split(r"\s*,\s*|\s+[-\u2013\u2014]\s+", line, maxsplit=1)
            name, rest = parts[0], parts[1] if len(parts) > 1 else ""
        name = " ".join(name.split())
        if not name:
            continue
        position, company = None, rest.strip() or None
        if company and re.search(r"\s(?:at|@)\s", company):
            position, company = (s.strip() or None for s in re.split(r"\s(?:at|@)\s", company, maxsplit=1))
        first, _, last = name.partition(" ")
        key = (_key(name), _key(company or ""))
        if key in seen:
            continue
        seen.add(key)
        people.append({"first_name": first, "last_name": last or None, "company": company, "position": position,
                       "email": email})
    return people


def add_referrals(wb: Workbook, meeting_id: int, referrals: str | Iterable[str | Mapping[str, Any]], *,
                  at: dt.datetime | str | None = None) -> tuple[list[int], list[str]]:
    """Add the people a contact suggested at a meeting as contacts referred by them.

    Each becomes a contact with ``referred_by`` = the person met, ``how_known="referral"`` and
    source "referral", feeding step 1. Adding the same names again adds nobody. A name already
    in the workbook (same full name, and the same employer when one is given) is that contact:
    it is linked when it has no referrer yet, never duplicated.

    Parameters
    ----------
    referrals
        Text with one name per line (see :func:`parse_referrals`), or a list of such lines or
        of mappings with first_name, last_name, company, position, email.

    Returns
    -------
    tuple of (list of int, list of str)
        The contact ids of everyone suggested, and the names of those new to the workbook.
    """
    m = wb.meeting(meeting_id)
    referrer = wb.contact(m["contact_id"])
    if isinstance(referrals, str):
        people = parse_referrals(referrals)
    else:
        items = list(referrals)
        people = [dict(p) for p in items if isinstance(p, Mapping)]
        people += parse_referrals([p for p in items if isinstance(p, str)])
    day = _local(m["starts_at"], m["timezone"]).strftime("%d %b %Y")
    ids: list[int] = []
    new: list[str] = []
    for p in people:
        full = " ".join(x for x in (_text(p.get("first_name")), _text(p.get("last_name"))) if x)
        if not full:
            continue
        known = _same_person(wb, full, _text(p.get("company")))
        if known is not None and known["id"] == m["contact_id"]:
            continue
        if known is not None:
            # their own identifying fields, so the store finds the same person and fills referred_by if empty
            cid = add_contact(wb, known.get("first_name") or "", known.get("last_name") or "",
                              email=known.get("email"), company=known.get("company"),
                              profile_url=known.get("profile_url"), position=p.get("position"),
                              referred_by=m["contact_id"], source="referral", at=at)
        else:
            cid = add_contact(wb, p.get("first_name") or "", p.get("last_name") or "", email=p.get("email"),
                              company=p.get("company"), position=p.get("position"), how_known="referral",
                              where_found=f"suggested by {_name(referrer)} on {day}",
                              referred_by=m["contact_id"], source="referral", at=at)
            new.append(full)
        if cid not in ids:
            ids.append(cid)
    return ids, new


def _same_person(wb: Workbook, full_name: str, company: str | None) -> dict[str, Any] | None:
    """The one contact called `full_name` (at `company`, when both have one), or None."""
    from infoview_kit.base.keys import company_key

    try:
        known = wb.contact(wb.find_contact(full_name))
    except NotFoundError:
        return None
    theirs = _text(known.get("company"))
    if theirs and company and company_key(theirs) != company_key(company):
        return None  # the same name at another employer: another person
    return known


def referrals_of(wb: Workbook, meeting_id: int) -> pd.DataFrame:
    """Return the contacts referred by the person of a meeting.

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, company, position, email, stage.
    """
    cid = wb.meeting(meeting_id)["contact_id"]
    people = wb.contacts()
    mine = people[people["referred_by"].eq(int(cid)).fillna(False).astype(bool)]
    names = (mine["first_name"].fillna("") + " " + mine["last_name"].fillna("")).str.strip()
    return mine.assign(name=names)[REFERRAL_COLUMNS].reset_index(drop=True)


def log_meeting_notes(wb: Workbook, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
                      actual_end: dt.datetime | str | None = None, answers: Mapping[str, str] | None = None,
                      notes: str | None = None, advice: str | None = None, resources: str | None = None,
                      next_steps: str | None = None, referrals: str | Iterable[str] = (),
                      at: dt.datetime | str | None = None) -> MeetingLog:
    """Log a meeting: what was said, the advice, resources, next steps, and the people they
    suggested; once it is held, close the loop (:func:`close_the_loop`). All of it is one
    transaction; with no current meeting, it becomes the workbook's current one.

    This is what the log form's button does. Doing it again with the same values adds nothing.

    Parameters
    ----------
    actual_start, actual_end
        When it really started and ended: a datetime, ISO text, or just "14:02" on the
        meeting's day (a time without a zone is in the meeting's time zone). An end marks the
        meeting held. None keeps what is logged.
    answers
        Question text -> their answer or your note.
    notes, advice, resources, next_steps
        Free text; None keeps what is logged, "" clears it. Next steps read best as
        "Alex: ... Jordan: ...": the thank-you quotes your part.
    referrals
        The names they suggested, one per line (see :func:`add_referrals`).
    at
        When this is logged (drafts and new contacts are stamped with it); default now.

    Raises
    ------
    InputFormatError
        If a time cannot be read, or the end is before the start.
    """
    m = wb.meeting(meeting_id)
    with wb.transaction():  # all of it or none of it, and one change notification
        wb.log_meeting(meeting_id, actual_start=_clock_time(actual_start, m),
                       actual_end=_clock_time(actual_end, m), notes=notes, advice=advice, next_steps=next_steps,
                       resources=resources, answers=answers)
        ids, new = add_referrals(wb, meeting_id, referrals, at=at)
        held = wb.meeting(meeting_id)["status"] == "held"
        closing = close_the_loop(wb, meeting_id, at=at) if held else None
        if wb.current()["meeting_id"] is None:
            wb.set_current(meeting_id=int(meeting_id))  # the meeting being worked on, once held too
    return MeetingLog(meeting_id, held, ids, new, closing)


def log_from_parameters(wb: Workbook, meeting_id: int | None, *, start: str = "", end: str = "", notes: str = "",
                        advice: str = "", next_steps: str = "", resources: str = "", referrals: str = "",
                        at: dt.datetime | str | None = None) -> MeetingLog | None:
    """The headless path of the log form (notebook 04's ``log_*`` parameters): empty text means
    "not given"; None when there is no meeting or nothing was given, else :func:`log_meeting_notes`."""
    if meeting_id is None or not any([start, end, notes, advice, next_steps, resources, referrals]):
        return None
    return log_meeting_notes(wb, meeting_id, actual_start=start or None, actual_end=end or None,
                             notes=notes or None, advice=advice or None, next_steps=next_steps or None,
                             resources=resources or None, referrals=referrals, at=at)


# ------------------------------------------------------------------------ closing the loop


def referral_ask_due(meeting_end: dt.datetime, *, country: str = "US", tz: str = "UTC") -> dt.datetime:
    """Return when to ask for a referral: :data:`REFERRAL_ASK_HOUR` o'clock local time on the first
    business day of the week after the meeting (public holidays of `country` skipped).

    The method's two-part close: no referral ask during the meeting; a short note the next
    business week asks for it, if it fits.
    """
    from infoview_kit.base.bizdays import next_business_week_start

    zone = ZoneInfo(tz)
    day = next_business_week_start(_utc(meeting_end).astimezone(zone).date(), country)
    return dt.datetime.combine(day, dt.time(REFERRAL_ASK_HOUR), tzinfo=zone)


def close_the_loop(wb: Workbook, meeting_id: int, *, at: dt.datetime | str | None = None) -> Closing:
    """After a held meeting: draft the thank-you from the log (due 24 hours after the end, as
    the follow-up the store added), and plan the referral ask for the next business week with
    its draft, unless they already suggested people.

    Nothing is drafted twice, and nothing is drafted again once it was sent.

    Raises
    ------
    InputFormatError
        If the meeting is not logged as held yet.
    """
    from infoview_kit.interview.questions import thank_you_due
    from infoview_kit.outreach.drafting import compose

    m = wb.meeting(meeting_id)
    if m["status"] != "held" or not m["actual_end"]:
        raise InputFormatError(f"meeting {meeting_id} is not logged as held yet: log when it ended first")
    cid = m["contact_id"]
    end = dt.datetime.fromisoformat(m["actual_end"])
    result = Closing(int(meeting_id), thank_you_due=thank_you_due(end))
    if not _sent_since(wb, cid, "thank_you", end):
        result.thank_you = wb.edited_draft(cid, "thank_you")  # their own words are never drafted over
        if result.thank_you is None:
            draft = compose(wb, cid, "thank_you")
            result.thank_you = wb.save_draft(cid, "thank_you", draft.subject, draft.body, template="thank_you",
                                             meeting_id=int(meeting_id), at=at)
    profile = wb.profile()
    due = referral_ask_due(end, country=profile.get("country") or "US",
                           tz=profile.get("timezone") or m["timezone"])
    followups = wb.followups()
    open_asks = followups[followups["meeting_id"].eq(int(meeting_id)).fillna(False).astype(bool)
                          & (followups["kind"] == "referral_ask") & followups["done_at"].isna()]
    if not wb.meeting_referrals(meeting_id).empty:
        for fid in open_asks["id"]:  # they suggested people after all: nothing to ask (settled, not sent)
            wb.skip_followup(int(fid), at=at)
        return result
    if _sent_since(wb, cid, "referral_ask", end):
        return result
    result.referral_ask_draft = wb.edited_draft(cid, "referral_ask")
    if result.referral_ask_draft is None:
        draft = compose(wb, cid, "referral_ask")
        result.referral_ask_draft = wb.save_draft(cid, "referral_ask", draft.subject, draft.body,
                                                  template="referral_ask", meeting_id=int(meeting_id), at=at)
    result.referral_ask = wb.add_followup(
        cid, "referral_ask", due, "Next business week: a short note asking whether they could introduce you to "
        "someone else (never during the meeting).", message_id=result.referral_ask_draft, meeting_id=int(meeting_id))
    result.referral_ask_due = due
    return result


def meeting_followups(wb: Workbook, meeting_id: int) -> pd.DataFrame:
    """Return the follow-ups of a meeting (thank-you, referral ask), due times in its time zone.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Workbook.followups`: id, contact_id, name, kind, due_at, done_at
        (datetime64 in the meeting's time zone), reason, message_id, meeting_id.
    """
    tz = wb.meeting(meeting_id)["timezone"]
    fu = wb.followups()
    mine = fu[fu["meeting_id"].eq(int(meeting_id)).fillna(False).astype(bool)].reset_index(drop=True)
    return mine.assign(due_at=mine["due_at"].dt.tz_convert(tz), done_at=mine["done_at"].dt.tz_convert(tz))


def _sent_since(wb: Workbook, contact_id: int, kind: str, since: dt.datetime) -> bool:
    msgs = wb.messages(contact_id)
    sent = msgs[(msgs["kind"] == kind) & msgs["sent_at"].notna()]
    return bool((sent["sent_at"] >= pd.Timestamp(_utc(since))).any())


# ------------------------------------------------------------------------ files for the report


def export_meeting_files(wb: Workbook, out_dir: str | os.PathLike[str], *, now: dt.datetime,
                         meeting_id: int | None = None) -> list[Path]:
    """Write the files a person takes away from step 4 into `out_dir`; return their paths.

    - a calendar file for every proposed or confirmed meeting from a week ago on, and a
      cancellation for every cancelled meeting still ahead;
    - a brief for `meeting_id` and for every confirmed meeting ahead;
    - an ``.eml`` for every open thank-you and referral-ask draft.
    """
    from infoview_kit.outreach.drafting import export_eml

    paths: list[Path] = []
    stamp = _utc(now)
    meetings = wb.meetings()
    for row in meetings.to_dict("records"):
        mid, status, ahead = int(row["id"]), row["status"], row["starts_at"] >= pd.Timestamp(stamp)
        recent = row["starts_at"] >= pd.Timestamp(stamp - dt.timedelta(days=7))
        if (status in ("proposed", "confirmed") and recent) or (status == "cancelled" and ahead):
            paths.append(meeting_calendar(wb, mid, out_dir, dtstamp=stamp))
        if mid == meeting_id or (status == "confirmed" and ahead):
            paths.append(write_brief(wb, mid, out_dir))
    msgs = wb.messages()
    drafts = msgs[(msgs["status"] == "draft") & msgs["kind"].isin(["thank_you", "referral_ask"])]
    paths += [export_eml(wb, int(i), out_dir) for i in drafts["id"]]
    return paths


# ------------------------------------------------------------------------ helpers


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


def _name(contact: Mapping[str, Any]) -> str:
    return " ".join(x for x in (_text(contact.get("first_name")), _text(contact.get("last_name"))) if x) \
        or "your contact"


def _local(iso: str, tz: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(tz))


def _clock_time(value: dt.datetime | str | None, meeting: Mapping[str, Any]) -> dt.datetime | str | None:
    """'14:02' -> that time on the meeting's day, in its zone; anything else as given (empty: None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and (hit := _CLOCK.match(value)):
        hour, minute = int(hit.group(1)), int(hit.group(2))
        if hour > 23 or minute > 59:
            raise InputFormatError(f"{value!r}: expected a time such as 14:02")
        day = _local(meeting["starts_at"], meeting["timezone"])
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return value


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%a %d %b %Y %H:%M %Z").strip()


def _minutes(value: Any) -> str:
    return f"{float(value):g}"


def _is_link(text: str | None) -> bool:
    return bool(text) and re.match(r"^https?://\S+$", str(text).strip(), re.I) is not None


