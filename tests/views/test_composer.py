"""The composer of step 3 without a browser: edit the text, watch the check, click the buttons, assert on
the workbook, the (escaped) preview and status line, and the files written."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from zoneinfo import ZoneInfo

import pytest

from infoview_kit import followup as followups
from infoview_kit import outreach
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.followup.pending import reminders_for
from infoview_kit.outreach import drafting
from infoview_kit.views.outreach import Composer

from ..conftest import failed, ok

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
SENT_AT = dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.UTC)  # a Wednesday
ACCOMPLISHMENT = "[their_accomplishment]"
CHICAGO = ZoneInfo("America/Chicago")


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


def test_the_composer_opens_on_the_current_person_and_choosing_someone_sets_it(demo_wb, tariq):
    marcus = demo_wb.find_contact("Marcus Oyelaran")
    c = Composer(demo_wb)  # nobody current yet: the first person researched and not emailed
    assert c.contact_id == marcus and c.picker.value == marcus and demo_wb.current()["contact_id"] == marcus
    assert c.template == "short" and c.body == demo_wb.message(28)["body"]  # his saved draft: his edits kept
    assert "Draft first email</b> (message 28)" in c.state and "Marcus Oyelaran" in c._who.value
    assert len(c.picker.matches) <= 8  # a search box and a short list, not a dropdown of everyone
    c.picker._list.value = tariq  # a click on his name
    assert c.contact_id == tariq and demo_wb.current()["contact_id"] == tariq
    assert c.body.startswith("Hi Tariq,") and "New first email</b> from the \u2018short\u2019" in c.state
    assert Composer(demo_wb).contact_id == tariq  # the next composer opens on him


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
    c.picker.choose(demo_wb.find_contact("Marcus Oyelaran"))
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


def test_sent_with_a_blank_is_refused_by_name_and_the_draft_stays_a_draft(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    assert ACCOMPLISHMENT in c.body
    button(c, "Sent").click()
    assert "Not marked sent: fill [their_accomplishment] first" in failed(c)
    msgs = demo_wb.messages(tariq)
    assert msgs["status"].tolist() == ["draft"] and msgs["body"].iloc[0] == c.body  # saved, as a draft
    assert demo_wb.followups().query("contact_id == @tariq").empty
    assert not c.read_only and not c._body.disabled


def test_sent_shows_the_message_as_sent_with_its_date_and_never_starts_a_second_draft(demo_wb, tariq):
    c = Composer(demo_wb, tariq, now=lambda: SENT_AT)
    c._body.value = filled(c.body)
    button(c, "Sent").click()
    mid = c.message_id
    msg = demo_wb.message(mid)
    assert msg["status"] == "sent" and msg["body"] == c.body and msg["sent_at"].startswith("2026-11-25T16:00")
    assert ok(c).startswith('<span style="color:#00703c">Marked sent on Wed 25 Nov: \u2018Seeking your career '
                            "advice\u2019 to Tariq Rahman (first email, message")
    assert "Write to a second person on Tue 01 Dec" in c.status  # 3 and 7 business days, Thanksgiving skipped
    due = reminders_for(demo_wb, tariq)
    assert [d.date() for d in due["due_at"]] == [dt.date(2026, 12, 1), dt.date(2026, 12, 7)]
    # shown as sent: read-only, with its date; the stage and the reminders follow
    assert c.read_only and c._body.disabled and c._subject.disabled
    assert "Sent first email</b> on Wed 25 Nov" in c.state
    assert "emailed" in c._who.value and "emailed" in dict((v, k) for k, v in c.picker.matches)[tariq]
    assert "Write to a second person on Tue 01 Dec" in c.reminders_html and "<b>Next:</b>" in c.next_html
    assert all(button(c, b).disabled for b in ("Save draft", "Sent", "Delete draft", "Start over from the template"))
    # no edit can quietly start a second draft
    c._run(c.submit)
    assert "it stays as sent" in failed(c)
    assert demo_wb.messages(tariq)["id"].tolist() == [mid]
    again = Composer(demo_wb, tariq, now=lambda: SENT_AT)  # reopening shows the sent message, not a new draft
    assert again.message_id == mid and again.read_only


def test_every_kind_is_written_saved_and_sent_in_the_same_composer(demo_wb, tariq):
    for kind in outreach.KIND_TEMPLATE:
        c = Composer(demo_wb, tariq, kind=kind, now=lambda: SENT_AT)
        assert c.kind == kind and c.template == outreach.KIND_TEMPLATE[kind]
        assert c._rules.value == ("classic" if kind == "outreach" else "followup")
        c._subject.value = re.sub(r"\[[a-z_]+\]", "x", c.subject)
        c._body.value = re.sub(r"\[[a-z_]+\]", "something useful", c.body)
        button(c, "Save draft").click()
        assert f"({outreach.KIND_LABELS[kind]}, message {c.message_id})" in ok(c)
        assert demo_wb.message(c.message_id)["kind"] == kind
        assert c.mailto.startswith('<a href="mailto:') and "Score" in c.check_html and c.preview
        button(c, "Sent").click()
        assert "Marked sent on Wed 25 Nov" in ok(c) and demo_wb.message(c.message_id)["status"] == "sent"
        assert c.read_only
    kinds = demo_wb.messages(tariq)
    assert sorted(kinds["kind"]) == sorted(outreach.KIND_TEMPLATE) and set(kinds["status"]) == {"sent"}


def test_opening_a_message_by_id_shows_it_draft_or_sent(demo_wb):
    sent = Composer(demo_wb, message_id=23)  # Anika's thank-you, sent Fri 23 Oct
    assert sent.contact_id == 52 and sent.kind == "thank_you" and sent.read_only
    assert sent.body == demo_wb.message(23)["body"] and "Sent thank-you</b> on Fri 23 Oct" in sent.state
    assert sent._message.value == 23 and sent._rules.value == "followup"
    draft = Composer(demo_wb, message_id=28)
    assert draft.contact_id == 2 and not draft.read_only and draft.template == "short"
    with pytest.raises(NotFoundError):
        Composer(demo_wb, message_id=999)
    with pytest.raises(InputFormatError, match="kind 'memo'"):
        Composer(demo_wb, 2, kind="memo")


def test_they_replied_records_the_day_chosen_and_closes_the_no_reply_routine(demo_wb, tariq):
    clock = [SENT_AT]
    c = Composer(demo_wb, tariq, now=lambda: clock[0])
    assert c._reply.disabled  # nothing sent yet
    c._body.value = filled(c.body)
    button(c, "Sent").click()
    assert not c._reply.disabled and c._reply_on.value == dt.date(2026, 11, 25)  # today, by default
    clock[0] = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
    c._reply_on.value = dt.date(2026, 11, 24)
    c._reply.click()
    assert "before your email to Tariq Rahman was sent" in failed(c)
    assert demo_wb.message(c.message_id)["status"] == "sent"
    c._reply_on.value = dt.date(2026, 11, 27)
    c._reply.click()
    assert ok(c).endswith("Reply recorded: Tariq Rahman answered \u2018Seeking your career advice\u2019 "
                          "(sent Wed 25 Nov) on Fri 27 Nov.</span>")
    msg = demo_wb.message(c.message_id)
    assert msg["status"] == "replied" and msg["replied_at"].startswith("2026-11-27T18:00")  # noon in Chicago
    assert reminders_for(demo_wb, tariq).empty  # second contact and nudge closed
    assert "they replied on Fri 27 Nov" in c.state and "replied" in c._who.value and c._reply.disabled


def test_delete_draft_asks_first_and_the_second_click_deletes(demo_wb, tariq):
    c = Composer(demo_wb, tariq)
    delete = button(c, "Delete draft")
    assert delete.disabled  # nothing saved yet
    button(c, "Save draft").click()
    mid = c.message_id
    assert not delete.disabled
    delete.click()
    assert "Click again to delete" in ok(c) and delete.description == "Click again to delete"
    assert demo_wb.message(mid)["status"] == "draft"  # nothing deleted yet
    button(c, "Write .eml").click()  # any other button keeps it
    assert delete.description == "Delete draft"
    delete.click()
    delete.click()
    assert f"Deleted the draft \u2018Seeking your career advice\u2019 to Tariq Rahman (message {mid})." in ok(c)
    with pytest.raises(NotFoundError):
        demo_wb.message(mid)
    assert demo_wb.events(contact_id=tariq, kinds=["draft_deleted"])["detail"].tolist() == [{"kind": "outreach"}]
    assert c.message_id is None and "New first email" in c.state  # the template again, not saved
    with pytest.raises(InputFormatError, match="only a draft can be deleted"):
        demo_wb.delete_draft(23)
    assert demo_wb.message(23)["status"] == "sent"


def test_start_over_refills_from_the_template_without_saving(demo_wb):
    c = Composer(demo_wb, message_id=28)
    saved = demo_wb.message(28)["body"]
    c._body.value = "scribbles"
    button(c, "Start over from the template").click()
    assert "Filled the template again (not saved yet)." in ok(c)
    assert c.body.startswith("Hi Marcus,") and c.body != "scribbles"
    assert demo_wb.message(28)["body"] == saved


def test_the_composer_follows_writes_made_elsewhere(demo_wb, tariq):
    c = Composer(demo_wb, tariq, now=lambda: SENT_AT)
    button(c, "Save draft").click()
    mid = c.message_id
    # edited elsewhere while untouched here: shown
    demo_wb.save_draft(tariq, "outreach", "Changed elsewhere", filled(c.body))
    assert c.subject == "Changed elsewhere"
    # typed here, then changed elsewhere: what was typed stays on screen
    c._body.value = c.body + "\nP.S. typed here"
    demo_wb.save_draft(tariq, "outreach", "Changed again", filled(c.body))
    assert c.body.endswith("P.S. typed here") and c.subject == "Changed elsewhere"
    # sent elsewhere (the board, another composer): shown as sent
    demo_wb.mark_sent(mid, at=SENT_AT)
    assert c.read_only and "Sent first email" in c.state and "emailed" in c._who.value
    drafting.record_reply(demo_wb, tariq, "2026-11-25", at=(SENT_AT + dt.timedelta(hours=2)).astimezone(CHICAGO))
    assert "they replied on Wed 25 Nov" in c.state


def test_the_next_message_is_offered_once_it_is_due(demo_wb, tariq):
    clock = [SENT_AT]
    c = Composer(demo_wb, tariq, now=lambda: clock[0])
    c._body.value = filled(c.body)
    button(c, "Sent").click()
    assert c._next_button.layout.display == "none" and "Next:</b> Write to a second person" in c.next_html
    clock[0] = dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC)  # after the nudge's day 7
    later = Composer(demo_wb, tariq, now=lambda: clock[0])
    assert "Due now:</b>" in later.next_html
    followups.mark_done(demo_wb, "followup:" + str(int(demo_wb.followups().query(
        "contact_id == @tariq and kind == 'second_contact'")["id"].iloc[0])), at=clock[0])
    assert later._next_button.description == "Write the nudge" and later._next_button.layout.display is None
    later._next_button.click()
    assert later.kind == "nudge" and later.template == "nudge" and not later.read_only and ok(later)
    later._body.value = later.body.replace("[", "").replace("]", "")
    button(later, "Save draft").click()
    assert demo_wb.message(later.message_id)["kind"] == "nudge"


def test_write_eml_into_out_dir_parses_back_with_the_standard_library(demo_wb, tariq, tmp_path):
    c = Composer(demo_wb, tariq, out_dir=tmp_path / "out")
    c._subject.value = "Advice on data analytics"
    c._body.value = filled(c.body)
    c._run(c.write_eml)
    assert "Wrote" in ok(c)
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


def test_an_empty_workbook_gives_an_empty_composer_that_explains(new_wb):
    c = Composer(new_wb)
    assert c.contact_id is None and "Nobody is on your outreach list yet" in failed(c)
    c._button.click()
    assert "choose a person first" in failed(c)
    assert new_wb.messages().empty


def test_a_composer_for_one_kind_keeps_to_it_when_the_person_changes_and_opens_its_new_draft(new_wb):
    """Notebook 04's thank-you composer: another person chosen shows their thank-you, not their
    newest message; a thank-you drafted elsewhere (Save log) opens in it."""
    from infoview_kit import interview

    new_wb.set_profile(name="Alex Quinn", timezone="Europe/London", country="GB")
    ada = new_wb.add_contact("Ada", "Byron", email="ada@example.org")
    bob = new_wb.add_contact("Bob", "Stone", email="bob@example.org")
    sent = new_wb.save_draft(bob, "outreach", "Hello", "Hi Bob,\n\nA question.\n\nAlex")
    new_wb.mark_sent(sent)
    new_wb.set_current(contact_id=ada)
    thanks = Composer(new_wb, kind="thank_you")
    assert thanks.kind == "thank_you" and thanks.contact_id == ada
    new_wb.set_current(contact_id=bob)  # another view chose Bob
    assert thanks.contact_id == bob and thanks.kind == "thank_you" and thanks.message_id is None
    mid = new_wb.schedule_meeting(bob, "2026-11-03T10:00")
    new_wb.log_meeting(mid, actual_start="2026-11-03T10:00", actual_end="2026-11-03T10:25", advice="Learn SQL.")
    closing = interview.close_the_loop(new_wb, mid)
    assert thanks.message_id == closing.thank_you and not thanks.read_only
