"""Dates in contact exports: one convention per column, inferred from the whole column, named in the report;
rows with the wrong number of fields skipped or repaired, never imported shifted."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit.find.contacts import read_contacts
from infoview_kit.find.dates import infer_dates
from infoview_kit.find.importing import import_contacts
from infoview_kit.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "contacts"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _time(d: dt.date) -> str:
    hour = d.toordinal() % 12 + 1
    return f"{hour}:{d.toordinal() % 60:02d} {'AM' if d.day % 2 else 'PM'}"


#: (the name the reader gives it, how an export writes a date, whether day and month may be swapped)
CONVENTIONS: list[tuple[str, Callable[[dt.date], str], bool]] = [
    ("ISO YYYY-MM-DD", lambda d: d.isoformat(), False),
    ("ISO YYYY-MM-DD with time", lambda d: f"{d.isoformat()}T{d.day % 24:02d}:15:00", False),
    ("month-first M/D/YYYY", lambda d: f"{d.month}/{d.day}/{d.year}", True),
    ("month-first M/D/YY with time", lambda d: f"{d.month}/{d.day}/{d:%y}, {_time(d)}", True),
    ("month-first M-D-YYYY", lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}", True),
    ("day-first D/M/YYYY", lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", True),
    ("day-first D/M/YY", lambda d: f"{d.day}/{d.month}/{d:%y}", True),
    ("day-first D.M.YYYY", lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}", True),
    ("day-first D.M.YY with time", lambda d: f"{d.day}.{d.month}.{d:%y} {d.day % 24:02d}:05", True),
    ("year-first YYYY/M/D", lambda d: f"{d.year}/{d.month}/{d.day}", False),
    ("compact YYYYMMDD", lambda d: f"{d:%Y%m%d}", False),
    ("month names D Mon YYYY", lambda d: f"{d.day} {d:%b} {d.year}", False),
    ("month names Mon D, YYYY", lambda d: f"{d:%b} {d.day}, {d.year}", False),
    ("month names D-Mon-YY", lambda d: f"{d.day:02d}-{d:%b}-{d:%y}", False),
    ("month names D Month YYYY", lambda d: f"{d.day} {d:%B} {d.year}", False),
    ("Excel day numbers", lambda d: str((d - EXCEL_EPOCH).days), False),
]
IDS = [name for name, _, _ in CONVENTIONS]
# 2-digit years read as strptime's %y does: 1969-2068; Excel day numbers from 20000 (1954)
DATES = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31))


def _read(texts: list[str]) -> tuple[list[dt.date | None], str | None, bool]:
    reading = infer_dates(np.array(texts, dtype=object))
    days = [None if np.isnat(v) else pd.Timestamp(v).date() for v in reading.values]
    return days, reading.convention, reading.ambiguous


@pytest.mark.parametrize(("name", "write", "swappable"), CONVENTIONS, ids=IDS)
@given(dates=st.lists(DATES, min_size=1, max_size=25), decider=st.integers(13, 28))
@settings(max_examples=60, deadline=None)
def test_round_trip_through_every_convention(name, write, swappable, dates, decider):
    """Dates written in a convention come back the same, with the convention named; a column whose day/month
    order is open gets one date with a day over 12 (as any real export of more than a few rows has)."""
    if swappable:
        dates = [*dates, dates[0].replace(day=decider)]
    days, convention, ambiguous = _read([write(d) for d in dates])
    assert days == dates
    assert convention == _named(name, dates)
    assert not ambiguous


def _named(name: str, dates: list[dt.date]) -> str:
    """"May" is both the month's name and its abbreviation: a column of May dates alone says "Mon"."""
    return name.replace("Month", "Mon") if all(d.month == 5 for d in dates) else name


@pytest.mark.parametrize(("name", "write", "swappable"), [c for c in CONVENTIONS if c[2]], ids=[
    c[0] for c in CONVENTIONS if c[2]])
@given(dates=st.lists(DATES.map(lambda d: d.replace(day=min(d.day, 12))), min_size=1, max_size=25))
@settings(max_examples=60, deadline=None)
def test_a_column_that_fits_both_orders_is_called_ambiguous(name, write, swappable, dates):
    """Every day is 12 or less: both orders read every value. Dotted dates are read day-first, slash and
    dash dates month-first, and the reading says the column was ambiguous (unless both orders agree)."""
    days, convention, ambiguous = _read([write(d) for d in dates])
    assert ambiguous == any(d.day != d.month for d in dates)
    dotted = "." in name
    as_written = dotted == name.startswith("day-first")
    expected = dates if as_written else [d.replace(day=d.month, month=d.day) for d in dates]
    assert days == expected
    order = "day-first" if dotted else "month-first"
    assert convention is not None and convention.startswith(order)


