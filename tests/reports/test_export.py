"""Contacts exported to CSV and XLSX: formula-like cells neutralized, and read back by read_contacts."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError

COLS = ["first_name", "last_name", "email", "company", "position", "profile_url", "connected_on"]
HOSTILE = {"first_name": "=cmd|'/C calc'!A0", "last_name": "+1 555 0100", "company": "-2+3",
           "position": "@SUM(A1:A9)", "notes": "\tline one\r\nline two <script>alert(1)</script>"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_through_read_contacts(demo_wb, tmp_path, suffix):
    demo_wb.add_contact(HOSTILE["first_name"], HOSTILE["last_name"], company=HOSTILE["company"],
                        position=HOSTILE["position"], notes=HOSTILE["notes"])
    path = demo_wb.export_contacts(tmp_path / f"contacts{suffix}")
    back = ik.read_contacts(path)
    mine = demo_wb.contacts()
    pd.testing.assert_frame_equal(back[COLS].reset_index(drop=True), mine[COLS].reset_index(drop=True),
                                  check_dtype=False)
    assert back.iloc[-1]["first_name"] == HOSTILE["first_name"]


def test_csv_cells_never_start_a_formula(demo_wb, tmp_path):
    demo_wb.add_contact(HOSTILE["first_name"], HOSTILE["last_name"], company=HOSTILE["company"],
                        position=HOSTILE["position"], notes=HOSTILE["notes"])
    path = demo_wb.export_contacts(tmp_path / "contacts.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|'/C calc'!A0" in cells


def test_xlsx_cells_are_text_not_formulas(demo_wb, tmp_path):
    demo_wb.add_contact(HOSTILE["first_name"], HOSTILE["last_name"], company=HOSTILE["company"])
    path = demo_wb.export_contacts(tmp_path / "contacts.xlsx")
    sheet = load_workbook(path).active
    types = {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None}
    assert "f" not in types
    assert all(not str(c.value).startswith("=") for row in sheet.iter_rows() for c in row if c.value)


def test_export_needs_a_known_file_type(demo_wb, tmp_path):
    with pytest.raises(InputFormatError, match=r"\.csv or \.xlsx"):
        demo_wb.export_contacts(tmp_path / "contacts.txt")


def test_a_damaged_xlsx_is_a_clear_error(tmp_path):
    bad = tmp_path / "contacts.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputFormatError, match="contacts.xlsx: not a readable Excel workbook"):
        ik.read_contacts(bad)
