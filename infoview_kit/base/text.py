"""Text helpers shared by every layer: missing values, hand-entered fields, blanks, dates and times."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.paths import zone_named

#: How the user knows a person they add by hand (step 1: one's own circles and social media).
HOW_KNOWN = ("alumni", "former colleague", "friend or family", "friend of a friend", "social media",
             "event", "recruiter", "referral", "other")

_BLANK = re.compile(r"\[([A-Za-z_][A-Za-z0-9_]*)\]|_{3,}")


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and NaT: a value the user never gave."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other container is a value
        return False


def clean_text(value: Any) -> str | None:
    """Return `value` as NFC text with whitespace trimmed, or None when empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def clean_contact_fields(**fields: Any) -> dict[str, str | None]:
    """Clean hand-entered contact fields; the email lower-cased and checked, the profile link checked
    (``https://`` added when typed without a scheme), by :mod:`infoview_kit.base.validate`.

    Raises
    ------
    InputFormatError
        If both names are empty, the email is not a valid address or the profile link not a web link.
    """
    from infoview_kit.base.validate import email, url

    clean = {k: clean_text(v) for k, v in fields.items()}
    if not (clean.get("first_name") or clean.get("last_name")):
        raise InputFormatError("a contact needs a first or last name")
    if "email" in clean:
        clean["email"] = email(clean["email"])
    if clean.get("profile_url"):
        clean["profile_url"] = url(clean["profile_url"], "profile link", add_scheme=True)
    return clean


def blanks_in(text: str) -> list[str]:
    """Return the names of unfilled blanks (``[field]`` or ``___``) in a draft, in order."""
    found = []
    for m in _BLANK.finditer(text or ""):
        name = m.group(1) or "___"
        if name not in found:
            found.append(name)
    return found



def as_date(value: dt.date | str, name: str) -> dt.date:
    """A date from a date (a datetime gives its date) or ISO date text; `name` is the field in the error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputFormatError(f"{name} = {value!r}: expected a date (YYYY-MM-DD)") from None


def aware(value: dt.datetime | str, tzname: str) -> dt.datetime:
    """Return `value` as an aware datetime; a naive one (or ISO text) is taken to be in `tzname`,
    which is checked either way (an unknown zone is an InputFormatError)."""
    zone = zone_named(tzname)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputFormatError(f"{value!r}: expected a date and time such as 2026-11-24T14:00") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def utc(value: dt.datetime) -> dt.datetime:
    """An aware datetime in UTC; a naive one counts as UTC."""
    if not isinstance(value, dt.datetime):
        raise InputFormatError(f"expected a date and time, got {value!r}")
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def indefinite(noun: str) -> str:
    """Return "a" or "an" for ``noun`` by how it is said ("an engineer", "a UX designer")."""
    word = noun.split()[0]
    if word.isupper() and 1 < len(word) <= 5:  # an acronym, said letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    lower = word.lower()
    if lower.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    if lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ur")):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def plural(count: int, noun: str) -> str:
    """Return a count with its noun, plural unless one: '1 follow-up', '3 follow-ups'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def minutes_text(minutes: Any) -> str:
    """Minutes as people read them: ``27 min``, ``2 min 47 s``, ``45 s``; '' when missing."""
    if is_missing(minutes):
        return ""
    seconds = round(float(minutes) * 60)
    whole, rest = divmod(abs(seconds), 60)
    sign = "-" if seconds < 0 else ""
    if not rest:
        return f"{sign}{whole} min"
    return f"{sign}{whole} min {rest} s" if whole else f"{sign}{rest} s"


def markdown_text(value: object) -> str:
    """Return `value` as Markdown that shows exactly that text: no HTML, link, emphasis or line break
    of its own (a name such as ``<img src=x onerror=...>`` is shown, never run)."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~>])", r"\\\1", text)


def week_mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Return the Mondays from `first`'s week to `last`'s week."""
    start = first - dt.timedelta(days=first.weekday())
    end = last - dt.timedelta(days=last.weekday())
    return list(pd.date_range(start, end, freq="7D").date) if start <= end else []


def mondays(days: np.ndarray) -> np.ndarray:
    """Return the Monday of each local date (datetime64[D])."""
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    return days - weekday.astype("timedelta64[D]")
