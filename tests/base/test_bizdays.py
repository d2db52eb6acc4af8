"""Business days: weekends, public holidays, time zones and the 3-and-7-day routine."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from infoview_kit import InputFormatError
from infoview_kit.base.bizdays import (
    MAX_ATTEMPTS_PER_PERSON,
    NUDGE_SCHEDULE,
    add_business_days,
    business_days_between,
    is_business_day,
    next_business_week_start,
    nudge_schedule,
    to_local,
)

LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("start", "n", "country", "expected"),
    [
        # Weekends
        (date(2026, 11, 16), 1, "US", date(2026, 11, 17)),  # Mon -> Tue
        (date(2026, 11, 20), 1, "US", date(2026, 11, 23)),  # Fri -> Mon
        (date(2026, 11, 21), 1, "US", date(2026, 11, 23)),  # Sat -> Mon (day 1 after a Saturday)
        (date(2026, 11, 22), 3, "US", date(2026, 11, 25)),  # Sun -> Wed
        (date(2026, 11, 16), 5, "US", date(2026, 11, 23)),  # a whole week
        # US Thanksgiving, Thursday 2026-11-26
        (date(2026, 11, 25), 1, "US", date(2026, 11, 27)),
        (date(2026, 11, 23), 3, "US", date(2026, 11, 27)),
        (date(2026, 11, 23), 7, "US", date(2026, 12, 3)),
        # Christmas, Friday 2026-12-25, and New Year's Day 2027 (Friday) across the year end
        (date(2026, 12, 24), 1, "US", date(2026, 12, 28)),
        (date(2026, 12, 30), 2, "US", date(2027, 1, 4)),
        # GB: Early May bank holiday Monday 2026-05-04; Boxing Day observed Monday 2026-12-28
        (date(2026, 5, 1), 1, "GB", date(2026, 5, 5)),
        (date(2026, 5, 1), 1, "US", date(2026, 5, 4)),
        (date(2026, 12, 24), 1, "GB", date(2026, 12, 29)),
        # Easter Monday 2026-04-06 is a bank holiday in England, not in all of the UK
        (date(2026, 4, 2), 1, "GB-ENG", date(2026, 4, 7)),
        (date(2026, 4, 2), 1, "GB", date(2026, 4, 6)),
        # Negative n counts backwards
        (date(2026, 11, 27), -1, "US", date(2026, 11, 25)),
        (date(2026, 11, 23), -1, "US", date(2026, 11, 20)),
    ],
)
def test_add_business_days(start, n, country, expected):
    sent = datetime.combine(start, datetime.min.time(), tzinfo=LA).replace(hour=9, minute=15)
    got = add_business_days(sent, n, country=country, tz="America/Los_Angeles")
    assert got.date() == expected
    assert (got.hour, got.minute) == (9, 15)
    assert got.tzinfo is not None and got.utcoffset() == LA.utcoffset(got.replace(tzinfo=None))


def test_zero_days_returns_start_in_tz():
    start = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
    got = add_business_days(start, 0, country="US", tz="America/Los_Angeles")
    assert got == start and got.tzinfo == LA and got.hour == 23


def test_friday_late_evening_in_los_angeles_is_friday():
    # Friday 23:30 in Los Angeles is already Saturday 07:30 UTC.
    friday_late = datetime(2026, 11, 20, 23, 30, tzinfo=LA)
    as_utc = friday_late.astimezone(UTC)
    assert as_utc.weekday() == 5
    for start in (friday_late, as_utc, friday_late.replace(tzinfo=None)):
        got = add_business_days(start, 1, country="US", tz="America/Los_Angeles")
        assert got == datetime(2026, 11, 23, 23, 30, tzinfo=LA)
        # A reply later that Friday evening (local) is still business day 0.
        reply = datetime(2026, 11, 20, 23, 55, tzinfo=LA)
        assert business_days_between(start, reply, country="US", tz="America/Los_Angeles") == 0


def test_local_date_not_utc_date_counts():
    # Thursday 23:30 in Los Angeles (Friday in UTC): day 1 is Friday, not Monday.
    thursday_late = datetime(2026, 11, 19, 23, 30, tzinfo=LA).astimezone(UTC)
    got = add_business_days(thursday_late, 1, country="US", tz="America/Los_Angeles")
    assert got.date() == date(2026, 11, 20)
    # The same instant seen from London is Friday, so day 1 is Monday there.
    got_london = add_business_days(thursday_late, 1, country="GB", tz="Europe/London")
    assert got_london.date() == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("tz", "start", "expected_offset_hours"),
    [
        ("America/Los_Angeles", datetime(2026, 10, 30, 9, 0), -8),  # US clocks go back Sun 1 Nov
        ("America/Los_Angeles", datetime(2026, 3, 6, 9, 0), -7),  # US clocks go forward Sun 8 Mar
        ("Europe/London", datetime(2026, 3, 27, 9, 0), 1),  # UK clocks go forward Sun 29 Mar
        ("Europe/London", datetime(2026, 10, 23, 9, 0), 0),  # UK clocks go back Sun 25 Oct
    ],
)
def test_dst_weekend_keeps_local_clock_time(tz, start, expected_offset_hours):
    got = add_business_days(start, 1, country="US" if "America" in tz else "GB", tz=tz)
    assert got.weekday() == 0
    assert (got.hour, got.minute) == (9, 0)
    assert got.utcoffset() == timedelta(hours=expected_offset_hours)


def test_nonexistent_wall_time_moves_forward():
    # Israel springs forward on Friday 2026-03-27 at 02:00 -> 03:00; 02:30 does not exist.
    got = add_business_days(datetime(2026, 3, 26, 2, 30), 1, country="US", tz="Asia/Jerusalem")
    assert got.date() == date(2026, 3, 27)
    assert (got.hour, got.minute) == (3, 30) and got.utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize(
    ("d", "country", "expected"),
    [
        (date(2026, 11, 24), "US", True),
        (date(2026, 11, 26), "US", False),  # Thanksgiving
        (date(2026, 11, 28), "US", False),  # Saturday
        (date(2026, 12, 25), "US", False),  # Christmas
        (date(2026, 11, 26), "GB", True),
        (date(2026, 12, 28), "GB", False),  # Boxing Day (observed)
        (date(2026, 8, 31), "GB-ENG", False),  # Summer bank holiday (England)
        (date(2026, 8, 31), "GB-SCT", True),
        (date(2026, 10, 3), "DE", False),  # German Unity Day (a Saturday anyway)
        (date(2026, 10, 5), "de", True),  # lower case accepted
        (datetime(2026, 11, 26, 12, 0), "US", False),  # a datetime is reduced to its date
    ],
)
def test_is_business_day(d, country, expected):
    assert is_business_day(d, country=country) is expected


@pytest.mark.parametrize(
    ("d", "country", "expected"),
    [
        (date(2026, 11, 18), "US", date(2026, 11, 23)),  # Wednesday -> next Monday
        (date(2026, 11, 22), "US", date(2026, 11, 23)),  # Sunday ends its week
        (date(2026, 11, 23), "US", date(2026, 11, 30)),  # Monday -> the Monday after
        (date(2026, 5, 20), "US", date(2026, 5, 26)),  # Memorial Day Monday -> Tuesday
        (date(2026, 4, 1), "GB-ENG", date(2026, 4, 7)),  # Easter Monday -> Tuesday
        (date(2026, 4, 1), "GB", date(2026, 4, 6)),
        (date(2026, 12, 23), "GB", date(2026, 12, 29)),  # Boxing Day observed Monday
    ],
)
def test_next_business_week_start(d, country, expected):
    assert next_business_week_start(d, country) == expected
    assert next_business_week_start(d, country=country) == expected


def test_nudge_schedule_is_three_and_seven_business_days():
    sent = datetime(2026, 11, 23, 10, 0, tzinfo=LA)  # Monday of Thanksgiving week
    schedule = nudge_schedule(sent, country="US", tz="America/Los_Angeles")
    assert schedule == [
        ("second_contact", datetime(2026, 11, 27, 10, 0, tzinfo=LA)),
        ("nudge", datetime(2026, 12, 3, 10, 0, tzinfo=LA)),
    ]
    assert [step for step, _ in NUDGE_SCHEDULE] == ["second_contact", "nudge"]
    # Only one step goes to the first person again: the first email plus the nudge.
    assert 1 + sum(step == "nudge" for step, _ in NUDGE_SCHEDULE) == MAX_ATTEMPTS_PER_PERSON


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime(2026, 11, 23, 9), datetime(2026, 11, 23, 17), 0),
        (datetime(2026, 11, 23, 9), datetime(2026, 11, 27, 8), 3),  # skips Thanksgiving
        (datetime(2026, 11, 20, 9), datetime(2026, 11, 22, 9), 0),  # Friday -> Sunday
        (datetime(2026, 11, 27, 9), datetime(2026, 11, 23, 9), -3),
    ],
)
def test_business_days_between(start, end, expected):
    assert business_days_between(start, end, country="US", tz="America/New_York") == expected


@pytest.mark.parametrize("country", ["XX", "USA", "", "U", "united states", "GB-XYZ", None, 44])
def test_unknown_country_names_value_and_expected_form(country):
    with pytest.raises(InputFormatError) as info:
        add_business_days(datetime(2026, 11, 23, 9), 1, country=country, tz="UTC")
    message = str(info.value)
    assert repr(country) in message
    assert ("ISO 3166" in message and '"US"' in message) or "subdivision" in message


def test_to_local():
    assert to_local(datetime(2026, 11, 21, 7, 30, tzinfo=UTC), tz="America/Los_Angeles") == datetime(
        2026, 11, 20, 23, 30, tzinfo=LA)
    assert to_local(datetime(2026, 11, 20, 23, 30), tz="America/Los_Angeles").tzinfo == LA


def test_unknown_time_zone():
    with pytest.raises(InputFormatError, match="time zone .*IANA name") as info:
        add_business_days(datetime(2026, 11, 23, 9), 1, country="US", tz="Pacific Standard")
    assert "'Pacific Standard'" in str(info.value)
    assert isinstance(pickle.loads(pickle.dumps(info.value)), InputFormatError)
