"""Read contact exports (LinkedIn, Google, Outlook, vCard, plain CSV) into one normalized DataFrame."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import quopri
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.keys import company_key, name_key
from infoview_kit.base.validate import EMAIL_RE as _EMAIL_RE  # the one email rule, shared by every entry point

logger = logging.getLogger("infoview_kit")

__all__ = ["COLUMNS", "FORMATS", "company_key", "is_recruiter", "name_key", "read_contacts"]

#: Output columns of :func:`read_contacts`, in order.
COLUMNS: tuple[str, ...] = (
    "first_name", "last_name", "email", "company", "position", "profile_url", "connected_on", "source",
    "line",
)
#: Format names accepted by ``fmt=`` and written to the ``source`` column.
FORMATS: tuple[str, ...] = ("linkedin", "google", "outlook", "vcard", "csv")

_TEXT_COLUMNS = ("first_name", "last_name", "email", "company", "position", "profile_url")
#: Targets a ``mapping=`` may name: the output columns plus ``name`` (a full name, split on its last space).
_MAPPING_TARGETS = (*_TEXT_COLUMNS, "connected_on", "name")
_EXPECTED = "expected a LinkedIn, Google, Outlook or vCard export, or pass mapping=..."
_HEAD_LINES = 200  # the header must start within the first 200 lines

# --------------------------------------------------------------------------------------------------
# Known CSV layouts: normalized header name(s) for each target, first present column wins.
# --------------------------------------------------------------------------------------------------

_LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "linkedin": {
        "first_name": ("first name",), "last_name": ("last name",), "email": ("email address",),
        "company": ("company",), "position": ("position",), "profile_url": ("url", "profile url"),
        "connected_on": ("connected on",),
    },
    "google": {
        "first_name": ("first name", "given name"), "last_name": ("last name", "family name"),
        "name": ("name",), "email": (),  # every "E-mail N - Value" column, in order
        "company": ("organization name", "organization 1 - name"),
        "position": ("organization title", "organization 1 - title"),
        "profile_url": (),  # every "Website N - Value" column that holds a LinkedIn URL
    },
    "outlook": {
        "first_name": ("first name",), "last_name": ("last name",),
        "email": ("e-mail address", "e-mail 2 address", "e-mail 3 address"),
        "company": ("company",), "position": ("job title",), "profile_url": ("web page",),
    },
}
_GOOGLE_EMAIL = re.compile(r"e-mail \d+ - value")
_GOOGLE_WEBSITE = re.compile(r"website \d+ - value")


def _detect_layout(names: list[str]) -> str | None:
    """Return the known layout a header row (normalized names) belongs to, or None."""
    cols = set(names)
    if {"first name", "last name", "connected on"} <= cols:
        return "linkedin"
    if any(_GOOGLE_EMAIL.fullmatch(c) for c in cols) and (
        {"first name", "last name"} & cols or {"given name", "family name"} & cols
    ):
        return "google"
    if {"first name", "last name", "e-mail address"} <= cols:
        return "outlook"
    return None


def _norm_col(name: str) -> str:
    """Normalize a header name for matching: BOM removed, casefolded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name.replace("\ufeff", "")).casefold().split())


# --------------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------------

_RECRUITER_RE = re.compile(
    r"\b(?:"
    r"recruiters?|recruiting|recruitment(?!\s+marketing)|headhunters?|head[\s-]hunters?|"
    r"sourcers?|talent\s+sourcing|talent\s+acquisition|talent\s+partners?|talent\s+advisors?|"
    r"talent\s+scouts?|executive\s+search"
    r")\b",
    re.IGNORECASE,
)


