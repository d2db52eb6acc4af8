"""Natural keys: how one person or one company is recognised across sources and spellings."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import pandas as pd

_URL_PREFIX = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?", re.IGNORECASE)


def _strip_accents(text: str) -> str:
    """Remove accents from Latin, Greek and Cyrillic letters; leave other scripts' marks alone."""
    if text.isascii():  # most names: nothing to strip
        return text
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and (out[-1] < "\u0530" or "\u1e00" <= out[-1] <= "\u1fff"):
            continue  # an accent on a Latin/Greek/Cyrillic letter (Devanagari vowel signs, etc. stay)
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def name_key(first: str | None, last: str | None) -> str:
    """Build a key for matching people by name.

    The key is "first last", casefolded, with accents stripped from Latin, Greek and
    Cyrillic letters (other scripts keep their marks, so Hindi or Thai names are not
    damaged) and runs of whitespace collapsed to one space.

    Parameters
    ----------
    first, last
        Given and family name; None/NA count as empty.

    Returns
    -------
    str
        For example ``name_key(" José ", "Núñez  García") == "jose nunez garcia"``.
    """
    text = f"{_as_text(first)} {_as_text(last)}"
    return " ".join(_strip_accents(text).casefold().split())


_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "corp", "corporation",
    "co", "company", "plc", "ag", "sa", "sas", "sarl", "bv", "nv", "pty", "srl", "spa", "oy", "ab",
    "kg", "se",
})


@functools.lru_cache(maxsize=65536)  # company names repeat across thousands of connections
def company_key(name: str | None) -> str:
    """Build a key for matching companies by name.

    Casefolds, strips accents (as :func:`name_key`), turns "&" into "and", replaces
    punctuation with spaces, drops a leading "the" and any trailing legal-form words
    (Inc, Ltd, Limited, LLC, GmbH, Corp, Corporation, Co., "& Co.", Company, plc, AG, SA,
    BV, ...), and collapses whitespace. A name made only of such words keeps them.

    Parameters
    ----------
    name
        A company name; None/NA give "".

    Returns
    -------
    str
        For example ``company_key("Acme, Inc.") == company_key("ACME Inc") == "acme"``.
    """
    text = _strip_accents(_as_text(name)).casefold().replace("&", " and ")
    words = re.sub(r"[\W_]+", " ", text).split()
    full = list(words)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
        if len(words) > 1 and words[-1] == "and":  # "Acme & Co." -> "acme"
            words.pop()
    if words and words[-1] in _LEGAL_SUFFIXES and len(words) == 1 and len(full) > 1:
        words = full  # "The Company" -> keep it whole rather than return "company"
    return " ".join(words)


def url_key(url: Any) -> str | None:
    """Return a profile URL without scheme, ``www.``, query or trailing slash, lower-cased."""
    if url is None or url is pd.NA or (isinstance(url, float) and pd.isna(url)):
        return None
    text = _URL_PREFIX.sub("", str(url).strip()).split("?")[0].split("#")[0].rstrip("/").lower()
    return text or None


def url_keys(urls: pd.Series) -> pd.Series:
    """Return :func:`url_key` of every profile URL of a Series, vectorized (string dtype, NA for none)."""
    url = urls.astype("string").str.strip().str.replace(_URL_PREFIX, "", regex=True)
    url = url.str.split("?").str[0].str.split("#").str[0].str.rstrip("/").str.lower()
    return url.where(url.str.len() > 0)


def person_keys(people: pd.DataFrame) -> list[str]:
    """Return the natural key of each person: profile URL, else email, else name and company."""
    def col(name: str) -> pd.Series:
        if name not in people.columns:
            return pd.Series([None] * len(people), index=people.index, dtype=object)
        s = people[name].astype(object)
        return s.where(s.notna(), None)

    url = url_keys(col("profile_url"))
    email = col("email").astype("string").str.lower()
    keys = ("url:" + url).fillna("email:" + email).astype(object)
    keys = keys.where(keys.notna(), None).tolist()
    first, last, company = col("first_name").tolist(), col("last_name").tolist(), col("company").tolist()
    for i, k in enumerate(keys):  # name and company only where there is no link and no email
        if k is None:
            keys[i] = f"name:{name_key(first[i], last[i])}|{company_key(company[i]) if company[i] else ''}"
    return keys


#: How alike two company names must be (rapidfuzz token_set_ratio, 0-100) for two people with
#: the same name to count as one person.
COMPANY_MATCH = 85.0


class PeopleIndex:
    """Find the contact an incoming record is: by natural key, email, or name and company.

    Names and companies are passed as keys (:func:`name_key`, :func:`company_key`),
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
