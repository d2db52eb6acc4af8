"""One person from two sources becomes one contact; merges are listed, idempotent and undoable."""

from __future__ import annotations

import json

import pytest

from infoview_kit.base.errors import NotFoundError

FIX = "tests/fixtures/merge/"


def _anas(wb):
    people = wb.contacts()
    return people[(people["first_name"] == "Ana") & (people["last_name"] == "Ruiz")].set_index("id")


def test_same_name_and_a_fuzzy_company_match_is_one_person(new_wb):
    assert new_wb.import_contacts(FIX + "linkedin_three_people.csv").added == 3
    report = new_wb.import_contacts(FIX + "google_same_people.csv")
    # Ana Ruiz at "Acme Corporation" is LinkedIn's Ana Ruiz at "Acme Corp"; Bo has no company in
    # the Google export, so a name alone does not make him the same person
    assert (report.added, report.merged) == (1, 1)
    assert report.merges[0]["matched_by"] == "name and company" and report.merges[0]["filled"] == ["email"]
    anas = _anas(new_wb)
    assert len(anas) == 2  # the nurse at Globex stays someone else
    acme = anas[anas["company"] == "Acme Corp"].iloc[0]
    assert acme["email"] == "ana.ruiz@acme.example"  # filled in from Google
    assert acme["position"] == "Data Analyst"  # the first value is kept ...
    row = new_wb._conn.execute("SELECT data FROM contact_sources WHERE source = 'google' AND contact_id = ?",
                               (int(anas[anas["company"] == "Acme Corp"].index[0]),)).fetchone()
    assert json.loads(row[0])["position"] == "Senior Data Analyst"  # ... and no field is lost
    assert set(acme["sources"].split(",")) == {"linkedin", "google"}


def test_same_email_is_one_person_and_every_source_is_kept(new_wb):
    new_wb.import_contacts(FIX + "linkedin_three_people.csv")
    new_wb.import_contacts(FIX + "google_same_people.csv")
    report = new_wb.import_contacts(FIX + "vcard_same_email.vcf")
    assert (report.added, report.merged, report.merges[0]["matched_by"]) == (0, 1, "email")
    acme = _anas(new_wb).query("company == 'Acme Corp'").iloc[0]
    assert set(acme["sources"].split(",")) == {"linkedin", "google", "vcard"}
    merges = new_wb.merges()
    assert list(merges["matched_by"]) == ["email", "name and company"]
    assert list(merges["file"]) == ["vcard_same_email.vcf", "google_same_people.csv"]


def test_importing_again_merges_nothing_twice(new_wb):
    new_wb.import_contacts(FIX + "linkedin_three_people.csv")
    new_wb.import_contacts(FIX + "google_same_people.csv")
    counts = new_wb.table_counts()
    again = new_wb.import_contacts(FIX + "google_same_people.csv")
    assert (again.added, again.merged, again.unchanged) == (0, 0, 2)
    assert new_wb.table_counts() == counts


def test_a_merge_can_be_undone_and_stays_undone(new_wb):
    new_wb.import_contacts(FIX + "linkedin_three_people.csv")
    new_wb.import_contacts(FIX + "google_same_people.csv")
    merge = new_wb.merges().iloc[0]
    split = new_wb.undo_merge(int(merge["id"]))
    assert split is not None and new_wb.undo_merge(int(merge["id"])) is None
    anas = _anas(new_wb)
    assert len(anas) == 3
    assert anas.loc[split, "company"] == "Acme Corporation"
    assert anas.loc[split, "email"] == "ana.ruiz@acme.example"
    assert anas.loc[int(merge["contact_id"]), "email"] is __import__("pandas").NA  # taken back
    assert new_wb.merges()["undone_at"].notna().all()
    # importing the same file again keeps them apart: the source now belongs to the split contact
    again = new_wb.import_contacts(FIX + "google_same_people.csv")
    assert (again.added, again.merged) == (0, 0)
    assert len(_anas(new_wb)) == 3
    with pytest.raises(NotFoundError):
        new_wb.undo_merge(999)


def test_people_added_by_hand_merge_with_their_export(new_wb):
    cid = new_wb.add_contact("Bo", "Lindqvist", email="bo@lindqvist.example", how_known="event")
    report = new_wb.import_contacts(FIX + "google_same_people.csv")
    assert (report.added, report.merged) == (1, 1)
    assert new_wb.merges().iloc[0]["contact_id"] == cid


@pytest.mark.parametrize("name", ["empty.csv", "whitespace_only.csv", "binary.csv", "truncated.vcf",
                                  "truncated_quote.csv", "unknown_header.csv"])
def test_a_failed_import_leaves_the_workbook_exactly_as_it_was(demo_wb, name):
    from infoview_kit.base.errors import InputFormatError

    before = list(demo_wb._conn.iterdump())
    with pytest.raises(InputFormatError) as info:
        demo_wb.import_contacts("tests/fixtures/contacts/" + name)
    assert name in str(info.value)
    assert list(demo_wb._conn.iterdump()) == before