def is_recruiter(position: str | None) -> bool:
    """Tell whether a job title is a recruiting role.

    Matching is case-insensitive and on whole words: Recruiter, Recruiting ..., Recruitment
    ..., Talent Acquisition, Talent Partner/Advisor/Scout, Talent Sourcing, Sourcer,
    Headhunter and Executive Search count. Decisions: "Recruitment Marketing ..." (employer
    branding) is *not* a recruiter: those people do not screen or hire candidates. Plain
    "Sourcing" (procurement: "Strategic Sourcing Manager") is not either; "Talent Manager"
    (entertainment) is not.

    Parameters
    ----------
    position
        A job title; None, NA or NaN give False.

    Returns
    -------
    bool
        True when the title names a recruiting role.
    """
    if not isinstance(position, str):
        return False
    return _RECRUITER_RE.search(position) is not None


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

    def warn(self, line: int, field: str, message: str) -> None:
        self.warnings.append({"line": int(line), "field": field, "message": message})

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append({"line": int(line), "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows_read": self.rows_read,
            "skipped": sorted(self.skipped, key=lambda d: d["line"]),
            "warnings": sorted(self.warnings, key=lambda d: d["line"]),
            "invalid_emails": self.invalid_emails,
        }


# --------------------------------------------------------------------------------------------------
# Bytes -> text
# --------------------------------------------------------------------------------------------------

def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise InputFormatError(f"{p}: no such file; check the path", path=p) from None
    except IsADirectoryError:
        raise InputFormatError(f"{p}: is a folder; expected a contacts file (.csv or .vcf)", path=p) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        raise InputFormatError(f"{p!r}: cannot be read ({getattr(exc, 'strerror', None) or exc})",
                               path=p) from None


def _line_of(data: bytes, pos: int, unit: int = 1) -> int:
    """1-based line of byte offset ``pos`` (``unit`` 2 for UTF-16)."""
    if unit == 2:
        return data[:pos].replace(b"\x00", b"").count(b"\n") + 1
    return data[:pos].count(b"\n") + 1


_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _decode(data: bytes, path: str, name: str) -> tuple[str, str, bytes | None]:
    """Decode file bytes: UTF-8 (BOM or not), UTF-16/32 with BOM, else Windows-1252.

    Returns the text with line ends normalized to "\\n", the encoding, and the UTF-8 bytes
    of that text when they are simply the file's own bytes (so they need not be re-encoded).
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encodings = ["utf-32"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        # UTF-16 without a BOM shows as a NUL in every other byte of ASCII text.
        half = max(len(data) // 2, 1)
        if data[1::2].count(0) > 0.8 * half and data[0::2].count(0) == 0:
            encodings = ["utf-16-le"]
        elif data[0::2].count(0) > 0.8 * half and data[1::2].count(0) == 0:
            encodings = ["utf-16-be"]
        else:
            line = _line_of(data, data.index(b"\x00"))
            raise InputFormatError(
                f"{name}, line {line}: binary data (NUL bytes); {_EXPECTED}", path=path, line=line)
    else:
        encodings = ["utf-8", "cp1252"]
    text: str | None = None
    error: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            error = exc if error is None else error
            continue
        encoding = enc
        break
    if text is None:
        assert error is not None
        unit = 2 if encodings[0].startswith("utf-16") else 1
        line = _line_of(data, error.start, unit)
        raise InputFormatError(
            f"{name}, line {line}: not readable as text (undecodable bytes for {encodings[-1]}); {_EXPECTED}",
            path=path, line=line)
    text = text.lstrip("\ufeff")
    if (b"\x00" in data if encoding in ("utf-8", "utf-8-sig", "cp1252") else "\x00" in text):
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputFormatError(f"{name}, line {line}: binary data (NUL characters); {_EXPECTED}",
                               path=path, line=line)
    sample = text[:65536]
    controls = _CONTROL.findall(sample)
    if len(controls) > max(2, len(sample) // 100):
        line = sample[: sample.index(controls[0])].count("\n") + 1
        raise InputFormatError(f"{name}, line {line}: binary data (control characters); {_EXPECTED}",
                               path=path, line=line)
    utf8: bytes | None = None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    elif encoding in ("utf-8", "utf-8-sig"):
        utf8 = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
        if utf8.startswith(codecs.BOM_UTF8):  # the BOM twice: lstrip above removed both
            utf8 = None
    if not text or text.isspace():
        raise InputFormatError(f"{name}, line 1: the file is empty; {_EXPECTED}", path=path, line=1)
    return text, encoding, utf8


# --------------------------------------------------------------------------------------------------
# CSV: header, parsing with physical line numbers
# --------------------------------------------------------------------------------------------------

@contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv module read fields up to ``size`` characters (its default is 128 KiB)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


@dataclass(frozen=True)
class _Header:
    """Where the header record is and what it says."""

    line: int               # 1-based physical line where the header record starts
    end_line: int           # ... and where it ends (a quoted name may hold a newline)
    delimiter: str
    names: list[str]        # normalized names (see _norm_col)
    layout: str | None      # known layout, or None (generic CSV with a mapping)


def _iter_records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """Yield (start line, end line, fields) per CSV record; csv.Error ends the iteration."""
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=delimiter, strict=False)
    prev = 0
    while True:
        try:
            record = next(reader)
        except (StopIteration, csv.Error):
            return
        yield prev + 1, reader.line_num, record
        prev = reader.line_num


def _find_header(text: str, name: str, path: str, fmt: str | None,
                 mapping: Mapping[str, str] | None) -> _Header:
    """Locate the header record within the first lines of ``text`` and pick the delimiter."""
    head = text[: _line_offset(text, _HEAD_LINES + 1)]
    wanted = {_norm_col(k) for k in mapping} if mapping else set()
    best: _Header | None = None
    first_line: int | None = None
    first_names: list[str] = []
    first_raw: list[str] = []
    with _field_limit(len(head)):
        for delim in (",", ";", "\t"):
            for start, end, record in _iter_records(head, delim):
                if best is not None and start >= best.line:
                    break  # another delimiter already found a header on an earlier line
                if not any(f.strip() for f in record):
                    continue
                names = [_norm_col(f) for f in record]
                if len(names) > len(first_names):
                    # the likeliest header (most fields, earliest): where an error message points
                    first_line, first_names, first_raw = start, names, [f.strip() for f in record]
                layout = _detect_layout(names)
                if fmt in _LAYOUTS and layout != fmt or fmt == "csv":
                    layout = None
                if layout is None and not (wanted and wanted <= set(names)):
                    if fmt in (None, "csv") and not wanted and _plain_targets(names):
                        pass  # a plain CSV whose header already uses our column names
                    else:
                        continue
                if best is None or start < best.line:
                    best = _Header(start, end, delim, names, layout)
                break
    if best is not None:
        return best
    line = first_line or 1
    found = ", ".join(repr(n) for n in first_raw[:6] if n) or "nothing"
    if fmt in _LAYOUTS:
        what = {"linkedin": "LinkedIn header (First Name, Last Name, Connected On)",
                "google": "Google Contacts header (First Name, Last Name, E-mail 1 - Value)",
                "outlook": "Outlook header (First Name, Last Name, E-mail Address)"}[fmt]
        msg = f"{name}, line {line}: no {what} in the first {_HEAD_LINES} lines (found {found})"
    elif wanted:
        missing = ", ".join(repr(k) for k in mapping or {} if _norm_col(k) not in first_names)
        msg = (f"{name}, line {line}: no column {missing} named in mapping= (found {found}); "
               f"check the mapping keys against the file's header")
    else:
        msg = f"{name}, line {line}: no 'First Name' column (found {found}); {_EXPECTED}"
    raise InputFormatError(msg, path=path, line=line)


def _plain_targets(names: list[str]) -> dict[str, int]:
    """Map our column names used verbatim in a header (``first_name``/``First Name``...) to positions."""
    out: dict[str, int] = {}
    for i, n in enumerate(names):
        key = n.replace(" ", "_").replace("-", "_")
        if key in _MAPPING_TARGETS and key not in out:
            out[key] = i
    return out if ("email" in out or {"first_name", "last_name"} <= out.keys() or "name" in out) else {}


def _line_offset(text: str, line: int) -> int:
    """Character offset where 1-based physical ``line`` starts (len(text) if past the end)."""
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def _physical_lines(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


_QUOTED = re.compile(r'"[^"]*"')
_BEFORE_BLANK_LINE = re.compile("\n(?=\n)")


def _parse_fast(body: str, body_utf8: bytes, delim: str,
                ncols: int) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse the data part with pandas' C reader; None when the file needs the careful path.

    Returns the raw fields (columns 0..ncols-1, "" for empty; blank lines give all-empty rows)
    and the 0-based physical line (relative to ``body``) where each record starts. Returns
    None on ragged rows, stray quotes or anything whose accounting does not add up exactly:
    every physical line must belong to exactly one record, and (when some record ends with
    an empty field, as a short row would) the delimiters in the text must be those between
    the fields plus those inside quoted values.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            raw = pd.read_csv(
                io.BytesIO(body_utf8), encoding="utf-8", sep=delim, header=None,
                names=list(range(ncols)), dtype=str, keep_default_na=False, skip_blank_lines=False,
                index_col=False, engine="c", quotechar='"', doublequote=True,
            )
    except Exception:  # ParserError, ParserWarning (ragged rows), anything odd: use the careful path
        return None
    n = len(raw)
    physical = _physical_lines(body)
    if n == physical:  # one line per record: no value holds a newline
        starts = np.arange(n, dtype=np.int64)
        blank_lines = len(_BEFORE_BLANK_LINE.findall(body)) + body.startswith("\n")
    else:
        per_row = np.zeros(n, dtype=np.int64)
        for c in range(ncols):
            per_row += raw[c].str.count("\n").to_numpy(dtype=np.int64, na_value=0)
        if n + int(per_row.sum()) != physical:
            return None
        starts = np.concatenate(([0], np.cumsum(per_row + 1)[:-1])).astype(np.int64)
        blank_lines = int((_blank_rows(raw) & (per_row == 0)).sum())
    if ncols > 1 and (_objects(raw[ncols - 1]) == "").sum() > blank_lines:
        # A short row ends with empty fields; when some rows do, check that the delimiters
        # add up: those between the fields plus those inside quoted values.
        inside = "".join(_QUOTED.findall(body)).count(delim) if '"' in body else 0
        if body.count(delim) != (n - blank_lines) * (ncols - 1) + inside:
            return None  # a row with fewer fields than the header: the csv module reports it
    return raw, starts


def _blank_rows(raw: pd.DataFrame) -> np.ndarray:
    """Rows whose fields are all empty (blank lines)."""
    blank = np.ones(len(raw), dtype=bool)
    for c in raw.columns:
        blank &= _objects(raw[c]) == ""
        if not blank.any():
            break
    return blank


def _parse_careful(body: str, delim: str, ncols: int, first_line: int, report: _Report, name: str,
                   path: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse the data part with the csv module, warning about ragged rows."""
    rows: list[list[str]] = []
    starts: list[int] = []
    last: tuple[int, int] | None = None
    with _field_limit(len(body)):
        reader = csv.reader(io.StringIO(body, newline="\n"), delimiter=delim, strict=False)
        prev = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # pragma: no cover - strict=False leaves little to complain about
                line = first_line + reader.line_num
                raise InputFormatError(f"{name}, line {line}: malformed CSV ({exc})", path=path,
                                       line=line) from None
            start, prev = prev, reader.line_num
            last = (start, prev)
            if not any(f.strip() for f in record):
                continue
            if len(record) != ncols:
                extra = "extra fields ignored" if len(record) > ncols else "missing fields left empty"
                report.warn(first_line + start, "row",
                            f"{len(record)} fields, expected {ncols} as in the header; {extra}")
                record = (record + [""] * ncols)[:ncols]
            rows.append(record)
            starts.append(start)
    if last is not None:
        lines = body.split("\n")
        tail = "\n".join(lines[last[0]:last[1]])
        if tail.count('"') % 2 and last[1] - last[0] > 1:
            line = first_line + last[0]
            raise InputFormatError(
                f"{name}, line {line}: a quoted field starting here is never closed; the file looks "
                f"truncated or has a stray '\"'", path=path, line=line)
    raw = pd.DataFrame(rows, columns=list(range(ncols)), dtype=object) if rows else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in range(ncols)})
    return raw, np.asarray(starts, dtype=np.int64)


