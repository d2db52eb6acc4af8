"""Tests for infoview_kit.find.contacts: reading, normalizing and the matching helpers."""

from __future__ import annotations

import csv
import io
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.base.keys import company_key, name_key
from infoview_kit.find.contacts import COLUMNS, is_recruiter, read_contacts

FIXTURES = Path(__file__).parent.parent / "fixtures" / "contacts"
TEXT_COLUMNS = ["first_name", "last_name", "email", "company", "position", "profile_url", "source"]
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
GERMAN_MAPPING = {"Vorname": "first_name", "Nachname": "last_name", "E-Mail": "email", "Firma": "company",
                  "Rolle": "position", "Kennengelernt": "connected_on"}


def read(name: str, **kwargs) -> pd.DataFrame:
    return read_contacts(FIXTURES / name, **kwargs)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# ---------------------------------------------------------------------------------------------
# Every readable fixture: shape, dtypes, no fake missing values, report
# ---------------------------------------------------------------------------------------------

READABLE = [
    ("linkedin_notes_header.csv", {}, "linkedin", 3),
    ("linkedin_old_layout.csv", {}, "linkedin", 2),
    ("linkedin_excel_bom_crlf.csv", {}, "linkedin", 2),
    ("excel_semicolon_cp1252.csv", {}, "linkedin", 2),
    ("linkedin_tab_delimited.csv", {}, "linkedin", 1),
    ("linkedin_quoted_newlines.csv", {}, "linkedin", 3),
    ("linkedin_ragged_rows.csv", {}, "linkedin", 1),
    ("linkedin_bad_dates_emails.csv", {}, "linkedin", 3),
    ("google_current.csv", {}, "google", 2),
    ("google_utf16.csv", {}, "google", 2),
    ("outlook.csv", {}, "outlook", 2),
    ("custom_mapping.csv", {"mapping": GERMAN_MAPPING}, "csv", 2),
    ("plain_columns.csv", {}, "csv", 1),
    ("android_qp.vcf", {}, "vcard", 2),
    ("apple_v3.vcf", {}, "vcard", 1),
    ("google_v3.vcf", {}, "vcard", 2),
    ("v4_many_emails.vcf", {}, "vcard", 2),
]


@pytest.mark.parametrize(("name", "kwargs", "fmt", "rows"), READABLE)
def test_fixture_shape_and_dtypes(name, kwargs, fmt, rows):
    df = read(name, **kwargs)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == rows
    for col in TEXT_COLUMNS:
        assert df[col].dtype == pd.StringDtype(), col
        assert df[col].dtype.na_value is pd.NA, col
        values = df[col].dropna().tolist()
        assert "" not in values and "nan" not in values and "None" not in values, col
        assert all(v == v.strip() for v in values), col
    assert df["connected_on"].dtype == "datetime64[ns]"
    assert (df["connected_on"].dropna() == df["connected_on"].dropna().dt.normalize()).all()
    assert df["line"].dtype == "int64"
    assert (df["source"] == fmt).all()
    report = df.attrs["report"]
    assert set(report) == {"format", "rows_read", "skipped", "warnings", "invalid_emails", "repaired",
                           "date_convention"}
    assert report["format"] == fmt
    assert report["rows_read"] == rows + len(report["skipped"])
    assert df["email"].dropna().str.fullmatch(r"[^A-Z\s]+@[^A-Z\s]+").all()


@pytest.mark.parametrize("name", [name for name, kwargs, _, _ in READABLE if not kwargs])
def test_detected_format_can_also_be_forced(name):
    detected = read(name)
    forced = read(name, fmt=detected.attrs["report"]["format"])
    pd.testing.assert_frame_equal(detected, forced)


# ---------------------------------------------------------------------------------------------
# Exact values
# ---------------------------------------------------------------------------------------------

