"""The follow-up board (ipywidgets): what is due, with Done, Snooze, Skip, Draft and They replied per row; a view."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ipywidgets as w
import pandas as pd

from infoview_kit import followup as followups
from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.followup.pending import open_items
from infoview_kit.outreach import drafting
from infoview_kit.outreach.messages import KIND_LABELS, NO_REPLY_KINDS, person_name, reply_line
from infoview_kit.views.forms import _STYLE, run_with_status, watch
from infoview_kit.views.outreach import Composer

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

_STATUS_COLOUR = {"overdue": "#b00020", "due": "#8a5a00", "upcoming": "#00703c"}


def _css(key: str) -> str:
    """A CSS class name for a follow-up key, e.g. 'followup:11' -> 'infoview-key-followup-11'."""
    return "infoview-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _day(stamp: Any, zone: ZoneInfo) -> str:
    moment = pd.Timestamp(stamp)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
    return f"{moment.tz_convert(zone):%a %d %b}"


class FollowupBoard:
    """What is due (:func:`followups.due`), one row per follow-up, oldest first; it re-reads after any
    write to the workbook (:meth:`Workbook.on_change`), from any view.

    Each row has **Done** (:func:`followups.mark_done`: it counts as done, and leaves the board),
    **Snooze** (:func:`followups.snooze`, to the day chosen above the rows: by default the next
    business day), **Skip** (:func:`followups.skip`: closed, not done), **Draft** when a template
    writes it (:func:`followups.draft_due`, then the message opens in a :class:`composer.Composer`
    under the board: text, live check, ``.eml``, ``mailto:``, Sent), and **They replied** on the
    no-reply routine (second contact, nudge: :func:`drafting.record_reply`, on the day chosen above
    the rows). Every status line is read back from the workbook.

    Parameters
    ----------
    wb
        The workbook.
    today
        The date to judge by (None: the real today).
    now
        When something is done (None: the real now).
    out_dir
        Where drafts are written as ``.eml`` files (None: saved in the workbook, with a download
        link in the composer).
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
        self._out_dir = out_dir or None
        self._horizon = horizon_days
        self._limit = limit
        self._items = pd.DataFrame(columns=followups.DUE_COLUMNS)
        self._cache: dict[str, tuple[tuple[Any, ...], w.HBox]] = {}
        self.composer: Composer | None = None
        zone = ZoneInfo(wb.profile().get("timezone") or "UTC")
        day = (self._now.astimezone(zone).date() if self._now is not None and self._now.tzinfo else
               pd.Timestamp(today).date() if today not in (None, "") else dt.datetime.now(zone).date())
        # controls
        self._title = w.HTML()
        self._reply_on = w.DatePicker(description="They replied on", value=day, style=_STYLE,
                                      layout={"width": "20rem"})
        self._snooze_to = w.DatePicker(description="Snooze until", value=followups.next_business_day(wb, day),
                                       style=_STYLE, layout={"width": "20rem"})
        self._rows = w.VBox()
        self._more = w.HTML()
        self._refresh = w.Button(description="Refresh", icon="refresh", tooltip="Read the workbook again")
        self._status = w.HTML()
        self._status.add_class("infoview-status")
        self._under = w.VBox()  # the composer of a Draft
        # layout
        self._root = w.VBox([self._title, w.HBox([self._snooze_to, self._reply_on]), self._status, self._rows,
                             self._more, self._refresh, self._under])
        self._root.add_class("infoview-board")
        # observers
        self._refresh.on_click(lambda _b: self._run(self.refresh))
        self.refresh()
        self._unwatch = watch(self._root, wb, self._reload)

    # ------------------------------------------------------------------ what it holds
    @property
    def items(self) -> pd.DataFrame:
        """The follow-ups on the board (the columns of :func:`followups.due`)."""
        return self._items

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return str(self._status.value)

    def buttons(self, key: str) -> dict[str, w.Button]:
        """The buttons of the row for `key`, by label (as a person sees them)."""
        row = self._cache.get(key)
        if row is None:
            raise InputFormatError(f"no row {key!r} on the board")
        return {b.description: b for b in row[1].children[1].children}

    # ------------------------------------------------------------------ what the buttons do
    def refresh(self, *, fresh: bool = True) -> str:
        """Read what is due again and redraw the rows; return the message for the status line.

        With ``fresh=False`` (after a write in this kernel), what the composer already read after that
        same write is used (:func:`composer.open_items`)."""
        if self._horizon < 0:
            raise InputFormatError(f"horizon_days = {self._horizon}: expected 0 or more days")
        items = open_items(self._wb, self._today, fresh=fresh)
        self._items = items[items["days"] <= self._horizon].reset_index(drop=True)
        shown = self._items.head(self._limit)
        current = self._wb.current()["contact_id"]
        rows, cache = [], {}
        for item in shown.to_dict("records"):
            key = str(item["key"])
            sig = (item["status"], str(item["due_at"]), item["name"], item["kind"], item["why"],
                   item["template"] if pd.notna(item["template"]) else None, item["contact_id"] == current)
            old = self._cache.get(key)
            row = old[1] if old is not None and old[0] == sig else self._row(item, current)
            cache[key] = (sig, row)
            rows.append(row)
        for key, (_sig, row) in self._cache.items():
            if cache.get(key, (None, None))[1] is not row:
                row.close()
        self._cache = cache
        self._rows.children = rows
        left = len(self._items) - len(shown)
        self._more.value = f"<i>and {left} more: mark these done first.</i>" if left else ""
        counts = self._items["status"].value_counts()
        self._title.value = (f"<b>Follow-ups</b>: {counts.get('overdue', 0)} overdue, {counts.get('due', 0)} due "
                             f"today, {counts.get('upcoming', 0)} in the next {self._horizon} days"
                             if len(self._items) else "<b>Follow-ups</b>: nothing is due. Well done.")
        return f"{len(self._items)} follow-ups listed."

    def _reload(self) -> None:
        self.refresh(fresh=False)

    def _item(self, key: str) -> dict[str, Any]:
        row = self._items[self._items["key"] == key]
        if row.empty:
            raise InputFormatError(f"{key}: not on the board any more (done, snoozed or skipped already?)")
        return dict(row.iloc[0])

    def _what(self, item: dict[str, Any]) -> str:
        label = followups.KIND_LABELS.get(str(item["kind"]), str(item["kind"]))
        return f"{label} for {person_name(self._wb, int(item['contact_id']))}"

    def _stored(self, followup_id: int) -> dict[str, Any]:
        return dict(self._wb.followups().set_index("id").loc[int(followup_id)])

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self._wb.profile().get("timezone") or "UTC")

    def mark_done(self, key: str) -> str:
        """Mark one follow-up done (it counts as done and leaves the board); return what the workbook holds."""
        item = self._item(key) if key in set(self._items["key"]) else None
        fid = followups.mark_done(self._wb, key, at=self._now, today=self._today)
        stored = self._stored(fid)
        if pd.isna(stored["done_at"]):
            raise InfoviewError(f"{key}: not marked done; this is a bug in infoview_kit")
        what = self._what(item) if item else f"{stored['kind']} for {stored['name']}"
        return f"Done on {_day(stored['done_at'], self._zone())}: {what}."

    def snooze(self, key: str, until: dt.date | str | None = None) -> str:
        """Put a follow-up off until a day (default: the day chosen above the rows); return what the workbook
        holds."""
        item = self._item(key)
        day = until if until is not None else self._snooze_to.value
        if day is None:
            raise InputFormatError("Snooze until: choose a day")
        fid = followups.snooze(self._wb, key, day, at=self._now, today=self._today)
        stored = self._stored(fid)
        if pd.isna(stored["snoozed_until"]) or pd.notna(stored["done_at"]):
            raise InfoviewError(f"{key}: not snoozed; this is a bug in infoview_kit")
        return f"Snoozed until {_day(stored['snoozed_until'], self._zone())}: {self._what(item)}."

    def skip(self, key: str) -> str:
        """Close a follow-up without doing it (it leaves the board, not counted as done); return what the
        workbook holds."""
        item = self._item(key)
        fid = followups.skip(self._wb, key, at=self._now, today=self._today)
        stored = self._stored(fid)
        if pd.isna(stored["done_at"]) or not stored["skipped"]:
            raise InfoviewError(f"{key}: not skipped; this is a bug in infoview_kit")
        return f"Skipped on {_day(stored['done_at'], self._zone())}: {self._what(item)}."

    def replied(self, key: str) -> str:
        """Record that the person of a no-reply follow-up replied, on the day chosen above the rows."""
        item = self._item(key)
        day = self._reply_on.value
        if day is None:
            raise InputFormatError("They replied on: choose the day they answered")
        at = self._now.astimezone(self._zone()) if self._now is not None and self._now.tzinfo else self._now
        today = at.date() if at is not None else dt.datetime.now(self._zone()).date()
        on: dt.date | dt.datetime | None = day if day != today else at  # today: now, not noon
        mid = drafting.record_reply(self._wb, int(item["contact_id"]), on, at=at)
        return reply_line(self._wb, mid)

    def draft(self, key: str) -> str:
        """Draft the message one follow-up asks for and open it in the composer under the board; return what
        the workbook holds."""
        item = self._item(key)
        with self._wb.transaction():  # the draft and the person worked on: one write, one re-read
            drafts = followups.draft_due(self._wb, self._today, self._out_dir, keys=[key], at=self._now)
            if drafts.empty:
                raise InfoviewError(f"nothing to draft for {key}: no template writes this follow-up")
            self._wb.set_current(contact_id=int(item["contact_id"]))
        mid = int(drafts["message_id"].iloc[0])
        self.open_composer(mid)
        msg = self._wb.message(mid)
        where = f" Saved as {drafts['eml'].iloc[0]}." if pd.notna(drafts["eml"].iloc[0]) else ""
        return (f"Draft {mid} for {person_name(self._wb, msg['contact_id'])}: "
                f"\u201c{msg['subject']}\u201d ({KIND_LABELS.get(msg['kind'], msg['kind'])}), below.{where}")

    def open_composer(self, message_id: int) -> Composer:
        """Open a stored message in the composer under the board (replacing any composer open there)."""
        self.close_composer()
        now = self._now
        self.composer = Composer(self._wb, message_id=message_id, out_dir=self._out_dir,
                                 now=(lambda: now) if now is not None else None, choose_person=False)
        close = w.Button(description="Close the composer", icon="times", layout={"width": "auto"})
        close.on_click(lambda _b: self.close_composer())
        self._under.children = [close, self.composer._root]
        return self.composer

    def close_composer(self) -> None:
        """Close the composer under the board, if one is open."""
        if self.composer is not None:
            self.composer.close()
            self.composer = None
        for child in self._under.children:
            child.close()
        self._under.children = []

    # ------------------------------------------------------------------ drawing
    def _row(self, item: dict[str, Any], current: int | None) -> w.HBox:
        esc = html.escape
        status, key = str(item["status"]), str(item["key"])
        when = item["due_at"].strftime("%a %d %b %H:%M")
        label = followups.KIND_LABELS.get(str(item["kind"]), str(item["kind"]))
        mine = " <small>(the person you are working on)</small>" if item["contact_id"] == current else ""
        text = w.HTML(f'<span style="color:{_STATUS_COLOUR.get(status, "#333")}"><b>{esc(status)}</b></span> '
                      f"· {esc(when)} · <b>{esc(str(item['name']))}</b>{mine} · {esc(label)}<br>"
                      f"<small>{esc(str(item['why']))}</small>", layout={"flex": "1 1 20rem", "min_width": "16rem"})
        spec: list[tuple[str, str, str, Callable[[], str], str, str]] = [
            ("Done", "check", "It is done: recorded, counted, and off the list", lambda: self.mark_done(key),
             "5rem", "success"),
            ("Snooze", "clock-o", "Put it off until the day chosen above", lambda: self.snooze(key), "6rem", ""),
            ("Skip", "forward", "Not doing it: off the list, not counted as done", lambda: self.skip(key), "5rem", ""),
        ]
        if pd.notna(item["template"]):
            spec.append(("Draft", "envelope", "Write the message from your workbook and open it below",
                         lambda: self.draft(key), "5.5rem", ""))
        if item["kind"] in NO_REPLY_KINDS:
            spec.append(("They replied", "reply", "They answered: on the day chosen above",
                         lambda: self.replied(key), "8rem", ""))
        buttons: list[w.Widget] = []
        for description, icon, tip, action, width, style in spec:
            b = w.Button(description=description, icon=icon, tooltip=tip, button_style=style,
                         layout={"width": width})
            b.on_click(lambda _b, act=action: self._run(act))
            buttons.append(b)
        row = w.HBox([text, w.HBox(buttons, layout={"flex": "0 0 auto"})],
                     layout={"align_items": "flex-start", "border_bottom": "1px solid #eee"})
        row.add_class("infoview-due-row")
        row.add_class(_css(key))
        if mine:
            row.add_class("infoview-current")
        return row

    def _run(self, action: Callable[[], str]) -> None:
        run_with_status(self._status, action)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._root._repr_mimebundle_(**kwargs)
