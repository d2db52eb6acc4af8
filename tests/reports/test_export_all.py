"""Full export: every table as XLSX, a CSV folder or one JSON document, readable without infoview_kit."""

from __future__ import annotations

import csv
import datetime as dt
import json
import stat

import pytest

from infoview_kit.base.errors import InputFormatError, WorkbookError
from infoview_kit.cli import main
from infoview_kit.reports.export import default_export_path, export_workbook
from infoview_kit.workbook import Workbook

TABLES = ["profile", "employers", "contacts", "contact_sources", "merges", "research", "messages", "meetings",
          "questions", "followups", "events", "state", "contact_changes", "sync_runs", "synced", "bounced_addresses",
          "sync_state"]
RISKY = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"]


def _plain(value):
    """A stored value as the CSV module writes it."""
    return "" if value is None else str(value)


def _risky_wb(wb):
    for i, text in enumerate(RISKY):
        cid = wb.add_contact(f"Risk{i}", "Person")
        wb._conn.execute("UPDATE contacts SET notes = ? WHERE id = ?", (text, cid))  # as typed, not stripped
    return wb


def test_all_tables_is_every_table_as_stored(demo_wb):
    tables = demo_wb.all_tables()
    assert list(tables) == TABLES
    assert {t: len(df) for t, df in tables.items()} == demo_wb.table_counts()
    contacts = tables["contacts"]
    cols = [r[1] for r in demo_wb._conn.execute("PRAGMA table_info(contacts)")]
    assert list(contacts.columns) == cols
    assert all(contacts[c].dtype == object for c in contacts.columns)
    emp = tables["employers"]
    assert {type(v) for v in emp["motivation"]} <= {int, type(None)}  # not 3.0, not NaN
    assert contacts["email"].isna().any() and not (contacts.astype(str) == "nan").any().any()


def test_json_export_is_one_document_equal_to_the_tables(demo_wb, tmp_path):
    path = export_workbook(demo_wb, tmp_path / "all.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text(encoding="utf-8"))
    tables = demo_wb.all_tables()
    assert list(doc) == TABLES
    for name, df in tables.items():
        rows = df.to_dict("records")
        for row in rows:  # JSON text columns come out as JSON values
            for col in ("value", "data", "filled", "detail"):
                if isinstance(row.get(col), str) and name in ("profile", "contact_sources", "merges", "events"):
                    row[col] = json.loads(row[col])
        assert doc[name] == rows, name
    assert isinstance(doc["events"][0]["detail"], (dict, type(None)))


def test_csv_export_is_a_folder_with_one_private_file_per_table(demo_wb, tmp_path):
    _risky_wb(demo_wb)
    folder = export_workbook(demo_wb, tmp_path / "export", fmt="csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    tables = demo_wb.all_tables()
    for name, df in tables.items():
        path = folder / f"{name}.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads accents right
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == list(df.columns) and len(rows) == len(df) + 1
    with open(folder / "contacts.csv", encoding="utf-8-sig", newline="") as fh:
        people = list(csv.DictReader(fh))
    notes = {p["first_name"]: p["notes"] for p in people}
    for i, text in enumerate(RISKY):
        assert notes[f"Risk{i}"] == "'" + text  # shown as text by a spreadsheet, never run
    dana = next(p for p in people if p["last_name"] == "Whitfield")
    stored = tables["contacts"].set_index("last_name").loc["Whitfield"]
    assert dana["company"] == stored["company"] and dana["created_at"] == stored["created_at"]
    assert dana["email"] == _plain(stored["email"])


def test_xlsx_export_has_a_sheet_per_table_with_text_never_a_formula(demo_wb, tmp_path):
    from openpyxl import load_workbook

    _risky_wb(demo_wb)
    demo_wb.add_contact("Ctrl", "Char", notes="bell\x07here")  # not allowed in XLSX: dropped, not a crash
    path = export_workbook(demo_wb, tmp_path / "all.xlsx")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = load_workbook(path)
    assert book.sheetnames == TABLES
    tables = demo_wb.all_tables()
    for name, df in tables.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == list(df.columns)
        assert sheet.max_row == len(df) + 1
    sheet = book["contacts"]
    header = [c.value for c in sheet[1]]
    notes, first = header.index("notes"), header.index("first_name")
    cells = {row[first].value: row[notes] for row in sheet.iter_rows(min_row=2)}
    for i, text in enumerate(RISKY):
        # (XML reads a lone CR back as a line feed)
        assert cells[f"Risk{i}"].data_type == "s" and cells[f"Risk{i}"].value == "'" + text.replace("\r", "\n")
    assert cells["Ctrl"].value == "bellhere"
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert ids == tables["contacts"]["id"].tolist()  # numbers stay numbers


def test_export_does_not_change_the_workbook(demo_path, tmp_path):
    before = demo_path.read_bytes()
    assert main(["export", "--workbook", str(demo_path), "--out", str(tmp_path / "x.json")]) == 0
    assert demo_path.read_bytes() == before
    assert not (demo_path.parent / "workbook.backups").exists()


def test_default_export_goes_beside_the_workbook(demo_wb, demo_path):
    today = dt.date.today().isoformat()
    path = export_workbook(demo_wb)
    assert path == demo_path.parent / f"workbook-export-{today}.xlsx"
    assert default_export_path(demo_path, "csv", dt.date(2026, 11, 25)).name == "workbook-export-2026-11-25"


@pytest.mark.parametrize("out, fmt, error, message", [
    ("x.json", "xlsx", InputFormatError, "ending in .xlsx"),
    ("x.csv", "csv", InputFormatError, "is a folder"),
    ("x.xlsx", "pdf", InputFormatError, "expected one of xlsx, csv, json"),
    ("afile", "csv", WorkbookError, "needs a folder"),
])
def test_bad_export_requests_name_what_was_expected(demo_wb, tmp_path, out, fmt, error, message):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(error, match=message):
        export_workbook(demo_wb, tmp_path / out, fmt=fmt)


@pytest.mark.parametrize("fmt, out", [("xlsx", "a.xlsx"), ("csv", "folder"), ("json", "a.json"), (None, "b.json")])
def test_cli_export(demo_path, tmp_path, capsys, fmt, out):
    args = ["export", "--workbook", str(demo_path), "--out", str(tmp_path / out)]
    assert main(args + (["--format", fmt] if fmt else [])) == 0
    assert str(tmp_path / out) in capsys.readouterr().out
    assert (tmp_path / out).exists()


def test_cli_export_bad_input_exits_2(demo_path, tmp_path, capsys):
    assert main(["export", "--workbook", str(demo_path), "--format", "xlsx", "--out", str(tmp_path / "a.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a.json" in err[0] and ".xlsx" in err[0]
    assert main(["export", "--workbook", str(tmp_path / "missing.sqlite")]) == 2


def test_the_export_reads_one_snapshot_while_another_program_writes(demo_path, tmp_path):
    with Workbook.open(demo_path) as writer, Workbook.open(demo_path, read_only=True) as reader, \
            writer.transaction():
        writer.add_contact("Not", "Committed")
        path = export_workbook(reader, tmp_path / "snap.json")
    assert len(json.loads(path.read_text())["contacts"]) == 60
