"""Whom to ask: the LAMP employer list, starter contacts, ratings and the people ranking."""

from __future__ import annotations

import pytest

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError, NotFoundError


def test_lamp_list_of_the_demo(demo_wb):
    lamp = ik.lamp_list(demo_wb)
    # 12 companies among the sample connections + 6 employers added in history.jsonl's ratings
    assert len(lamp) == 18
    # Motivation first, then Posting, then Advocacy: the three 3/3 and 3/2 employers, then the 3/1 ones
    # (Open Transit Lab before Prairie Data Co-op: neither has advocacy or contacts, so by name)
    assert lamp["name"].head(5).tolist() == ["Bluefin Analytics", "Cobalt Health", "Riverton Transit Authority",
                                             "Open Transit Lab", "Prairie Data Co-op"]
    assert lamp["active"].sum() == 5
    row = lamp.set_index("name").loc["Bluefin Analytics"]
    assert (row["motivation"], row["posting"], bool(row["advocacy"])) == (3, 3, True)
    assert "Dana Whitfield" in row["why_advocacy"]
    # Northwind Foods is the user's former employer: advocacy, even with motivation 1
    assert lamp.set_index("name").loc["Northwind Foods", "advocacy"]
    assert not lamp.set_index("name").loc["Prairie Data Co-op", "advocacy"]


def test_overrides_pins_and_exclusions(demo_wb):
    demo_wb.rate_employer("Harbor Books", pinned=True)
    demo_wb.rate_employer("Bluefin Analytics", excluded=True)
    demo_wb.rate_employer("Cobalt Health", advocacy=False)
    lamp = ik.lamp_list(demo_wb).set_index("name")
    assert lamp.index[0] == "Harbor Books" and "Bluefin Analytics" not in lamp.index
    assert not lamp.loc["Cobalt Health", "advocacy"] and lamp.loc["Cobalt Health", "why_advocacy"] == "set by you: no"


def test_starter_contacts_are_at_most_two_per_active_employer(demo_wb):
    starters = ik.starter_contacts(demo_wb)
    assert starters.groupby("employer").size().max() <= 2
    assert set(starters["employer"]) <= set(ik.lamp_list(demo_wb).query("active")["name"])
    cobalt = starters[starters["employer"] == "Cobalt Health"]
    assert cobalt["name"].iloc[0] == "Jordan Pike"  # target role + a warm introduction from Priya
    assert "warm introduction" in cobalt["why"].iloc[0]


@pytest.mark.parametrize("text, message", [("Bluefin: 4/2", "motivation 0-3"), ("Bluefin 3/2", "Employer: "),
                                           ("Bluefin: 3/0", "posting 1-3")])
def test_bad_ratings_are_named_and_change_nothing(demo_wb, text, message):
    before = demo_wb.employers()
    with pytest.raises(InputFormatError, match=message):
        ik.apply_ratings(demo_wb, "Cobalt Health: 0/1; " + text)
    assert demo_wb.employers().equals(before)  # not even Cobalt Health's valid rating


def test_ratings_apply_and_add_employers(new_wb):
    assert ik.apply_ratings(new_wb, "Acme Corp: 3/2\nGlobex: 1/1;") == 2
    assert ik.apply_ratings(new_wb, "ACME Corporation: 2/3") == 1  # the same employer, by company key
    emp = new_wb.employers().set_index("name")
    assert (emp.loc["Acme Corp", "motivation"], emp.loc["Acme Corp", "posting"]) == (2, 3)
    with pytest.raises(NotFoundError):
        new_wb.rate_employer("Nobody Inc", motivation=1)
    with pytest.raises(InputFormatError, match="0 to 3"):
        new_wb.rate_employer("Acme Corp", motivation=True)


def test_recruiters_are_flagged_and_ranked_for_the_market(demo_wb):
    ranked = ik.rank_people(demo_wb.contacts(), demo_wb.profile(), top=None).set_index("name")
    assert ranked.loc["Grace Abernathy", "is_recruiter"]
    assert "recruiter" in ranked.loc["Grace Abernathy", "why"]
    demo_wb.set_contact_flags(demo_wb.find_contact("Ryan Kerrigan"), pinned=True)
    demo_wb.set_contact_flags(demo_wb.find_contact("Dana Whitfield"), excluded=True)
    ranked = ik.rank_people(demo_wb.contacts(), demo_wb.profile(), top=None)
    assert ranked["name"].iloc[0] == "Ryan Kerrigan" and "Dana Whitfield" not in set(ranked["name"])


