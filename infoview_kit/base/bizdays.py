"""Business days in the user's time zone, skipping weekends and public holidays (``holidays``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.base.paths import zone_named

__all__ = [
    "NUDGE_SCHEDULE",
    "MAX_ATTEMPTS_PER_PERSON",
    "BusinessCalendar",
    "add_business_days",
    "business_calendar",
    "business_days_between",
    "is_business_day",
    "next_business_week_start",
    "nudge_schedule",
    "to_local",
]

#: The no-reply routine, in business days after the first email was sent.
#: Day 3 without a reply: write to a second contact at the same employer (the first
#: person is not written to again yet). Day 7 without a reply: one short follow-up
#: ("nudge") to the first person. After that, stop: never more than two attempts per
#: person (the first email and the nudge), see ``MAX_ATTEMPTS_PER_PERSON``.
NUDGE_SCHEDULE: tuple[tuple[str, int], ...] = (("second_contact", 3), ("nudge", 7))

#: Emails to one person without a reply: the first email plus one nudge, never more.
MAX_ATTEMPTS_PER_PERSON = 2

_COUNTRY_RE = re.compile(r"^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$")
_COUNTRY_HINT = (
    'expected an ISO 3166-1 alpha-2 code such as "US", "GB" or "DE" '
    '(optionally with a subdivision, such as "GB-ENG" or "US-CA")'
)


def _parse_country(country: str) -> tuple[str, str | None]:
    """Split ``"GB-ENG"`` into ``("GB", "ENG")`` and check the holidays package knows it."""
    if not isinstance(country, str):
        raise InputFormatError(f"Country code {country!r} is not a string; {_COUNTRY_HINT}.")
    code = country.strip().upper()
    match = _COUNTRY_RE.match(code)
    supported = holidays.list_supported_countries()
    if match is None or match.group(1) not in supported:
        raise InputFormatError(f"Unknown country code {country!r}; {_COUNTRY_HINT}.")
    cc, subdiv = match.group(1), match.group(2)
    if subdiv is not None and subdiv not in supported[cc]:
        known = ", ".join(f"{cc}-{s}" for s in supported[cc][:12]) or "none"
        raise InputFormatError(
            f"Unknown subdivision {country!r} for {cc}; known subdivisions include: {known}."
        )
    return cc, subdiv


@functools.lru_cache(maxsize=512)
def _calendar(cc: str, subdiv: str | None, year: int) -> holidays.HolidayBase:
    """Return the (cached) public-holiday calendar of one country/subdivision for one year."""
    return holidays.country_holidays(cc, subdiv=subdiv, years=year, expand=False)


def _zone(tz: str) -> ZoneInfo:
    return zone_named(tz)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Express ``moment`` in ``zone``; a naive datetime is taken to be in ``zone`` already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def to_local(moment: datetime, *, tz: str) -> datetime:
    """Express ``moment`` in the user's time zone.

    Parameters
    ----------
    moment
        Time-zone aware, or naive meaning "already in ``tz``".
    tz
        IANA time zone of the user, e.g. "America/Los_Angeles".

    Returns
    -------
    datetime
        Aware, in ``tz``.

    Raises
    ------
    InputFormatError
        Unknown time zone.
    """
    return _local(moment, _zone(tz))


def _is_business_day(d: date, cc: str, subdiv: str | None) -> bool:
    return bool(_calendar(cc, subdiv, d.year).is_working_day(d))


def _step(d: date, n: int, cc: str, subdiv: str | None) -> date:
    """Move ``n`` business days from ``d`` (backwards when ``n`` is negative)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if _is_business_day(d, cc, subdiv):
            remaining -= 1
    return d


