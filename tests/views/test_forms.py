"""The forms of notebooks 01 and 02 as a person uses them, without a browser: type, click, then
check what the WORKBOOK holds (issue 12: forms that tell the truth)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest

from infoview_kit.base import validate as _checks
from infoview_kit.base.errors import InputFormatError
from infoview_kit.find.targets import pick_contact, rank_people
from infoview_kit.views.find import ContactForm, EmployerRater, ImportForm, MergeReview, TargetPicker
from infoview_kit.views.research import ResearchForm

from ..conftest import ROOT
from ..conftest import failed as _failed
from ..conftest import ok as _ok


def ok(widget) -> str:
    """The status line's text (unescaped), asserting it shows success."""
    return html.unescape(_ok(widget))


def failed(widget) -> str:
    """The status line's text (unescaped), asserting it shows an error."""
    return html.unescape(_failed(widget))

MERGE = ROOT / "tests" / "fixtures" / "merge"


def type_into(form: ContactForm, **values: str) -> None:
    for key, value in values.items():
        form._controls[key].value = value


def add(form: ContactForm, **values: str) -> str:
    type_into(form, **values)
    form._button.click()
    return form.status


def edit(wb, cid: int) -> ContactForm:
    form = ContactForm(wb, mode=ContactForm.EDIT)
    form._picker.choose(cid)
    return form


# ---------------------------------------------------------------- contacts: Add, Edit, collisions, Delete
def test_add_says_what_is_stored_and_clears_the_form(new_wb):
    form = ContactForm(new_wb)
    add(form, first_name="Tanya", last_name="Brooks", company="Cobalt", position="Data Analyst",
        email="Tanya@Cobalt.example", notes="met at the meetup")
    cid = form.last_id
    assert ok(form).endswith(f"Added Tanya Brooks, Data Analyst at Cobalt (contact {cid}).</span>")
    stored = new_wb.contact(cid)
    assert (stored["email"], stored["notes"]) == ("tanya@cobalt.example", "met at the meetup")
    assert all(form._controls[k].value == "" for k in ("first_name", "last_name", "company", "position", "email",
                                                      "notes")), "Add clears the form"
    # a second person typed into the cleared form keeps nothing of the first one
    add(form, first_name="Omar", last_name="Haddad")
    assert "Added Omar Haddad (contact" in ok(form)
    omar = new_wb.contact(form.last_id)
    assert (omar["company"], omar["position"], omar["email"], omar["notes"]) == (None, None, None, None)
    assert len(new_wb.contacts()) == 2


def test_edit_stores_last_name_position_and_email_and_stays_on_the_record(new_wb):
    cid = new_wb.add_contact("Tanya", "Brooks", company="Cobalt", position="Analyst")
    form = edit(new_wb, cid)
    assert form._last.value == "Brooks" and form._button.description == "Save changes"
    type_into(form, last_name="Brookes", position="Data Analyst", email="tanya@cobalt.example")
    form._button.click()
    assert f"Saved Tanya Brookes, Data Analyst at Cobalt (contact {cid}): changed last name, email, position." \
        in ok(form)
    stored = new_wb.contact(cid)
    assert (stored["last_name"], stored["position"], stored["email"]) == ("Brookes", "Data Analyst",
                                                                         "tanya@cobalt.example")
    assert len(new_wb.contacts()) == 1, "an email added to a person is no second person"
    assert form._last.value == "Brookes" and form._picker.value == cid, "Edit stays on the record"
    form._button.click()
    assert "Nothing changed: Tanya Brookes" in ok(form)
    type_into(form, notes="")
    type_into(form, position="")
    form._button.click()
    assert new_wb.contact(cid)["position"] is None, "a field emptied in Edit is cleared"


