"""Read contact exports (LinkedIn, Google, Outlook, vCard, plain CSV) into one normalized DataFrame."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.find.csv_read import _EXPECTED, _MAPPING_TARGETS, _read_csv_text, _read_text
from infoview_kit.find.vcard import _is_vcard, _read_vcard_text

logger = logging.getLogger("infoview_kit")

__all__ = ["COLUMNS", "FORMATS", "is_recruiter", "read_contacts"]

#: Output columns of :func:`read_contacts`, in order.
COLUMNS: tuple[str, ...] = (
    "first_name", "last_name", "email", "company", "position", "profile_url", "connected_on",
    "connected_on_raw", "source", "line",
)
#: Format names accepted by ``fmt=`` and written to the ``source`` column.
FORMATS: tuple[str, ...] = ("linkedin", "google", "outlook", "vcard", "csv")

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
# Entry point
# --------------------------------------------------------------------------------------------------

def read_contacts(path: str | os.PathLike[str], *, fmt: str | None = None,
                  mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a contacts export into one normalized DataFrame, one row per person.

    The format is detected from the content, not the file name: LinkedIn ``Connections.csv`` (current layout with
    its "Notes:" preamble, or the older one with the header on line 1, with or without URL), Google Contacts CSV
    (current layout, and the older ``Given Name``/``Family Name`` one, often UTF-16), Outlook CSV, vCard
    2.1/3.0/4.0, a CSV whose header already uses our column names, or any CSV given ``mapping=``. Encodings: UTF-8
    with or without BOM, UTF-16/32 with BOM (UTF-16 without BOM is recognized too), else Windows-1252. Delimiters:
    comma, semicolon or tab, found from the header. Line ends: LF, CRLF or CR.

    Normalization: Unicode NFC, whitespace trimmed, "" -> NA; names kept as written; emails lower-cased and checked
    as every entry point checks them (:func:`infoview_kit.base.validate.email`: email-validator) — an invalid one
    is left out, counted and warned about; several emails (Google's ``a ::: b``, Outlook's E-mail 2/3, vCard's EMAIL
    lines) give the first valid one, vCard ``PREF`` first; profile URLs lose whitespace, get ``https://``
    (``http://`` upgraded, missing scheme added) and are otherwise kept as given.

    A row with more or fewer fields than the header is never imported shifted: it is repaired only when exactly
    one repair fits, else skipped, with its line and raw text in the report (:mod:`infoview_kit.find.ragged` has
    the rule); fix the row, import again, and the person arrives. Dates are read by one convention for the whole
    column, named in ``report["date_convention"]``, with a warning when every value fits both day-first and
    month-first (:mod:`infoview_kit.find.dates`); an unreadable date is NaT, warned about, and its text kept in
    ``connected_on_raw`` (the import keeps it in the stored source record).

    Decisions: LinkedIn rows with no name, or named "LinkedIn Member" as LinkedIn writes hidden members, are
    skipped; other formats skip records with no name and no valid email (e.g. Apple's company cards). A vCard that
    vobject cannot parse is skipped and reported; a file where none parses is an error.

    Parameters
    ----------
    path
        The file to read.
    fmt
        Force a format: "linkedin", "google", "outlook", "vcard" or "csv"; None detects it.
    mapping
        For other CSV files, ``{their_column: our_column}`` (header names compared case-insensitively);
        ``our_column`` is one of first_name, last_name, email, company, position, profile_url, connected_on, or
        ``name`` for a full name (split on its last space when there are no first/last values). Several columns may
        map to one target: the first non-empty (for email: first valid) wins. On a known layout the mapping
        overrides the built-in column choice for the targets it names.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``first_name, last_name, email, company, position, profile_url`` (pandas "string" dtype,
        NA when missing — never "" or "nan"), ``connected_on`` (datetime64[ns] at midnight, NaT when missing or
        unreadable), ``connected_on_raw`` (string: the text of an unreadable date, NA otherwise), ``source``
        (string: the format name) and ``line`` (int64: the 1-based physical line where the record starts, counting
        lines inside quoted fields). For Google, Outlook and vCard, ``profile_url`` is the LinkedIn URL if there is
        one. ``df.attrs["report"]`` is a dict: ``format``; ``rows_read`` (records found, blank lines not counted,
        skipped ones counted, so ``len(df) == rows_read - len(skipped)``); ``skipped`` (list of ``{line, reason}``,
        and ``raw``, the row's text, for a row with the wrong number of fields); ``repaired`` (list of ``{line,
        column, how, raw}``); ``warnings`` (list of ``{line, field, message}``, field being an output column);
        ``invalid_emails`` (count of addresses left out); ``date_convention`` (str, None when the file has no
        dates).

    Raises
    ------
    InputFormatError
        For a missing, empty, binary, truncated, unknown or malformed file, or bad ``fmt`` / ``mapping``; the
        message names the file, the line where it applies and what was expected ("Connections.csv, line 4: no 'First
        Name' column (found ...); expected a LinkedIn, Google, Outlook or vCard export, or pass mapping=..."), and
        ``path`` and ``line`` are set. No other exception escapes, whatever the bytes.
    """
    p = os.fspath(path)
    name = os.path.basename(p) or p
    _check_arguments(p, fmt, mapping)
    text, utf8 = _read_text(p, name)
    try:
        df = _parse(text, utf8, name, p, fmt, mapping)
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


def _parse(text: str, utf8: bytes | None, name: str, path: str, fmt: str | None,
           mapping: Mapping[str, str] | None) -> pd.DataFrame:
    """Read the decoded text as a vCard file or as a CSV export, as ``fmt`` (or the content) says."""
    if fmt == "vcard" or (fmt is None and _is_vcard(text)):
        return _read_vcard_text(text, name, path)
    if _is_vcard(text):
        raise InputFormatError(f"{name}, line 1: fmt={fmt!r} was given but this is a vCard file; pass "
                               f"fmt='vcard' or leave fmt out", path=path, line=1)
    return _read_csv_text(text, utf8, name, path, fmt, mapping)


def _check_arguments(path: str, fmt: str | None, mapping: Mapping[str, str] | None) -> None:
    """Reject an unknown ``fmt=`` or a ``mapping=`` naming a column we do not have."""
    if fmt is not None and fmt not in FORMATS:
        raise InputFormatError(f"fmt={fmt!r} is not a format; use one of {', '.join(FORMATS)} or None",
                               path=path)
    bad = [v for v in (mapping or {}).values() if v not in _MAPPING_TARGETS]
    if bad:
        raise InputFormatError(
            f"mapping= targets {bad!r} are not columns; use {', '.join(_MAPPING_TARGETS)}", path=path)
