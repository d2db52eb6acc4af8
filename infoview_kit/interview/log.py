"""The meeting log: when it really started and ended, the answers, notes, advice, resources and next
steps, and the people they suggested (who become contacts referred by them)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.keys import company_key
from infoview_kit.base.text import clean_text, minutes_text, utc
from infoview_kit.find.importing import add_contact
from infoview_kit.interview.clock import thank_you_due
from infoview_kit.interview.closing import Closing, close_the_loop
from infoview_kit.interview.questions import text_key
from infoview_kit.interview.schedule import contact_name, local_time, when_text

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = [
    "LOG_COLUMNS", "REFERRAL_COLUMNS", "MeetingLog", "add_referrals", "end_meeting", "log_from_parameters",
    "log_meeting", "log_meeting_notes", "log_summary", "logged_answers", "meeting_log_table", "parse_referrals",
    "referrals_of",
    "start_meeting",
]

#: The columns of :func:`referrals_of`.
REFERRAL_COLUMNS = ["id", "name", "company", "position", "email", "stage"]
#: The fields of :func:`meeting_log_table`.
LOG_COLUMNS = ["name", "status", "duration_min", "actual_min", "notes", "advice", "next_steps", "resources"]
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")
_EMAIL = re.compile(r"<?\s*([^\s<>@,;()]+@[^\s<>@,;()]+\.[^\s<>@,;()]+)\s*>?")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d+[.)])\s*")


# ------------------------------------------------------------------------ the actual times


def log_meeting(wb: Store, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
                actual_end: dt.datetime | str | None = None, notes: str | None = None,
                advice: str | None = None, next_steps: str | None = None, resources: str | None = None,
                answers: Mapping[str, str] | None = None) -> None:
    """Record what happened at a meeting (:meth:`~infoview_kit.store.Store.record_meeting_log`); the
    first log with an end time marks it held, and its thank-you falls due 24 hours after the end
    (:func:`~infoview_kit.interview.clock.thank_you_due`), in the same transaction."""
    wb.record_meeting_log(meeting_id, actual_start=actual_start, actual_end=actual_end, notes=notes, advice=advice,
                          next_steps=next_steps, resources=resources, answers=answers,
                          then=lambda m, end: _thank_you_due(wb, m, end))


def _thank_you_due(wb: Store, meeting: Mapping[str, Any], end: str) -> None:
    wb.add_followup(meeting["contact_id"], "thank_you", thank_you_due(dt.datetime.fromisoformat(end)),
                    "Thank-you note within 24 hours of the meeting.", meeting_id=meeting["id"])


def start_meeting(wb: Store, meeting_id: int, at: dt.datetime) -> None:
    """Record when a meeting really started (the timer's Start button); it becomes the workbook's
    current meeting."""
    with wb.transaction():
        log_meeting(wb, meeting_id, actual_start=utc(at))
        if wb.current()["meeting_id"] != int(meeting_id):
            wb.set_current(meeting_id=int(meeting_id))


def end_meeting(wb: Store, meeting_id: int, at: dt.datetime) -> dt.datetime:
    """Record when a meeting really ended (the timer's Stop button): the meeting is held and its
    thank-you falls due 24 hours later; return that due time."""
    log_meeting(wb, meeting_id, actual_end=utc(at))
    return thank_you_due(utc(at))


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
                         f"{when_text(c.thank_you_due.astimezone(zone) if zone else c.thank_you_due)}.")
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
        key = (text_key(name), text_key(company or ""))
        if key in seen:
            continue
        seen.add(key)
        people.append({"first_name": first, "last_name": last or None, "company": company, "position": position,
                       "email": email})
    return people


def add_referrals(wb: Store, meeting_id: int, referrals: str | Iterable[str | Mapping[str, Any]], *,
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
    day = local_time(m["starts_at"], m["timezone"]).strftime("%d %b %Y")
    ids: list[int] = []
    new: list[str] = []
    for p in people:
        full = " ".join(x for x in (clean_text(p.get("first_name")), clean_text(p.get("last_name"))) if x)
        if not full:
            continue
        known = _same_person(wb, full, clean_text(p.get("company")))
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
                                 where_found=f"suggested by {contact_name(referrer)} on {day}",
                                 referred_by=m["contact_id"], source="referral", at=at)
            new.append(full)
        if cid not in ids:
            ids.append(cid)
    return ids, new


def _same_person(wb: Store, full_name: str, company: str | None) -> dict[str, Any] | None:
    """The one contact called `full_name` (at `company`, when both have one), or None."""
    try:
        known = wb.contact(wb.find_contact(full_name))
    except NotFoundError:
        return None
    theirs = clean_text(known.get("company"))
    if theirs and company and company_key(theirs) != company_key(company):
        return None  # the same name at another employer: another person
    return known


def referrals_of(wb: Store, meeting_id: int) -> pd.DataFrame:
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


def log_meeting_notes(wb: Store, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
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
        log_meeting(wb, meeting_id, actual_start=_clock_time(actual_start, m),
                    actual_end=_clock_time(actual_end, m), notes=notes, advice=advice, next_steps=next_steps,
                    resources=resources, answers=answers)
        ids, new = add_referrals(wb, meeting_id, referrals, at=at)
        held = wb.meeting(meeting_id)["status"] == "held"
        closing = close_the_loop(wb, meeting_id, at=at) if held else None
        if wb.current()["meeting_id"] is None:
            wb.set_current(meeting_id=int(meeting_id))  # the meeting being worked on, once held too
    return MeetingLog(meeting_id, held, ids, new, closing)


def log_from_parameters(wb: Store, meeting_id: int | None, *, start: str = "", end: str = "", notes: str = "",
                        advice: str = "", next_steps: str = "", resources: str = "", referrals: str = "",
                        at: dt.datetime | str | None = None) -> MeetingLog | None:
    """The headless path of the log form (notebook 04's ``log_*`` parameters): empty text means
    "not given"; None when there is no meeting or nothing was given, else :func:`log_meeting_notes`."""
    if meeting_id is None or not any([start, end, notes, advice, next_steps, resources, referrals]):
        return None
    return log_meeting_notes(wb, meeting_id, actual_start=start or None, actual_end=end or None,
                             notes=notes or None, advice=advice or None, next_steps=next_steps or None,
                             resources=resources or None, referrals=referrals, at=at)


def log_summary(wb: Store, logged: MeetingLog | None) -> str:
    """Say what :func:`log_from_parameters` saved, times in the meeting's zone; "" when nothing was."""
    if logged is None:
        return ""
    return logged.summary(wb.meeting(logged.meeting_id)["timezone"])


def meeting_log_table(wb: Store, meeting_id: int | None) -> pd.DataFrame:
    """Return what is logged of a meeting, one :data:`LOG_COLUMNS` field a row, in the column
    ``logged`` (the minutes it took as people read them, e.g. "2 min 47 s"); no rows when `meeting_id`
    is None (none chosen yet)."""
    if meeting_id is None:
        return pd.DataFrame(columns=["logged"], dtype=object)
    logged = wb.meetings().set_index("id").loc[meeting_id, LOG_COLUMNS].astype(object)
    logged["actual_min"] = minutes_text(logged["actual_min"])
    return logged.to_frame("logged")


def logged_answers(wb: Store, meeting_id: int) -> dict[str, str]:
    """Return question text -> logged answer ("" for none) for the questions in a meeting's plan, in
    plan order, then for those taken out of the plan with an answer kept (:meth:`Workbook.off_plan_answers`)."""
    plan = wb.questions(meeting_id)
    off = wb.off_plan_answers(meeting_id)
    texts = [*plan["text"], *off["text"]]
    answers = [*plan["answer"].astype(object), *off["answer"].astype(object)]
    return {str(t): (a if isinstance(a, str) else "") for t, a in zip(texts, answers, strict=True)}


def _clock_time(value: dt.datetime | str | None, meeting: Mapping[str, Any]) -> dt.datetime | str | None:
    """'14:02' -> that time on the meeting's day, in its zone; anything else as given (empty: None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and (hit := _CLOCK.match(value)):
        hour, minute = int(hit.group(1)), int(hit.group(2))
        if hour > 23 or minute > 59:
            raise InputFormatError(f"{value!r}: expected a time such as 14:02")
        day = local_time(meeting["starts_at"], meeting["timezone"])
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return value

