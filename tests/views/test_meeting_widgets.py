"""The widgets of step 4 without a browser: set values, click buttons, assert on the workbook and on
the (escaped) status line. The timer runs on an injected clock."""

from __future__ import annotations

import base64
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from infoview_kit import interview
from infoview_kit.interview.calendars import read_ics
from infoview_kit.views.interview import QuestionPlanEditor, ScheduleForm, brief_frame
from infoview_kit.views.meeting import MeetingLogForm, MeetingTimer

from ..conftest import failed, ok

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
    mid = interview.pick_meeting(wb, "Helen Whitaker")
    assert mid is not None
    return mid


# ------------------------------------------------------------------ schedule


def test_schedule_form_proposes_confirms_moves_and_cancels_with_one_calendar_entry(demo_wb, tmp_path):
    clock = FakeClock(dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC))
    form = ScheduleForm(demo_wb, out_dir=tmp_path / "out", now=clock)
    tariq = demo_wb.find_contact("Tariq Rahman")
    form._meeting.value = 0
    form._person.search.value = "tariq"
    form._person._list.value = tariq  # click the name
    form._date.value = dt.date(2026, 12, 3)
    form._time.value = dt.time(15, 0)
    form._minutes.value = 20
    form._place.value = "https://meet.example.org/tariq"
    assert form._zone.value == "America/Chicago", "the profile's time zone by default"

    form._button.click()
    assert "Proposed: Tariq Rahman" in ok(form) and "20 min, proposed" in form.status
    mid = form.meeting_id
    assert mid is not None and form._meeting.value == mid, "the form now shows the meeting it made"
    assert demo_wb.current()["meeting_id"] == mid, "the new meeting is the one being worked on"
    m = demo_wb.meeting(mid)
    assert (m["status"], m["duration_min"], m["contact_id"]) == ("proposed", 20, tariq)
    ics = tmp_path / "out" / interview.calendar_filename(demo_wb, mid)
    assert read_ics(ics)[0]["status"] == "TENTATIVE"
    link = form._calendar.value
    data = base64.b64decode(link.split("base64,")[1].split('"')[0])
    assert read_ics(data)[0]["uid"] == m["uid"], "the download link holds the same calendar file"
    assert form._button.disabled and not form._move.disabled, "Propose is for a new meeting; Move for this one"

    form._confirm.click()
    assert "Confirmed" in ok(form)
    event = read_ics(ics)[0]
    assert (demo_wb.meeting(mid)["status"], event["status"], event["sequence"]) == ("confirmed", "CONFIRMED", 1)
    form._confirm.click()
    assert "Nothing changed: already confirmed" in ok(form)

    form._time.value = dt.time(16, 30)
    form._minutes.value = 30
    form._place.value = "Café Lumen, 4 Elm Street"
    form._move.click()
    assert "Moved: Tariq Rahman" in ok(form) and "16:30" in form.status and "30 min" in form.status
    event = read_ics(ics)[0]
    assert event["start"] == dt.datetime(2026, 12, 3, 16, 30, tzinfo=CHICAGO) and event["sequence"] == 2
    m = demo_wb.meeting(mid)
    assert (m["duration_min"], m["place"]) == (30, "Café Lumen, 4 Elm Street")
    form._move.click()
    assert "Nothing changed" in ok(form) and demo_wb.meeting(mid)["sequence"] == 2

    form._zone.value = "Europe/Berlin"  # same wall-clock time, another zone
    form._place.value = ""  # cleared
    form._move.click()
    m = demo_wb.meeting(mid)
    assert (m["timezone"], m["place"]) == ("Europe/Berlin", None) and "CET" in ok(form)
    assert interview.meeting_start(demo_wb, mid) == dt.datetime(2026, 12, 3, 16, 30, tzinfo=ZoneInfo("Europe/Berlin"))

    form._cancel.click()
    assert "Cancelled" in ok(form)
    event = read_ics(ics)[0]
    assert (event["method"], event["uid"], event["sequence"]) == ("CANCEL", m["uid"], 4)
    assert form._meeting.value == 0 and mid not in [v for _, v in form._meeting.options]
    assert len(list((tmp_path / "out").iterdir())) == 1