NA = pd.NA
EXPECTED_ROWS = [
    # fixture, row, expected values
    ("linkedin_notes_header.csv", 0, dict(
        first_name="Amélie", last_name="Durand-Lefèvre", email="amelie.durand@example.com",
        company="Acme, Inc.", position="Talent Acquisition Partner",
        profile_url="https://www.linkedin.com/in/amelie-durand-lefevre-1a2b3c",
        connected_on=ts("2024-03-12"), line=5)),
    ("linkedin_notes_header.csv", 1, dict(
        first_name="小明", last_name="王", email=NA, company="数据科技有限公司", position="数据分析师",
        profile_url="https://www.linkedin.com/in/wang-xiaoming-88", connected_on=ts("2023-02-01"), line=6)),
    ("linkedin_notes_header.csv", 2, dict(
        first_name="Søren", last_name="Kjærgaard", email="soren@fjord.example", company='Fjord "Blue" ApS',
        connected_on=ts("2019-11-30"), line=9)),
    ("linkedin_old_layout.csv", 0, dict(
        first_name="Priya", email="priya.raman@example.org", profile_url=NA, connected_on=ts("2024-03-12"),
        line=2)),
    ("linkedin_old_layout.csv", 1, dict(
        first_name="Tomás", last_name="Ó Briain", email=NA, company="Initech LLC",
        connected_on=ts("2019-11-05"), line=3)),
    ("linkedin_excel_bom_crlf.csv", 0, dict(first_name="Greta", connected_on=ts("2024-03-12"), line=2)),
    ("linkedin_excel_bom_crlf.csv", 1, dict(first_name="Kwame", connected_on=ts("2021-07-04"), line=3)),
    ("excel_semicolon_cp1252.csv", 0, dict(
        first_name="Élodie", company="Café Lumière SARL", position="Chargée de recrutement",
        connected_on=ts("2024-03-25"), line=2)),
    ("excel_semicolon_cp1252.csv", 1, dict(
        first_name="Jürgen", last_name="Weiß", company="Müller & Söhne GmbH",
        connected_on=ts("2022-04-03"), line=3)),  # day first: the column has 25/03/2024
    ("linkedin_tab_delimited.csv", 0, dict(first_name="Nadia", company="Atlas, Co.", line=5)),
    ("linkedin_quoted_newlines.csv", 0, dict(
        company="Bianchi, Rossi\n& Partners", position='Head of "Growth"\nEMEA', line=2)),
    ("linkedin_quoted_newlines.csv", 1, dict(first_name="Oskar", line=5)),
    ("linkedin_quoted_newlines.csv", 2, dict(first_name="Lena", position="Engineer,\nPlatform,\nInfra",
                                             line=7)),
    ("linkedin_ragged_rows.csv", 0, dict(first_name="Mateo", company="Tyrell Corp", position="Analyst", line=2)),
    ("linkedin_bad_dates_emails.csv", 1, dict(email="chiara.rossi@example.it", connected_on=pd.NaT)),
    ("google_current.csv", 0, dict(
        first_name="Zoë", last_name="Moreau", email="zoe.moreau@example.fr", company="Moreau, Fils & Cie",
        position="Recruiting Coordinator", profile_url="https://linkedin.com/in/zoe-moreau", line=2)),
    ("google_current.csv", 1, dict(first_name="João", email="joao@silva.example", profile_url=NA, line=3)),
    ("google_utf16.csv", 0, dict(
        first_name="Quentin", last_name="Abara", email="quentin@abara.example",
        company="Abara Consulting Ltd.", position="Headhunter", line=2)),
    ("google_utf16.csv", 1, dict(first_name="Ines", last_name="Petrova", company=NA, line=3)),  # from "Name"
    ("outlook.csv", 0, dict(
        first_name="Bruno", last_name="Castillo", email="bruno.castillo@example.mx",
        company="Castillo, Vega y Asociados", position="Socio",
        profile_url="https://www.linkedin.com/in/bruno-castillo", line=2)),
    ("outlook.csv", 1, dict(first_name="Yui", email="yui.sato@example.jp", position="Sourcer", line=4)),
    ("custom_mapping.csv", 0, dict(
        first_name="Anja", last_name="Schröder", email="anja@schroeder.example", company="Schröder AG",
        position="Teamleiterin", connected_on=ts("2023-05-17"), line=2)),
    ("plain_columns.csv", 0, dict(first_name="Maya", email="maya@levi.example", company="Levi Labs")),
    ("android_qp.vcf", 0, dict(
        first_name="小明", last_name="王", email="xiaoming.wang@example.cn", company="数据科技有限公司",
        line=1)),
    ("android_qp.vcf", 1, dict(
        first_name="Anaïs", last_name="Lefèvre", company="Café Luna, S.A.",
        position="Responsable des ventes, région Sud-Ouest", line=13)),
    ("apple_v3.vcf", 0, dict(
        first_name="José", last_name="Núñez García", email="jose.nunez@acme.example", company="Acme, Inc.",
        position="Talent Acquisition Lead", profile_url="https://www.linkedin.com/in/jose-nunez", line=1)),
    ("google_v3.vcf", 0, dict(
        first_name="Kofi", email="kofi.boateng@example.gh", company="Boateng & Sons",
        profile_url="https://www.linkedin.com/in/kofi-boateng", line=1)),
    ("google_v3.vcf", 1, dict(first_name="Saanvi", last_name="Iyer", company=NA, line=13)),
    ("v4_many_emails.vcf", 0, dict(
        first_name="Ngozi", email="ngozi.okafor@work.example", company="Okafor, Eze & Co.",
        profile_url="https://www.linkedin.com/in/ngozi-okafor", line=1)),
    ("v4_many_emails.vcf", 1, dict(first_name="Lars", email=NA, line=13)),
]


