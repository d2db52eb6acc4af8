"""The follow-up rules: what is open, when it falls due and why (stored follow-ups and the derived ones).

One function per rule (the no-reply routine, the keep-in-touch clock, the referral ask, the update to
whoever introduced you, the meeting to log), each reading the arrays of :mod:`infoview_kit.followup.facts`;
:func:`plan_for` puts them together, once per snapshot and day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infoview_kit.base.bizdays import BusinessCalendar, business_calendar
from infoview_kit.followup.evidence import evidence_before, first_answer_after
from infoview_kit.followup.facts import (
    NAT,
    Followups,
    Interactions,
    Meetings,
    Messages,
    People,
    first_per,
    followups_then,
    interactions_then,
    meetings_then,
    messages_then,
    people_then,
    take,
)
from infoview_kit.followup.kinds import (
    DEFAULT_CHECKIN_DAYS,
    DUE_HOUR,
    KEEP_IN_TOUCH,
    MAX_UNANSWERED,
    REFERRER_UPDATE_DAYS,
    ROUTINE,
    STATUSES,
    TEMPLATE_OF_KIND,
)
from infoview_kit.store.readmodel import (
    InvolvedSnapshot,
    LeanSnapshot,
    Snapshot,
    Tables,
    context,
    is_store,
    local_days,
    utc_moments,
)


@dataclass
class Plan:
    """Everything ``due``, ``keep_in_touch`` and the health chart need, computed once
    (the history and the keep-in-touch rows only when asked for)."""

    today: dt.date
    tz: str
    open: pd.DataFrame  # every open follow-up, stored and derived, whatever its date (DUE_COLUMNS + meeting_id)
    _history: Callable[[], pd.DataFrame]
    _touch: Callable[[], pd.DataFrame]

    @functools.cached_property
    def history(self) -> pd.DataFrame:
        """kind, due_at, done_at, due_day, outcome: see ``followup_history``."""
        return self._history()

    @functools.cached_property
    def touch(self) -> pd.DataFrame:
        """The rows of ``keep_in_touch``."""
        return self._touch()


def plan_for(t: Tables, today: dt.date | str | None, *, history: bool = False) -> Plan:
    """Return the plan for `today`, computed once per :class:`Snapshot` (always afresh for a Workbook, from
    its lean read, :class:`LeanSnapshot`, unless the `history` is wanted)."""
    if isinstance(t, Snapshot):
        return t.memo(("plan", context(t, today)[2]), lambda: _plan(t, today))
    if not is_store(t):
        return _plan(t, today)
    if history:
        return _plan(InvolvedSnapshot(t), today)
    return dataclasses.replace(_plan(LeanSnapshot(t, today), today), _history=_no_history)


def _no_history() -> pd.DataFrame:
    raise AssertionError("a plan from the lean read has no history: ask plan_for(..., history=True)")


def _at_hour(days: np.ndarray, tz: str, hour: int = DUE_HOUR) -> pd.Series:
    """`hour`:00 local time on each date, as UTC timestamps."""
    local = pd.Series(pd.to_datetime(days) + pd.Timedelta(hours=hour))
    return local.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=False).dt.tz_convert("UTC")


def _fmt(moments: np.ndarray, tz: str) -> np.ndarray:
    """Each moment's local date as "Mon 23 Nov"."""
    days = local_days(pd.Series(moments, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz)
    unique, where = np.unique(days, return_inverse=True)  # a few hundred days at most: format each once
    return pd.DatetimeIndex(unique).strftime("%a %d %b").to_numpy(dtype=object)[where.reshape(-1)]


# ---------------------------------------------------------------------------- the no-reply routine


@dataclass
class _Routine:
    """The no-reply routine's stored follow-ups, and the answers that settle them."""

    all: np.ndarray  # which follow-ups are a second contact or a nudge
    since: np.ndarray  # when their first email was sent (the epoch when there is none: any answer settles it)
    evidence: pd.DataFrame
    settled: np.ndarray


def _no_reply_routine(t: Tables, cut64: np.datetime64, f: Followups, m: Messages) -> _Routine:
    """The second contact and the nudge of a first email are settled by any answer after it was sent
    (``answer_evidence``), whether or not a reply was recorded."""
    evidence = evidence_before(t, cut64)
    routine = f.exists & np.isin(f.kind, ROUTINE)
    since = np.full(len(f.id), np.datetime64(0, "ns"))
    has_msg = routine & ~np.isnan(f.msg)
    since[has_msg] = m.sent_of(f.msg[has_msg])
    settled = np.zeros(len(f.id), dtype=bool)
    last = first_per(evidence["contact_id"].to_numpy(), evidence["at"].to_numpy(), "max")
    settled[routine] = take(last, f.cid[routine]) >= since[routine]
    return _Routine(all=routine, since=since, evidence=evidence, settled=settled)


# ---------------------------------------------------------------------------- keep in touch


@dataclass
class _Touches:
    """Real interactions (messages sent, their replies, meetings held, keep-in-touch done by hand)."""

    by_hand: np.ndarray  # keep-in-touch follow-ups marked done without a message
    last_touch: pd.Series  # per contact (a skipped update or check-in starts the clock again too)
    unanswered: pd.Series  # updates and check-ins since their last answer, per contact
    kit_cid: np.ndarray  # the updates and check-ins: whom, and when
    kit_at: np.ndarray


def _touches(m: Messages, g: Meetings, f: Followups, x: Interactions) -> _Touches:
    """The real interactions with each person (with the exchanges a sync of the mailbox recorded: one from
    them is an answer), and the updates and check-ins they left unanswered."""
    s_ok, r_ok, held = m.sent_ok, m.replied_ok, g.held
    by_hand = f.did & np.isin(f.kind, KEEP_IN_TOUCH)
    by_hand[by_hand] = ~pd.MultiIndex.from_arrays([f.cid[by_hand], f.kind[by_hand], f.done[by_hand]]).isin(
        pd.MultiIndex.from_arrays([m.cid[s_ok], m.kind[s_ok], m.sent[s_ok]]))
    tc = np.concatenate([m.cid[s_ok], m.cid[r_ok], g.cid[held], f.cid[by_hand], x.cid]).astype("int64")
    ta = np.concatenate([m.sent[s_ok], m.replied[r_ok], g.end[held], f.done[by_hand], x.at])
    tk = np.concatenate([m.kind[s_ok], np.full(r_ok.sum(), "reply", dtype=object),
                         np.full(held.sum(), "meeting", dtype=object), f.kind[by_hand],
                         np.full(len(x.cid), "interaction", dtype=object)])
    answer = np.concatenate([np.zeros(s_ok.sum(), bool), np.ones(r_ok.sum() + held.sum(), bool),
                             np.zeros(by_hand.sum(), bool), x.incoming])
    skipped_kit = f.skipped & np.isin(f.kind, ("update", "checkin"))  # the clock starts again from a skip
    last_touch = first_per(np.concatenate([tc, f.cid[skipped_kit].astype("int64")]),
                           np.concatenate([ta, f.done[skipped_kit]]), "max")
    last_answer = first_per(tc[answer], ta[answer], "max")
    kit = ~answer & np.isin(tk, ("update", "checkin"))
    k_cid, k_at = tc[kit], ta[kit]
    k_after = take(last_answer, k_cid)
    unanswered = pd.Series(1, index=k_cid[np.isnat(k_after) | (k_at > k_after)]).groupby(level=0).sum()
    return _Touches(by_hand=by_hand, last_touch=last_touch, unanswered=unanswered, kit_cid=k_cid, kit_at=k_at)


@dataclass
class _Clock:
    """Everyone you met (not excluded), by id, and their keep-in-touch clock."""

    cid: np.ndarray
    end: np.ndarray  # the end of the first meeting
    mid: np.ndarray  # the first meeting
    every: np.ndarray  # days between check-ins
    last: np.ndarray  # the last real interaction
    steps: np.ndarray  # meetings with others since you last wrote to them
    unanswered: np.ndarray
    at_rest: np.ndarray


def _clock(people: People, m: Messages, g: Meetings, f: Followups, touches: _Touches) -> _Clock:
    """The keep-in-touch clock of everyone you met: ``checkin_days`` after the last real interaction; the
    steps to report since you last wrote (meetings held since, as drafting.progress_items counts them)."""
    held = g.held
    order = np.lexsort((g.id[held], g.end[held]))
    met = pd.DataFrame({"cid": g.cid[held][order], "end": g.end[held][order], "mid": g.id[held][order]})
    met = met.drop_duplicates("cid")
    met = met[np.isin(met["cid"].to_numpy(), people.active)].sort_values("cid").reset_index(drop=True)
    cid = met["cid"].to_numpy()
    every = people.table.set_index("id")["checkin_days"].reindex(cid)
    every_n = pd.to_numeric(every, errors="coerce").fillna(DEFAULT_CHECKIN_DAYS).clip(lower=1).to_numpy("int64")
    wrote = m.sent_ok & np.isin(m.kind, ("thank_you", "update"))
    wrote_f = touches.by_hand & np.isin(f.kind, ("thank_you", "update"))  # done by hand: logged as sent too
    since = first_per(np.concatenate([g.cid[held], m.cid[wrote], f.cid[wrote_f]]),
                      np.concatenate([g.end[held], m.sent[wrote], f.done[wrote_f]]), "max")
    ends = np.sort(g.end[held])
    unanswered = touches.unanswered.reindex(cid).fillna(0).to_numpy("int64")
    return _Clock(cid=cid, end=met["end"].to_numpy(), mid=met["mid"].to_numpy(), every=every_n,
                  last=take(touches.last_touch, cid),
                  steps=len(ends) - np.searchsorted(ends, take(since, cid), side="right"),
                  unanswered=unanswered, at_rest=unanswered >= MAX_UNANSWERED)


@dataclass
class _Intros:
    """Who introduced you to whom (both active), and when the person introduced was added."""

    referred: np.ndarray
    cid: np.ndarray  # who introduced them
    anchor: np.ndarray
    referrers: np.ndarray  # everyone who introduced you to someone


def _intros(people: People) -> _Intros:
    """The introductions."""
    ref = people.referred_by
    mask = ~np.isnan(ref) & np.isin(ref, people.active)
    return _Intros(referred=people.index.to_numpy()[mask], cid=ref[mask].astype("int64"),
                   anchor=people.created[mask], referrers=np.unique(ref[~np.isnan(ref)]).astype("int64"))


@dataclass
class _Days:
    """The business-day calendar over every date needed, and the days it gives."""

    cal: BusinessCalendar
    monthly: np.ndarray  # the next keep-in-touch of each person met, rolled to a business day
    first: np.ndarray  # the local date of each first meeting
    intro: np.ndarray  # REFERRER_UPDATE_DAYS after each introduction


def _days(clock: _Clock, intros: _Intros, tz: str, country: str, day: dt.date) -> _Days:
    """The calendar of the keep-in-touch clock, the referral asks and the updates to introducers."""
    base_days = local_days(pd.Series(clock.last), tz) + clock.every.astype("timedelta64[D]")
    intro_days = local_days(pd.Series(intros.anchor), tz) + np.timedelta64(REFERRER_UPDATE_DAYS, "D")
    first_days = local_days(pd.Series(clock.end), tz)
    cal = business_calendar(country, [base_days, intro_days, first_days], day, ahead=14)
    return _Days(cal=cal, monthly=cal.roll(base_days), first=first_days, intro=intro_days)


# ---------------------------------------------------------------------------- referral ask, update to an introducer


@dataclass
class _Asks:
    """The referral ask of each person met."""

    day: np.ndarray
    done: np.ndarray
    moot: np.ndarray  # they already introduced you to someone: no need to ask
    skipped: np.ndarray
    lapsed: np.ndarray
    counted: np.ndarray  # in the history: not moot, not skipped


def _referral_ask(clock: _Clock, days: _Days, m: Messages, f: Followups, touches: _Touches,
                  intros: _Intros, today64: np.datetime64) -> _Asks:
    """The first business day of the week after the first meeting, unless asked or moot; it lapses once you
    wrote to them again or their next keep-in-touch fell due."""
    sent = m.sent_ok & (m.kind == "referral_ask")
    did = f.did & (f.kind == "referral_ask")
    asked = first_per(np.concatenate([m.cid[sent], f.cid[did]]), np.concatenate([m.sent[sent], f.done[did]]))
    skipped = np.isin(clock.cid, f.cid[f.skipped & (f.kind == "referral_ask")])
    done = take(asked, clock.cid)
    moot = np.isin(clock.cid, intros.referrers)
    k_first = take(pd.Series(clock.end, index=clock.cid), touches.kit_cid)
    wrote_since = np.isin(clock.cid, touches.kit_cid[touches.kit_at >= k_first])
    lapsed = np.isnat(done) & (wrote_since | (~clock.at_rest & (days.monthly <= today64)))
    return _Asks(day=days.cal.next_week_start(days.first), done=done, moot=moot, skipped=skipped, lapsed=lapsed,
                 counted=~moot & ~(skipped & np.isnat(done)))


@dataclass
class _Updates:
    """The update to whoever introduced you, per introduction."""

    day: np.ndarray
    done: np.ndarray
    skipped: np.ndarray


def _introducer_update(intros: _Intros, days: _Days, m: Messages, f: Followups) -> _Updates:
    """Two weeks after an introduction (rolled to a business day), until an update is sent to them; an
    update skipped after the introduction settles it (never counted as done)."""
    upd = m.sent_ok & (m.kind == "update")
    upd_f = f.did & (f.kind == "update")
    intro = pd.DataFrame({"cid": intros.cid, "referred": intros.referred, "anchor": intros.anchor})
    pairs = intro.merge(pd.DataFrame({"cid": np.concatenate([m.cid[upd], f.cid[upd_f]]),
                                      "done": np.concatenate([m.sent[upd], f.done[upd_f]])}), on="cid")
    pairs = pairs[pairs["done"] >= pairs["anchor"]]
    done = take(pairs.groupby("referred")["done"].min(), intros.referred).astype("datetime64[ns]")
    skip_u = f.skipped & (f.kind == "update")
    skips = intro.merge(pd.DataFrame({"cid": f.cid[skip_u], "done": f.done[skip_u]}), on="cid")
    skipped = np.isin(intros.referred, skips.loc[skips["done"] >= skips["anchor"], "referred"].to_numpy())
    return _Updates(day=days.cal.roll(days.intro), done=done, skipped=skipped & np.isnat(done))


# ---------------------------------------------------------------------------- the derived follow-ups


@dataclass
class _Rows:
    """Derived follow-ups of one rule."""

    key: np.ndarray
    contact_id: np.ndarray
    kind: np.ndarray
    due_day: np.ndarray
    meeting_id: np.ndarray
    why: np.ndarray


def _update_rows(first: pd.DataFrame, people: People, tz: str) -> _Rows:
    """The update to whoever introduced you (the first due per introducer)."""
    cid, ref = first["cid"].to_numpy(), first["ref"].to_numpy()
    return _Rows(key="update:" + cid.astype(str) + ":" + ref.astype(str), contact_id=cid,
                 kind=np.full(len(cid), "update", dtype=object), due_day=first["day"].to_numpy(),
                 meeting_id=np.full(len(cid), np.nan),
                 why=people.first_of(cid) + " introduced you to " + people.name_of(ref) + " on "
                 + _fmt(first["anchor"].to_numpy(), tz)
                 + ": about two weeks on, tell them how it went and thank them for the introduction.")


def _referral_rows(show: np.ndarray, clock: _Clock, asks: _Asks, people: People, tz: str) -> _Rows:
    """The referral asks shown."""
    cid = clock.cid[show]
    return _Rows(key="referral_ask:" + cid.astype(str), contact_id=cid,
                 kind=np.full(show.sum(), "referral_ask", dtype=object), due_day=asks.day[show],
                 meeting_id=clock.mid[show].astype(float),
                 why="You met " + people.first_of(cid) + " on " + _fmt(clock.end[show], tz)
                 + ": the week after, ask whether there is anyone else you should talk to.")


def _monthly_rows(show: np.ndarray, clock: _Clock, days: _Days, tz: str) -> _Rows:
    """The monthly keep-in-touch: an update when there are steps to report, else a check-in."""
    cid = clock.cid[show]
    kind = np.where(clock.steps > 0, "update", "checkin")[show]
    why = np.where(
        kind == "update",
        "send a progress update on the " + clock.steps[show].astype(str)
        + " meeting(s) you have had since you last wrote, and thank them for their advice.",
        "check in with something useful to them, asking for nothing (unanswered so far: "
        + clock.unanswered[show].astype(str) + f"; after {MAX_UNANSWERED} they are left to rest).")
    return _Rows(key="keep_in_touch:" + cid.astype(str) + "@" + days.monthly[show].astype(str), contact_id=cid,
                 kind=kind, due_day=days.monthly[show], meeting_id=np.full(show.sum(), np.nan),
                 why="Last in touch on " + _fmt(clock.last[show], tz) + ": " + why)


def _log_rows(pend: np.ndarray, g: Meetings, tz: str) -> _Rows:
    """A meeting past its end that is not logged (the thank-you is only scheduled once it is)."""
    return _Rows(key="log_meeting:" + g.id[pend].astype(str), contact_id=g.cid[pend],
                 kind=np.full(pend.sum(), "log_meeting", dtype=object),
                 due_day=local_days(pd.Series(g.plan_end[pend]), tz), meeting_id=g.id[pend].astype(float),
                 why="The meeting on " + _fmt(g.start[pend], tz) + " is not logged yet: log it (notebook 04) so the "
                 "thank-you is scheduled, or cancel it if it did not happen.")


def _derived(people: People, g: Meetings, f: Followups, cut64: np.datetime64, tz: str,
             rules: tuple[_Clock, _Days, _Intros, _Asks, _Updates]) -> tuple[_Rows, np.ndarray]:
    """The derived follow-ups, and the exact due moments of the meetings to log (they end the rows).

    One keep-in-touch item per person at a time: an open stored one (thank-you, referral ask, update,
    check-in), else the update to an introducer, else the referral ask, else the monthly one.
    """
    clock, days, intros, asks, upd = rules
    blocked = f.cid[f.open & np.isin(f.kind, KEEP_IN_TOUCH)]
    u_show = np.isnat(upd.done) & ~upd.skipped & ~np.isin(intros.cid, blocked)
    u_first = pd.DataFrame({"cid": intros.cid, "day": upd.day, "ref": intros.referred, "anchor": intros.anchor})[u_show]
    u_first = u_first.sort_values(["day", "ref"]).drop_duplicates("cid")
    shown = np.isin(clock.cid, blocked) | np.isin(clock.cid, u_first["cid"].to_numpy())
    ra_show = np.isnat(asks.done) & ~asks.moot & ~asks.skipped & ~asks.lapsed & ~shown
    mo_show = ~clock.at_rest & ~shown & ~ra_show
    logged = f.meet[f.exists & (f.kind == "log_meeting")]
    pend = (g.status != "cancelled") & ~g.held & (g.plan_end < cut64) & ~np.isin(g.id, logged)
    parts = [_update_rows(u_first, people, tz), _referral_rows(ra_show, clock, asks, people, tz),
             _monthly_rows(mo_show, clock, days, tz), _log_rows(pend, g, tz)]
    rows = _Rows(**{field.name: np.concatenate([getattr(p, field.name) for p in parts])
                    for field in dataclasses.fields(_Rows)})
    rows.why = rows.why.astype(object)
    return rows, g.plan_end[pend]


def _open_items(f: Followups, rows: _Rows, log_due: np.ndarray, people: People, tz: str,
                today64: np.datetime64) -> pd.DataFrame:
    """Every open follow-up, stored and derived: overdue first, then by due time, name, key."""
    n_derived = len(rows.key)
    due_at = utc_moments(_at_hour(rows.due_day.astype("datetime64[D]"), tz))
    due_at[n_derived - len(log_due):] = log_due
    n_stored = int(f.open.sum())
    cids = np.concatenate([f.cid[f.open], rows.contact_id]).astype("int64")
    kinds = np.concatenate([f.kind[f.open], rows.kind])
    keys = np.concatenate(["followup:" + f.id[f.open].astype(str), rows.key])
    due_all = np.concatenate([f.due[f.open], due_at])
    names = people.name_of(cids)
    days = (local_days(pd.Series(due_all, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz) - today64).astype(
        "int64")
    rank = np.select([days < 0, days == 0], [0, 1], 2)  # the order of STATUSES
    order = np.lexsort((keys, names, due_all, rank))

    def text(values: np.ndarray) -> pd.arrays.StringArray:
        return pd.array(values[order], dtype="string")

    followup_id = np.concatenate([f.id[f.open].astype(float), np.full(n_derived, np.nan)])
    return pd.DataFrame({
        "key": text(keys), "followup_id": pd.array(followup_id[order], dtype="Float64").astype("Int64"),
        "contact_id": cids[order], "name": text(names),
        "company": text(people.company[people.index.get_indexer(cids)]), "kind": text(kinds),
        "due_at": pd.DatetimeIndex(due_all[order]).tz_localize("UTC").tz_convert(tz),
        "status": text(np.array(STATUSES, dtype=object)[rank]), "days": days[order],
        "why": text(np.concatenate([f.reason[f.open], rows.why])),
        "template": text(np.array([TEMPLATE_OF_KIND.get(k) for k in kinds], dtype=object)),
        "source": text(np.repeat(np.array(["stored", "derived"], dtype=object), [n_stored, n_derived])),
        "meeting_id": pd.array(np.concatenate([f.meet[f.open], rows.meeting_id])[order],
                               dtype="Float64").astype("Int64")})


# ---------------------------------------------------------------------------- history and the clock's rows


def _counted_stored(f: Followups, m: Messages, routine: _Routine) -> np.ndarray:
    """The stored follow-ups that count in the history: not skipped, and not a no-reply routine item that a
    reply closed or an answer made moot (answered before it was done, or while it is open)."""
    closed_by_reply = np.zeros(len(f.id), dtype=bool)
    closed_by_reply[f.closed] = pd.MultiIndex.from_arrays([f.cid[f.closed], f.done[f.closed]]).isin(
        pd.MultiIndex.from_arrays([m.cid[m.replied_ok], m.replied[m.replied_ok]]))
    r_all = routine.all
    answered = first_answer_after(f.cid[r_all], routine.since[r_all], routine.evidence)
    moot = np.zeros(len(f.id), dtype=bool)
    moot[r_all] = ~np.isnat(answered) & (np.isnat(f.done[r_all]) | (answered <= f.done[r_all]))
    return f.exists & ~((closed_by_reply | moot) & np.isin(f.kind, ROUTINE)) & ~f.skipped


def _history(f: Followups, m: Messages, routine: _Routine, asks: _Asks, upd: _Updates, items: pd.DataFrame,
             tz: str, today64: np.datetime64) -> pd.DataFrame:
    """Every follow-up that fell due: stored (minus those a reply closed), derived done or lapsed, derived
    open now; with its outcome."""
    counted = _counted_stored(f, m, routine)
    now_open = items["key"].str.startswith(("keep_in_touch:", "log_meeting:")).to_numpy(dtype=bool)
    ra, u_counted = asks.counted, ~upd.skipped
    history = pd.DataFrame({
        "kind": np.concatenate([f.kind[counted], np.full(ra.sum(), "referral_ask", dtype=object),
                                np.full(u_counted.sum(), "update", dtype=object),
                                items["kind"].to_numpy(dtype=object)[now_open]]),
        "due_at": np.concatenate([f.due[counted], utc_moments(_at_hour(asks.day[ra], tz)),
                                  utc_moments(_at_hour(upd.day[u_counted], tz)),
                                  utc_moments(items["due_at"][now_open])]),
        "done_at": np.concatenate([f.done[counted], asks.done[ra], upd.done[u_counted],
                                   np.full(now_open.sum(), NAT)]),
        "by_day": np.concatenate([np.zeros(counted.sum(), bool),
                                  np.ones(ra.sum() + u_counted.sum() + now_open.sum(), bool)]),
    })
    h_due = local_days(pd.Series(history["due_at"]), tz)
    h_done = local_days(pd.Series(history["done_at"]), tz)
    done_ok = ~np.isnat(history["done_at"].to_numpy())
    on_time = np.where(history["by_day"], h_done <= h_due, history["done_at"] <= history["due_at"])
    history["due_at"] = pd.to_datetime(history["due_at"]).dt.tz_localize("UTC")
    history["done_at"] = pd.to_datetime(history["done_at"]).dt.tz_localize("UTC")
    history["due_day"] = h_due
    history["outcome"] = np.select([done_ok & on_time, done_ok, h_due < today64],
                                   ["on_time", "late", "overdue"], "open")
    return history


def _touch_rows(clock: _Clock, days: _Days, people: People, tz: str) -> pd.DataFrame:
    """The rows of ``keep_in_touch``."""
    touch = pd.DataFrame({
        "contact_id": clock.cid, "name": pd.array(people.name_of(clock.cid), dtype="string"),
        "last_touch": pd.to_datetime(clock.last).tz_localize("UTC").tz_convert(tz),
        "checkin_days": clock.every, "next_due": _at_hour(days.monthly, tz).dt.tz_convert(tz).to_numpy(),
        "next_kind": pd.array(np.where(clock.at_rest, "rest", np.where(clock.steps > 0, "update", "checkin")),
                              dtype="string"),
        "steps": clock.steps.astype("int64"), "unanswered": clock.unanswered, "at_rest": clock.at_rest})
    touch["next_due"] = pd.to_datetime(touch["next_due"], utc=True).dt.tz_convert(tz)
    return touch.sort_values(["next_due", "contact_id"]).reset_index(drop=True)


def _plan(t: Tables, today: dt.date | str | None) -> Plan:
    """Apply every rule to what had happened by the end of `today`."""
    tz, country, day, cut = context(t, today)
    cut64 = cut.tz_convert(None).to_datetime64()
    today64 = np.datetime64(day, "D")
    people = people_then(t, cut64)
    m, g = messages_then(t, cut64), meetings_then(t, cut64)
    f = followups_then(t, cut64, people, m, g)
    routine = _no_reply_routine(t, cut64, f, m)
    f.open &= ~routine.settled
    touches = _touches(m, g, f, interactions_then(t, cut64))
    clock, intros = _clock(people, m, g, f, touches), _intros(people)
    days = _days(clock, intros, tz, country, day)
    asks = _referral_ask(clock, days, m, f, touches, intros, today64)
    upd = _introducer_update(intros, days, m, f)
    rows, log_due = _derived(people, g, f, cut64, tz, (clock, days, intros, asks, upd))
    items = _open_items(f, rows, log_due, people, tz, today64)
    return Plan(today=day, tz=tz, open=items,
                _history=lambda: _history(f, m, routine, asks, upd, items, tz, today64),
                _touch=lambda: _touch_rows(clock, days, people, tz))
