"""The workbook a person holds, and the one setup call every notebook starts with."""

from __future__ import annotations

import datetime as dt

from infoview_kit.base.paths import moment, resolve_today
from infoview_kit.store import Workbook


def setup(workbook: str = "", today: str | dt.date = "") -> tuple[Workbook, dt.date, dt.datetime]:
    """Open a notebook's workbook and the day it works as of: ``wb, today, now = ik.setup(workbook, today)``.

    `workbook` empty means the workbook these private copies belong to, else ``$INFOVIEW_WORKBOOK``, else
    the default (``data/private/workbook.sqlite``). `today` empty means the real today; a date given
    pins ``now`` to noon of that day in the profile's time zone, so a rerun writes the same timestamps.
    """
    wb = Workbook.open(workbook)
    return wb, resolve_today(today), moment(today, wb.profile()["timezone"])