@pytest.mark.parametrize(("name", "row", "expected"), EXPECTED_ROWS)
def test_exact_values(name, row, expected):
    kwargs = {"mapping": GERMAN_MAPPING} if name == "custom_mapping.csv" else {}
    record = read(name, **kwargs).iloc[row]
    for column, value in expected.items():
        got = record[column]
        if value is NA or value is pd.NaT:
            assert pd.isna(got), (column, got)
        else:
            assert got == value, (column, got)


# ---------------------------------------------------------------------------------------------
# Report: skipped rows, warnings, invalid emails
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "skipped"), [
    ("linkedin_notes_header.csv", [(7, "hidden LinkedIn member"), (8, "hidden LinkedIn member")]),
    ("google_current.csv", [(4, "no name and no valid email")]),
    ("apple_v3.vcf", [(20, "no name and no valid email")]),  # X-ABShowAs:COMPANY card
    ("linkedin_ragged_rows.csv", [(3, "4 fields where the header has 7"), (4, "9 fields where the header has 7")]),
])
def test_skipped_rows_are_reported_with_lines(name, skipped):
    report = read(name).attrs["report"]
    assert [(s["line"], s["reason"][: len(reason)]) for s, (_, reason) in zip(report["skipped"], skipped,
                                                                              strict=True)] == skipped


@pytest.mark.parametrize(("name", "warnings", "invalid"), [
    ("linkedin_bad_dates_emails.csv", [
        (2, "email", "'dmitri(at)example.ru' is not a valid email"),
        (2, "connected_on", "'sometime in 2020' is not a date"),
        (3, "connected_on", "'31 Feb 2024' is not a date"),
        (4, "email", "'hiroshi@@example.jp' is not a valid email"),
    ], 2),
    ("google_current.csv", [(3, "email", "'not an email' is not a valid email")], 1),
    ("v4_many_emails.vcf", [(1, "email", "'broken-address'"), (13, "email", "'not-valid@'")], 2),
    ("linkedin_notes_header.csv", [], 0),
])
def test_warnings_name_line_and_field(name, warnings, invalid):
    report = read(name).attrs["report"]
    got = [(w["line"], w["field"], w["message"]) for w in report["warnings"]]
    assert [(line, field) for line, field, _ in got] == [(line, field) for line, field, _ in warnings]
    for (_, _, message), (_, _, start) in zip(got, warnings, strict=True):
        assert message.startswith(start)
    assert report["invalid_emails"] == invalid


