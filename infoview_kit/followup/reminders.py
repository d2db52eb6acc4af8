"""Reminders in your calendar: one ``.ics`` entry per open follow-up, updated in place by a newer file."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from infoview_kit.followup.kinds import KIND_LABELS
from infoview_kit.followup.rules import plan_for
from infoview_kit.store.readmodel import Tables, context

log = logging.getLogger("infoview_kit")


def reminders(wb: Tables, today: dt.date | str | None = None) -> list[dict[str, Any]]:
    """Return one calendar reminder per open follow-up, for :func:`calendars.reminders_ics`.

    Each has ``uid`` (the follow-up's key without its ``@date``, so the next check-in with the same
    person moves the same entry, and a newer file updates it instead of adding one), ``due``
    (its due time; an overdue one is put on today's date), ``summary``, ``description`` and
    ``sequence`` (the day number of `today`, so a later file always wins).
    """
    plan = plan_for(wb, today)
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

    tz, _country, day, _cut = context(wb, today)
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
