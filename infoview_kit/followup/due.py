"""What is due and when (:func:`due`), and acting on it: mark done, snooze, skip; a plain-text table for a terminal."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.bizdays import is_business_day
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import resolve_today
from infoview_kit.base.text import as_date
from infoview_kit.followup.kinds import DUE_COLUMNS, KIND_LABELS
from infoview_kit.followup.rules import plan_for
from infoview_kit.store.readmodel import Tables, context

if TYPE_CHECKING:
    from infoview_kit.store import Store

log = logging.getLogger("infoview_kit")


def due(wb: Tables, today: dt.date | str | None = None, *, horizon_days: int = 7) -> pd.DataFrame:
    """Return every follow-up that is overdue, due today, or coming up within `horizon_days`, with why.

    Parameters
    ----------
    wb
        The workbook (or a :class:`Snapshot` of it).
    today
        The local date to judge by (ISO text or a date); None or "" means the real today in the
        profile's time zone. Only what had happened by the end of that day counts, so a past
        date shows the list as it was then.
    horizon_days
        How many days ahead "upcoming" reaches.

    Returns
    -------
    pandas.DataFrame
        One row per follow-up, overdue first, then due today, then upcoming, each by due time.
        Columns: key (str, what :func:`mark_done` takes: ``followup:<id>`` for a stored one,
        ``referral_ask:<contact>``, ``update:<introducer>:<introduced>``,
        ``keep_in_touch:<contact>@<due date>``, ``log_meeting:<meeting>``), followup_id (Int64, NA for a derived
        one), contact_id, name, company, kind (thank_you, second_contact, nudge, referral_ask,
        update, checkin, log_meeting, or any kind stored), due_at (datetime in the profile's
        time zone), status (overdue, due, upcoming: the local due date before, on, or after
        today), days (due date minus today; negative when overdue), why, template (the draft
        template for it, NA for none), source (stored or derived).

    Notes
    -----
    The rules:

    - **Stored** follow-ups not done: the thank-you within 24 hours of a meeting, the second
      contact at business day 3 and the nudge at business day 7 after a first email without a
      reply, and anything added with ``wb.add_followup``. A snoozed one (:func:`snooze`) is due
      at its ``snoozed_until`` (or its own due time, if later); a skipped one (:func:`skip`) is
      closed. The second contact and the nudge of a first email are settled as soon as the
      person answered after it was sent (:func:`answer_evidence`: a reply, a meeting scheduled
      or held, a thank-you, an introduction), whether or not a reply was recorded.
    - **Referral ask**: the first business day of the week after your first meeting with
      someone, unless a referral ask was sent (or marked done) or they already introduced you to
      someone. It lapses once you have written to them again (update, check-in) or their next
      keep-in-touch falls due: the moment has passed.
    - **Update to whoever introduced you**: 14 days after the person they introduced was added
      (rolled to a business day), until an update is sent to them (or marked done).
    - **Keep in touch** with everyone you met: ``checkin_days`` (per contact; 30 by default)
      after the last real interaction (a message sent to them, their reply, a meeting, a
      keep-in-touch follow-up marked done), rolled to a business day. It is a progress update
      when you have met people since you last wrote to them, otherwise a check-in that offers
      something useful and asks for nothing. After two check-ins or updates in a row without an
      answer (a reply or a meeting) the person is left to rest.
    - One keep-in-touch item per person at a time: an open stored one (thank-you, referral ask,
      update, check-in), else the update to an introducer, else the referral ask, else the
      monthly one.
    - **Log the meeting**: a meeting past its end that is not logged (the thank-you is only
      scheduled once it is).

    Derived follow-ups fall due at 9:00 local time on their day. Weekends and the public
    holidays of the profile's country are skipped as in ``_bizdays``.
    """
    if horizon_days < 0:
        raise InputFormatError(f"horizon_days = {horizon_days}: expected 0 or more days")
    plan = plan_for(wb, today)
    items = plan.open[plan.open["days"] <= horizon_days]
    return items[DUE_COLUMNS].reset_index(drop=True)


def open_followups(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return every open follow-up, however far ahead it is due (the columns of :func:`due`)."""
    return plan_for(wb, today).open[DUE_COLUMNS].reset_index(drop=True)