def test_adding_someone_already_there_asks_and_writes_nothing(new_wb):
    cid = new_wb.add_contact("Tanya", "Brookes", company="Cobalt")
    version = new_wb.version
    form = ContactForm(new_wb)
    add(form, first_name="Tanya", last_name="Brookes", company="Cobalt", email="tanya@cobalt.example")
    assert "Nothing saved yet" in ok(form) and form._confirm.asking
    question = html.unescape(form._confirm._question.value)
    assert f"This is Tanya Brookes, already in your workbook (contact {cid}: same name and company)" in question
    assert new_wb.version == version and len(new_wb.contacts()) == 1
    form._confirm.answers["Open them to edit"].click()
    assert form._mode.value == ContactForm.EDIT and form._picker.value == cid
    assert form._email.value == "tanya@cobalt.example", "what was typed is kept"
    assert new_wb.contact(cid)["email"] is None, "still nothing written"
    form._button.click()
    assert new_wb.contact(cid)["email"] == "tanya@cobalt.example" and len(new_wb.contacts()) == 1


def test_an_edit_onto_someone_elses_email_asks_and_cancel_writes_nothing(new_wb):
    tanya = new_wb.add_contact("Tanya", "Brookes", email="tanya@cobalt.example")
    omar = new_wb.add_contact("Omar", "Haddad")
    form = edit(new_wb, omar)
    type_into(form, email="TANYA@cobalt.example")
    version = new_wb.version
    form._button.click()
    assert form._confirm.asking and f"contact {tanya}" in html.unescape(form._confirm._question.value)
    form._confirm.answers["Cancel"].click()
    assert "Nothing saved." in ok(form) and new_wb.version == version
    assert new_wb.contact(omar)["email"] is None


def test_same_name_without_company_or_email_is_asked_about(new_wb):
    first = new_wb.add_contact("John", "Smith")
    form = ContactForm(new_wb)
    add(form, first_name="John", last_name="Smith", position="Nurse")
    assert form._confirm.asking and f"contact {first}" in html.unescape(form._confirm._question.value)
    assert new_wb.contact(first)["position"] is None


def test_bad_email_is_refused_and_nothing_is_written(new_wb):
    form = ContactForm(new_wb)
    add(form, first_name="Ana", email="ana@localhost")
    assert "email 'ana@localhost' is not a valid address" in failed(form)
    assert new_wb.contacts().empty and form._first.value == "Ana", "the typed text stays to fix"


def test_delete_shows_what_goes_and_deletes_only_on_yes(demo_wb):
    cid = demo_wb.find_contact("Priya Raman")
    form = edit(demo_wb, cid)
    form._delete_button.click()
    question = html.unescape(form._confirm._question.value)
    assert "Will forget Priya Raman" in question and "3 research items" in question
    form._confirm.answers["Cancel"].click()
    demo_wb.contact(cid)  # still there
    form._delete_button.click()
    form._confirm.answers["Yes, delete"].click()
    assert f"Forgot Priya Raman (contact {cid})" in ok(form)
    assert cid not in set(demo_wb.contacts()["id"])
    assert form._first.value == "" and form._picker.value is None


def test_edit_form_rereads_a_record_changed_elsewhere_but_keeps_typing(new_wb):
    cid = new_wb.add_contact("Tanya", "Brooks")
    form = edit(new_wb, cid)
    new_wb.update_contact(cid, company="Cobalt")
    assert form._company.value == "Cobalt"
    type_into(form, position="Typed here")
    new_wb.update_contact(cid, notes="changed elsewhere")
    assert form._position.value == "Typed here"


# ---------------------------------------------------------------- research facts
def test_research_add_clears_edit_stays_delete_asks(demo_wb):
    cid = demo_wb.find_contact("Sofia Lindqvist")
    demo_wb.set_current(contact_id=cid)
    form = ResearchForm(demo_wb)
    assert form.contact_id == cid, "opens on the current person"
    before = len(demo_wb.research(cid))
    form._kind.value, form._title.value, form._start.value = "accomplishment", "Won the Data Prize", "Mar 2024"
    form._url.value = "https://example.org/prize"
    form._button.click()
    rid = form.last_id
    assert 'Added accomplishment: "Won the Data Prize" (2024-03) for Sofia Lindqvist' in ok(form)
    fact = demo_wb.research_item(rid)
    assert (fact["start"], fact["source_url"]) == ("2024-03", "https://example.org/prize")
    assert form._title.value == "" and form.fact_id is None, "Add clears"
    assert form.contact_id == cid and demo_wb.current()["contact_id"] == cid, "no switch of person after a save"
    # edit it: chosen from the person's list
    assert rid in [v for _, v in form._facts.options]
    form._facts.value = rid
    assert form._title.value == "Won the Data Prize" and form._button.description == "Save changes"
    form._title.value = "Won the 2024 Data Prize"
    form._button.click()
    assert "changed title" in ok(form) and demo_wb.research_item(rid)["title"] == "Won the 2024 Data Prize"
    assert form.fact_id == rid, "Edit stays on the fact"
    form._button.click()
    assert "Nothing changed" in ok(form)
    # a date that is no date: refused, naming the field, nothing written
    form._end.value = "next spring"
    form._button.click()
    assert "research date 'to' 'next spring'" in failed(form) and demo_wb.research_item(rid)["end"] is None
    form._end.value = ""
    # delete, after a question
    form._delete_button.click()
    assert form._confirm.asking and len(demo_wb.research(cid)) == before + 1
    form._confirm.answers["Yes, delete"].click()
    assert "Deleted accomplishment" in ok(form) and len(demo_wb.research(cid)) == before
    assert rid not in [v for _, v in form._facts.options]


