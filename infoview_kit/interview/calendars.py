"""Meeting invitations and follow-up reminders as iCalendar (.ics) files, and reading them back."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import TRANSP, Alarm, Calendar, Event, Todo, vCalAddress
from icalendar.timezone import tzid_from_dt

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.base.paths import zone_named
from infoview_kit.base.validate import email as check_email
from infoview_kit.base.validate import url as check_url

__all__ = [
    "DEFAULT_DOMAIN",
    "PRODID",
    "cancel_ics",
    "meeting_ics",
    "read_ics",
    "reminders_ics",
    "uid_for",
]

PRODID = "-//infoview_kit//Informational interviews//EN"
DEFAULT_DOMAIN = "infoview-kit.local"
REMINDER_HOUR = 9
"""Local hour (on the due day) at which a follow-up reminder's alarm fires."""

_METHODS = ("PUBLISH", "REQUEST", "CANCEL")
_STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
_MAX_ALARM_MIN = 7 * 24 * 60
# C0 controls except TAB and LF, plus DEL: they have no place in calendar text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def uid_for(*parts: str, domain: str = DEFAULT_DOMAIN) -> str:
    """Return a stable iCalendar UID derived from ``parts``.

    The same parts always give the same UID, so a calendar file written again for the
    same meeting or follow-up updates the entry a calendar app already has instead of
    adding a second one.

    Parameters
    ----------
    *parts
        Strings that identify the thing, e.g. ``("meeting", "42")``. Order matters and
        ``("a", "bc")`` differs from ``("ab", "c")``.
    domain
        The right-hand side of the UID (``hash@domain``).

    Returns
    -------
    str
        ``"<32 hex digits>@<domain>"``.

    Raises
    ------
    InputFormatError
        If no part is given, a part is not a string, or the domain is empty or holds
        spaces or control characters.
    """
    if not parts:
        raise InputFormatError("uid_for() needs at least one part, e.g. uid_for('meeting', '42').")
    for part in parts:
        if not isinstance(part, str):
            raise InputFormatError(f"uid_for() parts must be strings, got {type(part).__name__}: {part!r}.")
    if not domain or any(c.isspace() for c in domain) or _CONTROL.search(domain):
        raise InputFormatError(f"uid_for(): domain {domain!r} must be non-empty, without spaces.")
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{domain}"


def meeting_ics(*, uid: str, sequence: int, start: datetime, duration_min: int, summary: str, dtstamp: datetime,
                description: str = "", location: str = "", url: str | None = None,
                organizer_email: str | None = None, attendee_email: str | None = None,
                alarm_min: int | None = 30, method: str = "PUBLISH", status: str = "CONFIRMED") -> bytes:
    """Return an .ics file with one meeting (VEVENT) and its reminder alarm.

    The output depends only on the arguments (``dtstamp`` is passed in, the VTIMEZONE
    is built from the time zone database for a window around the meeting), so writing
    the file again for the same meeting gives identical bytes. To reschedule, call again
    with the same ``uid`` and a higher ``sequence``; to cancel, use :func:`cancel_ics`.

    Parameters
    ----------
    uid
        The meeting's stable UID, e.g. ``uid_for("meeting", str(meeting_id))``.
    sequence
        Revision number, 0 for the first version; raise it on every change.
    start
        Time-zone-aware start. A named zone (``ZoneInfo("Europe/London")``) is written
        as ``TZID`` with a matching VTIMEZONE; a fixed offset without a zone name is
        written in UTC.
    duration_min
        Length of the meeting in minutes (> 0). The end is computed on the UTC time
        line, so it is right across a daylight-saving change.
    summary, description, location
        Free text. Line breaks are kept as escaped text and control characters
        dropped, so no value can add a property or a component.
    dtstamp
        Time-zone-aware time the file is generated (written in UTC).
    url
        Video-call or details link; only ``http``/``https`` links are accepted.
    organizer_email, attendee_email
        Plain e-mail addresses. Per RFC 5546 a PUBLISH calendar carries no attendee,
        so ``attendee_email`` is written only for ``REQUEST`` and ``CANCEL``.
    alarm_min
        Minutes before the start for a DISPLAY alarm; ``None`` for no alarm.
    method
        ``"PUBLISH"`` (a file for your own calendar), ``"REQUEST"`` (an invitation:
        needs ``organizer_email``) or ``"CANCEL"``.
    status
        ``"CONFIRMED"``, ``"TENTATIVE"`` or ``"CANCELLED"`` (required with ``CANCEL``).

    Returns
    -------
    bytes
        The iCalendar file (CRLF line ends, UTF-8).

    Raises
    ------
    InputFormatError
        If a value is missing or not in the form described above.
    """
    method, status = _method_and_status(method, status)
    uid, sequence = _uid(uid), _int(sequence, "sequence", low=0)
    duration = _int(duration_min, "duration_min", low=1, high=24 * 60)
    start = _zoned(_require_aware(start, "start"))
    stamp = _require_aware(dtstamp, "dtstamp").astimezone(UTC)
    end = _zoned((start.astimezone(UTC) + timedelta(minutes=duration)).astimezone(start.tzinfo))
    summary_text = _summary(summary)
    organizer, attendee = _organizer_and_attendee(method, organizer_email, attendee_email)
    alarm = None if alarm_min is None else _int(alarm_min, "alarm_min", low=0, high=_MAX_ALARM_MIN)
    event = Event.new(uid=uid, sequence=sequence, stamp=stamp, start=start, end=end, summary=summary_text,
                      description=_ics_text(description, "description") or None,
                      location=_ics_text(location, "location") or None, url=check_url(url, "url"))
    event.add("status", status)
    _add_people(event, method, organizer, attendee)
    if alarm is not None and method != "CANCEL":
        event.add_component(Alarm.new_display(f"Reminder: {summary_text}", timedelta(minutes=-alarm)))
    calendar = _calendar(method)
    calendar.add_component(event)
    # A VTIMEZONE covering the year before to the year after keeps the file small and deterministic.
    calendar.add_missing_timezones(first_date=date(start.year - 1, 1, 1), last_date=date(start.year + 2, 1, 1))
    return bytes(calendar.to_ical())


