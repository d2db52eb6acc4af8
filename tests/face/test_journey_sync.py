"""The journey's variant that records the reply by sync instead of by clicking "They replied", in JupyterLab
and Chromium, reusing journey.py's helpers.

Maya finds her contacts and writes to Priya by clicking (notebooks 01 and 03 in `infoview lab`, on the
private copies: journey.py's steps), but does not click "They replied": Priya's answer is in her mail
program. She exports her mailbox (an mbox, written here with the standard ``mailbox`` module, with Priya's
reply and a newsletter from a stranger), types its path into notebook 05's *What happened since last time*,
clicks Review, then Apply. The workbook then holds the reply as the button would have recorded it, and
nothing of the stranger; `git status` stays clean. Screenshots: test-artifacts/journey_lab_NN_sync_*.png.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest

from infoview_kit import followup as followups
from infoview_kit.workbook import Workbook

from ..conftest import need_browser, start_infoview, stop_server
from .journey import Journey, _clean, _project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _mailbox(path: Path, sent: dict) -> tuple[Path, pd.Timestamp]:
    """Maya's exported mailbox: Priya's reply in the thread of her email, and a stranger's newsletter."""
    when = pd.Timestamp(sent["sent_at"]) + pd.Timedelta(seconds=5)
    reply = EmailMessage()
    reply["From"] = "Priya Natarajan <Priya.N@example.org>"
    reply["To"] = "Maya Okafor <maya.okafor@example.org>"
    reply["Subject"] = f"Re: {sent['subject']}"
    reply["Date"] = email.utils.format_datetime(when.to_pydatetime())
    reply["Message-ID"] = "<reply-1@example.org>"
    reply.set_content("Hi Maya,\n\nHappy to talk. Does Thursday work?\n\nPriya\n")
    news = EmailMessage()
    news["From"] = "Weekly Digest <digest@news.example>"
    news["To"] = "maya.okafor@example.org"
    news["Subject"] = "Your weekly digest"
    news["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    news["Message-ID"] = "<digest-7@news.example>"
    news.set_content("Ten things you missed.")
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.mbox(path)
    for msg in (news, reply):
        box.add(msg)
    box.flush()
    box.close()
    return path, when.floor("s")


class _SyncJourney(Journey):
    """journey.py's walk in JupyterLab; its screenshots named journey_lab_NN_sync_*.png."""

    def shot(self, name: str, locator=None) -> None:
        super().shot("sync_" + name, locator)


def _send_first_email(j: Journey, priya: int) -> dict:
    """Notebook 03, by clicking: fill the draft's blanks and click Sent (not They replied)."""
    from playwright.sync_api import expect

    j.open("03_draft_emails.ipynb", "Write")
    form = j.page.locator(".infoview-composer").last
    expect(form.locator(".infoview-who")).to_contain_text("Priya Natarajan")
    j._fill_blanks(form)
    j.button(form, "Sent").click()
    expect(form.locator(".infoview-status")).to_contain_text("Marked sent on")
    j.shot("first_email_sent", form)
    with j.wb() as wb:
        sent = wb.messages(priya).query("kind == 'outreach'")
        assert sent["status"].tolist() == ["sent"]
        return dict(sent.iloc[0])


def _sync_in_05(j: Journey, box: Path, replied_at: pd.Timestamp) -> None:
    """Notebook 05, by clicking: type the mailbox's path, Review, Apply."""
    from playwright.sync_api import expect

    j.open("05_follow_up_progress.ipynb", "Follow-ups")
    review = j.page.locator(".jp-OutputArea .infoview-sync")
    status = review.locator(".infoview-status")
    expect(status).to_contain_text("Type the path of your mailbox")  # nothing to review before a path
    j.shot("empty", review)
    review.locator(".widget-text input").fill(str(box))
    j.button(review, "Review").click()
    expect(status).to_contain_text("1 to review: 1 replied (2 messages read)")
    row = review.locator(".infoview-sync-row-0")
    expect(row).to_contain_text("Priya Natarajan")
    expect(row).to_contain_text(f"from priya.n@example.org on {replied_at.tz_convert('America/New_York'):%d %b %Y}")
    j.shot("reviewed", review)
    with j.wb() as wb:
        assert wb.messages().query("kind == 'outreach'")["status"].tolist() == ["sent"], "nothing changes yet"
    j.button(row, "Apply").click()
    expect(status).to_contain_text("Replied: ")
    expect(status).to_contain_text("applied 1 (1 replied)")
    expect(row).to_have_count(0)
    j.shot("applied", review)
    j.button(review, "Review").click()  # the same mailbox again: nothing new
    expect(status).to_contain_text("Nothing new to review (2 messages read)")
    j.shot("again", review)


def test_the_journey_with_the_reply_recorded_by_sync_in_lab(tmp_path, git_project, page, artifacts, monkeypatch):
    need_browser()
    monkeypatch.delenv("INFOVIEW_WORKBOOK")
    workbook, export = _project(tmp_path, git_project)
    proc, url, _log = start_infoview("lab", tmp_path / "lab", cwd=git_project)
    try:
        j = _SyncJourney(page, url, "lab", workbook, artifacts)
        priya, _jonah = j.find_contacts(export)
        sent = _send_first_email(j, priya)
        box, replied_at = _mailbox(tmp_path / "Takeout" / "All mail.mbox", sent)
        _sync_in_05(j, box, replied_at)
    finally:
        stop_server(proc)
    with Workbook.open(workbook, read_only=True) as wb:
        msg = wb.messages(priya).set_index("id").loc[int(sent["id"])]
        assert msg["status"] == "replied" and msg["replied_at"] == replied_at
        assert followups.due(wb, horizon_days=30).query(f"contact_id == {priya}").empty, \
            "the reply settled the no-reply routine, as the button does"
        stored = wb.synced()
        assert stored[["action", "contact_id", "source_id"]].values.tolist() == [
            ["replied", priya, "reply-1@example.org"]]
        assert not any(wb.all_tables()[t].astype(str).apply(lambda c: c.str.contains("digest")).any().any()
                       for t in ("synced", "events", "contacts")), "mail from strangers is never stored"
        assert wb.contacts().set_index("id").loc[priya, "stage"] == "replied"
    _clean(git_project, workbook)
