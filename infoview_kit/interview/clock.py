"""Time in a meeting: the minutes kept free of questions, the pacing clock the timer polls, and
when the thank-you note falls due."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.interview.questions import printable

__all__ = [
    "MIN_MEETING_MINUTES",
    "THANK_YOU_WITHIN",
    "MeetingClock",
    "buffer_minutes",
    "check_meeting_minutes",
    "included_in_order",
    "is_overdue",
    "later",
    "question_minutes",
    "thank_you_due",
]

#: The shortest meeting a question plan is made for.
MIN_MEETING_MINUTES = 10
#: How soon after the meeting the thank-you note is due.
THANK_YOU_WITHIN = timedelta(hours=24)


# ------------------------------------------------------------------ the time budget


def buffer_minutes(meeting_minutes: int) -> tuple[int, int]:
    """Return the (opening, close) minutes kept free of questions in a meeting.

    The opening is for greetings and restating why you asked for the meeting; the
    close for thanks and goodbye, so you finish on time. The rule:

    ===============  ========  ======  =====
    meeting minutes  opening   close   total
    ===============  ========  ======  =====
    10-19            1         2       3
    20-30            2         3       5
    31-60            3         5       8
    over 60          5         7       12
    ===============  ========  ======  =====

    Parameters
    ----------
    meeting_minutes
        The agreed length of the meeting, at least 10.

    Returns
    -------
    tuple of int
        ``(opening, close)``.

    Raises
    ------
    InputFormatError
        If the meeting is shorter than 10 minutes or not a whole number of minutes.
    """
    minutes = check_meeting_minutes(meeting_minutes)
    if minutes < 20:
        return 1, 2
    if minutes <= 30:
        return 2, 3
    if minutes <= 60:
        return 3, 5
    return 5, 7


def check_meeting_minutes(value: Any) -> int:
    """Return `value` when it is a meeting length a plan can be made for.

    Raises
    ------
    InputFormatError
        If it is not whole minutes, or shorter than :data:`MIN_MEETING_MINUTES`.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputFormatError(f"meeting length must be whole minutes, got {value!r}.")
    if value < MIN_MEETING_MINUTES:
        raise InputFormatError(
            f"a {value}-minute meeting is too short to plan: ask for at least "
            f"{MIN_MEETING_MINUTES} minutes (15-30 is usual for an informational interview)."
        )
    return value


def question_minutes(duration_min: int) -> int:
    """Return the minutes free for questions in a meeting of `duration_min`: its length less the
    opening and the close (:func:`buffer_minutes`); 0 under :data:`MIN_MEETING_MINUTES`."""
    if duration_min < MIN_MEETING_MINUTES:
        return 0
    return duration_min - sum(buffer_minutes(duration_min))


def included_in_order(plan: pd.DataFrame) -> pd.DataFrame:
    """Return the questions of a plan that are asked (``included``, when it has that column), in
    ``position`` order (when it has that column)."""
    rows = plan
    if "included" in rows.columns:
        rows = rows[rows["included"].fillna(False).astype(bool)]
    if "position" in rows.columns:
        rows = rows.sort_values("position", kind="stable")
    return rows


# ------------------------------------------------------------------ thank-you timing


def thank_you_due(meeting_end: datetime) -> datetime:
    """Return when the thank-you note is due: 24 hours after the meeting ends.

    Parameters
    ----------
    meeting_end
        When the meeting ended (aware or naive; the result is of the same kind).

    Returns
    -------
    datetime
        ``meeting_end`` plus 24 elapsed hours, in the same time zone (so across a
        daylight-saving change the wall-clock time moves by an hour).
    """
    if not isinstance(meeting_end, datetime):
        raise InputFormatError(f"meeting_end must be a datetime, got {meeting_end!r}.")
    return later(meeting_end, THANK_YOU_WITHIN)


