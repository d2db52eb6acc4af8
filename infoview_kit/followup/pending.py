"""What is open for whom: the open follow-ups read once per change of the workbook (one reading shared by
the follow-up board and every composer), and one person's reminders and next step."""

from __future__ import annotations

import datetime as dt
import html
import weakref
from typing import TYPE_CHECKING, Any

import pandas as pd

from infoview_kit.base.paths import resolve_today
from infoview_kit.followup.due import open_followups
from infoview_kit.followup.kinds import KIND_LABELS
from infoview_kit.outreach.messages import KIND_LABELS as MESSAGE_LABELS
from infoview_kit.outreach.messages import message_kind, zone_of

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = ["next_html", "next_step", "open_items", "reminder_line", "reminders_for", "step_of", "write_next_label"]

_PLANS: weakref.WeakKeyDictionary[Store, tuple[tuple[Any, ...], dt.date, pd.DataFrame]] = \
    weakref.WeakKeyDictionary()


def open_items(wb: Store, today: dt.date | str | None = None, *, fresh: bool = False) -> pd.DataFrame:
    """Return :func:`rules.open_followups`, computed again only when a contact, a follow-up or the
    activity log changed (:meth:`Workbook.changes`) or the day did, so the board and every composer
    share one reading, and writes that change none of it (who is current, a question plan, a draft's
    text) cost nothing here.

    Parameters
    ----------
    wb
        The workbook.
    today
        The local date (None: the real today in the profile's time zone).
    fresh
        Read again whatever was read before (another program may have written to the file).
    """
    day = (resolve_today(today) if today is not None and not (isinstance(today, str) and not today.strip())
           else dt.datetime.now(zone_of(wb)).date())
    seen = wb.changes()
    hit = _PLANS.get(wb)
    if hit is not None and not fresh and hit[0] == seen and None not in seen and hit[1] == day:
        return hit[2]
    items = open_followups(wb, day)
    _PLANS[wb] = (seen, day, items)
    return items


def reminders_for(wb: Store, contact_id: int | None, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return a person's open follow-ups, as the follow-up board lists them (the 3- and 7-business-day
    routine once a first email is sent, the thank-you, updates, check-ins; a reply settles the routine).

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        The contact; None (nobody chosen yet) gives no rows.
    today
        The local date (None: the real today).

    Returns
    -------
    pandas.DataFrame
        Columns: kind, due_at (local time), reason; the order of :func:`rules.open_followups`
        (overdue first, then by due time).
    """
    if contact_id is None:
        return pd.DataFrame(columns=["kind", "due_at", "reason"])
    items = open_items(wb, today)
    mine = items[items["contact_id"] == contact_id]
    return mine[["kind", "due_at", "why"]].rename(columns={"why": "reason"}).reset_index(drop=True)


def step_of(items: pd.DataFrame) -> dict[str, Any] | None:
    """The first of a person's open follow-ups (rows of :func:`open_items`) as a next step, or None.

    Returns
    -------
    dict or None
        key, kind, label (what to do), template (the template that writes it, or None),
        due_at (local time), days (due date minus today: 0 or less when it is due), why.
    """
    if items.empty:
        return None
    item = items.iloc[0]
    template = item["template"]
    return {"key": str(item["key"]), "kind": str(item["kind"]),
            "label": KIND_LABELS.get(str(item["kind"]), str(item["kind"])),
            "template": None if pd.isna(template) else str(template), "due_at": item["due_at"],
            "days": int(item["days"]), "why": str(item["why"])}


def next_step(wb: Store, contact_id: int, today: dt.date | str | None = None) -> dict[str, Any] | None:
    """Return the next follow-up open for a person (:func:`rules.open_followups`), or None (see
    :func:`step_of`)."""
    items = open_followups(wb, today)
    return step_of(items[items["contact_id"] == contact_id])


def reminder_line(items: pd.DataFrame) -> str:
    """Say a person's open follow-ups (rows of :func:`open_items`): "Reminders: Send a nudge on Tue 10 Nov."
    ("" when none)."""
    if items.empty:
        return ""
    return "Reminders: " + "; ".join(f"{KIND_LABELS.get(str(k), str(k))} on {d:%a %d %b}"
                                     for k, d in zip(items["kind"], items["due_at"], strict=True)) + "."


def next_html(step: dict[str, Any] | None, *, msgs: pd.DataFrame, stage: str | None, read_only: bool) -> str:
    """Say what is next for a person, as the composer shows it (HTML).

    Parameters
    ----------
    step
        Their next step (:func:`step_of`), or None.
    msgs
        Their messages (:meth:`Workbook.messages`).
    stage
        The furthest stage they reached (:func:`messages.stage_of`).
    read_only
        True when the message shown was sent.
    """
    if step is None:
        sent = msgs[msgs["status"] != "draft"]
        replied = (msgs["status"] == "replied").any()
        return ("" if sent.empty or not read_only else
                "<b>Next:</b> they replied: propose a time to meet (notebook 04)." if replied and
                stage in ("replied", None) else "<b>Next:</b> nothing is due for them now.")
    when = f"{step['due_at']:%a %d %b}"
    return (f"<b>{'Due now' if step['days'] <= 0 else 'Next'}:</b> {html.escape(step['label'])} "
            f"({'since' if step['days'] < 0 else 'on'} {when}). <small>{html.escape(step['why'])}</small>")


def write_next_label(step: dict[str, Any] | None, *, kind: str, read_only: bool) -> str | None:
    """The label of the composer's "Write the ..." button when the next step is due now and is written from
    a template other than the message being edited; None otherwise."""
    template = step["template"] if step else None
    if step is None or step["days"] > 0 or not template or (kind == message_kind(template) and not read_only):
        return None
    return f"Write the {MESSAGE_LABELS.get(message_kind(template), template)}"
