"""What is due (stored and derived follow-ups), marking done, drafts, reminders, the board and the CLI."""

# Expected numbers are worked out by hand from data/sample/history.jsonl (times there are
# America/Chicago; the demo's today is Wed 25 Nov 2026; US holidays: Columbus Day Mon 12 Oct,
# Thanksgiving Thu 26 Nov).

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from infoview_kit import followup as followups
from infoview_kit.base import bizdays as _bizdays
from infoview_kit.base.bizdays import business_calendar
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.cli import main
from infoview_kit.interview.calendars import read_ics, uid_for
from infoview_kit.outreach.replies import classify_reply
from infoview_kit.store.readmodel import Snapshot
from infoview_kit.views.followup import FollowupBoard

TODAY = dt.date(2026, 11, 25)
CHICAGO = ZoneInfo("America/Chicago")


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def rows(items: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    return list(zip(items["name"], items["kind"], items["status"], items["days"], strict=True))


# ---------------------------------------------------------------------------- the demo, by hand

def test_due_on_the_demo_day(demo_wb):
    due = followups.due(demo_wb, TODAY)
    assert list(due.columns) == followups.DUE_COLUMNS
    # Stored, still open (no reply came): the second contacts at business day 3 and the nudges at
    # day 7 of Grace (sent Tue 15 Sep: day 3 Fri 18 Sep; her nudge was sent), Luis (Wed 16 Sep:
    # Mon 21 Sep, Fri 25 Sep), Sam (Wed 7 Oct: Columbus Day skipped, Tue 13 Oct; nudge sent), Felix
    # (Thu 8 Oct: Wed 14 Oct, Tue 20 Oct) and Victor (Thu 19 Nov: Tue 24 Nov, and Tue 1 Dec with
    # Thanksgiving skipped: upcoming, 6 days ahead, inside the 7-day horizon).
    # Derived, keep in touch (30 days after the last real interaction, rolled to a business day):
    # Hannah (thank-you Wed 30 Sep -> Fri 30 Oct), Dana (thank-you Wed 7 Oct -> Fri 6 Nov), Jordan
    # (thank-you Wed 14 Oct -> Fri 13 Nov), Mateo (update Tue 20 Oct -> Thu 19 Nov): updates, since
    # each has meetings with others to report since; Anika (thank-you Fri 23 Oct -> Sun 22 Nov ->
    # Mon 23 Nov): a check-in, nobody met since. Priya (update 10 Nov -> 10 Dec) and Aisha (update
    # 17 Nov -> 17 Dec) are beyond the horizon. Every referral ask has lapsed (the next
    # keep-in-touch fell due or an update was sent) and Priya needed none (she introduced Jordan).
    # Helen's meeting (Tue 24 Nov 14:00-14:30) is past and not logged.
    assert rows(due) == [
        ("Grace Abernathy", "second_contact", "overdue", -68),
        ("Luis Ferreira", "second_contact", "overdue", -65),
        ("Luis Ferreira", "nudge", "overdue", -61),
        ("Sam Okonkwo", "second_contact", "overdue", -43),
        ("Felix Hartmann", "second_contact", "overdue", -42),
        ("Felix Hartmann", "nudge", "overdue", -36),
        ("Hannah Kowalczyk", "update", "overdue", -26),
        ("Dana Whitfield", "update", "overdue", -19),
        ("Jordan Pike", "update", "overdue", -12),
        ("Mateo Álvarez", "update", "overdue", -6),
        ("Anika Chowdhury", "checkin", "overdue", -2),
        ("Victor Nakamura", "second_contact", "overdue", -1),
        ("Helen Whitaker", "log_meeting", "overdue", -1),
        ("Victor Nakamura", "nudge", "upcoming", 6),
    ]
    assert str(due["due_at"].dt.tz) == "America/Chicago"
    anika = due[due["name"] == "Anika Chowdhury"].iloc[0]
    assert anika["due_at"] == pd.Timestamp("2026-11-23 09:00", tz="America/Chicago")  # Sunday rolled to Monday
    assert (anika["key"], anika["source"], anika["template"]) == ("keep_in_touch:52@2026-11-23", "derived", "checkin")
    assert "asking for nothing" in anika["why"]
    helen = due[due["kind"] == "log_meeting"].iloc[0]
    assert helen["due_at"] == pd.Timestamp("2026-11-24 14:30", tz="America/Chicago") and pd.isna(helen["template"])
    assert due.loc[due["source"] == "stored", "key"].str.fullmatch(r"followup:\d+").all()
    assert "3 meeting(s)" in due[due["name"] == "Hannah Kowalczyk"]["why"].iloc[0]  # Dana, Jordan, Anika


def test_the_horizon_reaches_exactly_that_many_days(demo_wb):
    assert len(followups.due(demo_wb, TODAY, horizon_days=6)) == 14  # Victor's nudge on Tue 1 Dec: 6 days
    assert len(followups.due(demo_wb, TODAY, horizon_days=5)) == 13
    # beyond any horizon: Priya's and Aisha's check-ins (10 and 17 Dec) are still open for the calendar
    everything = followups.open_followups(demo_wb, TODAY)
    assert len(everything) == 16
    beyond = set(everything["key"]) - set(followups.due(demo_wb, TODAY)["key"])
    assert beyond == {"keep_in_touch:7@2026-12-10", "keep_in_touch:13@2026-12-17"}
    with pytest.raises(InputFormatError):
        followups.due(demo_wb, TODAY, horizon_days=-1)


def test_keep_in_touch_clock_of_the_demo(demo_wb):
    clock = followups.keep_in_touch(demo_wb, TODAY).set_index("name")
    # unanswered: updates and check-ins sent since their last reply or meeting (Mateo, Priya and
    # Aisha each got one update, 20 Oct, 10 Nov, 17 Nov, and none of them answered it)
    assert clock["unanswered"].to_dict() == {"Hannah Kowalczyk": 0, "Dana Whitfield": 0, "Jordan Pike": 0,
                                             "Mateo Álvarez": 1, "Anika Chowdhury": 0, "Priya Raman": 1,
                                             "Aisha Bello": 1}
    # steps: meetings held with others since the last thank-you or update to them (Hannah: Dana 6 Oct,
    # Jordan 14 Oct, Anika 21 Oct; Mateo since 20 Oct: Anika; Anika since 23 Oct: none)
    assert clock.loc["Hannah Kowalczyk", "steps"] == 3 and clock.loc["Mateo Álvarez", "steps"] == 1
    assert clock.loc["Anika Chowdhury", "next_kind"] == "checkin"
    assert clock.loc["Priya Raman", "next_due"] == pd.Timestamp("2026-12-10 09:00", tz="America/Chicago")
    assert not clock["at_rest"].any() and set(clock["checkin_days"]) == {30}


def test_a_past_today_shows_the_list_as_it_was(demo_wb):
    # Tue 22 Sep: Grace's second contact (Fri 18 Sep) and Luis's (Mon 21 Sep 09:05) are overdue; the
    # referral asks after Mateo's (Wed 16 Sep) and Aisha's (Thu 17 Sep) meetings fell due on the
    # first business day of the next week, Mon 21 Sep 09:00, and nothing has lapsed them yet (their
    # keep-in-touch is due 16 and 19 Oct). Grace's nudge (Thu 24 Sep, sent only that day) and Luis's
    # (Fri 25 Sep) are coming up. Nothing that happened later counts.
    due = followups.due(demo_wb, "2026-09-22")
    assert rows(due) == [
        ("Grace Abernathy", "second_contact", "overdue", -4),
        ("Aisha Bello", "referral_ask", "overdue", -1),
        ("Mateo Álvarez", "referral_ask", "overdue", -1),
        ("Luis Ferreira", "second_contact", "overdue", -1),
        ("Grace Abernathy", "nudge", "upcoming", 2),
        ("Luis Ferreira", "nudge", "upcoming", 3),
    ]
    assert set(due.loc[due["kind"] == "referral_ask", "due_at"]) == {
        pd.Timestamp("2026-09-21 09:00", tz="America/Chicago")}


def test_the_lean_read_of_a_workbook_gives_what_the_full_tables_give(demo_wb):
    # due() on a Workbook reads only what it needs (Workbook.due_inputs); on a Snapshot it reads
    # every table whole. Every third day of the story and after, they must agree to the row.
    for day in pd.date_range("2026-08-30", "2026-12-31", freq="3D").date:
        lean = followups.due(demo_wb, day, horizon_days=90)
        full = followups.due(Snapshot(demo_wb), day, horizon_days=90)
        pd.testing.assert_frame_equal(lean, full, obj=f"due on {day}")
        pd.testing.assert_frame_equal(followups.keep_in_touch(demo_wb, day),
                                      followups.keep_in_touch(Snapshot(demo_wb), day))
    assert len(followups.due(demo_wb, "2026-09-22")) == 6  # the second contacts closed later were open then


def test_the_update_to_whoever_introduced_you(demo_wb):
    # Priya introduced Jordan Pike on Wed 23 Sep 13:00: the update to her is due 14 days later,
    # Wed 7 Oct 09:00. No referral ask for her: she already introduced someone.
    before = followups.due(demo_wb, "2026-10-06")
    assert "referral_ask:7" not in set(before["key"])
    row = before[before["key"] == "update:7:60"].iloc[0]
    assert (row["name"], row["status"], row["days"]) == ("Priya Raman", "upcoming", 1)
    assert "introduced you to Jordan Pike on Wed 23 Sep" in row["why"]
    assert followups.due(demo_wb, "2026-10-07").set_index("key").loc["update:7:60", "status"] == "due"
    # her update of Tue 10 Nov settled it (a month late)
    assert "update:7:60" not in set(followups.due(demo_wb, "2026-11-10")["key"])
    history = followups.followup_history(demo_wb, TODAY)
    update = history[(history["kind"] == "update") & (history["done_at"].notna())]
    assert update["outcome"].tolist() == ["late"]


def test_the_referral_ask_waits_for_the_week_after_the_meeting(demo_wb):
    # Mon 28 Sep: Hannah is not met yet (Tue 29 Sep); Mateo's and Aisha's asks are overdue since Mon 21.
    # Wed 30 Sep: Hannah met on Tue 29 Sep, her ask falls due Mon 5 Oct: upcoming in 5 days.
    keys = followups.due(demo_wb, "2026-09-30").set_index("key")
    assert keys.loc["referral_ask:3", ["status", "days"]].tolist() == ["upcoming", 5]
    assert keys.loc["referral_ask:20", "status"] == "overdue"
    # Dana met Tue 6 Oct: the next Monday, 12 Oct, is Columbus Day, so her ask falls on Tue 13 Oct
    dana = followups.due(demo_wb, "2026-10-08").set_index("key").loc["referral_ask:1"]
    assert dana["due_at"] == pd.Timestamp("2026-10-13 09:00", tz="America/Chicago")


# ---------------------------------------------------------------------------- marking done

def test_marking_a_stored_follow_up_done_records_it_and_it_leaves_the_list(demo_wb):
    assert followups.mark_done(demo_wb, "followup:11", at=local("2026-11-25T10:00")) == 11
    assert "followup:11" not in set(followups.due(demo_wb, TODAY)["key"])
    assert demo_wb.followups().set_index("id").loc[11, "done_at"] == pd.Timestamp("2026-11-25 16:00", tz="UTC")
    last = demo_wb.events().iloc[-1]
    assert (last["kind"], last["ref_id"], last["detail"]) == ("followup_done", 11, {"kind": "second_contact"})
    with pytest.raises(NotFoundError):
        followups.mark_done(demo_wb, "followup:9999")


def test_marking_a_derived_follow_up_done_stores_it_and_restarts_the_clock(demo_wb):
    before = len(demo_wb.events())
    fid = followups.mark_done(demo_wb, "keep_in_touch:52@2026-11-23", at=local("2026-11-25T12:00"))
    stored = demo_wb.followups().set_index("id").loc[fid]
    assert (stored["kind"], stored["contact_id"]) == ("checkin", 52)
    assert stored["due_at"] == pd.Timestamp("2026-11-23 15:00", tz="UTC")
    # done by hand records what it stood for: the check-in counts as sent (activity chart, progress summary)
    logged = demo_wb.events().iloc[before:]
    assert logged["kind"].tolist() == ["followup_done", "checkin_sent"]
    assert logged["detail"].tolist() == [{"kind": "checkin"}, {"by_hand": True, "followup_id": fid}]
    assert logged["ref_id"].tolist() == [fid, fid]
    assert "keep_in_touch:52@2026-11-23" not in set(followups.due(demo_wb, TODAY)["key"])
    # the check-in counts as a real interaction: the next one is 30 days on (Fri 25 Dec is Christmas,
    # so Mon 28 Dec), and it is the first without an answer
    anika = followups.keep_in_touch(demo_wb, TODAY).set_index("contact_id").loc[52]
    assert anika["next_due"] == pd.Timestamp("2026-12-28 09:00", tz="America/Chicago")
    assert anika["unanswered"] == 1
    with pytest.raises(NotFoundError, match="keep_in_touch:52@2026-11-23"):  # twice does not skip a month
        followups.mark_done(demo_wb, "keep_in_touch:52@2026-11-23", at=local("2026-11-25T12:05"))


@pytest.mark.parametrize("key", ["log_meeting:9", "update:7:60", "referral_ask:20"])
def test_every_kind_of_derived_follow_up_can_be_marked_done(demo_wb, key):
    today = {"update:7:60": "2026-10-08", "referral_ask:20": "2026-09-22"}.get(key, "2026-11-25")
    at = local(f"{today}T12:00")
    assert key in set(followups.due(demo_wb, today)["key"])
    followups.mark_done(demo_wb, key, at=at)
    assert key not in set(followups.due(demo_wb, today)["key"])
    assert key not in set(followups.open_followups(demo_wb, today)["key"])


# ---------------------------------------------------------------------------- snooze and skip

def test_snoozing_a_stored_follow_up_moves_its_due_moment_and_logs_it(demo_wb):
    before = followups.due(demo_wb, TODAY).set_index("key").loc["followup:11"]
    assert before["status"] == "overdue"
    assert followups.snooze(demo_wb, "followup:11", "2026-11-30", at=local("2026-11-25T10:00"), today=TODAY) == 11
    stored = demo_wb.followups().set_index("id").loc[11]
    assert stored["snoozed_until"] == pd.Timestamp("2026-11-30 15:00", tz="UTC")  # 9:00 in Chicago
    assert pd.isna(stored["done_at"]) and not stored["skipped"]
    item = followups.due(demo_wb, TODAY).set_index("key").loc["followup:11"]
    assert (item["status"], item["days"]) == ("upcoming", 5)
    assert item["due_at"] == pd.Timestamp("2026-11-30 09:00", tz="America/Chicago")
    last = demo_wb.events().iloc[-1]
    assert (last["kind"], last["ref_id"], last["detail"]) == ("followup_snoozed", 11,
                                                              {"kind": "second_contact", "until": "2026-11-30"})
    # the health chart does not call a snoozed follow-up overdue before its new day
    hist = followups.followup_history(demo_wb, TODAY)
    assert (hist["outcome"] == "overdue").sum() == (followups.followup_history(demo_wb, "2026-12-01")[
        "outcome"] == "overdue").sum() - 1
    for bad in ("2026-11-25", "2026-11-01", "soon"):
        with pytest.raises(InputFormatError, match="until"):
            followups.snooze(demo_wb, "followup:11", bad, today=TODAY)
    with pytest.raises(NotFoundError):
        followups.snooze(demo_wb, "followup:9999", "2026-12-01", today=TODAY)


def test_snoozing_a_derived_follow_up_stores_it_first(demo_wb):
    key = "keep_in_touch:52@2026-11-23"
    fid = followups.snooze(demo_wb, key, dt.date(2026, 12, 2), at=local("2026-11-25T12:00"))
    due = followups.due(demo_wb, TODAY)
    assert key not in set(due["key"])
    item = due.set_index("key").loc[f"followup:{fid}"]
    assert (item["kind"], item["contact_id"], item["status"], item["days"]) == ("checkin", 52, "upcoming", 7)
    assert [e for e in demo_wb.events()["kind"].iloc[-1:]] == ["followup_snoozed"]


def test_lean_and_whole_reads_agree_after_snoozes_and_skips(demo_wb):
    followups.snooze(demo_wb, "followup:11", "2026-12-03", at=local("2026-11-25T10:00"))
    followups.skip(demo_wb, "keep_in_touch:52@2026-11-23", at=local("2026-11-25T10:00"))
    followups.skip(demo_wb, "log_meeting:9", at=local("2026-11-25T10:00"))
    for day in ("2026-11-25", "2026-11-30", "2026-12-04", "2026-12-28"):
        pd.testing.assert_frame_equal(followups.due(demo_wb, day, horizon_days=60),
                                      followups.due(Snapshot(demo_wb), day, horizon_days=60))


def test_skipping_closes_a_follow_up_without_counting_it_done(demo_wb):
    hist = followups.followup_history(demo_wb, TODAY)
    assert followups.skip(demo_wb, "followup:11", at=local("2026-11-25T10:00")) == 11
    stored = demo_wb.followups().set_index("id").loc[11]
    assert stored["skipped"] and stored["done_at"] == pd.Timestamp("2026-11-25 16:00", tz="UTC")
    assert "followup:11" not in set(followups.open_followups(demo_wb, TODAY)["key"])
    after = followups.followup_history(demo_wb, TODAY)
    assert len(after) == len(hist) - 1  # left out: neither on time, late nor overdue
    assert after["outcome"].value_counts().get("overdue", 0) == hist["outcome"].value_counts()["overdue"] - 1
    last = demo_wb.events().iloc[-1]
    assert (last["kind"], last["ref_id"], last["detail"]) == ("followup_skipped", 11, {"kind": "second_contact"})
    assert followups.skip(demo_wb, "followup:11") == 11  # twice: nothing more
    assert demo_wb.events().iloc[-1]["id"] == last["id"]
    with pytest.raises(InputFormatError, match="closed"):
        demo_wb.snooze_followup(11, "2026-12-30")


@pytest.mark.parametrize("key", ["log_meeting:9", "update:7:60", "referral_ask:20", "keep_in_touch:52@2026-11-23"])
def test_a_skipped_derived_follow_up_stays_settled_and_is_not_done(demo_wb, key):
    today = {"update:7:60": "2026-10-08", "referral_ask:20": "2026-09-22"}.get(key, "2026-11-25")
    hist = followups.followup_history(demo_wb, today)
    fid = followups.skip(demo_wb, key, at=local(f"{today}T12:00"))
    assert key not in set(followups.open_followups(demo_wb, today)["key"])
    stored = demo_wb.followups().set_index("id").loc[fid]
    assert stored["skipped"]
    after = followups.followup_history(demo_wb, today)
    done = ("on_time", "late")
    assert after["outcome"].isin(done).sum() == hist["outcome"].isin(done).sum()
    if key.startswith("keep_in_touch"):  # the clock starts again from the skip; no touch counted
        anika = followups.keep_in_touch(demo_wb, today).set_index("contact_id").loc[52]
        assert anika["unanswered"] == 0
        assert anika["next_due"] == pd.Timestamp("2026-12-28 09:00", tz="America/Chicago")


def test_an_answer_resets_the_rest_and_two_unanswered_check_ins_put_a_contact_to_rest(new_wb):
    wb = new_wb
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US")
    cid = wb.add_contact("Grace", "Hopper", company="Navy Labs", at=local("2026-01-05T09:00"))
    mid = wb.schedule_meeting(cid, "2026-01-07T10:00", duration_min=20, at=local("2026-01-05T10:00"))
    wb.log_meeting(mid, actual_start="2026-01-07T10:00", actual_end="2026-01-07T10:20")
    thanks = wb.save_draft(cid, "thank_you", "Thank you", "Hi Grace,\nThanks.\nBest,\nAda")
    wb.mark_sent(thanks, at=local("2026-01-07T18:00"))
    for n, day in enumerate(["2026-02-09", "2026-03-11"], start=1):
        checkin = wb.save_draft(cid, "checkin", "Thought of you", f"Hi Grace,\nAn article {n}.\nBest,\nAda")
        wb.mark_sent(checkin, at=local(f"{day}T09:00"))
    clock = followups.keep_in_touch(wb, "2026-04-20").iloc[0]
    assert (clock["unanswered"], clock["at_rest"], clock["next_kind"]) == (2, True, "rest")
    assert followups.open_followups(wb, "2026-04-20").empty  # no more check-ins; the referral ask lapsed
    # after the first check-in only (Mon 9 Feb): the next one is due 30 days on, Wed 11 Mar
    first = followups.keep_in_touch(wb, "2026-02-10").iloc[0]
    assert (first["unanswered"], first["next_kind"]) == (1, "checkin")
    assert first["next_due"] == pd.Timestamp("2026-03-11 09:00", tz="America/Chicago")
    # she answers the second: no longer at rest, the clock restarts from her reply
    wb.mark_replied(checkin, at=local("2026-04-21T08:00"))
    clock = followups.keep_in_touch(wb, "2026-04-22").iloc[0]
    assert (clock["unanswered"], clock["at_rest"]) == (0, False)
    assert clock["next_due"] == pd.Timestamp("2026-05-21 09:00", tz="America/Chicago")


def test_per_contact_check_in_days_and_a_sent_referral_ask(new_wb):
    wb = new_wb
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US")
    cid = wb.add_contact("Alan", "Turing", company="Bletchley", at=local("2026-10-01T09:00"))
    mid = wb.schedule_meeting(cid, "2026-10-27T10:00", duration_min=30, at=local("2026-10-01T10:00"))
    wb.log_meeting(mid, actual_start="2026-10-27T10:00", actual_end="2026-10-27T10:30")
    thanks = wb.save_draft(cid, "thank_you", "Thank you", "Hi Alan,\nThanks.\nBest,\nAda")
    wb.mark_sent(thanks, at=local("2026-10-27T17:00"))
    # met Tue 27 Oct: the referral ask falls on Mon 2 Nov; 30 days after the thank-you is Thu 26 Nov,
    # Thanksgiving, so the keep-in-touch is due Fri 27 Nov: upcoming on Thanksgiving itself
    assert followups.due(wb, "2026-11-02").set_index("key").loc["referral_ask:1", "status"] == "due"
    ask = wb.save_draft(cid, "referral_ask", "One more question", "Hi Alan,\nAnyone else?\nBest,\nAda")
    wb.mark_sent(ask, at=local("2026-11-02T11:00"))
    assert "referral_ask:1" not in set(followups.open_followups(wb, "2026-11-02")["key"])
    # the ask is a real interaction too: 30 days after Mon 2 Nov is Wed 2 Dec
    assert followups.keep_in_touch(wb, "2026-11-26").iloc[0]["next_due"].date() == dt.date(2026, 12, 2)
    wb.set_checkin_days(cid, 24)
    # 24 days after Mon 2 Nov is Thu 26 Nov, Thanksgiving: rolled to Fri 27 Nov
    item = followups.due(wb, "2026-11-26").set_index("key").loc["keep_in_touch:1@2026-11-27"]
    assert (item["status"], item["days"], item["due_at"].date()) == ("upcoming", 1, dt.date(2026, 11, 27))
    assert followups.due(wb, "2026-11-27").set_index("key").loc["keep_in_touch:1@2026-11-27", "status"] == "due"
    assert followups.due(wb, "2026-11-30").set_index("key").loc["keep_in_touch:1@2026-11-27", "status"] == "overdue"


@pytest.mark.parametrize(("zone", "due_utc", "status"), [
    ("America/Chicago", "2026-11-25T03:00", "overdue"),   # 24 Nov 21:00 in Chicago
    ("UTC", "2026-11-25T03:00", "due"),
    ("Asia/Tokyo", "2026-11-25T03:00", "due"),             # 25 Nov 12:00
    ("America/Chicago", "2026-11-26T05:00", "due"),       # 25 Nov 23:00
    ("Asia/Tokyo", "2026-11-25T20:00", "upcoming"),        # 26 Nov 05:00
    ("Pacific/Kiritimati", "2026-11-24T11:00", "due"),     # UTC+14: 25 Nov 01:00
])
def test_due_today_is_judged_by_the_local_date_of_the_profile(new_wb, zone, due_utc, status):
    new_wb.set_profile(timezone=zone, country="US")
    cid = new_wb.add_contact("Ada", "Lovelace", at="2026-11-01T09:00")
    new_wb.add_followup(cid, "nudge", dt.datetime.fromisoformat(due_utc).replace(tzinfo=dt.UTC), "Nudge her.")
    due = followups.due(new_wb, TODAY)
    assert due["status"].tolist() == [status]
    assert str(due["due_at"].dt.tz) == zone


@pytest.mark.parametrize("country", ["US", "GB", "DE", "AE"])
def test_vectorized_business_days_agree_with_bizdays(country):
    days = np.arange(np.datetime64("2026-01-01"), np.datetime64("2027-01-10"), dtype="datetime64[D]")
    cal = business_calendar(country, [days], dt.date(2026, 6, 1), ahead=30)
    for n in (1, 3, 7):
        expected = [_bizdays.add_business_days(dt.datetime.combine(d, dt.time(9)), n, country=country,
                                               tz="UTC").date() for d in days.astype(object)]
        assert cal.add(days, n).astype(object).tolist() == expected
    expected = [_bizdays.next_business_week_start(d, country) for d in days.astype(object)]
    assert cal.next_week_start(days).astype(object).tolist() == expected


def test_reply_classes_agree_with_classify_reply(demo_wb):
    from infoview_kit.reports.charts import response_data

    data = response_data(demo_wb, TODAY)
    expected = [classify_reply(s.to_pydatetime(), None if pd.isna(r) else r.to_pydatetime(), TODAY, country="US",
                               tz="America/Chicago") for s, r in zip(data["sent_at"], data["replied_at"], strict=True)]
    assert data["response"].tolist() == expected


# ---------------------------------------------------------------------------- drafts

def test_drafts_for_what_is_due_list_the_steps_and_are_kept_on_a_rerun(demo_wb, tmp_path):
    now = local("2026-11-25T12:00")
    drafts = followups.draft_due(demo_wb, TODAY, tmp_path, at=now)
    # the four updates and Anika's check-in of the demo day (no referral ask is open)
    assert list(zip(drafts["name"], drafts["kind"], strict=True)) == [
        ("Hannah Kowalczyk", "update"), ("Dana Whitfield", "update"), ("Jordan Pike", "update"),
        ("Mateo Álvarez", "update"), ("Anika Chowdhury", "checkin")]
    hannah = drafts.iloc[0]["body"]
    # Hannah: met 29 Sep; since her thank-you on 30 Sep, Alex met Dana (Bluefin), Jordan (Cobalt) and
    # Anika (Greenleaf), by role and employer only; and her own advice is thanked
    assert "take the free public-health data course" in hannah
    assert "- I spoke with a senior data analyst at Bluefin Analytics." in hannah
    assert "- I spoke with an analytics engineer at Cobalt Health." in hannah
    assert "Jordan" not in hannah and "Anika" not in hannah
    assert drafts.iloc[0]["missing"] == "" and drafts.iloc[0]["fixes"] == ""
    assert drafts.iloc[0]["mailto"].startswith("mailto:hannah")
    anika = drafts.iloc[4]
    assert "shared_item" in anika["missing"] and "?" not in anika["body"]  # a check-in asks for nothing
    assert sorted(p.name for p in tmp_path.glob("*.eml")) == [
        "0029-update-Hannah_Kowalczyk.eml", "0030-update-Dana_Whitfield.eml", "0031-update-Jordan_Pike.eml",
        "0032-update-Mateo_Alvarez.eml", "0033-checkin-Anika_Chowdhury.eml"]
    counts = demo_wb.table_counts()
    again = followups.draft_due(demo_wb, TODAY, None, extra_steps=["Applied to the Meridian cohort"], at=now)
    assert demo_wb.table_counts() == counts and again["message_id"].tolist() == drafts["message_id"].tolist()
    fresh = followups.draft_due(demo_wb, TODAY, None, keys=["keep_in_touch:3@2026-10-30"], refresh=True,
                                extra_steps=["Applied to the Meridian cohort"], at=now)
    assert "- Applied to the Meridian cohort." in fresh.iloc[0]["body"]
    # sending the update (from your own mail program) takes it off the list and restarts the clock
    demo_wb.mark_sent(int(fresh.iloc[0]["message_id"]), at=now)
    assert not followups.due(demo_wb, TODAY)["key"].str.startswith("keep_in_touch:3@").any()


def test_progress_steps_name_the_person_they_introduced(demo_wb):
    # Priya's last message is her update of 10 Nov: no meeting since; Jordan, whom she introduced, was met
    assert followups.progress_steps(demo_wb, 7) == ["I met Jordan, whom you introduced me to, and learned a lot."]
    assert followups.progress_steps(demo_wb, 13, extra=["finished the SQL course", " "]) == [
        "finished the SQL course."]


# ---------------------------------------------------------------------------- reminders

def test_reminders_round_trip_with_stable_uids(demo_wb, tmp_path):
    path = followups.reminders_file(demo_wb, TODAY, tmp_path / "follow-ups.ics")
    entries = read_ics(path)
    items = followups.open_followups(demo_wb, TODAY)
    assert [e["uid"] for e in entries] == [uid_for("follow-up", k.split("@")[0]) for k in items["key"]]
    assert len(entries) == 16 and all(e["all_day"] for e in entries)
    by_uid = {e["uid"]: e for e in entries}
    grace = by_uid[uid_for("follow-up", "followup:11")]
    assert grace["start"] == TODAY  # overdue: put on today, and says since when
    assert grace["summary"] == "Write to a second person: Grace Abernathy"
    assert "Overdue since Fri 18 Sep 2026" in grace["description"]
    assert by_uid[uid_for("follow-up", "keep_in_touch:7")]["start"] == dt.date(2026, 12, 10)  # key without @date
    assert path.read_bytes() == followups.reminders_file(demo_wb, TODAY, tmp_path / "again.ics").read_bytes()
    # a day later, after marking one done: the same UIDs for the rest, and a higher SEQUENCE
    followups.mark_done(demo_wb, "followup:11", at=local("2026-11-26T09:00"))
    later = read_ics(followups.reminders_file(demo_wb, "2026-11-26", tmp_path / "later.ics"))
    assert {e["uid"] for e in later} == set(by_uid) - {grace["uid"]}
    assert all(e["sequence"] == grace["sequence"] + 1 for e in later)


# ---------------------------------------------------------------------------- the board, without a browser

def test_the_board_lists_and_done_records_it_read_back_from_the_workbook(demo_wb, tmp_path):
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"), out_dir=tmp_path)
    assert board.items["key"].tolist() == followups.due(demo_wb, TODAY)["key"].tolist()
    first = board._rows.children[0]
    assert "infoview-key-followup-11" in first._dom_classes
    assert list(board.buttons("followup:11")) == ["Done", "Snooze", "Skip", "They replied"]
    assert list(board.buttons("followup:14")) == ["Done", "Snooze", "Skip", "Draft", "They replied"]
    assert list(board.buttons("keep_in_touch:3@2026-10-30")) == ["Done", "Snooze", "Skip", "Draft"]
    board.buttons("followup:11")["Done"].click()
    assert "followup:11" not in set(board.items["key"]) and len(board._rows.children) == 13
    assert "Done on Wed 25 Nov: Write to a second person for Grace Abernathy." in board.status
    assert pd.notna(demo_wb.followups().set_index("id").loc[11, "done_at"])
    board._run(lambda: board.mark_done("followup:9999"))
    assert "no follow-up with id 9999" in board.status and "b00020" in board.status


def test_draft_on_the_board_opens_the_message_in_the_composer_and_sent_takes_the_row_off(demo_wb, tmp_path):
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"), out_dir=tmp_path)
    key = "keep_in_touch:3@2026-10-30"
    board.buttons(key)["Draft"].click()
    assert "Draft 29 for Hannah Kowalczyk: \u201cAn update, and thanks again\u201d (progress update), below." \
        in board.status and (tmp_path / "0029-update-Hannah_Kowalczyk.eml").exists()
    c = board.composer
    assert c is not None and c.message_id == 29 and c.kind == "update" and not c.read_only
    assert c.body == demo_wb.message(29)["body"] and "Score" in c.check_html and c.mailto.startswith('<a href="mailto:')
    assert demo_wb.current()["contact_id"] == 3 and c.picker is None
    assert "infoview-current" in board._cache[key][1]._dom_classes  # her row is marked as the one worked on
    c._body.value = re.sub(r"\[[a-z_]+\]", "a new dashboard course", c.body)
    [sent] = [b for b in c._root.children[-8].children if b.description == "Sent"]
    sent.click()
    assert "Marked sent on Wed 25 Nov" in c.status and demo_wb.message(29)["status"] == "sent"
    assert key not in set(board.items["key"])  # the board re-read after the composer's write
    assert c.read_only and "Sent progress update</b> on Wed 25 Nov" in c.state
    board.close_composer()
    assert board.composer is None and board._under.children == ()


def test_a_thank_you_drafted_from_the_board_and_sent_counts_as_thanked(demo_wb, tmp_path):
    cid = demo_wb.find_contact("Helen Whitaker")
    meeting = int(demo_wb.meetings().query("contact_id == @cid")["id"].iloc[0])
    demo_wb.log_meeting(meeting, actual_start=local("2026-11-24T14:00"), actual_end=local("2026-11-24T14:30"))
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"))
    key = board.items.query("kind == 'thank_you'")["key"].iloc[0]
    board.buttons(key)["Draft"].click()
    c = board.composer
    assert c is not None and c.kind == "thank_you"
    c._body.value = re.sub(r"\[[a-z_]+\]", "your advice on SQL", c.body)
    c._run(c.mark_sent)
    assert "Marked sent on Wed 25 Nov" in c.status and "thank-you" in c.status
    assert key not in set(board.items["key"])
    assert demo_wb.contacts().set_index("id").loc[cid, "stage"] == "thanked"


def test_done_on_a_thank_you_row_counts_as_thanked(demo_wb):
    cid = demo_wb.find_contact("Helen Whitaker")
    meeting = int(demo_wb.meetings().query("contact_id == @cid")["id"].iloc[0])
    demo_wb.log_meeting(meeting, actual_start=local("2026-11-24T14:00"), actual_end=local("2026-11-24T14:30"))
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"))
    key = board.items.query("kind == 'thank_you'")["key"].iloc[0]
    board.buttons(key)["Done"].click()
    assert "Done on Wed 25 Nov: Send a thank-you note for Helen Whitaker." in board.status
    assert key not in set(board.items["key"])
    assert demo_wb.contacts().set_index("id").loc[cid, "stage"] == "thanked"


def test_they_replied_on_the_board_closes_the_no_reply_routine(demo_wb):
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"))
    assert board._reply_on.value == TODAY
    board._reply_on.value = dt.date(2026, 9, 20)
    board.buttons("followup:13")["They replied"].click()
    assert board.status.endswith("Reply recorded: Luis Ferreira answered \u2018Seeking your career advice\u2019 "
                                 "(sent Wed 16 Sep) on Sun 20 Sep.</span>")
    luis = demo_wb.find_contact("Luis Ferreira")
    assert demo_wb.messages(luis)["status"].tolist() == ["replied"]
    assert not {"followup:13", "followup:14"} & set(board.items["key"])  # his second contact and nudge: gone
    board._reply_on.value = dt.date(2026, 12, 24)
    board.buttons("followup:26")["They replied"].click()
    assert "in the future" in board.status and "b00020" in board.status


def test_the_board_rereads_after_a_write_from_anywhere(demo_wb):
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"))
    rows = len(board._rows.children)
    first = board._rows.children[0]
    followups.mark_done(demo_wb, "followup:26", at=local("2026-11-25T12:00"))  # done elsewhere
    assert "followup:26" not in set(board.items["key"]) and len(board._rows.children) == rows - 1
    assert board._rows.children[0] is first  # unchanged rows are kept, not drawn again
    demo_wb.set_current(contact_id=demo_wb.find_contact("Grace Abernathy"))
    assert "(the person you are working on)" in board._rows.children[0].children[0].value


def test_snooze_to_the_next_business_day_and_skip(demo_wb):
    board = FollowupBoard(demo_wb, TODAY, now=local("2026-11-25T12:00"))
    assert board._snooze_to.value == dt.date(2026, 11, 27)  # Thanksgiving (Thu 26) skipped
    board.buttons("followup:11")["Snooze"].click()
    assert "Snoozed until Fri 27 Nov: Write to a second person for Grace Abernathy." in board.status
    row = board.items.set_index("key").loc["followup:11"]  # upcoming now, due on its new day
    assert row["status"] == "upcoming" and row["due_at"].date() == dt.date(2026, 11, 27)
    assert board.items["key"].iloc[-2:].tolist() == ["followup:11", "followup:35"]
    board.buttons("followup:13")["Skip"].click()
    assert "Skipped on Wed 25 Nov: Write to a second person for Luis Ferreira." in board.status
    stored = demo_wb.followups().set_index("id").loc[13]
    assert pd.notna(stored["done_at"]) and stored["skipped"] and "followup:13" not in set(board.items["key"])
    board.buttons("keep_in_touch:3@2026-10-30")["Snooze"].click()  # a derived one is stored, then put off
    assert "Snoozed until Fri 27 Nov: Send a progress update for Hannah Kowalczyk." in board.status


def test_the_board_escapes_what_it_shows(new_wb):
    new_wb.set_profile(timezone="UTC")
    cid = new_wb.add_contact("<b>Bold</b>", "O'Hara & Co", at="2026-11-01T09:00")
    new_wb.add_followup(cid, "nudge", "2026-11-24T09:00", "<script>alert(1)</script>")
    board = FollowupBoard(new_wb, TODAY)
    label = board._rows.children[0].children[0].value
    assert "&lt;b&gt;Bold&lt;/b&gt;" in label and "&lt;script&gt;" in label and "<script>" not in label


# ---------------------------------------------------------------------------- the command line

def test_infoview_due_prints_a_table(demo_path, capsys):
    assert main(["due", "--workbook", str(demo_path), "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["STATUS", "DUE", "WHO", "DO", "WHY"]
    assert out[1].startswith("overdue   Fri 18 Sep 11:05  Grace Abernathy")
    assert out[-1] == "13 overdue, 0 due today, 1 coming up in the next 7 days."
    assert main(["due", "--workbook", str(demo_path), "--today", "2026-11-25", "--days", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "13 overdue, 0 due today, 0 coming up in the next 0 days."


def test_infoview_due_on_a_missing_workbook_says_so(tmp_path, capsys):
    assert main(["due", "--workbook", str(tmp_path / "none.sqlite")]) == 2
    assert "no such workbook" in capsys.readouterr().err


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")


def _stable(page: str, out: object) -> str:
    """The report without what differs between any two runs: random element and widget ids, the id
    papermill gives the cell it injects, and the output folder named in the paths of the files written."""
    page = page.replace(str(out), "OUT")
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', page, re.S)
    if state:  # the board's widgets: the same models, in whatever order their random ids put them
        models = json.loads(state.group(1))["state"].values()
        canonical = sorted(re.sub(r"IPY_MODEL_[0-9a-f]{32}", "ID", json.dumps(m, sort_keys=True)) for m in models)
        page = page.replace(state.group(1), json.dumps(canonical))
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|cell-id=[0-9a-f]{8}\b",
                  "ID", page)


@pytest.mark.slow
def test_infoview_report_writes_the_same_html_with_its_charts_for_the_same_day(demo_path, tmp_path, capsys):
    for name in ("one", "two"):
        assert main(["report", "--workbook", str(demo_path), "--today", "2026-11-25", "--out",
                     str(tmp_path / name), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().endswith("05_follow_up_progress.html")
    page = (tmp_path / "one" / "05_follow_up_progress.html").read_text(encoding="utf-8")
    assert "<title>05 · Follow up and chart your progress</title>" in page  # the tab says which step it is
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.tags[:1] == ["html"] and "body" in parser.tags
    assert len([src for src in parser.images if src.startswith("data:image/png;base64,")]) == 6  # six charts
    assert "For Wednesday 25 November 2026: 13 overdue, 0 due today, 1 coming up" in page
    assert "Going well" in page and "Stuck or slipping" in page
    again = (tmp_path / "two" / "05_follow_up_progress.html").read_text(encoding="utf-8")
    assert _stable(page, tmp_path / "one") == _stable(again, tmp_path / "two")
    for csv in (tmp_path / "one" / "files" / "chart-data").glob("*.csv"):
        assert csv.read_text() == (tmp_path / "two" / "files" / "chart-data" / csv.name).read_text()
    assert (tmp_path / "one" / "files" / "follow-ups.ics").exists()
    assert "2026-11-25" in (tmp_path / "one" / "index.html").read_text()


def test_people_without_a_first_name_or_added_after_today(new_wb):
    new_wb.set_profile(timezone="UTC")
    nameless = new_wb.add_contact("", "Okafor", at="2026-11-01T09:00")
    later = new_wb.add_contact("Late", "Comer", at="2026-11-30T09:00")
    new_wb.add_followup(nameless, "nudge", "2026-11-24T09:00", "Nudge.")
    new_wb.add_followup(later, "nudge", "2026-11-24T09:00", "Nudge.")
    due = followups.due(new_wb, TODAY)  # on 25 Nov, Late Comer was not in the workbook yet
    assert due["name"].tolist() == ["Okafor"]
    assert followups.due(new_wb, "2026-11-30")["name"].tolist() == ["Late Comer", "Okafor"]  # same time: by name


def test_draft_due_takes_extra_steps_as_one_text(demo_wb):
    as_text = followups.draft_due(demo_wb, "2026-11-25", extra_steps="Applied to Bluefin; finished the dbt course\n")
    bodies = " ".join(as_text["body"])
    assert "Applied to Bluefin." in bodies and "finished the dbt course." in bodies


# ---------------------------------------------------------------------------- answer evidence settles the routine

def _outreach(wb, first: str, sent: str) -> tuple[int, int]:
    cid = wb.add_contact(first, "Tester", company=f"{first} Co", at=local("2026-03-02T08:00"))
    mid = wb.save_draft(cid, "outreach", "Hello", f"Hi {first},\nA question.\nBest,\nAda")
    wb.mark_sent(mid, at=local(sent))
    return cid, mid


def _routine(wb, cid: int, day: str) -> set[str]:
    items = followups.open_followups(wb, day)
    return set(items.loc[items["contact_id"] == cid, "kind"]) & {"second_contact", "nudge"}


@pytest.mark.parametrize("how", ["reply", "proposed_then_cancelled", "held", "thank_you_done", "introduced"])
def test_any_answer_after_the_first_email_settles_the_no_reply_routine(new_wb, how):
    wb = new_wb
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US")
    cid, mid = _outreach(wb, "Nora", "2026-03-02T09:00")
    assert _routine(wb, cid, "2026-03-03") == {"second_contact", "nudge"}
    at = local("2026-03-04T10:00")
    if how == "reply":
        wb.mark_replied(mid, at=at)
    elif how == "proposed_then_cancelled":
        meeting = wb.schedule_meeting(cid, "2026-03-20T10:00", status="proposed", at=at)
        wb.cancel_meeting(meeting, at=local("2026-03-05T10:00"))
    elif how == "held":
        meeting = wb.schedule_meeting(cid, "2026-03-04T10:00", at=local("2026-03-02T08:30"))  # before the email
        wb.log_meeting(meeting, actual_start="2026-03-04T10:00", actual_end="2026-03-04T10:30")
    elif how == "thank_you_done":
        fid = wb.add_followup(cid, "thank_you", at, "Thank them.")
        wb.mark_followup_done(fid, at=at)
    else:
        wb.add_contact("Omar", "Introduced", company="Other Co", referred_by=cid, at=at)
    for day in ("2026-03-04", "2026-03-20", "2026-06-01"):
        assert _routine(wb, cid, day) == set(), day
        pd.testing.assert_frame_equal(followups.due(wb, day), followups.due(Snapshot(wb), day))
    # before the answer the routine was open, as it was then
    assert _routine(wb, cid, "2026-03-03") == {"second_contact", "nudge"}
    # settled, not missed: the health history leaves it out
    assert not followups.followup_history(wb, "2026-06-01")["kind"].isin(["second_contact", "nudge"]).any()
    ev = followups.answer_evidence(wb, "2026-06-01")
    assert cid in set(ev["contact_id"])


def test_an_answer_before_the_first_email_does_not_settle_it(new_wb):
    wb = new_wb
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US")
    cid = wb.add_contact("Nora", "Tester", company="Nora Co", at=local("2026-03-01T08:00"))
    wb.add_contact("Omar", "Introduced", referred_by=cid, at=local("2026-03-01T09:00"))
    mid = wb.save_draft(cid, "outreach", "Hello", "Hi Nora,\nA question.\nBest,\nAda")
    wb.mark_sent(mid, at=local("2026-03-02T09:00"))
    assert _routine(wb, cid, "2026-03-20") == {"second_contact", "nudge"}
    # a routine step done before the answer came still counts as done in the history
    second = int(wb.followups().query("kind == 'second_contact'")["id"].iloc[0])
    wb.mark_followup_done(second, at=local("2026-03-05T10:00"))
    wb.mark_replied(mid, at=local("2026-03-09T10:00"))
    hist = followups.followup_history(wb, "2026-03-20")
    hist = hist[hist["kind"].isin(["second_contact", "nudge"])]  # (the update to Nora for Omar is due too)
    assert hist["kind"].tolist() == ["second_contact"] and hist["outcome"].tolist() == ["late"]  # due Thu 5 Mar 9:00


def test_due_frame_reads_as_a_person_reads_it(demo_wb):
    import datetime as dt

    from infoview_kit.followup.due import due, due_frame

    items = due(demo_wb, dt.date(2026, 11, 25), horizon_days=7)
    frame = due_frame(items)
    assert list(frame.columns) == ["status", "due", "who", "do", "why"] and frame.index[0] == 1
    first = items.iloc[0]
    assert frame["due"].iloc[0] == first["due_at"].strftime("%a %d %b %Y, %H:%M")  # weekday, the year, local time
    assert "Write to a second person" in set(frame["do"]) and "second_contact" not in set(frame["do"])
    assert frame["why"].tolist() == items["why"].fillna("").tolist()
    assert due_frame(items.iloc[:0]).empty and list(due_frame(items.iloc[:0]).columns) == list(frame.columns)
