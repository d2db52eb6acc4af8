"""Meetings from the workbook: pick the one to prepare or log, and plan its questions from research."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from .exceptions import NotFoundError
from .research import online_facts

if TYPE_CHECKING:
    from .store import Workbook


def pick_meeting(wb: Workbook, name: str = "", *, now: dt.datetime | None = None,
                 required: bool = True) -> int | None:
    """Return the meeting a notebook works on.

    With `name` (a contact's full name): that person's latest meeting. Otherwise the earliest
    confirmed meeting that has started but is not logged yet, else the next confirmed one.
    With ``required=False``, None when there is none yet.

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
        return int(mine["id"].iloc[-1])
    now_ts = pd.Timestamp(now or dt.datetime.now(dt.UTC))
    confirmed = meetings[meetings["status"] == "confirmed"]
    past = confirmed[confirmed["starts_at"] <= now_ts]
    future = confirmed[confirmed["starts_at"] > now_ts]
    chosen = past if not past.empty else future
    if chosen.empty:
        if not required:
            return None
        raise NotFoundError("no confirmed meeting to prepare or log: schedule one in notebook 04")
    return int(chosen["id"].iloc[0])


def plan_for_meeting(wb: Workbook, meeting_id: int, **options: object) -> pd.DataFrame:
    """Plan a meeting's questions: the question bank personalized with the contact's research,
    with questions whose answers are online left out; see :func:`interviews.plan_questions`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`interviews.plan_questions`.
    """
    from .interviews import plan_questions

    meeting = wb.meeting(meeting_id)
    contact = wb.contact(meeting["contact_id"])
    research = wb.research(meeting["contact_id"])
    articles = research[research["kind"] == "article"]["title"].dropna()
    profile = wb.profile()
    personal = {"role": contact.get("position"), "company": contact.get("company"),
                "move": profile.get("change_wanted"),
                "article": str(articles.iloc[-1]) if len(articles) else None}
    return plan_questions(int(meeting["duration_min"]), recruiter=bool(contact.get("is_recruiter")),
                          personal={k: v for k, v in personal.items() if v},
                          online_facts=online_facts(research), **options)  # type: ignore[arg-type]
