"""Identity of a person across sources: natural keys and the cleaning of hand-entered fields."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from .exceptions import InputFormatError

#: How the user knows a person they add by hand (step 1: one's own circles and social media).
HOW_KNOWN = ("alumni", "former colleague", "friend or family", "friend of a friend", "social media",
             "event", "recruiter", "referral", "other")

_URL_PREFIX = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?", re.IGNORECASE)
_BLANK = re.compile(r"\[([A-Za-z_][A-Za-z0-9_]*)\]|_{3,}")


def url_key(url: Any) -> str | None:
    """Return a profile URL without scheme, ``www.``, query or trailing slash, lower-cased."""
    if url is None or url is pd.NA or (isinstance(url, float) and pd.isna(url)):
        return None
    text = _URL_PREFIX.sub("", str(url).strip()).split("?")[0].split("#")[0].rstrip("/").lower()
    return text or None


def person_keys(people: pd.DataFrame) -> list[str]:
    """Return the natural key of each person: profile URL, else email, else name and company."""
    from .contacts import company_key, name_key

    def text(col: str) -> list[Any]:
        if col not in people.columns:
            return [None] * len(people)
        return [None if pd.isna(v) else v for v in people[col].astype(object)]

    keys = []
    for url, email, first, last, company in zip(text("profile_url"), text("email"), text("first_name"),
                                                text("last_name"), text("company"), strict=True):
        if (u := url_key(url)) is not None:
            keys.append("url:" + u)
        elif email:
            keys.append("email:" + str(email).lower())
        else:
            keys.append(f"name:{name_key(first, last)}|{company_key(company) if company else ''}")
    return keys


def clean_text(value: Any) -> str | None:
    """Return `value` as NFC text with whitespace trimmed, or None when empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def clean_contact_fields(**fields: Any) -> dict[str, str | None]:
    """Clean hand-entered contact fields; the email lower-cased and checked.

    Raises
    ------
    InputFormatError
        If both names are empty, or the email is not a valid address.
    """
    from .contacts import _EMAIL_RE

    clean = {k: clean_text(v) for k, v in fields.items()}
    if not (clean.get("first_name") or clean.get("last_name")):
        raise InputFormatError("a contact needs a first or last name")
    if (raw := clean.get("email")) is not None:
        email = raw.lower()
        if not re.fullmatch(_EMAIL_RE, email):
            raise InputFormatError(f"email {raw!r} is not a valid address (expected name@domain)")
        clean["email"] = email
    return clean


def blanks_in(text: str) -> list[str]:
    """Return the names of unfilled blanks (``[field]`` or ``___``) in a draft, in order."""
    found = []
    for m in _BLANK.finditer(text or ""):
        name = m.group(1) or "___"
        if name not in found:
            found.append(name)
    return found
