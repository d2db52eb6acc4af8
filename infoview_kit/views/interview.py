"""The forms of step 4 (ipywidgets): schedule, question plan, meeting timer, meeting log; views only."""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

import ipywidgets as w
import pandas as pd
import traitlets

from infoview_kit.base.errors import InfoviewError
from infoview_kit.interview import planning
from infoview_kit.views.forms import _LAYOUT, _STYLE, PersonPicker, _Form, _text, watch

if TYPE_CHECKING:
    from IPython.display import HTML

    from infoview_kit.interview.questions import MeetingClock
    from infoview_kit.workbook import Workbook

__all__ = ["MeetingLogForm", "MeetingPicker", "MeetingTimer", "QuestionPlanEditor", "ScheduleForm", "ThankYouPanel",
           "brief_frame"]

log = logging.getLogger("infoview_kit")

_WIDE = {"width": "44rem"}
_SMALL = {"width": "2.6rem"}
_NEW = 0  # the schedule form's "New meeting" (meeting ids start at 1; None would show as no choice)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _mmss(seconds: int | None) -> str:
    s = max(0, int(seconds or 0))
    return f"{s // 60:d}:{s % 60:02d}"


class _Panel(_Form):
    """A :class:`widgets._Form` whose buttons sit in one row; an unexpected error is shown in the
    status line too (and logged), never lost in the kernel log."""

    def __init__(self, title: str, controls: list[w.Widget], button: str, more: Sequence[w.Button] = ()) -> None:
        super().__init__(title, controls, button)
        self._title = self._root.children[0]
        for b in more:
            b.layout.width = "auto"  # never cut a label short
        self._buttons = w.HBox([self._button, *more])
        self._root.children = (self._title, *controls, self._buttons, self._status)

    def _set_title(self, text: str) -> None:
        self._title.value = f"<b>{html.escape(text)}</b>"


class _MeetingPanel(_Panel):
    """A panel about one meeting that follows the workbook's current meeting
    (:meth:`Workbook.current`): when another view chooses another meeting, it shows that one."""

    _wb: Workbook
    _mid: int | None
    _follow: bool

    def _first_meeting(self, wb: Workbook, meeting_id: int | None, follow_current: bool) -> int | None:
        self._wb = wb
        self._follow = follow_current
        if meeting_id is not None:
            wb.meeting(meeting_id)  # raises NotFoundError for a wrong id
            return int(meeting_id)
        return wb.current()["meeting_id"] if follow_current else None

    @property
    def meeting_id(self) -> int | None:
        """The meeting shown (None: none chosen yet)."""
        return self._mid

    def reload(self) -> None:
        """Follow the current meeting, and re-read what is shown from the workbook."""
        if self._follow:
            current = self._wb.current()["meeting_id"]
            if current is not None and current != self._mid and self._may_switch(current):
                self.show(current)
                return
        self._refresh()

    def show(self, meeting_id: int | None) -> None:
        """Show another meeting (None: none)."""
        self._mid = None if meeting_id is None else int(meeting_id)
        self._refresh(switched=True)

    def _may_switch(self, meeting_id: int) -> bool:
        return True

    def _refresh(self, switched: bool = False) -> None:
        raise NotImplementedError

    def _need(self) -> int:
        if self._mid is None:
            raise InfoviewError("no meeting chosen yet: propose one in the schedule form, or choose one above")
        return self._mid


_NONE = ('<span style="color:#555">No meeting chosen yet: propose a time in the schedule form, or choose a '
         "meeting in the meeting picker.</span>")


# ------------------------------------------------------------------------ choosing the meeting


class MeetingPicker(w.VBox):
    """Choose the meeting you are working on: meetings ahead soonest first, then past ones newest
    first (:func:`planning.meeting_choices`). Choosing one makes it the workbook's current meeting
    (:meth:`Workbook.set_current`), which every meeting panel follows; the picker follows it too.

    ``value`` is the chosen meeting id (observe it with ``picker.observe(f, names="value")``).

    Parameters
    ----------
    wb
        The workbook.
    value
        The meeting shown first; default the current meeting (else :func:`planning.pick_meeting`).
    now
        The moment that divides meetings ahead from past ones; default the real time.
    """

    value = traitlets.Int(None, allow_none=True)

    def __init__(self, wb: Workbook, value: int | None = None, *, now: dt.datetime | None = None) -> None:
        self._wb = wb
        self._now = now
        self._syncing = False
        self._stamp = ""
        self._list = w.Dropdown(description="Meeting", layout=_WIDE, style=_STYLE)
        self._note = w.HTML(layout={"margin": "0 0 0 9.5rem"})
        super().__init__([w.HTML("<b>The meeting you are working on</b>"), self._list, self._note])
        if value is None:
            value = planning.pick_meeting(wb, now=now, required=False)
        self._fill(value)
        self._list.observe(self._chosen, names="value")
        self._unwatch = watch(self, wb, self.reload)

    def _fill(self, keep: int | None) -> None:
        stamp = self._wb.meeting_stamp()
        if stamp != self._stamp:  # re-read only when a meeting changed
            self._stamp = stamp
            options = planning.meeting_choices(self._wb, now=self._now)
        else:
            options = list(self._list.options)
        self._syncing = True
        try:
            if list(self._list.options) != options:
                self._list.options = options
            ids = [v for _, v in options]
            self._list.value = keep if keep in ids else (ids[0] if ids else None)
        finally:
            self._syncing = False
        self.value = self._list.value
        self._note.value = ("" if options else '<span style="color:#555">No meetings yet: propose a time in the '
                                              "schedule form below.</span>")

    def _chosen(self, change: dict[str, Any]) -> None:
        if self._syncing or change["new"] is None:
            return
        self.value = int(change["new"])
        self._wb.set_current(meeting_id=self.value)

    def choose(self, meeting_id: int) -> None:
        """Choose a meeting (as picking it in the list would)."""
        self._list.value = int(meeting_id)

    @property
    def options(self) -> list[tuple[str, int]]:
        """The meetings listed, as (label, meeting id)."""
        return list(self._list.options)

    def reload(self) -> None:
        """Re-read the meetings (status, times) and follow the current meeting."""
        current = self._wb.current()["meeting_id"]
        self._fill(current if current is not None else self.value)


