"""One story per person: stages, follow-ups, charts and the written reading derive from one model of
what happened (issue 12, Deliver 1). The reported scenario end to end, then property tests over random
sequences of actions on a fresh workbook."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from infoview_kit import followup as followups
from infoview_kit.base.errors import InfoviewError
from infoview_kit.cli import main
from infoview_kit.outreach.drafting import record_reply
from infoview_kit.reports import charts
from infoview_kit.reports.reading import reading
from infoview_kit.store import STAGES
from infoview_kit.store.readmodel import Snapshot
from infoview_kit.workbook import Workbook

CHICAGO = ZoneInfo("America/Chicago")
ROUTINE = ("second_contact", "nudge")


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def _profile(wb: Workbook) -> None:
    wb.set_profile(name="Ada Test", timezone="America/Chicago", country="US", signature="Ada")


def _send_outreach(wb: Workbook, cid: int, at: dt.datetime) -> int:
    first = wb.contact(cid)["first_name"]
    mid = wb.save_draft(cid, "outreach", "A question", f"Hi {first},\nA short question.\nBest,\nAda", at=at)
    wb.mark_sent(mid, at=at)
    return mid


# ---------------------------------------------------------------------------- the reported scenario

def test_sent_met_thanked_and_introduced_two_is_a_story_without_a_no_reply_step(tmp_path, capsys):
    path = tmp_path / "maya.sqlite"
    with Workbook.open(path) as wb:
        _profile(wb)
        maya = wb.add_contact("Maya", "Lindqvist", company="Cobalt Health", position="Clinical Research Associate",
                              at=local("2026-11-02T08:00"))
        wb.set_target(maya, at=local("2026-11-02T08:05"))
        _send_outreach(wb, maya, local("2026-11-02T09:00"))  # Mon 2 Nov; no reply recorded, ever
        meeting = wb.schedule_meeting(maya, "2026-11-10T10:00", duration_min=30, at=local("2026-11-03T12:00"))
        wb.log_meeting(meeting, actual_start="2026-11-10T10:00", actual_end="2026-11-10T10:30")
        thanks = followups.due(wb, "2026-11-10")
        key = thanks.loc[thanks["kind"] == "thank_you", "key"].iloc[0]
        followups.mark_done(wb, key, at=local("2026-11-10T16:00"))  # the board's Done on the thank-you
        for first in ("Omar", "Lena"):
            wb.add_contact(first, "Introduced", company="Cobalt Health", referred_by=maya,
                           at=local("2026-11-12T09:00"))
    for day in ("2026-11-12", "2026-11-25"):
        assert main(["due", "--workbook", str(path), "--today", day]) == 0
        out = capsys.readouterr().out
        mine = [line for line in out.splitlines() if "Maya Lindqvist" in line]
        assert not any(re.search("second person|short follow-up", line) for line in mine), out
    with Workbook.open(path) as wb:
        open_items = followups.open_followups(wb, "2026-11-25")
        assert not open_items[open_items["contact_id"] == maya]["kind"].isin(ROUTINE).any()
        data = charts.chart_data(wb, "2026-11-25")
        funnel = data["funnel"].set_index("stage")["people"]
        assert (funnel["replied"], funnel["met"], funnel["thanked"]) == (1, 1, 1)
        assert wb.contacts().set_index("id").loc[maya, "stage"] == "thanked"
        resp = data["responses"].set_index("contact_id").loc[maya]
        # her answer: the meeting scheduled on Tue 3 Nov, the next business day
        assert resp["response"] == "quick" and resp["business_days"] == 1
        assert data["activity"]["thank-yous"].sum() == 1
        hist = followups.followup_history(wb, "2026-11-25")
        assert not hist["kind"].isin(ROUTINE).any()  # settled by her answer: neither done nor missed
        assert hist.loc[hist["kind"] == "thank_you", "outcome"].tolist() == ["on_time"]
        text = reading(data, followups.due(wb, "2026-11-25"))
        assert "Follow-ups: 1 of 1 done were on time" in text
        assert "went on to 'thanked'" not in text  # nobody met went un-thanked


def test_the_reading_does_not_call_a_thank_you_not_yet_due_the_narrowest_step(new_wb):
    wb = new_wb
    _profile(wb)
    cids = [wb.add_contact(n, "Tester", company=f"{n} Co", at=local("2026-11-02T08:00")) for n in ("Ann", "Ben")]
    for cid in cids:
        wb.set_target(cid, at=local("2026-11-02T08:05"))
        mid = _send_outreach(wb, cid, local("2026-11-02T09:00"))
        wb.mark_replied(mid, at=local("2026-11-03T09:00"))
        meeting = wb.schedule_meeting(cid, "2026-11-24T10:00", at=local("2026-11-03T10:00"))
        wb.log_meeting(meeting, actual_start="2026-11-24T10:00", actual_end="2026-11-24T10:30")
    data = charts.chart_data(wb, "2026-11-24")  # met today: the thank-yous are due tomorrow
    funnel = data["funnel"].set_index("stage")
    assert (funnel.loc["thanked", "people"], funnel.loc["thanked", "waiting"]) == (0, 2)
    text = reading(data, followups.due(wb, "2026-11-24"))
    assert "went on to 'thanked'" not in text and "only 0%" not in text
    labels = [t.get_text() for t in charts.funnel_chart(data["funnel"]).axes[0].texts]
    assert "0  (0% of previous; 2 more still within their time)" in labels  # the chart says so too
    # two days on, the thank-yous were due and not sent: now it is the narrowest step
    data = charts.chart_data(wb, "2026-11-26")
    assert data["funnel"].set_index("stage").loc["thanked", "waiting"] == 0
    text = reading(data, followups.due(wb, "2026-11-26"))
    assert "only 0% of the people met went on to 'thanked' (0 of 2)" in text.split("**Stuck or slipping**")[1]


# ---------------------------------------------------------------------------- property tests

ACTIONS = ("add", "target", "send", "send", "reply", "schedule", "schedule", "confirm", "cancel", "held", "held",
           "thank", "due", "due", "due", "refer")
START = local("2026-03-02T08:00")  # a Monday
STORY = settings(max_examples=40, deadline=None)


def _day(now: dt.datetime) -> dt.date:
    return now.astimezone(CHICAGO).date()


def _act(wb: Workbook, action: str, a: int, b: int, now: dt.datetime, people: list[int]) -> None:
    """One user action at `now`; one that does not apply to the state drawn is left out."""
    cid = people[a % len(people)]
    if action == "reply":  # most often someone written to (anyone else is refused, and that is tested too)
        written = wb.messages().query("status == 'sent'")["contact_id"].tolist()
        cid = written[a % len(written)] if written and b % 4 else cid
    meetings = wb.meetings()
    if action in ("confirm", "cancel", "held"):  # mostly a meeting that can still take it
        live = meetings[meetings["status"].isin(["proposed"] if action == "confirm" else ["proposed", "confirmed"])]
        meetings = live if len(live) and b % 5 else meetings
    meeting = int(meetings["id"].iloc[b % len(meetings)]) if len(meetings) else None
    naive = now.astimezone(CHICAGO).replace(tzinfo=None)
    if action == "add":
        people.append(wb.add_contact(f"Person{len(people)}", "Story", company=f"Co {b % 4}", at=now))
    elif action == "target":
        wb.set_target(cid, at=now)
    elif action == "send":
        _send_outreach(wb, cid, now)
    elif action == "reply":
        record_reply(wb, cid, at=now)
    elif action == "schedule":
        wb.schedule_meeting(cid, naive + dt.timedelta(days=1 + b % 6, hours=2), status=("proposed", "confirmed")[b % 2],
                            at=now)
    elif action == "confirm" and meeting is not None:
        wb.confirm_meeting(meeting, at=now)
    elif action == "cancel" and meeting is not None:
        wb.cancel_meeting(meeting, at=now)
    elif action == "held" and meeting is not None and wb.meeting(meeting)["status"] != "cancelled":
        wb.log_meeting(meeting, actual_start=naive - dt.timedelta(minutes=31),
                       actual_end=naive - dt.timedelta(minutes=1))
    elif action == "thank":
        met = wb.meetings().query("status == 'held'")["contact_id"].tolist()
        if met:
            who = met[a % len(met)]
            mid = wb.save_draft(who, "thank_you", "Thank you", "Hi,\nThank you for your time.\nBest,\nAda", at=now)
            wb.mark_sent(mid, at=now)
    elif action == "due":
        items = followups.due(wb, _day(now))
        if len(items):
            key = str(items["key"].iloc[a % len(items)])
            how = ("done", "done", "snooze", "skip")[b % 4]
            if how == "done":
                followups.mark_done(wb, key, at=now, today=_day(now))
            elif how == "snooze":
                followups.snooze(wb, key, _day(now) + dt.timedelta(days=1 + b % 9), at=now, today=_day(now))
            else:
                followups.skip(wb, key, at=now, today=_day(now))
    elif action == "refer":
        people.append(wb.add_contact(f"Intro{len(people)}", "Story", company="Elsewhere", referred_by=cid, at=now))


def _raw(wb: Workbook, sql: str) -> pd.DataFrame:
    return wb._df(sql)


def _evidence_by_hand(wb: Workbook) -> pd.DataFrame:
    """The answer evidence, re-derived here from the raw tables (not through followups.answer_evidence)."""
    ev = _raw(wb, """
        SELECT contact_id, replied_at AS at FROM messages WHERE replied_at IS NOT NULL
        UNION ALL SELECT contact_id, at FROM events WHERE kind = 'meeting_scheduled'
        UNION ALL SELECT contact_id, actual_end FROM meetings WHERE status = 'held'
        UNION ALL SELECT contact_id, sent_at FROM messages WHERE kind = 'thank_you' AND sent_at IS NOT NULL
        UNION ALL SELECT contact_id, done_at FROM followups WHERE kind = 'thank_you' AND done_at IS NOT NULL
                                                                AND skipped = 0
        UNION ALL SELECT referred_by, created_at FROM contacts WHERE referred_by IS NOT NULL""")
    ev["at"] = pd.to_datetime(ev["at"], utc=True, format="ISO8601")
    return ev


def _check_story(wb: Workbook, today: dt.date) -> None:
    evidence = _evidence_by_hand(wb)
    answered = set(evidence["contact_id"])
    sent = _raw(wb, "SELECT id, contact_id, kind, sent_at FROM messages WHERE sent_at IS NOT NULL")
    sent["sent_at"] = pd.to_datetime(sent["sent_at"], utc=True, format="ISO8601")

    # nobody who answered after a first email is awaiting its no-reply step
    items = followups.open_followups(wb, today)
    routine = items[items["kind"].isin(ROUTINE)]
    fu = wb.followups().set_index("id")
    for fid, cid in zip(routine["followup_id"], routine["contact_id"], strict=True):
        mid = fu.loc[int(fid), "message_id"]
        when = sent.set_index("id").loc[int(mid), "sent_at"]
        later = evidence[(evidence["contact_id"] == cid) & (evidence["at"] >= when)]
        assert later.empty, f"contact {cid} answered ({later.to_dict('records')}) but {fid} is open"
    # due() is what open_followups() holds within the horizon
    due = followups.due(wb, today)
    pd.testing.assert_frame_equal(due, items[items["days"] <= 7].reset_index(drop=True))
    # the lean read (a Workbook) and the whole tables (a Snapshot) agree
    for day in (today, today + dt.timedelta(days=3), today + dt.timedelta(days=20)):
        pd.testing.assert_frame_equal(followups.due(wb, day, horizon_days=40),
                                      followups.due(Snapshot(wb), day, horizon_days=40))

    # the funnel: each stage is the people with its evidence or a later stage's
    data = charts.chart_data(wb, today)
    funnel = data["funnel"].set_index("stage")["people"]
    events = _raw(wb, "SELECT kind, contact_id FROM events WHERE contact_id IS NOT NULL")
    who = {kind: set(group["contact_id"]) for kind, group in events.groupby("kind")}
    kept = who.get("update_sent", set()) | who.get("checkin_sent", set())
    thanked_by = set(_raw(wb, "SELECT contact_id FROM messages WHERE kind = 'thank_you' AND sent_at IS NOT NULL "
                              "UNION SELECT contact_id FROM followups WHERE kind = 'thank_you' "
                              "AND done_at IS NOT NULL AND skipped = 0")["contact_id"])
    thanked = thanked_by | kept
    met = set(wb.meetings().query("status == 'held'")["contact_id"]) | thanked
    replied = answered | met
    assert (funnel["replied"], funnel["met"], funnel["thanked"], funnel["kept_in_touch"]) == (
        len(replied), len(met), len(thanked), len(kept))
    assert answered >= thanked_by  # a thank-you is itself an answer
    # contacts()["stage"] tells the same story
    stage = wb.contacts()["stage"].dropna().map(STAGES.index)
    for i, name in enumerate(STAGES):
        assert int((stage >= i).sum()) == funnel[name], name

    # the reply chart: a first email is replied when its person answered after it was sent
    resp = data["responses"]
    for cid, when, response in zip(resp["contact_id"], resp["sent_at"], resp["response"], strict=True):
        later = ((evidence["contact_id"] == cid) & (evidence["at"] >= when)).any()
        assert (response in ("quick", "on_time", "late")) == later, (cid, when, response)
    emailed = set(resp["contact_id"])
    by_chart = set(resp.loc[resp["response"].isin(["quick", "on_time", "late"]), "contact_id"])
    assert by_chart <= (answered & emailed)

    # the reading states the charts' own numbers
    text = reading(data, due)
    if m := re.search(r"Funnel: (\d+) people chosen, (\d+) met", text):
        assert (int(m[1]), int(m[2])) == (funnel["identified"], funnel["met"])
    if m := re.search(r"went on to '([a-z ]+)' \((\d+) of (\d+)(?:; (\d+) more still ha(?:s|ve) time)?\)", text):
        i = STAGES.index(m[1].replace(" ", "_"))
        assert (int(m[2]), int(m[3])) == (funnel.iloc[i], funnel.iloc[i - 1])
        assert int(m[4] or 0) == data["funnel"]["waiting"].iloc[i]
        assert funnel.iloc[i - 1] > data["funnel"]["waiting"].iloc[i]  # never called narrowest while all have time
    summary = charts.response_summary(resp)
    if m := re.search(r"Replies: \d+% of the (\d+) first emails decided got a reply \((\d+) within", text):
        assert (int(m[1]), int(m[2])) == (summary["decided"], summary["quick"])
    health = data["followup_health"]
    if m := re.search(r"Follow-ups: (\d+) of (\d+) done were on time, (\d+) late", text):
        assert (int(m[1]), int(m[2]), int(m[3])) == (health["on_time"].sum(), health[["on_time", "late"]].sum().sum(),
                                                    health["late"].sum())
    if m := re.search(r"(\d+) overdue today", text):
        assert int(m[1]) == int((due["status"] == "overdue").sum())
    if m := re.search(r"(\d+) meetings? held", text):
        assert int(m[1]) == len(data["meeting_minutes"])


@STORY
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 30), st.integers(0, 30),
                                 st.integers(1, 60)), min_size=4, max_size=30))
def test_every_view_tells_one_story(steps):
    with tempfile.TemporaryDirectory() as folder, Workbook.open(Path(folder) / "story.sqlite") as wb:
        _profile(wb)
        now = START
        people = [wb.add_contact(f"First{i}", "Story", company=f"Co {i}", at=now) for i in range(3)]
        for action, a, b, hours in steps:
            now += dt.timedelta(hours=hours)
            # an action not possible in this state (no email to answer yet, a meeting already held...) is refused
            with contextlib.suppress(InfoviewError):
                _act(wb, action, a, b, now, people)
        _check_story(wb, _day(now))