def test_empty_lines_and_header_only_give_empty_frame(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("Notes:\n\"Some note\"\n\n" + LINKEDIN_HEADER + "\n\n", encoding="utf-8")
    df = read_contacts(path)
    assert list(df.columns) == list(COLUMNS) and len(df) == 0
    assert df.attrs["report"]["rows_read"] == 0
    assert df["first_name"].dtype == pd.StringDtype() and df["connected_on"].dtype == "datetime64[ns]"


# ---------------------------------------------------------------------------------------------
# Robustness: huge fields, both parsing paths agree, encodings, line ends
# ---------------------------------------------------------------------------------------------

def test_one_megabyte_field(tmp_path):
    big = "x" * 1_000_000
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + f'Ada,Lovelace,,ada@example.org,Engines,"{big}",10 Dec 2015\n'
                    "Bo,Chen,,bo@example.org,Looms,Weaver,11 Dec 2015\n", encoding="utf-8")
    df = read_contacts(path)
    assert df["position"].str.len().tolist() == [1_000_000, 6]
    assert df["line"].tolist() == [2, 3]


def test_one_megabyte_field_on_the_careful_path(tmp_path):
    big = "y" * 1_000_000
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + f'Ada,Lovelace,,ada@example.org,Engines,"{big}",10 Dec 2015\n'
                    "Bo,Chen\n", encoding="utf-8")  # the short row forces the csv-module path
    df = read_contacts(path)
    assert df["position"].str.len().tolist()[0] == 1_000_000
    assert df.attrs["report"]["skipped"][0]["line"] == 3


def _linkedin_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        position = f"Engineer\nLevel {i % 3}" if i % 7 == 0 else f"Analyst, team {i % 5}"
        rows.append([f"Name{i}", f"Sürname{i}", f"https://www.linkedin.com/in/p{i}",
                     f"P{i}@Example.org" if i % 2 else "", f'Co "{i % 4}", Inc.', position,
                     f"{1 + i % 28:02d} Jan 2020"])
    return rows


def test_fast_and_careful_paths_agree(tmp_path):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LINKEDIN_HEADER.strip().split(","))
    writer.writerows(_linkedin_rows(300))
    regular = tmp_path / "regular.csv"
    regular.write_text(buf.getvalue(), encoding="utf-8")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(buf.getvalue() + "Only,Two\n", encoding="utf-8")
    fast, careful = read_contacts(regular), read_contacts(ragged)
    assert fast.attrs["report"]["warnings"] == careful.attrs["report"]["warnings"] == []
    assert careful.attrs["report"]["skipped"] == [{"line": 345, "raw": "Only,Two",
                                                   "reason": careful.attrs["report"]["skipped"][0]["reason"]}]
    pd.testing.assert_frame_equal(fast, careful.iloc[:300], check_like=False)
    # physical lines: every 7th record spans two lines
    assert fast["line"].iloc[:3].tolist() == [2, 4, 5]


@pytest.mark.parametrize(("encoding", "newline"), [
    ("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n"), ("utf-16-le", "\n"), ("cp1252", "\r\n"),
    ("utf-8", "\r"),
])
def test_encodings_and_line_ends(tmp_path, encoding, newline):
    text = LINKEDIN_HEADER + "Zoë,Ångström,,zoe@example.se,\"Café, Ltd\",CEO,01 Apr 2021\n"
    path = tmp_path / "Connections.csv"
    data = text.replace("\n", newline).encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # a BOM, as Windows writes it
    path.write_bytes(data)
    record = read_contacts(path).iloc[0]
    assert (record["first_name"], record["last_name"], record["company"]) == ("Zoë", "Ångström", "Café, Ltd")
    assert record["line"] == 2