# ------------------------------------------------------------------------ scheduling


class ScheduleForm(_MeetingPanel):
    """Propose a meeting time, confirm it when they agree, move it (time, length, place, time zone)
    or cancel it; each change gives a calendar file (same UID, higher SEQUENCE) to import. Calls
    :func:`planning.arrange_meeting` and :meth:`Workbook.cancel_meeting`; the status line is read
    back from the workbook (:func:`planning.describe_meeting`).

    The person comes from a :class:`widgets.PersonPicker`; the form follows the current meeting
    while it is ahead (proposed or confirmed) and nothing typed in the form is unsaved.

    Parameters
    ----------
    wb
        The workbook.
    out_dir
        Where to write the meeting's ``.ics`` file; None: only offer it as a download link.
    now
        The clock (for stamps); the real time by default.
    """

    def __init__(self, wb: Workbook, *, out_dir: str | os.PathLike[str] | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self._out_dir = out_dir or None
        self._now = now or _utcnow
        self._loading = False
        current = self._first_meeting(wb, None, True)
        profile = wb.profile()
        # create
        self._meeting = w.Dropdown(description="Meeting", options=self._meeting_options(), value=_NEW,
                                   layout=_WIDE, style=_STYLE)
        self._person = PersonPicker(wb, description="With")
        self._with = w.HTML(layout={"display": "none"})
        self._date = w.DatePicker(description="Date", layout=_LAYOUT, style=_STYLE)
        self._time = w.TimePicker(description="Time", value=dt.time(10, 0), step=300, layout=_LAYOUT, style=_STYLE)
        self._zone = w.Combobox(description="Time zone", options=sorted(available_timezones()),
                                value=profile.get("timezone") or "UTC", ensure_option=False, layout=_LAYOUT,
                                style=_STYLE)
        self._minutes = w.ToggleButtons(options=[("20 min", 20), ("30 min", 30), ("45 min", 45), ("60 min", 60)],
                                        value=30, tooltips=["20 minutes: a short first talk",
                                                            "30 minutes: the usual length", "45 minutes", "an hour"],
                                        style={"button_width": "5rem"})
        self._place = _text("Place or video link", "café address, or https://... for a video call")
        self._confirm = w.Button(description="Confirm", button_style="success", icon="check",
                                 tooltip="They agreed: confirm this time")
        self._move = w.Button(description="Move", icon="pencil",
                              tooltip="Save the new time, length, place or time zone of this meeting")
        self._cancel = w.Button(description="Cancel meeting", button_style="danger", icon="times")
        self._calendar = w.HTML()
        # lay out
        length = w.HBox([w.HTML('<div style="text-align:right;padding-right:8px">Length</div>',
                                layout={"width": _STYLE["description_width"]}), self._minutes])
        super().__init__("Schedule a meeting", [self._meeting, self._person, self._with, self._date, self._time,
                                                 self._zone, length, self._place],
                         "Propose", [self._confirm, self._move, self._cancel])
        self._button.icon = "calendar"
        self._button.tooltip = "Propose this time to the person chosen: a new meeting"
        self._root.children = (*self._root.children, self._calendar)
        self._mid = None
        self._shown = self._fields()
        # observe
        self._meeting.observe(self._on_meeting, names="value")
        self._confirm.on_click(lambda _b: self._run(self.confirm))
        self._move.on_click(lambda _b: self._run(self.move))
        self._cancel.on_click(lambda _b: self._run(self.cancel))
        if current is not None and current in [v for _, v in self._meeting.options]:
            self._meeting.value = current
        self._enable()
        self._watch(wb)

    def _meeting_options(self) -> list[tuple[str, int]]:
        stamp = self._wb.meeting_stamp()
        if stamp == getattr(self, "_stamp", None):
            return list(self._meeting.options)
        self._stamp = stamp
        ahead = [(label, i) for label, i in planning.meeting_choices(self._wb, now=self._now())
                 if label.endswith((", proposed", ", confirmed"))]
        return [("New meeting", _NEW), *ahead]

    def _fields(self) -> tuple[Any, ...]:
        return (self._date.value, self._time.value, self._zone.value, self._minutes.value, self._place.value)

    def _enable(self) -> None:
        new = self._mid is None
        self._button.disabled = not new
        self._move.disabled = self._cancel.disabled = new
        self._person.layout.display = None if new else "none"
        self._with.layout.display = "none" if new else None

    def _on_meeting(self, change: dict[str, Any]) -> None:
        if self._loading:
            return
        self._mid = change["new"] or None
        if self._mid is not None:
            self._fill(self._mid)
            self._wb.set_current(meeting_id=self._mid)
        self._enable()

    def _fill(self, mid: int) -> None:
        m = self._wb.meeting(mid)
        start = planning.meeting_start(self._wb, mid)
        if m["duration_min"] not in [v for _, v in self._minutes.options]:
            self._minutes.options = [*self._minutes.options, (f"{m['duration_min']} min", int(m["duration_min"]))]
        contact = self._wb.contact(m["contact_id"])
        name = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        company = contact.get("company")
        self._with.value = (f'<div style="margin-left:9.5rem">With <b>{html.escape(name)}</b>'
                            + (f" ({html.escape(str(company))})" if company else "") + "</div>")
        self._date.value = start.date()
        self._time.value = start.time().replace(tzinfo=None)
        self._zone.value = m["timezone"]
        self._minutes.value = int(m["duration_min"])
        self._place.value = m["place"] or ""
        self._shown = self._fields()

    def _may_switch(self, meeting_id: int) -> bool:
        return self._fields() == self._shown  # never overwrite a time being typed

    def show(self, meeting_id: int | None) -> None:
        """Show a meeting ahead (another one: "New meeting")."""
        self._refresh(keep=meeting_id)

    def _refresh(self, switched: bool = False, keep: int | None = None) -> None:
        options = self._meeting_options()
        ids = [v for _, v in options]
        target = keep if keep is not None else (self._mid or _NEW)
        target = target if target in ids else _NEW
        self._loading = True
        try:
            if list(self._meeting.options) != options:
                self._meeting.options = options
            self._meeting.value = target
        finally:
            self._loading = False
        if (target or None) != self._mid:
            self._mid = target or None
            if self._mid is not None:
                self._fill(self._mid)
        self._enable()

    def _start(self) -> dt.datetime:
        if self._date.value is None or self._time.value is None:
            raise InfoviewError("choose a date and a time first")
        return dt.datetime.combine(self._date.value, self._time.value)

    def _arrange(self, confirmed: bool) -> int:
        if self._mid is None and self._person.value is None:
            if not len(self._wb.directory()):
                raise InfoviewError("nobody to meet yet: add contacts in notebook 01 first")
            raise InfoviewError("choose whom you are meeting: type their name under 'With'")
        return planning.arrange_meeting(
            self._wb, self._person.value, self._start(), meeting_id=self._mid,
            duration_min=int(self._minutes.value), timezone=self._zone.value.strip() or None,
            place=self._place.value.strip() if self._mid else (self._place.value.strip() or None),
            confirmed=confirmed, at=self._now())

    def submit(self) -> str:
        """Propose the time to the person chosen: a new meeting."""
        if self._mid is not None:
            raise InfoviewError("this meeting exists already: Move saves its new time; choose 'New meeting' "
                                "to propose another")
        return self._done(self._arrange(confirmed=False), "Proposed")

    def confirm(self) -> str:
        """Confirm the chosen meeting at the form's time, or schedule a new one as confirmed."""
        before = self._wb.meeting(self._mid) if self._mid else None
        mid = self._arrange(confirmed=True)
        after = self._wb.meeting(mid)
        if before is not None and before["sequence"] == after["sequence"]:
            return self._done(mid, "Nothing changed: already confirmed")
        return self._done(mid, "Confirmed")

    def move(self) -> str:
        """Save the form's time, length, place and time zone for the chosen meeting."""
        mid = self._need()
        before = self._wb.meeting(mid)
        self._arrange(confirmed=False)
        if self._wb.meeting(mid)["sequence"] == before["sequence"]:
            return self._done(mid, "Nothing changed")
        return self._done(mid, "Moved")

    def cancel(self) -> str:
        """Cancel the chosen meeting: its calendar file becomes a cancellation."""
        if self._mid is None:
            raise InfoviewError("choose the meeting to cancel first")
        mid = self._mid
        changed = self._wb.cancel_meeting(mid, at=self._now())
        return self._done(mid, "Cancelled" if changed else "Nothing changed: already cancelled")

    def _done(self, mid: int, verb: str) -> str:
        text = planning.describe_meeting(self._wb, mid)  # read back from the workbook
        stamp = self._now()
        data = planning.meeting_ics_bytes(self._wb, mid, dtstamp=stamp)
        name = planning.calendar_filename(self._wb, mid)
        link = (f'<a style="color:#0b5cad;text-decoration:underline" download="{html.escape(name)}" '
                'href="data:text/calendar;base64,'
                f'{base64.b64encode(data).decode("ascii")}">Download the calendar file ({html.escape(name)})</a>')
        message = f"{verb}: {text}."
        if self._out_dir:
            path = planning.meeting_calendar(self._wb, mid, self._out_dir, dtstamp=stamp)
            message += f" Calendar file: {path}"
        self._calendar.value = link + " : open it to add or update the entry in your calendar."
        self._shown = self._fields()
        self._refresh(keep=mid)
        self.last_id = mid
        return message


# ------------------------------------------------------------------------ the question plan


class QuestionPlanEditor(_MeetingPanel):
    """Reorder, add and delete the questions of a meeting's saved plan, within the time available,
    or go back to the suggested plan. Every button calls :func:`planning.move_question`,
    :func:`planning.replan` or :func:`planning.ensure_plan`, which write through the store, so
    every other view (the meeting log) re-reads. An answer logged under a question you delete is
    kept (:meth:`Workbook.off_plan_answers`).

    Parameters
    ----------
    wb
        The workbook.
    meeting_id
        The meeting; default the current meeting (followed when it changes).
    follow_current
        Show the current meeting when another view changes it.
    """

    def __init__(self, wb: Workbook, meeting_id: int | None = None, *, follow_current: bool = True) -> None:
        self._mid = self._first_meeting(wb, meeting_id, follow_current)
        self._seen: tuple[Any, ...] | None = None
        # create
        self._summary = w.HTML()
        self._rows = w.VBox()
        self._new = w.Combobox(placeholder="Your own question, or pick one left out of the plan",
                               ensure_option=False, layout=_WIDE)
        self._reset = w.Button(description="Back to the suggested plan", icon="undo")
        # lay out
        super().__init__("Question plan", [self._summary, self._rows, self._new], "Add question", [self._reset])
        self._button.icon = "plus"
        # observe
        self._reset.on_click(lambda _b: self._run(self.reset))
        self._refresh(switched=True)
        self._watch(wb)

    @property
    def plan(self) -> pd.DataFrame:
        """The saved plan (:meth:`Workbook.questions`)."""
        return self._wb.questions(self._need())

    def _refresh(self, switched: bool = False) -> None:
        if self._mid is None:
            self._set_title("Question plan")
            self._summary.value, self._rows.children, self._new.options = _NONE, (), ()
            self._button.disabled = self._reset.disabled = True
            return
        self._button.disabled = self._reset.disabled = False
        if switched:
            planning.ensure_plan(self._wb, self._mid)
        m = self._wb.meeting(self._mid)
        plan = self._wb.questions(self._mid)
        seen = (self._mid, m["duration_min"], m["status"], m["starts_at"],
                tuple(zip(plan["text"], plan["minutes"], plan["must_ask"], strict=True)))
        if seen == self._seen:
            return
        self._seen = seen
        self._set_title(f"Question plan: {planning.describe_meeting(self._wb, self._mid)}")
        used, available = float(plan["minutes"].sum()), planning.plan_budget(self._wb, self._mid)[1]
        duration = int(m["duration_min"])
        colour = "#b00020" if used > available else "#00703c"
        self._summary.value = (f'<span style="color:{colour}"><b>{used:g} of {available} min</b></span> planned: a '
                               f"{duration}-minute meeting less {duration - available} min for the opening and "
                               "the close. Must-ask questions are marked ★.")
        rows = []
        for pos, text, minutes, must in zip(plan["position"], plan["text"], plan["minutes"], plan["must_ask"],
                                            strict=True):
            up = w.Button(description="↑", tooltip="Ask earlier", layout=_SMALL)
            down = w.Button(description="↓", tooltip="Ask later", layout=_SMALL)
            drop = w.Button(description="✕", tooltip="Delete this question from the plan", layout=_SMALL)
            label = w.HTML(f'<span style="color:#555">{pos}. {minutes:g} min{" ★" if must else ""}</span> '
                           f"{html.escape(str(text))}", layout=_WIDE)
            up.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, -1)))
            down.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, +1)))
            drop.on_click(lambda _b, t=str(text): self._run(lambda: self.drop(t)))
            rows.append(w.HBox([up, down, drop, label]))
        self._rows.children = rows
        self._new.options = planning.left_out_questions(self._wb, self._mid)

    def move(self, text: str, step: int) -> str:
        """Move a question `step` places (negative: earlier)."""
        mid = self._need()
        before = self.plan["text"].tolist()
        planning.move_question(self._wb, mid, text, step)
        self._refresh()
        after = self.plan["text"].tolist()
        if after == before:
            return f"Nothing changed: {text} is already {'first' if step < 0 else 'last'}."
        return f"Moved: {text} (now question {after.index(text) + 1} of {len(after)})."

    def drop(self, text: str) -> str:
        """Delete a question from the plan (an answer logged under it is kept off the plan)."""
        mid = self._need()
        planning.replan(self._wb, mid, dropped=[text])
        self._refresh()
        used, available = planning.plan_budget(self._wb, mid)
        if text in set(self.plan["text"]):
            raise InfoviewError(f"not deleted: {text}")
        kept = text in set(self._wb.off_plan_answers(mid)["text"])
        note = " Its answer is kept under 'No longer in your plan' in the meeting log." if kept else ""
        return f"Deleted: {text} ({used:g} of {available} min).{note}"

    def submit(self) -> str:
        """Add the question typed (or picked) in the box, before the closing questions."""
        mid = self._need()
        text = " ".join(self._new.value.split())
        if not text:
            raise InfoviewError("type a question first, or pick one left out of the plan")
        before = self.plan
        if text.casefold() in {str(t).casefold() for t in before["text"]}:
            raise InfoviewError(f"already in the plan: {text}")
        planning.replan(self._wb, mid, extra=[text])
        self._refresh()
        after = self.plan
        if text.casefold() not in {str(t).casefold() for t in after["text"]}:
            raise InfoviewError(f"not added: {text}")
        self._new.value = ""
        gone = [t for t in before["text"] if t not in set(after["text"])]
        used, available = planning.plan_budget(self._wb, mid)
        note = f" Left out to make room: {'; '.join(gone)}." if gone else ""
        return f"Added: {text} ({used:g} of {available} min).{note}"

    def reset(self) -> str:
        """Replace the plan with the suggested one (answers already logged are kept)."""
        mid = self._need()
        before = self.plan["text"].tolist()
        planning.ensure_plan(self._wb, mid, reset=True)
        self._refresh()
        if self.plan["text"].tolist() == before:
            return "Nothing changed: this is the suggested plan."
        return f"Back to the suggested plan ({len(self.plan)} questions)."


