"""Full export of a workbook, every table, as XLSX, CSV or JSON that opens without this package."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from infoview_kit.base.errors import InputFormatError, WorkbookError

if TYPE_CHECKING:
    import pandas as pd

    from infoview_kit.workbook import Workbook

#: The formats :func:`export_workbook` writes, and what each one is.
FORMATS = {
    "xlsx": "one spreadsheet, a sheet per table",
    "csv": "a folder with one CSV file per table (UTF-8 with a BOM, so Excel reads accents)",
    "json": "one JSON document: {table: [rows]}",
}
#: Columns that hold JSON text; the JSON export writes them as JSON values, not as strings.
JSON_COLUMNS = {("profile", "value"), ("contact_sources", "data"), ("merges", "filled"), ("events", "detail")}


def default_export_path(workbook: str | os.PathLike[str], fmt: str, today: dt.date | None = None) -> Path:
    """Return where an export goes unless told: beside the workbook (git-ignored with it), named
    ``<stem>-export-<date>.xlsx``, ``.json``, or a folder ``<stem>-export-<date>/`` for CSV."""
    p = Path(workbook)
    day = (today or dt.date.today()).isoformat()
    name = f"{p.stem}-export-{day}"
    return p.with_name(name if fmt == "csv" else f"{name}.{fmt}")


def export_workbook(wb: Workbook, out: str | os.PathLike[str] | None = None, *,
                    fmt: str | None = None) -> Path:
    """Write every table of `wb` to `out`, readable without infoview_kit; return the path written.

    Parameters
    ----------
    wb
        The workbook (read in one snapshot with :meth:`Workbook.all_tables`).
    out
        The file (``.xlsx``, ``.json``) or, for CSV, the folder. Default: beside the workbook, see
        :func:`default_export_path`. An existing file of that name is replaced.
    fmt
        ``xlsx``, ``csv`` or ``json`` (:data:`FORMATS`). Default: from the suffix of `out`
        (a name without one means a CSV folder), else ``xlsx``.

    Values are written as stored: times as ISO 8601 text (UTC), missing values as empty cells or
    ``null``. In CSV and XLSX, text a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a CR) gets a leading apostrophe
    (:func:`infoview_kit.find.write.neutralize`). Every file is created readable by its owner only.

    Raises
    ------
    InputFormatError
        If `fmt` is unknown, or does not match the suffix of `out`.
    WorkbookError
        If `out` cannot be written (for CSV: it is a file, not a folder).
    """
    target, kind = _target(wb, out, fmt)
    tables = wb.all_tables()
    writer = {"xlsx": _write_xlsx, "csv": _write_csv, "json": _write_json}[kind]
    try:
        writer(tables, target)
    except OSError as exc:
        raise WorkbookError(f"{target}: cannot write the export ({exc})", path=target) from exc
    return target


def _target(wb: Workbook, out: str | os.PathLike[str] | None, fmt: str | None) -> tuple[Path, str]:
    if fmt is not None:
        kind = str(fmt).lower().lstrip(".")
        if kind not in FORMATS:
            raise InputFormatError(f"export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if out is None:
        kind = kind if fmt is not None else "xlsx"
        return default_export_path(wb.path, kind), kind
    target = Path(out).expanduser()
    suffix = target.suffix.lower().lstrip(".")
    if fmt is None:
        kind = suffix if suffix in ("xlsx", "json") else "csv"
    if kind in ("xlsx", "json") and suffix != kind:
        raise InputFormatError(f"{target.name}: an {kind} export needs a file name ending in .{kind}", path=target)
    if kind == "csv" and suffix in ("xlsx", "json", "csv"):
        raise InputFormatError(f"{target.name}: a csv export is a folder (one CSV per table); pass a folder name "
                               "such as 'my-export'", path=target)
    if kind == "csv" and target.exists() and not target.is_dir():
        raise WorkbookError(f"{target} is a file; a csv export needs a folder", path=target)
    return target, kind


def _cells(df: pd.DataFrame) -> Iterator[list[Any]]:
    """Rows of `df` with text neutralized for spreadsheets and None for missing values."""
    from infoview_kit.find.write import neutralize

    for row in df.itertuples(index=False, name=None):
        yield [neutralize(v) for v in row]


@contextlib.contextmanager
def _private_file(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`, readable by its owner only, and move it into place
    when the block ends without error (a crash never leaves half an export under the real name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # a new file, never one (or a link) already there
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _write_csv(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    import csv

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, df in tables.items():
        with _private_file(folder / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(list(df.columns))
            w.writerows(["" if v is None else v for v in row] for row in _cells(df))


def _write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    illegal = ILLEGAL_CHARACTERS_RE.search
    book = XlsxBook(write_only=True)
    for name, df in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(df.columns))
        for row in _cells(df):
            # neutralized text never starts with "=", the only thing openpyxl writes as a formula;
            # control characters XML cannot hold are dropped
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) and illegal(v) else v
                          for v in row])
    with _private_file(path, "wb") as fh:
        book.save(fh)


def _write_json(tables: dict[str, pd.DataFrame], path: Path) -> None:
    doc: dict[str, list[dict[str, Any]]] = {}
    for name, df in tables.items():
        rows = df.to_dict("records")
        for col in df.columns:
            if (name, col) in JSON_COLUMNS:
                for r in rows:
                    if isinstance(r[col], str):
                        with contextlib.suppress(ValueError):
                            r[col] = json.loads(r[col])
        doc[name] = rows
    with _private_file(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
