"""Dates in a contacts export: the file's date convention inferred from its whole column, then every value read by it.

A column is read as a whole, never value by value: ``03/04/2024`` means 3 April in a file that
also holds ``25/12/2023`` and 4 March in one that holds ``12/25/2023``. The conventions the
exports use, and the names :func:`infer_dates` gives them (``report["date_convention"]``):

- ``ISO YYYY-MM-DD`` (Excel sheets, our own exports), ``... with time`` for ``2024-03-12T09:30:00``;
- ``month-first M/D/YYYY`` and ``month-first M/D/YY with time`` (US Excel; older LinkedIn exports
  write ``3/12/24, 9:30 AM``), ``day-first D/M/YYYY``, ``day-first D.M.YYYY``, ``day-first D-M-YY``
  (any of ``/ . -``, 2- or 4-digit years, a time after the date or not);
- ``year-first YYYY/M/D`` and ``compact YYYYMMDD``;
- ``month names D Mon YYYY`` (LinkedIn's ``12 Mar 2024``), ``month names Mon D, YYYY``,
  ``month names D-Mon-YY`` (Excel re-saves), full names as ``Month`` (English only);
- ``Excel day numbers`` (``45363``: days since 1899-12-30, a fraction being the time of day).

Decisions where the exports leave it open:

- The order of numeric dates is decided by the whole column: a value whose first number is over
  12 (``25/12/2023``) can only be day-first, one whose second is (``12/25/2023``) only month-first.
  When some values decide and none contradict, that order is used. When values contradict each
  other, the order more rows support wins and the others are unreadable. When no value decides
  (every value fits both orders, and some read differently in each), the column is *ambiguous*:
  slash and dash dates are read month-first, as LinkedIn and US Excel write them, dotted ones
  (``12.03.2024``, a European form) day-first, and :class:`DateReading` says so.
- The convention named is that of the most rows; values in another unambiguous form in the same
  column (an ISO date among slash dates) are still read.
- Two-digit years follow ``strptime``'s ``%y``: 69-99 are 1969-1999, 00-68 are 2000-2068.
- A time of day is dropped: ``connected_on`` is a date.
- Years outside 1900-2200, and days that do not exist (31 Feb), are not dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DateReading", "infer_dates", "readable"]

_NAT = np.datetime64("NaT", "ns")
_SEP = "\x00"
_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}
_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_TIME = r"(?:(?:T|,?\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)"
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_COMPACT = re.compile(r"\d{8}")


@dataclass(frozen=True)
class DateReading:
    """How a date column was read.

    Attributes
    ----------
    values
        datetime64[ns] at midnight, one per value given, NaT where empty or unreadable.
    convention
        The convention of the most rows (e.g. ``"month-first M/D/YY with time"``), None when the
        column holds no date at all.
    ambiguous
        True when every numeric date fits both day-first and month-first and some read differently:
        the column was read month-first, and the reader should be told.
    """

    values: np.ndarray
    convention: str | None
    ambiguous: bool


def _ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """datetime64[ns] dates from integer parts; NaT where not ``ok`` or not a real day in 1900-2200."""
    ok = ok & (year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    y, m, d = np.where(ok, year, 2000), np.where(ok, month, 1), np.where(ok, day, 1)
    first_of_month = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1)
    date = first_of_month.astype("datetime64[D]") + (d - 1)
    ok &= date.astype("datetime64[M]") == first_of_month  # 31 Feb -> not a date
    return np.where(ok, date.astype("datetime64[ns]"), _NAT)


def _full_year(year: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Two-digit years as strptime's %y reads them (69-99 -> 19xx, 00-68 -> 20xx)."""
    return np.where(digits <= 2, year + np.where(year < 69, 2000, 1900), year)


