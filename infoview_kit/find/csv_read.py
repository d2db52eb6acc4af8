"""Read CSV (and .xlsx) contact exports: decode the bytes, find the header, parse fast or carefully."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.find.columns import _TEXT_COLUMNS, _assemble, _objects, _Report

logger = logging.getLogger("infoview_kit")

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


def _encodings(data: bytes, path: str, name: str) -> list[str]:
    """The encodings to try, in order: from the BOM, from where the NUL bytes are, else UTF-8 then cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return ["utf-32"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if b"\x00" not in data:
        return ["utf-8", "cp1252"]
    # UTF-16 without a BOM shows as a NUL in every other byte of ASCII text.
    half = max(len(data) // 2, 1)
    if data[1::2].count(0) > 0.8 * half and data[0::2].count(0) == 0:
        return ["utf-16-le"]
    if data[0::2].count(0) > 0.8 * half and data[1::2].count(0) == 0:
        return ["utf-16-be"]
    line = _line_of(data, data.index(b"\x00"))
    raise InputFormatError(f"{name}, line {line}: binary data (NUL bytes); {_EXPECTED}", path=path, line=line)


def _decode_as(data: bytes, encodings: list[str], path: str, name: str) -> tuple[str, str]:
    """Decode with the first of ``encodings`` that works; return the text (BOM removed) and that encoding."""
    error: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            return data.decode(enc).lstrip("\ufeff"), enc
        except UnicodeDecodeError as exc:
            error = exc if error is None else error
    assert error is not None
    unit = 2 if encodings[0].startswith("utf-16") else 1
    line = _line_of(data, error.start, unit)
    raise InputFormatError(
        f"{name}, line {line}: not readable as text (undecodable bytes for {encodings[-1]}); {_EXPECTED}",
        path=path, line=line)


def _refuse_binary(text: str, data: bytes, encoding: str, path: str, name: str) -> None:
    """Raise when decoded text holds NUL characters or many control characters (a binary file)."""
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


def _decode(data: bytes, path: str, name: str) -> tuple[str, str, bytes | None]:
    """Decode file bytes: UTF-8 (BOM or not), UTF-16/32 with BOM, else Windows-1252.

    Returns the text with line ends normalized to "\\n", the encoding, and the UTF-8 bytes
    of that text when they are simply the file's own bytes (so they need not be re-encoded).
    """
    text, encoding = _decode_as(data, _encodings(data, path, name), path, name)
    _refuse_binary(text, data, encoding, path, name)
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
                kind = _header_kind(names, fmt, wanted)
                if kind is None:
                    continue
                if best is None or start < best.line:
                    best = _Header(start, end, delim, names, None if kind == "csv" else kind)
                break
    if best is not None:
        return best
    raise _no_header(name, path, fmt, mapping, first_line or 1, first_names, first_raw)


def _header_kind(names: list[str], fmt: str | None, wanted: set[str]) -> str | None:
    """What header a record (normalized names) is: a known layout, "csv" (generic), or None (not a header)."""
    layout = _detect_layout(names)
    if fmt in _LAYOUTS and layout != fmt or fmt == "csv":
        layout = None
    if layout is not None:
        return layout
    if wanted and wanted <= set(names):
        return "csv"
    if fmt in (None, "csv") and not wanted and _plain_targets(names):
        return "csv"  # a plain CSV whose header already uses our column names
    return None


def _no_header(name: str, path: str, fmt: str | None, mapping: Mapping[str, str] | None, line: int,
               first_names: list[str], first_raw: list[str]) -> InputFormatError:
    """The error for a file with no header: what was expected, and what the likeliest header line holds."""
    found = ", ".join(repr(n) for n in first_raw[:6] if n) or "nothing"
    if fmt in _LAYOUTS:
        what = {"linkedin": "LinkedIn header (First Name, Last Name, Connected On)",
                "google": "Google Contacts header (First Name, Last Name, E-mail 1 - Value)",
                "outlook": "Outlook header (First Name, Last Name, E-mail Address)"}[fmt]
        msg = f"{name}, line {line}: no {what} in the first {_HEAD_LINES} lines (found {found})"
    elif mapping:
        missing = ", ".join(repr(k) for k in mapping if _norm_col(k) not in first_names)
        msg = (f"{name}, line {line}: no column {missing} named in mapping= (found {found}); "
               f"check the mapping keys against the file's header")
    else:
        msg = f"{name}, line {line}: no 'First Name' column (found {found}); {_EXPECTED}"
    return InputFormatError(msg, path=path, line=line)


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


def _linkedin_archive(path: str) -> bytes | None:
    """LinkedIn's "Get a copy of your data" download, as a ZIP or unpacked folder: its ``Connections.csv``.

    The ZIP is checked (no ``../`` names, no bomb) and the member read in memory, never extracted; for
    any other file (an .xlsx is a ZIP too) this returns None.
    """
    from infoview_kit.base.archive import is_zip, member_bytes

    if os.path.isdir(path):
        inner = os.path.join(path, "Connections.csv")
        return _read_bytes(inner) if os.path.isfile(inner) else None
    if not is_zip(path):
        return None
    if path.lower().endswith((".xlsx", ".xlsm")):
        return None  # an Excel workbook: its own reader says what is wrong with it
    data = member_bytes(path, "Connections.csv")
    if data is None and not _is_xlsx_zip(path):
        name = os.path.basename(path)
        raise InputFormatError(f"{name}: a ZIP archive without Connections.csv; expected LinkedIn's data download "
                               "(it holds Connections.csv), an .xlsx file or a contacts export", path=path)
    return data


def _is_xlsx_zip(path: str) -> bool:
    """Tell whether a (checked) ZIP is an Excel workbook (it holds ``xl/workbook.xml``)."""
    from infoview_kit.base.archive import open_zip

    with open_zip(path) as archive:
        return "xl/workbook.xml" in archive.namelist()


def _read_text(path: str, name: str) -> tuple[str, bytes | None]:
    """Read a contacts file as text (an .xlsx file's first sheet as CSV), line ends normalized.

    Returns the text and, when they are simply the file's own bytes, its UTF-8 bytes (see :func:`_decode`).
    """
    data = _linkedin_archive(path)
    if data is None:
        data = _read_bytes(path)
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputFormatError(f"{name}, line 1: the file is empty; {_EXPECTED}", path=path, line=1)
    if data.startswith(b"PK\x03\x04"):  # a zip: an Excel workbook; its first sheet is read as CSV
        text, encoding, utf8 = _xlsx_as_csv(data, path, name), "xlsx", None
    else:
        text, encoding, utf8 = _decode(data, path, name)
    logger.debug("%s: decoded as %s", name, encoding)
    return text, utf8
