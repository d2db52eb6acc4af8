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

    def col(name: str) -> pd.Series:
        if name not in people.columns:
            return pd.Series([None] * len(people), index=people.index, dtype=object)
        s = people[name].astype(object)
        return s.where(s.notna(), None)

    url = col("profile_url").astype("string").str.strip().str.replace(_URL_PREFIX, "", regex=True)
    url = url.str.split("?").str[0].str.split("#").str[0].str.rstrip("/").str.lower()
    url = url.where(url.str.len() > 0)
    email = col("email").astype("string").str.lower()
    keys = ("url:" + url).fillna("email:" + email).astype(object)
    keys = keys.where(keys.notna(), None).tolist()
    first, last, company = col("first_name").tolist(), col("last_name").tolist(), col("company").tolist()
    for i, k in enumerate(keys):  # name and company only where there is no link and no email
        if k is None:
            keys[i] = f"name:{name_key(first[i], last[i])}|{company_key(company[i]) if company[i] else ''}"
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
    from ._checks import email

    clean = {k: clean_text(v) for k, v in fields.items()}
    if not (clean.get("first_name") or clean.get("last_name")):
        raise InputFormatError("a contact needs a first or last name")
    if "email" in clean:
        clean["email"] = email(clean["email"])
    return clean


def blanks_in(text: str) -> list[str]:
    """Return the names of unfilled blanks (``[field]`` or ``___``) in a draft, in order."""
    found = []
    for m in _BLANK.finditer(text or ""):
        name = m.group(1) or "___"
        if name not in found:
            found.append(name)
    return found


#: How alike two company names must be (rapidfuzz token_set_ratio, 0-100) for two people with
#: the same name to count as one person.
COMPANY_MATCH = 85.0


class PeopleIndex:
    """Find the contact an incoming record is: by natural key, email, or name and company.

    Names and companies are passed as keys (``contacts.name_key``, ``contacts.company_key``),
    computed once per record. Ids may be negative for people not yet inserted (pending rows of
    the same import).
    """

    def __init__(self) -> None:
        self.by_key: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        self.url_of: dict[int, str] = {}

    def add(self, cid: int, key: str, email: Any, name: str, company: str) -> None:
        """Index a contact under its natural key, email, and name key (with its company key)."""
        self.by_key.setdefault(key, cid)
        if key.startswith("url:"):
            self.url_of.setdefault(cid, key)
        if email:
            self.by_email.setdefault(str(email).lower(), cid)
        if name:
            bucket = self.by_name.setdefault(name, [])
            if (cid, company) not in bucket:
                bucket.append((cid, company))

    def match(self, key: str, email: Any, name: str, company: str) -> tuple[int, str, float] | None:
        """Return (contact id, how it matched, score) for the contact this record is, or None.

        Matched by: "key" (same profile URL, email or name+company key), "email" (same email
        address), or "name and company" (same name key and company keys at least COMPANY_MATCH
        alike by rapidfuzz's token_set_ratio). Two people with the same name and no company are
        not merged, nor two with different profile links (a link names one person).
        """
        if key in self.by_key:
            return self.by_key[key], "key", 100.0
        if email and str(email).lower() in self.by_email:
            return self.by_email[str(email).lower()], "email", 100.0
        if name and company and name in self.by_name:
            from rapidfuzz import fuzz

            best: tuple[int, str, float] | None = None
            mine = key if key.startswith("url:") else None
            for cid, ours in self.by_name[name]:
                if not ours or (mine and self.url_of.get(cid, mine) != mine):
                    continue
                score = float(fuzz.token_set_ratio(ours, company))
                if score >= COMPANY_MATCH and (best is None or score > best[2]):
                    best = (cid, "name and company", score)
            return best
        return None