@given(dates=st.lists(DATES, min_size=1, max_size=12), pick=st.sampled_from(CONVENTIONS),
       decider=st.integers(13, 28))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip_through_a_file(tmp_path, dates, pick, decider):
    """The same round trip through read_contacts: a LinkedIn file, its report naming the convention."""
    name, write, swappable = pick
    if swappable:
        dates = [*dates, dates[0].replace(day=decider)]
    path = tmp_path / "Connections.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        out.writerows([f"Ann{i}", "Vale", "", "", "Acme", "Analyst", write(d)] for i, d in enumerate(dates))
    df = read_contacts(path)
    assert [d.date() for d in df["connected_on"]] == dates
    assert df.attrs["report"]["date_convention"] == _named(name, dates)
    assert df["connected_on_raw"].isna().all()


# ---------------------------------------------------------------------------------------------
# One fixture per kind of input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fixture", "convention", "dates", "ambiguous"), [
    ("linkedin_old_month_first_time.csv", "month-first M/D/YY with time",
     ["2024-03-12", "2023-12-25", "2019-01-02"], False),
    ("dates_day_first.csv", "day-first D/M/YYYY", ["2023-12-25", "2024-04-03", "2020-02-01"], False),
    ("dates_two_digit_years.csv", "day-first D.M.YY", ["2024-05-13", "1998-11-02", "2005-01-07"], False),
    ("dates_month_names.csv", "month names Mon D, YYYY", ["2024-03-12", "2020-01-03", "2019-09-30"], False),
    ("dates_iso.csv", "ISO YYYY-MM-DD", ["2024-03-12", "2023-12-25", "2019-01-02"], False),
    ("dates_ambiguous.csv", "month-first M/D/YYYY", ["2024-03-04", "2023-05-06", "2022-11-11"], True),
])
def test_date_fixtures(fixture, convention, dates, ambiguous):
    df = read_contacts(FIXTURES / fixture)
    report = df.attrs["report"]
    assert report["date_convention"] == convention
    assert [str(d.date()) for d in df["connected_on"]] == dates
    warned = [w for w in report["warnings"] if w["field"] == "connected_on"]
    assert bool(warned) == ambiguous
    if ambiguous:
        assert warned[0]["line"] == 2 and "fits both day-first and month-first" in warned[0]["message"]


def test_an_unreadable_date_keeps_its_text():
    df = read_contacts(FIXTURES / "dates_unreadable.csv")
    assert df["connected_on"].isna().tolist() == [False, True, True]
    assert df["connected_on_raw"].tolist()[1] == "around Easter 2021"
    assert df["connected_on_raw"].isna().tolist() == [True, False, True]  # an empty date is not unreadable
    (warning,) = df.attrs["report"]["warnings"]
    assert warning["line"] == 3 and warning["message"].startswith("'around Easter 2021' is not a date")
    assert "connected_on_raw" in warning["message"]


def test_an_unreadable_date_survives_into_the_workbook(tmp_path):
    with Store.open(tmp_path / "wb.sqlite") as wb:
        import_contacts(wb, FIXTURES / "dates_unreadable.csv")
        rows = wb._conn.execute("SELECT c.first_name, c.connected_on, s.data FROM contacts c "
                                "JOIN contact_sources s ON s.contact_id = c.id ORDER BY c.id").fetchall()
    oto = next(r for r in rows if r[0] == "Oto")
    assert oto[1] is None
    assert json.loads(oto[2])["connected_on_raw"] == "around Easter 2021"
    assert all(r[2] is None for r in rows if r[0] != "Oto")  # a clean record needs no copy


# ---------------------------------------------------------------------------------------------
# Rows with the wrong number of fields
# ---------------------------------------------------------------------------------------------

