"""What is due and when (stored and derived follow-ups), progress-update drafts, and the reminders calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from infoview_kit.base import bizdays as _bizdays
from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError
from infoview_kit.store.schema import DUE_HOUR

if TYPE_CHECKING:
    from infoview_kit.store import Workbook

log = logging.getLogger("infoview_kit")

#: Status of a follow-up in :func:`due`, in the order the list is sorted.
STATUSES = ("overdue", "due", "upcoming")
#: Follow-ups that keep a relationship going (as opposed to the no-reply routine).
KEEP_IN_TOUCH = ("thank_you", "referral_ask", "update", "checkin")
#: Days between check-ins with someone you met, unless their ``checkin_days`` says otherwise.
DEFAULT_CHECKIN_DAYS = 30
#: Days after an introduction when the update to whoever introduced you is due.
REFERRER_UPDATE_DAYS = 14
#: Keep-in-touch messages (check-ins and updates) in a row without an answer before a person is left to rest.
MAX_UNANSWERED = 2
#: The template that drafts each kind of follow-up (second contacts and meeting logs have none).
TEMPLATE_OF_KIND = {"thank_you": "thank_you", "nudge": "nudge", "referral_ask": "referral_ask",
                    "update": "update", "checkin": "checkin"}
#: What each kind asks you to do, for calendars and the board.
KIND_LABELS = {"thank_you": "Send a thank-you note", "second_contact": "Write to a second person",
               "nudge": "Send one short follow-up", "referral_ask": "Ask for an introduction",
               "update": "Send a progress update", "checkin": "Check in", "log_meeting": "Log the meeting"}
DUE_COLUMNS = ["key", "followup_id", "contact_id", "name", "company", "kind", "due_at", "status", "days", "why",
               "template", "source"]
_ROUTINE = ("second_contact", "nudge")


class Tables(Protocol):
    """What the follow-up and chart functions read: a :class:`Workbook` or a :class:`Snapshot`."""

    def profile(self) -> dict[str, Any]: ...
    def contacts(self) -> pd.DataFrame: ...
    def events(self) -> pd.DataFrame: ...
    def followups(self) -> pd.DataFrame: ...
    def meetings(self) -> pd.DataFrame: ...
    def messages(self) -> pd.DataFrame: ...


class Snapshot:
    """A workbook's tables, each read once on first use, for several views in a row.

    Pass it wherever a Workbook is read (``due(snap, today)``, ``charts.funnel_data(snap)``) so
    a report reads every table once. It does not see changes made after a table was read:
    take a new one after writing. Callers must not modify the frames it returns.
    """

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._cache: dict[Any, Any] = {}

    def _get(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = getattr(self.wb, name)()
        return self._cache[name]

    def profile(self) -> dict[str, Any]:
        """The profile (see :meth:`Workbook.profile`)."""
        return dict(self._get("profile"))

    def contacts(self) -> pd.DataFrame:
        """Every contact (see :meth:`Workbook.contacts`)."""
        return self._get("contacts")

    def contact(self, contact_id: int) -> dict[str, Any]:
        """One contact with every stored field (not cached)."""
        return self.wb.contact(contact_id)

    def events(self) -> pd.DataFrame:
        """The activity log (see :meth:`Workbook.events`)."""
        return self._get("events")

    def followups(self) -> pd.DataFrame:
        """Every stored follow-up (see :meth:`Workbook.followups`)."""
        return self._get("followups")

    def meetings(self) -> pd.DataFrame:
        """Every meeting (see :meth:`Workbook.meetings`)."""
        return self._get("meetings")

    def messages(self) -> pd.DataFrame:
        """Every message (see :meth:`Workbook.messages`)."""
        return self._get("messages")


def snapshot(wb: Workbook | Snapshot) -> Snapshot:
    """Return a :class:`Snapshot` of `wb` (or `wb` itself when it is one already)."""
    return wb if isinstance(wb, Snapshot) else Snapshot(wb)


# ---------------------------------------------------------------------------- business days, vectorized

class _BusinessDays:
    """Business days of one country over a span of dates, as a running count for vectorized lookups.

    Built from ``_bizdays``' own test of a working day (weekends and public holidays of the
    country), one call per day of each year the span touches (cached per year), so it agrees with
    ``add_business_days``, ``next_business_week_start`` and ``emails.classify_reply`` however many
    rows are looked up.
    """

    def __init__(self, country: str, first: np.datetime64, last: np.datetime64) -> None:
        cc, subdiv = _bizdays._parse_country(country)
        years = range(first.astype(object).year, last.astype(object).year + 1)
        self.first = np.datetime64(f"{years[0]}-01-01", "D")
        self.cum = np.cumsum(np.concatenate([_year_flags(cc, subdiv, y) for y in years]))

    def _pos(self, days: np.ndarray) -> np.ndarray:
        pos = (days - self.first).astype("int64")
        if len(pos) and (pos.min() < 0 or pos.max() >= len(self.cum)):
            raise InfoviewError("a date fell outside the business-day span; this is a bug in infoview_kit")
        return pos

    def add(self, days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """The date `n` (>= 1) business days after each date (day 1 is the first business day after it)."""
        target = self.cum[self._pos(days)] + n
        return self.first + np.searchsorted(self.cum, target, side="left").astype("timedelta64[D]")

    def roll(self, days: np.ndarray) -> np.ndarray:
        """Each date, or the first business day after it when it is not one."""
        return self.add(days - np.timedelta64(1, "D"), 1)

    def next_week_start(self, days: np.ndarray) -> np.ndarray:
        """The first business day of the calendar week (Monday to Sunday) after each date's."""
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
        return self.roll(days + (7 - weekday).astype("timedelta64[D]"))

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Business days after each `start` up to and including `end` (``business_days_between``)."""
        return self.cum[self._pos(end)] - self.cum[self._pos(start)]


@functools.lru_cache(maxsize=64)
def _year_flags(cc: str, subdiv: str | None, year: int) -> np.ndarray:
    """Whether each day of `year` is a business day (weekends and public holidays of the country)."""
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"), dtype="datetime64[D]")
    flags = np.fromiter((_bizdays._is_business_day(d, cc, subdiv) for d in days.astype(object)), dtype=bool,
                        count=len(days))
    flags.flags.writeable = False
    return flags


def _business_days(country: str, dates: Iterable[np.ndarray], today: dt.date, ahead: int) -> _BusinessDays:
    """A business-day span covering `dates` and `today`, with `ahead` more days after the last."""
    known = [np.datetime64(today, "D")]
    for d in dates:
        d = d[~np.isnat(d)]
        if len(d):
            known += [d.min(), d.max()]
    first, last = min(known), max(known)
    return _BusinessDays(country, first - np.timedelta64(14, "D"), last + np.timedelta64(ahead + 60, "D"))


def _local_days(moments: pd.Series, tz: str) -> np.ndarray:
    """The local calendar date of each (UTC) moment, as datetime64[D] (NaT stays NaT)."""
    local = pd.DatetimeIndex(_utc(moments)).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _at_hour(days: np.ndarray, tz: str, hour: int = DUE_HOUR) -> pd.Series:
    """`hour`:00 local time on each date, as UTC timestamps."""
    local = pd.Series(pd.to_datetime(days) + pd.Timedelta(hours=hour))
    return local.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=False).dt.tz_convert("UTC")


# ---------------------------------------------------------------------------- the plan: what is open, and why

@dataclass
class _Plan:
    """Everything :func:`due`, :func:`keep_in_touch` and the health chart need, computed once
    (the history and the keep-in-touch rows only when asked for)."""

    today: dt.date
    tz: str
    open: pd.DataFrame  # every open follow-up, stored and derived, whatever its date (DUE_COLUMNS + meeting_id)
    _history: Callable[[], pd.DataFrame]
    _touch: Callable[[], pd.DataFrame]

    @functools.cached_property
    def history(self) -> pd.DataFrame:
        """kind, due_at, done_at, due_day, outcome: see :func:`followup_history`."""
        return self._history()

    @functools.cached_property
    def touch(self) -> pd.DataFrame:
        """The rows of :func:`keep_in_touch`."""
        return self._touch()


def _context(t: Tables, today: dt.date | str | None) -> tuple[str, str, dt.date, pd.Timestamp]:
    """The user's time zone and country, the date meant by `today`, and the end of that day (UTC)."""
    from infoview_kit.base.paths import resolve_today

    profile = t.profile()
    tz = profile.get("timezone") or "UTC"
    country = profile.get("country") or "US"
    if today is None or (isinstance(today, str) and not today.strip()):
        day = dt.datetime.now(ZoneInfo(tz)).date()
    else:
        day = resolve_today(today)
    cut = pd.Timestamp(day + dt.timedelta(days=1)).tz_localize(tz).tz_convert("UTC")
    return tz, country, day, cut


