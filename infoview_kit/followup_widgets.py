"""The follow-up board (ipywidgets): what is due, with a Done and a Draft button per row; a view only."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from . import followups
from .exceptions import InfoviewError
from .widgets import run_with_status

if TYPE_CHECKING:
    from .store import Workbook

_STATUS_COLOUR = {"overdue": "#b00020", "due": "#8a5a00", "upcoming": "#00703c"}


def _css(key: str) -> str:
    """A CSS class name for a follow-up key, e.g. 'followup:11' -> 'infoview-key-followup-11'."""
    return "infoview-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


class FollowupBoard:
    """What is due (:func:`followups.due`), one row per follow-up, oldest first.

    Each row has a **Done** button (:func:`followups.mark_done`: recorded in the events log, and
    the row leaves the board) and, when a template writes it, a **Draft** button
    (:func:`followups.draft_due`: saved in the workbook, and an ``.eml`` file in `out_dir`).
    The status line shows what happened, or the error.

    Parameters
    ----------
    wb
        The workbook.
    today
        The date to judge by (None: the real today).
    now
        When a follow-up marked done was done (None: the real now).
    out_dir
        Where drafts are written as ``.eml`` files (None: saved in the workbook only).
    horizon_days
        How many days ahead the board looks.
    limit
        At most this many rows are shown (the rest are counted).
    """

    def __init__(self, wb: Workbook, today: dt.date | str | None = None, *, now: dt.datetime | None = None,
                 out_dir: str | os.PathLike[str] | None = None, horizon_days: int = 7, limit: int = 40) -> None:
        self._wb = wb
        self._today = today
        self._now = now
        self._out_dir = out_dir
        self._horizon = horizon_days
        self._limit = limit
        self._items = pd.DataFrame(columns=followups.DUE_COLUMNS)
        # controls
        self._title = w.HTML()
        self._rows = w.VBox()
        self._more = w.HTML()
        self._refresh = w.Button(description="Refresh", icon="refresh", tooltip="Read the workbook again")
        self._status = w.HTML()
        # layout
        self._root = w.VBox([self._title, self._rows, self._more, self._refresh, self._status])
        self._root.add_class("infoview-board")
        # observers
        self._refresh.on_click(lambda _b: self._run(self.refresh))
        self.refresh()

    # ------------------------------------------------------------------ what it holds
    @property
    def items(self) -> pd.DataFrame:
        """The follow-ups on the board (the columns of :func:`followups.due`)."""
        return self._items

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return str(self._status.value)

    # ------------------------------------------------------------------ what the buttons do
    def refresh(self) -> str:
        """Read what is due again and redraw the rows; return the message for the status line."""
        self._items = followups.due(self._wb, self._today, horizon_days=self._horizon)
        shown = self._items.head(self._limit)
        self._rows.children = [self._row(item) for item in shown.to_dict("records")]
        left = len(self._items) - len(shown)
        self._more.value = f"<i>and {left} more: mark these done first.</i>" if left else ""
        counts = self._items["status"].value_counts()
        self._title.value = (f"<b>Follow-ups</b>: {counts.get('overdue', 0)} overdue, {counts.get('due', 0)} due "
                             f"today, {counts.get('upcoming', 0)} in the next {self._horizon} days"
                             if len(self._items) else "<b>Follow-ups</b>: nothing is due. Well done.")
        return f"{len(self._items)} follow-ups listed."

    def mark_done(self, key: str) -> str:
        """Mark one follow-up done (it leaves the board); return the message for the status line."""
        row = self._items[self._items["key"] == key]
        followups.mark_done(self._wb, key, at=self._now, today=self._today)
        self.refresh()
        what = (f"{followups.KIND_LABELS.get(str(row['kind'].iloc[0]), row['kind'].iloc[0])} for {row['name'].iloc[0]}"
                if len(row) else key)
        return f"Done: {what}."

    def draft(self, key: str) -> str:
        """Draft the message one follow-up asks for; return the message for the status line."""
        drafts = followups.draft_due(self._wb, self._today, self._out_dir, keys=[key], at=self._now)
        if drafts.empty:
            raise InfoviewError(f"nothing to draft for {key}: no template writes this follow-up")
        d = drafts.iloc[0]
        where = f" Saved as {d['eml']}." if pd.notna(d["eml"]) else " Saved in your workbook."
        blanks = f" Fill in: {d['missing']}." if d["missing"] else ""
        return f"Draft {int(d['message_id'])} for {d['name']}: \u201c{d['subject']}\u201d.{where}{blanks}"

    # ------------------------------------------------------------------ drawing
    def _row(self, item: dict[str, Any]) -> w.HBox:
        esc = html.escape
        status, key = str(item["status"]), str(item["key"])
        when = item["due_at"].strftime("%a %d %b %H:%M")
        label = followups.KIND_LABELS.get(str(item["kind"]), str(item["kind"]))
        text = w.HTML(f'<span style="color:{_STATUS_COLOUR.get(status, "#333")}"><b>{esc(status)}</b></span> '
                      f"· {esc(when)} · <b>{esc(str(item['name']))}</b> · {esc(label)}<br>"
                      f"<small>{esc(str(item['why']))}</small>", layout={"width": "44rem"})
        done = w.Button(description="Done", icon="check", button_style="success", layout={"width": "6rem"},
                        tooltip="Mark it done: it is recorded and leaves the list")
        done.on_click(lambda _b: self._run(lambda: self.mark_done(key)))
        buttons: list[w.Widget] = [done]
        if pd.notna(item["template"]):
            draft = w.Button(description="Draft", icon="envelope", layout={"width": "6rem"},
                             tooltip="Write the draft from your workbook")
            draft.on_click(lambda _b: self._run(lambda: self.draft(key)))
            buttons.append(draft)
        row = w.HBox([text, w.HBox(buttons, layout={"width": "13rem"})])
        row.add_class("infoview-due-row")
        row.add_class(_css(key))
        return row

    def _run(self, action: Callable[[], str]) -> None:
        run_with_status(self._status, action)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._root._repr_mimebundle_(**kwargs)