def _parse_named_month(values: np.ndarray) -> np.ndarray:
    """Parse "12 Mar 2024", "12-Mar-24", "12 March 2024", "Mar 12, 2024" with numpy string ufuncs.

    ``values`` are distinct stripped strings. Returns datetime64[ns] values, NaT where the text
    is not such a date (or not a real day).
    """
    sd = np.dtypes.StringDType()
    joined = _SEP.join(values)
    a = np.asarray(values, dtype=object).astype(sd)
    if not joined.islower():
        a = np.strings.lower(a)
    for old in (",", "-", "."):
        if old in joined:
            a = np.strings.replace(a, old, " ")
    if "  " in joined or "," in joined or "-" in joined or "." in joined:
        while bool(np.any(np.strings.find(a, "  ") >= 0)):
            a = np.strings.replace(a, "  ", " ")
        a = np.strings.strip(a)
    space = np.array(" ", dtype=sd)
    t1, _, rest = np.strings.partition(a, space)
    t2, _, t3 = np.strings.partition(rest, space)
    day_first = np.strings.isdecimal(t1) & np.strings.isalpha(t2)
    month_first = np.strings.isalpha(t1) & np.strings.isdecimal(t2)
    if not month_first.any():
        day_s, month_s = t1, t2
    else:
        day_s, month_s = np.where(day_first, t1, t2), np.where(day_first, t2, t1)
    month = np.zeros(len(a), dtype=np.int64)
    for name, number in _MONTHS.items():
        month[month_s == name] = number
    ylen, dlen = np.strings.str_len(t3), np.strings.str_len(day_s)
    ok = ((day_first | month_first) & (month > 0) & np.strings.isdecimal(t3) & ((ylen == 2) | (ylen == 4))
          & (dlen >= 1) & (dlen <= 2))
    if not ok.any():
        return np.full(len(a), _NAT)
    day = np.where(ok, day_s, "1").astype(np.int64)
    year = np.where(ok, t3, "2000").astype(np.int64)
    return _ymd(_full_year(year, np.asarray(ylen, dtype=np.int64)), month, day, ok)


def _named_pattern(value: str) -> str:
    """The written pattern of a month-name date: "12-Mar-24" -> "D-Mon-YY", "March 1, 2024" -> "Month D, YYYY"."""
    last = [m.start() for m in re.finditer(r"\d+", value)][-1]

    def token(m: re.Match[str]) -> str:
        text = m.group()
        if not text.isdigit():
            return "Mon" if text.lower() in _ABBREVIATIONS else "Month"
        return ("YYYY" if len(text) == 4 else "YY") if m.start() == last else "D"

    return re.sub(r"[A-Za-z]+|\d+", token, value)


def _named_majority(values: np.ndarray, weight: np.ndarray) -> str:
    """The pattern of the most rows among the 50 commonest month-name dates; "May" (both a name and its
    abbreviation) counts only when nothing else is there."""
    top = np.argsort(-weight, kind="stable")[:50]
    patterns = [(_named_pattern(str(values[i])), int(weight[i]), "may" in str(values[i]).lower()) for i in top]
    plain = [(p, w) for p, w, may in patterns if not may] or [(p, w) for p, w, _ in patterns]
    return str(_majority(np.array([p for p, _ in plain], dtype=object), np.array([w for _, w in plain])))


@dataclass
class _Numeric:
    """The numeric dates of a column (``3/12/24``, ``2024-03-12``), split into their parts."""

    rows: np.ndarray        # positions among the values
    a: np.ndarray           # first, second and third number
    b: np.ndarray
    c: np.ndarray
    a_len: np.ndarray       # digits of the first and last number
    c_len: np.ndarray
    sep: np.ndarray         # the separator, per value
    timed: np.ndarray       # a time follows the date


# One match per NUL-separated value: its parts when it is a numeric date, else nothing (the second branch);
# findall over the joined column runs in C, where pandas' str.extract loops in Python per value.
_EACH = re.compile(rf"(?:(\d{{1,4}})([/.-])(\d{{1,2}})\2(\d{{1,4}})({_TIME})?(?=\x00|\Z)|[^\x00]*)(?:\x00|\Z)")