def keep_in_touch(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return the keep-in-touch clock of everyone you met.

    Returns
    -------
    pandas.DataFrame
        One row per person met (excluded contacts left out), next due first. Columns:
        contact_id, name, last_touch (the last real interaction, local time), checkin_days,
        next_due (local time), next_kind (update, checkin, or rest), steps (meetings with
        others since you last wrote to them), unanswered (check-ins and updates since their
        last answer), at_rest (bool).
    """
    return plan_for(wb, today).touch


def followup_history(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return every follow-up that fell due, with its outcome, for the health chart.

    Stored follow-ups answered before you acted (a second contact or a nudge settled by an
    answer, see :func:`answer_evidence`) and skipped ones are left out; a snoozed one is judged
    by its new due time. Derived ones count when done (a referral ask or an introducer's update sent,
    or marked done), when a referral ask lapsed unasked, and when they are open now.

    Returns
    -------
    pandas.DataFrame
        Columns: kind, due_at, done_at (UTC), due_day (local date), outcome (on_time: done by
        its due time, or by the end of its due day for a derived one; late; overdue: not done
        and its day has passed; open: not done and not yet past).
    """
    plan = plan_for(wb, today, history=True)
    return plan.history[["kind", "due_at", "done_at", "due_day", "outcome"]]


def mark_done(wb: Store, key: str, *, at: dt.datetime | str | None = None,
              today: dt.date | str | None = None) -> int:
    """Mark a follow-up of :func:`due` done and record it in the events log; return its follow-up id.

    A stored follow-up is marked done (``wb.mark_followup_done``, which also logs what it stood
    for: a thank-you marked done counts as a thank-you sent). A derived one is stored first
    (``wb.add_followup`` with its due time and why) and marked done in the same transaction, so
    it leaves the list and counts as done from then on.

    Parameters
    ----------
    key
        The ``key`` column of :func:`due`.
    at
        When it was done (default: now).
    today
        The date the key was listed for (default: the local date of `at`).

    Raises
    ------
    NotFoundError
        If no open follow-up has that key.
    """
    return _close(wb, key, at, today, wb.mark_followup_done, "marked %s done", "was already done")


def snooze(wb: Store, key: str, until: dt.date | str, *, at: dt.datetime | str | None = None,
           today: dt.date | str | None = None) -> int:
    """Put a follow-up of :func:`due` off until `until`; return its follow-up id.

    It stays open, and is due at ``DUE_HOUR``:00 local time on `until` (or at its own due time,
    if that is later): :func:`due` lists it by that moment, and the health chart judges it by it.
    A derived follow-up is stored first, in the same transaction (as :func:`mark_done` does).

    Parameters
    ----------
    key
        The ``key`` column of :func:`due`.
    until
        A date after `today` (a date or ISO date text).
    at
        When it was snoozed (default: now).
    today
        The date the key was listed for (default: the local date of `at`).

    Raises
    ------
    InputFormatError
        If `until` is not a date after `today`.
    NotFoundError
        If no open follow-up has that key.
    """
    day = as_date(until, "until")
    listed = _listed_day(wb, at, today)
    if day <= listed:
        raise InputFormatError(f"snooze until {day.isoformat()}: expected a date after {listed.isoformat()}")
    with wb.transaction():
        fid = _stored(wb, key, at, listed)
        wb.snooze_followup(fid, day, at=at)
    log.info("snoozed %s until %s as follow-up %d", key, day, fid)
    return fid


def skip(wb: Store, key: str, *, at: dt.datetime | str | None = None,
         today: dt.date | str | None = None) -> int:
    """Skip a follow-up of :func:`due` on purpose; return its follow-up id.

    It leaves the list for good without counting as done (not thanked, not updated) nor as
    overdue in the health chart. A derived follow-up is stored first, in the same transaction.

    Raises
    ------
    NotFoundError
        If no open follow-up has that key.
    """
    return _close(wb, key, at, today, wb.skip_followup, "skipped %s", "was already closed")


def _close(wb: Store, key: str, at: dt.datetime | str | None, today: dt.date | str | None,
           close: Callable[..., bool], did: str, already: str) -> int:
    """Store the follow-up `key` names if it is derived, then close it with `close` (done or skipped),
    in one transaction; log what happened and return its follow-up id."""
    with wb.transaction():
        fid = _stored(wb, key, at, today)
        if not close(fid, at=at):
            log.info("follow-up %s " + already, key)
    log.info(did + " as follow-up %d", key, fid)
    return fid


def next_business_day(wb: Tables, today: dt.date | str | None = None) -> dt.date:
    """Return the first business day after `today` (weekends and the profile country's public holidays
    skipped): where a snooze puts a follow-up unless told otherwise.

    Parameters
    ----------
    wb
        The workbook (its profile's country and time zone).
    today
        The local date; None: the real today in the profile's time zone.
    """
    _tz, country, day, _cut = context(wb, today)
    day += dt.timedelta(days=1)
    while not is_business_day(day, country=country):
        day += dt.timedelta(days=1)
    return day


def _listed_day(wb: Store, at: dt.datetime | str | None, today: dt.date | str | None) -> dt.date:
    """The date a key was listed for: `today`, else the local date of `at` (else of now)."""
    if today is not None and not (isinstance(today, str) and not today.strip()):
        return resolve_today(today)
    tzname = wb.profile().get("timezone") or "UTC"
    if at is None:
        return dt.datetime.now(ZoneInfo(tzname)).date()
    moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(ZoneInfo(tzname)).date()


def _stored(wb: Store, key: str, at: dt.datetime | str | None, today: dt.date | str | None) -> int:
    """The follow-up id behind a key of :func:`due`: a stored one's own, or a derived one stored now
    (with its due time and why; call it inside the transaction that acts on it)."""
    if key.startswith("followup:"):
        try:
            fid = int(key.split(":", 1)[1])
        except ValueError:
            raise NotFoundError(f"no follow-up {key!r} in {wb.path}; take a key from the list of due()") from None
        wb._followup_row(fid)  # raises NotFoundError
        return fid
    items = plan_for(wb, _listed_day(wb, at, today) if today is None and at is not None else today).open
    row = items[items["key"] == key]
    if row.empty:
        raise NotFoundError(f"no open follow-up {key!r} in {wb.path}; it may be done already. "
                            "Take a key from the list of due()")
    item = row.iloc[0]
    meeting = item["meeting_id"]
    return wb.add_followup(int(item["contact_id"]), str(item["kind"]), item["due_at"].to_pydatetime(),
                           str(item["why"]), meeting_id=None if pd.isna(meeting) else int(meeting))


def _readable(items: pd.DataFrame, when: str) -> pd.DataFrame:
    """:func:`due`'s rows as a person reads them: status, due (local time, as `when` formats it), who, what to
    do (the kind's label) and why."""
    return pd.DataFrame({
        "status": items["status"].astype(str),
        "due": items["due_at"].dt.strftime(when),
        "who": items["name"].fillna("?").astype(str),
        "do": items["kind"].map(lambda k: KIND_LABELS.get(str(k), str(k).replace("_", " "))),
        "why": items["why"].fillna("").astype(str)})


def due_frame(items: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`due` as a table to read in a notebook or on a report's page: status, due (weekday, day,
    month and year, and the local time), who, what to do and why, numbered from 1."""
    frame = _readable(items, "%a %d %b %Y, %H:%M") if not items.empty else pd.DataFrame(
        columns=["status", "due", "who", "do", "why"])
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def due_table(items: pd.DataFrame, *, width: int = 100, horizon_days: int = 7) -> str:
    """Return :func:`due` as a plain-text table for a terminal, `width` characters wide at most.

    One line per follow-up (status, due date and time, name, what to do, why, cut to fit),
    then a count by status.
    """
    if items.empty:
        return f"Nothing is due, today or in the next {horizon_days} days."
    cols = _readable(items, "%a %d %b %H:%M")
    widths = {c: max(len(c), int(cols[c].str.len().max())) for c in ("status", "due", "who", "do")}
    room = max(20, width - sum(widths.values()) - 2 * len(widths))
    why = cols["why"].where(cols["why"].str.len() <= room, cols["why"].str.slice(0, room - 1) + "\u2026")
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in widths) + "  WHY"]
    for row in zip(*(cols[c] for c in widths), why, strict=True):
        lines.append("  ".join(v.ljust(widths[c]) for c, v in zip(widths, row, strict=False)) + "  " + row[-1])
    counts = items["status"].value_counts()
    lines.append("")
    lines.append(f"{counts.get('overdue', 0)} overdue, {counts.get('due', 0)} due today, "
                 f"{counts.get('upcoming', 0)} coming up in the next {horizon_days} days.")
    return "\n".join(lines)
