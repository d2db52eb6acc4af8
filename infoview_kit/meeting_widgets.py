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

from . import planning
from .exceptions import InfoviewError
from .widgets import _LAYOUT, _STYLE, _Form, _text

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import HTML

    from .store import Workbook

__all__ = ["MeetingLogForm", "MeetingTimer", "QuestionPlanEditor", "ScheduleForm", "brief_frame"]

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
        header = self._root.children[0]
        for b in more:
            b.layout.width = "auto"  # never cut a label short
        self._root.children = (header, *controls, w.HBox([self._button, *more]), self._status)


# ------------------------------------------------------------------------ scheduling


class ScheduleForm(_Panel):
    """Propose a meeting time, confirm it when they agree, move or cancel it; each change gives a
    calendar file (same UID, higher SEQUENCE) to import. Calls :func:`planning.arrange_meeting`
    and :meth:`Workbook.cancel_meeting`.

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
        self._wb = wb
        self._out_dir = out_dir or None
        self._now = now or _utcnow
        self.meeting_id: int | None = None
        profile = wb.profile()
        # create
        self._meeting = w.Dropdown(description="Meeting", options=self._meeting_options(), value=_NEW,
                                   layout=_WIDE, style=_STYLE)
        options, default = self._contact_options()
        self._contact = w.Dropdown(description="With", options=options, value=default, layout=_LAYOUT, style=_STYLE)
        self._date = w.DatePicker(description="Date", layout=_LAYOUT, style=_STYLE)
        self._time = w.TimePicker(description="Time", value=dt.time(10, 0), step=300, layout=_LAYOUT, style=_STYLE)
        self._zone = w.Combobox(description="Time zone", options=sorted(available_timezones()),
                                value=profile.get("timezone") or "UTC", ensure_option=False, layout=_LAYOUT,
                                style=_STYLE)
        self._minutes = w.ToggleButtons(options=[("20 min", 20), ("30 min", 30)], value=30, tooltips=[
            "20 minutes: a short first talk", "30 minutes: the usual length"], style={"button_width": "6rem"})
        self._place = _text("Place or video link", "café address, or https://... for a video call")
        self._confirm = w.Button(description="Confirm", button_style="success", icon="check",
                                 tooltip="They agreed: confirm this time")
        self._cancel = w.Button(description="Cancel meeting", button_style="danger", icon="times")
        self._calendar = w.HTML()
        # lay out
        length = w.HBox([w.HTML('<div style="text-align:right;padding-right:8px">Length</div>',
                                layout={"width": _STYLE["description_width"]}), self._minutes])
        super().__init__("Schedule a meeting", [self._meeting, self._contact, self._date, self._time, self._zone,
                                                 length, self._place], "Propose", [self._confirm, self._cancel])
        self._button.icon = "calendar"
        self._root.children = (*self._root.children, self._calendar)
        # observe
        self._meeting.observe(self._on_meeting, names="value")
        self._confirm.on_click(lambda _b: self._run(self.confirm))
        self._cancel.on_click(lambda _b: self._run(self.cancel))

    def _meeting_options(self) -> list[tuple[str, int]]:
        df = self._wb.meetings()
        ahead = df[df["status"].isin(["proposed", "confirmed"])]
        return [("New meeting", _NEW)] + [(planning.describe_meeting(self._wb, int(i)), int(i)) for i in ahead["id"]]

    def _contact_options(self) -> tuple[list[tuple[str, int]], int | None]:
        """Everyone, people on your outreach list first; by default someone who replied and has
        no meeting yet."""
        people = self._wb.contacts().astype(object)
        meetings = self._wb.meetings()
        booked = set(meetings[meetings["status"] != "cancelled"]["contact_id"])
        rows = sorted((p["stage"] is None, f"{p['first_name'] or ''} {p['last_name'] or ''}".strip()
                       + (f" ({p['company']})" if p["company"] else ""), int(p["id"]), p["stage"])
                      for p in people.where(people.notna(), None).to_dict("records"))
        replied = [i for _, _, i, stage in rows if stage == "replied" and i not in booked]
        return [(label, i) for _, label, i, _ in rows], (replied[0] if replied else rows[0][2] if rows else None)

    def _on_meeting(self, change: dict[str, Any]) -> None:
        mid = change["new"] or None
        self._contact.disabled = mid is not None
        self._button.description = "Propose" if mid is None else "Save changes"
        if mid is None:
            return
        m = self._wb.meeting(mid)
        start = planning.meeting_start(self._wb, mid)
        if m["duration_min"] not in [v for _, v in self._minutes.options]:
            self._minutes.options = [*self._minutes.options, (f"{m['duration_min']} min", int(m["duration_min"]))]
        if m["contact_id"] in [v for _, v in self._contact.options]:
            self._contact.value = m["contact_id"]
        self._date.value = start.date()
        self._time.value = start.time().replace(tzinfo=None)
        self._zone.value = m["timezone"]
        self._minutes.value = int(m["duration_min"])
        self._place.value = m["place"] or ""

    def _start(self) -> dt.datetime:
        if self._date.value is None or self._time.value is None:
            raise InfoviewError("choose a date and a time first")
        return dt.datetime.combine(self._date.value, self._time.value)

    def _arrange(self, confirmed: bool) -> int:
        if self._contact.value is None:
            raise InfoviewError("nobody to meet yet: add contacts in notebook 01 first")
        return planning.arrange_meeting(
            self._wb, self._contact.value, self._start(), meeting_id=self._meeting.value or None,
            duration_min=int(self._minutes.value), timezone=self._zone.value.strip() or None,
            place=self._place.value.strip() or None, confirmed=confirmed, at=self._now())

    def submit(self) -> str:
        """Propose the time (a new meeting), or move the chosen meeting to it."""
        new = not self._meeting.value
        mid = self._arrange(confirmed=False)
        return self._done(mid, "Proposed" if new else "Saved")

    def confirm(self) -> str:
        """Confirm the chosen meeting at the form's time, or schedule a new one as confirmed."""
        return self._done(self._arrange(confirmed=True), "Confirmed")

    def cancel(self) -> str:
        """Cancel the chosen meeting: its calendar file becomes a cancellation."""
        mid = self._meeting.value
        if not mid:
            raise InfoviewError("choose the meeting to cancel first")
        self._wb.cancel_meeting(mid, at=self._now())
        return self._done(mid, "Cancelled")

    def _done(self, mid: int, verb: str) -> str:
        self.meeting_id = mid
        text = planning.describe_meeting(self._wb, mid)
        stamp = self._now()
        data = planning.meeting_ics_bytes(self._wb, mid, dtstamp=stamp)
        name = planning.calendar_filename(self._wb, mid)
        link = (f'<a download="{html.escape(name)}" href="data:text/calendar;base64,'
                f'{base64.b64encode(data).decode("ascii")}">Download the calendar file ({html.escape(name)})</a>')
        message = f"{verb}: {text}."
        if self._out_dir:
            path = planning.meeting_calendar(self._wb, mid, self._out_dir, dtstamp=stamp)
            message += f" Calendar file: {path}"
        self._calendar.value = link + " : open it to add or update the entry in your calendar."
        options = self._meeting_options()
        self._meeting.options = options
        self._meeting.value = mid if mid in [v for _, v in options] else _NEW
        return message