# ------------------------------------------------------------------------ keeping time


class MeetingTimer(_MeetingPanel):
    """A meeting timer over :class:`interviews.MeetingClock`: elapsed and remaining time, the
    question you should be on and its budget, a warning before the agreed end and a "wrap up
    and thank them" prompt. Start and Stop record the actual times in the workbook
    (:func:`planning.start_meeting`, :func:`planning.end_meeting`).

    Parameters
    ----------
    wb, meeting_id
        The workbook and the meeting; default the current meeting (followed when it changes,
        unless the clock is running).
    now
        The time source (aware datetimes); the real time by default. Tests pass their own.
    tick_s
        Seconds between display updates while the clock runs (a background thread, stopped by
        Stop); None: no thread, call :meth:`refresh` yourself.
    warn_min
        Minutes before the agreed end for the warning.
    follow_current
        Show the current meeting when another view changes it.
    """

    def __init__(self, wb: Workbook, meeting_id: int | None = None, *,
                 now: Callable[[], dt.datetime] | None = None, tick_s: float | None = 1.0, warn_min: int = 3,
                 follow_current: bool = True) -> None:
        self._mid = self._first_meeting(wb, meeting_id, follow_current)
        self._now = now or _utcnow
        self._tick_s = tick_s
        self._warn_min = warn_min
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: tuple[Any, ...] | None = None
        self._clock: MeetingClock | None = None
        self._planned = 0
        self._count = 0
        self.state: dict[str, Any] = {}
        # create
        self._time = w.HTML()
        self._bar = w.FloatProgress(value=0, min=0, max=1, layout=_WIDE)
        self._question = w.HTML(layout=_WIDE)
        self._prompt = w.HTML(layout=_WIDE)
        self._stop = w.Button(description="Stop the clock", icon="stop", button_style="warning")
        # lay out
        super().__init__("Keep time", [self._time, self._bar, self._question, self._prompt], "Start the clock",
                         [self._stop])
        self._button.icon = "play"
        # observe
        self._stop.on_click(lambda _b: self._run(self.stop))
        self._refresh(switched=True)
        self._watch(wb)

    def _may_switch(self, meeting_id: int) -> bool:
        return not self.running  # a running clock stays on its meeting until stopped

    def _refresh(self, switched: bool = False) -> None:
        from infoview_kit.interview.questions import MeetingClock

        if self._mid is None:
            self._set_title("Keep time")
            self._time.value, self._question.value, self._prompt.value = _NONE, "", ""
            self._button.disabled = self._stop.disabled = True
            self._clock = None
            return
        m = self._wb.meeting(self._mid)
        plan = self._wb.questions(self._mid)
        seen = (self._mid, m["actual_start"], m["actual_end"], m["duration_min"], m["status"],
                tuple(zip(plan["text"], plan["minutes"], strict=True)))
        if seen == self._seen:
            return
        self._seen = seen
        self.close()
        self._set_title(f"Keep time: {planning.describe_meeting(self._wb, self._mid)}")
        self._zone = ZoneInfo(m["timezone"])
        self._planned = int(m["duration_min"])
        self._count = len(plan)
        self._bar.max = self._planned * 60
        self._clock = MeetingClock(self._planned, plan, warn_min=min(self._warn_min, self._planned - 1))
        # a meeting already timed (or running when the kernel restarted) shows as it stands
        if m["actual_start"]:
            self._clock.start(dt.datetime.fromisoformat(m["actual_start"]))
            if m["actual_end"]:
                self._clock.stop(dt.datetime.fromisoformat(m["actual_end"]))
            else:
                self._tick()
        self.refresh()

    @property
    def running(self) -> bool:
        """True while the clock runs (started, not stopped)."""
        return self._clock is not None and self._clock.started_at is not None and self._clock.stopped_at is None

    @property
    def ticking(self) -> bool:
        """True while the background thread updates the display."""
        return self._thread is not None and self._thread.is_alive()

    def submit(self) -> str:
        """Start the clock now and record the actual start."""
        mid = self._need()
        assert self._clock is not None
        if self._clock.started_at is not None:
            started = self._clock.started_at.astimezone(self._zone)
            if self.running:
                raise InfoviewError(f"the clock is already running, since {started:%H:%M}")
            raise InfoviewError(f"this meeting was already timed from {started:%H:%M}; correct the times in the "
                                "meeting log if they are wrong")
        status = self._wb.meeting(mid)["status"]
        if status in ("held", "cancelled"):
            raise InfoviewError(f"this meeting is already {status}; correct its times in the meeting log")
        at = self._now()
        planning.start_meeting(self._wb, mid, at)
        self._refresh()
        started = dt.datetime.fromisoformat(self._wb.meeting(mid)["actual_start"]).astimezone(self._zone)
        return f"Started at {started:%H:%M}. Keep your watch in view, not your phone."

    def stop(self) -> str:
        """Stop the clock now and record the actual end: the meeting is held."""
        mid = self._need()
        if not self.running:
            raise InfoviewError("start the clock first" if self._clock is None or self._clock.started_at is None
                                else "the clock is already stopped")
        at = self._now()
        self.close()
        due = planning.end_meeting(self._wb, mid, at)
        self._refresh()
        m = self._wb.meeting(mid)
        start, end = (dt.datetime.fromisoformat(m[k]) for k in ("actual_start", "actual_end"))
        minutes = round((end - start).total_seconds() / 60)
        return (f"Stopped at {end.astimezone(self._zone):%H:%M} after {minutes} min (planned {self._planned}). "
                f"Log it below; send the thank-you by {due.astimezone(self._zone):%a %d %b %H:%M}.")

    def close(self) -> None:
        """Stop the background updates (the clock itself is not stopped)."""
        self._halt.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _tick(self) -> None:
        if not self._tick_s or self.ticking:
            return
        self._halt.clear()
        self._thread = threading.Thread(target=self._loop, name=f"meeting-timer-{self._mid}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        assert self._tick_s
        while not self._halt.wait(self._tick_s):
            try:
                self.refresh()
            except Exception:  # a display update must never kill the kernel's thread silently
                log.exception("meeting timer")
                return

    def refresh(self, at: dt.datetime | None = None) -> dict[str, Any]:
        """Update the display for `at` (default: now); return the clock's status."""
        if self._clock is None:
            return {}
        s = self._clock.status(at or self._now())
        self.state = s
        phase = s["phase"]
        left = "over" if s["overtime_s"] else "left"
        amount = s["overtime_s"] if s["overtime_s"] else s["remaining_s"]
        self._time.value = ('<span style="font-size:1.6em;font-variant-numeric:tabular-nums">'
                            f"{_mmss(s['elapsed_s'])} elapsed · {_mmss(amount)} {left}</span>"
                            f' <span style="color:#555">of {self._planned} min</span>')
        self._bar.value = min(s["elapsed_s"], self._planned * 60)
        self._bar.bar_style = {"warning": "warning", "wrap up": "danger", "over": "danger"}.get(phase, "info")
        if s["segment"] == "opening":
            question = "Opening: thank them for their time, and say in a sentence why you asked to meet."
        elif s["segment"] == "questions":
            question = (f"Question {s['position']} of {self._count}: <b>{html.escape(str(s['current_question']))}"
                        f"</b> ({_mmss(s['question_remaining_s'])} left of {_mmss(s['question_budget_s'])})")
        elif s["segment"] == "close":
            question = "Closing: your planned questions are done; thank them and finish on time."
        elif phase == "not started":
            question = f"{self._count} questions planned. Start the clock when the conversation starts."
        else:
            question = ""
        self._question.value = question
        prompts = {
            "warning": f"⚠ {_mmss(s['remaining_s'])} left: move to your closing questions.",
            "wrap up": "⏰ Time is up: wrap up and thank them.",
            "over": f"⏰ {_mmss(s['overtime_s'])} over the time you asked for: thank them and let them go.",
            "stopped": f"Stopped after {_mmss(s['elapsed_s'])} (planned {self._planned} min).",
        }
        colour = "#b00020" if phase in ("wrap up", "over") else "#8a5a00" if phase == "warning" else "#333"
        text = prompts.get(phase, "")
        self._prompt.value = f'<b style="color:{colour};font-size:1.15em">{text}</b>' if text else ""
        self._button.disabled = phase != "not started"
        self._stop.disabled = phase in ("not started", "stopped")
        return s


# ------------------------------------------------------------------------ the log


class MeetingLogForm(_MeetingPanel):
    """Log a meeting: the times, an answer or note per question, notes, advice, the names they
    suggested (one per line; each becomes a contact referred by them), resources and next
    steps. Saving calls :func:`planning.log_meeting_notes`, which drafts the thank-you once the
    meeting is held.

    Nothing typed is dropped: when the plan changes (from the plan editor or any other view), the
    answer fields are rebuilt around what you typed and have not saved yet (matched by question
    text). An answer under a question that left the plan, saved or only typed, stays under
    "No longer in your plan" and is saved with the log (:meth:`Workbook.off_plan_answers`);
    empty it and save to let it go. While anything typed is unsaved, the form stays on its
    meeting even when another view chooses another one (Save log, or Discard changes).

    Parameters
    ----------
    wb
        The workbook.
    meeting_id
        The meeting; default the current meeting (followed when it changes).
    now
        The clock (for stamps); the real time by default.
    follow_current
        Show the current meeting when another view changes it.
    """

    _FIELDS = ("notes", "advice", "resources", "next_steps")

    def __init__(self, wb: Workbook, meeting_id: int | None = None, *,
                 now: Callable[[], dt.datetime] | None = None, follow_current: bool = True) -> None:
        self._mid = self._first_meeting(wb, meeting_id, follow_current)
        self._now = now or _utcnow
        self.result: planning.MeetingLog | None = None
        self._tzname = "UTC"
        self._who = ""
        self._base: dict[str, str] = {}  # what each box showed from the workbook, by key
        self._areas: dict[str, w.Textarea] = {}  # answer boxes by question text, kept across rebuilds
        self._answers: list[tuple[str, w.Textarea]] = []
        self._kept: list[tuple[str, w.Textarea]] = []
        self._layout_key: tuple[Any, ...] | None = None
        # create
        self._start = _text("Started at", "14:00 (or leave empty)")
        self._end = _text("Ended at", "14:28: the end marks the meeting held")
        self._notes = self._area("Notes", "What was said that you want to remember")
        self._advice = self._area("Advice", "The advice they gave you: the thank-you quotes it")
        self._names = self._area("Names suggested", "One per line, e.g. Jordan Pike, Cobalt Health")
        self._resources = self._area("Resources", "Books, courses, groups, links")
        self._next = self._area("Next steps", "You: ... They: ... (what each of you promised)")
        self._boxes: dict[str, w.Text | w.Textarea] = {
            "start": self._start, "end": self._end, "notes": self._notes, "advice": self._advice,
            "resources": self._resources, "next_steps": self._next}
        self._suggested = w.HTML()
        self._pending = w.HTML()
        self._questions = w.VBox()
        self._discard = w.Button(description="Discard changes", icon="undo",
                                 tooltip="Show what is saved in the workbook again, dropping what you typed")
        # lay out
        super().__init__("Meeting log", [self._pending, self._start, self._end, self._questions, self._notes,
                                         self._advice, self._names, self._suggested, self._resources, self._next],
                         "Save log", [self._discard])
        self._button.icon = "save"
        self._discard.on_click(lambda _b: self._run(self.discard))
        self._refresh(switched=True)
        self._watch(wb)

    def _area(self, description: str, placeholder: str) -> w.Textarea:
        return w.Textarea(description=description, placeholder=placeholder, layout=_WIDE, style=_STYLE)

    # -------------------------------------------------------------- what is typed
    def _dirty(self, key: str, box: w.Text | w.Textarea) -> bool:
        return box.value.strip() != self._base.get(key, "").strip()

    @property
    def unsaved(self) -> dict[str, str]:
        """What was typed and not saved yet: field name (or question text) -> text."""
        out = {k: b.value for k, b in self._boxes.items() if self._dirty(k, b)}
        out.update({t: a.value for t, a in self._areas.items() if self._dirty("q:" + t, a)})
        if self._names.value.strip():
            out["names"] = self._names.value
        return out

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The answers shown under "No longer in your plan", as (question, answer)."""
        return [(t, a.value) for t, a in self._kept]

    def _may_switch(self, meeting_id: int) -> bool:
        if not self.unsaved:
            return True
        self._pending.value = (
            '<span style="color:#8a5a00">⚠ You are now working on '
            f"{html.escape(planning.describe_meeting(self._wb, meeting_id))}. This log stays on its meeting until "
            "you save what you typed (Save log) or discard it (Discard changes).</span>")
        return False

    # -------------------------------------------------------------- reading the workbook
    def _refresh(self, switched: bool = False) -> None:
        if switched:
            self._base, self._areas, self._layout_key = {}, {}, None
            for box in (*self._boxes.values(), self._names):
                box.value = ""
            self._pending.value = ""
        if self._mid is None:
            self._set_title("Meeting log")
            self._questions.children, self._suggested.value = (w.HTML(_NONE),), ""
            self._button.disabled = self._discard.disabled = True
            return
        self._button.disabled = self._discard.disabled = False
        m = self._wb.meeting(self._mid)
        if switched:
            self._tzname = m["timezone"]
            contact = self._wb.contact(m["contact_id"])
            self._who = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        self._set_title(f"Meeting log: {planning.describe_meeting(self._wb, self._mid)}")
        zone = ZoneInfo(self._tzname)
        stored = {k: (m[k] or "") for k in self._FIELDS}
        for key, col in (("start", "actual_start"), ("end", "actual_end")):
            stored[key] = f"{dt.datetime.fromisoformat(m[col]).astimezone(zone):%H:%M}" if m[col] else ""
        for key, box in self._boxes.items():
            self._sync(key, box, stored[key])
        plan = self._wb.questions(self._mid)
        off = self._wb.off_plan_answers(self._mid)
        answers = {str(t): (a if isinstance(a, str) else "") for t, a in
                   zip([*plan["text"], *off["text"]], [*plan["answer"].astype(object), *off["answer"].astype(object)],
                       strict=True)}
        kept = [str(t) for t in off["text"]]
        for text, answer in answers.items():
            area = self._areas.get(text)
            if area is None:
                area = self._areas[text] = w.Textarea(placeholder="Their answer, or your note", layout=_WIDE)
            self._sync("q:" + text, area, answer)
        # typed under a question that left the plan and was never saved: kept too
        for text, area in list(self._areas.items()):
            if text in answers:
                continue
            if self._dirty("q:" + text, area) and area.value.strip():
                kept.append(text)
            else:
                del self._areas[text]
        self._layout(plan, kept)
        if switched:
            self._show_referrals()

    def _sync(self, key: str, box: w.Text | w.Textarea, stored: str) -> None:
        """Show `stored` in `box` unless the user typed something else there since it was filled."""
        typed = key in self._base and self._dirty(key, box)
        if not typed or box.value.strip() == stored.strip():
            if box.value.strip() != stored.strip():
                box.value = stored
            self._base[key] = stored

    def _layout(self, plan: pd.DataFrame, kept: list[str]) -> None:
        key = (tuple(zip(plan["position"], plan["text"], strict=True)), tuple(kept))
        self._answers = [(str(t), self._areas[str(t)]) for t in plan["text"]]
        self._kept = [(t, self._areas[t]) for t in kept]
        if key == self._layout_key:
            return
        self._layout_key = key
        children: list[w.Widget] = []
        for pos, (text, area) in zip(plan["position"], self._answers, strict=True):
            children += [w.HTML(f"<b>{pos}.</b> {html.escape(text)}", layout=_WIDE), area]
        if self._kept:
            children.append(w.HTML(
                '<div style="border-top:1px solid #ccc;margin-top:6px;padding-top:4px;line-height:1.45">'
                "<b>No longer in your plan</b><br><span style=\"color:#555\">What you wrote under questions you "
                "took out of the plan: kept here and saved with the log. Empty a box and save to let it "
                "go.</span></div>", layout=_WIDE))
            for text, area in self._kept:
                children += [w.HTML(f"<i>{html.escape(text)}</i>", layout=_WIDE), area]
        self._questions.children = children

    def _show_referrals(self) -> None:
        assert self._mid is not None
        names = ", ".join(html.escape(str(n)) for n in self._wb.meeting_referrals(self._mid)["name"])
        who = html.escape(self._who)
        self._suggested.value = (f'<span style="color:#555">In your contacts, referred by {who}: {names}</span>'
                                 if names else "")

    # -------------------------------------------------------------- the buttons
    def _typed(self, key: str, box: w.Text | w.Textarea) -> str | None:
        """The box's text if the user changed it since it was filled (\"\" clears), else None."""
        return box.value.strip() if self._dirty(key, box) else None

    def submit(self) -> str:
        """Save the log (the answers kept off the plan too); once the meeting is held, draft the
        thank-you and plan the referral ask."""
        mid = self._need()
        answers = {t: v for t, a in self._areas.items() if (v := self._typed("q:" + t, a)) is not None}
        if not answers and not self._names.value.strip() and not any(
                self._dirty(k, b) for k, b in self._boxes.items()):
            return "Nothing changed: type in the log first."
        self.result = planning.log_meeting_notes(
            self._wb, mid, actual_start=self._typed("start", self._start) or None,
            actual_end=self._typed("end", self._end) or None, answers=answers or None,
            notes=self._typed("notes", self._notes), advice=self._typed("advice", self._advice),
            resources=self._typed("resources", self._resources),
            next_steps=self._typed("next_steps", self._next), referrals=self._names.value, at=self._now())
        self._names.value = ""  # they are listed below the box now
        self._pending.value = ""
        self._show_referrals()
        self.reload()
        return self.result.summary(self._tzname)

    def discard(self) -> str:
        """Drop what was typed and not saved; show the workbook's log (of the current meeting)."""
        self._names.value = ""
        for key, box in self._boxes.items():
            box.value = self._base.get(key, "")
        for text, area in self._areas.items():
            area.value = self._base.get("q:" + text, "")
        self._pending.value = ""
        self.reload()
        return "Discarded what was not saved."


# ------------------------------------------------------------------------ after the meeting


class ThankYouPanel(_MeetingPanel):
    """After the meeting: its log, its follow-ups (thank-you, referral ask) and the thank-you
    draft, with **Sent** to mark the thank-you sent once you sent it from your mail program
    (:meth:`Workbook.mark_sent`; refused while it has blanks to fill, which are named) and
    **Draft the thank-you** when the meeting is held but nothing was drafted yet
    (:func:`planning.close_the_loop`). Everything shown is read from the workbook.

    Parameters
    ----------
    wb
        The workbook.
    meeting_id
        The meeting; default the current meeting (followed when it changes).
    now
        The clock (for stamps); the real time by default.
    follow_current
        Show the current meeting when another view changes it.
    """

    def __init__(self, wb: Workbook, meeting_id: int | None = None, *,
                 now: Callable[[], dt.datetime] | None = None, follow_current: bool = True,
                 sent_here: bool = True) -> None:
        self._mid = self._first_meeting(wb, meeting_id, follow_current)
        self._now = now or _utcnow
        self._sent_here = sent_here
        self.message_id: int | None = None
        self._stamp = ""
        self._log = w.HTML(layout=_WIDE)
        self._followups = w.HTML(layout=_WIDE)
        self._draft = w.HTML(layout=_WIDE)
        self._compose = w.Button(description="Draft the thank-you", icon="pencil",
                                 tooltip="Draft it from the log (and plan the referral ask)")
        super().__init__("After the meeting", [self._log, self._followups, self._draft], "Sent",
                         [self._compose])
        self._button.icon = "paper-plane"
        self._button.tooltip = "You sent the thank-you from your mail program: record it"
        if not sent_here:  # the composer beside it shows the text and has Sent: one place to send from
            self._button.layout.display = "none"
        self._compose.on_click(lambda _b: self._run(self.draft))
        self._refresh(switched=True)
        self._watch(wb)

    def _thank_you(self) -> dict[str, Any] | None:
        """The meeting's newest thank-you (a draft, or sent), or None."""
        assert self._mid is not None
        m = self._wb.meeting(self._mid)
        msgs = self._wb.messages(int(m["contact_id"]))
        ours = msgs["meeting_id"].eq(self._mid).fillna(False).astype(bool)
        mine = msgs[(msgs["kind"] == "thank_you") & (ours | (msgs["meeting_id"].isna() & bool(m["actual_end"])))]
        if m["actual_end"]:  # one sent before this meeting ended thanked an earlier one
            mine = mine[mine["sent_at"].isna() | (mine["sent_at"] >= pd.Timestamp(m["actual_end"]))]
        if mine.empty:
            return None
        return self._wb.message(int(mine["id"].iloc[-1]))

    def _refresh(self, switched: bool = False) -> None:
        if self._mid is None:
            self._set_title("After the meeting")
            self._log.value, self._followups.value, self._draft.value = _NONE, "", ""
            self._button.disabled = self._compose.disabled = True
            self.message_id = None
            return
        stamp = self._wb.meeting_stamp(self._mid)
        if stamp == self._stamp and not switched:
            return  # nothing it shows changed
        self._stamp = stamp
        m = self._wb.meeting(self._mid)
        zone = ZoneInfo(m["timezone"])
        self._set_title(f"After the meeting: {planning.describe_meeting(self._wb, self._mid)}")
        held = m["status"] == "held"
        if not held:
            self._log.value = ('<span style="color:#555">Not held yet: stop the timer, or log the end time, and the '
                               "thank-you is drafted here.</span>")
        else:
            rows = [(label, m[k]) for label, k in (("Notes", "notes"), ("Advice", "advice"),
                                                   ("Next steps", "next_steps"), ("Resources", "resources"))
                    if m[k]]
            answered = int(self._wb.questions(self._mid)["answer"].notna().sum()
                           + self._wb.off_plan_answers(self._mid)["answer"].notna().sum())
            body = "".join(f"<li><b>{label}:</b> {html.escape(str(v))}</li>" for label, v in rows)
            noted = f"{answered} answer{'' if answered == 1 else 's'} noted"
            self._log.value = (f"<b>Your log</b> ({noted})<ul>{body}</ul>" if body else
                               f"<b>Your log</b>: {noted}; no notes or advice yet (the thank-you quotes the "
                               "advice: add it in the meeting log).")
        fu = planning.meeting_followups(self._wb, self._mid)
        items = []
        for kind, due, done in zip(fu["kind"], fu["due_at"], fu["done_at"], strict=True):
            state = f"done {done.tz_convert(zone):%a %d %b %H:%M}" if not pd.isna(done) else \
                f"due {due.tz_convert(zone):%a %d %b %H:%M}"
            items.append(f"<li>{html.escape(str(kind).replace('_', ' '))}: {state}</li>")
        self._followups.value = f"<b>Follow-ups</b><ul>{''.join(items)}</ul>" if items else ""
        msg = self._thank_you()
        self.message_id = None if msg is None else int(msg["id"])
        if msg is None:
            self._draft.value = ("" if not held else '<span style="color:#555">No thank-you drafted yet: Draft the '
                                 "thank-you, or save the log.</span>")
        else:
            if msg["status"] == "draft":
                state = f"Draft (message {msg['id']}): send it from your mail program, then press Sent."
            else:
                sent = dt.datetime.fromisoformat(msg["sent_at"]).astimezone(zone)
                state = f"Sent {sent:%a %d %b %H:%M} (message {msg['id']})."
            if not self._sent_here:
                state = state.replace("then press Sent.", "then press Sent in the composer below.")
            self._draft.value = f"<b>Thank-you</b>: {html.escape(state)}" + ("" if not self._sent_here else
                                 '<div style="border:1px solid #ccc;padding:6px 10px;white-space:pre-wrap;'
                                 'line-height:1.45">'
                                 f"<b>{html.escape(str(msg['subject']))}</b>\n\n{html.escape(str(msg['body']))}</div>")
        self._button.disabled = msg is None or msg["status"] != "draft"
        self._compose.disabled = not held or msg is not None

    def submit(self) -> str:
        """Mark the thank-you sent (you sent it from your mail program)."""
        self._need()
        msg = self._thank_you()
        if msg is None:
            raise InfoviewError("no thank-you drafted yet: save the log with the end time, or Draft the thank-you")
        changed = self._wb.mark_sent(int(msg["id"]), at=self._now())
        back = self._wb.message(int(msg["id"]))
        self._refresh()
        if not changed:
            return f"Nothing changed: the thank-you (message {back['id']}) was already {back['status']}."
        zone = ZoneInfo(self._wb.meeting(self._need())["timezone"])
        sent = dt.datetime.fromisoformat(back["sent_at"]).astimezone(zone)
        return f"Marked sent: {back['subject']} (message {back['id']}), {sent:%a %d %b %H:%M}."

    def draft(self) -> str:
        """Draft the thank-you from the log (and plan the referral ask): :func:`planning.close_the_loop`."""
        mid = self._need()
        closing = planning.close_the_loop(self._wb, mid, at=self._now())
        self._refresh()
        if closing.thank_you is None:
            return "Nothing to draft: the thank-you was already sent."
        return f"Thank-you drafted (message {closing.thank_you}): read it below, then send it."


# ------------------------------------------------------------------------ the brief


def brief_frame(document: str, *, height: str = "40rem") -> HTML:
    """Show an HTML document (a brief) in a frame of its own, so its page styles stay inside it."""
    from IPython.display import HTML

    style = f"width:100%;max-width:52rem;height:{html.escape(height)};border:1px solid #ccc"
    return HTML(f'<div class="infoview-brief"><iframe title="Meeting brief" style="{style}" '
                f'srcdoc="{html.escape(document, quote=True)}"></iframe></div>')
