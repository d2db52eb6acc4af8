"""Step 4 from the workbook: scheduling and calendar files, the question plan, the brief, the log and
the closing loop (thank-you and referral ask), and notebook 04 under papermill."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit import interview
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.interview.calendars import read_ics
from infoview_kit.workbook import Workbook

from ..conftest import DEMO_REPORT_TODAY

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=CHICAGO)


def helen(wb: Workbook) -> int:
    mid = interview.pick_meeting(wb, "Helen Whitaker")
    assert mid is not None
    return mid


def only(entries: list[dict]) -> dict:
    assert len(entries) == 1
    return entries[0]


def log_helen(wb: Workbook, **extra: object) -> interview.MeetingLog:
    args: dict[str, object] = {
        "actual_start": "14:02", "actual_end": "14:29", "at": NOW,
        "advice": "Apply to the spring analyst cohort and practise timed SQL tests.",
        "next_steps": "Alex: sign up for the cohort alert. Helen: share the cohort opening date."}
    args.update(extra)
    return interview.log_meeting_notes(wb, helen(wb), **args)  # type: ignore[arg-type]


# ------------------------------------------------------------------ calendar files


def test_the_demo_meeting_calendar_file_reads_back_with_its_instant_alarm_uid_and_sequence(demo_wb, tmp_path):
    mid = helen(demo_wb)
    row = demo_wb.meeting(mid)
    path = interview.meeting_calendar(demo_wb, mid, tmp_path, dtstamp=NOW)
    assert path.name == f"{mid:04d}-meeting-Helen_Whitaker.ics"
    event = only(read_ics(path))
    assert event["start"] == dt.datetime(2026, 11, 24, 14, 0, tzinfo=CHICAGO)
    assert event["start"].astimezone(dt.UTC) == dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)
    assert event["end"] - event["start"] == dt.timedelta(minutes=30)
    assert (event["uid"], event["sequence"]) == (row["uid"], 0)
    assert (event["method"], event["status"]) == ("PUBLISH", "CONFIRMED")
    assert event["alarms"] == [{"action": "DISPLAY", "trigger": dt.timedelta(minutes=-interview.ALARM_MIN)}]
    assert event["url"] == event["location"] == "https://meet.example.com/helen-alex"
    assert "Helen Whitaker" in event["summary"] and "watch" in event["description"]
    # the same inputs give the same bytes (reports are reproducible)
    assert interview.meeting_ics_bytes(demo_wb, mid, dtstamp=NOW) == path.read_bytes()


def test_reschedule_then_cancel_rewrites_the_same_file_with_the_same_uid_and_a_higher_sequence(demo_wb, tmp_path):
    mid = helen(demo_wb)
    uid = demo_wb.meeting(mid)["uid"]
    interview.arrange_meeting(demo_wb, demo_wb.meeting(mid)["contact_id"], "2026-12-02T09:30", meeting_id=mid,
                             duration_min=20, at=NOW)
    out = tmp_path / "out"
    path = interview.meeting_calendar(demo_wb, mid, out, dtstamp=NOW)
    moved = only(read_ics(path))
    assert (moved["uid"], moved["sequence"]) == (uid, 1)
    assert moved["start"] == dt.datetime(2026, 12, 2, 9, 30, tzinfo=CHICAGO)
    assert moved["end"] - moved["start"] == dt.timedelta(minutes=20)

    assert demo_wb.cancel_meeting(mid, at=NOW)
    again = interview.meeting_calendar(demo_wb, mid, out, dtstamp=NOW)
    assert again == path and len(list(out.iterdir())) == 1
    cancelled = only(read_ics(again))
    assert (cancelled["uid"], cancelled["sequence"]) == (uid, 2)
    assert (cancelled["method"], cancelled["status"]) == ("CANCEL", "CANCELLED")
    assert cancelled["alarms"] == []


@pytest.mark.parametrize(("tz", "local", "utc"), [
    ("Europe/London", "2026-03-27T09:30", dt.datetime(2026, 3, 27, 9, 30, tzinfo=dt.UTC)),   # GMT
    ("Europe/London", "2026-03-30T09:30", dt.datetime(2026, 3, 30, 8, 30, tzinfo=dt.UTC)),   # BST from 29 Mar
    ("America/Chicago", "2026-10-30T09:30", dt.datetime(2026, 10, 30, 14, 30, tzinfo=dt.UTC)),  # CDT
    ("America/Chicago", "2026-11-02T09:30", dt.datetime(2026, 11, 2, 15, 30, tzinfo=dt.UTC)),   # CST from 1 Nov
    ("Australia/Sydney", "2026-04-06T09:30", dt.datetime(2026, 4, 5, 23, 30, tzinfo=dt.UTC)),  # AEST
])
def test_meetings_in_any_time_zone_read_back_at_the_right_instant_across_daylight_saving(demo_wb, tmp_path, tz,
                                                                                       local, utc):
    cid = demo_wb.find_contact("Kenji Morimoto")
    mid = interview.arrange_meeting(demo_wb, cid, local, timezone=tz, place="Video call", confirmed=True, at=NOW)
    event = only(read_ics(interview.meeting_calendar(demo_wb, mid, tmp_path, dtstamp=NOW)))
    assert event["start"] == utc
    assert str(event["start"].tzinfo) == tz
    assert interview.meeting_start(demo_wb, mid) == utc


def test_a_proposed_meeting_is_tentative_until_confirmed_then_the_same_entry_updates(demo_wb, tmp_path):
    cid = demo_wb.find_contact("Tariq Rahman")
    mid = interview.propose_meeting(demo_wb, cid, "2026-12-03T15:00", duration_min=20, place="Cafe <b>Nero</b>",
                                   at=NOW)
    assert demo_wb.meeting(mid)["status"] == "proposed"
    assert interview.pick_meeting(demo_wb, now=NOW) != mid, "a proposed meeting is not prepared yet"
    first = only(read_ics(interview.meeting_ics_bytes(demo_wb, mid, dtstamp=NOW)))
    assert (first["status"], first["sequence"], first["location"]) == ("TENTATIVE", 0, "Cafe <b>Nero</b>")

    assert interview.confirm_meeting(demo_wb, mid, at=NOW) is True
    assert interview.confirm_meeting(demo_wb, mid, at=NOW) is False
    second = only(read_ics(interview.meeting_calendar(demo_wb, mid, tmp_path, dtstamp=NOW)))
    assert (second["uid"], second["status"], second["sequence"]) == (first["uid"], "CONFIRMED", 1)
    events = demo_wb.events()
    assert (events["kind"] == "meeting_confirmed").sum() == 1

    demo_wb.cancel_meeting(mid, at=NOW)
    with pytest.raises(InputFormatError, match="cancelled"):
        interview.confirm_meeting(demo_wb, mid)


def test_arranging_a_new_meeting_as_confirmed_and_a_bad_time_zone_says_what_is_expected(demo_wb):
    cid = demo_wb.find_contact("Tariq Rahman")
    mid = interview.arrange_meeting(demo_wb, cid, dt.datetime(2026, 12, 3, 15, 0), confirmed=True, at=NOW)
    assert demo_wb.meeting(mid)["status"] == "confirmed"
    assert demo_wb.meeting(mid)["timezone"] == "America/Chicago", "the profile's time zone by default"
    with pytest.raises(InputFormatError, match="IANA"):
        interview.arrange_meeting(demo_wb, cid, "2026-12-04T15:00", timezone="Mars/Olympus_Mons")


def test_an_empty_workbook_has_no_meeting_to_pick_and_nothing_to_export(new_wb, tmp_path):
    assert interview.pick_meeting(new_wb, required=False) is None
    with pytest.raises(NotFoundError, match="schedule one"):
        interview.pick_meeting(new_wb)
    overview = interview.meetings_overview(new_wb)
    assert overview.empty and list(overview.columns) == interview.OVERVIEW_COLUMNS
    assert interview.export_meeting_files(new_wb, tmp_path, now=NOW) == []


def test_meetings_overview_shows_local_times(demo_wb):
    overview = interview.meetings_overview(demo_wb).set_index("name")
    assert overview.loc["Helen Whitaker", "when"] == "Tue 24 Nov 2026 14:00 CST"
    assert overview.loc["Mateo Álvarez", "actual_min"] == 22.0


# ------------------------------------------------------------------ the question plan


def plan_minutes(wb: Workbook, mid: int) -> tuple[float, int]:
    used, available = interview.plan_budget(wb, mid)
    assert used <= available, f"{used} minutes planned, only {available} available"
    return used, available


def test_the_suggested_plan_is_saved_once_and_fits_the_meeting_less_the_buffer(demo_wb):
    mid = helen(demo_wb)
    plan = interview.ensure_plan(demo_wb, mid)
    assert not plan.empty and list(plan["position"]) == list(range(1, len(plan) + 1))
    assert plan_minutes(demo_wb, mid) == (25.0, 25)  # 30 minutes less 2 to open and 3 to close
    assert plan["theme"].iloc[-1] == "closing"
    assert "data analyst" in plan["text"].iloc[0], "a recruiter is asked about the role you want, not theirs"
    before = demo_wb.table_counts()
    assert interview.ensure_plan(demo_wb, mid)["text"].tolist() == plan["text"].tolist()
    assert demo_wb.table_counts() == before


def test_reorder_add_and_drop_questions_and_never_exceed_the_time(demo_wb):
    mid = helen(demo_wb)
    texts = interview.ensure_plan(demo_wb, mid)["text"].tolist()

    moved = interview.move_question(demo_wb, mid, texts[0], +1)
    assert moved["text"].tolist()[:2] == [texts[1], texts[0]]
    assert interview.move_question(demo_wb, mid, texts[1], -5)["text"].iloc[0] == texts[1], "clamped at the top"

    mine = "What do you wish you had known before your first year in this field?"
    added = interview.replan(demo_wb, mid, extra=[mine, mine])
    assert added["text"].tolist().count(mine) == 1
    row = added[added["text"] == mine].iloc[0]
    assert (row["theme"], row["minutes"]) == ("extra", 3)
    assert added["theme"].iloc[-1] == "closing", "your questions go before the close"
    plan_minutes(demo_wb, mid)
    assert set(texts[:3]) <= set(added["text"]), "must-ask questions are never pushed out"

    dropped = interview.replan(demo_wb, mid, dropped=[mine, "not a question in the plan"])
    assert mine not in dropped["text"].tolist()
    assert list(dropped["position"]) == list(range(1, len(dropped) + 1))
    plan_minutes(demo_wb, mid)

    with pytest.raises(NotFoundError):
        interview.move_question(demo_wb, mid, "not a question in the plan", 1)


def test_a_question_answerable_online_is_not_added_and_the_reason_is_given(demo_wb):
    mid = helen(demo_wb)
    # research knows only her current position: where she worked before is worth asking
    plan = interview.replan(demo_wb, mid, extra=["Where did you work before Meridian?"])
    assert "Where did you work before Meridian?" in set(plan["text"])
    cid = demo_wb.meeting(mid)["contact_id"]
    rid = demo_wb.add_research(cid, "experience", "Recruiter", organization="Harbor Staffing", start="2016-09",
                               end="2022-01")
    with pytest.raises(InputFormatError, match=rf"Harbor Staffing, 2016-09 to 2022-01 \(research item {rid}\)"):
        interview.replan(demo_wb, mid, extra=["Where were you before Meridian?"])
    with pytest.raises(InputFormatError, match=r"names 2022\): Position .* Head of Talent Acquisition"):
        interview.replan(demo_wb, mid, extra=["What did you do as Head of Talent Acquisition in 2022?"])


def test_a_question_left_out_comes_back_with_its_own_minutes(demo_wb):
    mid = helen(demo_wb)
    interview.ensure_plan(demo_wb, mid)
    left_out = interview.left_out_questions(demo_wb, mid)
    assert left_out
    plan = interview.replan(demo_wb, mid, extra=[left_out[0]])
    row = plan[plan["text"] == left_out[0]].iloc[0]
    assert row["theme"] != "extra" and row["minutes"] in (1, 2, 3, 4, 5)
    assert left_out[0] not in interview.left_out_questions(demo_wb, mid)
    plan_minutes(demo_wb, mid)


def test_a_shorter_meeting_trims_the_saved_plan_and_keeps_the_must_ask_questions(demo_wb):
    mid = helen(demo_wb)
    must = interview.ensure_plan(demo_wb, mid).query("must_ask")["text"].tolist()
    demo_wb.reschedule_meeting(mid, "2026-11-24T14:00", duration_min=20)
    plan = interview.ensure_plan(demo_wb, mid)
    assert plan_minutes(demo_wb, mid)[1] == 15
    assert set(must) <= set(plan["text"])


def test_reset_goes_back_to_the_suggested_plan_and_keeps_answers(demo_wb):
    mid = helen(demo_wb)
    first = interview.ensure_plan(demo_wb, mid)["text"].tolist()
    interview.replan(demo_wb, mid, dropped=first[3:5])
    demo_wb.log_meeting(mid, answers={first[0]: "Busy in spring"})
    again = interview.ensure_plan(demo_wb, mid, reset=True)
    assert again["text"].tolist() == first
    assert again["answer"].iloc[0] == "Busy in spring"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["move", "add", "drop"]), st.integers(0, 20), st.integers(-3, 3)),
                max_size=8))
def test_any_sequence_of_edits_keeps_the_plan_within_the_time_available(demo_path, steps):
    with Workbook.open(demo_path) as wb:
        mid = interview.pick_meeting(wb, "Kenji Morimoto")
        assert mid is not None
        interview.ensure_plan(wb, mid, reset=True)
        must = set(wb.questions(mid).query("must_ask")["text"])
        for n, (op, index, step) in enumerate(steps):
            texts = wb.questions(mid)["text"].tolist()
            pick = texts[index % len(texts)] if texts else "nothing"
            if op == "move" and texts:
                interview.move_question(wb, mid, pick, step)
            elif op == "add":
                interview.replan(wb, mid, extra=[f"Own question number {n} about the work itself?"])
            elif op == "drop" and pick not in must:
                interview.replan(wb, mid, dropped=[pick])
            plan_minutes(wb, mid)
            assert must <= set(wb.questions(mid)["text"])


# ------------------------------------------------------------------ the brief


def test_the_brief_has_who_they_are_common_ground_the_plan_and_the_checklist(demo_wb, tmp_path):
    mid = helen(demo_wb)
    cid = demo_wb.meeting(mid)["contact_id"]
    demo_wb.add_research(cid, "accomplishment", "Built the <script>alert(1)</script> graduate scheme",
                         organization="Meridian Insurance", source_url="https://example.org/x")
    plan = interview.ensure_plan(demo_wb, mid)
    path = interview.write_brief(demo_wb, mid, tmp_path)
    page = path.read_text(encoding="utf-8")
    assert path.name == f"{mid:04d}-brief-Helen_Whitaker.html"
    for expected in ("Helen Whitaker", "Head of Talent Acquisition", "Meridian Insurance", "Riverton Data Meetup",
                     "Tue 24 Nov 2026, 14:00", "25 of 30 min", "A watch", "Notebook and pen"):
        assert expected in page, expected
    assert all(planning_text in page for planning_text in plan["text"].str.replace("'", "&#x27;"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="https://meet.example.com/helen-alex"' in page


# ------------------------------------------------------------------ the log and referrals


@pytest.mark.parametrize(("line", "expected"), [
    ("Jordan Pike", ("Jordan", "Pike", None, None, None)),
    ("- Jordan Pike, Cobalt Health", ("Jordan", "Pike", "Cobalt Health", None, None)),
    ("2. Jordan Pike (Analytics Engineer at Cobalt Health)", ("Jordan", "Pike", "Cobalt Health",
                                                             "Analytics Engineer", None)),
    ("Jordan Pike - Cobalt Health <jordan.pike@example.org>", ("Jordan", "Pike", "Cobalt Health", None,
                                                              "jordan.pike@example.org")),
    ("Mary Ann van der Berg, Northwind Foods", ("Mary", "Ann van der Berg", "Northwind Foods", None, None)),
    ("Cher", ("Cher", None, None, None, None)),
])
def test_parse_referrals_reads_a_name_per_line(line, expected):
    person = only(interview.parse_referrals(line))  # type: ignore[arg-type]
    assert tuple(person[k] for k in ("first_name", "last_name", "company", "position", "email")) == expected


def test_parse_referrals_skips_blank_lines_and_repeats_and_splits_on_semicolons():
    people = interview.parse_referrals("Sam Lee; \n\nSam Lee\n  Ana Ruiz , Acme  ")
    assert [(p["first_name"], p["company"]) for p in people] == [("Sam", None), ("Ana", "Acme")]


def test_names_they_suggested_become_contacts_referred_by_them_once_even_when_logged_twice(demo_wb):
    mid = helen(demo_wb)
    cid = demo_wb.meeting(mid)["contact_id"]
    names = "Quinn Marlowe, Meridian Insurance\n<img src=x onerror=alert(1)>"
    first = log_helen(demo_wb, referrals=names)
    assert first.new_contacts == ["Quinn Marlowe", "<img src=x onerror=alert(1)>"]
    counts = demo_wb.table_counts()
    second = log_helen(demo_wb, referrals=names)
    assert second.referrals == first.referrals and second.new_contacts == []
    assert demo_wb.table_counts() == counts
    quinn = demo_wb.contact(demo_wb.find_contact("Quinn Marlowe"))
    assert (quinn["referred_by"], quinn["how_known"], quinn["company"]) == (cid, "referral", "Meridian Insurance")
    assert "suggested by Helen Whitaker" in quinn["where_found"]
    sources = demo_wb.contacts().set_index("id").loc[quinn["id"], "sources"]
    assert sources == "referral"
    assert interview.referrals_of(demo_wb, mid)["name"].tolist() == ["Quinn Marlowe", "<img src=x onerror=alert(1)>"]


def test_a_suggested_person_already_in_the_workbook_is_not_added_twice(demo_wb):
    before = len(demo_wb.contacts())
    result = log_helen(demo_wb, referrals="Jordan Pike, Cobalt Health\nTariq Rahman")
    assert result.new_contacts == [] and len(result.referrals) == 2
    assert len(demo_wb.contacts()) == before
    jordan = demo_wb.contact(demo_wb.find_contact("Jordan Pike"))
    assert jordan["referred_by"] == demo_wb.find_contact("Priya Raman"), "the first referrer is kept"


def test_the_same_name_at_another_employer_is_another_person(demo_wb):
    result = log_helen(demo_wb, referrals="Jordan Pike, Somewhere Else Ltd")
    assert result.new_contacts == ["Jordan Pike"]


def test_the_log_keeps_what_was_said_and_answers_and_a_time_of_day_is_on_the_meeting_day(demo_wb):
    mid = helen(demo_wb)
    text = interview.ensure_plan(demo_wb, mid)["text"].iloc[0]
    result = log_helen(demo_wb, notes="Spring is busy.", resources="Meridian careers blog", answers={text: "Tight"})
    assert result.held
    m = demo_wb.meetings().set_index("id").loc[mid]
    assert m["actual_start"] == pd.Timestamp("2026-11-24T20:02", tz="UTC")
    assert m["actual_min"] == 27.0 and m["duration_min"] == 30
    assert (m["notes"], m["resources"]) == ("Spring is busy.", "Meridian careers blog")
    assert demo_wb.questions(mid)["answer"].iloc[0] == "Tight"
    with pytest.raises(InputFormatError):
        interview.log_meeting_notes(demo_wb, mid, actual_end="25:61")


def test_a_log_without_an_end_is_not_held_and_drafts_nothing(demo_wb):
    result = interview.log_meeting_notes(demo_wb, helen(demo_wb), notes="Prepared.", at=NOW)
    assert not result.held and result.closing is None
    assert "not held yet" in result.summary()
    with pytest.raises(InputFormatError, match="not logged as held"):
        interview.close_the_loop(demo_wb, helen(demo_wb))


# ------------------------------------------------------------------ closing the loop


def test_the_thank_you_is_drafted_from_the_log_and_due_exactly_24_hours_after_the_end(demo_wb):
    mid = helen(demo_wb)
    result = log_helen(demo_wb)
    end = dt.datetime(2026, 11, 24, 14, 29, tzinfo=CHICAGO)
    assert result.closing is not None and result.closing.thank_you is not None
    assert result.closing.thank_you_due == end + dt.timedelta(hours=24)
    follow = interview.meeting_followups(demo_wb, mid).set_index("kind")
    assert follow.loc["thank_you", "due_at"] == pd.Timestamp(end + dt.timedelta(hours=24))
    thanks = demo_wb.message(result.closing.thank_you)
    assert (thanks["kind"], thanks["status"], thanks["meeting_id"]) == ("thank_you", "draft", mid)
    assert "apply to the spring analyst cohort" in thanks["body"] and "sign up for the cohort alert" in thanks["body"]
    assert "Send it by" not in result.summary() and "send it by Wed 25 Nov 2026 14:29 CST" in result.summary(
        "America/Chicago")


def test_the_referral_ask_is_due_the_first_business_day_of_the_next_week_after_thanksgiving_week(demo_wb):
    mid = helen(demo_wb)
    result = log_helen(demo_wb)
    assert result.closing is not None and result.closing.referral_ask is not None
    monday = dt.datetime(2026, 11, 30, interview.REFERRAL_ASK_HOUR, 0, tzinfo=CHICAGO)
    assert result.closing.referral_ask_due == monday
    follow = interview.meeting_followups(demo_wb, mid).set_index("kind")
    assert follow.loc["referral_ask", "due_at"] == pd.Timestamp(monday)
    assert follow.loc["referral_ask", "message_id"] == result.closing.referral_ask_draft
    ask = demo_wb.message(result.closing.referral_ask_draft)
    assert (ask["kind"], ask["status"]) == ("referral_ask", "draft")
    assert "introducing me" in ask["body"]


@pytest.mark.parametrize(("end", "country", "tz", "due"), [
    # Tuesday of Thanksgiving week -> Monday 30 Nov
    (dt.datetime(2026, 11, 24, 20, 29, tzinfo=dt.UTC), "US", "America/Chicago", dt.datetime(2026, 11, 30, 9, 0)),
    # the week before Labor Day (Mon 7 Sep 2026) -> Tuesday 8 Sep
    (dt.datetime(2026, 9, 2, 15, 0, tzinfo=dt.UTC), "US", "America/Chicago", dt.datetime(2026, 9, 8, 9, 0)),
    # Friday late evening in Chicago is already Saturday in UTC: the local week counts
    (dt.datetime(2026, 11, 21, 4, 30, tzinfo=dt.UTC), "US", "America/Chicago", dt.datetime(2026, 11, 23, 9, 0)),
    # Easter Monday is a holiday in England -> Tuesday 7 Apr 2026
    (dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC), "GB-ENG", "Europe/London", dt.datetime(2026, 4, 7, 9, 0)),
    # Sunday: the next week starts the next day
    (dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), "US", "America/Chicago", dt.datetime(2026, 11, 30, 9, 0)),
])
def test_referral_ask_due_dates(end, country, tz, due):
    assert interview.referral_ask_due(end, country=country, tz=tz) == due.replace(tzinfo=ZoneInfo(tz))


def test_no_referral_ask_when_they_already_suggested_people_and_an_open_one_is_closed(demo_wb):
    mid = helen(demo_wb)
    first = log_helen(demo_wb)
    assert first.closing is not None and first.closing.referral_ask is not None
    later = log_helen(demo_wb, referrals="Quinn Marlowe, Meridian Insurance")
    assert later.closing is not None and later.closing.referral_ask is None
    follow = interview.meeting_followups(demo_wb, mid).set_index("kind")
    assert pd.notna(follow.loc["referral_ask", "done_at"])


def test_closing_the_loop_twice_adds_nothing_and_a_sent_thank_you_is_not_drafted_again(demo_wb):
    mid = helen(demo_wb)
    first = log_helen(demo_wb)
    counts = demo_wb.table_counts()
    again = interview.close_the_loop(demo_wb, mid, at=NOW)
    assert (again.thank_you, again.referral_ask) == (first.closing.thank_you, first.closing.referral_ask)  # type: ignore[union-attr]
    assert demo_wb.table_counts() == counts
    demo_wb.mark_sent(again.thank_you, at=NOW)
    after = interview.close_the_loop(demo_wb, mid, at=NOW)
    assert after.thank_you is None and "already sent" in interview.MeetingLog(mid, True, closing=after).summary()
    assert demo_wb.table_counts()["messages"] == counts["messages"]
    follow = interview.meeting_followups(demo_wb, mid).set_index("kind")
    assert pd.notna(follow.loc["thank_you", "done_at"]), "sending the thank-you fulfils its follow-up"


def test_a_thank_you_not_sent_within_24_hours_is_overdue_and_one_sent_in_time_is_not(demo_wb):
    from infoview_kit.interview.clock import is_overdue

    mid = helen(demo_wb)
    result = log_helen(demo_wb)
    assert result.closing is not None and result.closing.thank_you_due is not None
    due = result.closing.thank_you_due
    assert not is_overdue(due, None, due - dt.timedelta(minutes=1))
    assert is_overdue(due, None, due + dt.timedelta(minutes=1))
    sent = due - dt.timedelta(hours=2)
    demo_wb.mark_sent(result.closing.thank_you, at=sent)
    row = interview.meeting_followups(demo_wb, mid).set_index("kind").loc["thank_you"]
    assert row["done_at"] == pd.Timestamp(sent)
    assert not is_overdue(due, row["done_at"].to_pydatetime(), due + dt.timedelta(days=1))


# ------------------------------------------------------------------ timer records and files


def test_start_and_end_record_the_actual_times_and_planned_vs_actual_minutes(demo_wb):
    mid = helen(demo_wb)
    start = dt.datetime(2026, 11, 24, 20, 1, tzinfo=dt.UTC)
    interview.start_meeting(demo_wb, mid, start)
    assert demo_wb.meeting(mid)["status"] == "confirmed"
    due = interview.end_meeting(demo_wb, mid, start + dt.timedelta(minutes=33))
    assert due == start + dt.timedelta(minutes=33, hours=24)
    row = demo_wb.meetings().set_index("id").loc[mid]
    assert (row["status"], row["duration_min"], row["actual_min"]) == ("held", 30, 33.0)


def test_export_writes_calendar_files_briefs_and_drafts(demo_wb, tmp_path):
    mid = helen(demo_wb)
    closing = log_helen(demo_wb).closing
    assert closing is not None and closing.thank_you and closing.referral_ask_draft
    kenji = interview.pick_meeting(demo_wb, "Kenji Morimoto")
    cid = demo_wb.find_contact("Tariq Rahman")
    gone = interview.arrange_meeting(demo_wb, cid, "2026-12-10T10:00", confirmed=True, at=NOW)
    demo_wb.cancel_meeting(gone, at=NOW)
    out = tmp_path / "out"
    names = sorted(p.name for p in interview.export_meeting_files(demo_wb, out, now=NOW, meeting_id=mid))
    assert names == sorted([
        f"{mid:04d}-brief-Helen_Whitaker.html", f"{kenji:04d}-meeting-Kenji_Morimoto.ics",
        f"{kenji:04d}-brief-Kenji_Morimoto.html", f"{gone:04d}-meeting-Tariq_Rahman.ics",
        f"{closing.thank_you:04d}-thank_you-Helen_Whitaker.eml",
        f"{closing.referral_ask_draft:04d}-referral_ask-Helen_Whitaker.eml"])
    assert only(read_ics(out / f"{gone:04d}-meeting-Tariq_Rahman.ics"))["method"] == "CANCEL"


# ------------------------------------------------------------------ notebook 04 under papermill


@pytest.mark.slow
def test_notebook_04_logs_the_demo_meeting_and_writes_its_files_and_runs_on_an_empty_workbook(demo_report, tmp_path):
    from infoview_kit.reports.run import run_notebooks

    name = "04_log_interviews.ipynb"  # as the session's demo report ran it: on NOW's day, with the demo's parameters
    assert NOW.date() == DEMO_REPORT_TODAY
    files = sorted(p.name for p in (demo_report.result.out_dir / "files").iterdir())
    for ending in ("-meeting-Kenji_Morimoto.ics", "-brief-Helen_Whitaker.html", "-thank_you-Helen_Whitaker.eml",
                   "-referral_ask-Helen_Whitaker.eml"):
        assert any(f.endswith(ending) for f in files), (ending, files)
    page = (demo_report.result.out_dir / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "Referral ask drafted for Mon 30 Nov" in page and "Your advice to apply to the spring" in page
    with Workbook.open(demo_report.workbook) as wb:
        m = wb.meeting(interview.pick_meeting(wb, "Helen Whitaker"))
        assert m["status"] == "held" and m["advice"].startswith("Apply to the spring")

    empty = tmp_path / "new.sqlite"
    Workbook.open(empty).close()
    result = run_notebooks(empty, NOW.date(), tmp_path / "empty", notebooks=[name], progress=False)
    page = result.html[0].read_text(encoding="utf-8")
    assert "No meetings yet" in page


@pytest.mark.slow
def test_notebook_04_reopens_on_the_meeting_held_without_any_name_given(demo_path, tmp_path):
    """The issue: after a meeting was held, re-running 04 said "No confirmed meeting yet"."""
    from infoview_kit.reports.run import run_notebooks
    from infoview_kit.views.interview import MeetingPicker
    from infoview_kit.views.meeting import MeetingLogForm

    with Workbook.open(demo_path) as wb:  # as notebook 04 opens (no current meeting yet), then by clicking
        mid = helen(wb)
        wb.set_current(contact_id=wb.find_contact("Tariq Rahman"))  # another person chosen elsewhere
        assert wb.current()["meeting_id"] is None
        shown = interview.pick_meeting(wb, now=NOW, required=False)
        assert MeetingPicker(wb, shown, now=NOW).value == shown == mid, "the meeting that has started"
        form = MeetingLogForm(wb, shown)
        form._start.value, form._end.value = "14:00", "14:27"
        form._advice.value = "Apply to the spring analyst cohort."
        form._button.click()
        assert wb.meeting(mid)["status"] == "held" and wb.current()["meeting_id"] == mid
    name = "04_log_interviews.ipynb"
    result = run_notebooks(demo_path, NOW.date(), tmp_path / "again", notebooks=[name], progress=False)
    page = result.html[0].read_text(encoding="utf-8")
    assert "Hi Helen" in page and "Your advice to apply to the spring analyst cohort" in page, \
        "the thank-you of the meeting held is shown"
    assert "Helen Whitaker" in page and "thank_you" in page, "its follow-ups"
    with Workbook.open(demo_path) as wb:
        assert wb.current()["meeting_id"] == mid


def test_log_from_parameters_logs_only_what_was_given(demo_wb):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    assert interview.log_from_parameters(demo_wb, mid) is None  # nothing given: nothing logged
    assert interview.log_from_parameters(demo_wb, None, notes="x") is None
    assert demo_wb.meeting(mid)["status"] == "confirmed"
    logged = interview.log_from_parameters(demo_wb, mid, start="2026-11-24T14:02", end="2026-11-24T14:29",
                                          advice="Practise timed SQL tests.", referrals="Rui Ferreira")
    assert logged is not None and logged.held
    m = demo_wb.meeting(mid)
    assert (m["status"], m["advice"], m["notes"]) == ("held", "Practise timed SQL tests.", None)


# ------------------------------------------------------------------ answers are never dropped (store)


def test_answers_under_questions_that_leave_the_plan_are_kept_off_the_plan_never_dropped(demo_wb):
    mid = helen(demo_wb)
    plan = interview.ensure_plan(demo_wb, mid)
    first, second = (str(t) for t in plan["text"].iloc[:2])
    demo_wb.log_meeting(mid, answers={first: "Kept.", "A question never in the plan?": "Also kept."})
    assert demo_wb.off_plan_answers(mid)[["text", "answer"]].values.tolist() == [
        ["A question never in the plan?", "Also kept."]]
    interview.replan(demo_wb, mid, dropped=[first, second])
    assert first not in demo_wb.questions(mid)["text"].tolist()
    kept = demo_wb.off_plan_answers(mid)
    assert sorted(kept["text"]) == sorted([first, "A question never in the plan?"]), "no empty question kept"
    assert (kept["position"] == 0).all() and len(demo_wb.questions(mid)) == len(plan) - 2
    assert first not in interview.brief_html(demo_wb, mid), "the brief reads only the plan"
    interview.replan(demo_wb, mid, extra=[first])  # back in the plan, with its answer
    assert demo_wb.questions(mid).set_index("text").loc[first, "answer"] == "Kept."
    demo_wb.log_meeting(mid, answers={"A question never in the plan?": ""})  # emptied: let go
    assert demo_wb.off_plan_answers(mid).empty


def test_saving_the_same_plan_again_writes_nothing(demo_wb):
    mid = helen(demo_wb)
    plan = interview.ensure_plan(demo_wb, mid)
    version = demo_wb.version
    demo_wb.save_questions(mid, plan)
    interview.replan(demo_wb, mid)
    assert demo_wb.version == version


def test_a_meeting_moves_to_another_time_zone_and_its_place_can_be_cleared(demo_wb, tmp_path):
    mid = helen(demo_wb)
    seq = demo_wb.meeting(mid)["sequence"]
    interview.arrange_meeting(demo_wb, None, "2026-11-24T21:00", meeting_id=mid, timezone="Europe/London", place="")
    m = demo_wb.meeting(mid)
    assert (m["timezone"], m["place"], m["starts_at"], m["sequence"]) == (
        "Europe/London", None, "2026-11-24T21:00:00+00:00", seq + 1)
    assert demo_wb.current()["meeting_id"] == mid, "the meeting arranged is the one being worked on"
    assert demo_wb.reschedule_meeting(mid, "2026-11-24T21:00") == seq + 1, "nothing changed: same sequence"
    with pytest.raises(InputFormatError, match="Mars/Olympus"):
        demo_wb.reschedule_meeting(mid, "2026-11-24T21:00", timezone="Mars/Olympus")


def test_meeting_choices_list_meetings_ahead_soonest_first_then_past_newest_first(demo_wb):
    kenji = interview.pick_meeting(demo_wb, "Kenji Morimoto")
    demo_wb.cancel_meeting(kenji)
    choices = interview.meeting_choices(demo_wb, now=NOW)
    ids = [i for _, i in choices]
    assert ids[0] == 9 and ids[-1] == kenji and ids[1:3] == [7, 6]
    assert choices[0][0] == f"{interview.describe_meeting(demo_wb, 9)}"


def test_the_meeting_stamp_changes_with_what_the_meeting_views_show_and_only_then(demo_wb):
    mid = helen(demo_wb)
    one, every = demo_wb.meeting_stamp(mid), demo_wb.meeting_stamp()
    demo_wb.add_contact("Somebody", "Else")
    assert (demo_wb.meeting_stamp(mid), demo_wb.meeting_stamp()) == (one, every)
    demo_wb.log_meeting(mid, advice="New advice.")
    assert demo_wb.meeting_stamp(mid) != one and demo_wb.meeting_stamp() == every
    demo_wb.cancel_meeting(interview.pick_meeting(demo_wb, "Kenji Morimoto"))
    assert demo_wb.meeting_stamp() != every