def test_schedule_form_shows_errors_escaped_and_needs_a_person_and_a_date(demo_wb):
    form = ScheduleForm(demo_wb)
    meetings = demo_wb.meetings()[["id", "status", "sequence"]].values.tolist()
    form._meeting.value = 0
    form._person.choose(None)
    form._date.value = dt.date(2026, 12, 3)
    form._button.click()
    assert "choose whom you are meeting" in failed(form)
    form._person.choose(demo_wb.find_contact("Tariq Rahman"))
    form._date.value = None
    form._button.click()
    assert "choose a date" in failed(form)
    form._date.value = dt.date(2026, 12, 3)
    form._zone.value = HOSTILE
    form._button.click()
    assert ESCAPED in failed(form) and HOSTILE not in form.status
    form._cancel.click()
    assert "choose the meeting to cancel" in failed(form)
    assert demo_wb.meetings()[["id", "status", "sequence"]].values.tolist() == meetings, "nothing written"


def test_schedule_form_on_an_empty_workbook_says_to_add_contacts_first(new_wb):
    form = ScheduleForm(new_wb)
    assert form._meeting.options == (("New meeting", 0),)
    form._date.value = dt.date(2026, 12, 3)
    form._button.click()
    assert "add contacts in notebook 01" in failed(form)


def test_schedule_form_fills_in_an_existing_meeting_and_follows_the_current_one(demo_wb):
    form = ScheduleForm(demo_wb)
    mid = helen(demo_wb)
    form._meeting.value = 0
    form._meeting.value = mid
    assert "Helen Whitaker" in form._with.value and form._person.layout.display == "none"
    assert (form._date.value, form._time.value) == (dt.date(2026, 11, 24), dt.time(14, 0))
    assert form._place.value == "https://meet.example.com/helen-alex"
    assert demo_wb.current()["meeting_id"] == mid, "choosing a meeting makes it the current one"

    other = interview.arrange_meeting(demo_wb, demo_wb.find_contact("Tariq Rahman"), "2026-12-03T15:00")
    assert form._meeting.value == other and form.meeting_id == other, "it follows the current meeting"
    form._time.value = dt.time(9, 0)  # typing a new time ...
    demo_wb.set_current(meeting_id=mid)
    assert form.meeting_id == other and form._time.value == dt.time(9, 0), "... is never overwritten"


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
    used, available = interview.plan_budget(demo_wb, mid)
    assert used <= available

    last = len(editor._rows.children) - 1
    dropped = demo_wb.questions(mid)["text"].iloc[last]
    editor._rows.children[last].children[2].click()
    assert "Deleted" in ok(editor)
    assert dropped not in demo_wb.questions(mid)["text"].tolist()
    assert dropped in editor._new.options or demo_wb.questions(mid)["theme"].iloc[-1] == "closing"

    editor._reset.click()
    assert demo_wb.questions(mid)["text"].tolist() == texts


def test_plan_editor_refuses_online_questions_duplicates_and_empty_text(demo_wb):
    editor = QuestionPlanEditor(demo_wb, helen(demo_wb))
    editor._button.click()
    assert "type a question first" in failed(editor)
    editor._new.value = "When did you join Meridian Insurance?"  # her research has the position, since 2022
    editor._button.click()
    assert "Position — Head of Talent Acquisition at Meridian Insurance, since 2022 (research item" in failed(editor)
    editor._new.value = editor.plan["text"].iloc[0]
    editor._button.click()
    assert "already in the plan" in failed(editor)


# ------------------------------------------------------------------ timer


def test_timer_walks_through_the_meeting_on_an_injected_clock_and_records_start_and_end(demo_wb):
    mid = helen(demo_wb)
    plan = interview.ensure_plan(demo_wb, mid)
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
    thank_you = interview.meeting_followups(demo_wb, mid).set_index("kind").loc["thank_you", "due_at"]
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
    mateo = interview.pick_meeting(demo_wb, "Mateo Álvarez")
    assert mateo is not None
    timer = MeetingTimer(demo_wb, mateo, tick_s=None)
    assert timer.state["phase"] == "stopped" and "Stopped after 22:00 (planned 20 min)" in timer._prompt.value
    assert not timer.ticking
    timer._button.click()
    assert "already timed" in failed(timer)


# ------------------------------------------------------------------ log


def test_log_form_saves_answers_advice_and_referrals_and_drafts_the_thank_you(demo_wb):
    mid = helen(demo_wb)
    interview.ensure_plan(demo_wb, mid)
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
    interview.start_meeting(demo_wb, mid, start)
    interview.end_meeting(demo_wb, mid, start + dt.timedelta(minutes=25))
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
    doc = interview.brief_html(demo_wb, helen(demo_wb))
    shown = brief_frame(doc, height=height).data
    assert shown.startswith('<div class="infoview-brief"><iframe') and "<style>" not in shown
    assert "<script>" not in shown


# ------------------------------------------------------------------ nothing typed is lost