# ------------------------------------------------------------------------ the question plan


class QuestionPlanEditor(_Panel):
    """Reorder, add and drop the questions of a meeting's saved plan, within the time available.
    Every button calls :func:`planning.move_question` or :func:`planning.replan`."""

    def __init__(self, wb: Workbook, meeting_id: int) -> None:
        self._wb = wb
        self._mid = int(meeting_id)
        planning.ensure_plan(wb, self._mid)
        # create
        self._summary = w.HTML()
        self._rows = w.VBox()
        self._new = w.Combobox(placeholder="Your own question, or pick one left out of the plan",
                               ensure_option=False, layout=_WIDE)
        self._reset = w.Button(description="Back to the suggested plan", icon="undo")
        # lay out
        super().__init__(f"Question plan: {planning.describe_meeting(wb, self._mid)}",
                         [self._summary, self._rows, self._new], "Add question", [self._reset])
        self._button.icon = "plus"
        # observe
        self._reset.on_click(lambda _b: self._run(self.reset))
        self._render()

    @property
    def plan(self) -> pd.DataFrame:
        """The saved plan (:meth:`Workbook.questions`)."""
        return self._wb.questions(self._mid)

    def _render(self) -> None:
        plan = self.plan
        used, available = planning.plan_budget(self._wb, self._mid)
        duration = int(self._wb.meeting(self._mid)["duration_min"])
        colour = "#b00020" if used > available else "#00703c"
        self._summary.value = (f'<span style="color:{colour}"><b>{used:g} of {available} min</b></span> planned: a '
                               f"{duration}-minute meeting less {duration - available} min for the opening and "
                               "the close. Must-ask questions are marked ★.")
        rows = []
        for pos, text, minutes, must in zip(plan["position"], plan["text"], plan["minutes"], plan["must_ask"],
                                            strict=True):
            up = w.Button(description="↑", tooltip="Ask earlier", layout=_SMALL)
            down = w.Button(description="↓", tooltip="Ask later", layout=_SMALL)
            drop = w.Button(description="✕", tooltip="Drop this question", layout=_SMALL)
            label = w.HTML(f'<span style="color:#555">{pos}. {minutes:g} min{" ★" if must else ""}</span> '
                           f"{html.escape(str(text))}", layout=_WIDE)
            up.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, -1)))
            down.on_click(lambda _b, t=str(text): self._run(lambda: self.move(t, +1)))
            drop.on_click(lambda _b, t=str(text): self._run(lambda: self.drop(t)))
            rows.append(w.HBox([up, down, drop, label]))
        self._rows.children = rows
        self._new.options = planning.left_out_questions(self._wb, self._mid)

    def _changed(self, before: pd.DataFrame, verb: str) -> str:
        self._render()
        gone = [t for t in before["text"] if t not in set(self.plan["text"])]
        used, available = planning.plan_budget(self._wb, self._mid)
        note = f" Left out to make room: {'; '.join(gone)}." if gone else ""
        return f"{verb} ({used:g} of {available} min).{note}"

    def move(self, text: str, step: int) -> str:
        """Move a question `step` places (negative: earlier)."""
        planning.move_question(self._wb, self._mid, text, step)
        self._render()
        return f"Moved: {text}"

    def drop(self, text: str) -> str:
        """Take a question out of the plan."""
        planning.replan(self._wb, self._mid, dropped=[text])
        self._render()
        used, available = planning.plan_budget(self._wb, self._mid)
        return f"Dropped: {text} ({used:g} of {available} min)."

    def submit(self) -> str:
        """Add the question typed (or picked) in the box, before the closing questions."""
        text = " ".join(self._new.value.split())
        if not text:
            raise InfoviewError("type a question first, or pick one left out of the plan")
        before = self.plan
        if text.casefold() in {str(t).casefold() for t in before["text"]}:
            raise InfoviewError(f"already in the plan: {text}")
        planning.replan(self._wb, self._mid, extra=[text])
        self._new.value = ""
        return self._changed(before, f"Added: {text}")

    def reset(self) -> str:
        """Replace the plan with the suggested one (answers already logged are kept)."""
        planning.ensure_plan(self._wb, self._mid, reset=True)
        self._render()
        return "Back to the suggested plan."


