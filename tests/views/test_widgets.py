"""The forms of notebook 01, without a browser: set values, click, check the store and the status line."""

from __future__ import annotations

from infoview_kit.find.targets import rank_people
from infoview_kit.views.find import ContactForm, EmployerRater, TargetPicker
from infoview_kit.views.forms import ProfileForm
from infoview_kit.views.research import ResearchForm

HOSTILE = '<img src=x onerror="alert(1)">'


def test_contact_form_adds_and_escapes(new_wb):
    form = ContactForm(new_wb)
    form._first.value, form._last.value, form._position.value = HOSTILE, "Tran", "Technical Recruiter"
    form._button.click()
    assert form.last_id is not None
    row = new_wb.contact(form.last_id)
    assert row["first_name"] == HOSTILE and row["is_recruiter"] == 1  # stored verbatim, recruiter spotted
    assert "<img" not in form.status and "&lt;img" in form.status
    assert form._first.value == "", "Add clears the form"
    form._first.value, form._email.value = "Ana", "not-an-email"
    form._button.click()
    assert "not a valid address" in form.status and len(new_wb.contacts()) == 1


def test_profile_form_saves_lists_and_shows_errors(new_wb):
    form = ProfileForm(new_wb)
    form._fields["name"].value = "Sam Example"
    form._fields["schools"].value = "Lakeside University, Riverton College"
    form._fields["timezone"].value = "Nowhere/Place"
    form._button.click()
    assert "IANA" in form.status and new_wb.profile()["name"] is None  # nothing saved on error
    form._fields["timezone"].value = "America/Chicago"
    form._button.click()
    assert new_wb.profile()["schools"] == ["Lakeside University", "Riverton College"]
    assert ProfileForm(new_wb)._fields["schools"].value == "Lakeside University, Riverton College"


def test_employer_rater_rates_adds_pins(demo_wb):
    rater = EmployerRater(demo_wb)
    first = rater._employer.value
    rater._motivation.value, rater._posting.value = 0, 1
    rater._button.click()
    row = demo_wb.employers().set_index("id").loc[first]
    assert (row["motivation"], row["posting"]) == (0, 1)
    rater._new.value = "Brand New Employer"
    rater._motivation.value = 3
    rater._button.click()
    assert "Brand New Employer" in set(demo_wb.employers()["name"])
    rater.choose(first)
    rater._root.children[-2].children[2].click()  # Pin (buttons: Save rating, Clear rating, Pin, Exclude)
    assert demo_wb.employers().set_index("id").loc[first, "pinned"]


def test_target_picker_chooses_pins_excludes(demo_wb):
    ranked = rank_people(demo_wb.contacts(), demo_wb.profile())
    picker = TargetPicker(demo_wb, ranked)
    cid = picker._pick.value
    picker._button.click()
    assert "outreach list" in picker.status
    buttons = picker._root.children[-2].children
    buttons[1].click()
    assert demo_wb.contact(cid)["pinned"] == 1
    buttons[2].click()
    assert demo_wb.contact(cid)["excluded"] == 1


def test_research_form_keeps_the_link_as_source(demo_wb):
    cid = demo_wb.find_contact("Sofia Lindqvist")
    form = ResearchForm(demo_wb, cid)
    form._kind.value, form._title.value = "article", "Pipelines that page nobody"
    form._url.value, form._relation.value = "https://example.org/sofia/pipelines", "by"
    form._button.click()
    item = demo_wb.research(cid).iloc[-1]
    link = "https://example.org/sofia/pipelines"
    assert (item["title"], item["url"], item["source_url"], item["relation"]) == (
        "Pipelines that page nobody", link, link, "by")
