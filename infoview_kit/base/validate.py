"""The one set of rules for what a person types: email addresses, dates, time zones and web links.

Every entry point checks with these: the forms, ``infoview init``, the CLI and the API
(:meth:`Workbook.add_contact`, :meth:`Workbook.update_contact`, :meth:`Workbook.set_profile`,
:meth:`Workbook.add_research`, :meth:`Workbook.update_research`), the calendar files, and the
contacts importer's email column (which checks 30,000 addresses at once with
:data:`PLAIN_EMAIL_RE` and gives the rest to :func:`email`, so its verdicts are the same). A
refusal is an :class:`InvalidFieldError` (an ``InputFormatError``) that names the field and says
what is expected.

- **Email**: what ``email_validator.validate_email(..., check_deliverability=False)`` accepts, the
  field's standard: a dot in the domain (``ann@localhost`` is refused), no special-use domain
  (``.test``, ``.local``, ``.invalid``...), internationalized addresses allowed, no quoted local
  parts or IP-address domains; lower-cased when stored (the domain is case-blind, and people type
  the local part in any case).
- **Date** (of a researched fact: a role, a degree, an article): ``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD`` (ISO 8601), or a month and year as ``Mar 2021`` / ``March 2021`` (kept as
  ``2021-03``); a year from 1900 to 2100. "next spring" is refused.
- **Time zone**: an IANA name such as ``America/Chicago`` (:func:`infoview_kit.base.paths.zone_named`).
- **Web link**: ``http`` or ``https``, a host with a dot in it (``https://example.org/x``), no spaces.
  A contact's profile link may be typed without its scheme (``linkedin.com/in/ann``): ``https://``
  is added, as the importer does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from infoview_kit.base.errors import InputFormatError, InvalidFieldError

_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"(?!.{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
#: Plain lower-case ASCII addresses that email-validator certainly accepts: a dot-atom local part of at
#: most 64 characters, labels of letters, digits and inner hyphens (no ``xx--`` IDNA labels), and an
#: alphabetic top-level label that is not a special-use one. Whatever does not match is not refused by
#: it: it goes to :func:`email`. (The 254-character limit is checked apart.)
PLAIN_EMAIL_RE = (
    rf"(?={_ATOM}[^@]{{0,63}}@){_ATOM}+(?:\.{_ATOM}+)*"
    rf"@(?:{_LABEL}\.)+(?!(?:arpa|invalid|local|localhost|onion|test)$)[a-z]{{2,63}}"
)
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
    InvalidFieldError
        Naming `field`, if email-validator refuses it (see the module's docstring), with its reason.
    """
    if _blank(value):
        return None
    raw = str(value).strip()
    try:
        checked = validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidFieldError(f"{field} {raw!r} is not a valid address: {exc} (expected name@domain, "
                                "with a dot in the domain, e.g. sam@example.org)", field=field) from None
    return str(checked).lower()


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
        raise InvalidFieldError(f"{field} {text!r}: expected a date as {DATE_FORMATS}", field=field)
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise InvalidFieldError(f"{field} {text!r}: no such date; expected {DATE_FORMATS}", field=field) from None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def time_zone(value: Any, field: str = "time zone") -> ZoneInfo:
    """Return the IANA time zone `value` (see :func:`infoview_kit.base.paths.zone_named`).

    Raises
    ------
    InvalidFieldError
        Naming `field`, for an empty or unknown name.
    """
    from infoview_kit.base.paths import zone_named

    try:
        return zone_named(str(value).strip() if not _blank(value) else "")
    except InputFormatError:
        where = "" if field == "time zone" else f"{field}: "
        raise InvalidFieldError(f"{where}time zone {value!r}: expected an IANA name such as "
                                "'America/Chicago' or 'Europe/London'", field=field) from None


_HOST = re.compile(r"[^\s.:@/]+(?:\.[^\s.:@/]+)+\.?", re.UNICODE)


def url(value: Any, field: str = "link", *, add_scheme: bool = False) -> str | None:
    """Return `value` as a checked web link, or None when empty.

    With ``add_scheme``, a link typed without one (``linkedin.com/in/ann``, ``//x.org``) gets
    ``https://`` first, as the importer does for profile links.

    Raises
    ------
    InvalidFieldError
        Naming `field`, unless it is ``http(s)://`` and a dotted host, without spaces.
    """
    if _blank(value):
        return None
    text = str(value).strip()
    if add_scheme and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text):
        text = "https://" + text.removeprefix("//")
    ok = not any(c.isspace() or ord(c) < 32 for c in text)
    if ok:
        try:
            parts = urlsplit(text)
            host = parts.hostname or ""
            _ = parts.port  # raises for a port that is not one
        except ValueError:  # e.g. a bad port or an unclosed [
            ok = False
        else:
            ok = parts.scheme.lower() in ("http", "https") and _HOST.fullmatch(host) is not None
    if not ok:
        raise InvalidFieldError(f"{field} {str(value).strip()!r} is not a web link: expected http:// or "
                                "https:// and a host with a dot, e.g. https://example.org/page", field=field)
    return text
