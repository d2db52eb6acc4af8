"""What had happened by the end of a day, as arrays the follow-up rules read: people, messages, meetings, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from infoview_kit.followup.kinds import ROUTINE
from infoview_kit.store.readmodel import Tables, utc_moments

NAT = np.datetime64("NaT", "ns")


def text_array(values: pd.Series) -> np.ndarray:
    """Text that is never missing (kinds, statuses) as an object array."""
    return values.to_numpy(dtype=object)


def id_array(values: pd.Series) -> np.ndarray:
    """Ids (Int64 with NA) as float64 with NaN, for numpy lookups."""
    return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def first_per(keys: np.ndarray, values: np.ndarray, how: str = "min") -> pd.Series:
    """The min (or max) of `values` per key, as a Series indexed by key."""
    if not len(keys):
        return pd.Series(values[:0], index=pd.Index(keys[:0]), dtype=values.dtype)
    grouped = pd.Series(values, index=keys).groupby(level=0)
    return grouped.min() if how == "min" else grouped.max()


def take(table: pd.Series, keys: np.ndarray) -> np.ndarray:
    """``table[keys]`` with a missing key as NA/NaT, keeping the table's dtype."""
    return table.reindex(keys).to_numpy()


@dataclass
class People:
    """The people added by the end of the day: ids, names, companies, who introduced them, when added."""

    table: pd.DataFrame  # the contacts as read (checkin_days is looked up there)
    index: pd.Index
    first: np.ndarray  # first names, companies and last names end with NA: the entry of an unknown id
    last: np.ndarray
    company: np.ndarray
    referred_by: np.ndarray  # float ids, NaN for none
    created: np.ndarray
    active: np.ndarray  # the ids not excluded

    def name_of(self, ids: np.ndarray) -> np.ndarray:
        """The full name of each id ("" for an unknown one)."""
        pos = self.index.get_indexer(ids)
        first, last = self.first[pos], self.last[pos]
        first = np.where(pd.isna(first), "", first)
        last = np.where(pd.isna(last), "", last)
        both = np.where(first == "", last, np.where(last == "", first, first + " " + last))
        return both.astype(object)

    def first_of(self, ids: np.ndarray) -> np.ndarray:
        """The first name of each id, else the full name."""
        first = self.first[self.index.get_indexer(ids)]
        first = np.where(pd.isna(first), "", first)
        return np.where(first == "", self.name_of(ids), first).astype(object)


def people_then(t: Tables, cut64: np.datetime64) -> People:
    """The people added before `cut64` (naive UTC)."""
    people = t.contacts()
    created = utc_moments(people["created_at"])
    keep = created < cut64
    index = pd.Index(people["id"].to_numpy()[keep])
    first, last, company = (np.append(people[c].to_numpy(dtype=object)[keep], pd.NA)  # [-1]: unknown
                            for c in ("first_name", "last_name", "company"))
    return People(table=people, index=index, first=first, last=last, company=company,
                  referred_by=id_array(people["referred_by"])[keep], created=created[keep],
                  active=index.to_numpy()[~people["excluded"].to_numpy(dtype=bool)[keep]])


@dataclass
class Messages:
    """Messages as they stood: sent and replied moments after the day are NaT."""

    id: np.ndarray
    cid: np.ndarray
    kind: np.ndarray
    sent: np.ndarray
    replied: np.ndarray
    sent_ok: np.ndarray
    replied_ok: np.ndarray

    def sent_of(self, message_ids: np.ndarray) -> np.ndarray:
        """When each message (by float id) was sent (NaT: not by then, or no such message)."""
        return take(pd.Series(self.sent, index=self.id), message_ids)


def messages_then(t: Tables, cut64: np.datetime64) -> Messages:
    """The messages, as they stood before `cut64`."""
    msgs = t.messages()
    sent, replied = utc_moments(msgs["sent_at"]), utc_moments(msgs["replied_at"])
    sent = np.where(sent < cut64, sent, NAT)
    replied = np.where(replied < cut64, replied, NAT)
    return Messages(id=msgs["id"].to_numpy(), cid=msgs["contact_id"].to_numpy(), kind=text_array(msgs["kind"]),
                    sent=sent, replied=replied, sent_ok=~np.isnat(sent), replied_ok=~np.isnat(replied))


