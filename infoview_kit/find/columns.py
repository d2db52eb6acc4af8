"""Clean the columns of a contacts export: names, emails, profile URLs and dates, all vectorized."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from infoview_kit.base.validate import PLAIN_EMAIL_RE, is_email  # the one email rule, shared by every entry point
from infoview_kit.find.dates import infer_dates

_TEXT_COLUMNS = ("first_name", "last_name", "email", "company", "position", "profile_url")


# --------------------------------------------------------------------------------------------------
# Import report
# --------------------------------------------------------------------------------------------------

class _Report:
    """Accumulates what happened while reading one file (becomes ``df.attrs["report"]``)."""

    def __init__(self, fmt: str) -> None:
        self.format = fmt
        self.rows_read = 0
        self.skipped: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.invalid_emails = 0
        self.repaired: list[dict[str, Any]] = []
        self.date_convention: str | None = None

    def warn(self, line: int, field: str, message: str) -> None:
        self.warnings.append({"line": int(line), "field": field, "message": message})

    def skip(self, line: int, reason: str, raw: str | None = None) -> None:
        self.skipped.append({"line": int(line), "reason": reason} | ({} if raw is None else {"raw": raw}))

    def repair(self, line: int, column: str, how: str, raw: str) -> None:
        self.repaired.append({"line": int(line), "column": column, "how": how, "raw": raw})

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows_read": self.rows_read,
            "skipped": sorted(self.skipped, key=lambda d: d["line"]),
            "warnings": sorted(self.warnings, key=lambda d: d["line"]),
            "invalid_emails": self.invalid_emails,
            "repaired": sorted(self.repaired, key=lambda d: d["line"]),
            "date_convention": self.date_convention,
        }


# --------------------------------------------------------------------------------------------------
# Vectorized normalization
# --------------------------------------------------------------------------------------------------

# Whole-column string work is done with C-level operations on one "\x00"-joined string (NUL
# never occurs in decoded text: such files are rejected as binary), so the common path has no
# per-row Python loop; pandas' str methods are used on the (rare) values that need changing.
_SEP = "\x00"
_NAT = np.datetime64("NaT", "ns")
_LEADING_SPACE = re.compile(_SEP + r"\s")

def _objects(values: pd.Series | np.ndarray) -> np.ndarray:
    """Values as an object array of str ("" for missing); no copy for parsed CSV columns."""
    if isinstance(values, pd.Series):
        arr: np.ndarray = values.to_numpy(dtype=object)  # parsed columns hold str only (no NaN)
        return arr
    return np.asarray(values, dtype=object)


def _needs_strip(joined: str) -> bool:
    """Whether any value in a NUL-joined column has leading or trailing whitespace."""
    if not joined:
        return False
    return (joined[0].isspace() or joined[-1].isspace() or _LEADING_SPACE.search(joined) is not None
            or _LEADING_SPACE.search(joined[::-1]) is not None)


def _lower(arr: np.ndarray) -> np.ndarray:
    """Lower-case every value of an object array of str at once."""
    if len(arr) == 0:
        return arr
    return np.array(_SEP.join(arr).lower().split(_SEP), dtype=object)


def _nfc(values: pd.Series | np.ndarray) -> tuple[np.ndarray, str]:
    """Apply Unicode NFC to a column; returns the object array and its NUL-joined text."""
    arr = _objects(values)
    joined = _SEP.join(arr)
    if not joined.isascii() and not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)  # NUL is a starter: values never merge
        arr = np.array(joined.split(_SEP), dtype=object)
    return arr, joined


def _clean(values: pd.Series | np.ndarray) -> np.ndarray:
    """Apply Unicode NFC and trim whitespace; returns an object array, "" meaning missing.

    A value that :func:`write_contacts` neutralized for spreadsheets (``'=...``) gets its value back.
    """
    arr, joined = _nfc(values)
    if _needs_strip(joined):
        arr = pd.Series(arr, dtype=object).str.strip().to_numpy(dtype=object)
    if "'" in joined:
        s = pd.Series(arr, dtype=object)
        arr = s.where(~s.str.match(r"'[=+\-@\t\r]", na=False), s.str[1:]).to_numpy(dtype=object)
    return arr


def _first_present(parts: list[np.ndarray], n: int) -> np.ndarray:
    """Element-wise first non-empty value across ``parts`` (object arrays)."""
    if not parts:
        return np.full(n, "", dtype=object)
    out = parts[0]
    for part in parts[1:]:
        empty = out == ""
        if empty.any():
            out = np.where(empty, part, out)
    return out


def _to_string(arr: np.ndarray) -> pd.Series:
    """Object array ("" = missing) -> pandas "string" Series with pd.NA."""
    out = pd.array(arr, dtype="string")
    out[arr == ""] = pd.NA
    return pd.Series(out, copy=False)


def _valid_emails(low: np.ndarray) -> np.ndarray:
    """Check lower-cased addresses as :func:`infoview_kit.base.validate.email` does (email-validator).

    One vectorized pass accepts the plain addresses email-validator certainly accepts
    (:data:`~infoview_kit.base.validate.PLAIN_EMAIL_RE`, at most 254 characters); only the others
    (non-ASCII, odd characters, or not an address at all) go to email-validator one by one.
    """
    valid: np.ndarray = pd.Series(low, dtype=object).str.fullmatch(PLAIN_EMAIL_RE).to_numpy(dtype=bool, copy=True)
    valid &= np.fromiter(map(len, low), dtype=np.int64, count=len(low)) <= 254
    for i in np.flatnonzero(~valid):  # the rare address the plain pattern does not vouch for
        valid[i] = low[i] == low[i].strip() and is_email(low[i])  # spaces: trimmed first, then checked again
    return valid


def _emails(parts: list[np.ndarray], lines: np.ndarray, report: _Report, n: int) -> np.ndarray:
    """First valid address among ``parts`` (NFC, not yet trimmed), lower-cased.

    Values that fail the check are trimmed and stripped of "mailto:" and checked again (so
    the common, clean case costs one pass); those still invalid are counted and warned.
    """
    result = np.full(n, "", dtype=object)
    for part in parts:
        idx = np.flatnonzero(part != "")
        if len(idx) == 0:
            continue
        raw = part[idx]
        low = _lower(raw)
        valid = _valid_emails(low)
        if not valid.all():
            retry = np.flatnonzero(~valid)
            fixed = (pd.Series(low[retry], dtype=object).str.strip()
                     .str.replace(r"^mailto:\s*", "", regex=True).to_numpy(dtype=object))
            low[retry] = fixed
            valid[retry] = _valid_emails(fixed)
            blank = retry[fixed == ""]  # whitespace only: missing, not invalid
            keep = np.ones(len(idx), dtype=bool)
            keep[blank] = False
            idx, raw, low, valid = idx[keep], raw[keep], low[keep], valid[keep]
        for i in np.flatnonzero(~valid):  # loops over invalid addresses only
            report.warn(int(lines[idx[i]]), "email",
                        f"{raw[i].strip()!r} is not a valid email address; left out")
        report.invalid_emails += int((~valid).sum())
        take, take_values = idx[valid], low[valid]
        free = result[take] == ""
        result[take[free]] = take_values[free]
    return result


def _split_multi(part: np.ndarray) -> list[np.ndarray]:
    """Split Google's multi-value cells ("a@x.org ::: b@y.org") into one cleaned array per item."""
    if ":::" not in _SEP.join(part):
        return [part]
    items = pd.Series(part, dtype=object).str.split(":::", regex=False, expand=True).fillna("")
    return [_clean(items[c]) for c in items.columns]


def _has_space(joined: str) -> bool:
    return any(ch in joined for ch in " \t\n\r\x0b\x0c") or (
        not joined.isascii() and re.search(r"\s", joined) is not None)


def _profile_urls(arr: np.ndarray, linkedin_only: bool) -> np.ndarray:
    """Normalize profile URLs: whitespace removed, http -> https, scheme added; otherwise as given.

    With ``linkedin_only`` (Google, Outlook, vCard), URLs not on linkedin.com are dropped.
    """
    present = arr != ""
    if linkedin_only and present.any():
        on_linkedin = pd.Series(arr, dtype=object).str.contains("linkedin.com", case=False, regex=False)
        present &= on_linkedin.to_numpy(dtype=bool)
    if not present.any():
        return np.full(len(arr), "", dtype=object)
    idx = np.flatnonzero(present)
    values = arr[idx] if len(idx) < len(arr) else arr
    joined = _SEP.join(values)
    if not (joined.startswith("https://") and joined.count(_SEP + "https://") == len(values) - 1
            and not _has_space(joined)):  # a LinkedIn export needs no change: skip the regexes
        u = pd.Series(values, dtype=object).str.replace(r"\s+", "", regex=True)
        u = u.str.replace(r"^http://", "https://", regex=True, case=False)
        u = u.str.replace(r"^//", "https://", regex=True)
        has_scheme = u.str.contains(r"^[A-Za-z][A-Za-z0-9+.-]*://", regex=True).to_numpy(dtype=bool)
        values = np.where(has_scheme | (u == "").to_numpy(dtype=bool), u, "https://" + u).astype(object)
    if len(idx) == len(arr):
        return values
    result = np.full(len(arr), "", dtype=object)
    result[idx] = values
    return result


def _dates(raw: pd.Series | np.ndarray, lines: np.ndarray, report: _Report,
           field: str) -> tuple[pd.Series, np.ndarray]:
    """Parse a date column to datetime64[ns] at midnight by the convention of the whole column
    (:func:`infoview_kit.find.dates.infer_dates`); return the dates and, per row, the raw text of a
    date that could not be read ("" elsewhere), which the import keeps in the source record.

    The convention chosen goes to the report (``date_convention``); an ambiguous column (every date
    fits both day-first and month-first) is warned about once, at its first date; an unreadable date
    is NaT with a warning naming its line. Each distinct string is parsed once (exports repeat dates).
    """
    codes, uniques = pd.factorize(_objects(raw))
    distinct = _clean(np.asarray(uniques, dtype=object))
    reading = infer_dates(distinct, np.bincount(codes[codes >= 0], minlength=len(distinct)))
    parsed = reading.values
    report.date_convention = reading.convention
    if reading.ambiguous:
        first = np.flatnonzero(codes >= 0)[0]
        report.warn(int(lines[first]), field,
                    f"every date in this column fits both day-first and month-first; read as "
                    f"{reading.convention} (check a few, or export the file with ISO dates)")
    raw_text = np.full(len(codes), "", dtype=object)
    bad = np.flatnonzero(np.isnat(parsed) & (distinct != ""))
    if len(bad):
        expected = f"a date as the rest of the file writes them ({reading.convention})" if reading.convention \
            else "a date, e.g. '12 Mar 2024' or '2024-03-12'"
        for i in np.flatnonzero(np.isin(codes, bad)):  # loops over unreadable dates only
            raw_text[i] = distinct[codes[i]]
            report.warn(int(lines[i]), field,
                        f"{distinct[codes[i]]!r} is not a date; expected {expected}; left empty, "
                        f"its text kept in {field}_raw")
    values = np.append(parsed, _NAT)  # code -1 (missing) -> this NaT
    return pd.Series(values[codes], dtype="datetime64[ns]"), raw_text


def _split_full_name(name: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split full names on the last space: "Mary Ann Smith" -> ("Mary Ann", "Smith")."""
    parts = pd.Series(name, dtype=object).str.rsplit(n=1)
    # astype(object): when no name has a second part, .str[1] is all-NaN float64, and "" would not fit it
    return _clean(parts.str[0].astype(object).fillna("")), _clean(parts.str[1].astype(object).fillna(""))


def _empty_frame(report: _Report) -> pd.DataFrame:
    df = pd.DataFrame({
        **{c: pd.Series([], dtype="string") for c in _TEXT_COLUMNS},
        "connected_on": pd.Series([], dtype="datetime64[ns]"),
        "connected_on_raw": pd.Series([], dtype="string"),
        "source": pd.Series([], dtype="string"),
        "line": pd.Series([], dtype="int64"),
    })
    df.attrs["report"] = report.as_dict()
    return df


def _assemble(fields: Mapping[str, list[pd.Series | np.ndarray]], lines: np.ndarray, fmt: str,
              report: _Report, *, url_linkedin_only: bool) -> pd.DataFrame:
    """Turn raw per-target columns into the normalized output frame (vectorized).

    Works on object arrays with "" for missing; converts to pandas "string" at the end.
    """
    n = len(lines)
    report.rows_read += n
    if n == 0:
        return _empty_frame(report)

    def text(target: str) -> np.ndarray:
        return _first_present([_clean(p) for p in fields.get(target, [])], n)

    first, last = text("first_name"), text("last_name")
    no_name = (first == "") & (last == "")
    if fields.get("name") and no_name.any():
        split_first, split_last = _split_full_name(text("name"))
        first, last = np.where(no_name, split_first, first), np.where(no_name, split_last, last)
        no_name = (first == "") & (last == "")
    email = _emails([q for p in fields.get("email", []) for q in _split_multi(_nfc(p)[0])], lines, report, n)
    urls = [_profile_urls(_nfc(p)[0], url_linkedin_only) for p in fields.get("profile_url", [])]
    date_parts = fields.get("connected_on", [])
    if len(date_parts) > 1:  # several mapped columns: the first non-empty one
        date_parts = [_first_present([_clean(p) for p in date_parts], n)]
    connected, connected_raw = (_dates(date_parts[0], lines, report, "connected_on") if date_parts
                                else (pd.Series(np.full(n, _NAT)), np.full(n, "", dtype=object)))
    if fmt == "linkedin":
        # LinkedIn writes hidden/private members as "LinkedIn Member" (or with no name at all)
        hidden = (first == "LinkedIn") & (last == "Member") | (first == "LinkedIn Member") & (last == "")
        drop = no_name | hidden
        reason = "hidden LinkedIn member (no name in the export)"
    else:
        drop = no_name & (email == "")
        reason = "no name and no valid email"
    df = pd.DataFrame({
        "first_name": _to_string(first), "last_name": _to_string(last), "email": _to_string(email),
        "company": _to_string(text("company")), "position": _to_string(text("position")),
        "profile_url": _to_string(_first_present(urls, n)),
        "connected_on": connected,
        "connected_on_raw": _to_string(connected_raw),
        "source": pd.Series(pd.array(np.full(n, fmt, dtype=object), dtype="string")),
        "line": pd.Series(lines, dtype="int64"),
    }, copy=False)
    if drop.any():
        for i in np.flatnonzero(drop):  # loops over skipped rows only
            report.skip(int(lines[i]), reason)
        df = df.loc[~drop].reset_index(drop=True)
    df.attrs["report"] = report.as_dict()
    return df