def test_the_target_picker_ranks_from_the_lean_directory_as_rank_people_does_from_contacts(demo_wb):
    from infoview_kit.find.targets import rank_people
    from infoview_kit.views.find import TargetPicker

    picker = TargetPicker(demo_wb, top=12)
    ranked = rank_people(demo_wb.contacts(), demo_wb.profile(), top=12)
    assert [v for _, v in picker._pick.options] == ranked["id"].tolist()
    assert [label.split(" · ")[-1] for label, _ in picker._pick.options] == ranked["why"].tolist()


def _people(rows):
    """Contacts as :meth:`Workbook.contacts` gives them (invented people), for rank_people."""
    import pandas as pd

    base = {"first_name": None, "last_name": None, "company": None, "position": None, "referred_by": None,
            "how_known": None, "is_recruiter": False, "stage": None, "pinned": False, "excluded": False}
    return pd.DataFrame([{**base, "id": i, **row} for i, row in enumerate(rows, start=1)])


CRC = {"target_roles": ["Clinical Research Coordinator"], "target_industry": "clinical research"}


@pytest.mark.parametrize(("title", "matches"), [
    ("Clinical Research Coordinator II", True), ("Senior Clinical Research Coordinator", True),
    ("Clinical Research Co-ordinator", True), ("Lead Clinical Research Coordinator, Oncology", True),
    ("Lab Coordinator - Biology", False), ("Clinical Data Manager", False), ("Coordinator", False),
    ("Clinical Research Associate", False), ("Patient Care Coordinator", False),
])
def test_target_role_matching_is_title_similarity_and_says_how_close(title, matches):
    ranked = ik.rank_people(_people([{"first_name": "Ana", "position": title}]), CRC, top=None)
    why = ranked["why"].iloc[0]
    assert ("matches your target role" in why) == matches, why
    if matches:
        assert why.startswith(f"title {title!r} matches your target role (") and why.endswith("%)")


def test_a_recruiter_is_ranked_as_a_recruiter_not_as_the_target_role():
    ranked = ik.rank_people(_people([{"first_name": "Rae", "position": "Clinical Research Coordinator Recruiter",
                                      "is_recruiter": True}]), CRC, top=None)
    assert ranked["why"].iloc[0] == "recruiter: knows the job market"


def test_several_target_roles_name_the_one_matched_and_the_field_counts_without_roles():
    profile = {"target_roles": ["Data Analyst", "Clinical Research Coordinator"]}
    ranked = ik.rank_people(_people([{"first_name": "Ana", "position": "Senior Data Analyst"}]), profile, top=None)
    assert "matches your target role 'Data Analyst' (" in ranked["why"].iloc[0]
    field = ik.rank_people(_people([{"first_name": "Bo", "position": "Clinical Research Associate"}]),
                           {"target_industry": "clinical research"}, top=None)
    assert "matches your target field (" in field["why"].iloc[0]


def test_ranked_lists_say_how_many_they_left_out_and_a_missing_stage_reads_not_started():
    from infoview_kit.find.targets import left_out_line

    people = _people([{"first_name": f"P{i}", "stage": "emailed" if i == 0 else None} for i in range(20)])
    ranked = ik.rank_people(people, CRC, top=15)
    assert (len(ranked), ranked.attrs["total"], ranked.attrs["left_out"]) == (15, 20, 5)
    assert left_out_line(ranked) == ("Showing the top 15 of 20 people; 5 more are left out (ask for a longer "
                                     "list with top=...).")
    assert set(ranked["stage"]) == {"emailed", "not started"}
    assert left_out_line(ik.rank_people(people, CRC, top=None)) == "Showing all 20 people ranked."


def test_the_current_employer_is_never_a_former_employer(demo_wb):
    # the demo persona lists Harbor Books among her employers; say she works there now
    demo_wb.set_profile(current_employer="Harbor Books")
    lamp = ik.lamp_list(demo_wb).set_index("name")
    assert lamp.loc["Harbor Books", "why_advocacy"] == "your current employer"
    assert lamp.loc["Northwind Foods", "advocacy"]  # still a former employer


def test_the_picker_says_how_many_it_left_out(demo_wb):
    from infoview_kit.views.find import TargetPicker

    picker = TargetPicker(demo_wb, top=5)
    assert "Showing the top 5 of" in picker._count.value


def test_starter_contacts_say_how_many_they_left_out(demo_wb):
    from infoview_kit.find.targets import left_out_line

    starters = ik.starter_contacts(demo_wb)
    assert starters.attrs["total"] - starters.attrs["left_out"] == len(starters)
    assert left_out_line(starters).startswith(
        f"Showing the top {len(starters)} of {starters.attrs['total']} people at your active employers; ")