def _numeric(values: pd.Series) -> _Numeric:
    """Split the values that are numeric dates (``3/12/24, 9:30 AM``, ``2024-03-12``) into their parts."""
    found = _EACH.findall(_SEP.join(values.astype(str)))[: len(values)]
    parts = np.array(found, dtype=object).reshape(len(values), 5)
    rows = np.flatnonzero(parts[:, 0] != "")
    p = parts[rows]
    a, c = p[:, 0].astype(str), p[:, 3].astype(str)
    return _Numeric(rows, a.astype(np.int64), p[:, 2].astype(str).astype(np.int64), c.astype(np.int64),
                    np.strings.str_len(a).astype(np.int64), np.strings.str_len(c).astype(np.int64),
                    p[:, 1], p[:, 4] != "")


def _order(a: np.ndarray, b: np.ndarray, sep: np.ndarray, weight: np.ndarray) -> tuple[bool, bool]:
    """(day_first, ambiguous) for numeric dates whose first two numbers are ``a`` and ``b``.

    Undecided, dotted dates (``12.03.2024``, as German, Nordic and Russian exports write) are
    day-first; slash and dash dates month-first (LinkedIn, US Excel).
    """
    only_dm, only_md = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    dm, md = int(weight[only_dm].sum()), int(weight[only_md].sum())
    if dm or md:
        return dm > md, False
    dotted = int(weight[sep == "."].sum()) * 2 > int(weight.sum())
    return dotted, bool((a != b).any())


def _majority(keys: np.ndarray, weight: np.ndarray) -> object:
    """The key carried by the most weight."""
    frame = pd.DataFrame({"k": keys, "w": weight})
    return frame.groupby("k", sort=True)["w"].sum().idxmax()


def _numeric_dates(num: _Numeric, weight: np.ndarray) -> tuple[np.ndarray, str | None, bool, int]:
    """Read the numeric dates: (values, convention, ambiguous, rows read) of those given."""
    out = np.full(len(num.rows), _NAT)
    year_first = (num.a_len == 4) & (num.c_len <= 2)
    dmy = (num.a_len <= 2) & ((num.c_len == 2) | (num.c_len == 4))
    day_first, ambiguous = _order(num.a[dmy], num.b[dmy], num.sep[dmy], weight[dmy])
    if year_first.any():
        out[year_first] = _ymd(num.a[year_first], num.b[year_first], num.c[year_first], year_first[year_first])
    if dmy.any():
        day, month = (num.a, num.b) if day_first else (num.b, num.a)
        year = _full_year(num.c, num.c_len)
        out[dmy] = _ymd(year[dmy], month[dmy], day[dmy], dmy[dmy])
    read = ~np.isnat(out)
    if not read.any():
        return out, None, False, 0
    shape = np.where(year_first, "y", "d")
    key = _majority(np.char.add(shape[read].astype(str), num.sep[read].astype(str)), weight[read])
    shape_key, sep = str(key)[0], str(key)[1:]
    chosen = read & (shape == shape_key) & (num.sep == sep)
    timed = int(weight[chosen & num.timed].sum()) * 2 > int(weight[chosen].sum())
    if shape_key == "y":
        name = "ISO YYYY-MM-DD" if sep == "-" else f"year-first YYYY{sep}M{sep}D"
    else:
        long_year = int(weight[chosen & (num.c_len == 4)].sum()) * 2 > int(weight[chosen].sum())
        y = "YYYY" if long_year else "YY"
        name = (f"day-first D{sep}M{sep}{y}" if day_first else f"month-first M{sep}D{sep}{y}")
    return out, name + (" with time" if timed else ""), ambiguous, int(weight[read].sum())


