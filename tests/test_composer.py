"""The composer of step 3 without a browser: edit the text, watch the check, click the buttons, assert on
the workbook, the (escaped) preview and status line, and the files written."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest

from infoview_kit import composer, drafting
from infoview_kit.composer import Composer
from infoview_kit.exceptions import InputFormatError

from .conftest import failed, ok

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
SENT_AT = dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.UTC)  # a Wednesday
ACCOMPLISHMENT = "[their_accomplishment]"


@pytest.fixture
def tariq(demo_wb) -> int:
    """Tariq Rahman on the outreach list: his seed draft has one blank, their_accomplishment."""
    cid = demo_wb.find_contact("Tariq Rahman")
    demo_wb.set_target(cid)
    return cid


def button(c: Composer, label: str):
    """The composer's button with that label, as a person clicks it."""
    import ipywidgets as w

    boxes = [b for b in c._root.children if isinstance(b, w.HBox)]
    return next(x for box in boxes for x in box.children if isinstance(x, w.Button) and x.description == label)


def filled(body: str) -> str:
    return body.replace(ACCOMPLISHMENT, "a leading role in the Riverton bus network redesign")


def failing(c: Composer) -> set[str]:
    assert c.result is not None
    return {f.rule for f in c.result.findings if not f.passed}


def test_the_composer_opens_on_the_contacts_draft_with_its_check(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    assert (c.contact_id, c.template) == (tariq, "seed")
    assert c.body.startswith("Dear Tariq,") and ACCOMPLISHMENT in c.body
    assert c.result is not None and c.result.rules == "classic"
    assert "no_blanks" in failing(c)
    assert f"Score {c.result.score}/100" in c.check_html and "their_accomplishment" in c.check_html
    assert "Dear Tariq,<br>" in c.preview  # line breaks kept
    assert c.mailto.startswith('<a href="mailto:?subject=Seeking%20your%20career%20advice&amp;body=')


def test_the_outreach_list_is_offered_and_the_default_is_who_to_write_to_next(demo_wb):
    c = Composer(demo_wb)
    people = demo_wb.contacts()
    on_list = set(people[people["stage"].notna()]["id"])
    assert {v for _, v in c._contact.options} == on_list
    assert c.contact_id == demo_wb.find_contact("Marcus Oyelaran")  # researched, not emailed yet
    assert c.template == "short"  # his saved draft, not a fresh seed: his edits are kept
    assert c.body == demo_wb.message(28)["body"]


def test_editing_the_body_reruns_the_check(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    c._body.value = filled(c.body)
    assert "no_jobs" not in failing(c) and "no_blanks" not in failing(c)
    before = c.result.score

    c._body.value = c.body.replace("Would you be willing", "Can you help me find a job? Would you be willing")
    assert "no_jobs" in failing(c) and c.result.score < before
    assert any("job" in fix for fix in c.result.fixes) and "Mentions jobs" in c.check_html

    c._body.value = c.body.replace("\nAlex Rivera-Quinn\nRiverton | alex.rq@example.com", "")
    assert "close_signature" in failing(c)

    c._rules.value = "strict"
    assert c.result.rules == "strict" and "about_them" in {f.rule for f in c.result.findings}


def test_choosing_another_template_or_person_refills_the_draft(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    c._template.value = "short"
    assert c.subject == "Quick question about data analytics" and c.body.startswith("Hi Tariq,")
    c._template.value = "nudge"
    assert c._rules.value == "followup" and c.result.rules == "followup"
    c._template.value = "seed"
    assert c._rules.value == "classic"
    c._contact.value = demo_wb.find_contact("Marcus Oyelaran")
    assert c.template == "short" and c.body.startswith("Hi Marcus,")


@pytest.mark.parametrize("where", ["name", "body"])
def test_a_hostile_value_shows_escaped_in_preview_and_status(demo_wb, tariq, where):
    if where == "name":
        tariq = demo_wb.add_contact(HOSTILE, "Rahman", company="Riverton Transit Authority")
        demo_wb.set_target(tariq)
    c = Composer(demo_wb, tariq)
    if where == "body":
        c._body.value = c.body.replace("Dear Tariq,", f"Dear Tariq, {HOSTILE}")
    assert HOSTILE not in c.preview and ESCAPED in c.preview
    assert HOSTILE not in c.check_html and HOSTILE not in c.mailto
    button(c, "Save draft").click()
    assert HOSTILE not in ok(c)
    if where == "name":
        assert ESCAPED in c.status and f"{ESCAPED} Rahman" in c.preview
    assert HOSTILE in demo_wb.message(c.message_id)["body"]  # stored as typed; only the view escapes


def test_save_draft_stores_the_edited_text_and_saving_again_updates_it(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    c._body.value = filled(c.body)
    c._button.click()
    assert "Saved the draft to Tariq Rahman" in ok(c)
    mid = c.message_id
    msg = demo_wb.message(mid)
    assert (msg["status"], msg["kind"], msg["template"], msg["body"]) == ("draft", "outreach", "seed", c.body)

    c._body.value = c.body + "\nP.S. Edited again."
    c._button.click()
    assert c.message_id == mid and demo_wb.message(mid)["body"].endswith("P.S. Edited again.")
    assert len(demo_wb.messages(tariq)) == 1

    again = Composer(demo_wb, tariq)  # reopening shows the saved text, not the template
    assert again.body == c.body


def test_mark_sent_with_a_blank_is_refused_and_the_draft_stays_a_draft(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    assert ACCOMPLISHMENT in c.body
    button(c, "Mark sent").click()
    assert "Not marked sent: fill [their_accomplishment] first" in failed(c)
    msgs = demo_wb.messages(tariq)
    assert msgs["status"].tolist() == ["draft"]
    assert demo_wb.followups().query("contact_id == @tariq").empty


def test_mark_sent_without_blanks_schedules_the_second_contact_and_the_nudge(demo_wb, tariq):
    c = Composer(demo_wb, tariq, now=lambda: SENT_AT)
    c._body.value = filled(c.body)
    c._run(c.mark_sent)
    assert "Marked sent to Tariq Rahman" in ok(c) and "second contact on" in c.status
    msg = demo_wb.message(c.message_id)
    assert msg["status"] == "sent" and msg["body"] == c.body
    due = composer.reminders(demo_wb, tariq)
    assert due["kind"].tolist() == ["second_contact", "nudge"]
    # 3 and 7 business days after Wednesday 25 November 2026 (Thanksgiving on the 26th is skipped)
    assert [d.date() for d in due["due_at"]] == [dt.date(2026, 12, 1), dt.date(2026, 12, 7)]
    # marking it sent again changes nothing
    c._run(c.mark_sent)
    assert len(demo_wb.messages(tariq)) == 1 and len(composer.reminders(demo_wb, tariq)) == 2


def test_write_eml_into_out_dir_parses_back_with_the_standard_library(demo_wb, tariq, tmp_path):
    c = Composer(demo_wb, tariq, out_dir=tmp_path / "out")
    c._subject.value = "Advice on data analytics"
    c._body.value = filled(c.body)
    c._run(c.write_eml)
    assert "wrote" in ok(c)
    [path] = (tmp_path / "out").glob("*.eml")
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Advice on data analytics"
    assert msg.get_content().replace("\r\n", "\n").rstrip() == c.body.rstrip()
    assert demo_wb.message(c.message_id)["subject"] == "Advice on data analytics"


def test_write_eml_without_out_dir_offers_a_download_link(demo_wb, tariq):
    import base64
    import re

    c = Composer(demo_wb, tariq)
    c._run(c.write_eml)
    assert "download" in ok(c)
    m = re.search(r'download="([^"]+)"[^>]* href="data:message/rfc822;base64,([A-Za-z0-9+/=]+)"', c._download.value)
    assert m and m.group(1).endswith(".eml")
    msg = email.message_from_bytes(base64.b64decode(m.group(2)), policy=policy.default)
    assert msg["Subject"] == c.subject
    c._body.value = c.body + " "  # an edit makes the old file stale: the link goes
    assert c._download.value == ""


def test_the_mailto_link_is_only_ever_mailto_and_escaped(demo_wb, tariq):
    demo_wb._conn.execute("UPDATE contacts SET email = ? WHERE id = ?", ("tariq@example.org", tariq))
    c = Composer(demo_wb, tariq)
    c._body.value = 'x" onmouseover="alert(1) & <b>'
    assert c.mailto.startswith('<a href="mailto:tariq@example.org?subject=')
    assert '"' not in c.mailto.split('href="', 1)[1].split('"', 1)[0]
    assert "<b>" not in c.mailto
    demo_wb._conn.execute("UPDATE contacts SET email = ? WHERE id = ?", ("javascript:alert(1)", tariq))
    c._body.value = "changed"
    assert "href" not in c.mailto and "No mailto link" in c.mailto


def test_the_package_functions_run_the_same_path_headless(demo_wb, tariq, tmp_path):
    draft = composer.current_draft(demo_wb, tariq)
    assert draft.missing == ("their_accomplishment",)
    with pytest.raises(InputFormatError, match="their_accomplishment"):
        composer.mark_edited_sent(demo_wb, tariq, "seed", draft.subject, draft.body, at=SENT_AT)
    mid = composer.save_edited(demo_wb, tariq, "seed", draft.subject, draft.body)
    assert demo_wb.message(mid)["status"] == "draft"
    body = filled(draft.body)
    assert composer.mark_edited_sent(demo_wb, tariq, "seed", draft.subject, body, at=SENT_AT) == mid
    assert composer.save_edited(demo_wb, tariq, "seed", draft.subject, body) == mid  # no second draft
    path = composer.write_edited_eml(demo_wb, tariq, "seed", draft.subject, body, tmp_path)
    assert path.parent == tmp_path and path.suffix == ".eml"
    assert composer.check_edited(demo_wb, tariq, draft.subject, body).passed is False  # common ground not first
    assert drafting.TEMPLATE_KIND["nudge"] == "nudge"


def test_an_empty_workbook_gives_an_empty_composer_that_explains(new_wb):
    c = Composer(new_wb)
    assert c.contact_id is None and "Nobody is on your outreach list yet" in failed(c)
    c._button.click()
    assert "choose a person first" in failed(c)
    assert new_wb.messages().empty