def test_unicode_is_nfc_and_whitespace_trimmed(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + " Jose\u0301 ,\u00a0Nu\u0301n\u0303ez\t,  HTTP://linkedin.com/in/jn ,"
                    " JN@Example.COM ,  ,  , 2024-03-12 \n", encoding="utf-8")
    record = read_contacts(path).iloc[0]
    assert record["first_name"] == "Jos\u00e9" and record["last_name"] == "N\u00fa\u00f1ez"
    assert record["profile_url"] == "https://linkedin.com/in/jn"
    assert record["email"] == "jn@example.com"
    assert pd.isna(record["company"]) and pd.isna(record["position"])
    assert record["connected_on"] == pd.Timestamp("2024-03-12")


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://www.linkedin.com/in/ana", "https://www.linkedin.com/in/ana"),
    ("http://www.linkedin.com/in/ana", "https://www.linkedin.com/in/ana"),
    ("www.linkedin.com/in/ana ", "https://www.linkedin.com/in/ana"),
    ("linkedin.com/in/ana/", "https://linkedin.com/in/ana/"),
    ("https://www.linkedin.com/in/ana-ma%C3%B1a", "https://www.linkedin.com/in/ana-ma%C3%B1a"),
    ("https://www.linkedin.com/in/ ana", "https://www.linkedin.com/in/ana"),
])
def test_profile_url_normalization(tmp_path, raw, expected):
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + f"Ana,Ruiz,{raw},,,,\n", encoding="utf-8")
    assert read_contacts(path)["profile_url"].iloc[0] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("12 Mar 2024", "2024-03-12"), ("1 Feb 2023", "2023-02-01"), ("03/12/2024", "2024-03-12"),
    ("3/2/24", "2024-03-02"), ("2024-03-12", "2024-03-12"), ("2024-03-12 00:00:00", "2024-03-12"),
    ("12-Mar-24", "2024-03-12"), ("Mar 12, 2024", "2024-03-12"), ("12 March 2024", "2024-03-12"),
    ("45363", "2024-03-12"), ("12.03.2024", "2024-03-12"), ("29 Feb 2024", "2024-02-29"),
    ("29 Feb 2023", None), ("last spring", None), ("", None),
])
def test_connected_on_forms(tmp_path, raw, expected):
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + f"Ana,Ruiz,,,,,\"{raw}\"\n", encoding="utf-8")
    df = read_contacts(path)
    value = df["connected_on"].iloc[0]
    if expected is None:
        assert pd.isna(value)
        assert len(df.attrs["report"]["warnings"]) == (1 if raw else 0)
    else:
        assert value == pd.Timestamp(expected)


@pytest.mark.parametrize(("raw", "valid"), [
    ("Ana.Ruiz@Example.COM", "ana.ruiz@example.com"), ("mailto:ana@example.org", "ana@example.org"),
    ("ana+jobs@sub.example.co.uk", "ana+jobs@sub.example.co.uk"),
    ("josé@correo.example", "josé@correo.example"),
    ("ana@example", None), ("ana@@example.org", None), ("ana example.org", None), ("ana@.example.org", None),
    (".ana@example.org", None), ("ana..ruiz@example.org", None), ("ana@example.test", None),
    ("ana@example.o", "ana@example.o"),  # email-validator, the field's standard, takes a one-letter top label
])
def test_email_validation(tmp_path, raw, valid):
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN_HEADER + f"Ana,Ruiz,,{raw},,,\n", encoding="utf-8")
    df = read_contacts(path)
    if valid is None:
        assert pd.isna(df["email"].iloc[0])
        assert df.attrs["report"]["invalid_emails"] == 1
        assert df.attrs["report"]["warnings"][0]["line"] == 2
    else:
        assert df["email"].iloc[0] == valid


def test_mapping_overrides_a_known_layout(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,Email Address,Work Email,Connected On\n"
                    "Ana,Ruiz,ana@home.example,ana@work.example,01 Jan 2020\n", encoding="utf-8")
    assert read_contacts(path)["email"].iloc[0] == "ana@home.example"
    assert read_contacts(path, mapping={"work email": "email"})["email"].iloc[0] == "ana@work.example"


def test_mapping_several_columns_to_one_target(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Who,Work mail,Home mail\nAna Ruiz,,ana@home.example\n"
                    "Bo Chen,bo@work.example,bo@home.example\n", encoding="utf-8")
    df = read_contacts(path, mapping={"Who": "name", "Work mail": "email", "Home mail": "email"})
    assert df["email"].tolist() == ["ana@home.example", "bo@work.example"]


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes((LINKEDIN_HEADER + "Zoë,Ångström,,,,,01 Apr 2021\n").encode("utf-16-le"))
    assert read_contacts(path)["last_name"].tolist() == ["Ångström"]


