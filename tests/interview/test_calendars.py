"""Tests for infoview_kit.interview.calendars: meeting, cancellation and reminder .ics files."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.interview.calendars import cancel_ics, meeting_ics, read_ics, reminders_ics, uid_for

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
UID = uid_for("meeting", "42")


def make_meeting(**overrides: object) -> bytes:
    args: dict[str, object] = {
        "uid": UID,
        "sequence": 0,
        "start": datetime(2026, 3, 2, 9, 30, tzinfo=LONDON),
        "duration_min": 30,
        "summary": "Coffee with Ana Ruiz",
        "description": "Informational interview about UX research.",
        "location": "Caffe Nero, 12 High St",
        "url": "https://meet.example.org/abc",
        "dtstamp": STAMP,
    }
    args.update(overrides)
    return meeting_ics(**args)  # type: ignore[arg-type]


def only_event(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def unfolded_lines(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


# ------------------------------------------------------------------ time zones


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        (datetime(2026, 10, 30, 9, 30, tzinfo=NEW_YORK), datetime(2026, 10, 30, 13, 30, tzinfo=UTC)),  # EDT
        (datetime(2026, 11, 2, 9, 30, tzinfo=NEW_YORK), datetime(2026, 11, 2, 14, 30, tzinfo=UTC)),  # EST
        (datetime(2026, 10, 23, 9, 30, tzinfo=LONDON), datetime(2026, 10, 23, 8, 30, tzinfo=UTC)),  # BST
        (datetime(2026, 10, 25, 9, 30, tzinfo=LONDON), datetime(2026, 10, 25, 9, 30, tzinfo=UTC)),  # the day
        (datetime(2026, 10, 26, 9, 30, tzinfo=LONDON), datetime(2026, 10, 26, 9, 30, tzinfo=UTC)),  # GMT
        (datetime(2026, 4, 6, 9, 30, tzinfo=ZoneInfo("Australia/Sydney")),
         datetime(2026, 4, 5, 23, 30, tzinfo=UTC)),
        (datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
         datetime(2026, 7, 1, 4, 0, tzinfo=UTC)),
    ],
)
def test_meeting_parses_back_to_the_same_instant(start: datetime, expected_utc: datetime) -> None:
    data = make_meeting(start=start, duration_min=45)
    event = only_event(data)
    assert event.start.astimezone(UTC) == expected_utc
    assert event.end.astimezone(UTC) == expected_utc + timedelta(minutes=45)
    calendar = icalendar.Calendar.from_ical(data)
    assert [tz.tz_name for tz in calendar.timezones] == [start.tzinfo.key]  # type: ignore[union-attr]
    assert calendar.get_missing_tzids() == set()


@pytest.mark.parametrize(
    ("start", "minutes", "start_utc", "end_utc"),
    [
        # ends in the repeated hour when New York clocks go back: 01:30 EDT + 60 min = 01:30 EST
        (datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK), 60,
         datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        # starts in the second 01:30 (fold=1): iCalendar cannot say "second", so UTC is written
        (datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK), 30,
         datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        # spans the spring-forward gap
        (datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK), 60,
         datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # a fixed offset has no VTIMEZONE: written in UTC
        (datetime(2026, 5, 4, 10, 0, tzinfo=timezone(timedelta(hours=2))), 30,
         datetime(2026, 5, 4, 8, 0, tzinfo=UTC), datetime(2026, 5, 4, 8, 30, tzinfo=UTC)),
    ],
)
def test_meeting_times_survive_daylight_saving_edges(start: datetime, minutes: int, start_utc: datetime,
                                                     end_utc: datetime) -> None:
    data = make_meeting(start=start, duration_min=minutes)
    event = only_event(data)
    assert event.start.astimezone(UTC) == start_utc
    assert event.end.astimezone(UTC) == end_utc
    assert icalendar.Calendar.from_ical(data).get_missing_tzids() == set()


# ------------------------------------------------------------ alarm, updates, cancel


@pytest.mark.parametrize(
    ("alarm_min", "trigger"),
    [(30, timedelta(minutes=-30)), (10, timedelta(minutes=-10)), (0, timedelta(0))],
)
def test_meeting_has_a_display_alarm(alarm_min: int, trigger: timedelta) -> None:
    alarms = only_event(make_meeting(alarm_min=alarm_min)).walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0]["TRIGGER"].dt == trigger
    assert "Coffee with Ana Ruiz" in str(alarms[0]["DESCRIPTION"])


def test_meeting_without_alarm() -> None:
    assert only_event(make_meeting(alarm_min=None)).walk("VALARM") == []


def test_reschedule_keeps_uid_with_higher_sequence() -> None:
    first = read_ics(make_meeting(sequence=0))[0]
    moved = read_ics(make_meeting(sequence=1, start=datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)))[0]
    assert moved["uid"] == first["uid"] == UID
    assert moved["sequence"] > first["sequence"]
    assert moved["start"] != first["start"]


def test_cancel_has_method_and_status_with_same_uid() -> None:
    data = cancel_ics(uid=UID, sequence=2, start=datetime(2026, 3, 3, 14, 0, tzinfo=LONDON), duration_min=30,
                      summary="Coffee with Ana Ruiz", dtstamp=STAMP, organizer_email="me@example.org",
                      attendee_email="ana@example.org")
    calendar = icalendar.Calendar.from_ical(data)
    event = only_event(data)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 2
    assert event.walk("VALARM") == []
    entry = read_ics(data)[0]
    assert (entry["method"], entry["status"]) == ("CANCEL", "CANCELLED")
    assert entry["attendees"] == ["ana@example.org"]


def test_request_invites_the_attendee_and_publish_does_not() -> None:
    request = read_ics(make_meeting(method="REQUEST", organizer_email="me@example.org",
                                    attendee_email="ana@example.org"))[0]
    assert request["method"] == "REQUEST"
    assert request["organizer"] == "me@example.org"
    assert request["attendees"] == ["ana@example.org"]
    published = read_ics(make_meeting(organizer_email="me@example.org", attendee_email="ana@example.org"))[0]
    assert published["method"] == "PUBLISH"
    assert published["attendees"] == []


def test_same_inputs_give_identical_bytes() -> None:
    assert make_meeting() == make_meeting()
    assert make_meeting(start=datetime(2026, 11, 2, 9, 30, tzinfo=NEW_YORK)) == make_meeting(
        start=datetime(2026, 11, 2, 9, 30, tzinfo=NEW_YORK))
    assert make_meeting() != make_meeting(dtstamp=STAMP + timedelta(seconds=1))


# ------------------------------------------------------------------------ injection


@pytest.mark.parametrize("field", ["summary", "description", "location"])
@pytest.mark.parametrize(
    "payload",
    [
        "Hi\r\nATTENDEE:mailto:evil@example.com",
        "Hi\nSTATUS:CANCELLED",
        "Hi\rORGANIZER:mailto:evil@example.com",
        "Hi\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
        "Hi\r\n BEGIN:VALARM",
        "Hi\x00\x0b\x1b[31m;,\\",
    ],
)
def test_user_text_cannot_add_properties(field: str, payload: str) -> None:
    data = make_meeting(**{field: payload})
    lines = unfolded_lines(data)
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines if line]
    assert names.count("BEGIN") == names.count("END")
    assert "ATTENDEE" not in names and "ORGANIZER" not in names
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    assert sum(line == "BEGIN:VALARM" for line in lines) == 1
    assert not any(c in data.decode() for c in "\x00\x0b\x1b")
    entries = read_ics(data)
    assert len(entries) == 1
    assert entries[0]["uid"] == UID
    assert entries[0]["status"] == "CONFIRMED"
    assert entries[0][field].startswith("Hi")
    assert "\r" not in entries[0][field]


@pytest.mark.parametrize(
    "overrides",
    [
        {"start": datetime(2026, 3, 2, 9, 30)},
        {"dtstamp": datetime(2026, 1, 1)},
        {"start": date(2026, 3, 2)},
        {"duration_min": 0},
        {"duration_min": 30.5},
        {"sequence": -1},
        {"uid": ""},
        {"uid": "a b@example.org"},
        {"summary": "  "},
        {"url": "javascript:alert(1)"},
        {"url": "https://example.org/a\r\nX-EVIL:1"},
        {"organizer_email": "me@example.org\r\nATTENDEE:mailto:evil@example.com"},
        {"attendee_email": "not an address"},
        {"method": "REFRESH"},
        {"status": "MAYBE"},
        {"method": "CANCEL"},
        {"method": "REQUEST"},
        {"alarm_min": -5},
    ],
)
def test_meeting_rejects_bad_values(overrides: dict[str, object]) -> None:
    with pytest.raises(InputFormatError):
        make_meeting(**overrides)


# ----------------------------------------------------------------------------- UIDs


def test_uid_for_is_stable_and_distinct() -> None:
    assert uid_for("meeting", "42") == uid_for("meeting", "42")
    assert uid_for("meeting", "42") != uid_for("meeting", "43")
    assert uid_for("a", "bc") != uid_for("ab", "c")
    assert uid_for("x").endswith("@infoview-kit.local")
    assert uid_for("x", domain="example.org").endswith("@example.org")


@pytest.mark.parametrize(("parts", "domain"), [((), "example.org"), (("a", 1), "example.org"),
                                               (("a",), ""), (("a",), "bad domain")])
def test_uid_for_rejects_bad_input(parts: tuple[object, ...], domain: str) -> None:
    with pytest.raises(InputFormatError):
        uid_for(*parts, domain=domain)  # type: ignore[arg-type]


# ------------------------------------------------------------------------ reminders

ITEMS = [
    {"uid": "followup:1", "due": date(2026, 3, 3), "summary": "Send thank-you to Ana",
     "description": "Mention the UX Weekly article."},
    {"uid": "followup:2", "due": datetime(2026, 3, 10, 17, 0, tzinfo=LONDON), "summary": "Progress update"},
    {"uid": "followup:3", "due": datetime(2026, 3, 12, 8, 30, tzinfo=NEW_YORK), "summary": "Call Ben"},
]


def test_reminders_one_all_day_event_per_item_with_stable_uids() -> None:
    data = reminders_ics(ITEMS, dtstamp=STAMP)
    entries = read_ics(data)
    assert len(entries) == len(ITEMS)
    assert [e["uid"] for e in entries] == [uid_for("follow-up", i["uid"]) for i in ITEMS]
    assert [e["start"] for e in entries] == [date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 12)]
    assert all(e["all_day"] and e["end"] == e["start"] + timedelta(days=1) for e in entries)
    assert [e["alarms"][0]["trigger"] for e in entries] == [
        timedelta(hours=9), timedelta(hours=9), timedelta(hours=7, minutes=30)]
    assert entries[0]["calendar_name"] == "Informational interview follow-ups"
    assert entries[0]["description"] == "Mention the UX Weekly article."
    assert b"TRANSP:TRANSPARENT" in data


def test_reminders_reimport_updates_rather_than_duplicates() -> None:
    first = reminders_ics(ITEMS, dtstamp=STAMP)
    assert reminders_ics(ITEMS, dtstamp=STAMP) == first
    moved = [{**ITEMS[0], "due": date(2026, 3, 4), "sequence": 1}, *reversed(ITEMS[1:])]
    again = read_ics(reminders_ics(moved, dtstamp=STAMP))
    assert {e["uid"] for e in again} == {e["uid"] for e in read_ics(first)}
    assert again[0]["sequence"] == 1


def test_reminders_empty_and_named() -> None:
    data = reminders_ics([], dtstamp=STAMP, calname="Cohort <A>")
    assert read_ics(data) == []
    assert icalendar.Calendar.from_ical(data).calendar_name == "Cohort <A>"


@pytest.mark.parametrize(
    "items",
    [
        [{"due": date(2026, 3, 3), "summary": "x"}],
        [{"uid": "a", "due": datetime(2026, 3, 3, 9), "summary": "x"}],
        [{"uid": "a", "due": "2026-03-03", "summary": "x"}],
        [{"uid": "a", "due": date(2026, 3, 3), "summary": ""}],
        [{"uid": "a", "due": date(2026, 3, 3), "summary": "x"},
         {"uid": "a", "due": date(2026, 3, 4), "summary": "y"}],
        ["not a mapping"],
    ],
)
def test_reminders_reject_bad_items(items: list[object]) -> None:
    with pytest.raises(InputFormatError):
        reminders_ics(items, dtstamp=STAMP)  # type: ignore[arg-type]


# -------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, this is not a calendar\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026notadate\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nMETHOD:XBEGIN:VTIMEZONE\r\nTZID:Odd/Zone\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n",
        bytes(range(256)),
    ],
    ids=["empty", "text", "cut_short", "bad_date", "no_calendar", "bad_nesting", "stray_end", "binary"],
)
def test_read_ics_names_the_file_on_malformed_input(tmp_path, content: bytes) -> None:
    path = tmp_path / "broken.ics"
    path.write_bytes(content)
    with pytest.raises(InputFormatError) as info:
        read_ics(path)
    assert info.value.path == str(path)
    assert "broken.ics" in str(info.value)
    clone = pickle.loads(pickle.dumps(info.value))
    assert (type(clone), clone.path) == (InputFormatError, str(path))


def test_read_ics_missing_file(tmp_path) -> None:
    with pytest.raises(InfoviewError) as info:
        read_ics(tmp_path / "missing.ics")
    assert "missing.ics" in str(info.value)


def test_read_ics_from_file_and_bytes_agree(tmp_path) -> None:
    data = make_meeting()
    path = tmp_path / "meeting.ics"
    path.write_bytes(data)
    assert read_ics(path) == read_ics(data) == read_ics(str(path))
    entry = read_ics(data)[0]
    assert entry["kind"] == "VEVENT"
    assert entry["url"] == "https://meet.example.org/abc"
    assert entry["location"] == "Caffe Nero, 12 High St"
