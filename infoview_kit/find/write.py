"""Write contacts and tables as CSV or Excel files that spreadsheets open safely (no formulas run)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from infoview_kit.base.errors import InputFormatError

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