def test_mapping_with_full_name_column(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name\tMail\nMary Ann Smith\tmary@example.org\nPrince\t\n", encoding="utf-8")
    df = read_contacts(path, mapping={"Name": "name", "Mail": "email"})
    assert df[["first_name", "last_name"]].iloc[0].tolist() == ["Mary Ann", "Smith"]
    assert df["first_name"].iloc[1] == "Prince" and pd.isna(df["last_name"].iloc[1])


# ---------------------------------------------------------------------------------------------
# Errors: type, file name and line in the message
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "kwargs", "line", "words"), [
    ("empty.csv", {}, 1, "empty"),
    ("whitespace_only.csv", {}, 1, "empty"),
    ("binary.csv", {}, 3, "binary"),
    ("truncated.vcf", {}, 7, "no END:VCARD"),
    ("unknown_header.csv", {}, 1, "no 'First Name' column"),
    ("truncated_quote.csv", {}, 3, "never closed"),
    ("custom_mapping.csv", {}, 1, "no 'First Name' column"),
    ("custom_mapping.csv", {"mapping": {"Vorname": "first_name", "Telefon": "email"}}, 1, "'Telefon'"),
    ("google_current.csv", {"fmt": "linkedin"}, 1, "no LinkedIn header (First Name, Last Name, Connected"),
    ("linkedin_old_layout.csv", {"fmt": "vcard"}, 1, "no BEGIN:VCARD"),
    ("apple_v3.vcf", {"fmt": "outlook"}, 1, "vCard file"),
])
def test_bad_files_raise_input_format_error(name, kwargs, line, words):
    with pytest.raises(InputFormatError) as info:
        read(name, **kwargs)
    err = info.value
    assert str(err).startswith(f"{name}, line {line}: ")
    assert words in str(err)
    assert err.line == line
    assert err.path == str(FIXTURES / name)
    assert pickle.loads(pickle.dumps(err)).line == line


def test_error_points_at_the_likeliest_header_line(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text('Notes:\n"Exported"\n\nPrénom,Nom,URL,Adresse e-mail,Entreprise,Poste,Date\nA,B,,,,,\n',
                    encoding="utf-8")
    with pytest.raises(InputFormatError) as info:
        read_contacts(path)
    assert str(info.value).startswith(
        "Connections.csv, line 4: no 'First Name' column (found 'Prénom', 'Nom'")
    assert info.value.line == 4


def test_unknown_header_message_says_what_was_expected():
    with pytest.raises(InputFormatError, match=r"expected a LinkedIn, Google, Outlook or vCard export, "
                                               r"or pass mapping=\.\.\."):
        read("unknown_header.csv")


def test_missing_file(tmp_path):
    path = tmp_path / "nope" / "Connections.csv"
    with pytest.raises(InputFormatError, match="no such file") as info:
        read_contacts(path)
    assert str(path) in str(info.value) and info.value.path == str(path)


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(InputFormatError, match="folder"):
        read_contacts(tmp_path)


@pytest.mark.parametrize("kwargs", [{"fmt": "excel"}, {"mapping": {"Name": "full name"}}])
def test_bad_arguments(kwargs):
    with pytest.raises(InputFormatError):
        read("linkedin_old_layout.csv", **kwargs)


def test_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xfeA\x00,\x00B\x00\n\x00\x00\xd8")  # UTF-16 BOM, then a lone surrogate
    with pytest.raises(InputFormatError, match=r"odd\.csv, line 2: "):
        read_contacts(path)


def test_malformed_vcard_card_is_skipped_but_all_bad_is_an_error(tmp_path):
    good = "BEGIN:VCARD\nVERSION:3.0\nN:Ruiz;Ana;;;\nEND:VCARD\n"
    bad = "BEGIN:VCARD\nVERSION:3.0\nthis line has no colon\nEND:VCARD\n"
    path = tmp_path / "mixed.vcf"
    path.write_text(good + bad, encoding="utf-8")
    df = read_contacts(path)
    assert df["first_name"].tolist() == ["Ana"]
    assert df.attrs["report"]["skipped"][0]["line"] == 5
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"mixed\.vcf, line 1: malformed vCard"):
        read_contacts(path)


