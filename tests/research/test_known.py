"""What research knows (infoview_kit.research.known): records read from the research table's columns."""

from __future__ import annotations

import pandas as pd
import pytest

from infoview_kit.research.known import Dossier, FactDate, dossier


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("2017", FactDate(2017), "year"), ("2017-06", FactDate(2017, 6), "month"),
    ("2017-06-14", FactDate(2017, 6, 14), "day"), ("Mar 2021", FactDate(2021, 3), "month"),
])
def test_dates_keep_their_precision(text, expected, precision):
    found = FactDate.parse(text)
    assert found == expected and found is not None and found.precision == precision
    assert str(found) == (text if "-" in text or text.isdigit() else "2021-03")


@pytest.mark.parametrize("text", [None, "", "next spring", pd.NA, "2021-13"])
def test_what_is_not_a_date_is_no_date(text):
    assert FactDate.parse(text) is None


def test_records_come_from_the_columns_not_from_a_sentence():
    known = dossier(pd.DataFrame([
        {"id": 3, "kind": "experience", "title": "Clinical Research Associate", "organization": "Harbor Trials",
         "start": "2017-06", "end": "2019-12"},
        {"id": 4, "kind": "experience", "title": "Site Lead", "organization": "Cobalt Health", "start": "2020-01"},
        {"id": 5, "kind": "education", "title": "Bachelor of Science in Nursing", "organization": "Riverbend State"},
        {"id": 6, "kind": "article", "title": "Remote monitoring", "relation": "by", "notes": "topics: sites; data"},
        {"id": 7, "kind": "article", "title": "A profile of her", "relation": "about"},
        {"id": 8, "kind": "note", "title": None},
    ]))
    first = known.first_position
    assert first is not None and (first.organization, first.start, first.end) == (
        "Harbor Trials", FactDate(2017, 6), FactDate(2019, 12))
    assert str(first) == ("Position \u2014 Clinical Research Associate at Harbor Trials, 2017-06 to 2019-12 "
                          "(research item 3)")
    assert known.current_position is not None and known.current_position.id == 4
    school = known.education[0]
    assert (school.degree, school.field, school.organization) == ("Bachelor of Science", "Nursing", "Riverbend State")
    assert [a.id for a in known.articles_by_them] == [6]
    assert known.articles_by_them[0].topics == ("Remote monitoring", "sites", "data")
    assert len(known.items) == 5  # a row without a title is not a record
    assert not dossier(None) and dossier(known) is known and dossier([]) == Dossier()


def test_an_article_is_dated_once_and_says_who_wrote_it():
    known = dossier([{"id": 9, "kind": "article", "title": "Remote monitoring", "outlet": "Applied Clinical Trials",
                      "relation": "by", "start": "2022-04"}])
    assert str(known.items[0]) == ("Article \u2014 \u201cRemote monitoring\u201d, Applied Clinical Trials (by them), "
                                   "2022-04 (research item 9)")
