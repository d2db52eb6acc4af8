"""Redacted reports: a workbook full of marked values, and not one of them in any file of the report."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from infoview_kit import cli
from infoview_kit.base.errors import InputFormatError, WorkbookError
from infoview_kit.reports.redact import MARKER, Pseudonyms, check_output_folder, redacted_copy
from infoview_kit.workbook import Workbook

FIXTURE = Path(__file__).parent.parent / "fixtures" / "redact" / "Qwxfile_Connections.csv"
MARK = "qwx"  # every personal value in the test workbook holds it; no placeholder does
TODAY = "2026-11-25"
BANK_QUESTION = "Looking back, which early decision or lucky break mattered most in getting you here?"


def build_marked_workbook(path: Path) -> Path:
    """A workbook with the marker in every text field of every table, through the public API and an import."""
    with Workbook.open(path) as wb:
        wb.set_profile(name="Qwxjane Qwxdoe", email="qwxjane@qwxmail.example", status="working",
                       school_status="recent Qwxgraduate of Qwxlakeside University", current_employer="Qwxretail Co",
                       target_industry="Qwxindustry", target_roles=["Qwxrole analyst", "Qwxrole scientist"],
                       change_wanted="move from Qwxretail into Qwxdata", schools=["Qwxlakeside University"],
                       employers=["Qwxretail Co", "Qwxhelio Labs"], city="Qwxcity", region="Qwxregion",
                       interests=["Qwxcycling", "Qwxchess"], groups=["Qwxgroup club"],
                       signature="Qwxjane Qwxdoe\nqwxjane@qwxmail.example", country="US", timezone="America/Chicago",
                       at="2026-09-01T09:00")
        referrer = wb.add_contact("Qwxrita", "Qwxreferrer", email="qwxrita@qwxmail.example", company="Qwxhelio Labs",
                                  position="Qwxdirector of Qwxmaps", profile_url="https://www.linkedin.com/in/qwxrita",
                                  how_known="alumni", where_found="Qwxwhere alumni fair", notes="Qwxnote about Rita",
                                  at="2026-09-01T10:00")
        anna = wb.add_contact("Qwxanna", "Qwxberg", email="qwxanna@qwxmail.example", company="Qwxnorth Bank",
                              position="Qwxsenior Analyst", profile_url="https://qwxsite.example/anna",
                              how_known="referral", where_found="Qwxwhere", notes="Qwxnote phone +1 555 0100",
                              referred_by=referrer, source="Qwxsource", at="2026-09-02T10:00")
        wb.add_contact("Qwxmerged", "Qwxperson", email="qwxmerged@qwxmail.example", at="2026-09-02T11:00")
        wb.import_contacts(FIXTURE, at="2026-09-03T10:00")
        wb.add_employer("Qwxdream Employer", motivation=3, posting=2, notes="Qwxemployer note")
        wb.set_target(anna, at="2026-09-04T10:00")
        for kind, title, org in [("experience", "Qwxhead of Qwxcharts", "Qwxnorth Bank"),
                                 ("education", "Qwxmsc Qwxstatistics", "Qwxlakeside University"),
                                 ("accomplishment", "Qwxaward", None), ("article", "Qwxarticle title", None),
                                 ("interest", "Qwxcycling", None), ("note", "Qwxnote title", None)]:
            wb.add_research(anna, kind, title, organization=org, start="2019-03", end="2021", outlet="Qwxoutlet",
                            relation="by" if kind == "article" else None, url="https://qwxsite.example/a",
                            source_url="https://qwxsource.example/qwx", notes="Qwxresearch note", at="2026-09-05T10:00")
        mid = wb.save_draft(anna, "outreach", "Qwxsubject hello", "Dear Qwxanna,\nQwxbody text.\nQwxjane",
                            template="qwxtemplate", at="2026-09-06T10:00")
        wb.mark_sent(mid, at="2026-09-07T10:00")
        wb.mark_replied(mid, at="2026-09-08T10:00")
        meeting = wb.schedule_meeting(anna, "2026-11-24T14:00", duration_min=30, place="Qwxcafe, 1 Qwxstreet",
                                      at="2026-09-09T10:00")
        import pandas as pd

        plan = pd.DataFrame({"text": [BANK_QUESTION, "What does a typical day look like for you as a Qwxsenior "
                                      "Analyst at Qwxnorth Bank?", "Qwxown question about Qwxcharts?"],
                             "minutes": [3, 3, 2], "theme": ["Qwxtheme"] * 3})
        wb.save_questions(meeting, plan)
        wb.log_meeting(meeting, actual_start="2026-11-24T14:02", actual_end="2026-11-24T14:29",
                       notes="Qwxmeeting notes", advice="Qwxadvice", next_steps="Qwxnext steps",
                       resources="Qwxresources https://qwxsite.example/r",
                       answers={"Qwxown question about Qwxcharts?": "Qwxanswer"})
        wb.save_draft(anna, "thank_you", "Qwxthanks subject", "Thank you Qwxanna, Qwxjane", at="2026-11-24T16:00")
        wb.add_followup(referrer, "qwxkind", "2026-11-26T10:00", "Qwxreason to write to Rita")
        wb.add_followup(anna, "update", "2026-11-20T10:00", "Qwxreason update")
        _sync_marked(wb, referrer)
    return path


def _sync_marked(wb: Workbook, referrer: int) -> None:
    """What a sync stores, marked: a bounce that put a sent message back (its undo holds the follow-ups'
    reasons, which name the company), an interaction, and where an IMAP account was read up to."""
    import pandas as pd

    from infoview_kit.sync.apply import apply_matches

    mid = wb.save_draft(referrer, "outreach", "Qwxsubject two", "Dear Qwxrita", at="2026-09-06T10:00")
    wb.mark_sent(mid, at="2026-09-07T10:00")
    rows = pd.DataFrame([
        {"contact_id": referrer, "message_id": mid, "action": "bounced", "at": pd.Timestamp("2026-09-07T11:00Z"),
         "evidence": "Delivery failure for qwxrita@qwxmail.example", "source_id": "qwxbounce@qwxmail.example",
         "channel": "mail", "incoming": True, "address": "qwxrita@qwxmail.example"},
        {"contact_id": referrer, "message_id": None, "action": "interaction", "at": pd.Timestamp("2026-09-08T11:00Z"),
         "evidence": "\u201cQwxlunch\u201d from qwxrita@qwxmail.example", "source_id": "qwxlunch@qwxmail.example",
         "channel": "mail", "incoming": True, "address": "qwxrita@qwxmail.example"}])
    rows.attrs["report"] = {"sources": ["/home/qwxjane/mail.mbox"], "account": "imap://qwxjane@qwxmail.example",
                            "imap_state": {"Qwxfolder": {"uidvalidity": 1, "last_uid": 2}}}
    apply_matches(wb, rows, at="2026-09-08T12:00")


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> Path:
    # the folder is named too: the workbook's own path must not appear in the report either
    folder = tmp_path_factory.mktemp("marked") / "Qwxjane-private"
    folder.mkdir()
    return build_marked_workbook(folder / "workbook.sqlite")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _png_text(data: bytes) -> str:
    """The text chunks (tEXt, iTXt, zTXt) of a PNG: where metadata would hide a name."""
    import zlib

    out, pos = [], 8
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind, chunk = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + size]
        if kind in (b"tEXt", b"iTXt"):
            out.append(chunk.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = chunk.partition(b"\0")
            out.append(key.decode("latin-1") + zlib.decompress(rest[1:]).decode("latin-1"))
        pos += 12 + size
    return "\n".join(out)


_DATA_URI = re.compile(r"data:image/(?:png|jpeg|gif);base64,([A-Za-z0-9+/=\s\\n]+)")


def readable_text(path: Path) -> str:
    """Everything a person could read in a file of the report, decoded: the raw text with folded lines
    joined, email headers and parts decoded, embedded images replaced by their PNG metadata."""
    raw = path.read_bytes()
    if path.suffix == ".png":
        return _png_text(raw)
    text = raw.decode("utf-8", errors="replace")
    images: list[str] = []

    def image(m: re.Match[str]) -> str:
        blob = re.sub(r"\\n|\s", "", m.group(1))
        images.append(_png_text(base64.b64decode(blob + "=" * (-len(blob) % 4))))
        return "data:image/png;base64,"

    text = _DATA_URI.sub(image, text)
    if path.suffix == ".ipynb":
        nb = json.loads(raw)
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                for mime in [m for m in output.get("data", {}) if m.startswith("image/")]:
                    images.append(_png_text(base64.b64decode("".join(output["data"].pop(mime)))))
        text = json.dumps(nb, ensure_ascii=False)
    parts = [text, re.sub(r"\r?\n[ \t]", "", text), re.sub(r"=\r?\n", "", text), *images]
    if path.suffix == ".eml":
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts += [f"{k}: {v}" for k, v in msg.items()]
        parts += [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


def leaks(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = readable_text(path).casefold()
        hits = sorted({text[max(0, i - 30):i + 30] for i in (m.start() for m in re.finditer(MARK, text))})
        if hits or MARK in path.name.casefold():
            found[str(path.relative_to(folder))] = hits[:5] or [path.name]
    return found


# ---------------------------------------------------------------- the copy itself (fast)
def test_every_text_field_of_the_fixture_is_marked(marked):
    """The test would prove nothing if some text column held no marked value: check that it does."""
    conn = sqlite3.connect(marked)
    unmarked = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for _, col, kind, *_ in conn.execute(f'PRAGMA table_info("{table}")'):
            if kind.upper() == "TEXT" and not conn.execute(
                    f'SELECT 1 FROM "{table}" WHERE lower("{col}") LIKE ?', (f"%{MARK}%",)).fetchone():
                unmarked.append(f"{table}.{col}")
    conn.close()
    # columns the package fills itself: times, kinds, keys, states (none takes free text)
    generated = {"profile.key", "employers.origin", "contacts.connected_on", "contacts.how_known",
                 "contacts.created_at", "research.kind", "research.relation", "research.added_at",
                 "research.start", "research.end",  # dates, checked (_checks.fact_date): no free text
                 "messages.kind", "messages.status", "messages.drafted_at", "messages.sent_at", "messages.replied_at",
                 "meetings.uid", "meetings.starts_at", "meetings.timezone", "meetings.status", "meetings.actual_start",
                 "meetings.actual_end", "followups.due_at", "followups.done_at", "events.at", "events.kind",
                 "merges.source", "merges.matched_by", "merges.at", "merges.undone_at", "employers.name_key",
                 "followups.snoozed_until", "state.key", "state.value",
                 "sync_runs.applied_at", "sync_runs.undone_at", "synced.channel", "synced.action", "synced.at",
                 "synced.undone_at", "bounced_addresses.at", "sync_state.updated_at"}
    assert set(unmarked) <= generated, sorted(set(unmarked) - generated)


def test_redacted_copy_holds_no_marked_value_and_keeps_the_story(marked, tmp_path):
    before = _sha(marked)
    with Workbook.open(marked, read_only=True) as wb:
        counts = wb.table_counts()
        copy = redacted_copy(wb, tmp_path / "copy.sqlite")
    assert _sha(marked) == before  # the workbook itself is only read
    assert MARK.encode() not in copy.read_bytes().lower()  # not even in free pages
    assert copy.stat().st_mode & 0o077 == 0
    with Workbook.open(copy) as red:
        assert red.table_counts() == counts  # same rows: the same charts
        people = red.contacts()
        assert set(people["first_name"]) == {"Person"}
        assert people["email"].dropna().str.fullmatch(r"person\d+(\.\d+)?@example\.invalid").all()
        assert people["profile_url"].isna().all()
        assert red.profile()["name"] == "Job Seeker" and red.profile()["country"] == "US"
        assert list(red.events()["kind"]) == list(Workbook.open(marked, read_only=True).events()["kind"])


def test_the_same_value_gets_the_same_placeholder(marked, tmp_path):
    with Workbook.open(marked, read_only=True) as wb:
        copy = redacted_copy(wb, tmp_path / "copy.sqlite")
    with Workbook.open(copy) as red:
        people = red.contacts().set_index("id")
        helio = people.loc[[1, 4, 5], "company"]  # Rita (added) and two imported people at "Qwxhelio Labs"
        assert helio.nunique() == 1 and helio.iloc[0].startswith("Company ")
        employers = set(red.employers()["name"])
        assert helio.iloc[0] in employers
        assert helio.iloc[0] in red.profile()["employers"]  # the user's former employer: common ground kept
        anna = people.loc[2]
        assert (anna["first_name"], anna["last_name"]) == ("Person", "2")
        assert anna["email"] == "person2@example.invalid"
        questions = red.questions(red.meetings()["id"].iloc[0])["text"].tolist()
        assert questions[0] == BANK_QUESTION  # the bank's questions stay readable, their blanks redacted
        assert re.fullmatch(r"What does a typical day look like for you as a Role \d+ at Company \d+\?", questions[1])
        assert questions[2] == "[redacted question 3]"


def test_people_forgotten_before_stay_one_person_each_in_a_redacted_funnel(demo_path, tmp_path):
    from infoview_kit.reports import charts

    with Workbook.open(demo_path) as wb:
        for name in ("Dana Whitfield", "Jordan Pike", "Helen Whitaker"):
            wb.forget(wb.find_contact(name))
        real = charts.funnel_data(wb, dt.date(2026, 11, 25))
        copy = redacted_copy(wb, tmp_path / "copy.sqlite")
    with Workbook.open(copy, read_only=True) as redacted:
        assert charts.funnel_data(redacted, dt.date(2026, 11, 25)).equals(real)
        assert {d["anonymized"] for d in redacted.events()["detail"] if "anonymized" in d} >= {
            "Forgotten 1", "Forgotten 2", "Forgotten 3"}


def test_redacted_copy_refuses_an_existing_file(marked, tmp_path):
    (tmp_path / "taken.sqlite").write_bytes(b"keep me")
    with Workbook.open(marked, read_only=True) as wb, pytest.raises(WorkbookError, match="exists already"):
        redacted_copy(wb, tmp_path / "taken.sqlite")
    assert (tmp_path / "taken.sqlite").read_bytes() == b"keep me"


def test_unknown_tables_and_columns_and_guards_are_handled(marked, tmp_path):
    """A table or column added later (another schema version) must not leak: emptied or cleared.
    Append-only guards are dropped in the copy whatever they are called, and stay in the original."""
    future = tmp_path / "future.sqlite"
    with Workbook.open(marked, read_only=True) as wb:
        wb._conn.backup(conn := sqlite3.connect(future))
    conn.execute("CREATE TABLE backups (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute("INSERT INTO backups (note) VALUES ('qwxbackup note')")
    conn.execute("ALTER TABLE contacts ADD COLUMN nickname TEXT")
    conn.execute("UPDATE contacts SET nickname = 'qwxnick'")
    conn.execute("CREATE TRIGGER contacts_guard_v3 BEFORE UPDATE OF first_name ON contacts "
                 "BEGIN SELECT RAISE(ABORT, 'guarded'); END")
    conn.commit()
    conn.close()
    with Workbook.open(future) as wb:
        copy = redacted_copy(wb, tmp_path / "copy.sqlite")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            wb._conn.execute("DELETE FROM events")
    assert MARK.encode() not in copy.read_bytes().lower()
    red = sqlite3.connect(copy)
    assert red.execute("SELECT count(*) FROM backups").fetchone()[0] == 0
    assert red.execute("SELECT count(*) FROM contacts WHERE nickname IS NOT NULL").fetchone()[0] == 0
    guards = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%'"
    assert red.execute(guards).fetchone()[0] == 0
    counters = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_changes_%'"
    assert red.execute(counters).fetchone()[0] == 6  # the change counters stay: the copy is a working workbook
    red.close()


def test_pseudonyms_are_stable_and_ignore_case_and_legal_form():
    p = Pseudonyms()
    assert p.org("Acme Inc.") == p.org("ACME") == "Company 1"
    assert p.org("Lakeside University", "School") == "School 2"
    assert p.person("Ana", "Berg") == p.person("ana", "BERG") == ("Person", "1")
    assert p.email("A@x.org", 1) == p.email("a@X.org", 1) == "person1@example.invalid"
    assert p.email("other@x.org", 1) == "person1.2@example.invalid"
    assert p.text("secret") == "[redacted note]" and p.text(None) is None
    assert p.date("2019-06") == "2019-06" and p.date("Spring at Acme") is None
    assert json.loads(p.detail('{"kind": "outreach", "source": "Qwx", "n": 3}')) == {
        "kind": "outreach", "n": 3, "source": "[redacted]"}


def test_a_redacted_report_never_shares_a_folder_with_an_unredacted_one(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "index.html").write_text("<h1>Qwx real names</h1>")
    with pytest.raises(InputFormatError, match="not redacted"):
        check_output_folder(plain)
    again = check_output_folder(tmp_path / "redacted")
    assert (again / MARKER).exists()
    assert check_output_folder(again) == again  # an earlier redacted report's folder is reused


def test_cli_redact_refuses_a_folder_with_an_unredacted_report(marked, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("real")
    code = cli.main(["report", "--redact", "--workbook", str(marked), "--today", TODAY, "--out",
                     str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert "not redacted" in capsys.readouterr().err


# ---------------------------------------------------------------- whole reports (slow: one run each)
@pytest.fixture(scope="module")
def reports(marked, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    before = _sha(marked)
    assert cli.main(["report", "--redact", "--workbook", str(marked), "--today", TODAY,
                     "--out", str(out / "report"), "--quiet"]) == 0
    assert cli.main(["run", "--redact", "--workbook", str(marked), "--today", TODAY,
                     "--out", str(out / "run"), "--quiet"]) == 0
    assert _sha(marked) == before  # the notebooks wrote to the copy only
    return {"report": out / "report", "run": out / "run"}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["report", "run"])
def test_no_marked_value_in_any_file_of_a_redacted_report(reports, command):
    folder = reports[command]
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".ipynb", ".csv", ".ics"}
    assert leaks(folder) == {}


@pytest.mark.slow
def test_a_redacted_report_does_not_show_where_it_was_written(reports):
    import nbformat

    for notebook in reports["run"].glob("*.ipynb"):
        injected = next(c for c in nbformat.read(notebook, as_version=4).cells
                        if "injected-parameters" in c.metadata.get("tags", []))
        out_dir = re.search(r'^out_dir = "(.*)"$', injected.source, re.M)
        assert out_dir and not Path(out_dir.group(1)).is_absolute(), injected.source


@pytest.mark.slow
@pytest.mark.parametrize("command", ["report", "run"])
def test_no_page_of_a_redacted_report_shows_code_or_a_path_of_the_machine(reports, command, tmp_path_factory):
    from .test_pages import code_shown, machine_paths

    forbidden = machine_paths(tmp_path_factory.getbasetemp().parent)
    pages = list(reports[command].rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [p for p in forbidden if p in text], page.name
        assert not code_shown(text), page.name


@pytest.mark.slow
def test_redacted_reports_keep_their_charts_and_tables(reports):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((reports["report"] / "05_follow_up_progress.html").read_text(), "html.parser")
    charts = [img for img in page.find_all("img") if img.get("src", "").startswith("data:image/png;base64,")]
    assert len(charts) >= 6
    assert len(page.find_all("table")) >= 2
    assert "Person 2" in page.get_text()
    for command in ("report", "run"):
        index = (reports[command] / "index.html").read_text()
        assert "(redacted)" in BeautifulSoup(index, "html.parser").h1.get_text()
    run = reports["run"]
    assert len(list(run.glob("*.html"))) == 6  # five notebooks and the index
    assert any(p.suffix == ".eml" for p in (run / "files").rglob("*")) or any(
        p.suffix == ".ics" for p in (run / "files").rglob("*"))


def test_leak_detector_finds_a_leak(tmp_path):
    """The detector itself: a marked value hidden by header encoding, line folding, an image's metadata."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = "Grüße Qwxhidden"  # non-ASCII: RFC 2047-encoded on the wire
    msg.set_content("ok")
    (tmp_path / "a.eml").write_bytes(msg.as_bytes())
    (tmp_path / "b.ics").write_text("BEGIN:VCALENDAR\r\nSUMMARY:abcQw\r\n xrest\r\nEND:VCALENDAR\r\n")
    png = b"\x89PNG\r\n\x1a\n" + (12).to_bytes(4, "big") + b"tEXtAuthor\0qwxz" + b"\0\0\0\0"
    (tmp_path / "c.html").write_text(f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">')
    (tmp_path / "clean.html").write_text("<p>Person 7</p>")
    assert sorted(leaks(tmp_path)) == ["a.eml", "b.ics", "c.html"]
