"""The forms of step 4 in and after the meeting (ipywidgets): keep time, log the meeting, and send
the thank-you. Views only: every button is a call into :mod:`infoview_kit.interview`."""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InfoviewError
from infoview_kit.interview.clock import MeetingClock
from infoview_kit.interview.closing import close_the_loop, meeting_followups, meeting_thank_you
from infoview_kit.interview.log import MeetingLog, end_meeting, log_meeting_notes, logged_answers, start_meeting
from infoview_kit.interview.schedule import describe_meeting
from infoview_kit.views.forms import _STYLE, _text
from infoview_kit.views.interview import NO_MEETING, WIDE, MeetingPanel, utcnow

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

__all__ = ["MeetingLogForm", "MeetingTimer", "ThankYouPanel"]

log = logging.getLogger("infoview_kit")


def _mmss(seconds: int | None) -> str:
    s = max(0, int(seconds or 0))
    return f"{s // 60:d}:{s % 60:02d}"


# ------------------------------------------------------------------------ keeping time


class MeetingTimer(MeetingPanel):
    """A meeting timer over :class:`interviews.MeetingClock`: elapsed and remaining time, the
    question you should be on and its budget, a warning before the agreed end and a "wrap up
    and thank them" prompt. Start and Stop record the actual times in the workbook
    (:func:`start_meeting`, :func:`end_meeting`).

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
        self._now = now or utcnow
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
        self._bar = w.FloatProgress(value=0, min=0, max=1, layout=WIDE)
        self._question = w.HTML(layout=WIDE)
        self._prompt = w.HTML(layout=WIDE)
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
        if self._mid is None:
            self._set_title("Keep time")
            self._time.value, self._question.value, self._prompt.value = NO_MEETING, "", ""
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
        self._set_title(f"Keep time: {describe_meeting(self._wb, self._mid)}")
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
        start_meeting(self._wb, mid, at)
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
        due = end_meeting(self._wb, mid, at)
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


class MeetingLogForm(MeetingPanel):
    """Log a meeting: the times, an answer or note per question, notes, advice, the names they
    suggested (one per line; each becomes a contact referred by them), resources and next
    steps. Saving calls :func:`log_meeting_notes`, which drafts the thank-you once the
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
        self._now = now or utcnow
        self.result: MeetingLog | None = None
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
        return w.Textarea(description=description, placeholder=placeholder, layout=WIDE, style=_STYLE)

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
            f"{html.escape(describe_meeting(self._wb, meeting_id))}. This log stays on its meeting until "
            "you save what you typed (Save log) or discard it (Discard changes).</span>")
        return False

    # -------------------------------------------------------------- reading the workbook
    def _refresh(self, switched: bool = False) -> None:
        if switched:
            self._forget_typed()
        if self._mid is None:
            self._set_title("Meeting log")
            self._questions.children, self._suggested.value = (w.HTML(NO_MEETING),), ""
            self._button.disabled = self._discard.disabled = True
            return
        self._button.disabled = self._discard.disabled = False
        m = self._wb.meeting(self._mid)
        if switched:
            self._tzname = m["timezone"]
            contact = self._wb.contact(m["contact_id"])
            self._who = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        self._set_title(f"Meeting log: {describe_meeting(self._wb, self._mid)}")
        stored = self._stored(m)
        for key, box in self._boxes.items():
            self._sync(key, box, stored[key])
        answers = logged_answers(self._wb, self._mid)
        kept = [str(t) for t in self._wb.off_plan_answers(self._mid)["text"]]
        self._layout(self._wb.questions(self._mid), kept + self._answer_boxes(answers))
        if switched:
            self._show_referrals()

    def _forget_typed(self) -> None:
        """Another meeting: nothing typed for the last one applies to it."""
        self._base, self._areas, self._layout_key = {}, {}, None
        for box in (*self._boxes.values(), self._names):
            box.value = ""
        self._pending.value = ""

    def _stored(self, m: dict[str, Any]) -> dict[str, str]:
        """What the workbook holds for each box: the text fields, and the times as HH:MM in its zone."""
        zone = ZoneInfo(self._tzname)
        stored = {k: (m[k] or "") for k in self._FIELDS}
        for key, col in (("start", "actual_start"), ("end", "actual_end")):
            stored[key] = f"{dt.datetime.fromisoformat(m[col]).astimezone(zone):%H:%M}" if m[col] else ""
        return stored

    def _answer_boxes(self, answers: dict[str, str]) -> list[str]:
        """Give every question with a logged answer its box, showing the answer; drop the boxes of
        questions no longer there, except those with typed, unsaved text: return their questions."""
        for text, answer in answers.items():
            area = self._areas.get(text)
            if area is None:
                area = self._areas[text] = w.Textarea(placeholder="Their answer, or your note", layout=WIDE)
            self._sync("q:" + text, area, answer)
        typed: list[str] = []
        for text, area in list(self._areas.items()):
            if text in answers:
                continue
            if self._dirty("q:" + text, area) and area.value.strip():
                typed.append(text)  # typed under a question that left the plan and was never saved: kept too
            else:
                del self._areas[text]
        return typed

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
            children += [w.HTML(f"<b>{pos}.</b> {html.escape(text)}", layout=WIDE), area]
        if self._kept:
            children.append(w.HTML(
                '<div style="border-top:1px solid #ccc;margin-top:6px;padding-top:4px;line-height:1.45">'
                "<b>No longer in your plan</b><br><span style=\"color:#555\">What you wrote under questions you "
                "took out of the plan: kept here and saved with the log. Empty a box and save to let it "
                "go.</span></div>", layout=WIDE))
            for text, area in self._kept:
                children += [w.HTML(f"<i>{html.escape(text)}</i>", layout=WIDE), area]
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
        self.result = log_meeting_notes(
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


class ThankYouPanel(MeetingPanel):
    """After the meeting: its log, its follow-ups (thank-you, referral ask) and the thank-you
    draft, with **Sent** to mark the thank-you sent once you sent it from your mail program
    (:meth:`Workbook.mark_sent`; refused while it has blanks to fill, which are named) and
    **Draft the thank-you** when the meeting is held but nothing was drafted yet
    (:func:`close_the_loop`). Everything shown is read from the workbook.

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
        self._now = now or utcnow
        self._sent_here = sent_here
        self.message_id: int | None = None
        self._stamp = ""
        self._log = w.HTML(layout=WIDE)
        self._followups = w.HTML(layout=WIDE)
        self._draft = w.HTML(layout=WIDE)
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
        return meeting_thank_you(self._wb, self._mid)

    def _refresh(self, switched: bool = False) -> None:
        if self._mid is None:
            self._set_title("After the meeting")
            self._log.value, self._followups.value, self._draft.value = NO_MEETING, "", ""
            self._button.disabled = self._compose.disabled = True
            self.message_id = None
            return
        stamp = self._wb.meeting_stamp(self._mid)
        if stamp == self._stamp and not switched:
            return  # nothing it shows changed
        self._stamp = stamp
        m = self._wb.meeting(self._mid)
        zone = ZoneInfo(m["timezone"])
        self._set_title(f"After the meeting: {describe_meeting(self._wb, self._mid)}")
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
        fu = meeting_followups(self._wb, self._mid)
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
        """Draft the thank-you from the log (and plan the referral ask): :func:`close_the_loop`."""
        mid = self._need()
        closing = close_the_loop(self._wb, mid, at=self._now())
        self._refresh()
        if closing.thank_you is None:
            return "Nothing to draft: the thank-you was already sent."
        return f"Thank-you drafted (message {closing.thank_you}): read it below, then send it."
