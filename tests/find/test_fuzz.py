"""Fuzzing: whatever text or file a person gives a public function, only an InfoviewError comes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit import interview, outreach
from infoview_kit.base import paths as _paths
from infoview_kit.base.errors import InfoviewError
from infoview_kit.find import contacts
from infoview_kit.interview import calendars
from infoview_kit.research import facts as research
from infoview_kit.store import PROFILE_FIELDS, utc_iso
from infoview_kit.workbook import Workbook

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# any text a person can type or paste, and control characters a file can hold (not lone surrogates,
# which no keyboard, file or form produces as text)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
NASTY = st.sampled_from(["", " ", "\x00", "\r\n", "\u202e", "\u200b", "nan", "None", "<script>", "=1+1", "../../x",
                         "CON", "2026-02-30", "2026-11-25", "9999-99-99", "America/Chicago", "Not/AZone", "US", "ZZ",
                         "a@b.example", "@", "\ufeff", "[blank]", "${x}", "{company}", "%s", "x" * 500])
ANY_TEXT = st.one_of(TEXT, NASTY)
MAYBE_TEXT = st.one_of(st.none(), ANY_TEXT)


def only_infoview_errors(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call; an InfoviewError is a fine answer to bad input, anything else is a bug."""
    try:
        return call(*args, **kwargs)
    except InfoviewError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} with an empty message"
        return None


@pytest.fixture
def wb(tmp_path):
    with Workbook.open(tmp_path / "fuzz.sqlite") as book:
        book.set_profile(name="Ana Lee", country="US", timezone="America/Chicago")
        book.add_contact("Base", "Person", email="base@example.org", company="Acme")
        yield book


# ---------------------------------------------------------------- files
@FUZZ
@given(head=st.sampled_from([b"", b"BEGIN:VCARD\r\nVERSION:3.0\r\n", b"PK\x03\x04", b"\xff\xfe", b"\xef\xbb\xbf",
                             b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
                             b"Notes:\n\"x\"\n\n", b"Name,Given Name,E-mail 1 - Value\n"]),
       data=st.binary(max_size=300))
def test_read_contacts_any_bytes(tmp_path, head, data):
    path = tmp_path / "contacts.csv"
    path.write_bytes(head + data)
    for fmt in (None, "vcard", "csv"):
        only_infoview_errors(contacts.read_contacts, path, fmt=fmt)


@FUZZ
@given(rows=st.lists(st.lists(ANY_TEXT, min_size=1, max_size=8), max_size=6),
       mapping=st.one_of(st.none(), st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3)))
def test_read_contacts_any_csv_with_mapping(tmp_path, rows, mapping):
    import csv

    path = tmp_path / "mapped.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["first", "last", "mail"], *rows])
    only_infoview_errors(contacts.read_contacts, path, mapping=mapping)