def test_research_form_follows_the_person_picker(demo_wb):
    a, b = demo_wb.find_contact("Sofia Lindqvist"), demo_wb.find_contact("Victor Nakamura")
    form = ResearchForm(demo_wb, a)
    form._person._list.value = b  # "click" another person
    assert form.contact_id == b and demo_wb.current()["contact_id"] == b
    titles = {label for label, _ in form._facts.options}
    assert len(titles) == len(demo_wb.research(b)) + 1


# ---------------------------------------------------------------- employers
def test_employer_rater_stays_on_the_rated_employer_and_rereads_counts(demo_wb):
    rater = EmployerRater(demo_wb)
    rater._search.value = "cobalt"
    eid = rater.employer
    assert eid is not None
    rater._motivation.value, rater._posting.value = 2, 1
    rater._button.click()
    assert "Saved: Cobalt Health · 7 contacts · motivation 2, posting 1." in ok(rater) and rater.employer == eid
    row = demo_wb.employers().set_index("id").loc[eid]
    assert (row["motivation"], row["posting"]) == (2, 1)
    assert (rater._motivation.value, rater._posting.value) == (2, 1)
    rater._button.click()
    assert "Nothing changed" in ok(rater)
    # a new contact there: the count shown follows
    n = int(row["contacts"])
    demo_wb.add_contact("New", "Person", company=str(row["name"]))
    assert f"{n + 1} contacts" in dict((v, k) for k, v in rater._employer.options)[eid]
    rater._root.children[-2].children[1].click()  # Clear rating
    assert "Cleared the rating" in ok(rater)
    row = demo_wb.employers().set_index("id").loc[eid]
    assert str(row["motivation"]) == "<NA>" and str(row["posting"]) == "<NA>"
    assert rater.employer == eid and rater._motivation.value is None


def test_employer_rater_adds_and_shows_the_new_one(demo_wb):
    rater = EmployerRater(demo_wb)
    rater._new.value = "Brand New Employer"
    rater._motivation.value = 3
    rater._button.click()
    eid = demo_wb.employer_id("Brand New Employer")
    assert "Added employer Brand New Employer" in ok(rater) and rater.employer == eid


# ---------------------------------------------------------------- choosing, the current person
def test_target_picker_sets_the_current_person_and_pick_contact_prefers_it(demo_wb):
    ranked = rank_people(demo_wb.contacts(), demo_wb.profile())
    picker = TargetPicker(demo_wb, ranked)
    cid = picker._pick.value
    picker._button.click()
    assert "you are now working on them" in ok(picker)
    assert demo_wb.current()["contact_id"] == cid
    assert pick_contact(demo_wb) == cid
    other = demo_wb.find_contact("Victor Nakamura")
    assert pick_contact(demo_wb, "Victor Nakamura") == other and demo_wb.current()["contact_id"] == other


# ---------------------------------------------------------------- import and merges
def _upload(form: ImportForm, path: Path) -> None:
    form._upload.value = ({"name": path.name, "type": "text/csv", "size": path.stat().st_size,
                           "content": memoryview(path.read_bytes()),
                           "last_modified": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)},)