def _utc(values: pd.Series) -> np.ndarray:
    """Moments as naive UTC datetime64[ns] (NaT stays NaT); naive ones count as UTC."""
    if getattr(values, "dtype", None) is not None and values.dtype.kind == "M":
        # datetimes already (tz-aware ones give their UTC time): no parsing, which costs far more on
        # the small tables of a typical workbook than the work itself
        return np.asarray(values.to_numpy(dtype="datetime64[ns]") if hasattr(values, "to_numpy") else values,
                          dtype="datetime64[ns]")
    return pd.to_datetime(values, utc=True).to_numpy(dtype="datetime64[ns]")


def _text(values: pd.Series) -> np.ndarray:
    """Text that is never missing (kinds, statuses) as an object array."""
    return values.to_numpy(dtype=object)


def _ids(values: pd.Series) -> np.ndarray:
    """Ids (Int64 with NA) as float64 with NaN, for numpy lookups."""
    return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _first_per(keys: np.ndarray, values: np.ndarray, how: str = "min") -> pd.Series:
    """The min (or max) of `values` per key, as a Series indexed by key."""
    if not len(keys):
        return pd.Series(values[:0], index=pd.Index(keys[:0]), dtype=values.dtype)
    grouped = pd.Series(values, index=keys).groupby(level=0)
    return grouped.min() if how == "min" else grouped.max()


def _take(table: pd.Series, keys: np.ndarray) -> np.ndarray:
    """``table[keys]`` with a missing key as NA/NaT, keeping the table's dtype."""
    return table.reindex(keys).to_numpy()


_NAT = np.datetime64("NaT", "ns")


# ---------------------------------------------------------------------------- answer evidence: when a person answered

#: What shows that a person answered you, and the funnel stage each reaches (see :func:`answer_evidence`).
ANSWER_SOURCES = {"reply": "replied", "meeting_scheduled": "replied", "meeting_held": "met",
                  "thank_you": "thanked", "introduced": "replied"}


def _meetings_scheduled(t: Tables) -> pd.DataFrame:
    """The ``meeting_scheduled`` events (contact_id, at): a narrow read by kind unless every event is read already."""
    from infoview_kit.store import Workbook

    if isinstance(t, _Lean):
        return t._input("scheduled")
    if isinstance(t, Snapshot) and "events" not in t._cache:
        if "scheduled" not in t._cache:
            t._cache["scheduled"] = t.wb.events(kinds=["meeting_scheduled"])
        frame: pd.DataFrame = t._cache["scheduled"]
        return frame
    if isinstance(t, Workbook):
        return t.events(kinds=["meeting_scheduled"])
    events = t.events()
    return events[(events["kind"] == "meeting_scheduled").to_numpy(dtype=bool)]


def _evidence(t: Tables, cut64: np.datetime64) -> pd.DataFrame:
    """Every piece of answer evidence before `cut64` (naive UTC): contact_id (int64), at (naive UTC
    datetime64[ns]) and source (a key of ANSWER_SOURCES), by contact and time. THE definition of
    when a person answered, used by the plan, the reply chart and the funnel alike."""
    msgs, mt, fu, people = t.messages(), t.meetings(), t.followups(), t.contacts()
    sched = _meetings_scheduled(t)
    parts: list[tuple[np.ndarray, np.ndarray, str]] = []
    # a reply recorded on any message to them
    parts.append((msgs["contact_id"].to_numpy(), _utc(msgs["replied_at"]), "reply"))
    # a meeting scheduled with them, whatever became of it: a time is proposed only once they answered
    known = sched["contact_id"].notna().to_numpy(dtype=bool)
    parts.append((sched["contact_id"].to_numpy()[known], _utc(sched["at"])[known], "meeting_scheduled"))
    # a meeting held
    held = (_text(mt["status"]) == "held")
    parts.append((mt["contact_id"].to_numpy()[held], _utc(mt["actual_end"])[held], "meeting_held"))
    # a thank-you sent, or its follow-up marked done (not skipped)
    thanked = (_text(msgs["kind"]) == "thank_you")
    parts.append((msgs["contact_id"].to_numpy()[thanked], _utc(msgs["sent_at"])[thanked], "thank_you"))
    skipped = fu["skipped"].to_numpy(dtype=bool) if "skipped" in fu else np.zeros(len(fu), bool)
    did = (_text(fu["kind"]) == "thank_you") & ~skipped
    parts.append((fu["contact_id"].to_numpy()[did], _utc(fu["done_at"])[did], "thank_you"))
    # a person they introduced you to
    ref = people["referred_by"].notna().to_numpy(dtype=bool)
    parts.append((people["referred_by"].to_numpy()[ref], _utc(people["created_at"])[ref], "introduced"))
    cid = np.concatenate([np.asarray(c, dtype="int64") for c, _a, _s in parts])
    at = np.concatenate([np.asarray(a, dtype="datetime64[ns]") for _c, a, _s in parts])
    source = np.concatenate([np.full(len(c), s, dtype=object) for c, _a, s in parts])
    ok = at < cut64  # NaT compares False: not yet
    order = np.lexsort((at[ok], cid[ok]))
    return pd.DataFrame({"contact_id": cid[ok][order], "at": at[ok][order], "source": source[ok][order]})


