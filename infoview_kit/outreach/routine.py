"""Sending a draft: the checks before it (no blank left, at most two attempts per person) and the
3-/7-business-day no-reply routine after a first email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from infoview_kit.base.bizdays import nudge_schedule
from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import blanks_in
from infoview_kit.store import Store, utc_iso

#: The no-reply routine after a first email: a second person at business day 3, one nudge at day 7.
ROUTINE_KINDS = ("second_contact", "nudge")


def mark_sent(wb: Store, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
    """Mark a draft as sent (by you, from your own mail client); True if it was a draft.

    A first email (outreach) starts the no-reply routine (:func:`schedule_no_reply_routine`), in the
    same transaction. What sending records is :meth:`~infoview_kit.store.Store.record_sent`.

    Raises
    ------
    InputFormatError
        If the draft still has an unfilled blank such as ``[their_accomplishment]``, or it is a
        second nudge to someone (never more than two attempts per person).
    """
    msg = wb.message(message_id)
    if msg["status"] != "draft":
        return False
    check_sendable(wb, msg)
    stamp = utc_iso(at)
    with wb.transaction():
        wb.record_sent(message_id, at=stamp)
        if msg["kind"] == "outreach":
            schedule_no_reply_routine(wb, msg["contact_id"], message_id, stamp)
    return True


def mark_replied(wb: Store, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
    """Record that the contact replied to a sent message; True if newly recorded.

    A reply settles the no-reply routine: its open second contact and nudge are closed, in the same
    transaction (what is recorded is :meth:`~infoview_kit.store.Store.record_replied`).

    Raises
    ------
    InputFormatError
        If the message is still a draft (mark it sent first).
    """
    def settle(msg: dict[str, Any], stamp: str) -> None:
        wb.close_followups(msg["contact_id"], ROUTINE_KINDS, at=stamp)

    return wb.record_replied(message_id, at=at, then=settle)


def check_sendable(wb: Store, msg: dict[str, Any]) -> None:
    """Refuse to send a draft (a row of :meth:`~infoview_kit.store.Store.message`) that still has a
    blank to fill, or that would be a third attempt: a second nudge after the same first email.

    Raises
    ------
    InputFormatError
        Saying which blanks are left, or that one nudge was sent already.
    """
    blanks = blanks_in(msg["subject"] + "\n" + msg["body"])
    if blanks:
        raise InputFormatError(f"Not marked sent: fill {', '.join(f'[{b}]' for b in blanks)} first "
                               "(the draft is saved and stays a draft; it still has blanks to fill).")
    if msg["kind"] == "nudge" and _nudged_since_first_email(wb, msg["contact_id"]):
        raise InputFormatError(f"message {msg['id']}: one nudge was sent already; never more than two "
                               "attempts per person (the first email and one nudge). Try someone else there")


def _nudged_since_first_email(wb: Store, contact_id: int) -> bool:
    """True if a nudge to the person was sent after the last first email sent to them (or at all,
    when no first email was)."""
    sent = wb.messages(contact_id)
    sent = sent[(sent["status"] != "draft").to_numpy(dtype=bool)]
    kinds = sent["kind"].to_numpy(dtype=object)
    last_first = sent["sent_at"][kinds == "outreach"].max()
    nudges = sent["sent_at"][kinds == "nudge"]
    later = nudges.notna() if pd.isna(last_first) else nudges > last_first
    return bool(later.any())


def schedule_no_reply_routine(wb: Store, contact_id: int, message_id: int, sent_at: str) -> None:
    """Schedule business days 3 and 7 after a first email (weekends and the user's public holidays
    skipped, in the user's time zone; see :func:`infoview_kit.base.bizdays.nudge_schedule`): write to
    a second person at the same employer, then one short follow-up, the last attempt."""
    profile = wb.profile()
    company = wb.contact(contact_id).get("company") or "the same employer"
    reasons = {
        "second_contact": f"No reply after 3 business days: write to a second person at {company} "
                          "(not a nudge to the first).",
        "nudge": "No reply after 7 business days: send one short follow-up, the last attempt.",
    }
    sent = dt.datetime.fromisoformat(sent_at)
    for kind, due in nudge_schedule(sent, country=profile.get("country") or "US",
                                    tz=profile.get("timezone") or "UTC"):
        wb.add_followup(contact_id, kind, utc_iso(due), reasons[kind], message_id=message_id)