def later(moment: datetime, delta: timedelta) -> datetime:
    """Add elapsed time: across a daylight-saving change 24 h stays 24 real hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment + delta
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def is_overdue(due: datetime, sent_at: datetime | None, now: datetime) -> bool:
    """Return True when something due has not been sent by ``now`` and ``now`` is past due.

    A note sent after ``now`` counts as not yet sent, so a report for an earlier day
    (the notebooks' ``today`` parameter) shows what was overdue on that day.

    Parameters
    ----------
    due
        The deadline, e.g. from :func:`thank_you_due`.
    sent_at
        When it was sent, or None.
    now
        The moment to judge at.

    Returns
    -------
    bool
        ``now > due`` and not sent by ``now``.

    Raises
    ------
    InputFormatError
        If aware and naive datetimes are mixed.
    """
    stamps = [d for d in (due, sent_at, now) if d is not None]
    if len({d.tzinfo is None or d.utcoffset() is None for d in stamps}) > 1:
        raise InputFormatError("due, sent_at and now must all have a time zone, or all have none.")
    sent = sent_at is not None and sent_at <= now
    return not sent and now > due


# ----------------------------------------------------------------------- the clock


class MeetingClock:
    """A pacing model for the meeting timer: where you are, and where you should be.

    Time is always passed in, so the clock is a pure model a widget can poll. Phases:
    ``"not started"``; ``"running"``; ``"warning"`` from ``warn_min`` minutes before
    the agreed end (start the closing questions); ``"wrap up"`` from the agreed end
    for ``grace_min`` minutes (thank them and leave); ``"over"`` after that; and
    ``"stopped"`` once :meth:`stop` has been called. Questions are scheduled one
    after another from the end of the opening, each for its planned minutes.

    Parameters
    ----------
    planned_min
        The agreed length of the meeting in minutes.
    plan
        A frame from :func:`plan_questions`; its included questions, in position order.
    warn_min
        Minutes before the agreed end when the phase turns to ``"warning"``.
    grace_min
        Minutes after the agreed end that count as ``"wrap up"`` rather than ``"over"``.
    opening_min
        Minutes of greeting before the first question; by default the opening of
        :func:`buffer_minutes` (0 for meetings under 10 minutes).

    Raises
    ------
    InputFormatError
        If a length is not a whole, non-negative number of minutes or ``warn_min`` is
        not shorter than the meeting.
    """

    def __init__(self, planned_min: int, plan: pd.DataFrame | None = None, *, warn_min: int = 3,
                 grace_min: int = 2, opening_min: int | None = None) -> None:
        for label, value in (("planned_min", planned_min), ("warn_min", warn_min), ("grace_min", grace_min)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputFormatError(f"{label} must be whole minutes (0 or more), got {value!r}.")
        if planned_min < 1 or warn_min >= planned_min:
            raise InputFormatError(
                f"planned_min={planned_min}, warn_min={warn_min}: the warning must come before the end "
                "of a meeting of at least 1 minute."
            )
        if opening_min is None:
            opening_min = buffer_minutes(planned_min)[0] if planned_min >= MIN_MEETING_MINUTES else 0
        self.planned_min = planned_min
        self.warn_min = warn_min
        self.grace_min = grace_min
        self.opening_min = opening_min
        self._questions: list[tuple[str, str, int]] = []
        if plan is not None and len(plan):
            rows = included_in_order(plan)
            ids = rows["id"] if "id" in rows.columns else pd.Series("", index=rows.index)
            self._questions = [(str(i), printable(t), int(m) * 60)
                               for i, t, m in zip(ids, rows["text"], rows["minutes"], strict=True)]
        self._started: datetime | None = None
        self._stopped: datetime | None = None

    @property
    def started_at(self) -> datetime | None:
        """When :meth:`start` was called, or None."""
        return self._started

    @property
    def stopped_at(self) -> datetime | None:
        """When :meth:`stop` was called, or None."""
        return self._stopped

    def start(self, at: datetime) -> None:
        """Start the clock at ``at``.

        Raises
        ------
        InfoviewError
            If the clock was already started (make a new clock for a new meeting).
        """
        if self._started is not None:
            raise InfoviewError("this meeting clock was already started; create a new MeetingClock.")
        self._started = at

    def stop(self, at: datetime) -> None:
        """Stop the clock at ``at``; :meth:`status` then stays frozen at that moment.

        Raises
        ------
        InfoviewError
            If the clock was never started or is already stopped.
        InputFormatError
            If ``at`` is before the start.
        """
        if self._started is None:
            raise InfoviewError("the meeting clock was not started; call start() first.")
        if self._stopped is not None:
            raise InfoviewError("the meeting clock is already stopped.")
        if at < self._started:
            raise InputFormatError(f"stop time {at} is before the start {self._started}.")
        self._stopped = at

    def status(self, at: datetime) -> dict[str, Any]:
        """Return where the meeting stands at ``at``.

        Returns
        -------
        dict
            ``phase``; ``elapsed_s`` and ``remaining_s`` (whole seconds, remaining never
            below 0); ``overtime_s`` (seconds past the agreed end); ``segment``
            (``"opening"``, ``"questions"``, ``"close"`` or None before the start and
            once stopped); ``current_question``, ``question_id`` and ``position``
            (1-based) of the question you should be on, ``question_budget_s`` its
            planned seconds and ``question_remaining_s`` what is left of them (all None
            outside the questions).
        """
        planned_s = self.planned_min * 60
        state: dict[str, Any] = {
            "phase": "not started", "elapsed_s": 0, "remaining_s": planned_s, "overtime_s": 0,
            "segment": None, "current_question": None, "question_id": None, "position": None,
            "question_budget_s": None, "question_remaining_s": None,
        }
        if self._started is None or at < self._started:
            return state
        stopped = self._stopped is not None and at >= self._stopped
        moment = self._stopped if stopped and self._stopped is not None else at
        elapsed = math.floor((moment - self._started).total_seconds())
        state["elapsed_s"] = elapsed
        state["remaining_s"] = max(0, planned_s - elapsed)
        state["overtime_s"] = max(0, elapsed - planned_s)
        if stopped:
            state["phase"] = "stopped"
            return state
        if elapsed < planned_s - self.warn_min * 60:
            state["phase"] = "running"
        elif elapsed < planned_s:
            state["phase"] = "warning"
        elif elapsed < planned_s + self.grace_min * 60:
            state["phase"] = "wrap up"
        else:
            state["phase"] = "over"
        offset = self.opening_min * 60
        if elapsed < offset:
            state["segment"] = "opening"
            return state
        state["segment"] = "close"
        for position, (qid, text, budget) in enumerate(self._questions, start=1):
            if elapsed < offset + budget:
                state.update(segment="questions", current_question=text, question_id=qid, position=position,
                             question_budget_s=budget, question_remaining_s=offset + budget - elapsed)
                break
            offset += budget
        return state