def answer_evidence(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return everything that shows a person answered you, by the end of `today`.

    A person answered when any of these happened: a reply was recorded on any message to them;
    a meeting was scheduled with them (whatever its later status: you propose a time only
    once they answered); a meeting with them was held; a thank-you to them was sent or its
    follow-up marked done (not skipped); they introduced you to someone (``referred_by``).
    The no-reply routine of a first email sent before such evidence is settled, the reply
    chart counts the earliest evidence after a first email as its answer, and the funnel
    counts the person as replied (or further: met, thanked; see ANSWER_SOURCES).

    Returns
    -------
    pandas.DataFrame
        One row per piece of evidence, by contact and time. Columns: contact_id, at (UTC),
        source (reply, meeting_scheduled, meeting_held, thank_you, introduced).
    """
    _tz, _country, _day, cut = _context(wb, today)
    ev = _evidence(wb, cut.tz_convert(None).to_datetime64())
    ev["at"] = pd.to_datetime(ev["at"]).dt.tz_localize("UTC")
    ev["source"] = ev["source"].astype("string")
    return ev


def _first_after(cids: np.ndarray, moments: np.ndarray, ev: pd.DataFrame) -> np.ndarray:
    """For each (contact, moment), the earliest evidence of that contact at or after the moment (NaT: none)."""
    out = np.full(len(cids), _NAT)
    valid = ~np.isnat(moments)
    if not valid.any() or ev.empty:
        return out
    left = pd.DataFrame({"contact_id": np.asarray(cids, dtype="int64")[valid], "at": moments[valid],
                         "i": np.flatnonzero(valid)}).sort_values("at", kind="stable")
    right = pd.DataFrame({"contact_id": ev["contact_id"].to_numpy(dtype="int64"), "at": ev["at"].to_numpy(),
                          "answered": ev["at"].to_numpy()}).sort_values("at", kind="stable")
    merged = pd.merge_asof(left, right, on="at", by="contact_id", direction="forward")
    out[merged["i"].to_numpy()] = merged["answered"].to_numpy(dtype="datetime64[ns]")
    return out


def _plan_for(t: Tables, today: dt.date | str | None, *, history: bool = False) -> _Plan:
    """The plan for `today`, computed once per :class:`Snapshot` (always afresh for a Workbook, from
    the lean read of :class:`_Lean` unless the `history` is wanted)."""
    if isinstance(t, Snapshot):
        key = ("plan", _context(t, today)[2])
        if key not in t._cache:
            t._cache[key] = _plan(t, today)
        plan: _Plan = t._cache[key]
        return plan
    from infoview_kit.store import Workbook

    if not isinstance(t, Workbook):
        return _plan(t, today)
    if history:
        return _plan(_Involved(t), today)
    return dataclasses.replace(_plan(_Lean(t, today), today), _history=_no_history)


def _no_history() -> pd.DataFrame:
    raise AssertionError("a plan from the lean read has no history: ask _plan_for(..., history=True)")


class _Involved(Snapshot):
    """A snapshot that reads only the contacts follow-ups can concern: people with a message, a
    meeting, a follow-up or a referral (what :func:`due` needs, without the other connections)."""

    def contacts(self) -> pd.DataFrame:
        """The contacts involved in any follow-up (see :meth:`Workbook.contacts`)."""
        if "contacts" not in self._cache:
            self._cache["contacts"] = self.wb.contacts(involved_only=True)
        return self._cache["contacts"]


class _Lean(Snapshot):
    """A snapshot of only the rows and columns the open follow-ups come from
    (:meth:`Workbook.due_inputs`): what :func:`due` reads from a Workbook. Not for the history."""

    def __init__(self, wb: Workbook, today: dt.date | str | None) -> None:
        super().__init__(wb)
        self._today = today

    def _input(self, name: str) -> pd.DataFrame:
        if "inputs" not in self._cache:
            self._cache["inputs"] = self.wb.due_inputs(_context(self, self._today)[3].to_pydatetime())
        frame: pd.DataFrame = self._cache["inputs"][name]
        return frame

    def contacts(self) -> pd.DataFrame:
        """The people follow-ups can concern, with the columns due reads."""
        return self._input("contacts")

    def followups(self) -> pd.DataFrame:
        """Stored follow-ups, less the no-reply routine closed before the end of `today`."""
        return self._input("followups")

    def meetings(self) -> pd.DataFrame:
        """Every meeting, with the columns due reads."""
        return self._input("meetings")

    def messages(self) -> pd.DataFrame:
        """Sent messages, with the columns due reads."""
        return self._input("messages")


def _plan(t: Tables, today: dt.date | str | None) -> _Plan:
    tz, country, day, cut = _context(t, today)
    cut64 = cut.tz_convert(None).to_datetime64()
    today64 = np.datetime64(day, "D")

    # -- people (added by the end of `today`)
    people = t.contacts()
    p_created = _utc(people["created_at"])
    keep = p_created < cut64
    p_index = pd.Index(people["id"].to_numpy()[keep])
    p_first = people["first_name"].to_numpy(dtype=object)[keep]
    p_last = people["last_name"].to_numpy(dtype=object)[keep]
    p_company = people["company"].to_numpy(dtype=object)[keep]
    p_ref, p_created = _ids(people["referred_by"])[keep], p_created[keep]
    active = p_index.to_numpy()[~people["excluded"].to_numpy(dtype=bool)[keep]]

    p_first, p_last, p_company = (np.append(a, pd.NA) for a in (p_first, p_last, p_company))  # [-1]: unknown

    def name_of(ids: np.ndarray) -> np.ndarray:
        pos = p_index.get_indexer(ids)
        first, last = p_first[pos], p_last[pos]
        first = np.where(pd.isna(first), "", first)
        last = np.where(pd.isna(last), "", last)
        both = np.where(first == "", last, np.where(last == "", first, first + " " + last))
        return both.astype(object)

    def first_of(ids: np.ndarray) -> np.ndarray:
        first = p_first[p_index.get_indexer(ids)]
        first = np.where(pd.isna(first), "", first)
        return np.where(first == "", name_of(ids), first).astype(object)

    # -- messages, meetings and follow-ups as they stood at the end of `today`
    msgs, mt, fu = t.messages(), t.meetings(), t.followups()
    m_id, m_cid, m_kind = msgs["id"].to_numpy(), msgs["contact_id"].to_numpy(), _text(msgs["kind"])
    m_sent, m_rep = _utc(msgs["sent_at"]), _utc(msgs["replied_at"])
    m_sent = np.where(m_sent < cut64, m_sent, _NAT)
    m_rep = np.where(m_rep < cut64, m_rep, _NAT)
    s_ok, r_ok = ~np.isnat(m_sent), ~np.isnat(m_rep)
    g_id, g_cid, g_status = mt["id"].to_numpy(), mt["contact_id"].to_numpy(), _text(mt["status"])
    g_end, g_start = _utc(mt["actual_end"]), _utc(mt["starts_at"])
    held = (g_status == "held") & (g_end < cut64)
    f_id, f_cid, f_kind = fu["id"].to_numpy(), fu["contact_id"].to_numpy(), _text(fu["kind"])
    f_due, f_done = _utc(fu["due_at"]), _utc(fu["done_at"])
    f_snooze = _utc(fu["snoozed_until"]) if "snoozed_until" in fu else np.full(len(fu), _NAT)
    f_due = np.where(f_snooze > f_due, f_snooze, f_due)  # a snoozed follow-up is not due before then
    f_skip = fu["skipped"].to_numpy(dtype=bool) if "skipped" in fu else np.zeros(len(fu), bool)
    f_msg, f_meet = _ids(fu["message_id"]), _ids(fu["meeting_id"])
    exists = np.isin(f_cid, p_index.to_numpy())  # a person added after `today` was not there yet
    routine = np.isin(f_kind, _ROUTINE) & ~np.isnan(f_msg)
    exists[routine] &= _take(pd.Series(m_sent, index=m_id), f_msg[routine]) < cut64
    thanks = (f_kind == "thank_you") & ~np.isnan(f_meet)
    exists[thanks] &= _take(pd.Series(g_end, index=g_id), f_meet[thanks]) < cut64
    f_done = np.where(f_done < cut64, f_done, _NAT)
    f_open, f_closed = exists & np.isnat(f_done), exists & ~np.isnat(f_done)
    # a stored "log the meeting" is settled once the meeting is logged or cancelled (a snoozed one stays stored)
    f_open &= ~((f_kind == "log_meeting") & np.isin(f_meet, g_id[held | (g_status == "cancelled")]))
    f_skipped = f_closed & f_skip  # closed on purpose without doing it: settles it, never counts as done
    # the no-reply routine of a first email is settled by any answer after it was sent (answer_evidence)
    evidence = _evidence(t, cut64)
    e_cid, e_at = evidence["contact_id"].to_numpy(), evidence["at"].to_numpy()
    r_all = exists & np.isin(f_kind, _ROUTINE)
    r_from = np.full(len(fu), np.datetime64(0, "ns"))  # a routine item with no email: any answer settles it
    has_msg = r_all & ~np.isnan(f_msg)
    r_from[has_msg] = _take(pd.Series(m_sent, index=m_id), f_msg[has_msg])
    r_settled = np.zeros(len(fu), dtype=bool)
    r_settled[r_all] = _take(_first_per(e_cid, e_at, "max"), f_cid[r_all]) >= r_from[r_all]
    f_open &= ~r_settled
    f_did = f_closed & ~f_skip

    # -- real interactions: messages sent, their replies, meetings held, keep-in-touch done by hand
    by_hand = f_did & np.isin(f_kind, KEEP_IN_TOUCH)
    by_hand[by_hand] = ~pd.MultiIndex.from_arrays([f_cid[by_hand], f_kind[by_hand], f_done[by_hand]]).isin(
        pd.MultiIndex.from_arrays([m_cid[s_ok], m_kind[s_ok], m_sent[s_ok]]))
    tc = np.concatenate([m_cid[s_ok], m_cid[r_ok], g_cid[held], f_cid[by_hand]]).astype("int64")
    ta = np.concatenate([m_sent[s_ok], m_rep[r_ok], g_end[held], f_done[by_hand]])
    tk = np.concatenate([m_kind[s_ok], np.full(r_ok.sum(), "reply", dtype=object),
                         np.full(held.sum(), "meeting", dtype=object), f_kind[by_hand]])
    answer = np.concatenate([np.zeros(s_ok.sum(), bool), np.ones(r_ok.sum() + held.sum(), bool),
                             np.zeros(by_hand.sum(), bool)])
    skipped_kit = f_skipped & np.isin(f_kind, ("update", "checkin"))  # the clock starts again from a skip
    last_touch = _first_per(np.concatenate([tc, f_cid[skipped_kit].astype("int64")]),
                            np.concatenate([ta, f_done[skipped_kit]]), "max")
    last_answer = _first_per(tc[answer], ta[answer], "max")
    kit = ~answer & np.isin(tk, ("update", "checkin"))
    k_cid, k_at = tc[kit], ta[kit]
    k_after = _take(last_answer, k_cid)
    unanswered = pd.Series(1, index=k_cid[np.isnat(k_after) | (k_at > k_after)]).groupby(level=0).sum()

    # -- steps since you last wrote to them (as drafting.progress_items counts them): meetings held since
    wrote = s_ok & np.isin(m_kind, ("thank_you", "update"))
    wrote_f = by_hand & np.isin(f_kind, ("thank_you", "update"))  # done by hand: logged as sent too
    since = _first_per(np.concatenate([g_cid[held], m_cid[wrote], f_cid[wrote_f]]),
                       np.concatenate([g_end[held], m_sent[wrote], f_done[wrote_f]]), "max")
    ends = np.sort(g_end[held])

    # -- people met, and their keep-in-touch clock
    order = np.lexsort((g_id[held], g_end[held]))
    met = pd.DataFrame({"cid": g_cid[held][order], "end": g_end[held][order], "mid": g_id[held][order]})
    met = met.drop_duplicates("cid")
    met = met[np.isin(met["cid"].to_numpy(), active)].sort_values("cid").reset_index(drop=True)
    met_cid = met["cid"].to_numpy()
    every = people.set_index("id")["checkin_days"].reindex(met_cid)
    every_n = pd.to_numeric(every, errors="coerce").fillna(DEFAULT_CHECKIN_DAYS).clip(lower=1).to_numpy("int64")
    met_last = _take(last_touch, met_cid)
    steps = len(ends) - np.searchsorted(ends, _take(since, met_cid), side="right")
    met_unanswered = unanswered.reindex(met_cid).fillna(0).to_numpy("int64")
    at_rest = met_unanswered >= MAX_UNANSWERED

    # -- introductions: who introduced you to whom, and when
    intro_mask = ~np.isnan(p_ref) & np.isin(p_ref, active)
    i_referred, i_cid, i_anchor = p_index.to_numpy()[intro_mask], p_ref[intro_mask].astype("int64"), p_created[
        intro_mask]
    referrers = np.unique(p_ref[~np.isnan(p_ref)]).astype("int64")

    # -- meetings past their end and not logged
    g_plan_end = g_start + mt["duration_min"].to_numpy("int64").astype("timedelta64[m]")
    logged = f_meet[exists & (f_kind == "log_meeting")]
    pend = (g_status != "cancelled") & ~held & (g_plan_end < cut64) & ~np.isin(g_id, logged)

    # -- the business-day calendar over every date needed
    base_days = _local_days(pd.Series(met_last), tz) + every_n.astype("timedelta64[D]")
    intro_days = _local_days(pd.Series(i_anchor), tz) + np.timedelta64(REFERRER_UPDATE_DAYS, "D")
    first_days = _local_days(met["end"], tz)
    cal = _business_days(country, [base_days, intro_days, first_days], day, ahead=14)

    # monthly keep-in-touch: an update when there are steps to report, else a check-in
    monthly_day = cal.roll(base_days)

    # referral ask: the first business day of the week after the first meeting
    asked = _first_per(np.concatenate([m_cid[s_ok & (m_kind == "referral_ask")],
                                       f_cid[f_did & (f_kind == "referral_ask")]]),
                       np.concatenate([m_sent[s_ok & (m_kind == "referral_ask")],
                                       f_done[f_did & (f_kind == "referral_ask")]]))
    ra_skipped = np.isin(met_cid, f_cid[f_skipped & (f_kind == "referral_ask")])
    ra_day = cal.next_week_start(first_days)
    ra_done = _take(asked, met_cid)
    ra_moot = np.isin(met_cid, referrers)  # they already introduced you to someone: no need to ask
    k_first = _take(pd.Series(met["end"].to_numpy(), index=met_cid), k_cid)
    wrote_since = np.isin(met_cid, k_cid[k_at >= k_first])
    ra_lapsed = np.isnat(ra_done) & (wrote_since | (~at_rest & (monthly_day <= today64)))
    ra_counted = ~ra_moot & ~(ra_skipped & np.isnat(ra_done))  # in the history: not moot, not skipped

    # update to whoever introduced you, two weeks after
    upd = s_ok & (m_kind == "update")
    upd_f = f_did & (f_kind == "update")
    pairs = pd.DataFrame({"cid": i_cid, "referred": i_referred, "anchor": i_anchor}).merge(
        pd.DataFrame({"cid": np.concatenate([m_cid[upd], f_cid[upd_f]]),
                      "done": np.concatenate([m_sent[upd], f_done[upd_f]])}), on="cid")
    pairs = pairs[pairs["done"] >= pairs["anchor"]]
    u_done = _take(pairs.groupby("referred")["done"].min(), i_referred).astype("datetime64[ns]")
    u_day = cal.roll(intro_days)
    # an update skipped after the introduction settles it (never counted as done)
    skipped_u = pd.DataFrame({"cid": i_cid, "referred": i_referred, "anchor": i_anchor}).merge(
        pd.DataFrame({"cid": f_cid[f_skipped & (f_kind == "update")],
                      "done": f_done[f_skipped & (f_kind == "update")]}), on="cid")
    u_skipped = np.isin(i_referred, skipped_u.loc[skipped_u["done"] >= skipped_u["anchor"], "referred"].to_numpy())
    u_skipped &= np.isnat(u_done)

    # -- which derived item shows for each person: stored keep-in-touch > introducer's update > referral ask >
    # the monthly one
    blocked = f_cid[f_open & np.isin(f_kind, KEEP_IN_TOUCH)]
    u_show = np.isnat(u_done) & ~u_skipped & ~np.isin(i_cid, blocked)
    u_first = pd.DataFrame({"cid": i_cid, "day": u_day, "ref": i_referred, "anchor": i_anchor})[u_show]
    u_first = u_first.sort_values(["day", "ref"]).drop_duplicates("cid")
    ra_show = np.isnat(ra_done) & ~ra_moot & ~ra_skipped & ~ra_lapsed & ~np.isin(met_cid, blocked) & ~np.isin(
        met_cid, u_first["cid"].to_numpy())
    mo_show = ~at_rest & ~np.isin(met_cid, blocked) & ~np.isin(met_cid, u_first["cid"].to_numpy()) & ~ra_show

    def fmt(moments: np.ndarray) -> np.ndarray:
        days = _local_days(pd.Series(moments, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz)
        unique, where = np.unique(days, return_inverse=True)  # a few hundred days at most: format each once
        return pd.DatetimeIndex(unique).strftime("%a %d %b").to_numpy(dtype=object)[where.reshape(-1)]

    u_cid, u_ref = u_first["cid"].to_numpy(), u_first["ref"].to_numpy()
    mo_kind = np.where(steps > 0, "update", "checkin")[mo_show]
    mo_why = np.where(
        mo_kind == "update",
        "send a progress update on the " + steps[mo_show].astype(str)
        + " meeting(s) you have had since you last wrote, and thank them for their advice.",
        "check in with something useful to them, asking for nothing (unanswered so far: "
        + met_unanswered[mo_show].astype(str) + f"; after {MAX_UNANSWERED} they are left to rest).")
    p_cid = g_cid[pend]
    derived = {
        "key": np.concatenate([
            "update:" + u_cid.astype(str) + ":" + u_ref.astype(str),
            "referral_ask:" + met_cid[ra_show].astype(str),
            "keep_in_touch:" + met_cid[mo_show].astype(str) + "@" + monthly_day[mo_show].astype(str),
            "log_meeting:" + g_id[pend].astype(str)]),
        "contact_id": np.concatenate([u_cid, met_cid[ra_show], met_cid[mo_show], p_cid]),
        "kind": np.concatenate([np.full(len(u_cid), "update", dtype=object),
                                np.full(ra_show.sum(), "referral_ask", dtype=object), mo_kind,
                                np.full(pend.sum(), "log_meeting", dtype=object)]),
        "due_day": np.concatenate([u_first["day"].to_numpy(), ra_day[ra_show], monthly_day[mo_show],
                                   _local_days(pd.Series(g_plan_end[pend]), tz)]),
        "meeting_id": np.concatenate([np.full(len(u_cid), np.nan), met["mid"].to_numpy()[ra_show].astype(float),
                                      np.full(mo_show.sum(), np.nan), g_id[pend].astype(float)]),
        "why": np.concatenate([
            first_of(u_cid) + " introduced you to " + name_of(u_ref) + " on " + fmt(u_first["anchor"].to_numpy())
            + ": about two weeks on, tell them how it went and thank them for the introduction.",
            "You met " + first_of(met_cid[ra_show]) + " on " + fmt(met["end"].to_numpy()[ra_show])
            + ": the week after, ask whether there is anyone else you should talk to.",
            "Last in touch on " + fmt(met_last[mo_show]) + ": " + mo_why,
            "The meeting on " + fmt(g_start[pend]) + " is not logged yet: log it (notebook 04) so the thank-you "
            "is scheduled, or cancel it if it did not happen."]).astype(object),
    }
    n_derived = len(derived["key"])
    due_at = _utc(_at_hour(derived["due_day"].astype("datetime64[D]"), tz))
    due_at[len(derived["key"]) - pend.sum():] = g_plan_end[pend]
    n_stored = int(f_open.sum())
    cids = np.concatenate([f_cid[f_open], derived["contact_id"]]).astype("int64")
    kinds = np.concatenate([f_kind[f_open], derived["kind"]])
    keys = np.concatenate(["followup:" + f_id[f_open].astype(str), derived["key"]])
    due_all = np.concatenate([f_due[f_open], due_at])
    names = name_of(cids)
    days = (_local_days(pd.Series(due_all, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz) - today64).astype(
        "int64")
    rank = np.select([days < 0, days == 0], [0, 1], 2)  # the order of STATUSES
    order = np.lexsort((keys, names, due_all, rank))  # overdue first, then by due time, name, key

    def text(values: np.ndarray) -> pd.arrays.StringArray:
        return pd.array(values[order], dtype="string")

    followup_id = np.concatenate([f_id[f_open].astype(float), np.full(n_derived, np.nan)])
    items = pd.DataFrame({
        "key": text(keys), "followup_id": pd.array(followup_id[order], dtype="Float64").astype("Int64"),
        "contact_id": cids[order], "name": text(names),
        "company": text(p_company[p_index.get_indexer(cids)]), "kind": text(kinds),
        "due_at": pd.DatetimeIndex(due_all[order]).tz_localize("UTC").tz_convert(tz),
        "status": text(np.array(STATUSES, dtype=object)[rank]), "days": days[order],
        "why": text(np.concatenate([_text(fu["reason"])[f_open], derived["why"]])),
        "template": text(np.array([TEMPLATE_OF_KIND.get(k) for k in kinds], dtype=object)),
        "source": text(np.repeat(np.array(["stored", "derived"], dtype=object), [n_stored, n_derived])),
        "meeting_id": pd.array(np.concatenate([f_meet[f_open], derived["meeting_id"]])[order],
                               dtype="Float64").astype("Int64")})

    def history() -> pd.DataFrame:
        """Every follow-up that fell due: stored (minus those a reply closed), derived done or lapsed, derived
        open now."""
        closed_by_reply = np.zeros(len(fu), dtype=bool)
        closed_by_reply[f_closed] = pd.MultiIndex.from_arrays([f_cid[f_closed], f_done[f_closed]]).isin(
            pd.MultiIndex.from_arrays([m_cid[r_ok], m_rep[r_ok]]))
        # answered before it was done (or while it is open): the routine was moot, not done or missed
        answered = _first_after(f_cid[r_all], r_from[r_all], evidence)
        moot = np.zeros(len(fu), dtype=bool)
        moot[r_all] = ~np.isnat(answered) & (np.isnat(f_done[r_all]) | (answered <= f_done[r_all]))
        counted = exists & ~((closed_by_reply | moot) & np.isin(f_kind, _ROUTINE)) & ~f_skipped
        now_open = items["key"].str.startswith(("keep_in_touch:", "log_meeting:")).to_numpy(dtype=bool)
        asks = ra_counted.sum()
        u_counted = ~u_skipped
        history = pd.DataFrame({
            "kind": np.concatenate([f_kind[counted], np.full(asks, "referral_ask", dtype=object),
                                    np.full(u_counted.sum(), "update", dtype=object),
                                    items["kind"].to_numpy(dtype=object)[now_open]]),
            "due_at": np.concatenate([f_due[counted], _utc(_at_hour(ra_day[ra_counted], tz)),
                                      _utc(_at_hour(u_day[u_counted], tz)), _utc(items["due_at"][now_open])]),
            "done_at": np.concatenate([f_done[counted], ra_done[ra_counted], u_done[u_counted],
                                       np.full(now_open.sum(), _NAT)]),
            "by_day": np.concatenate([np.zeros(counted.sum(), bool),
                                      np.ones(asks + u_counted.sum() + now_open.sum(), bool)]),
        })
        h_due = _local_days(pd.Series(history["due_at"]), tz)
        h_done = _local_days(pd.Series(history["done_at"]), tz)
        done_ok = ~np.isnat(history["done_at"].to_numpy())
        on_time = np.where(history["by_day"], h_done <= h_due, history["done_at"] <= history["due_at"])
        history["due_at"] = pd.to_datetime(history["due_at"]).dt.tz_localize("UTC")
        history["done_at"] = pd.to_datetime(history["done_at"]).dt.tz_localize("UTC")
        history["due_day"] = h_due
        history["outcome"] = np.select([done_ok & on_time, done_ok, h_due < today64],
                                       ["on_time", "late", "overdue"], "open")
        return history

    def touch() -> pd.DataFrame:
        """The rows of keep_in_touch()."""
        touch = pd.DataFrame({
            "contact_id": met_cid, "name": pd.array(name_of(met_cid), dtype="string"),
            "last_touch": pd.to_datetime(met_last).tz_localize("UTC").tz_convert(tz),
            "checkin_days": every_n, "next_due": _at_hour(monthly_day, tz).dt.tz_convert(tz).to_numpy(),
            "next_kind": pd.array(np.where(at_rest, "rest", np.where(steps > 0, "update", "checkin")), dtype="string"),
            "steps": steps.astype("int64"), "unanswered": met_unanswered, "at_rest": at_rest})
        touch["next_due"] = pd.to_datetime(touch["next_due"], utc=True).dt.tz_convert(tz)
        return touch.sort_values(["next_due", "contact_id"]).reset_index(drop=True)

    return _Plan(today=day, tz=tz, open=items, _history=history, _touch=touch)


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
    plan = _plan_for(wb, today)
    items = plan.open[plan.open["days"] <= horizon_days]
    return items[DUE_COLUMNS].reset_index(drop=True)


def open_followups(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return every open follow-up, however far ahead it is due (the columns of :func:`due`)."""
    return _plan_for(wb, today).open[DUE_COLUMNS].reset_index(drop=True)


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
    return _plan_for(wb, today).touch


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
    plan = _plan_for(wb, today, history=True)
    return plan.history[["kind", "due_at", "done_at", "due_day", "outcome"]]


def mark_done(wb: Workbook, key: str, *, at: dt.datetime | str | None = None,
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
    with wb.transaction():
        fid = _stored(wb, key, at, today)
        if not wb.mark_followup_done(fid, at=at):
            log.info("follow-up %s was already done", key)
    log.info("marked %s done as follow-up %d", key, fid)
    return fid


def snooze(wb: Workbook, key: str, until: dt.date | str, *, at: dt.datetime | str | None = None,
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
    from infoview_kit.base.text import as_date as _as_date

    day = _as_date(until, "until")
    listed = _listed_day(wb, at, today)
    if day <= listed:
        raise InputFormatError(f"snooze until {day.isoformat()}: expected a date after {listed.isoformat()}")
    with wb.transaction():
        fid = _stored(wb, key, at, listed)
        wb.snooze_followup(fid, day, at=at)
    log.info("snoozed %s until %s as follow-up %d", key, day, fid)
    return fid


def skip(wb: Workbook, key: str, *, at: dt.datetime | str | None = None,
         today: dt.date | str | None = None) -> int:
    """Skip a follow-up of :func:`due` on purpose; return its follow-up id.

    It leaves the list for good without counting as done (not thanked, not updated) nor as
    overdue in the health chart. A derived follow-up is stored first, in the same transaction.

    Raises
    ------
    NotFoundError
        If no open follow-up has that key.
    """
    with wb.transaction():
        fid = _stored(wb, key, at, today)
        if not wb.skip_followup(fid, at=at):
            log.info("follow-up %s was already closed", key)
    log.info("skipped %s as follow-up %d", key, fid)
    return fid


def _listed_day(wb: Workbook, at: dt.datetime | str | None, today: dt.date | str | None) -> dt.date:
    """The date a key was listed for: `today`, else the local date of `at` (else of now)."""
    if today is not None and not (isinstance(today, str) and not today.strip()):
        from infoview_kit.base.paths import resolve_today

        return resolve_today(today)
    tzname = wb.profile().get("timezone") or "UTC"
    if at is None:
        return dt.datetime.now(ZoneInfo(tzname)).date()
    moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(ZoneInfo(tzname)).date()


def _stored(wb: Workbook, key: str, at: dt.datetime | str | None, today: dt.date | str | None) -> int:
    """The follow-up id behind a key of :func:`due`: a stored one's own, or a derived one stored now
    (with its due time and why; call it inside the transaction that acts on it)."""
    if key.startswith("followup:"):
        try:
            fid = int(key.split(":", 1)[1])
        except ValueError:
            raise NotFoundError(f"no follow-up {key!r} in {wb.path}; take a key from the list of due()") from None
        wb._followup_row(fid)  # raises NotFoundError
        return fid
    items = _plan_for(wb, _listed_day(wb, at, today) if today is None and at is not None else today).open
    row = items[items["key"] == key]
    if row.empty:
        raise NotFoundError(f"no open follow-up {key!r} in {wb.path}; it may be done already. "
                            "Take a key from the list of due()")
    item = row.iloc[0]
    meeting = item["meeting_id"]
    return wb.add_followup(int(item["contact_id"]), str(item["kind"]), item["due_at"].to_pydatetime(),
                           str(item["why"]), meeting_id=None if pd.isna(meeting) else int(meeting))


def due_table(items: pd.DataFrame, *, width: int = 100, horizon_days: int = 7) -> str:
    """Return :func:`due` as a plain-text table for a terminal, `width` characters wide at most.

    One line per follow-up (status, due date and time, name, what to do, why, cut to fit),
    then a count by status.
    """
    if items.empty:
        return f"Nothing is due, today or in the next {horizon_days} days."
    cols = pd.DataFrame({
        "status": items["status"].astype(str),
        "due": items["due_at"].dt.strftime("%a %d %b %H:%M"),
        "who": items["name"].fillna("?").astype(str),
        "do": items["kind"].map(lambda k: KIND_LABELS.get(str(k), str(k).replace("_", " "))),
        "why": items["why"].fillna("").astype(str)})
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


# ---------------------------------------------------------------------------- drafts

def progress_steps(wb: Workbook, contact_id: int, *, extra: Sequence[str] = ()) -> list[str]:
    """Return the steps you took since you last wrote to a contact, as lines for a progress update.

    The meetings you have had since (``drafting.progress_items``: by role and employer, never
    another contact's name), then the people this contact introduced you to and where that
    stands, then any `extra` steps you name (applications, new skills) that the workbook does
    not record.
    """
    from infoview_kit.outreach.drafting import progress_items

    spoke = (progress_items(wb, contact_id) or "").splitlines()
    lines = [line.removeprefix("- ") for line in spoke if line]
    people = wb.contacts()
    mine = people[people["referred_by"].eq(contact_id).fillna(False).astype(bool)]
    if not mine.empty:
        met = set(wb.meetings().query("status == 'held'")["contact_id"].tolist())
        emailed = set(wb.messages().query("kind == 'outreach' and status != 'draft'")["contact_id"].tolist())
        for cid, first in zip(mine["id"], mine["first_name"].fillna("them"), strict=True):
            if cid in met:
                lines.append(f"I met {first}, whom you introduced me to, and learned a lot.")
            elif cid in emailed:
                lines.append(f"I wrote to {first}, whom you introduced me to.")
    lines += [s.strip().rstrip(".") + "." for s in extra if s and s.strip()]
    return lines


def draft_due(wb: Workbook, today: dt.date | str | None = None, out_dir: str | os.PathLike[str] | None = None, *,
              kinds: Sequence[str] = ("update", "checkin", "referral_ask"), keys: Sequence[str] | None = None,
              extra_steps: str | Sequence[str] = (), refresh: bool = False,
              at: dt.datetime | str | None = None) -> pd.DataFrame:
    """Draft a message for every follow-up due by today (overdue or due) that one template writes.

    A progress update lists :func:`progress_steps` and thanks them for their advice; a referral
    ask, a check-in (its blanks say what useful thing to offer), a nudge or a thank-you comes from
    its template. Each draft is saved in the workbook (one open draft per person and kind:
    an open draft you may have edited is kept unless `refresh`), checked with the follow-up
    rules, and written as an ``.eml`` file when `out_dir` is given.

    Parameters
    ----------
    kinds
        Which kinds to draft (any of update, checkin, referral_ask, nudge, thank_you).
    keys
        Only these keys of :func:`due` (then any status).
    extra_steps
        Steps the workbook does not record (applications, new skills), added to every update: a
        list, or one text with the steps separated by ";" or line breaks.

    Returns
    -------
    pandas.DataFrame
        One row per draft. Columns: key, contact_id, name, kind, message_id, subject, body,
        missing (the blanks left to fill, comma-separated: you cannot mark it sent before), fixes
        (what the follow-up checks ask you to change, semicolon-separated),
        eml (path of the .eml file, or NA), mailto (a link that opens it in your mail program).
    """
    from infoview_kit.base.text import blanks_in
    from infoview_kit.outreach.drafting import (
        TEMPLATE_KIND,
        draft_fields,
        export_eml,
        mailto_for,
        save_composed,
        user_templates,
    )
    from infoview_kit.outreach.emails import check, fill

    parts = re.split(r"[;\n]", extra_steps) if isinstance(extra_steps, str) else list(extra_steps)
    extra = [x.strip() for x in parts if x and x.strip()]

    columns = ["key", "contact_id", "name", "kind", "message_id", "subject", "body", "missing", "fixes", "eml",
               "mailto"]
    items = due(wb, today)
    if keys is not None:
        items = items[items["key"].isin(list(keys))]
    else:
        items = items[items["status"].isin(["overdue", "due"]) & items["kind"].isin(list(kinds))]
    items = items[items["template"].notna()]
    drafts = wb.messages()
    drafts = drafts[drafts["status"] == "draft"]
    rows = []
    for item in items.itertuples(index=False):  # one message each: a handful, not the whole workbook
        cid, template = int(item.contact_id), str(item.template)
        kind = TEMPLATE_KIND[template]
        existing = drafts[(drafts["contact_id"] == cid) & (drafts["kind"] == kind)]
        if not existing.empty and not refresh:
            mid = int(existing["id"].iloc[0])
        elif template == "update":
            fields = draft_fields(wb, cid)
            steps = progress_steps(wb, cid, extra=extra)
            fields["progress_items"] = "\n".join(f"- {step}" for step in steps) or None
            draft = fill("update", fields, user_dir=user_templates(wb))
            mid = wb.save_draft(cid, kind, draft.subject, draft.body, template="update", at=at)
        else:
            mid = save_composed(wb, cid, template, at=at)
        msg = wb.message(mid)
        contact = wb.contact(cid)
        profile = wb.profile()
        result = check((msg["subject"], msg["body"]), rules="followup", contact_name=contact.get("first_name"),
                       signature=(profile.get("signature") or profile.get("name") or None))
        fixes = [f.message for f in result.findings if not f.passed and f.rule != "no_blanks"]
        rows.append({
            "key": item.key, "contact_id": cid, "name": item.name, "kind": kind, "message_id": mid,
            "subject": msg["subject"], "body": msg["body"],
            "missing": ", ".join(blanks_in(msg["subject"] + "\n" + msg["body"])), "fixes": "; ".join(fixes),
            "eml": str(export_eml(wb, mid, out_dir)) if out_dir else pd.NA, "mailto": mailto_for(wb, mid)})
    out = pd.DataFrame(rows, columns=columns)
    out["message_id"] = out["message_id"].astype("Int64")
    log.info("%d follow-up drafts", len(out))
    return out


# ---------------------------------------------------------------------------- reminders

def reminders(wb: Tables, today: dt.date | str | None = None) -> list[dict[str, Any]]:
    """Return one calendar reminder per open follow-up, for :func:`calendars.reminders_ics`.

    Each has ``uid`` (the follow-up's key without its ``@date``, so the next check-in with the same
    person moves the same entry, and a newer file updates it instead of adding one), ``due``
    (its due time; an overdue one is put on today's date), ``summary``, ``description`` and
    ``sequence`` (the day number of `today`, so a later file always wins).
    """
    plan = _plan_for(wb, today)
    items = plan.open
    seq = (plan.today - dt.date(2020, 1, 1)).days
    out = []
    for key, kind, name, due_at, days, why in zip(items["key"], items["kind"], items["name"], items["due_at"],
                                                  items["days"], items["why"], strict=True):
        label = KIND_LABELS.get(str(kind), str(kind).replace("_", " ").capitalize())
        late = f" Overdue since {due_at:%a %d %b %Y}." if days < 0 else ""
        out.append({"uid": str(key).split("@")[0], "due": plan.today if days < 0 else due_at.to_pydatetime(),
                    "summary": f"{label}: {name}", "description": f"{why}{late}", "sequence": max(seq, 0)})
    return out


def reminders_ics_bytes(wb: Tables, today: dt.date | str | None = None) -> bytes:
    """Return the ``.ics`` calendar of :func:`reminders_file` as bytes (for a download link)."""
    from infoview_kit.interview.calendars import reminders_ics

    tz, _country, day, _cut = _context(wb, today)
    stamp = dt.datetime.combine(day, dt.time(12, 0), tzinfo=ZoneInfo(tz))
    return reminders_ics(reminders(wb, day), dtstamp=stamp)


def reminders_file(wb: Tables, today: dt.date | str | None, path: str | os.PathLike[str]) -> Path:
    """Write one ``.ics`` calendar with a reminder for every open follow-up; return its path.

    Importing a newer file updates the reminders already imported (same UIDs, higher
    SEQUENCE) instead of adding them again. See :func:`reminders` for what each holds.
    """
    data = reminders_ics_bytes(wb, today)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    log.info("reminders written to %s", target)
    return target