def is_business_day(d: date, *, country: str) -> bool:
    """Tell whether ``d`` is a working day in ``country``.

    Weekends follow the country's own definition in the ``holidays`` package (Saturday and
    Sunday for most; Friday and Saturday for some), and public holidays, including "observed"
    days off, are not business days.

    Parameters
    ----------
    d
        The local calendar date. A ``datetime`` is reduced to its own (wall-clock) date.
    country
        ISO 3166-1 alpha-2 code ("US", "GB", "DE"), optionally with a subdivision ("GB-ENG").

    Returns
    -------
    bool
        True on a working day.

    Raises
    ------
    InputFormatError
        The country code is unknown.
    """
    cc, subdiv = _parse_country(country)
    if isinstance(d, datetime):
        d = d.date()
    return _is_business_day(d, cc, subdiv)


def add_business_days(start: datetime, n: int, *, country: str, tz: str) -> datetime:
    """Return the moment ``n`` business days after ``start``, at the same local clock time.

    Counting starts from the local date of ``start`` in ``tz``: business day 1 is the first
    business day after that date, whatever day ``start`` itself falls on (a Saturday send
    counts Monday as day 1). ``n == 0`` returns ``start`` in ``tz``; a negative ``n``
    counts backwards.

    Parameters
    ----------
    start
        When the count starts. Time-zone aware, or naive meaning "already in ``tz``".
    n
        How many business days to add.
    country
        ISO 3166-1 alpha-2 code ("US", "GB", "DE"), optionally with a subdivision ("GB-ENG").
    tz
        IANA time zone of the user, e.g. "America/Los_Angeles".

    Returns
    -------
    datetime
        Time-zone aware (in ``tz``), same wall-clock time as ``start``. On the rare day
        where that clock time does not exist (a DST gap) it is moved forward by the gap.

    Raises
    ------
    InputFormatError
        Unknown country code or time zone.
    """
    cc, subdiv = _parse_country(country)
    zone = _zone(tz)
    local = _local(start, zone)
    if n == 0:
        return local
    target = _step(local.date(), int(n), cc, subdiv)
    wall = datetime.combine(target, local.timetz().replace(tzinfo=None), tzinfo=zone)
    # Round-trip through UTC so a non-existent wall time (DST gap) becomes a real instant.
    return wall.astimezone(UTC).astimezone(zone)


def business_days_between(start: datetime, end: datetime, *, country: str, tz: str) -> int:
    """Count the business days after the local date of ``start`` up to and including ``end``'s.

    This is the "business day number" of ``end`` relative to ``start``: 0 on the same day
    (or over a weekend before the first business day), 1 on the next business day, and so
    on. Negative when ``end`` is before ``start``.

    Parameters
    ----------
    start, end
        Time-zone aware datetimes, or naive ones already in ``tz``.
    country
        ISO 3166-1 alpha-2 code, optionally with a subdivision.
    tz
        IANA time zone of the user.

    Returns
    -------
    int
        The number of business days.

    Raises
    ------
    InputFormatError
        Unknown country code or time zone.
    """
    cc, subdiv = _parse_country(country)
    zone = _zone(tz)
    first, last = _local(start, zone).date(), _local(end, zone).date()
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = 0
    d = first
    while d < last:
        d += timedelta(days=1)
        if _is_business_day(d, cc, subdiv):
            count += 1
    return sign * count


def next_business_week_start(d: date, country: str) -> date:
    """Return the first business day of the calendar week (Monday to Sunday) after ``d``'s.

    Usually the next Monday; the Tuesday when that Monday is a public holiday, and so on.
    If the whole next week has no business day, the search continues into the week after.

    Parameters
    ----------
    d
        Any local date.
    country
        ISO 3166-1 alpha-2 code, optionally with a subdivision.

    Returns
    -------
    date
        The first business day on or after next Monday.

    Raises
    ------
    InputFormatError
        The country code is unknown.
    """
    cc, subdiv = _parse_country(country)
    if isinstance(d, datetime):
        d = d.date()
    day = d + timedelta(days=7 - d.weekday())
    while not _is_business_day(day, cc, subdiv):
        day += timedelta(days=1)
    return day