def _method_and_status(method: str, status: str) -> tuple[str, str]:
    method = _choice(method, _METHODS, "method")
    status = _choice(status, _STATUSES, "status")
    if (method == "CANCEL") != (status == "CANCELLED"):
        raise InputFormatError(
            f"method {method} with status {status}: a cancellation needs method='CANCEL' and "
            "status='CANCELLED' together; use cancel_ics()."
        )
    return method, status


def _summary(summary: Any) -> str:
    text = _ics_text(summary, "summary")
    if not text.strip():
        raise InputFormatError("summary is empty: give the meeting a title, e.g. 'Coffee with Ana Ruiz'.")
    return text


def _organizer_and_attendee(method: str, organizer_email: Any, attendee_email: Any) -> tuple[str | None, str | None]:
    organizer = check_email(organizer_email, "organizer_email")
    attendee = check_email(attendee_email, "attendee_email")
    if method == "REQUEST" and organizer is None:
        raise InputFormatError("method='REQUEST' (an invitation) needs organizer_email, your own address.")
    return organizer, attendee


def _add_people(event: Event, method: str, organizer: str | None, attendee: str | None) -> None:
    """Add the organizer, and the attendee unless the calendar is PUBLISH (RFC 5546 forbids it there)."""
    if organizer is not None:
        event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if attendee is not None and method != "PUBLISH":
        address = vCalAddress(f"mailto:{attendee}")
        address.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
        event.add("attendee", address)


def cancel_ics(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    duration_min: int,
    summary: str,
    dtstamp: datetime,
    description: str = "",
    location: str = "",
    organizer_email: str | None = None,
    attendee_email: str | None = None,
) -> bytes:
    """Return an .ics file that cancels a meeting written earlier by :func:`meeting_ics`.

    It carries ``METHOD:CANCEL`` and ``STATUS:CANCELLED`` with the meeting's UID; calendar
    apps apply it only when ``sequence`` is higher than the last version they saw.

    Parameters
    ----------
    uid, start, duration_min, summary, dtstamp, description, location
        As for :func:`meeting_ics`; ``uid`` must be the meeting's UID.
    sequence
        Higher than the sequence of every earlier version of the meeting.
    organizer_email, attendee_email
        As for :func:`meeting_ics`; an attendee is written so the cancellation reaches
        the person you invited.

    Returns
    -------
    bytes
        The iCalendar file, without an alarm.

    Raises
    ------
    InputFormatError
        If a value is missing or not in the expected form.
    """
    return meeting_ics(
        uid=uid,
        sequence=sequence,
        start=start,
        duration_min=duration_min,
        summary=summary,
        dtstamp=dtstamp,
        description=description,
        location=location,
        organizer_email=organizer_email,
        attendee_email=attendee_email,
        alarm_min=None,
        method="CANCEL",
        status="CANCELLED",
    )


