"""The infoview command: help, import, run errors, and a SIGKILL in the middle of a large import."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from infoview_kit.cli import main
from infoview_kit.workbook import Workbook


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "run" in capsys.readouterr().out
    assert main(["--version"]) == 0


def test_import_prints_the_report(tmp_path, capsys):
    wb = tmp_path / "wb.sqlite"
    assert main(["import", "data/sample/Connections.csv", "--workbook", str(wb)]) == 0
    out = capsys.readouterr().out
    assert "59 added" in out and "1 skipped" in out and "hidden" in out


def test_bad_input_exits_2_with_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    wb = tmp_path / "wb.sqlite"
    assert main(["import", str(bad), "--workbook", str(wb)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "notes.txt" in err[0]
    assert main(["run", "--workbook", str(tmp_path / "missing.sqlite")]) == 2


def _big_linkedin(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write("Notes:\n\"Invented rows for a crash test.\"\n\n")
        w = csv.writer(fh)
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i in range(rows):
            w.writerow([f"First{i}", f"Last{i}", f"https://www.linkedin.com/in/p{i}", "", f"Company {i % 997}",
                        "Data Analyst" if i % 7 else "Technical Recruiter", "05 Mar 2024"])


@pytest.mark.slow
def test_sigkill_during_a_large_import_leaves_the_store_valid_and_unchanged(demo_path, tmp_path):
    big = tmp_path / "Connections.csv"
    _big_linkedin(big, 150_000)
    with Workbook.open(demo_path) as wb:
        before = wb.table_counts()
    wal = demo_path.with_name(demo_path.name + "-wal")
    base = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen([sys.executable, "-m", "infoview_kit.cli", "import", str(big), "--workbook",
                             str(demo_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > base + 2_000_000:  # the transaction is writing
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the import finished before it could be killed: make the file larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(demo_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Workbook.open(demo_path) as wb:
        assert wb.table_counts() == before


@pytest.mark.slow
def test_run_on_a_brand_new_workbook_says_nothing_yet_instead_of_failing(tmp_path, capsys):
    wb = tmp_path / "new.sqlite"
    Workbook.open(wb).close()
    out = tmp_path / "report"
    assert main(["run", "--workbook", str(wb), "--today", "2026-11-25", "--out", str(out), "--quiet"]) == 0
    assert (out / "index.html").exists()
    assert "nobody is on your outreach list yet" in (out / "02_research.html").read_text()


@pytest.mark.slow
def test_a_failing_run_exits_1_with_one_line_naming_notebook_and_cell(demo_path, tmp_path, capsys):
    con = sqlite3.connect(demo_path)  # a damaged profile that the notebooks trip over
    con.execute("UPDATE profile SET value = '\"Mars/Olympus_Mons\"' WHERE key = 'timezone'")
    con.commit()
    con.close()
    code = main(["run", "--workbook", str(demo_path), "--today", "2026-11-25", "--out", str(tmp_path / "o"),
                 "--quiet"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("infoview run:")]
    assert code == 1
    assert len(err) == 1 and "01_find_contacts.ipynb failed at cell" in err[0] and "Mars/Olympus_Mons" in err[0]
    assert (tmp_path / "o" / "01_find_contacts.ipynb").exists()


# ---------------------------------------------------------------- infoview sync
def _sync_story(tmp_path):
    """The sync story's workbook (tests/sync/test_apply.py), as the workbook's default path, and its mailbox."""
    from tests.sync import mailboxes as mb

    path = tmp_path / "default-workbook.sqlite"  # $INFOVIEW_WORKBOOK in every test
    with Workbook.open(path) as wb:
        wb.set_profile(name="Maya Ortiz", email=mb.ME, timezone="America/Chicago", country="US")
        priya = wb.add_contact("Priya", "Raman", email="priya.raman@example.com", at="2026-10-30")
        jun = wb.add_contact("Jun", "Watanabe", email="jun@nowhere.example", at="2026-10-30")
        wb.save_draft(priya, "outreach", "Quick question about your work at Acme", "Hi Priya", at="2026-11-01")
        wb.mark_sent(wb.save_draft(jun, "outreach", "Hello", "Hi Jun", at="2026-11-01"), at="2026-11-04T15:00")
    return path, mb.write_mbox(tmp_path / "mail.mbox", mb.story())


def test_sync_prints_the_proposals_and_applies_them_with_yes(tmp_path, capsys):
    path, box = _sync_story(tmp_path)
    assert main(["sync", str(box), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Sent" in out and "Replied" in out and "Bounced" in out and "Delivery failure for jun@nowhere.example" in out
    assert "4 to review: 1 sent, 1 replied, 1 bounced, 1 in touch (6 messages read)." in out
    with Workbook.open(path) as wb:
        assert wb.synced().empty and set(wb.messages()["status"]) == {"draft", "sent"}
    assert main(["sync", str(box), "--yes"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Sync 1 applied 4 (1 sent, 1 replied, 1 bounced, 1 interaction)."
    with Workbook.open(path) as wb:
        assert sorted(wb.messages()["status"]) == ["draft", "replied"]
    assert main(["sync", str(box)]) == 0  # a second sync: nothing new, nothing asked
    assert capsys.readouterr().out.strip() == "Nothing new to review (6 messages read)."
    assert main(["sync", "--undo"]) == 0
    assert "Undid sync 1: took back 4 (1 sent, 1 replied, 1 bounced, 1 interaction)." in capsys.readouterr().out
    with Workbook.open(path) as wb:
        assert set(wb.messages()["status"]) == {"draft", "sent"}


def test_sync_asks_before_applying_and_refuses_bad_input(tmp_path, capsys, monkeypatch):
    path, box = _sync_story(tmp_path)
    monkeypatch.setattr("builtins.input", lambda _prompt="": "n")
    assert main(["sync", str(box)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "nothing changed"
    assert main(["sync"]) == 2
    assert "nothing to read" in capsys.readouterr().err
    assert main(["sync", str(tmp_path / "missing.mbox")]) == 2
    assert capsys.readouterr().err.startswith("infoview sync: missing.mbox: no such file")
    assert main(["sync", "--imap", "mail.example"]) == 2
    assert "--imap needs --user" in capsys.readouterr().err
    with Workbook.open(path) as wb:
        assert wb.synced().empty


@pytest.mark.parametrize("command", [["run"], ["report"], ["cohort-report", "folder"]])
def test_every_command_that_writes_pages_takes_show_code(command):
    from infoview_kit.cli import _parser

    assert _parser().parse_args([*command, "--show-code"]).show_code is True
    assert _parser().parse_args(command).show_code is False