def infer_dates(values: np.ndarray, weight: np.ndarray | None = None) -> DateReading:
    """Read a column of date texts by the convention the column as a whole follows.

    Parameters
    ----------
    values
        Distinct, stripped texts ("" for missing), as an object array.
    weight
        How many rows hold each value (for "most rows"); 1 each when None.

    Returns
    -------
    DateReading
        The dates, the convention of the most rows, and whether the day/month order was ambiguous.
    """
    values = np.asarray(values, dtype=object)
    weight = np.ones(len(values), dtype=np.int64) if weight is None else np.asarray(weight, dtype=np.int64)
    out = np.full(len(values), _NAT)
    present = np.flatnonzero(values != "")
    if not len(present):
        return DateReading(out, None, False)
    candidates: list[tuple[int, str]] = []  # (rows read, convention name)
    named = _parse_named_month(values[present])
    hit = ~np.isnat(named)
    out[present[hit]] = named[hit]
    if hit.any():
        candidates.append((int(weight[present[hit]].sum()), "month names " + _named_majority(
            values[present[hit]], weight[present[hit]])))
    rest = present[~hit]
    ambiguous = False
    if len(rest):
        text = pd.Series(values[rest], dtype=object)
        num = _numeric(text)
        if len(num.rows):
            read, name, ambiguous, count = _numeric_dates(num, weight[rest[num.rows]])
            out[rest[num.rows]] = read
            if name:
                candidates.append((count, name))
        for pattern, name, reader in _WHOLE_NUMBERS:
            todo = rest[np.isnat(out[rest])]
            match = pd.Series(values[todo], dtype=object).str.fullmatch(pattern).to_numpy(dtype=bool)
            if match.any():
                got = reader(values[todo[match]])
                out[todo[match]] = got
                if (~np.isnat(got)).any():
                    candidates.append((int(weight[todo[match]][~np.isnat(got)].sum()), name))
    convention = max(candidates, key=lambda c: c[0])[1] if candidates else None
    return DateReading(out, convention, ambiguous)


def readable(values: np.ndarray) -> np.ndarray:
    """Whether each text is a date in some convention (either day/month order), all at once.

    For judging a single value out of its column (a row being repaired, :mod:`infoview_kit.find.ragged`);
    the column itself is read by :func:`infer_dates`.
    """
    values = np.array([str(v).strip() for v in values], dtype=object)
    if not len(values):
        return np.zeros(0, dtype=bool)
    ok = ~np.isnat(_parse_named_month(values))
    rest = np.flatnonzero(~ok & (values != ""))
    if len(rest):
        num = _numeric(pd.Series(values[rest], dtype=object))
        if len(num.rows):
            year_first = (num.a_len == 4) & (num.c_len <= 2)
            dmy = (num.a_len <= 2) & ((num.c_len == 2) | (num.c_len == 4))
            year = _full_year(num.c, num.c_len)
            found = ~np.isnat(_ymd(num.a, num.b, num.c, year_first))
            found |= ~np.isnat(_ymd(year, num.a, num.b, dmy)) | ~np.isnat(_ymd(year, num.b, num.a, dmy))
            ok[rest[num.rows]] = found
        for pattern, _, reader in _WHOLE_NUMBERS:
            todo = rest[~ok[rest]]
            match = pd.Series(values[todo], dtype=object).str.fullmatch(pattern).to_numpy(dtype=bool)
            if match.any():
                ok[todo[match]] = ~np.isnat(reader(values[todo[match]]))
    return ok


def _compact(values: np.ndarray) -> np.ndarray:
    """``20240312`` -> 2024-03-12."""
    n = np.array([int(v) for v in values], dtype=np.int64)
    return _ymd(n // 10000, n // 100 % 100, n % 100, np.ones(len(n), dtype=bool))


def _serial(values: np.ndarray) -> np.ndarray:
    """Excel day numbers (days since 1899-12-30; the fraction, a time of day, dropped); 20000-80000 only."""
    days = np.floor(np.array([float(v) for v in values]))
    ok = (days > 20000) & (days < 80000)
    base = np.datetime64("1899-12-30", "D")
    dates = (base + np.where(ok, days, 0).astype(np.int64)).astype("datetime64[ns]")
    return np.where(ok, dates, _NAT)


_WHOLE_NUMBERS = ((_COMPACT, "compact YYYYMMDD", _compact), (_SERIAL, "Excel day numbers", _serial))