def test_a_typed_answer_survives_its_question_leaving_the_plan_and_a_new_question_gets_a_field(demo_wb):
    """The issue's lost answer: the log form was drawn before the plan was edited."""
    mid = helen(demo_wb)
    interview.ensure_plan(demo_wb, mid)
    form = MeetingLogForm(demo_wb, mid)  # drawn first
    editor = QuestionPlanEditor(demo_wb, mid)
    texts = demo_wb.questions(mid)["text"].tolist()
    doomed = texts[1]
    dict(form._answers)[doomed].value = "Spring is the busy season."  # typed, not saved
    form._notes.value = "Warm and direct."

    editor._rows.children[1].children[2].click()  # delete that question in the editor
    assert "Deleted" in ok(editor) and doomed not in demo_wb.questions(mid)["text"].tolist()
    assert [t for t, _ in form._answers] == demo_wb.questions(mid)["text"].tolist(), "the form re-read the plan"
    assert form.kept == [(doomed, "Spring is the busy season.")], "the typed answer is kept, in view"
    assert "No longer in your plan" in "".join(c.value for c in form._questions.children if hasattr(c, "value")
                                               and isinstance(c.value, str))

    editor._new.value = "What would you tell a newcomer about this field?"
    editor._button.click()
    ok(editor)
    answers = dict(form._answers)
    assert "What would you tell a newcomer about this field?" in answers, "the new question has a field"
    answers["What would you tell a newcomer about this field?"].value = "Learn SQL properly."
    assert form._notes.value == "Warm and direct.", "typing elsewhere in the form is untouched"

    form._button.click()
    ok(form)
    kept = demo_wb.off_plan_answers(mid)
    assert kept[["text", "answer"]].values.tolist() == [[doomed, "Spring is the busy season."]]
    plan = demo_wb.questions(mid).set_index("text")
    assert plan.loc["What would you tell a newcomer about this field?", "answer"] == "Learn SQL properly."
    assert demo_wb.meeting(mid)["notes"] == "Warm and direct."
    assert form.unsaved == {} and form.kept == [(doomed, "Spring is the busy season.")]

    # a fresh form (a re-run notebook) shows the kept answer too; emptying it and saving lets it go
    again = MeetingLogForm(demo_wb, mid)
    assert again.kept == [(doomed, "Spring is the busy season.")]
    dict(again._kept)[doomed].value = ""
    again._button.click()
    ok(again)
    assert demo_wb.off_plan_answers(mid).empty and form.kept == [] and again.kept == []


def test_a_saved_answer_is_kept_when_its_question_is_deleted_and_returns_with_it(demo_wb):
    mid = helen(demo_wb)
    plan = interview.ensure_plan(demo_wb, mid)
    text = str(plan["text"].iloc[1])
    interview.log_meeting_notes(demo_wb, mid, answers={text: "Through a friend."})
    form = MeetingLogForm(demo_wb, mid)
    interview.replan(demo_wb, mid, dropped=[text])
    assert form.kept == [(text, "Through a friend.")] and text not in dict(form._answers)
    interview.ensure_plan(demo_wb, mid, reset=True)  # back to the suggested plan: the question returns
    assert demo_wb.off_plan_answers(mid).empty and form.kept == []
    assert dict(form._answers)[text].value == "Through a friend."
    assert demo_wb.questions(mid).set_index("text").loc[text, "answer"] == "Through a friend."


def test_the_log_form_stays_on_its_meeting_while_something_typed_is_unsaved(demo_wb):
    mid = helen(demo_wb)
    mateo = interview.pick_meeting(demo_wb, "Mateo Álvarez")
    demo_wb.set_current(meeting_id=mid)
    form = MeetingLogForm(demo_wb)
    assert form.meeting_id == mid, "it opens on the current meeting"
    form._advice.value = "Ask about the cohort."
    demo_wb.set_current(meeting_id=mateo)
    assert form.meeting_id == mid and form._advice.value == "Ask about the cohort."
    assert "stays on its meeting" in form._pending.value
    form._button.click()
    ok(form)
    assert demo_wb.meeting(mid)["advice"] == "Ask about the cohort."
    assert form.meeting_id == mateo, "once saved it follows the current meeting"
    assert form._advice.value == (demo_wb.meeting(mateo)["advice"] or "")

    form._notes.value = "scribble"
    demo_wb.set_current(meeting_id=mid)
    assert form.meeting_id == mateo
    form._discard.click()
    assert "Discarded" in ok(form) and form.meeting_id == mid and form._notes.value == (
        demo_wb.meeting(mid)["notes"] or "")


def test_saving_an_unchanged_log_says_nothing_changed(demo_wb):
    form = MeetingLogForm(demo_wb, helen(demo_wb))
    counts = demo_wb.table_counts()
    version = demo_wb.version
    form._button.click()
    assert "Nothing changed" in ok(form) and demo_wb.table_counts() == counts and demo_wb.version == version


