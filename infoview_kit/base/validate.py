"""The one set of rules for what a person types: email addresses, dates and time zones.

Every entry point checks with these: the forms, ``infoview init``, the CLI and the API
(:meth:`Workbook.add_contact`, :meth:`Workbook.update_contact`, :meth:`Workbook.set_profile`,
:meth:`Workbook.add_research`, :meth:`Workbook.update_research`). A refusal is an
:class:`InputFormatError` that names the field and says what is expected.

- **Email**: ``name@domain.tld``: a dot-atom local part, a dotted domain whose last label is
  alphabetic (or IDNA ``xn--``), at most 254 characters; lower-cased when stored.
- **Date** (of a researched fact: a role, a degree, an article): ``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD`` (ISO 8601), or a month and year as ``Mar 2021`` / ``March 2021`` (kept as
  ``2021-03``); a year from 1900 to 2100.
- **Time zone**: an IANA name such as ``America/Chicago`` (:func:`infoview_kit.base.paths.zone_named`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from infoview_kit.base.errors import InputFormatError

# A sensible check, not RFC 5322: dot-atom local part, dotted domain, alphabetic (or IDNA) TLD;
# Unicode letters allowed (internationalized addresses); at most 254 characters (checked apart).
EMAIL_RE = (
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_][\w-]*\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)"
)
_EMAIL = re.compile(EMAIL_RE)
DATE_FORMATS = "YYYY, YYYY-MM, YYYY-MM-DD or a month and year such as 'Mar 2021'"
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{4})")


def _blank(value: Any) -> bool:
    """True for a missing value (None, NA, NaN) or text of whitespace only: nothing was typed."""
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return True
    except ImportError:  # pragma: no cover
        pass
    return not str(value).strip()


def email(value: Any, field: str = "email") -> str | None:
    """Return `value` as a checked, lower-cased email address, or None when empty.

    Raises
    ------
    InputFormatError
        Naming `field`, if it is not ``name@domain.tld``.
    """
    if _blank(value):
        return None
    raw = str(value).strip()
    low = raw.lower()
    if len(low) > 254 or not _EMAIL.fullmatch(low):
        raise InputFormatError(f"{field} {raw!r} is not a valid address (expected name@domain, "
                               "with a dot in the domain, e.g. sam@example.org)")
    return low


def is_email(value: Any) -> bool:
    """True if `value` passes :func:`email` (empty does not)."""
    try:
        return email(value) is not None
    except InputFormatError:
        return False


def fact_date(value: Any, field: str = "date") -> str | None:
    """Return a researched fact's date as ISO text (``2021``, ``2021-03`` or ``2021-03-04``), or
    None when empty. Accepts :data:`DATE_FORMATS`.

    Raises
    ------
    InputFormatError
        Naming `field`, for anything else ("next spring", "2021-13", "Qwxspring").
    """
    if _blank(value):
        return None
    text = str(value).strip()
    year = month = day = None
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) if g else None for g in m.groups())
    elif (m := _MONTH_YEAR.fullmatch(text)) and m.group(1).lower() in _MONTHS:
        year, month = int(m.group(2)), _MONTHS[m.group(1).lower()]
    if year is None or not 1900 <= year <= 2100:
        raise InputFormatError(f"{field} {text!r}: expected a date as {DATE_FORMATS}")
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise InputFormatError(f"{field} {text!r}: no such date; expected {DATE_FORMATS}") from None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def time_zone(value: str, field: str = "time zone") -> ZoneInfo:
    """Return the IANA time zone `value` (see :func:`infoview_kit.base.paths.zone_named`)."""
    from infoview_kit.base.paths import zone_named

    return zone_named(value)