def test_unquoted_commas_are_repaired_only_when_one_repair_fits():
    df = read_contacts(FIXTURES / "linkedin_comma_in_company.csv")
    report = df.attrs["report"]
    got = df.set_index("first_name")[["company", "position"]].to_dict("index")
    assert got == {"Odile": {"company": "Riverbend Labs, Inc.", "position": "Clinical Research Coordinator"},
                   "Pim": {"company": "Harbor Health", "position": "Lab Coordinator, Biology"},
                   "Rhea": {"company": "Tallow & Co", "position": "Data Manager"}}
    assert [(r["line"], r["column"]) for r in report["repaired"]] == [(2, "company"), (3, "position")]
    assert "'Riverbend Labs, Inc.'" in report["repaired"][0]["how"]
    assert report["repaired"][0]["raw"].startswith("Odile,Varga,")
    # commas in two columns: either column could take either piece, so the row is not guessed at
    (skipped,) = report["skipped"]
    assert skipped["line"] == 4 and skipped["raw"].startswith("Quill,Bastos,")
    assert "9 fields where the header has 7" in skipped["reason"]
    assert report["rows_read"] == 4 and len(df) == report["rows_read"] - len(report["skipped"])


def test_a_short_row_is_skipped_with_its_text():
    df = read_contacts(FIXTURES / "linkedin_short_row.csv")
    assert df["first_name"].tolist() == ["Sefa", "Ugo"]
    (skipped,) = df.attrs["report"]["skipped"]
    assert skipped["line"] == 3
    assert skipped["raw"] == "Tove,Rask,https://www.linkedin.com/in/tove-rask,tove@example.org,Pinecone Bio"
    assert "add the missing fields" in skipped["reason"]


def test_trailing_empty_fields_are_dropped(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "Ana,Ruiz,,,Acme,Analyst,12 Mar 2024,,\n", encoding="utf-8")
    df = read_contacts(path)
    assert df[["company", "position"]].iloc[0].tolist() == ["Acme", "Analyst"]
    assert df.attrs["report"]["repaired"][0]["how"] == "2 empty fields at the end dropped"


@pytest.mark.parametrize("row", [
    "Ana,Ruiz,,,Acme,Inc.,Analyst,12 Mar 2024",            # no space after the comma: not prose
    "Ana,Ruiz,,,Acme, Inc.,Analyst, Data,12 Mar 2024",     # commas in two columns
    "Ana,Ruiz,,,Acme, Inc.,Analyst,12 Mar 2024,extra",     # two extra fields, one after the date: no join fits
    "Ana,Ruiz,,,Acme,Analyst,12 Mar 2024, and more",       # the extra text after the date
])
def test_rows_that_cannot_be_repaired_for_sure_are_skipped(tmp_path, row):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + row + "\n",
                    encoding="utf-8")
    df = read_contacts(path)
    assert df.empty and df.attrs["report"]["skipped"][0]["raw"] == row


def test_fix_the_file_import_again_and_the_person_arrives(tmp_path):
    with Store.open(tmp_path / "wb.sqlite") as wb:
        first = import_contacts(wb, FIXTURES / "linkedin_comma_in_company.csv")
        assert first.added == 3 and [s["line"] for s in first.skipped] == [4]
        assert [r["line"] for r in first.repaired] == [2, 3]
        assert "repaired" in first.to_frame()["kind"].tolist()
        assert "Quill" not in wb.contacts()["first_name"].tolist()
        second = import_contacts(wb, FIXTURES / "linkedin_comma_in_company_fixed.csv")
        assert second.added == 1 and second.skipped == [] and second.repaired == []
        people = wb.contacts().set_index("first_name")
        assert len(people) == 4
        assert people.loc["Quill", ["company", "position"]].tolist() == ["Nortwind, Ltd.", "Analyst, Data"]
        assert people.loc["Odile", ["company", "position"]].tolist() == ["Riverbend Labs, Inc.",
                                                                         "Clinical Research Coordinator"]
        assert people.loc["Pim", "position"] == "Lab Coordinator, Biology"


def test_readable_takes_either_order_and_every_form():
    from infoview_kit.find.dates import readable

    texts = ["25/12/2023", "12/25/2023", "3/12/24, 9:30 AM", "12 Mar 2024", "Mar 12, 2024", "2024-03-12",
             "45363", "20240312", "13/13/2023", "Analyst", "31 Feb 2024", "", "next spring"]
    assert readable(np.array(texts, dtype=object)).tolist() == [True] * 8 + [False] * 5