# ------------------------------------------------------------------ the meeting being worked on


def test_the_meeting_picker_sets_the_current_meeting_and_every_panel_follows(demo_wb):
    from infoview_kit.views.interview import MeetingPicker
    from infoview_kit.views.meeting import ThankYouPanel

    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    mid, mateo = helen(demo_wb), interview.pick_meeting(demo_wb, "Mateo Álvarez")
    demo_wb.set_current(meeting_id=mid)
    picker = MeetingPicker(demo_wb, now=now)
    ids = [v for _, v in picker.options]
    assert picker.value == mid and ids[:2] == [mid, 8], "meetings ahead first, soonest first"
    assert ids[2] == 7 and ids[-1] == 1, "then past ones, newest first"
    panels = [QuestionPlanEditor(demo_wb), MeetingTimer(demo_wb, tick_s=None), MeetingLogForm(demo_wb),
              ThankYouPanel(demo_wb)]
    assert [p.meeting_id for p in panels] == [mid] * 4

    picker.choose(mateo)
    assert demo_wb.current()["meeting_id"] == mateo
    assert [p.meeting_id for p in panels] == [mateo] * 4
    assert "Mateo" in panels[0]._title.value and panels[1].state["phase"] == "stopped"
    interview.arrange_meeting(demo_wb, None, "2026-11-24T15:00", meeting_id=mid)  # moving Helen makes her current
    assert picker.value == mid and [p.meeting_id for p in panels] == [mid] * 4
    assert "15:00" in dict(picker.options and [(v, k) for k, v in picker.options])[mid]


def test_pick_meeting_prefers_the_current_meeting_even_once_held_and_a_name_sets_it(demo_wb):
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    assert interview.pick_meeting(demo_wb, now=now) == 9, "no current meeting: the next confirmed one"
    mid = helen(demo_wb)
    assert demo_wb.current()["meeting_id"] == mid, "a name sets the current meeting"
    interview.log_meeting_notes(demo_wb, mid, actual_start="14:00", actual_end="14:25")
    later = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    assert interview.pick_meeting(demo_wb, now=later) == mid, "held: still the one shown"
    kenji = interview.pick_meeting(demo_wb, "Kenji Morimoto")
    demo_wb.cancel_meeting(kenji)
    assert demo_wb.current()["meeting_id"] == kenji
    assert interview.pick_meeting(demo_wb, now=later) == mid, "a cancelled one is passed over: the latest held"


# ------------------------------------------------------------------ after the meeting


def test_thank_you_panel_drafts_refuses_sent_with_blanks_then_marks_it_sent(demo_wb):
    from infoview_kit.views.meeting import ThankYouPanel

    mid = helen(demo_wb)
    clock = FakeClock(dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC))
    panel = ThankYouPanel(demo_wb, mid, now=clock)
    assert "Not held yet" in panel._log.value and panel._button.disabled and panel._compose.disabled
    timer = MeetingTimer(demo_wb, mid, now=clock, tick_s=None)
    timer._button.click()
    clock.advance(minutes=26)
    timer._stop.click()
    assert "thank you" in panel._followups.value and "due Wed 25 Nov 15:26" in panel._followups.value
    assert not panel._compose.disabled and panel.message_id is None
    panel._compose.click()
    assert "Thank-you drafted" in ok(panel) and panel.message_id is not None
    assert "[advice]" in panel._draft.value

    panel._button.click()  # Sent
    status = failed(panel)
    assert "advice" in status and "next_step" in status, "the blanks are named"
    assert demo_wb.message(panel.message_id)["status"] == "draft"

    form = MeetingLogForm(demo_wb, mid, now=clock)
    form._advice.value = "Apply to the spring analyst cohort."
    form._next.value = "Alex: sign up for the cohort alert."
    form._button.click()
    ok(form)
    assert "apply to the spring analyst cohort" in panel._draft.value, "the panel re-read the new draft"
    assert "Apply to the spring analyst cohort." in panel._log.value

    panel._button.click()
    status = ok(panel)
    assert "Marked sent" in status and f"message {panel.message_id}" in status
    msg = demo_wb.message(panel.message_id)
    assert msg["status"] == "sent" and msg["sent_at"] == "2026-11-24T21:26:00+00:00"
    fu = interview.meeting_followups(demo_wb, mid).set_index("kind")
    assert not pd.isna(fu.loc["thank_you", "done_at"])
    assert panel._button.disabled and "Sent Tue 24 Nov" in panel._draft.value
