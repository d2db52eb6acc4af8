"""The files a person takes away from step 4: calendar files, briefs, and the thank-you and
referral-ask drafts as ``.eml`` files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from infoview_kit.base.text import utc
from infoview_kit.interview.brief import write_brief
from infoview_kit.interview.closing import Closing
from infoview_kit.interview.schedule import meeting_calendar
from infoview_kit.outreach.drafting import export_eml, mailto_for

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = ["export_meeting_files", "take_away_files"]


def export_meeting_files(wb: Store, out_dir: str | os.PathLike[str], *, now: dt.datetime,
                         meeting_id: int | None = None) -> list[Path]:
    """Write the files a person takes away from step 4 into `out_dir`; return their paths.

    - a calendar file for every proposed or confirmed meeting from a week ago on, and a
      cancellation for every cancelled meeting still ahead;
    - a brief for `meeting_id` and for every confirmed meeting ahead;
    - an ``.eml`` for every open thank-you and referral-ask draft.
    """
    paths: list[Path] = []
    stamp = utc(now)
    meetings = wb.meetings()
    for row in meetings.to_dict("records"):
        mid, status, ahead = int(row["id"]), row["status"], row["starts_at"] >= pd.Timestamp(stamp)
        recent = row["starts_at"] >= pd.Timestamp(stamp - dt.timedelta(days=7))
        if (status in ("proposed", "confirmed") and recent) or (status == "cancelled" and ahead):
            paths.append(meeting_calendar(wb, mid, out_dir, dtstamp=stamp))
        if mid == meeting_id or (status == "confirmed" and ahead):
            paths.append(write_brief(wb, mid, out_dir))
    msgs = wb.messages()
    drafts = msgs[(msgs["status"] == "draft") & msgs["kind"].isin(["thank_you", "referral_ask"])]
    paths += [export_eml(wb, int(i), out_dir) for i in drafts["id"]]
    return paths


def take_away_files(wb: Store, out_dir: str | os.PathLike[str] | None, *, now: dt.datetime,
                    meeting_id: int | None = None, closing: Closing | None = None) -> str:
    """Hand over step 4's files: with `out_dir` (a report run), write them
    (:func:`export_meeting_files`) and return their names, one a line ("Nothing to write yet." when
    there are none); without, the ``mailto:`` link of the thank-you `closing` drafted, else ""."""
    if out_dir:
        files = export_meeting_files(wb, out_dir, now=now, meeting_id=meeting_id)
        return "\n".join(f.name for f in files) or "Nothing to write yet."
    if closing is not None and closing.thank_you:
        return mailto_for(wb, closing.thank_you)
    return ""
