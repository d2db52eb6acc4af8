"""The workbook a person holds (the store plus the steps' everyday verbs), and the one setup call every notebook
starts with."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import pandas as pd

from infoview_kit.base.paths import moment, resolve_today
from infoview_kit.find import importing
from infoview_kit.find.importing import ImportReport
from infoview_kit.followup.due import due as due_items
from infoview_kit.interview import log
from infoview_kit.outreach import routine
from infoview_kit.research import facts
from infoview_kit.store import Store


class Workbook(Store):
    """A person's workbook: the data of :class:`~infoview_kit.store.Store` and the everyday verbs of
    the steps, each a delegation to the step function that holds its rules.

    Open it with ``Workbook.open(path)`` (``ik.Workbook.open``): see :meth:`Store.open`.
    """

    # ---------------------------------------------------------------- step 1: find
    def import_contacts(self, path: str | os.PathLike[str], *, fmt: str | None = None,
                        mapping: Mapping[str, str] | None = None, at: dt.datetime | str | None = None,
                        progress: bool = False) -> ImportReport:
        """Read a contacts export and store it; see :func:`infoview_kit.find.importing.import_contacts`."""
        return importing.import_contacts(self, path, fmt=fmt, mapping=mapping, at=at, progress=progress)

    def add_contact(self, first_name: str, last_name: str = "", *, email: str | None = None,
                    company: str | None = None, position: str | None = None,
                    profile_url: str | None = None, how_known: str | None = None,
                    where_found: str | None = None, notes: str | None = None,
                    referred_by: int | None = None, source: str = "manual",
                    at: dt.datetime | str | None = None) -> int:
        """Add a person; return their contact id. See :func:`infoview_kit.find.importing.add_contact`."""
        return importing.add_contact(self, first_name, last_name, email=email, company=company, position=position,
                                     profile_url=profile_url, how_known=how_known, where_found=where_found,
                                     notes=notes, referred_by=referred_by, source=source, at=at)

    def update_contact(self, contact_id: int, *, at: dt.datetime | str | None = None, **fields: Any) -> list[str]:
        """Edit a contact; return the fields that changed. See :func:`infoview_kit.find.importing.update_contact`."""
        return importing.update_contact(self, contact_id, at=at, **fields)

    def undo_merge(self, merge_id: int, *, at: dt.datetime | str | None = None) -> int | None:
        """Split a merged record back into a contact of its own; see :func:`infoview_kit.find.importing.undo_merge`."""
        return importing.undo_merge(self, merge_id, at=at)

    def export_contacts(self, path: str | os.PathLike[str]) -> Path:
        """Write every contact to ``.csv`` or ``.xlsx``; see :func:`infoview_kit.find.importing.export_contacts`."""
        return importing.export_contacts(self, path)

    # ---------------------------------------------------------------- step 2: research
    def common_ground(self, contact_id: int) -> pd.DataFrame:
        """Return what you and a contact have in common; see :func:`infoview_kit.research.facts.common_ground`."""
        return facts.common_ground_with(self, contact_id)

    # ---------------------------------------------------------------- step 3: outreach
    def mark_sent(self, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Mark a draft as sent; True if it was a draft. See :func:`infoview_kit.outreach.routine.mark_sent`."""
        return routine.mark_sent(self, message_id, at=at)

    def mark_replied(self, message_id: int, *, at: dt.datetime | str | None = None) -> bool:
        """Record a reply to a sent message; True if newly recorded.
        See :func:`infoview_kit.outreach.routine.mark_replied`."""
        return routine.mark_replied(self, message_id, at=at)

    # ---------------------------------------------------------------- step 4: the interview
    def log_meeting(self, meeting_id: int, *, actual_start: dt.datetime | str | None = None,
                    actual_end: dt.datetime | str | None = None, notes: str | None = None,
                    advice: str | None = None, next_steps: str | None = None, resources: str | None = None,
                    answers: Mapping[str, str] | None = None) -> None:
        """Record what happened at a meeting; see :func:`infoview_kit.interview.log.log_meeting`."""
        log.log_meeting(self, meeting_id, actual_start=actual_start, actual_end=actual_end, notes=notes,
                        advice=advice, next_steps=next_steps, resources=resources, answers=answers)

    # ---------------------------------------------------------------- step 5: follow up
    def due(self, today: dt.date | str | None = None, *, horizon_days: int = 7) -> pd.DataFrame:
        """Return every follow-up overdue, due, or coming up within `horizon_days`, with why;
        see :func:`infoview_kit.followup.due.due` for the rules and columns."""
        return due_items(self, today, horizon_days=horizon_days)


def setup(workbook: str = "", today: str | dt.date = "") -> tuple[Workbook, dt.date, dt.datetime]:
    """Open a notebook's workbook and the day it works as of: ``wb, today, now = ik.setup(workbook, today)``.

    `workbook` empty means the workbook these private copies belong to, else ``$INFOVIEW_WORKBOOK``, else
    the default (``data/private/workbook.sqlite``). `today` empty means the real today; a date given
    pins ``now`` to noon of that day in the profile's time zone, so a rerun writes the same timestamps.

    In a notebook, a path a cell returns shows as its text (``files/0034-outreach-Helen_Whitaker.eml``), not
    as ``PosixPath('...')``. It also lets pandas show text columns whole (``display.max_colwidth``): the
    notebooks' tables carry reasons, evidence and quoted words, which pandas would otherwise cut at 50
    characters, in JupyterLab and on the report's pages alike.
    """
    pd.set_option("display.max_colwidth", None)
    _paths_as_text()
    wb = Workbook.open(workbook)
    return wb, resolve_today(today), moment(today, wb.profile()["timezone"])


def _paths_as_text() -> None:
    """Show a path as its text in this notebook's outputs (IPython's plain-text formatter), when in one."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' kernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/plain"].for_type(
            PurePath, lambda path, printer, _cycle: printer.text(str(path)))
