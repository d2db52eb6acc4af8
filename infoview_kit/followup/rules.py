"""The follow-up rules: what is open, when it falls due and why (stored follow-ups and the derived ones)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infoview_kit.base.bizdays import business_calendar
from infoview_kit.followup.evidence import evidence_before, first_answer_after
from infoview_kit.store.readmodel import (
    InvolvedSnapshot,
    LeanSnapshot,
    Snapshot,
    Store,
    Tables,
    context,
    is_store,
    local_days,
    utc_moments,
)

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
#: Local hour at which a derived follow-up falls due on its day.
DUE_HOUR = 9
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
_NAT = np.datetime64("NaT", "ns")


def _at_hour(days: np.ndarray, tz: str, hour: int = DUE_HOUR) -> pd.Series:
    """`hour`:00 local time on each date, as UTC timestamps."""
    local = pd.Series(pd.to_datetime(days) + pd.Timedelta(hours=hour))
    return local.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=False).dt.tz_convert("UTC")


# ---------------------------------------------------------------------------- the plan: what is open, and why

@dataclass
class Plan:
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
def plan_for(t: Tables, today: dt.date | str | None, *, history: bool = False) -> Plan:
    """Return the plan for `today`, computed once per :class:`Snapshot` (always afresh for a Workbook, from
    its lean read, :class:`LeanSnapshot`, unless the `history` is wanted)."""
    if isinstance(t, Snapshot):
        return t.memo(("plan", context(t, today)[2]), lambda: _plan(t, today))
    if not is_store(t):
        return _plan(t, today)
    store: Store = t  # type: ignore[assignment]
    if history:
        return _plan(InvolvedSnapshot(store), today)
    return dataclasses.replace(_plan(LeanSnapshot(store, today), today), _history=_no_history)


def _no_history() -> pd.DataFrame:
    raise AssertionError("a plan from the lean read has no history: ask plan_for(..., history=True)")


def _plan(t: Tables, today: dt.date | str | None) -> Plan:
    tz, country, day, cut = context(t, today)
    cut64 = cut.tz_convert(None).to_datetime64()
    today64 = np.datetime64(day, "D")

    # -- people (added by the end of `today`)
    people = t.contacts()
    p_created = utc_moments(people["created_at"])
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
    m_sent, m_rep = utc_moments(msgs["sent_at"]), utc_moments(msgs["replied_at"])
    m_sent = np.where(m_sent < cut64, m_sent, _NAT)
    m_rep = np.where(m_rep < cut64, m_rep, _NAT)
    s_ok, r_ok = ~np.isnat(m_sent), ~np.isnat(m_rep)
    g_id, g_cid, g_status = mt["id"].to_numpy(), mt["contact_id"].to_numpy(), _text(mt["status"])
    g_end, g_start = utc_moments(mt["actual_end"]), utc_moments(mt["starts_at"])
    held = (g_status == "held") & (g_end < cut64)
    f_id, f_cid, f_kind = fu["id"].to_numpy(), fu["contact_id"].to_numpy(), _text(fu["kind"])
    f_due, f_done = utc_moments(fu["due_at"]), utc_moments(fu["done_at"])
    f_snooze = utc_moments(fu["snoozed_until"]) if "snoozed_until" in fu else np.full(len(fu), _NAT)
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
    evidence = evidence_before(t, cut64)
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
    base_days = local_days(pd.Series(met_last), tz) + every_n.astype("timedelta64[D]")
    intro_days = local_days(pd.Series(i_anchor), tz) + np.timedelta64(REFERRER_UPDATE_DAYS, "D")
    first_days = local_days(met["end"], tz)
    cal = business_calendar(country, [base_days, intro_days, first_days], day, ahead=14)

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
        days = local_days(pd.Series(moments, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz)
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
                                   local_days(pd.Series(g_plan_end[pend]), tz)]),
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
    due_at = utc_moments(_at_hour(derived["due_day"].astype("datetime64[D]"), tz))
    due_at[len(derived["key"]) - pend.sum():] = g_plan_end[pend]
    n_stored = int(f_open.sum())
    cids = np.concatenate([f_cid[f_open], derived["contact_id"]]).astype("int64")
    kinds = np.concatenate([f_kind[f_open], derived["kind"]])
    keys = np.concatenate(["followup:" + f_id[f_open].astype(str), derived["key"]])
    due_all = np.concatenate([f_due[f_open], due_at])
    names = name_of(cids)
    days = (local_days(pd.Series(due_all, dtype="datetime64[ns]").dt.tz_localize("UTC"), tz) - today64).astype(
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
        answered = first_answer_after(f_cid[r_all], r_from[r_all], evidence)
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
            "due_at": np.concatenate([f_due[counted], utc_moments(_at_hour(ra_day[ra_counted], tz)),
                                      utc_moments(_at_hour(u_day[u_counted], tz)), utc_moments(items["due_at"][now_open])]),
            "done_at": np.concatenate([f_done[counted], ra_done[ra_counted], u_done[u_counted],
                                       np.full(now_open.sum(), _NAT)]),
            "by_day": np.concatenate([np.zeros(counted.sum(), bool),
                                      np.ones(asks + u_counted.sum() + now_open.sum(), bool)]),
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

    return Plan(today=day, tz=tz, open=items, _history=history, _touch=touch)
