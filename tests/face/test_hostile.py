"""Hostile input escaped everywhere: one workbook full of markup, header breaks, formulas and odd names,
pushed through every output the package writes; each output is parsed and checked for live content."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import json
import os
import re
import sqlite3
import unicodedata
from pathlib import Path

import ipywidgets as w
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

import infoview_kit as ik
from infoview_kit import cli, interview, outreach
from infoview_kit.base.errors import InputFormatError
from infoview_kit.followup import draft_due, reminders_file
from infoview_kit.interview.calendars import meeting_ics, reminders_ics
from infoview_kit.outreach.drafting import export_eml, mailto_for
from infoview_kit.views.find import ContactForm, EmployerRater, TargetPicker
from infoview_kit.views.followup import FollowupBoard
from infoview_kit.views.forms import ProfileForm, WidgetCheck
from infoview_kit.views.interview import QuestionPlanEditor, ScheduleForm, brief_frame
from infoview_kit.views.meeting import MeetingLogForm, MeetingTimer
from infoview_kit.views.outreach import Composer
from infoview_kit.views.research import ResearchForm
from infoview_kit.workbook import Workbook

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
INJECT = "Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes"
ICS_INJECT = "Eve\r\nATTENDEE:mailto:victim@evil.example\r\nEND:VEVENT"
RTL = "\u202eexe.txt\u200b\u200d"
BIG = "A" * 1_000_000
TODAY = dt.date(2026, 11, 25)
csv.field_size_limit(16 * 1024 * 1024)  # the 1 MB note is one CSV field
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _hostile_csv(path: Path) -> Path:
    rows = [["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
            [SCRIPT, IMG, "https://www.linkedin.com/in/hostile-one", "", FORMULA, "+1 Recruiter", "25 Aug 2019"],
            ["../../x", "CON", "https://www.linkedin.com/in/hostile-two", "", "@SUM(A1)", "-2+3", "05 Sep 2022"],
            [INJECT, RTL, "javascript:alert(document.cookie)", "", "\tTabbed Co", "\rCR Role", "09 May 2021"]]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write("Notes:\n\"Hostile values for the escaping test.\"\n\n")
        csv.writer(fh).writerows(rows)
    return path


def build_hostile_workbook(path: Path) -> dict[str, int]:
    """Every text field hostile, through the public API and an import; returns the ids used."""
    with Workbook.open(path) as wb:
        wb.set_profile(name=f"{SCRIPT} Eve", email="me@example.org", status="graduate",
                       school_status=f"graduate of {IMG}", target_industry=SCRIPT, target_roles=[IMG, "analyst"],
                       change_wanted=JS, schools=[SCRIPT], employers=[FORMULA], city=IMG, interests=[SCRIPT, IMG],
                       groups=[JS], signature=f"{SCRIPT}\n{IMG}", country="US", timezone="America/Chicago",
                       at="2026-09-01T09:00")
        with pytest.raises(InputFormatError, match="profile link"):  # the forms and the API refuse such links ...
            wb.add_contact("Eve", profile_url=JS)
        ref = wb.add_contact(f"{SCRIPT}Rita", IMG, email="rita@example.org", company=SCRIPT, position=IMG,
                             how_known="alumni", where_found=RTL, notes=BIG, at="2026-09-01T10:00")
        cid = wb.add_contact(INJECT, f"Smith{IMG}", email="eve@example.org", company=FORMULA,
                             position="+1 Analyst", how_known="referral",
                             where_found=SCRIPT, notes=f"{SCRIPT}{IMG}{RTL}", referred_by=ref, at="2026-09-02T10:00")
        # ... but a workbook edited by hand, or written before links were checked, may hold them: output escapes them
        wb._conn.executemany("UPDATE contacts SET profile_url = ? WHERE id = ?",
                             [(JS, ref), ("javascript:alert(2)", cid)])
        odd = wb.add_contact("../../x", "CON", email="con@example.org", company="@SUM(A1)", position="-2+3",
                             at="2026-09-02T11:00")
        report = wb.import_contacts(_hostile_csv(path.parent / "hostile.csv"), at="2026-09-03T10:00")
        assert report.added >= 2
        wb.add_employer(f"{SCRIPT} Corp", motivation=3, posting=3, notes=IMG)
        for person in (cid, odd):
            wb.set_target(person, at="2026-09-04T10:00")
            for kind, title in [("experience", SCRIPT), ("accomplishment", IMG), ("article", f"{SCRIPT} article"),
                                ("interest", IMG), ("note", FORMULA)]:
                rid = wb.add_research(person, kind, title, organization=SCRIPT if kind == "experience" else None,
                                      outlet=IMG, relation="by" if kind == "article" else None,
                                      notes=f"{IMG}\r\n{RTL}", at="2026-09-05T10:00")
                wb._conn.execute("UPDATE research SET url = ?, source_url = ? WHERE id = ?",
                                 (JS, "JaVaScRiPt:alert(3)", rid))  # as above: by hand, past the checks
        mid = wb.save_draft(cid, "outreach", f"Hello{SCRIPT}\r\nBcc: victim@evil.example",
                            f"Dear Eve,\n{SCRIPT}\n{IMG}\n{JS}\nBest", at="2026-09-06T10:00")
        wb.mark_sent(mid, at="2026-09-07T10:00")
        wb.mark_replied(mid, at="2026-09-08T10:00")
        wb.save_draft(odd, "outreach", f"{IMG}\n=cmd|' /C calc'!A0", f"{SCRIPT}{BIG[:5000]}", at="2026-09-06T11:00")
        meeting = wb.schedule_meeting(cid, "2026-11-24T14:00", duration_min=30, place=f"{IMG} {JS}",
                                      at="2026-09-09T10:00")
        wb.save_questions(meeting, pd.DataFrame({"text": [SCRIPT, IMG, f"{ICS_INJECT}?"], "minutes": [3, 3, 2],
                                                 "theme": [SCRIPT, "advice", IMG]}))
        wb.log_meeting(meeting, actual_start="2026-11-24T14:02", actual_end="2026-11-24T14:29", notes=SCRIPT,
                       advice=IMG, next_steps=f"Eve: {SCRIPT}", resources=f"{JS} https://ok.example/{IMG}",
                       answers={SCRIPT: IMG})
        formula = wb.add_contact("=1+2", "@SUM(A1)", email="formula@example.org", company="+Plus Co",
                                 at="2026-09-02T12:00")
        held = wb.schedule_meeting(formula, "2026-11-23T10:00", duration_min=20, at="2026-11-20T10:00")
        wb.log_meeting(held, actual_start="2026-11-23T10:00", actual_end="2026-11-23T10:25")
        upcoming = wb.schedule_meeting(odd, "2026-11-27T10:00", duration_min=20, place=ICS_INJECT,
                                       at="2026-11-20T10:00")
        wb.save_questions(upcoming, pd.DataFrame({"text": [SCRIPT, IMG], "minutes": [3, 3]}))
        wb.add_followup(ref, "update", "2026-11-24T10:00", f"{SCRIPT}{ICS_INJECT}")
        wb.add_followup(odd, "checkin", "2026-11-26T10:00", IMG)
    return {"referrer": ref, "contact": cid, "odd": odd, "message": mid, "meeting": meeting, "upcoming": upcoming}


@pytest.fixture(scope="module")
def hostile_master(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("hostile") / "workbook.sqlite"
    return path, build_hostile_workbook(path)


@pytest.fixture
def hostile(hostile_master, tmp_path) -> tuple[Path, dict[str, int]]:
    """A fresh copy for each test: clicking every button changes the workbook."""
    master, ids = hostile_master
    copy = tmp_path / "hostile" / "workbook.sqlite"
    copy.parent.mkdir()
    with Workbook.open(master, read_only=True) as wb:
        wb._conn.backup(target := sqlite3.connect(copy))
    target.close()
    return copy, ids


# ---------------------------------------------------------------- checkers
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
_SAFE_DATA = ("data:image/png;base64,", "data:image/jpeg;base64,", "data:image/svg+xml", "data:text/calendar;base64,",
              "data:message/rfc822;base64,")
_DATA_SCRIPT_TYPES = ("application/vnd.jupyter.widget-state+json", "application/vnd.jupyter.widget-view+json",
                      "application/json")


def _scheme(url: str) -> str:
    cleaned = "".join(c for c in url if not (c.isspace() or ord(c) < 32 or unicodedata.category(c) == "Cf"))
    return cleaned.split(":", 1)[0].casefold() if ":" in cleaned else ""


def live_markup(markup: str, where: str, *, template_scripts: bool = False) -> list[str]:
    """Return every piece of live markup in an HTML page or fragment: a script the page did not bring itself,
    an on* attribute, a javascript:/vbscript:/data:text/html link, nested in iframe srcdoc too."""
    problems = []
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(True):
        name = tag.name.casefold()
        if name == "script":
            kind = (tag.get("type") or "").casefold()
            text = tag.string or tag.get_text()
            if kind in _DATA_SCRIPT_TYPES:
                try:
                    json.loads(text)  # a value that closed the element early would break the JSON
                except ValueError:
                    problems.append(f"{where}: a data <script> broken open: {text[:80]!r}")
            elif not template_scripts or "alert(" in text:
                problems.append(f"{where}: <script> {text[:80]!r}")
        if name in ("object", "embed", "frame", "base", "form") or (name == "meta" and tag.get("http-equiv")):
            problems.append(f"{where}: <{name}> element")
        for attr, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.casefold().startswith("on"):
                problems.append(f"{where}: {attr}= on <{name}>: {text[:60]!r}")
            if attr.casefold() in _URL_ATTRS:
                scheme = _scheme(text)
                if scheme in ("javascript", "vbscript") or (scheme == "data" and not text.startswith(_SAFE_DATA)):
                    problems.append(f"{where}: {attr}={text[:60]!r} on <{name}>")
            if attr.casefold() == "srcdoc":
                problems += live_markup(text, f"{where} (iframe srcdoc)")
    return problems


def widget_tree(obj: object) -> list[w.Widget]:
    """Every widget an object holds: its displayed tree and its private controls."""
    seen: dict[int, w.Widget] = {}
    todo = [v for v in vars(obj).values() if isinstance(v, w.Widget)]
    todo += [x for v in vars(obj).values() if isinstance(v, list | tuple | dict)
             for x in (v.values() if isinstance(v, dict) else v) if isinstance(x, w.Widget)]
    while todo:
        widget = todo.pop()
        if id(widget) in seen:
            continue
        seen[id(widget)] = widget
        todo += list(getattr(widget, "children", ()) or ())
    return list(seen.values())


def widget_html(obj: object) -> list[str]:
    out = []
    for widget in widget_tree(obj):
        if isinstance(widget, w.HTML | w.HTMLMath):
            out.append(widget.value)
        if getattr(widget, "description_allow_html", False):
            out.append(widget.description)
    return out


def check_widget(obj: object, where: str) -> list[str]:
    problems = []
    for i, markup in enumerate(widget_html(obj)):
        problems += live_markup(markup, f"{where} HTML #{i}")
    return problems


def click_every_button(obj: object) -> None:
    for widget in widget_tree(obj):
        if isinstance(widget, w.Button) and not widget.disabled:
            widget.click()


def check_eml(path: Path, expected_to: str | None = None) -> list[str]:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    problems = [f"{path.name}: injected header {k}" for k in msg
                if k.casefold() in ("bcc", "cc", "x-injected", "reply-to", "content-disposition")]
    for key, value in msg.items():
        if "\r" in str(value) or "\n" in str(value):
            problems.append(f"{path.name}: {key} holds a line break: {str(value)[:60]!r}")
    addresses = msg.get_all("to", [])
    if expected_to and not any(expected_to in str(a) for a in addresses):
        problems.append(f"{path.name}: To is {addresses!r}, expected {expected_to}")
    if len(msg.get_all("to", [])) > 1 or len(msg.get_all("subject", [])) != 1:
        problems.append(f"{path.name}: repeated To or Subject")
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            problems += live_markup(part.get_content(), path.name)
    return problems


def check_ics(data: bytes, where: str) -> list[str]:
    problems = []
    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        problems.append(f"{where}: does not parse ({exc})")
        cal = Calendar()
    for comp in cal.walk():
        for name, value in comp.property_items(recursive=False):
            raw_value = value.to_ical() if hasattr(value, "to_ical") else value
            text = raw_value.decode() if isinstance(raw_value, bytes) else str(raw_value)
            if name == "ATTENDEE" and "evil" in text:
                problems.append(f"{where}: injected attendee {text!r}")
            if name in ("URL", "ATTACH") and _scheme(text) not in ("http", "https", "mailto"):
                problems.append(f"{where}: {name}:{text[:60]!r}")
    raw = data.decode("utf-8")
    if re.search(r"(?m)^(ATTENDEE:mailto:victim|BCC|X-INJECTED)", raw, re.I):
        problems.append(f"{where}: an injected property line")
    lines = raw.split("\r\n")
    begins = sorted(line[6:] for line in lines if line.startswith("BEGIN:"))
    ends = sorted(line[4:] for line in lines if line.startswith("END:"))
    if begins != ends or begins.count("VCALENDAR") != 1:
        problems.append(f"{where}: components out of balance: {begins} / {ends}")
    if any("\n" in line or "\r" in line for line in lines):
        problems.append(f"{where}: a bare line break")
    return problems


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def check_files(folder: Path) -> list[str]:
    problems = []
    root = folder.resolve()
    for path in folder.rglob("*"):
        real = path.resolve()
        if root not in real.parents:
            problems.append(f"{path}: outside {root}")
        name = path.name
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
            problems.append(f"{name!r}: control or format characters in a file name")
        if name.split(".")[0].upper() in _RESERVED:
            problems.append(f"{name!r}: a Windows device name")
    for stray in (folder.parent / "x", folder.parent.parent / "x"):
        if stray.exists():
            problems.append(f"{stray}: a file escaped the output folder")
    return problems


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_cells(values: list[object], where: str) -> list[str]:
    """Formula-like text cells (a plain negative number is a number, not a formula)."""
    return [f"{where}: formula-like cell {v[:40]!r}" for v in values
            if isinstance(v, str) and v.startswith(_FORMULA_START) and not _number(v)]


# ---------------------------------------------------------------- the checkers find what they look for
@pytest.mark.parametrize("markup", [SCRIPT, IMG, f'<a href="{JS}">x</a>', f'<a href=" &#10;{JS}">x</a>',
                                    f'<iframe srcdoc="{IMG.replace(chr(34), "&quot;")}"></iframe>',
                                    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
                                    '<script type="application/vnd.jupyter.widget-state+json">{"a": "</script>'])
def test_live_markup_is_found(markup):
    assert live_markup(markup, "probe")


@pytest.mark.parametrize("markup", ["&lt;script&gt;alert(1)&lt;/script&gt;", '<a href="https://ok.example">ok</a>',
                                    '<a href="mailto:a@b.example?subject=%3Cscript%3E">m</a>',
                                    '<img src="data:image/png;base64,iVBORw0KGgo=">'])
def test_escaped_markup_passes(markup):
    assert live_markup(markup, "probe") == []


def test_file_and_cell_checkers_find_what_they_look_for(tmp_path):
    (tmp_path / "CON.eml").write_text("x")
    (tmp_path / "a\u202eb.ics").write_text("x")
    assert len(check_files(tmp_path)) == 2
    assert check_cells(["=1+1", "'=1+1", "ok", "@SUM(A1)", "-3", "-2.5"], "probe") == [
        "probe: formula-like cell '=1+1'", "probe: formula-like cell '@SUM(A1)'"]


# ---------------------------------------------------------------- widgets
def test_widgets_show_hostile_values_as_text(hostile, tmp_path):
    path, ids = hostile
    problems: list[str] = []
    shown: list[str] = []
    with Workbook.open(path) as wb:
        ranked = ik.rank_people(wb.contacts(), wb.profile(), top=15)
        tick = iter([NOW + dt.timedelta(minutes=m) for m in range(0, 600, 5)])
        made = {
            "ContactForm": lambda: ContactForm(wb),
            "ResearchForm": lambda: ResearchForm(wb, ids["contact"]),
            "TargetPicker": lambda: TargetPicker(wb, ranked),
            "ProfileForm": lambda: ProfileForm(wb),
            "EmployerRater": lambda: EmployerRater(wb),
            "WidgetCheck": lambda: WidgetCheck(wb),
            "FollowupBoard": lambda: FollowupBoard(wb, TODAY, now=NOW, out_dir=tmp_path / "board"),
            "ScheduleForm": lambda: ScheduleForm(wb, out_dir=tmp_path / "schedule"),
            "QuestionPlanEditor": lambda: QuestionPlanEditor(wb, ids["upcoming"]),
            "MeetingTimer": lambda: MeetingTimer(wb, ids["upcoming"], now=lambda: next(tick)),
            "MeetingLogForm": lambda: MeetingLogForm(wb, ids["meeting"], now=lambda: NOW),
            "Composer": lambda: Composer(wb, ids["odd"], out_dir=tmp_path / "composer"),
            "Composer (sent)": lambda: Composer(wb, ids["contact"], out_dir=tmp_path / "composer"),
        }
        for name, make in made.items():
            widget = make()
            assert widget_html(widget), f"{name}: no HTML collected: the sweep would prove nothing"
            problems += check_widget(widget, name)
            click_every_button(widget)  # statuses, download links, previews made from hostile values
            problems += check_widget(widget, f"{name} after clicks")
            shown += widget_html(widget)
    assert any("&lt;script&gt;" in h or "&lt;img" in h for h in shown)  # the hostile values did reach the HTML
    for folder in ("board", "schedule", "composer"):
        if (tmp_path / folder).exists():
            problems += check_files(tmp_path / folder)
    assert problems == []


# ---------------------------------------------------------------- brief, emails, calendars, exports
def test_printable_brief_is_inert(hostile, tmp_path):
    path, ids = hostile
    with Workbook.open(path) as wb:
        page = interview.brief_html(wb, ids["meeting"])
        frame = brief_frame(page)
        written = interview.write_brief(wb, ids["upcoming"], tmp_path / "briefs")
        contact = wb.contact(ids["contact"])
    direct = interview.render_brief(
        contact=contact, meeting={"starts_at": "2026-11-24T14:00", "duration_min": 30, "place": IMG, "link": JS},
        common_ground=[{"kind": SCRIPT, "evidence": IMG, "url": JS, "source_url": "javascript:alert(4)"}],
        accomplishments=[SCRIPT, IMG], plan=pd.DataFrame({"text": [SCRIPT], "minutes": [3], "theme": [IMG]}),
        checklist=[SCRIPT, f'<a href="{JS}">x</a>'])
    problems = live_markup(page, "brief") + live_markup(direct, "render_brief")
    problems += live_markup(written.read_text(encoding="utf-8"), written.name)
    assert "srcdoc=" in frame.data
    problems += live_markup(frame.data, "brief_frame")  # the iframe's srcdoc is parsed too
    assert "&lt;script&gt;" in page  # shown, as text
    problems += check_files(tmp_path / "briefs")
    assert problems == []


def test_emails_have_no_injected_headers_and_stay_in_their_folder(hostile, tmp_path):
    path, ids = hostile
    out = tmp_path / "drafts"
    problems: list[str] = []
    with Workbook.open(path) as wb:
        for mid in wb.messages()["id"]:
            problems += check_eml(export_eml(wb, int(mid), out))
            link = mailto_for(wb, int(mid))
            assert link.startswith("mailto:") and not re.search(r"[\r\n<>\"]", link), link
        drafts = draft_due(wb, TODAY, out / "due", at=NOW)
        for eml in drafts["eml"].dropna():
            problems += check_eml(Path(eml))
    msg = outreach.build_message(subject=INJECT, body=f"{SCRIPT}\n{IMG}", to_name=INJECT, to_addr="eve@example.org",
                               from_name=ICS_INJECT, from_addr="me@example.org")
    for stem in ("../../x", "CON", RTL, "..", "/etc/passwd", "a\r\nb", "nul.txt"):
        written = outreach.write_eml(msg, out / "direct", stem)
        assert written.parent == (out / "direct").resolve() or written.parent == out / "direct"
        problems += check_eml(written, expected_to="eve@example.org")
    for bad_to in ("eve@example.org\r\nBcc: victim@evil.example", "a@b.example, victim@evil.example"):
        with pytest.raises(ik.InfoviewError):
            outreach.build_message(subject="s", body="b", to_name="Eve", to_addr=bad_to, from_name="Me",
                                 from_addr="me@example.org")
    problems += check_files(out)
    assert problems == []


def test_calendars_have_no_injected_properties(hostile, tmp_path):
    path, ids = hostile
    out = tmp_path / "calendars"
    problems: list[str] = []
    with Workbook.open(path) as wb:
        for mid in (ids["meeting"], ids["upcoming"]):
            ics = interview.meeting_calendar(wb, mid, out, dtstamp=NOW)
            problems += check_ics(ics.read_bytes(), ics.name)
        follow = reminders_file(wb, TODAY, out / "follow-ups.ics")
        problems += check_ics(follow.read_bytes(), follow.name)
        for f in interview.export_meeting_files(wb, out / "meeting", now=NOW):
            if f.suffix == ".ics":
                problems += check_ics(f.read_bytes(), f.name)
    direct = meeting_ics(uid="x@example.org", sequence=0, start=NOW, duration_min=30, summary=ICS_INJECT,
                         description=ICS_INJECT, location=ICS_INJECT, organizer_email="me@example.org",
                         attendee_email="eve@example.org", url="https://ok.example/a", dtstamp=NOW)
    problems += check_ics(direct, "meeting_ics")
    with pytest.raises(ik.InfoviewError, match="http"):
        meeting_ics(uid="x@example.org", sequence=0, start=NOW, duration_min=30, summary="s", url=JS, dtstamp=NOW)
    problems += check_ics(reminders_ics([{"uid": "r@example.org", "due": TODAY, "summary": ICS_INJECT,
                                          "description": ICS_INJECT}], dtstamp=NOW), "reminders_ics")
    problems += check_files(out)
    assert problems == []


def test_contact_exports_neutralize_formulas(hostile, tmp_path):
    path, _ = hostile
    problems: list[str] = []
    with Workbook.open(path) as wb:
        csv_file = wb.export_contacts(tmp_path / "contacts.csv")
        xlsx_file = wb.export_contacts(tmp_path / "contacts.xlsx")
    with open(csv_file, newline="", encoding="utf-8-sig") as fh:
        problems += check_cells([v for row in csv.reader(fh) for v in row], "contacts.csv")
    sheet = openpyxl.load_workbook(xlsx_file).active
    cells = [c for row in sheet.iter_rows() for c in row]
    problems += [f"contacts.xlsx {c.coordinate}: a formula" for c in cells if c.data_type == "f"]
    problems += check_cells([c.value for c in cells], "contacts.xlsx")
    values = {c.value for c in cells}
    assert f"'{FORMULA}" in values and "'@SUM(A1)" in values  # kept, as text
    assert len(ik.read_contacts(xlsx_file)) == len(ik.read_contacts(csv_file)) == sheet.max_row - 1
    export = Path(ik.__file__).with_name("export.py")
    if export.exists():  # `infoview export`, when that command exists
        out = tmp_path / "export"
        for fmt, target in (("csv", out / "tables"), ("xlsx", out / "all.xlsx"), ("json", out / "all.json")):
            assert cli.main(["export", "--workbook", str(path), "--format", fmt, "--out", str(target)]) == 0
        assert json.loads((out / "all.json").read_text(encoding="utf-8"))
        assert len(list(out.rglob("*.csv"))) >= 5
        for f in out.rglob("*"):
            if f.suffix == ".csv":
                with open(f, newline="", encoding="utf-8-sig") as fh:
                    problems += check_cells([v for row in csv.reader(fh) for v in row], f.name)
            elif f.suffix == ".xlsx":
                book = openpyxl.load_workbook(f)
                cells = [c for s in book for row in s.iter_rows() for c in row]
                problems += [f"{f.name} {c.coordinate}: a formula" for c in cells if c.data_type == "f"]
                problems += check_cells([c.value for c in cells], f.name)
            elif f.suffix in (".html", ".htm"):
                problems += live_markup(f.read_text(encoding="utf-8"), f.name)
        problems += check_files(tmp_path / "export")
    assert problems == []


# ---------------------------------------------------------------- the whole report (slow: one run)
@pytest.mark.slow
def test_report_pages_are_inert(hostile, tmp_path):
    path, _ = hostile
    out = tmp_path / "report"
    assert cli.main(["run", "--workbook", str(path), "--today", TODAY.isoformat(), "--out", str(out), "--quiet"]) == 0
    problems: list[str] = []
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 6
    for page in pages:
        problems += live_markup(page.read_text(encoding="utf-8"), page.name, template_scripts=True)
    for f in (out / "files").rglob("*"):
        if f.suffix == ".eml":
            problems += check_eml(f)
        elif f.suffix == ".ics":
            problems += check_ics(f.read_bytes(), f.name)
        elif f.suffix in (".html", ".htm"):
            problems += live_markup(f.read_text(encoding="utf-8"), f.name)
        elif f.suffix == ".csv":
            with open(f, newline="", encoding="utf-8-sig") as fh:
                problems += check_cells([v for row in csv.reader(fh) for v in row], f.name)
    problems += check_files(out)
    assert problems == [], "\n".join(problems[:20])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "05_follow_up_progress.html").read_text()
    assert os.path.getsize(out / "01_find_contacts.html") < 20_000_000  # the 1 MB note is not copied around


def test_eml_and_ics_checkers_find_what_they_look_for(tmp_path):
    (tmp_path / "bad.eml").write_bytes(b"To: eve@example.org\r\nSubject: hi\r\nBcc: victim@evil.example\r\n"
                                       b"\r\nbody\r\n")
    assert check_eml(tmp_path / "bad.eml") == ["bad.eml: injected header Bcc"]
    injected = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Eve\r\n"
                b"ATTENDEE:mailto:victim@evil.example\r\nEND:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    found = check_ics(injected, "probe")
    assert any("injected" in p for p in found) and any("balance" in p for p in found)


def test_chart_reading_shows_names_as_text():
    """The written reading of the charts is Markdown: a name must not become HTML or a link there."""
    import mistune

    from infoview_kit.reports.reading import reading

    due = pd.DataFrame({"status": ["overdue"], "due_at": [pd.Timestamp("2026-11-20", tz="UTC")],
                        "kind": [f"update{SCRIPT}"], "name": [f"{IMG} [x]({JS}) <a href='{JS}'>y</a>"]})
    text = reading({}, due)
    page = mistune.html(text)
    assert live_markup(page, "reading") == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_chart_data_files_neutralize_formulas(tmp_path):
    from infoview_kit.reports import charts

    frame = pd.DataFrame({"name": ["=1+2 @SUM(A1)", "+Plus", "Ana"], "minutes": [-3, 2, 1]})
    (path,) = charts.save_data(tmp_path, meeting_minutes=frame)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert check_cells([v for row in rows for v in row], path.name) == []
    assert rows[1] == ["'=1+2 @SUM(A1)", "-3"]