def test_import_by_upload_and_by_path_and_undo_a_merge_by_button(new_wb, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # this test's temp folder: another worker uploads too
    form = ImportForm(new_wb)
    _upload(form, MERGE / "linkedin_three_people.csv")
    form._button.click()
    assert "Imported linkedin_three_people.csv: 3 added" in ok(form)
    assert len(new_wb.contacts()) == 3 and form._upload.value == ()
    assert not list(Path(__import__("tempfile").gettempdir()).glob("infoview-upload-*/linkedin_three_people.csv"))
    form._path.value = str(MERGE / "google_same_people.csv")
    form._button.click()
    assert "merged" in ok(form) and "merged into contact" in form._details.value
    review = MergeReview(new_wb)
    merges = new_wb.merges()
    assert set(review.buttons) == set(merges["id"]) and len(merges) >= 1
    mid = int(merges["id"].iloc[0])
    n = len(new_wb.contacts())
    review.buttons[mid].click()
    assert "are two people again" in ok(review)
    assert len(new_wb.contacts()) == n + 1 and new_wb.merges().set_index("id").loc[mid, "undone_at"] is not None
    assert mid not in review.buttons, "the list is read again"


def test_import_of_nothing_says_so(new_wb):
    form = ImportForm(new_wb)
    form._button.click()
    assert "choose a file to upload" in failed(form)
    form._path.value = "/no/such/file.csv"
    form._button.click()
    failed(form)


# ---------------------------------------------------------------- one set of rules
@pytest.mark.parametrize("bad", ["me@localhost", "me@example", "no-at.example.org", "a@b.test"])
def test_one_email_rule_for_profile_contacts_and_the_checker(new_wb, bad):
    with pytest.raises(InputFormatError, match="not a valid address"):
        new_wb.set_profile(email=bad)
    with pytest.raises(InputFormatError, match="not a valid address"):
        new_wb.add_contact("Ana", email=bad)
    assert not _checks.is_email(bad)


def test_the_profile_form_refuses_an_email_the_contact_form_refuses(new_wb):
    from infoview_kit.views.forms import ProfileForm

    form = ProfileForm(new_wb)
    form._fields["email"].value = "sam@localhost"
    form._button.click()
    assert "profile field 'email'" in failed(form) and new_wb.profile()["email"] is None
    form._fields["email"].value = "Sam@Example.org"
    form._button.click()
    assert "Profile saved: Your email" in ok(form) and new_wb.profile()["email"] == "sam@example.org"
    form._button.click()
    assert "Nothing changed" in ok(form)


@pytest.mark.parametrize(("text", "stored"), [("2021", "2021"), ("2021-03", "2021-03"), ("2021-03-04", "2021-03-04"),
                                              ("Mar 2021", "2021-03"), ("september 2020", "2020-09"), ("", None)])
def test_fact_dates_accepted(text, stored):
    assert _checks.fact_date(text, "from") == stored


@pytest.mark.parametrize("text", ["next spring", "2021-13", "2021-02-30", "Qwxspring", "21", "Marchy 2020"])
def test_fact_dates_refused_naming_the_field(demo_wb, text):
    with pytest.raises(InputFormatError, match="research date 'from'"):
        demo_wb.add_research(demo_wb.find_contact("Sofia Lindqvist"), "note", "x", start=text)


def test_init_checks_the_profile_email_with_the_same_rule():
    from infoview_kit.store import clean_profile_value

    with pytest.raises(InputFormatError, match="with a dot in the domain"):
        clean_profile_value("email", "me@intranet")


def test_infoview_init_asks_again_for_an_email_the_contact_form_refuses():
    from infoview_kit.onboarding import QUESTIONS, prompt_profile

    answers = iter(["sam@localhost" if k == "email" else "" for k in QUESTIONS])
    retry = iter(["Sam@Example.org"])
    told: list[str] = []
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        if question.startswith("Your email") and asked.count(question) == 2:
            return next(retry)
        return next(answers)

    profile = prompt_profile({}, ask=ask, tell=told.append)
    assert profile["email"] == "sam@example.org"
    assert any("with a dot in the domain" in line for line in told)


def test_switching_person_or_fact_with_unsaved_text_asks_first(demo_wb):
    a, b = demo_wb.find_contact("Dana Whitfield"), demo_wb.find_contact("Priya Raman")
    form = edit(demo_wb, a)
    form._position.value = "Typed, not saved"
    form._picker.search.value = "Priya Raman"
    form._picker._list.value = b  # click someone else
    assert form._confirm.asking and form._position.value == "Typed, not saved"
    form._confirm.answers["Keep editing"].click()
    assert form._picker.value == a and form._position.value == "Typed, not saved"
    form._picker.search.value = "Priya Raman"
    form._picker._list.value = b
    form._confirm.answers["Open them (drop my changes)"].click()
    assert form._picker.value == b and form._first.value == "Priya"
    assert demo_wb.contact(a)["position"] != "Typed, not saved"

    research = ResearchForm(demo_wb, a)
    first = research._facts.options[1][1]
    research._title.value = "A new fact, typed"
    research._facts.value = first  # click a fact of the list
    assert research._confirm.asking and research._title.value == "A new fact, typed"
    research._confirm.answers["Keep what I typed"].click()
    assert research.fact_id is None and research._facts.value is None
    research._button.click()
    assert "Added" in ok(research) and "A new fact, typed" in set(demo_wb.research(a)["title"])


def test_switching_between_add_and_edit_keeps_each_ones_unsaved_text_apart(new_wb):
    tanya = new_wb.add_contact("Tanya", "Brookes", company="Cobalt")
    new_wb.set_current(contact_id=tanya)
    form = ContactForm(new_wb)
    type_into(form, first_name="Omar", last_name="Haddad")
    form._mode.value = ContactForm.EDIT
    assert form._picker.value == tanya and form._first.value == "Tanya", "Add's text is not carried into Edit"
    type_into(form, position="Typed in Edit")
    form._mode.value = ContactForm.ADD
    assert (form._first.value, form._last.value, form._position.value) == ("Omar", "Haddad", "")
    form._mode.value = ContactForm.EDIT
    assert (form._first.value, form._position.value) == ("Tanya", "Typed in Edit")
    assert new_wb.contact(tanya)["position"] is None and len(new_wb.contacts()) == 1


def test_the_persons_page_records_their_reply_by_a_click(new_wb):
    import datetime as dt

    from infoview_kit.views.research import ResearchSummary

    new_wb.set_profile(timezone="Europe/London", country="GB")
    cid = new_wb.add_contact("Ada", "Byron", email="ada@example.org")
    new_wb.set_current(contact_id=cid)
    page = ResearchSummary(new_wb, now=lambda: dt.datetime(2026, 11, 6, 15, tzinfo=dt.UTC))
    assert "Nothing sent to them yet" in page._standing.value and page._reply_row.layout.display == "none"
    mid = new_wb.save_draft(cid, "outreach", "Hello <b>", "Hi Ada,\n\nA question.\n\nAlex")
    new_wb.mark_sent(mid, at="2026-11-02T10:00:00+00:00")
    assert "no reply recorded yet" in page._standing.value and page._reply_row.layout.display is None
    assert "Hello &lt;b&gt;" in page._standing.value
    page._reply_on.value = dt.date(2026, 11, 4)
    page._reply.click()
    assert "Reply recorded: Ada Byron" in page._reply_status.value and "2026-11-04" in page._reply_status.value
    assert new_wb.message(mid)["status"] == "replied"
    assert "they replied" in page._standing.value and page._reply_row.layout.display == "none"


def test_a_person_picker_keeps_what_is_typed_in_it_when_the_current_person_changes_elsewhere(demo_wb):
    """Seen in the app journey on a loaded machine: another form set the current person while the
    schedule form's search was being used, and the typed search and its choice were wiped."""
    from infoview_kit.views.forms import PersonPicker

    helen, tariq = demo_wb.find_contact("Helen Whitaker"), demo_wb.find_contact("Tariq Rahman")
    typing, idle = PersonPicker(demo_wb), PersonPicker(demo_wb)
    typing.search.value = "tariq"
    typing._list.value = tariq
    demo_wb.set_current(contact_id=helen)  # a write elsewhere: every picker reloads
    assert typing.search.value == "tariq" and typing.value == tariq, "the typed search and its choice stand"
    assert idle.value == helen, "a picker nobody is typing in follows the current person"