# --------------------------------------------------------------------------------------------------
# Vectorized normalization
# --------------------------------------------------------------------------------------------------

# Whole-column string work is done with C-level operations on one "\x00"-joined string (NUL
# never occurs in decoded text: such files are rejected as binary), so the common path has no
# per-row Python loop; pandas' str methods are used on the (rare) values that need changing.
_SEP = "\x00"
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Return `value` made safe for a spreadsheet: text starting with ``= + - @``, a tab or a CR
    gets a leading apostrophe, so Excel and LibreOffice show it instead of running it as a formula
    (OWASP's advice for CSV injection). :func:`read_contacts` takes the apostrophe off again."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """Undo :func:`neutralize`: text written with a protective apostrophe gets it back off."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def write_tables_csv(folder: str | os.PathLike[str], frames: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each frame as ``<name>.csv`` in `folder` (created if missing), text cells passed
    through :func:`neutralize`; return the paths. For the data behind charts and reports."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in frames.items():
        path = target / f"{name}.csv"
        text = frame.select_dtypes(include=["object", "string"]).columns
        frame.assign(**{c: frame[c].map(neutralize, na_action="ignore") for c in text}).to_csv(
            path, index=False, lineterminator="\n")
        paths.append(path)
    return paths


def write_contacts(people: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write contacts to ``.csv`` (UTF-8 with BOM, so Excel reads accents) or ``.xlsx``, with
    formula-like cells neutralized (:func:`neutralize`); :func:`read_contacts` reads it back.

    Raises
    ------
    InputFormatError
        If the file name does not end in .csv or .xlsx.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFormatError(f"{target.name}: expected a file name ending in .csv or .xlsx", path=target)
    out = people.copy()
    for col in out.columns:
        if out[col].dtype.kind == "M":
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        out[col] = out[col].astype(object).where(out[col].notna(), None).map(neutralize)
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        out.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    else:
        from openpyxl import Workbook as XlsxBook

        book = XlsxBook()
        sheet = book.active
        sheet.title = "contacts"
        sheet.append([str(c) for c in out.columns])
        for row in out.itertuples(index=False, name=None):
            sheet.append(["" if v is None else str(v) if not isinstance(v, (int, float)) else v for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
        book.save(target)
    return target


def _xlsx_as_csv(data: bytes, path: str, name: str) -> str:
    """Return the first sheet of an .xlsx file as CSV text (one line per row)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v
                             for v in row])
        book.close()
    except Exception as exc:  # a damaged zip or not a workbook at all
        raise InputFormatError(f"{name}: not a readable Excel workbook ({type(exc).__name__}); {_EXPECTED}",
                               path=path) from None
    return buf.getvalue()


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
    """Check lower-cased addresses against the email pattern and the 254-character limit."""
    valid: np.ndarray = pd.Series(low, dtype=object).str.fullmatch(_EMAIL_RE).to_numpy(dtype=bool)
    return valid & (np.fromiter(map(len, low), dtype=np.int64, count=len(low)) <= 254)


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


_DATE_FORMATS = ("%d.%m.%Y", "%Y/%m/%d", "%d.%m.%y", "%Y%m%d")
_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}
_NAT = np.datetime64("NaT", "ns")


def _parse_named_month(values: np.ndarray) -> np.ndarray:
    """Parse "12 Mar 2024", "12-Mar-24", "12 March 2024", "Mar 12, 2024" with numpy string ufuncs.

    ``values`` are distinct stripped strings. Returns datetime64[ns] values, NaT where the text
    is not such a date (or not a real day). Two-digit years follow strptime's %y (69-99 -> 19xx).
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
    year = np.where(year < 100, year + np.where(year < 69, 2000, 1900), year)
    ok &= (year >= 1900) & (year <= 2200) & (day >= 1)
    month = np.where(ok, month, 1)
    first_of_month = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    date = first_of_month.astype("datetime64[D]") + (day - 1)
    ok &= date.astype("datetime64[M]") == first_of_month  # 31 Feb -> not a date
    return np.where(ok, date.astype("datetime64[ns]"), _NAT)


def _parse_date_values(s: pd.Series) -> pd.Series:
    """Parse distinct date strings in the other accepted forms (ISO, slash, dotted, Excel serial).

    ``s`` holds stripped, non-empty strings that :func:`_parse_named_month` could not read.
    Returns datetime64[ns] at midnight, NaT where unreadable.
    """
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")

    def fill(mask: np.ndarray, fmt: str) -> None:
        if mask.any():
            parsed = pd.to_datetime(s[mask].astype(object), format=fmt, errors="coerce")
            out[mask] = parsed.astype("datetime64[ns]")

    def todo() -> np.ndarray:
        mask: np.ndarray = out.isna().to_numpy(dtype=bool).copy()
        return mask

    def matches(pattern: str) -> np.ndarray:
        mask = todo()
        if mask.any():
            mask[mask] = s[mask].str.match(pattern).to_numpy(dtype=bool, na_value=False)
        return mask

    if todo().any():
        iso = matches(r"\d{4}-\d{1,2}-\d{1,2}(?:$|[ T])")
        if iso.any():
            out[iso] = pd.to_datetime(s[iso].str.slice(0, 10).astype(object), format="%Y-%m-%d",
                                      errors="coerce").astype("datetime64[ns]")
    slash = matches(r"\d{1,2}/\d{1,2}/\d{2,4}(?:$|\s)")
    if slash.any():
        day = s[slash].str.split(" ").str[0].astype(object)
        long_year = (day.str.len() >= 8).to_numpy(dtype=bool)
        md = pd.Series(pd.NaT, index=day.index, dtype="datetime64[ns]")
        dm = md.copy()
        for sel, fmt_md, fmt_dm in ((long_year, "%m/%d/%Y", "%d/%m/%Y"),
                                    (~long_year, "%m/%d/%y", "%d/%m/%y")):
            if sel.any():
                md[sel] = pd.to_datetime(day[sel], format=fmt_md, errors="coerce").astype("datetime64[ns]")
                dm[sel] = pd.to_datetime(day[sel], format=fmt_dm, errors="coerce").astype("datetime64[ns]")
        day_first = bool((dm.notna() & md.isna()).any()) and not bool((md.notna() & dm.isna()).any())
        out[slash] = dm.fillna(md) if day_first else md.fillna(dm)
    for fmt in _DATE_FORMATS:
        if not todo().any():
            break
        fill(todo(), fmt)
    serial = matches(r"\d{5}(?:\.0+)?$")
    if serial.any():
        days = pd.to_numeric(s[serial].astype(object), errors="coerce").astype(float)
        days = days.where((days > 20000) & (days < 80000))
        excel = pd.to_datetime(days, unit="D", origin="1899-12-30", errors="coerce")  # Excel day numbers
        out[serial] = excel.astype("datetime64[ns]")
    return out.dt.normalize()


def _dates(raw: pd.Series | np.ndarray, lines: np.ndarray, report: _Report, field: str) -> pd.Series:
    """Parse a date column to datetime64[ns] at midnight; garbage -> NaT and a warning.

    Accepted: ``12 Mar 2024`` (LinkedIn), ISO ``2024-03-12`` (with or without a time),
    ``12-Mar-24`` and other Excel re-saves, ``Mar 12, 2024``, ``12.03.2024``, Excel serial
    day numbers, and slash dates. Slash dates are read month first (``03/12/2024`` is
    12 March, as LinkedIn and US Excel write them) unless some value in the column only
    makes sense day first (``25/03/2024``): then the whole column is read day first.
    Each distinct string is parsed once (exports repeat dates a lot).
    """
    codes, uniques = pd.factorize(_objects(raw))
    distinct = _clean(np.asarray(uniques, dtype=object))
    parsed = _parse_named_month(distinct)
    rest = np.flatnonzero(np.isnat(parsed) & (distinct != ""))
    if len(rest):
        others = _parse_date_values(pd.Series(distinct[rest], dtype="string"))
        parsed[rest] = others.to_numpy("datetime64[ns]")
        bad = rest[np.isnat(parsed[rest])]
        for i in np.flatnonzero(np.isin(codes, bad)):  # loops over unreadable dates only
            report.warn(int(lines[i]), field,
                        f"{distinct[codes[i]]!r} is not a date; expected e.g. '12 Mar 2024'; left empty")
    values = np.append(parsed, _NAT)  # code -1 (missing) -> this NaT
    return pd.Series(values[codes], dtype="datetime64[ns]")


def _split_full_name(name: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split full names on the last space: "Mary Ann Smith" -> ("Mary Ann", "Smith")."""
    parts = pd.Series(name, dtype=object).str.rsplit(n=1)
    # astype(object): when no name has a second part, .str[1] is all-NaN float64, and "" would not fit it
    return _clean(parts.str[0].astype(object).fillna("")), _clean(parts.str[1].astype(object).fillna(""))


def _empty_frame(report: _Report) -> pd.DataFrame:
    df = pd.DataFrame({
        **{c: pd.Series([], dtype="string") for c in _TEXT_COLUMNS},
        "connected_on": pd.Series([], dtype="datetime64[ns]"),
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
    connected = (_dates(date_parts[0], lines, report, "connected_on") if date_parts
                 else pd.Series(np.full(n, _NAT)))
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
        "source": pd.Series(pd.array(np.full(n, fmt, dtype=object), dtype="string")),
        "line": pd.Series(lines, dtype="int64"),
    }, copy=False)
    if drop.any():
        for i in np.flatnonzero(drop):  # loops over skipped rows only
            report.skip(int(lines[i]), reason)
        df = df.loc[~drop].reset_index(drop=True)
    df.attrs["report"] = report.as_dict()
    return df


# --------------------------------------------------------------------------------------------------
# CSV formats
# --------------------------------------------------------------------------------------------------

def _resolve_targets(header: _Header, fmt: str, mapping: Mapping[str, str] | None) -> dict[str, list[int]]:
    """Column positions feeding each target, in preference order."""
    pos = {n: i for i, n in reversed(list(enumerate(header.names)))}  # first occurrence wins
    targets: dict[str, list[int]] = {}
    if fmt in _LAYOUTS:
        for target, names in _LAYOUTS[fmt].items():
            targets[target] = [pos[n] for n in names if n in pos]
        if fmt == "google":
            targets["email"] = [i for i, n in enumerate(header.names) if _GOOGLE_EMAIL.fullmatch(n)]
            targets["profile_url"] = [i for i, n in enumerate(header.names) if _GOOGLE_WEBSITE.fullmatch(n)]
    elif not mapping:
        targets = {t: [i] for t, i in _plain_targets(header.names).items()}
    chosen: dict[str, list[int]] = {}
    for their, ours in (mapping or {}).items():  # several columns may feed one target, in order
        chosen.setdefault(ours, []).append(pos[_norm_col(their)])
    targets.update(chosen)
    return targets


def _read_csv_text(text: str, utf8: bytes | None, name: str, path: str, fmt: str | None,
                   mapping: Mapping[str, str] | None) -> pd.DataFrame:
    """Read a CSV export: find the header, parse (fast or careful path), normalize."""
    header = _find_header(text, name, path, fmt, mapping)
    fmt_used = header.layout or "csv"
    report = _Report(fmt_used)
    logger.debug("%s: %s layout, header on line %d, delimiter %r", name, fmt_used, header.line,
                 header.delimiter)
    ncols = len(header.names)
    offset = _line_offset(text, header.end_line + 1)
    body = text[offset:]
    first_line = header.end_line + 1
    if not body or body.isspace():
        parsed: tuple[pd.DataFrame, np.ndarray] | None = (
            pd.DataFrame({c: pd.Series([], dtype=object) for c in range(ncols)}), np.zeros(0, dtype=np.int64))
    else:
        body_utf8 = utf8[len(text[:offset].encode("utf-8")):] if utf8 is not None else body.encode("utf-8")
        parsed = _parse_fast(body, body_utf8, header.delimiter, ncols)
    if parsed is None:
        logger.debug("%s: irregular CSV, reading it record by record", name)
        parsed = _parse_careful(body, header.delimiter, ncols, first_line, report, name, path)
    raw, starts = parsed
    blank = _blank_rows(raw)
    if blank.any():
        raw, starts = raw.loc[~blank].reset_index(drop=True), starts[~blank]
    lines = starts + first_line
    targets = _resolve_targets(header, fmt_used, mapping)
    fields = {t: [raw[i] for i in cols] for t, cols in targets.items()}
    return _assemble(fields, lines, fmt_used, report, url_linkedin_only=fmt_used in ("google", "outlook"))


# --------------------------------------------------------------------------------------------------
# vCard
# --------------------------------------------------------------------------------------------------

_VC_BEGIN = re.compile(r"[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_VC_END = re.compile(r"[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)


def _split_cards(text: str, name: str, path: str, report: _Report) -> list[tuple[int, str]]:
    """Cut a vCard file into (line of BEGIN:VCARD, card text) pairs, joining QP soft line breaks."""
    cards: list[tuple[int, str]] = []
    start: int | None = None
    buf: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if _VC_BEGIN.fullmatch(line):
            if start is not None:
                raise InputFormatError(
                    f"{name}, line {start}: the vCard starting here has no END:VCARD before the next "
                    f"BEGIN:VCARD on line {i}; the file looks truncated or malformed", path=path, line=start)
            start, buf = i, ["BEGIN:VCARD"]
        elif _VC_END.fullmatch(line):
            if start is None:
                raise InputFormatError(f"{name}, line {i}: END:VCARD without a BEGIN:VCARD before it; "
                                       f"expected a vCard file", path=path, line=i)
            buf.append("END:VCARD")
            cards.append((start, "\r\n".join(buf) + "\r\n"))
            start, buf = None, []
        elif start is None:
            if line.strip():
                report.warn(i, "row", "text outside BEGIN:VCARD ... END:VCARD ignored")
        else:
            head = line.split(":", 1)[0].upper()
            if "QUOTED-PRINTABLE" in head and not line[:1].isspace() and ":" in line:
                # Android: "=" at the end of a line is a soft break; the value goes on at the next line.
                while line.endswith("=") and i < len(lines) and not _VC_END.fullmatch(lines[i]):
                    line = line[:-1] + lines[i]
                    i += 1
                line = _decode_qp_line(line)
            buf.append(_escape_commas(line))
    if start is not None:
        raise InputFormatError(
            f"{name}, line {start}: the vCard starting here has no END:VCARD; the file looks truncated",
            path=path, line=start)
    return cards


_QP_PARAM = re.compile(r";(?:ENCODING=)?QUOTED-PRINTABLE(?=[;:])", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r";CHARSET=([^;:]*)(?=[;:])", re.IGNORECASE)


def _decode_qp_line(line: str) -> str:
    """Decode a QUOTED-PRINTABLE property (vCard 2.1) in place, using its CHARSET (default UTF-8).

    The decoded value is written back without the ENCODING/CHARSET parameters, line breaks as
    "\\n", so vobject sees a plain property. Undecodable bytes fall back to Windows-1252.
    """
    head, value = line.split(":", 1)
    charset = _CHARSET_PARAM.search(head)
    raw = quopri.decodestring(value.encode("utf-8"))
    text = None
    for enc in (charset.group(1).strip() if charset else "utf-8", "utf-8", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    assert text is not None  # latin-1 decodes anything
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    head = _CHARSET_PARAM.sub("", _QP_PARAM.sub("", head))
    return f"{head}:{text}"


_VC_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_VC_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def _escape_commas(line: str) -> str:
    """Escape bare commas in a property value (not in its parameters).

    vobject reads text values as comma-separated lists and keeps only the first item, so
    ``TITLE:Sales, South-West`` (vCard 2.1, or a sloppy 3.0 writer) would lose its tail.
    """
    if line[:1] in (" ", "\t"):
        return _VC_UNESCAPED_COMMA.sub("\\,", line)  # a folded continuation: all value
    head, sep, value = line.partition(":")
    return head + sep + _VC_UNESCAPED_COMMA.sub("\\,", value) if sep else line


_VC_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\);")


def _vc_text(value: Any) -> str:
    """Unescape a raw vCard text value (``\\,`` ``\\;`` ``\\:`` ``\\n``) and apply NFC."""
    if not isinstance(value, str):
        return ""
    text = _VC_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return unicodedata.normalize("NFC", text)


def _vc_parts(value: Any) -> list[str]:
    """Split a structured value (N, ORG) on unescaped semicolons, then unescape each part."""
    if not isinstance(value, str):
        return []
    return [_vc_text(part) for part in _VC_UNESCAPED_SEMICOLON.split(value)]


def _vc_pref(line: Any, order: int) -> tuple[int, int]:
    """Sort key: preferred addresses first (TYPE=pref, bare PREF in 2.1, PREF=n in 4.0), then file order."""
    params = {str(k).upper(): [str(v).lower() for v in vs] for k, vs in getattr(line, "params", {}).items()}
    singles = [str(v).upper() for v in getattr(line, "singletonparams", [])]
    rank = 100
    if "pref" in params.get("TYPE", []) or "PREF" in singles:
        rank = 1
    for v in params.get("PREF", []):
        if v.isdecimal():
            rank = min(rank, int(v))
    return rank, order


def _card_fields(card: Any) -> dict[str, Any]:
    """Pick what we need from one vobject card read with ``transform=False`` (raw values)."""
    first = last = full = company = position = role = ""
    company_card = False
    emails: list[tuple[tuple[int, int], str]] = []
    urls: list[str] = []
    for order, child in enumerate(card.getChildren()):
        key = str(getattr(child, "name", "")).upper()
        value = getattr(child, "value", "")
        if key == "N":
            parts = _vc_parts(value) + ["", ""]
            last, first = parts[0], parts[1]
        elif key == "FN":
            full = _vc_text(value)
        elif key == "EMAIL":
            emails.append((_vc_pref(child, order), _vc_text(value)))
        elif key == "ORG" and not company:
            company = (_vc_parts(value) or [""])[0]
        elif key == "TITLE" and not position:
            position = _vc_text(value)
        elif key == "ROLE" and not role:
            role = _vc_text(value)
        elif key in ("URL", "X-SOCIALPROFILE"):
            urls.append(_vc_text(value))
        elif key == "X-ABSHOWAS" and _vc_text(value).strip().upper() == "COMPANY":
            company_card = True  # Apple: a card for a company, not a person
    if company_card:
        first = last = full = ""
    emails.sort(key=lambda e: e[0])
    return {"first_name": first, "last_name": last, "name": full, "company": company,
            "position": position or role, "emails": [e for _, e in emails], "urls": urls}


def _read_vcard_text(text: str, name: str, path: str) -> pd.DataFrame:
    """Read every card of a vCard 2.1/3.0/4.0 file (vobject), then normalize like the CSV formats.

    A card vobject cannot parse is skipped (listed in the report with its line); if no card
    can be parsed at all the file is rejected.
    """
    import vobject  # imported here: only vCard files need it

    report = _Report("vcard")
    cards = _split_cards(text, name, path, report)
    if not cards:
        raise InputFormatError(f"{name}, line 1: no BEGIN:VCARD found; expected a vCard file", path=path,
                               line=1)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    failed: list[tuple[int, str]] = []
    for start, card_text in cards:
        try:
            card = next(vobject.readComponents(card_text, transform=False), None)
            if card is None:
                raise ValueError("empty card")
            fields = _card_fields(card)
        except Exception as exc:  # vobject raises ParseError, but also ValueError, TypeError, ...
            failed.append((start, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        rows.append(fields)
        lines.append(start)
    if not rows:
        line, why = failed[0]
        raise InputFormatError(f"{name}, line {line}: malformed vCard ({why}); expected a vCard 2.1, 3.0 "
                               f"or 4.0 file", path=path, line=line)
    for line, why in failed:
        report.rows_read += 1
        report.skip(line, f"malformed vCard, not readable ({why})")
    n = len(rows)
    n_email = max(len(r["emails"]) for r in rows)
    n_url = max(len(r["urls"]) for r in rows)

    def column(key: str) -> pd.Series:
        return pd.Series([r[key] for r in rows], dtype=object)

    fields_map: dict[str, list[pd.Series]] = {
        k: [column(k)] for k in ("first_name", "last_name", "name", "company", "position")}
    fields_map["email"] = [pd.Series([(r["emails"] + [""] * n_email)[j] for r in rows], dtype=object)
                           for j in range(n_email)]
    fields_map["profile_url"] = [pd.Series([(r["urls"] + [""] * n_url)[j] for r in rows], dtype=object)
                                 for j in range(n_url)]
    assert n == len(lines)
    return _assemble(fields_map, np.asarray(lines, dtype=np.int64), "vcard", report, url_linkedin_only=True)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------

_VC_START = re.compile(r"\s*BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE)


def _is_vcard(text: str) -> bool:
    return _VC_START.match(text) is not None


def read_contacts(path: str | os.PathLike[str], *, fmt: str | None = None,
                  mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a contacts export into one normalized DataFrame, one row per person.

    The format is detected from the content, not the file name: LinkedIn
    ``Connections.csv`` (current layout with its "Notes:" preamble, or the older one with
    the header on line 1, with or without URL), Google Contacts CSV (current layout, and the
    older ``Given Name``/``Family Name`` one, often UTF-16), Outlook CSV, vCard 2.1/3.0/4.0,
    a CSV whose header already uses our column names, or any CSV given ``mapping=``.
    Encodings: UTF-8 with or without BOM, UTF-16/32 with BOM (UTF-16 without BOM is
    recognized too), else Windows-1252. Delimiters: comma, semicolon or tab, found from the
    header. Line ends: LF, CRLF or CR.

    Normalization: Unicode NFC, whitespace trimmed, "" -> NA; names kept as written;
    emails lower-cased and checked with a pattern (dot-atom @ dotted domain with a
    letter TLD, Unicode allowed, at most 254 characters) — an invalid one is left out,
    counted and warned about; several emails (Google's ``a ::: b``, Outlook's E-mail 2/3,
    vCard's EMAIL lines) give the first valid one, vCard ``PREF`` first; profile URLs lose
    whitespace, get ``https://`` (``http://`` upgraded, missing scheme added) and are
    otherwise kept as given. Dates: see the accepted forms below.

    Decisions: LinkedIn rows with no name, or named "LinkedIn Member" as LinkedIn writes
    hidden members, are skipped; other formats skip records with no name and no valid
    email (e.g. Apple's company cards). Slash dates are month first (``03/12/2024`` is 12
    March, as LinkedIn and US Excel write them) unless a value in the column only makes
    sense day first (``25/03/2024``), then the whole column is day first; also accepted:
    ``12 Mar 2024``, ``12-Mar-24``, ``Mar 12, 2024``, ISO (a time is dropped),
    ``12.03.2024`` and Excel day numbers. Ragged CSV rows are read (missing fields empty,
    extra fields ignored) with a warning. A vCard that vobject cannot parse is skipped and
    reported; a file where none parses is an error.

    Parameters
    ----------
    path
        The file to read.
    fmt
        Force a format: "linkedin", "google", "outlook", "vcard" or "csv"; None detects it.
    mapping
        For other CSV files, ``{their_column: our_column}`` (header names compared
        case-insensitively); ``our_column`` is one of first_name, last_name, email, company,
        position, profile_url, connected_on, or ``name`` for a full name (split on its last
        space when there are no first/last values). Several columns may map to one target:
        the first non-empty (for email: first valid) wins. On a known layout the mapping
        overrides the built-in column choice for the targets it names.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``first_name, last_name, email, company, position, profile_url``
        (pandas "string" dtype, NA when missing — never "" or "nan"), ``connected_on``
        (datetime64[ns] at midnight, NaT when missing or unreadable), ``source`` (string: the
        format name) and ``line`` (int64: the 1-based physical line where the record starts,
        counting lines inside quoted fields). For Google, Outlook and vCard, ``profile_url``
        is the LinkedIn URL if there is one. ``df.attrs["report"]`` is a dict:
        ``format``; ``rows_read`` (records found, blank lines not counted, skipped ones
        counted, so ``len(df) == rows_read - len(skipped)``); ``skipped`` (list of ``{line,
        reason}``); ``warnings`` (list of ``{line, field, message}``, field being an output
        column or "row"); ``invalid_emails`` (count of addresses left out).

    Raises
    ------
    InputFormatError
        For a missing, empty, binary, truncated, unknown or malformed file, or bad ``fmt``
        / ``mapping``; the message names the file, the line where it applies and what was
        expected ("Connections.csv, line 4: no 'First Name' column (found ...); expected a
        LinkedIn, Google, Outlook or vCard export, or pass mapping=..."), and ``path`` and
        ``line`` are set. No other exception escapes, whatever the bytes.
    """
    p = os.fspath(path)
    name = os.path.basename(p) or p
    if fmt is not None and fmt not in FORMATS:
        raise InputFormatError(f"fmt={fmt!r} is not a format; use one of {', '.join(FORMATS)} or None",
                               path=p)
    if mapping is not None:
        bad = [v for v in mapping.values() if v not in _MAPPING_TARGETS]
        if bad:
            raise InputFormatError(
                f"mapping= targets {bad!r} are not columns; use {', '.join(_MAPPING_TARGETS)}", path=p)
    data = _read_bytes(p)
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputFormatError(f"{name}, line 1: the file is empty; {_EXPECTED}", path=p, line=1)
    if data.startswith(b"PK\x03\x04"):  # a zip: an Excel workbook; its first sheet is read as CSV
        text, encoding, utf8 = _xlsx_as_csv(data, p, name), "xlsx", None
    else:
        text, encoding, utf8 = _decode(data, p, name)
    logger.debug("%s: decoded as %s", name, encoding)
    try:
        if fmt == "vcard" or (fmt is None and _is_vcard(text)):
            df = _read_vcard_text(text, name, p)
        elif _is_vcard(text):
            raise InputFormatError(f"{name}, line 1: fmt={fmt!r} was given but this is a vCard file; pass "
                                   f"fmt='vcard' or leave fmt out", path=p, line=1)
        else:
            df = _read_csv_text(text, utf8, name, p, fmt, mapping)
    except InputFormatError:
        raise
    except Exception as exc:  # a parser bug must not leak as a random exception type
        logger.debug("unexpected error reading %s", p, exc_info=True)
        raise InputFormatError(f"{name}: could not be read ({type(exc).__name__}: {exc}); {_EXPECTED}",
                               path=p) from exc
    rep = df.attrs["report"]
    logger.info("%s: %d %s records, %d kept, %d skipped, %d warnings", name, rep["rows_read"], rep["format"],
                len(df), len(rep["skipped"]), len(rep["warnings"]))
    return df
