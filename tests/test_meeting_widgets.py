"""The widgets of step 4 without a browser: set values, click buttons, assert on the workbook and on
the (escaped) status line. The timer runs on an injected clock."""

from __future__ import annotations

import base64
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from infoview_kit import planning
from infoview_kit.calendars import read_ics
from infoview_kit.meeting_widgets import MeetingLogForm, MeetingTimer, QuestionPlanEditor, ScheduleForm, brief_frame

from .conftest import failed, ok

CHICAGO = ZoneInfo("America/Chicago")
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


class FakeClock:
    """A time source the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def helen(wb) -> int:
    mid = planning.pick_meeting(wb, "Helen Whitaker")
    assert mid is not None
    return mid


# ------------------------------------------------------------------ schedule


def test_schedule_form_proposes_confirms_and_cancels_with_one_calendar_entry(demo_wb, tmp_path):
    clock = FakeClock(dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC))
    form = ScheduleForm(demo_wb, out_dir=tmp_path / "out", now=clock)
    tariq = demo_wb.find_contact("Tariq Rahman")
    form._contact.value = tariq
    form._date.value = dt.date(2026, 12, 3)
    form._time.value = dt.time(15, 0)
    form._minutes.value = 20
    form._place.value = "https://meet.example.org/tariq"
    assert form._zone.value == "America/Chicago", "the profile's time zone by default"

    form._button.click()
    assert "Proposed: Tariq Rahman" in ok(form)
    mid = form.meeting_id
    assert mid is not None and form._meeting.value == mid, "the form now shows the meeting it made"
    m = demo_wb.meeting(mid)
    assert (m["status"], m["duration_min"], m["contact_id"]) == ("proposed", 20, tariq)
    ics = tmp_path / "out" / planning.calendar_filename(demo_wb, mid)
    assert read_ics(ics)[0]["status"] == "TENTATIVE"
    link = form._calendar.value
    data = base64.b64decode(link.split("base64,")[1].split('"')[0])
    assert read_ics(data)[0]["uid"] == m["uid"], "the download link holds the same calendar file"

    form._confirm.click()
    assert "Confirmed" in ok(form)
    event = read_ics(ics)[0]
    assert (demo_wb.meeting(mid)["status"], event["status"], event["sequence"]) == ("confirmed", "CONFIRMED", 1)

    form._time.value = dt.time(16, 30)
    assert form._button.description == "Save changes"
    form._button.click()
    event = read_ics(ics)[0]
    assert event["start"] == dt.datetime(2026, 12, 3, 16, 30, tzinfo=CHICAGO) and event["sequence"] == 2

    form._cancel.click()
    assert "Cancelled" in ok(form)
    event = read_ics(ics)[0]
    assert (event["method"], event["uid"], event["sequence"]) == ("CANCEL", m["uid"], 3)
    assert form._meeting.value == 0 and mid not in [v for _, v in form._meeting.options]
    assert len(list((tmp_path / "out").iterdir())) == 1


def test_schedule_form_shows_errors_escaped_and_needs_a_date(demo_wb):
    form = ScheduleForm(demo_wb)
    form._button.click()
    assert "choose a date" in failed(form)
    form._date.value = dt.date(2026, 12, 3)
    form._zone.value = HOSTILE
    form._button.click()
    assert ESCAPED in failed(form) and HOSTILE not in form.status
    form._cancel.click()
    assert "choose the meeting to cancel" in failed(form)


def test_schedule_form_on_an_empty_workbook_says_to_add_contacts_first(new_wb):
    form = ScheduleForm(new_wb)
    assert form._meeting.options == (("New meeting", 0),)
    form._date.value = dt.date(2026, 12, 3)
    form._button.click()
    assert "add contacts in notebook 01" in failed(form)


def test_schedule_form_fills_in_an_existing_meeting(demo_wb):
    form = ScheduleForm(demo_wb)
    mid = helen(demo_wb)
    form._meeting.value = mid
    assert form._contact.value == demo_wb.meeting(mid)["contact_id"] and form._contact.disabled
    assert (form._date.value, form._time.value) == (dt.date(2026, 11, 24), dt.time(14, 0))
    assert form._place.value == "https://meet.example.com/helen-alex"


# ------------------------------------------------------------------ question plan


def test_plan_editor_reorders_adds_and_drops_through_the_store(demo_wb):
    mid = helen(demo_wb)
    editor = QuestionPlanEditor(demo_wb, mid)
    texts = demo_wb.questions(mid)["text"].tolist()
    assert len(editor._rows.children) == len(texts) and "25 of 25 min" in editor._summary.value

    editor._rows.children[0].children[1].click()  # first question: down
    assert "Moved" in ok(editor)
    assert demo_wb.questions(mid)["text"].tolist()[:2] == [texts[1], texts[0]]
    editor._rows.children[1].children[0].click()  # it again: up
    assert demo_wb.questions(mid)["text"].tolist() == texts

    editor._new.value = f"What would you tell {HOSTILE} about this field?"
    editor._button.click()
    status = ok(editor)
    assert ESCAPED in status and HOSTILE not in status and "Left out to make room" in status
    assert HOSTILE not in "".join(row.children[3].value for row in editor._rows.children)
    plan = demo_wb.questions(mid)
    assert plan["text"].str.contains("about this field", regex=False).sum() == 1
    used, available = planning.plan_budget(demo_wb, mid)
    assert used <= available

    last = len(editor._rows.children) - 1
    dropped = demo_wb.questions(mid)["text"].iloc[last]
    editor._rows.children[last].children[2].click()
    assert "Dropped" in ok(editor)
    assert dropped not in demo_wb.questions(mid)["text"].tolist()
    assert dropped in editor._new.options or demo_wb.questions(mid)["theme"].iloc[-1] == "closing"

    editor._reset.click()
    assert demo_wb.questions(mid)["text"].tolist() == texts


def test_plan_editor_refuses_online_questions_duplicates_and_empty_text(demo_wb):
    editor = QuestionPlanEditor(demo_wb, helen(demo_wb))
    editor._button.click()
    assert "type a question first" in failed(editor)
    editor._new.value = "Where did you work before?"
    editor._button.click()
    assert "past employers are on their profile" in failed(editor)
    editor._new.value = editor.plan["text"].iloc[0]
    editor._button.click()
    assert "already in the plan" in failed(editor)


# ------------------------------------------------------------------ timer


def test_timer_walks_through_the_meeting_on_an_injected_clock_and_records_start_and_end(demo_wb):
    mid = helen(demo_wb)
    plan = planning.ensure_plan(demo_wb, mid)
    n, first = len(plan), int(plan["minutes"].iloc[0])
    start = dt.datetime(2026, 11, 24, 20, 2, tzinfo=dt.UTC)
    clock = FakeClock(start)
    timer = MeetingTimer(demo_wb, mid, now=clock, tick_s=None)
    assert timer.state["phase"] == "not started" and f"{n} questions planned" in timer._question.value
    timer._stop.click()
    assert "start the clock first" in failed(timer)

    timer._button.click()
    assert "Started at 14:02" in ok(timer)
    assert demo_wb.meeting(mid)["actual_start"] == "2026-11-24T20:02:00+00:00"
    assert not timer.ticking, "no thread without tick_s"

    clock.advance(minutes=1)
    assert timer.refresh()["segment"] == "opening" and "Opening" in timer._question.value
    clock.advance(minutes=2)  # 3 min in: 1 minute into the first question (after a 2-minute opening)
    state = timer.refresh()
    assert (state["phase"], state["position"]) == ("running", 1)
    assert f"Question 1 of {n}" in timer._question.value
    assert f"{first - 1}:00 left of {first}:00" in timer._question.value
    assert "3:00 elapsed · 27:00 left" in timer._time.value
    clock.advance(minutes=25)  # 28 min in
    assert timer.refresh()["phase"] == "warning" and "2:00 left: move to your closing" in timer._prompt.value
    clock.advance(minutes=3)  # 31 min in
    assert timer.refresh()["phase"] == "wrap up" and "wrap up and thank them" in timer._prompt.value
    assert timer._bar.bar_style == "danger" and "1:00 over" in timer._time.value
    clock.advance(minutes=4)
    assert timer.refresh()["phase"] == "over" and "5:00 over the time you asked for" in timer._prompt.value

    timer._stop.click()
    assert "Stopped at 14:37 after 35 min (planned 30)" in ok(timer)
    m = demo_wb.meetings().set_index("id").loc[mid]
    assert (m["status"], m["actual_min"], m["duration_min"]) == ("held", 35.0, 30)
    thank_you = planning.meeting_followups(demo_wb, mid).set_index("kind").loc["thank_you", "due_at"]
    assert thank_you == clock.now + dt.timedelta(hours=24)
    assert timer.refresh(clock.advance(minutes=10))["phase"] == "stopped", "stays frozen at the stop"
    timer._button.click()
    assert "already timed" in failed(timer)
    timer._stop.click()
    assert "already stopped" in failed(timer)


def test_timer_ticks_in_a_background_thread_that_stop_ends(demo_wb):
    mid = helen(demo_wb)
    clock = FakeClock(dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC))
    timer = MeetingTimer(demo_wb, mid, now=clock, tick_s=0.02)
    assert not timer.ticking
    timer._button.click()
    assert timer.ticking
    clock.advance(minutes=28)
    deadline = time.monotonic() + 5
    while timer.state.get("phase") != "warning" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert timer.state["phase"] == "warning", "the thread refreshed the display by itself"
    timer._stop.click()
    assert not timer.ticking and demo_wb.meeting(mid)["status"] == "held"


def test_timer_of_a_meeting_already_held_shows_its_times_and_will_not_start_again(demo_wb):
    mateo = planning.pick_meeting(demo_wb, "Mateo Álvarez")
    assert mateo is not None
    timer = MeetingTimer(demo_wb, mateo, tick_s=None)
    assert timer.state["phase"] == "stopped" and "Stopped after 22:00 (planned 20 min)" in timer._prompt.value
    assert not timer.ticking
    timer._button.click()
    assert "already timed" in failed(timer)


# ------------------------------------------------------------------ log


def test_log_form_saves_answers_advice_and_referrals_and_drafts_the_thank_you(demo_wb):
    mid = helen(demo_wb)
    planning.ensure_plan(demo_wb, mid)
    clock = FakeClock(dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC))
    form = MeetingLogForm(demo_wb, mid, now=clock)
    text, area = form._answers[0]
    area.value = "Busy in spring; juniors via the cohort."
    form._start.value = "14:02"
    form._end.value = "14:29"
    form._advice.value = "Apply to the spring analyst cohort."
    form._next.value = "Alex: sign up for the cohort alert. Helen: share the date."
    form._names.value = f"Quinn Marlowe, Meridian Insurance\n{HOSTILE}"
    form._button.click()
    status = ok(form)
    assert "the meeting is held" in status and "Thank-you draft ready" in status
    assert ESCAPED in status and HOSTILE not in status
    assert form.result is not None and form.result.closing is not None
    m = demo_wb.meeting(mid)
    assert (m["status"], m["advice"]) == ("held", "Apply to the spring analyst cohort.")
    assert demo_wb.questions(mid).set_index("text").loc[text, "answer"] == "Busy in spring; juniors via the cohort."
    quinn = demo_wb.contact(demo_wb.find_contact("Quinn Marlowe"))
    assert quinn["referred_by"] == m["contact_id"]
    thanks = demo_wb.message(form.result.closing.thank_you)
    assert "apply to the spring analyst cohort" in thanks["body"] and "sign up for the cohort alert" in thanks["body"]
    assert "referred by Helen Whitaker: Quinn Marlowe" in form._suggested.value and ESCAPED in form._suggested.value
    assert form._names.value == ""

    counts = demo_wb.table_counts()
    form._button.click()  # saving again changes nothing
    assert demo_wb.table_counts() == counts
    assert (form._start.value, form._end.value) == ("14:02", "14:29")


def test_log_form_keeps_times_the_timer_recorded_after_it_was_shown(demo_wb):
    mid = helen(demo_wb)
    form = MeetingLogForm(demo_wb, mid)
    start = dt.datetime(2026, 11, 24, 20, 1, tzinfo=dt.UTC)
    planning.start_meeting(demo_wb, mid, start)
    planning.end_meeting(demo_wb, mid, start + dt.timedelta(minutes=25))
    form._notes.value = "Good talk."
    form._button.click()
    ok(form)
    m = demo_wb.meeting(mid)
    assert (m["actual_start"], m["notes"]) == ("2026-11-24T20:01:00+00:00", "Good talk.")


def test_log_form_reports_a_bad_time(demo_wb):
    form = MeetingLogForm(demo_wb, helen(demo_wb))
    form._end.value = "half past two"
    form._button.click()
    assert "half past two" in failed(form)


@pytest.mark.parametrize("height", ["30rem", '"><script>alert(1)</script>'])
def test_brief_frame_keeps_the_brief_inside_its_own_frame(demo_wb, height):
    doc = planning.brief_html(demo_wb, helen(demo_wb))
    shown = brief_frame(doc, height=height).data
    assert shown.startswith('<div class="infoview-brief"><iframe') and "<style>" not in shown
    assert "<script>" not in shown
