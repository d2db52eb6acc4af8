"""Tests for infoview_kit.find.headless: notebook 01's import and undo, from a button or a parameter."""

from __future__ import annotations

from pathlib import Path

from infoview_kit.find.headless import import_file, import_upload, report_lines
from infoview_kit.find.importing import undo_merge

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "Connections.csv"


def test_empty_parameters_do_nothing(new_wb):
    before = new_wb.table_counts()
    assert import_file(new_wb, "") is None
    assert undo_merge(new_wb, 0) is None and undo_merge(new_wb, None) is None
    assert new_wb.table_counts() == before


def test_import_file_is_the_workbook_import(new_wb):
    report = import_file(new_wb, SAMPLE)
    assert report is not None and report.added == len(new_wb.contacts()) > 0
    assert import_file(new_wb, SAMPLE).added == 0  # the same file again adds nobody


def test_an_upload_is_imported_under_its_own_name_and_its_report_reads_as_lines(new_wb):
    report = import_upload(new_wb, "../../Connections.csv", SAMPLE.read_bytes())
    assert report.file == "Connections.csv" and report.added > 0
    lines = report_lines(report)
    assert len(lines) == len(report.skipped) + len(report.repaired) + len(report.merges) + len(report.warnings)
    assert all(line.startswith("line ") for line in lines)


def test_skipped_and_repaired_rows_read_with_their_text(new_wb):
    report = import_file(new_wb, Path(__file__).resolve().parents[1] / "fixtures" / "contacts"
                         / "linkedin_comma_in_company.csv")
    lines = report_lines(report)
    assert lines[0].startswith("line 4: skipped: 9 fields where the header has 7")
    assert lines[0].endswith("the row as written: Quill,Bastos,https://www.linkedin.com/in/quill-bastos,"
                             "quill@example.org,Nortwind, Ltd.,Analyst, Data,5 Jan 2022")
    assert lines[1].startswith("line 2: repaired: fields 5-6 joined back into company")
