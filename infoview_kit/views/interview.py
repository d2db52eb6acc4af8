"""The forms of step 4 before the meeting (ipywidgets): choose the meeting, schedule it, edit its
question plan, read its brief; and the meeting panel the forms of :mod:`views.meeting` share. Views only."""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

import ipywidgets as w
import pandas as pd
import traitlets

from infoview_kit.base.errors import InfoviewError
from infoview_kit.interview.brief import brief_filename, brief_html
from infoview_kit.interview.plan import ensure_plan, left_out_questions, move_question, plan_budget, replan
from infoview_kit.interview.schedule import (
    arrange_meeting,
    calendar_filename,
    describe_meeting,
    meeting_calendar,
    meeting_choices,
    meeting_ics_bytes,
    meeting_start,
    pick_meeting,
)
from infoview_kit.views.forms import _LAYOUT, _STYLE, PersonPicker, _Form, _text, take_away, watch

if TYPE_CHECKING:
    from IPython.display import HTML

    from infoview_kit.workbook import Workbook

__all__ = ["MeetingPicker", "QuestionPlanEditor", "ScheduleForm", "brief_frame", "brief_view"]

WIDE = {"width": "44rem"}
_SMALL = {"width": "2.6rem"}
_NEW = 0  # the schedule form's "New meeting" (meeting ids start at 1; None would show as no choice)


def utcnow() -> dt.datetime:
    """The real time (aware, UTC): the forms' clock unless a test passes its own."""
    return dt.datetime.now(dt.UTC)


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


class MeetingPanel(_Panel):
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


NO_MEETING = ('<span style="color:#555">No meeting chosen yet: propose a time in the schedule form, or choose a '
         "meeting in the meeting picker.</span>")


# ------------------------------------------------------------------------ choosing the meeting


class MeetingPicker(w.VBox):
    """Choose the meeting you are working on: meetings ahead soonest first, then past ones newest
    first (:func:`meeting_choices`). Choosing one makes it the workbook's current meeting
    (:meth:`Workbook.set_current`), which every meeting panel follows; the picker follows it too.

    ``value`` is the chosen meeting id (observe it with ``picker.observe(f, names="value")``).

    Parameters
    ----------
    wb
        The workbook.
    value
        The meeting shown first; default the current meeting (else :func:`interview.schedule.pick_meeting`).
    now
        The moment that divides meetings ahead from past ones; default the real time.
    """

    value = traitlets.Int(None, allow_none=True)

    def __init__(self, wb: Workbook, value: int | None = None, *, now: dt.datetime | None = None) -> None:
        self._wb = wb
        self._now = now
        self._syncing = False
        self._stamp = ""
        self._list = w.Dropdown(description="Meeting", layout=WIDE, style=_STYLE)
        self._note = w.HTML(layout={"margin": "0 0 0 9.5rem"})
        super().__init__([w.HTML("<b>The meeting you are working on</b>"), self._list, self._note])
        if value is None:
            value = pick_meeting(wb, now=now, required=False)
        self._fill(value)
        self._list.observe(self._chosen, names="value")
        self._unwatch = watch(self, wb, self.reload)

    def _fill(self, keep: int | None) -> None:
        stamp = self._wb.meeting_stamp()
        if stamp != self._stamp:  # re-read only when a meeting changed
            self._stamp = stamp
            options = meeting_choices(self._wb, now=self._now)
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