@FUZZ
@given(data=st.binary(max_size=300),
       head=st.sampled_from([b"", b"BEGIN:VCALENDAR\r\n", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026"]))
def test_read_ics_any_bytes(tmp_path, data, head):
    only_infoview_errors(calendars.read_ics, head + data)
    path = tmp_path / "x.ics"
    path.write_bytes(head + data)
    only_infoview_errors(calendars.read_ics, path)


# ---------------------------------------------------------------- emails
@FUZZ
@given(name=st.one_of(st.sampled_from(sorted(outreach.BUILTIN_KINDS)), ANY_TEXT),
       values=st.dictionaries(st.one_of(ANY_TEXT, st.sampled_from(sorted(outreach.FIELD_HELP))),
                              st.one_of(MAYBE_TEXT, st.lists(ANY_TEXT, max_size=3)), max_size=6))
def test_fill_any_values(name, values):
    draft = only_infoview_errors(outreach.fill, name, values)
    if draft is not None:
        assert isinstance(draft.subject, str) and "\n" not in draft.subject


@FUZZ
@given(subject=ANY_TEXT, body=st.text(max_size=400), rules=st.one_of(st.none(), st.sampled_from(
    ["classic", "strict", "followup"]), ANY_TEXT), name=MAYBE_TEXT, signature=MAYBE_TEXT, ground=MAYBE_TEXT,
       employer=MAYBE_TEXT, field=MAYBE_TEXT)
def test_check_any_email(subject, body, rules, name, signature, ground, employer, field):
    only_infoview_errors(outreach.check, (subject, body), rules=rules, contact_name=name, signature=signature,
                         common_ground=ground, employer=employer, field=field)


@FUZZ
@given(sent=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1)),
       gap=st.one_of(st.none(), st.timedeltas(min_value=dt.timedelta(days=-30), max_value=dt.timedelta(days=60))),
       today=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
       country=st.one_of(st.sampled_from(["US", "GB", "DE", "FR", "CA"]), ANY_TEXT),
       tz=st.one_of(st.sampled_from(["UTC", "America/Chicago", "Europe/London", "Asia/Kolkata"]), ANY_TEXT))
def test_classify_reply_any_input(sent, gap, today, country, tz):
    only_infoview_errors(outreach.classify_reply, sent, None if gap is None else sent + gap, today, country=country,
                         tz=tz)


@FUZZ
@given(text=ANY_TEXT, to=MAYBE_TEXT, subject=ANY_TEXT, body=ANY_TEXT)
def test_file_names_and_links_any_text(text, to, subject, body):
    name = outreach.safe_filename(text)
    assert name and "/" not in name and "\\" not in name and name not in (".", "..")
    link = only_infoview_errors(outreach.mailto_link, to, subject, body)
    if link is not None:
        assert link.startswith("mailto:") and not any(c in link for c in "\r\n <>\"")


# ---------------------------------------------------------------- research and interviews
RESEARCH = st.lists(st.fixed_dictionaries({
    "kind": st.one_of(st.sampled_from(["experience", "education", "accomplishment", "article", "interest", "note"]),
                      ANY_TEXT),
    "title": MAYBE_TEXT, "organization": MAYBE_TEXT, "start": MAYBE_TEXT, "end": MAYBE_TEXT, "outlet": MAYBE_TEXT,
    "relation": st.one_of(st.none(), st.sampled_from(["by", "about"]), ANY_TEXT), "url": MAYBE_TEXT,
    "source_url": MAYBE_TEXT, "notes": MAYBE_TEXT}), max_size=5)


@FUZZ
@given(profile=st.fixed_dictionaries({k: st.lists(ANY_TEXT, max_size=3) if kind == "list" else MAYBE_TEXT
                                      for k, kind in PROFILE_FIELDS.items()}),
       contact=st.fixed_dictionaries({k: MAYBE_TEXT for k in ("first_name", "last_name", "company", "position",
                                                              "where_found", "how_known", "notes")}),
       items=RESEARCH)
def test_common_ground_and_online_facts_any_text(profile, contact, items):
    frame = pd.DataFrame(items, columns=["kind", "title", "organization", "start", "end", "outlet", "relation", "url",
                                         "source_url", "notes"])
    only_infoview_errors(research.common_ground, profile, contact, frame)
    only_infoview_errors(research.online_facts, frame)


@FUZZ
@given(minutes=st.one_of(st.integers(-10, 500), ANY_TEXT),
       personal=st.dictionaries(st.sampled_from(["role", "company", "move", "article", "name", "x"]), MAYBE_TEXT),
       facts=RESEARCH, extra=st.lists(ANY_TEXT, max_size=3),
       dropped=st.lists(ANY_TEXT, max_size=3), order=st.one_of(st.none(), st.lists(ANY_TEXT, max_size=3)),
       buffer=st.one_of(st.none(), st.integers(-5, 100)), recruiter=st.booleans())
def test_plan_questions_any_input(minutes, personal, facts, extra, dropped, order, buffer, recruiter):
    frame = pd.DataFrame(facts, columns=["kind", "title", "organization", "start", "end", "outlet", "relation", "url",
                                         "source_url", "notes"])
    only_infoview_errors(interview.plan_questions, minutes, recruiter=recruiter, personal=personal,
                         research=frame, extra=extra, dropped=dropped, order=order, buffer_min=buffer)
    only_infoview_errors(interview.flag_online, extra, frame)


# ---------------------------------------------------------------- dates
@FUZZ
@given(value=st.one_of(ANY_TEXT, st.none()))
def test_resolve_today_and_utc_iso_any_text(value):
    only_infoview_errors(_paths.resolve_today, value)
    if value is not None:
        only_infoview_errors(utc_iso, value)


# ---------------------------------------------------------------- the workbook
@FUZZ
@given(first=ANY_TEXT, last=ANY_TEXT, email=MAYBE_TEXT, company=MAYBE_TEXT, position=MAYBE_TEXT, url=MAYBE_TEXT,
       how=st.one_of(st.none(), st.sampled_from(["alumni", "event"]), ANY_TEXT), where=MAYBE_TEXT, notes=MAYBE_TEXT,
       source=st.one_of(st.just("manual"), ANY_TEXT))
def test_add_and_find_contact_any_text(wb, first, last, email, company, position, url, how, where, notes, source):
    cid = only_infoview_errors(wb.add_contact, first, last, email=email, company=company, position=position,
                               profile_url=url, how_known=how, where_found=where, notes=notes, source=source)
    only_infoview_errors(wb.find_contact, f"{first} {last}")
    only_infoview_errors(wb.find_contact, first)
    if cid is not None:
        assert wb.contact(cid)["id"] == cid


@FUZZ
@given(kind=st.one_of(st.sampled_from(["experience", "article", "note"]), ANY_TEXT), title=ANY_TEXT,
       org=MAYBE_TEXT, start=MAYBE_TEXT, relation=st.one_of(st.none(), st.sampled_from(["by", "about"]), ANY_TEXT),
       url=MAYBE_TEXT, notes=MAYBE_TEXT, at=st.one_of(st.none(), ANY_TEXT))
def test_add_research_any_text(wb, kind, title, org, start, relation, url, notes, at):
    only_infoview_errors(wb.add_research, 1, kind, title, organization=org, start=start, end=start, outlet=org,
                         relation=relation, url=url, source_url=url, notes=notes, at=at)


@FUZZ
@given(kind=st.one_of(st.sampled_from(["outreach", "thank_you"]), ANY_TEXT), subject=ANY_TEXT, body=ANY_TEXT,
       template=MAYBE_TEXT, at=st.one_of(st.none(), ANY_TEXT))
def test_save_draft_any_text(wb, kind, subject, body, template, at):
    mid = only_infoview_errors(wb.save_draft, 1, kind, subject, body, template=template, at=at)
    if mid is not None:
        only_infoview_errors(wb.mark_sent, mid)


@FUZZ
@given(fields=st.dictionaries(st.one_of(st.sampled_from(sorted(PROFILE_FIELDS)), ANY_TEXT),
                              st.one_of(MAYBE_TEXT, st.lists(ANY_TEXT, max_size=3), st.integers()), max_size=5))
def test_set_profile_any_fields(wb, fields):
    only_infoview_errors(wb.set_profile, **fields)
    assert set(wb.profile()) == set(PROFILE_FIELDS)


@FUZZ
@given(name=ANY_TEXT, notes=MAYBE_TEXT, motivation=st.one_of(st.none(), st.integers(-2, 5)),
       posting=st.one_of(st.none(), st.integers(-2, 5)))
def test_add_employer_any_text(wb, name, notes, motivation, posting):
    eid = only_infoview_errors(wb.add_employer, name, motivation=motivation, posting=posting, notes=notes)
    if eid is not None:
        assert only_infoview_errors(wb.employer_id, name) == eid


@FUZZ
@given(start=st.one_of(ANY_TEXT, st.sampled_from(["2026-11-24T14:00", "2026-11-24", "14:00", "2026-13-01T10:00"])),
       tz=st.one_of(st.none(), st.sampled_from(["UTC", "Europe/London"]), ANY_TEXT),
       minutes=st.integers(-5, 500), place=MAYBE_TEXT)
def test_schedule_meeting_any_text(wb, start, tz, minutes, place):
    only_infoview_errors(wb.schedule_meeting, 1, start, duration_min=minutes, timezone=tz, place=place)


@FUZZ
@given(reason=ANY_TEXT, kind=ANY_TEXT, due=st.one_of(ANY_TEXT, st.just("2026-11-30T10:00")))
def test_add_followup_any_text(wb, reason, kind, due):
    only_infoview_errors(wb.add_followup, 1, kind, due, reason)


def test_fuzz_helper_lets_only_infoview_errors_through():
    assert only_infoview_errors(lambda: (_ for _ in ()).throw(InfoviewError("bad input, expected x"))) is None
    with pytest.raises(ValueError):
        only_infoview_errors(int, "x")


def test_workbook_path_any_text(tmp_path):
    """A workbook path that is a folder, or a file that is not a workbook, is an InfoviewError."""
    (tmp_path / "notes.sqlite").write_text("not a database at all, just text " * 10)
    for bad in (tmp_path, tmp_path / "notes.sqlite"):
        with pytest.raises(InfoviewError, match=str(Path(bad).name)):
            Workbook.open(bad)


# ---------------------------------------------------------------- what the fuzzing found, pinned down
@pytest.mark.parametrize("zone", ["US", "Europe", "x" * 300, "../etc"])  # "US" is a folder of the zone database
def test_a_time_zone_that_is_a_folder_or_too_long_is_an_input_error(wb, zone):
    with pytest.raises(InfoviewError, match="time zone"):
        wb.set_profile(timezone=zone)
    with pytest.raises(InfoviewError, match="time zone"):
        wb.schedule_meeting(1, "2026-11-24T14:00", timezone=zone)
    with pytest.raises(InfoviewError, match="time zone"):
        outreach.classify_reply(dt.datetime(2026, 11, 2, 9), None, dt.date(2026, 11, 25), country="US", tz=zone)


@pytest.mark.parametrize("start", ["", "tomorrow", "2026-13-01T10:00"])
def test_a_meeting_start_that_is_not_a_date_is_an_input_error(wb, start):
    with pytest.raises(InfoviewError, match="expected a date and time"):
        wb.schedule_meeting(1, start)


@pytest.mark.parametrize("value", [0, 3.5, True])
def test_a_list_profile_field_given_a_number_is_an_input_error(wb, value):
    with pytest.raises(InfoviewError, match="'employers': expected a list of text"):
        wb.set_profile(employers=value)


def test_common_ground_with_a_blank_target_role():
    items = pd.DataFrame({"kind": ["experience", "experience"], "title": ["Analyst", "Clerk"],
                          "organization": [None, None]})
    ground = research.common_ground({"target_industry": "0", "target_roles": ["", " "]}, {}, items)
    assert list(ground.columns)[:3] == ["kind", "score", "evidence"]