@dataclass
class Interactions:
    """Exchanges with contacts a sync of the mailbox recorded (besides sendings and replies), before the day."""

    cid: np.ndarray
    at: np.ndarray
    incoming: np.ndarray  # from them: an answer


def interactions_then(t: Tables, cut64: np.datetime64) -> Interactions:
    """The exchanges a sync recorded (:meth:`Store.interactions`), before `cut64`."""
    x = t.interactions()
    at = utc_moments(x["at"])
    keep = at < cut64
    return Interactions(cid=x["contact_id"].to_numpy(dtype="int64")[keep], at=at[keep],
                        incoming=x["incoming"].to_numpy(dtype=bool)[keep])


@dataclass
class Meetings:
    """Meetings as they stood: held means held and ended by then."""

    id: np.ndarray
    cid: np.ndarray
    status: np.ndarray
    end: np.ndarray  # actual end
    start: np.ndarray  # planned start
    plan_end: np.ndarray  # planned start plus the minutes asked for
    held: np.ndarray


def meetings_then(t: Tables, cut64: np.datetime64) -> Meetings:
    """The meetings, as they stood before `cut64`."""
    mt = t.meetings()
    status, end, start = text_array(mt["status"]), utc_moments(mt["actual_end"]), utc_moments(mt["starts_at"])
    return Meetings(id=mt["id"].to_numpy(), cid=mt["contact_id"].to_numpy(), status=status, end=end, start=start,
                    plan_end=start + mt["duration_min"].to_numpy("int64").astype("timedelta64[m]"),
                    held=(status == "held") & (end < cut64))


@dataclass
class Followups:
    """Stored follow-ups as they stood: which existed, which were open, closed, skipped, done."""

    id: np.ndarray
    cid: np.ndarray
    kind: np.ndarray
    due: np.ndarray  # or the snoozed-until moment, when later
    done: np.ndarray  # NaT when not done by then
    msg: np.ndarray  # float ids
    meet: np.ndarray
    reason: np.ndarray
    exists: np.ndarray  # there by then (its person added, its email sent, its meeting held)
    open: np.ndarray
    closed: np.ndarray
    skipped: np.ndarray  # closed on purpose without doing it: settles it, never counts as done
    did: np.ndarray  # closed and not skipped


def followups_then(t: Tables, cut64: np.datetime64, people: People, m: Messages, g: Meetings) -> Followups:
    """The stored follow-ups, as they stood before `cut64` (the no-reply routine not yet settled by answers)."""
    fu = t.followups()
    cid, kind = fu["contact_id"].to_numpy(), text_array(fu["kind"])
    due, done = utc_moments(fu["due_at"]), utc_moments(fu["done_at"])
    snooze = utc_moments(fu["snoozed_until"]) if "snoozed_until" in fu else np.full(len(fu), NAT)
    due = np.where(snooze > due, snooze, due)  # a snoozed follow-up is not due before then
    skip = fu["skipped"].to_numpy(dtype=bool) if "skipped" in fu else np.zeros(len(fu), bool)
    msg, meet = id_array(fu["message_id"]), id_array(fu["meeting_id"])
    exists = np.isin(cid, people.index.to_numpy())  # a person added after `today` was not there yet
    routine = np.isin(kind, ROUTINE) & ~np.isnan(msg)
    exists[routine] &= m.sent_of(msg[routine]) < cut64
    thanks = (kind == "thank_you") & ~np.isnan(meet)
    exists[thanks] &= take(pd.Series(g.end, index=g.id), meet[thanks]) < cut64
    done = np.where(done < cut64, done, NAT)
    is_open, closed = exists & np.isnat(done), exists & ~np.isnat(done)
    # a stored "log the meeting" is settled once the meeting is logged or cancelled (a snoozed one stays stored)
    is_open &= ~((kind == "log_meeting") & np.isin(meet, g.id[g.held | (g.status == "cancelled")]))
    return Followups(id=fu["id"].to_numpy(), cid=cid, kind=kind, due=due, done=done, msg=msg, meet=meet,
                     reason=text_array(fu["reason"]), exists=exists, open=is_open, closed=closed,
                     skipped=closed & skip, did=closed & ~skip)
