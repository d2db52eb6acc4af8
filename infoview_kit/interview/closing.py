"""Closing the loop after a held meeting: the thank-you drafted from the log (due 24 hours after the
end) and, unless they suggested people, the referral ask drafted for the next business week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.bizdays import next_business_week_start
from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import utc
from infoview_kit.interview.clock import thank_you_due
from infoview_kit.outreach.checks import check
from infoview_kit.outreach.drafting import compose

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = [
    "REFERRAL_ASK_HOUR", "Closing", "after_meeting", "close_the_loop", "closing_note", "meeting_followups",
    "meeting_thank_you", "referral_ask_due", "thank_you_check",
]

#: Local hour at which the referral ask of the next business week falls due.
REFERRAL_ASK_HOUR = 9


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


def referral_ask_due(meeting_end: dt.datetime, *, country: str = "US", tz: str = "UTC") -> dt.datetime:
    """Return when to ask for a referral: :data:`REFERRAL_ASK_HOUR` o'clock local time on the first
    business day of the week after the meeting (public holidays of `country` skipped).

    The method's two-part close: no referral ask during the meeting; a short note the next
    business week asks for it, if it fits.
    """
    zone = ZoneInfo(tz)
    day = next_business_week_start(utc(meeting_end).astimezone(zone).date(), country)
    return dt.datetime.combine(day, dt.time(REFERRAL_ASK_HOUR), tzinfo=zone)


def close_the_loop(wb: Store, meeting_id: int, *, at: dt.datetime | str | None = None) -> Closing:
    """After a held meeting: draft the thank-you from the log (due 24 hours after the end, as
    the follow-up the store added), and plan the referral ask for the next business week with
    its draft, unless they already suggested people.

    Nothing is drafted twice, and nothing is drafted again once it was sent.

    Raises
    ------
    InputFormatError
        If the meeting is not logged as held yet.
    """
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


def meeting_followups(wb: Store, meeting_id: int | None) -> pd.DataFrame:
    """Return the follow-ups of a meeting (thank-you, referral ask), due times in its time zone.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Workbook.followups`: id, contact_id, name, kind, due_at, done_at
        (datetime64 in the meeting's time zone), reason, message_id, meeting_id; no rows when
        `meeting_id` is None (none chosen yet).
    """
    if meeting_id is None:
        return wb.followups().iloc[:0]
    tz = wb.meeting(meeting_id)["timezone"]
    fu = wb.followups()
    mine = fu[fu["meeting_id"].eq(int(meeting_id)).fillna(False).astype(bool)].reset_index(drop=True)
    return mine.assign(due_at=mine["due_at"].dt.tz_convert(tz), done_at=mine["done_at"].dt.tz_convert(tz))


def _sent_since(wb: Store, contact_id: int, kind: str, since: dt.datetime) -> bool:
    msgs = wb.messages(contact_id)
    sent = msgs[(msgs["kind"] == kind) & msgs["sent_at"].notna()]
    return bool((sent["sent_at"] >= pd.Timestamp(utc(since))).any())


def meeting_thank_you(wb: Store, meeting_id: int) -> dict[str, Any] | None:
    """Return the meeting's newest thank-you (a draft, or sent) as :meth:`Workbook.message` gives it,
    or None. A thank-you without a meeting counts once the meeting ended; one sent before the end
    thanked an earlier meeting."""
    m = wb.meeting(meeting_id)
    msgs = wb.messages(int(m["contact_id"]))
    ours = msgs["meeting_id"].eq(int(meeting_id)).fillna(False).astype(bool)
    mine = msgs[(msgs["kind"] == "thank_you") & (ours | (msgs["meeting_id"].isna() & bool(m["actual_end"])))]
    if m["actual_end"]:
        mine = mine[mine["sent_at"].isna() | (mine["sent_at"] >= pd.Timestamp(m["actual_end"]))]
    if mine.empty:
        return None
    return wb.message(int(mine["id"].iloc[-1]))


# ------------------------------------------------------------------------ the notebook's path


def after_meeting(wb: Store, meeting_id: int | None, *, at: dt.datetime | str | None = None) -> Closing | None:
    """Close the loop (:func:`close_the_loop`) when the meeting is held; None when it is not held
    yet or `meeting_id` is None (none chosen yet)."""
    if meeting_id is None or wb.meeting(meeting_id)["status"] != "held":
        return None
    return close_the_loop(wb, meeting_id, at=at)


def closing_note(wb: Store, meeting_id: int | None, closing: Closing | None) -> str:
    """Say what :func:`after_meeting` gave: the thank-you draft's text, that it was already sent, or
    that the meeting is not held yet; "" when `meeting_id` is None."""
    if closing is not None:
        return wb.message(closing.thank_you)["body"] if closing.thank_you else "Thank-you already sent."
    if meeting_id is None:
        return ""
    return "Not held yet: stop the timer, or log the end time, and the thank-you is drafted below."


def thank_you_check(wb: Store, closing: Closing | None) -> str:
    """Return the check of the thank-you draft (:func:`outreach.checks.check` with the follow-up
    rules): its score out of 100, then each fix on a line; "" when nothing was drafted."""
    if closing is None or not closing.thank_you:
        return ""
    thanks = wb.message(closing.thank_you)
    checked = check((thanks["subject"], thanks["body"]), rules="followup")
    return "\n".join([f"score {checked.score}/100", *checked.fixes])