# ------------------------------------------------------------------------ keeping time


class MeetingTimer(_Panel):
    """A meeting timer over :class:`interviews.MeetingClock`: elapsed and remaining time, the
    question you should be on and its budget, a warning before the agreed end and a "wrap up
    and thank them" prompt. Start and Stop record the actual times in the workbook
    (:func:`planning.start_meeting`, :func:`planning.end_meeting`).

    Parameters
    ----------
    wb, meeting_id
        The workbook and the meeting.
    now
        The time source (aware datetimes); the real time by default. Tests pass their own.
    tick_s
        Seconds between display updates while the clock runs (a background thread, stopped by
        Stop); None: no thread, call :meth:`refresh` yourself.
    warn_min
        Minutes before the agreed end for the warning.
    """

    def __init__(self, wb: Workbook, meeting_id: int, *, now: Callable[[], dt.datetime] | None = None,
                 tick_s: float | None = 1.0, warn_min: int = 3) -> None:
        from .interviews import MeetingClock

        self._wb = wb
        self._mid = int(meeting_id)
        self._now = now or _utcnow
        self._tick_s = tick_s
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        m = wb.meeting(self._mid)
        self._zone = ZoneInfo(m["timezone"])
        self._planned = int(m["duration_min"])
        plan = wb.questions(self._mid)
        self._count = len(plan)
        self._clock = MeetingClock(self._planned, plan, warn_min=min(warn_min, self._planned - 1))
        self.state: dict[str, Any] = {}
        # create
        self._time = w.HTML()
        self._bar = w.FloatProgress(value=0, min=0, max=self._planned * 60, layout=_WIDE)
        self._question = w.HTML(layout=_WIDE)
        self._prompt = w.HTML(layout=_WIDE)
        self._stop = w.Button(description="Stop the clock", icon="stop", button_style="warning")
        # lay out
        super().__init__(f"Keep time: {planning.describe_meeting(wb, self._mid)}",
                         [self._time, self._bar, self._question, self._prompt], "Start the clock", [self._stop])
        self._button.icon = "play"
        # observe
        self._stop.on_click(lambda _b: self._run(self.stop))
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
        return self._clock.started_at is not None and self._clock.stopped_at is None

    @property
    def ticking(self) -> bool:
        """True while the background thread updates the display."""
        return self._thread is not None and self._thread.is_alive()

    def submit(self) -> str:
        """Start the clock now and record the actual start."""
        if self._clock.started_at is not None:
            started = self._clock.started_at.astimezone(self._zone)
            if self.running:
                raise InfoviewError(f"the clock is already running, since {started:%H:%M}")
            raise InfoviewError(f"this meeting was already timed from {started:%H:%M}; correct the times in the "
                                "meeting log if they are wrong")
        status = self._wb.meeting(self._mid)["status"]
        if status in ("held", "cancelled"):
            raise InfoviewError(f"this meeting is already {status}; correct its times in the meeting log")
        at = self._now()
        planning.start_meeting(self._wb, self._mid, at)
        self._clock.start(at)
        self._tick()
        self.refresh(at)
        return f"Started at {at.astimezone(self._zone):%H:%M}. Keep your watch in view, not your phone."

    def stop(self) -> str:
        """Stop the clock now and record the actual end: the meeting is held."""
        if not self.running:
            raise InfoviewError("start the clock first" if self._clock.started_at is None
                                else "the clock is already stopped")
        at = self._now()
        self.close()
        due = planning.end_meeting(self._wb, self._mid, at)
        self._clock.stop(at)
        self.refresh(at)
        minutes = round((at - self._clock.started_at).total_seconds() / 60) if self._clock.started_at else 0
        return (f"Stopped at {at.astimezone(self._zone):%H:%M} after {minutes} min (planned {self._planned}). "
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


class MeetingLogForm(_Panel):
    """Log a meeting: the times, an answer or note per question, notes, advice, the names they
    suggested (one per line; each becomes a contact referred by them), resources and next
    steps. Saving calls :func:`planning.log_meeting_notes`, which drafts the thank-you once the
    meeting is held."""

    def __init__(self, wb: Workbook, meeting_id: int, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self._wb = wb
        self._mid = int(meeting_id)
        self._now = now or _utcnow
        self.result: planning.MeetingLog | None = None
        m = wb.meeting(self._mid)
        self._tzname = m["timezone"]
        contact = wb.contact(m["contact_id"])
        self._who = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        # create
        self._start = _text("Started at", "14:00 (or leave empty)")
        self._end = _text("Ended at", "14:28: the end marks the meeting held")
        self._answers: list[tuple[str, w.Textarea]] = []
        labelled: list[w.Widget] = []
        plan = wb.questions(self._mid)
        for pos, text, answer in zip(plan["position"], plan["text"], plan["answer"].astype(object), strict=True):
            area = w.Textarea(placeholder="Their answer, or your note", layout=_WIDE)
            area.value = answer if isinstance(answer, str) else ""
            self._answers.append((str(text), area))
            labelled += [w.HTML(f"<b>{pos}.</b> {html.escape(str(text))}", layout=_WIDE), area]
        self._notes = self._area("Notes", "What was said that you want to remember")
        self._advice = self._area("Advice", "The advice they gave you: the thank-you quotes it")
        self._names = self._area("Names suggested", "One per line, e.g. Jordan Pike, Cobalt Health")
        self._resources = self._area("Resources", "Books, courses, groups, links")
        self._next = self._area("Next steps", "Alex: ... Helen: ... (promised on both sides)")
        self._suggested = w.HTML()
        # lay out
        super().__init__(f"Meeting log: {planning.describe_meeting(wb, self._mid)}",
                         [self._start, self._end, *labelled, self._notes, self._advice, self._names,
                          self._suggested, self._resources, self._next], "Save log")
        self._button.icon = "save"
        self._load()

    def _area(self, description: str, placeholder: str) -> w.Textarea:
        return w.Textarea(description=description, placeholder=placeholder, layout=_WIDE, style=_STYLE)

    def _load(self) -> None:
        """Fill the form from the workbook and remember what it showed."""
        m = self._wb.meeting(self._mid)
        zone = ZoneInfo(self._tzname)
        for box, col in ((self._start, "actual_start"), (self._end, "actual_end")):
            box.value = f"{dt.datetime.fromisoformat(m[col]).astimezone(zone):%H:%M}" if m[col] else ""
        for box, col in ((self._notes, "notes"), (self._advice, "advice"), (self._resources, "resources"),
                         (self._next, "next_steps")):
            box.value = m[col] or ""
        answers = dict(zip(self._wb.questions(self._mid)["text"], self._wb.questions(self._mid)["answer"],
                           strict=True))
        for text, area in self._answers:
            area.value = answers.get(text) if isinstance(answers.get(text), str) else ""
        people = planning.referrals_of(self._wb, self._mid)
        names = ", ".join(html.escape(str(n)) for n in people["name"])
        who = html.escape(self._who)
        self._suggested.value = (f'<span style="color:#555">In your contacts, referred by {who}: {names}</span>'
                                 if names else "")
        self._shown = {id(b): b.value for b in (self._start, self._end, self._notes, self._advice, self._resources,
                                                 self._next, *(a for _, a in self._answers))}

    def _changed(self, box: w.Text | w.Textarea) -> str | None:
        """The box's text if the user changed it since it was filled (\"\" clears), else None."""
        value = box.value.strip()
        return value if value != (self._shown.get(id(box)) or "").strip() else None

    def submit(self) -> str:
        """Save the log; once the meeting is held, draft the thank-you and plan the referral ask."""
        answers = {text: value for text, area in self._answers if (value := self._changed(area)) is not None}
        self.result = planning.log_meeting_notes(
            self._wb, self._mid, actual_start=self._changed(self._start) or None,
            actual_end=self._changed(self._end) or None, answers=answers or None, notes=self._changed(self._notes),
            advice=self._changed(self._advice), resources=self._changed(self._resources),
            next_steps=self._changed(self._next), referrals=self._names.value, at=self._now())
        self._names.value = ""  # they are listed below the box now
        self._load()
        return self.result.summary(self._tzname)


# ------------------------------------------------------------------------ the brief


def brief_frame(document: str, *, height: str = "40rem") -> HTML:
    """Show an HTML document (a brief) in a frame of its own, so its page styles stay inside it."""
    from IPython.display import HTML

    style = f"width:100%;max-width:52rem;height:{html.escape(height)};border:1px solid #ccc"
    return HTML(f'<div class="infoview-brief"><iframe title="Meeting brief" style="{style}" '
                f'srcdoc="{html.escape(document, quote=True)}"></iframe></div>')