def reminders_ics(
    items: Iterable[Mapping[str, Any]],
    *,
    dtstamp: datetime,
    calname: str = "Informational interview follow-ups",
) -> bytes:
    """Return one .ics calendar with an all-day reminder per open follow-up.

    Each follow-up becomes an all-day VEVENT on its due date (shown as free time) with a
    DISPLAY alarm at 9:00 local time on that day. All-day events with alarms are shown
    and imported by Apple Calendar, Google Calendar, Outlook and Thunderbird alike,
    whereas VTODO is ignored by several of them. The UID of each entry is
    ``uid_for("follow-up", item["uid"])``, so importing a newer file updates the
    entries instead of duplicating them.

    Parameters
    ----------
    items
        Mappings with ``uid`` (the follow-up's stable key), ``due`` (a date, or a
        time-zone-aware datetime: the reminder goes on its local date and, when it is
        due before 10:00, the alarm fires an hour before the due time instead of at
        9:00), ``summary`` and optionally ``description`` and ``sequence`` (raise it
        when a follow-up's date changes).
    dtstamp
        Time-zone-aware time the file is generated.
    calname
        Calendar name shown by apps that support ``NAME``/``X-WR-CALNAME``.

    Returns
    -------
    bytes
        The iCalendar file; it has no event when ``items`` is empty.

    Raises
    ------
    InputFormatError
        If an item lacks a field, has a naive datetime, or two items share a ``uid``.
    """
    stamp = _require_aware(dtstamp, "dtstamp").astimezone(UTC)
    calendar = _calendar("PUBLISH")
    calendar.calendar_name = _ics_text(calname, "calname") or "Follow-ups"
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where = f"follow-up {number}"
        if not isinstance(item, Mapping):
            raise InputFormatError(f"{where}: expected a mapping with uid, due, summary, got {item!r}.")
        key = item.get("uid")
        if not isinstance(key, str) or not key.strip():
            raise InputFormatError(f"{where}: 'uid' must be the follow-up's non-empty key, got {key!r}.")
        where = f"follow-up {number} (uid {key!r})"
        if key in seen:
            raise InputFormatError(f"{where}: this uid appears twice; each follow-up needs its own key.")
        seen.add(key)
        due_day, trigger = _due(item.get("due"), where)
        summary = _ics_text(item.get("summary"), f"{where}: summary")
        if not summary.strip():
            raise InputFormatError(f"{where}: 'summary' is empty; say what to do, e.g. 'Send a thank-you'.")
        event = Event.new(
            uid=uid_for("follow-up", key),
            sequence=_int(item.get("sequence", 0) or 0, f"{where}: sequence", low=0),
            stamp=stamp,
            start=due_day,
            end=due_day + timedelta(days=1),
            summary=summary,
            description=_ics_text(item.get("description"), f"{where}: description") or None,
            transparency=TRANSP.TRANSPARENT,
        )
        event.add("categories", ["Follow-up"])
        event.add_component(Alarm.new_display(f"Follow-up due: {summary}", trigger))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def read_ics(source: str | os.PathLike[str] | bytes) -> list[dict[str, Any]]:
    """Read the events and to-dos of an .ics file.

    Parameters
    ----------
    source
        A path to an .ics file, or the file's bytes.

    Returns
    -------
    list of dict
        One dict per VEVENT or VTODO, in file order, with the keys ``kind``
        (``"VEVENT"``/``"VTODO"``), ``uid``, ``sequence`` (int, 0 when absent),
        ``method`` (the calendar's METHOD or None), ``status``, ``summary``,
        ``description``, ``location``, ``url``, ``start``, ``end`` (aware datetimes in
        their zone, naive for floating times, or dates for all-day entries; for a to-do
        ``end`` is its due time), ``all_day``, ``organizer`` and ``attendees`` (plain
        e-mail addresses), ``alarms`` (list of dicts with ``action`` and ``trigger``, a
        timedelta relative to the start or an absolute datetime) and ``calendar_name``.
        Missing text values are None.

    Raises
    ------
    InputFormatError
        If the file is not iCalendar, is cut short, or has a property that cannot be
        read; the message and ``path`` name the file.
    InfoviewError
        If the file cannot be read at all (missing, no permission).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data, name, path = bytes(source), "the .ics data", None
    else:
        path = os.fspath(source)
        name = path
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InfoviewError(f"{name}: cannot read the file ({exc.strerror or exc}).", path=path) from exc
    if not data.strip():
        raise InputFormatError(f"{name}: the file is empty; expected an iCalendar (.ics) file.", path=path)
    try:
        components = Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, and others on badly nested input
        raise InputFormatError(f"{name}: not a valid iCalendar (.ics) file ({exc}).", path=path) from exc
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars or len(calendars) != len(components):
        raise InputFormatError(
            f"{name}: expected BEGIN:VCALENDAR ... END:VCALENDAR; the file is cut short or is not a "
            "calendar export.",
            path=path,
        )
    entries: list[dict[str, Any]] = []
    for calendar in calendars:
        method = _opt_str(calendar.get("METHOD"))
        calname = _opt_str(calendar.get("X-WR-CALNAME") or calendar.get("NAME"))
        for component in calendar.subcomponents:
            if not isinstance(component, Event | Todo):
                continue
            try:
                entries.append(_entry(component, method, calname))
            except Exception as exc:  # icalendar raises several types for broken values
                uid = _opt_str(component.get("UID")) or f"entry {len(entries) + 1}"
                raise InputFormatError(f"{name}: {component.name} {uid}: {exc}", path=path) from exc
    return entries


# ---------------------------------------------------------------------------- helpers


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _entry(component: Event | Todo, method: str | None, calname: str | None) -> dict[str, Any]:
    if component.errors:
        prop, message = component.errors[0]
        raise ValueError(f"property {prop}: {message}")
    start = component.start if "DTSTART" in component else None
    end: date | datetime | None = None
    if "DTEND" in component or "DURATION" in component or "DUE" in component:
        end = component.end
    attendees = component.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    alarms = []
    for alarm in component.walk("VALARM"):
        if alarm.errors:
            prop, message = alarm.errors[0]
            raise ValueError(f"VALARM property {prop}: {message}")
        trigger = alarm.get("TRIGGER")
        alarms.append({"action": _opt_str(alarm.get("ACTION")), "trigger": trigger.dt if trigger else None})
    sequence = component.get("SEQUENCE")
    return {
        "kind": component.name,
        "uid": _opt_str(component.get("UID")),
        "sequence": int(sequence) if sequence is not None else 0,
        "method": method,
        "status": _opt_str(component.get("STATUS")),
        "summary": _opt_str(component.get("SUMMARY")),
        "description": _opt_str(component.get("DESCRIPTION")),
        "location": _opt_str(component.get("LOCATION")),
        "url": _opt_str(component.get("URL")),
        "start": start,
        "end": end,
        "all_day": isinstance(start, date) and not isinstance(start, datetime),
        "organizer": _address(component.get("ORGANIZER")),
        "attendees": [a for a in (_address(x) for x in attendees) if a],
        "alarms": alarms,
        "calendar_name": calname,
    }


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _address(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text[7:] if text.lower().startswith("mailto:") else text


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    upper = value.upper() if isinstance(value, str) else value
    if upper not in allowed:
        raise InputFormatError(f"{field} {value!r} is not supported; use one of {', '.join(allowed)}.")
    return upper


def _int(value: Any, field: str, *, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputFormatError(f"{field} must be a whole number, got {value!r}.")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise InputFormatError(f"{field} must be {bounds}, got {value}.")
    return value


def _require_aware(value: Any, field: str) -> datetime:
    """Return `value` when it is a datetime with a time zone; calendar files refuse naive times."""
    if not isinstance(value, datetime):
        raise InputFormatError(f"{field} must be a datetime, got {type(value).__name__} {value!r}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputFormatError(
            f"{field} {value.isoformat()} has no time zone; pass an aware datetime, "
            "e.g. datetime(..., tzinfo=ZoneInfo('Europe/London'))."
        )
    return value


def _zoned(value: datetime) -> datetime:
    """Return ``value`` as a wall-clock time that iCalendar reads back as the same instant.

    A named IANA zone is kept (a time in a daylight-saving gap moves to the real local
    time); fixed offsets without a zone name, and the second occurrence of a time that
    happens twice when clocks go back (iCalendar always reads the first), go to UTC.
    """
    tzid = tzid_from_dt(value)
    if tzid is None or tzid == "UTC" or not _is_iana(tzid):
        return value.astimezone(UTC)
    local = value.astimezone(UTC).astimezone(value.tzinfo)
    ambiguous = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    if ambiguous and local.fold == 1:
        return value.astimezone(UTC)
    return local


def _is_iana(tzid: str) -> bool:
    """True when the time zone database knows ``tzid``, so a VTIMEZONE can be built for it."""
    try:
        zone_named(tzid)
    except InputFormatError:
        return False
    return True


def _ics_text(value: Any, field: str) -> str:
    """Return calendar text: None is "", line ends are LF, control characters go; not text is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputFormatError(f"{field} must be text, got {type(value).__name__} {value!r}.")
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _uid(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputFormatError(f"uid must be a non-empty string (see uid_for()), got {value!r}.")
    if any(c.isspace() for c in value) or _CONTROL.search(value):
        raise InputFormatError(f"uid {value!r} must not contain spaces or control characters; use uid_for().")
    return value


def _due(value: Any, where: str) -> tuple[date, timedelta]:
    """Return the all-day date of a follow-up and its alarm trigger from local midnight."""
    nine = timedelta(hours=REMINDER_HOUR)
    if isinstance(value, datetime):
        _require_aware(value, f"{where}: due")
        since_midnight = timedelta(hours=value.hour, minutes=value.minute)
        return value.date(), min(nine, max(timedelta(0), since_midnight - timedelta(hours=1)))
    if isinstance(value, date):
        return value, nine
    raise InputFormatError(f"{where}: 'due' must be a date or an aware datetime, got {value!r}.")