class ScheduleForm(MeetingPanel):
    """Propose a meeting time, confirm it when they agree, move it (time, length, place, time zone)
    or cancel it; each change gives a calendar file (same UID, higher SEQUENCE) to import. Calls
    :func:`arrange_meeting` and :meth:`Workbook.cancel_meeting`; the status line is read
    back from the workbook (:func:`describe_meeting`).

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
        self._now = now or utcnow
        self._loading = False
        current = self._first_meeting(wb, None, True)
        profile = wb.profile()
        # create
        self._meeting = w.Dropdown(description="Meeting", options=self._meeting_options(), value=_NEW,
                                   layout=WIDE, style=_STYLE)
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
        ahead = meeting_choices(self._wb, now=self._now(), statuses=("proposed", "confirmed"))
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
        start = meeting_start(self._wb, mid)
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
        return arrange_meeting(
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
        text = describe_meeting(self._wb, mid)  # read back from the workbook
        stamp = self._now()
        data = meeting_ics_bytes(self._wb, mid, dtstamp=stamp)
        name = calendar_filename(self._wb, mid)
        link = (f'<a style="color:#0b5cad;text-decoration:underline" download="{html.escape(name)}" '
                'href="data:text/calendar;base64,'
                f'{base64.b64encode(data).decode("ascii")}">Download the calendar file ({html.escape(name)})</a>')
        message = f"{verb}: {text}."
        if self._out_dir:
            path = meeting_calendar(self._wb, mid, self._out_dir, dtstamp=stamp)
            message += f" Calendar file: {path}"
        self._calendar.value = link + " : open it to add or update the entry in your calendar."
        self._shown = self._fields()
        self._refresh(keep=mid)
        self.last_id = mid
        return message


# ------------------------------------------------------------------------ the question plan


class QuestionPlanEditor(MeetingPanel):
    """Reorder, add and delete the questions of a meeting's saved plan, within the time available,
    or go back to the suggested plan. Every button calls :func:`move_question`,
    :func:`replan` or :func:`ensure_plan`, which write through the store, so
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
                               ensure_option=False, layout=WIDE)
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
            self._summary.value, self._rows.children, self._new.options = NO_MEETING, (), ()
            self._button.disabled = self._reset.disabled = True
            return
        self._button.disabled = self._reset.disabled = False
        if switched:
            ensure_plan(self._wb, self._mid)
        m = self._wb.meeting(self._mid)
        plan = self._wb.questions(self._mid)
        seen = (self._mid, m["duration_min"], m["status"], m["starts_at"],
                tuple(zip(plan["text"], plan["minutes"], plan["must_ask"], strict=True)))
        if seen == self._seen:
            return
        self._seen = seen
        self._set_title(f"Question plan: {describe_meeting(self._wb, self._mid)}")
        used, available = float(plan["minutes"].sum()), plan_budget(self._wb, self._mid)[1]
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
                           f"{html.escape(str(text))}", layout=WIDE)
            up.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, -1)))
            down.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, +1)))
            drop.on_click(lambda _b, t=str(text): self._run(lambda: self.drop(t)))
            rows.append(w.HBox([up, down, drop, label]))
        self._rows.children = rows
        self._new.options = left_out_questions(self._wb, self._mid)

    def move(self, text: str, step: int) -> str:
        """Move a question `step` places (negative: earlier)."""
        mid = self._need()
        before = self.plan["text"].tolist()
        move_question(self._wb, mid, text, step)
        self._refresh()
        after = self.plan["text"].tolist()
        if after == before:
            return f"Nothing changed: {text} is already {'first' if step < 0 else 'last'}."
        return f"Moved: {text} (now question {after.index(text) + 1} of {len(after)})."

    def drop(self, text: str) -> str:
        """Delete a question from the plan (an answer logged under it is kept off the plan)."""
        mid = self._need()
        replan(self._wb, mid, dropped=[text])
        self._refresh()
        used, available = plan_budget(self._wb, mid)
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
        replan(self._wb, mid, extra=[text])
        self._refresh()
        after = self.plan
        if text.casefold() not in {str(t).casefold() for t in after["text"]}:
            raise InfoviewError(f"not added: {text}")
        self._new.value = ""
        gone = [t for t in before["text"] if t not in set(after["text"])]
        used, available = plan_budget(self._wb, mid)
        note = f" Left out to make room: {'; '.join(gone)}." if gone else ""
        return f"Added: {text} ({used:g} of {available} min).{note}"

    def reset(self) -> str:
        """Replace the plan with the suggested one (answers already logged are kept)."""
        mid = self._need()
        before = self.plan["text"].tolist()
        ensure_plan(self._wb, mid, reset=True)
        self._refresh()
        if self.plan["text"].tolist() == before:
            return "Nothing changed: this is the suggested plan."
        return f"Back to the suggested plan ({len(self.plan)} questions)."


# ------------------------------------------------------------------------ the brief


def brief_frame(document: str, *, height: str = "40rem") -> HTML:
    """Show an HTML document (a brief) in a frame of its own, so its page styles stay inside it."""
    from IPython.display import HTML

    style = f"width:100%;max-width:52rem;height:{html.escape(height)};border:1px solid #ccc"
    return HTML(f'<div class="infoview-brief"><iframe title="Meeting brief" style="{style}" '
                f'srcdoc="{html.escape(document, quote=True)}"></iframe></div>')


def brief_view(wb: Workbook, meeting_id: int | None, *, out_dir: str | os.PathLike[str] | None = None,
               height: str = "40rem") -> HTML:
    """Show a meeting's brief (:func:`interview.brief.brief_html`) in its frame, under the file to take
    away (:func:`views.forms.take_away`: written into `out_dir` when one is given, else a download
    link); "No meeting chosen yet" when `meeting_id` is None."""
    from IPython.display import HTML

    document = brief_html(wb, meeting_id)
    if meeting_id is None or not document:
        return HTML(NO_MEETING)
    link = take_away(brief_filename(wb, meeting_id), document.encode(), "text/html", out_dir)
    return HTML(f"<div>{link.data}</div>{brief_frame(document, height=height).data}")