# ---------------------------------------------------------------------------------------------
# Property tests: any bytes either read or raise InfoviewError
# ---------------------------------------------------------------------------------------------

def _check_any(path: Path) -> None:
    try:
        df = read_contacts(path)
    except InfoviewError as err:
        assert path.name in str(err)
        return
    assert list(df.columns) == list(COLUMNS)
    data = path.read_bytes()
    assert df["line"].between(1, data.count(b"\n") + data.count(b"\r") + 1).all()


PROPERTY = settings(max_examples=70, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(data=st.binary(max_size=400))
def test_any_bytes(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _check_any(path)


CSV_TEXT = st.lists(st.sampled_from(list('ab é,;\t"\n\r=:\\') + [
    "小", "\x00", "\ufeff", "First Name", "Last Name", "Connected On", "12 Mar 2024", "x@y.org",
    "BEGIN:VCARD\n", "END:VCARD\n", "EMAIL;ENCODING=QUOTED-PRINTABLE:", "N:", "ORG:",
]), max_size=80).map("".join)


@PROPERTY
@given(text=CSV_TEXT)
def test_any_csv_text(tmp_path, text):
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    _check_any(path)


@PROPERTY
@given(body=CSV_TEXT, notes=st.booleans())
def test_any_body_after_a_linkedin_header(tmp_path, body, notes):
    path = tmp_path / "Connections.csv"
    preamble = 'Notes:\n"exported"\n\n' if notes else ""
    path.write_text(preamble + LINKEDIN_HEADER + body, encoding="utf-8")
    _check_any(path)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("position", "expected"), [
    ("Technical Recruiter", True), ("Senior recruiter", True), ("RECRUITING COORDINATOR", True),
    ("Talent Acquisition Partner", True), ("Head of Talent Acquisition", True), ("Talent Partner", True),
    ("Headhunter", True), ("Head-hunter", True), ("Sourcer", True), ("Talent Sourcing Specialist", True),
    ("Recruitment Consultant", True), ("Executive Search Consultant", True),
    ("Recruitment Marketing Analyst", False), ("Strategic Sourcing Manager", False),
    ("Talent Manager", False), ("Software Engineer", False), ("Recruitmentarian", False),
    ("Unrecruited", False), ("", False), (None, False),
    (pd.NA, False), (float("nan"), False),
])
def test_is_recruiter(position, expected):
    assert is_recruiter(position) is expected


@pytest.mark.parametrize(("first", "last", "expected"), [
    (" José ", "Núñez  García", "jose nunez garcia"),
    ("ÉLODIE", "Fontaine", "elodie fontaine"),
    ("Jürgen", "Weiß", "jurgen weiss"),
    ("小明", "王", "小明 王"),
    ("Ana", None, "ana"),
    (None, None, ""),
    ("Zoë\u00a0Anne", "Moreau", "zoe anne moreau"),
    ("Jose\u0301", "Nun\u0303ez", "jose nunez"),
    ("अनीता", "शर्मा", "अनीता शर्मा"),  # Devanagari vowel signs are kept
])
def test_name_key(first, last, expected):
    assert name_key(first, last) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Acme, Inc.", "acme"), ("ACME Inc", "acme"), ("Acme Incorporated", "acme"),
    ("Initech LLC", "initech"), ("Soylent GmbH", "soylent"), ("Tyrell Corp.", "tyrell"),
    ("Stark Industries, Ltd.", "stark industries"), ("Globex Co.", "globex"), ("Hooli plc", "hooli"),
    ("Müller & Söhne GmbH", "muller and sohne"), ("The Boeing Company", "boeing"),
    ("Co-operative Bank", "co operative bank"), ("Inc.", "inc"), ("The Company", "the company"),
    ("Acme Holdings Co., Ltd.", "acme holdings"), ("Acme & Co.", "acme"),
    ("Johnson & Johnson", "johnson and johnson"), ("数据科技有限公司", "数据科技有限公司"), (None, ""),
])
def test_company_key(name, expected):
    assert company_key(name) == expected
