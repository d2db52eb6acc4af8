"""The journey's variant that records the reply by sync instead of by clicking "They replied", in JupyterLab
(notebook 05 with its widgets live, in Chromium), reusing journey.py's helpers.

Maya has found her contacts and written to Priya (notebooks 01 and 03, set up here through the public
calls their buttons make), but does not click "They replied": Priya's answer is in her mail program. She
exports her mailbox (an mbox, written here with the standard ``mailbox`` module, with Priya's reply and a
newsletter from a stranger), types its path into notebook 05's *What happened since last time*, clicks
Review, then Apply. The workbook then holds the reply as the button would have recorded it, and nothing of
the stranger. A screenshot per step is kept in test-artifacts/ (journey_sync_*.png).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mailbox
import re
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest

from infoview_kit import followup as followups

from ..conftest import need_browser, run_all_cells
from .journey import CONNECTIONS, PROFILE, Journey

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


def _sent_workbook(path: Path, export: Path) -> tuple[int, dict]:
    """Maya's workbook after notebooks 01 and 03 (the clicking of journey.py up to "Sent", done here
    through the same public calls its buttons make): her profile, her connections, Priya added with her
    email, the first email to Priya drafted and marked sent. Returns Priya's id and the sent message."""
    import yaml

    from infoview_kit.outreach.drafting import save_composed
    from infoview_kit.workbook import Workbook

    with Workbook.open(path) as wb:
        wb.set_profile(**yaml.safe_load(PROFILE))
        wb.import_contacts(export)
        priya = wb.add_contact("Priya", "Natarajan", email="priya.n@example.org", company="Riverbend Clinic",
                               position="Clinical Research Coordinator")
        wb.set_target(priya)
        mid = save_composed(wb, priya, "seed")
        text = wb.message(mid)
        wb.save_draft(priya, "outreach", text["subject"], re.sub(r"\[[A-Za-z_]+\]", "your work", text["body"]))
        wb.mark_sent(mid)
        return priya, dict(wb.messages(priya).set_index("id").loc[mid].to_dict(), id=mid)


def test_the_reply_recorded_by_sync_in_lab(tmp_path, lab, page, artifacts):
    from playwright.sync_api import expect

    need_browser()
    export = tmp_path / "Connections.csv"
    export.write_text(CONNECTIONS)
    workbook = tmp_path / "workbook.sqlite"
    priya, sent = _sent_workbook(workbook, export)
    box, replied_at = _mailbox(tmp_path / "Takeout" / "All mail.mbox", sent)
    j = Journey(page, lab("05_follow_up_progress.ipynb", workbook), "sync", workbook, artifacts)

    run_all_cells(page, j.url)  # notebook 05 as a person opens it: Run All
    review = page.locator(".jp-OutputArea .infoview-sync")
    status = review.locator(".infoview-status")
    expect(status).to_contain_text("Type the path of your mailbox")  # nothing to review before a path
    j.shot("sync_empty", review)
    review.locator(".widget-text input").fill(str(box))
    j.button(review, "Review").click()
    expect(status).to_contain_text("1 to review: 1 replied (2 messages read)")
    row = review.locator(".infoview-sync-row-0")
    expect(row).to_contain_text("Priya Natarajan")
    expect(row).to_contain_text(f"from priya.n@example.org on {replied_at.tz_convert('America/New_York'):%d %b %Y}")
    j.shot("sync_reviewed", review)
    with j.wb() as wb:
        assert wb.message(int(sent["id"]))["status"] == "sent", "nothing changes before Apply"
    j.button(row, "Apply").click()
    expect(status).to_contain_text("Replied: ")
    expect(status).to_contain_text("applied 1 (1 replied)")
    expect(row).to_have_count(0)
    j.shot("sync_applied", review)

    with j.wb() as wb:
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

    # a second Review of the same mailbox: nothing new
    j.button(review, "Review").click()
    expect(status).to_contain_text("Nothing new to review (2 messages read)")
    j.shot("sync_again", review)