def nudge_schedule(sent_at: datetime, *, country: str, tz: str) -> list[tuple[str, datetime]]:
    """Return when to act if a first email gets no reply: the 3-and-7-business-day routine.

    - ``"second_contact"`` at business day 3: no reply yet, so write to a second contact at
      the same employer (leave the first person alone for now).
    - ``"nudge"`` at business day 7: one short follow-up to the first person.

    That is the last step for that person: never more than two attempts per person (the
    first email and one nudge; ``MAX_ATTEMPTS_PER_PERSON``). A reply at any point cancels
    the remaining steps; that is the caller's job.

    Parameters
    ----------
    sent_at
        When the first email was sent (aware, or naive in ``tz``).
    country
        ISO 3166-1 alpha-2 code, optionally with a subdivision.
    tz
        IANA time zone of the user.

    Returns
    -------
    list of (str, datetime)
        ``[("second_contact", day 3), ("nudge", day 7)]``, aware datetimes in ``tz`` at the
        local clock time of ``sent_at``.

    Raises
    ------
    InputFormatError
        Unknown country code or time zone.
    """
    return [(step, add_business_days(sent_at, days, country=country, tz=tz))
            for step, days in NUDGE_SCHEDULE]


# ---------------------------------------------------------------------------- many dates at once


class BusinessCalendar:
    """Business days of one country over a span of dates, as a running count for vectorized lookups.

    Built from the same test of a working day as the functions above (weekends and public holidays
    of the country), one call per day of each year the span touches (cached per year), so it agrees
    with :func:`add_business_days`, :func:`next_business_week_start` and
    :func:`business_days_between` however many dates are looked up.
    """

    def __init__(self, country: str, first: np.datetime64, last: np.datetime64) -> None:
        cc, subdiv = _parse_country(country)
        years = range(first.astype(object).year, last.astype(object).year + 1)
        self.first = np.datetime64(f"{years[0]}-01-01", "D")
        self.cum = np.cumsum(np.concatenate([_year_flags(cc, subdiv, y) for y in years]))

    def _pos(self, days: np.ndarray) -> np.ndarray:
        pos = (days - self.first).astype("int64")
        if len(pos) and (pos.min() < 0 or pos.max() >= len(self.cum)):
            raise InfoviewError("a date fell outside the business-day span; this is a bug in infoview_kit")
        return pos

    def add(self, days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """The date `n` (>= 1) business days after each date (day 1 is the first business day after it)."""
        target = self.cum[self._pos(days)] + n
        return self.first + np.searchsorted(self.cum, target, side="left").astype("timedelta64[D]")

    def roll(self, days: np.ndarray) -> np.ndarray:
        """Each date, or the first business day after it when it is not one."""
        return self.add(days - np.timedelta64(1, "D"), 1)

    def next_week_start(self, days: np.ndarray) -> np.ndarray:
        """The first business day of the calendar week (Monday to Sunday) after each date's."""
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
        return self.roll(days + (7 - weekday).astype("timedelta64[D]"))

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Business days after each `start` up to and including `end` (as :func:`business_days_between`)."""
        return self.cum[self._pos(end)] - self.cum[self._pos(start)]


@functools.lru_cache(maxsize=64)
def _year_flags(cc: str, subdiv: str | None, year: int) -> np.ndarray:
    """Whether each day of `year` is a business day (weekends and public holidays of the country)."""
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"), dtype="datetime64[D]")
    flags = np.fromiter((_is_business_day(d, cc, subdiv) for d in days.astype(object)), dtype=bool,
                        count=len(days))
    flags.flags.writeable = False
    return flags


def business_calendar(country: str, dates: Iterable[np.ndarray], today: date, ahead: int) -> BusinessCalendar:
    """Return a :class:`BusinessCalendar` covering `dates` (datetime64[D] arrays) and `today`, `ahead` days on."""
    known = [np.datetime64(today, "D")]
    for d in dates:
        d = d[~np.isnat(d)]
        if len(d):
            known += [d.min(), d.max()]
    first, last = min(known), max(known)
    return BusinessCalendar(country, first - np.timedelta64(14, "D"), last + np.timedelta64(ahead + 60, "D"))
