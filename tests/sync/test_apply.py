"""Applying a sync (ik.apply_matches), a second sync, undoing one, and what forgetting, redaction and the
shared progress summary make of what sync stored. The mailbox and LinkedIn archive are the invented story of
tests/sync/mailboxes.py, written with the standard ``mailbox`` module and in LinkedIn's real layout."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.reports.redact import redacted_copy
from infoview_kit.reports.summary import progress_summary
from infoview_kit.sync.apply import applied_line
from infoview_kit.sync.review import propose
from tests.sync import mailboxes as mb

#: The tables a sync may change; the rest must stay as they are.
SYNC_STATE = ("messages", "followups", "bounced_addresses")


@pytest.fixture
def story(tmp_path):
    """Maya's workbook before the sync: a draft to Priya (sent from her mail program, answered), Jun and
    Lena marked sent by click (Jun's bounces, Lena is out of office), Tomás met on LinkedIn."""
    wb = ik.Workbook.open(tmp_path / "wb.sqlite")
    wb.set_profile(name="Maya Ortiz", email=mb.ME, timezone="America/Chicago", country="US")
    ids = {
        "priya": wb.add_contact("Priya", "Raman", email="priya.raman@example.com", profile_url=mb.PRIYA_URL,
                                at="2026-10-30"),
        "tomas": wb.add_contact("Tomás", "Herrera", email="tomas@herrera.example",
                                profile_url="https://www.linkedin.com/in/tomas-herrera-demo", at="2026-10-30"),
        "jun": wb.add_contact("Jun", "Watanabe", email="jun@nowhere.example", at="2026-10-30"),
        "lena": wb.add_contact("Lena", "Vogel", email="lena.vogel@example.net", at="2026-10-30"),
    }
    msgs = {
        "priya": wb.save_draft(ids["priya"], "outreach", "Quick question about your work at Acme",
                               "Hi Priya,\n\nWould you have 20 minutes for a call?\n\nMaya", at="2026-11-01"),
        "jun": wb.save_draft(ids["jun"], "outreach", "Informational interview?", "Hi Jun", at="2026-11-01"),
        "lena": wb.save_draft(ids["lena"], "outreach", "Quick question", "Hi Lena", at="2026-11-01"),
    }
    wb.mark_sent(msgs["jun"], at="2026-11-04T15:00")
    wb.mark_sent(msgs["lena"], at="2026-11-04T15:00")
    sources = [mb.write_mbox(tmp_path / "mail.mbox", mb.story()), mb.write_linkedin_zip(tmp_path / "linkedin.zip")]
    yield wb, ids, msgs, sources
    wb.close()


def _state(wb):
    tables = wb.all_tables()
    return {t: tables[t].to_dict("records") for t in SYNC_STATE}


def test_a_mailbox_and_a_linkedin_archive_mark_sent_and_replied_exactly_what_happened(story):
    wb, ids, msgs, sources = story
    proposals = propose(wb, sources, me=[mb.ME_URL])
    found = {(r.action, r.contact_id, r.source_id) for r in proposals.itertuples()}
    assert ("sent", ids["priya"], "m1.maya@example.org") in found
    assert ("auto_reply", ids["lena"], "ooo1@example.net") in found
    assert ("bounced", ids["jun"], "b1@example.org") in found
    assert [a for a, c, _s in found if c == ids["priya"]].count("replied") == 1
    assert not {c for _a, c, _s in found} - set(ids.values())  # the mail daemon and strangers: nothing
    run = ik.apply_matches(wb, proposals)
    m = wb.messages().set_index("id")
    priya = m.loc[msgs["priya"]]
    assert priya["status"] == "replied"
    assert priya["sent_at"] == pd.Timestamp("2026-11-02T14:00Z")  # when it went, not when it was synced
    assert priya["replied_at"] == pd.Timestamp("2026-11-03T08:12:45Z")  # the first answer: LinkedIn's
    assert m.loc[msgs["lena"], "status"] == "sent"  # out of office is no reply
    assert m.loc[msgs["jun"], "status"] == "draft"  # bounced: back to the step before
    assert wb.bounced_addresses()["address"].tolist() == ["jun@nowhere.example"]
    # the follow-up routine ran as when clicked: Priya's nudge and second contact were settled by the reply,
    # Jun's were dropped with the bounce, Lena's stay open
    fu = wb.followups()
    open_ = fu[fu["done_at"].isna()]
    assert set(open_["contact_id"]) == {ids["lena"]}
    assert set(fu[fu["contact_id"] == ids["priya"]]["kind"]) == {"second_contact", "nudge"}
    line = applied_line(wb, run)
    assert line.startswith(f"Sync {run} applied {len(proposals)} (1 sent, 1 replied, 1 auto reply, 1 bounced")
    stored = wb.synced(run)
    assert set(stored["source_id"]) == set(proposals["source_id"])
    assert stored["evidence"].str.len().gt(10).all()


def test_a_second_sync_changes_nothing_and_undo_restores(story):
    wb, _ids, _msgs, sources = story
    before = _state(wb)
    run = ik.apply_matches(wb, propose(wb, sources, me=[mb.ME_URL]))
    after = _state(wb)
    again = propose(wb, sources, me=[mb.ME_URL])
    assert again.empty
    ik.apply_matches(wb, again)
    assert _state(wb) == after
    with pytest.raises(InputFormatError, match="undo the newer run"):
        ik.undo_sync(wb, run)
    ik.undo_sync(wb)  # the empty second run
    assert ik.undo_sync(wb) == run
    assert _state(wb) == before
    assert wb.sync_runs()["undone_at"].notna().all()
    with pytest.raises(NotFoundError, match="no sync to undo"):
        ik.undo_sync(wb)
    # undone findings are proposed again
    assert len(propose(wb, sources, me=[mb.ME_URL])) == len(wb.synced(run))


def test_skipped_findings_are_not_proposed_again(story):
    wb, _ids, _msgs, sources = story
    proposals = propose(wb, sources, me=[mb.ME_URL])
    keep = proposals["action"] != "bounced"
    ik.apply_matches(wb, proposals[keep], skipped=proposals[~keep])
    assert propose(wb, sources, me=[mb.ME_URL]).empty
    assert wb.bounced_addresses().empty


def test_a_failure_changes_nothing(story):
    wb, _ids, _msgs, sources = story
    proposals = propose(wb, sources, me=[mb.ME_URL])
    counts = wb.table_counts()
    broken = proposals.copy()
    broken.loc[broken.index[-1], "contact_id"] = 999
    with pytest.raises(NotFoundError):
        ik.apply_matches(wb, broken)
    with pytest.raises(InputFormatError, match="action 'maybe'"):
        ik.apply_matches(wb, proposals.assign(action="maybe"))
    with pytest.raises(InputFormatError, match="no evidence column"):
        ik.apply_matches(wb, proposals.drop(columns="evidence"))
    assert wb.table_counts() == counts


def test_imap_read_marks_are_kept_for_the_next_read(story):
    wb, *_ = story
    proposals = pd.DataFrame(columns=ik.sync.PROPOSAL_COLUMNS)
    proposals.attrs["report"] = {"account": "imap://maya@mail.example", "sources": ["imap://maya@mail.example"],
                                 "imap_state": {"INBOX": {"uidvalidity": 9, "last_uid": 120}}}
    ik.apply_matches(wb, proposals)
    assert wb.sync_state("imap://maya@mail.example") == {"INBOX": {"uidvalidity": 9, "last_uid": 120}}


def test_an_interaction_counts_as_being_in_touch(story):
    wb, ids, _msgs, _sources = story
    mid = wb.save_draft(ids["tomas"], "outreach", "Hello", "Hi Tomás", at="2026-09-01")
    wb.mark_sent(mid, at="2026-09-02")
    meeting = wb.schedule_meeting(ids["tomas"], "2026-09-10T15:00", duration_min=30, place="Café", at="2026-09-03")
    wb.log_meeting(meeting, actual_start="2026-09-10T15:00", actual_end="2026-09-10T15:30")
    before = ik.followup.keep_in_touch(wb, "2026-11-20")
    row = pd.DataFrame([{"contact_id": ids["tomas"], "message_id": pd.NA, "action": "interaction",
                         "at": pd.Timestamp("2026-11-04T16:00Z"), "evidence": "“Café” from tomas@herrera.example",
                         "source_id": "t1@herrera.example", "channel": "mail", "incoming": True,
                         "address": "tomas@herrera.example"}])
    ik.apply_matches(wb, row)
    after = ik.followup.keep_in_touch(wb, "2026-11-20")
    last = after.set_index("contact_id")["last_touch"]
    assert last[ids["tomas"]].date().isoformat() == "2026-11-04"
    assert before.set_index("contact_id")["last_touch"][ids["tomas"]] < last[ids["tomas"]]


def test_forget_removes_what_sync_stored(story):
    wb, ids, _msgs, sources = story
    ik.apply_matches(wb, propose(wb, sources, me=[mb.ME_URL]))
    plan = wb.forget(ids["jun"], dry_run=True)
    assert plan.rows["synced"] >= 1 and plan.rows["bounced_addresses"] == 1
    wb.forget(ids["jun"])
    assert not wb.synced()["contact_id"].eq(ids["jun"]).any()
    assert wb.bounced_addresses().empty
    raw = wb.path.read_bytes()
    assert b"jun@nowhere.example" not in raw and b"Watanabe" not in raw


def test_redaction_covers_what_sync_stored(story, tmp_path):
    wb, _ids, _msgs, sources = story
    proposals = propose(wb, sources, me=[mb.ME_URL])
    proposals.attrs["report"].update(account="imap://maya@mail.example",
                                     imap_state={"INBOX": {"uidvalidity": 1, "last_uid": 5}})
    ik.apply_matches(wb, proposals)
    copy = redacted_copy(wb, tmp_path / "redacted.sqlite")
    con = sqlite3.connect(copy)
    try:
        evidence = {r[0] for r in con.execute("SELECT evidence FROM synced")}
        sources_ = {r[0] for r in con.execute("SELECT source_id FROM synced")}
        bounced = [r[0] for r in con.execute("SELECT address FROM bounced_addresses")]
        actions = sorted(r[0] for r in con.execute("SELECT action FROM synced"))
        state = con.execute("SELECT account, folder, last_uid FROM sync_state").fetchall()
    finally:
        con.close()
    assert evidence == {"[redacted evidence]"} and all(s.startswith("synced-") for s in sources_)
    assert bounced == ["bounced1@example.invalid"] and state == [("imap://account1@example.invalid", "folder1", 5)]
    assert actions == sorted(proposals["action"])  # what happened, and when, still counts
    raw = copy.read_bytes()
    for secret in (b"priya.raman@example.com", b"m1.maya@example.org", b"Quick question", b"mail.example"):
        assert secret not in raw


def test_the_shared_summary_counts_synced_replies_like_clicked_ones(story, tmp_path):
    wb, ids, msgs, sources = story
    ik.apply_matches(wb, propose(wb, sources, me=[mb.ME_URL]))
    synced = progress_summary(wb, "2026-11-20")["totals"]
    clicked = ik.Workbook.open(tmp_path / "clicked.sqlite")
    clicked.set_profile(name="Maya Ortiz", email=mb.ME, timezone="America/Chicago", country="US")
    cid = clicked.add_contact("Priya", "Raman", email="priya.raman@example.com", at="2026-10-30")
    mid = clicked.save_draft(cid, "outreach", "Quick question", "Hi", at="2026-11-01")
    clicked.mark_sent(mid, at="2026-11-02T14:00Z")
    clicked.mark_replied(mid, at="2026-11-03T08:12:45Z")
    by_click = progress_summary(clicked, "2026-11-20")["totals"]
    assert synced["replies"] == by_click["replies"] == 1
    assert json.dumps(progress_summary(wb, "2026-11-20")).find("Priya") == -1


def test_an_imap_sync_applied_is_read_incrementally_the_next_time(story, imap_account):
    """Against a real Dovecot: what applying keeps (UIDVALIDITY, last UID) makes the next read fetch only
    new mail, and a later answer in the thread still finds the message it answers."""
    import imapclient

    from tests.sync.imap_server import PASSWORD

    def fill(messages):
        with imapclient.IMAPClient(imap_account.host, port=imap_account.port, ssl=False) as client:
            client.login(imap_account.user, PASSWORD)
            for folder, msg in messages:
                client.append("Sent" if folder == "Sent" else "INBOX", msg.as_bytes(), msg_time=None)

    wb, ids, msgs, _sources = story
    fill(mb.story()[:2])  # Maya's email to Priya, and Priya's answer
    first = propose(wb, imap=imap_account)
    assert sorted(first["action"]) == ["replied", "sent"] and first.attrs["report"]["messages_read"] == 2
    ik.apply_matches(wb, first)
    assert wb.sync_state(imap_account.url) == first.attrs["report"]["imap_state"]
    assert propose(wb, imap=imap_account).attrs["report"]["messages_read"] == 0
    later = mb.reply()
    del later["Message-ID"], later["From"]
    later["Message-ID"], later["From"] = "<r3.priya@home.example>", "Priya <priya@home.example>"
    fill([("INBOX", mb.out_of_office()), ("INBOX", later)])
    second = propose(wb, imap=imap_account)
    assert second.attrs["report"]["messages_read"] == 2
    assert second[["action", "contact_id"]].values.tolist() == [["interaction", ids["priya"]],  # by time
                                                                ["auto_reply", ids["lena"]]]
    assert "from priya@home.example" in second["evidence"].iloc[0]


def test_an_answer_after_a_bounce_shows_the_message_arrived(story):
    wb, ids, msgs, _sources = story
    base = {"contact_id": ids["jun"], "message_id": msgs["jun"], "channel": "mail", "incoming": True,
            "address": "jun@nowhere.example"}
    bounce = pd.DataFrame([{**base, "action": "bounced", "at": pd.Timestamp("2026-11-05T09:00Z"),
                            "evidence": "Delivery failure", "source_id": "b1@example.org"}])
    answer = pd.DataFrame([{**base, "action": "replied", "at": pd.Timestamp("2026-11-06T09:00Z"),
                            "evidence": "Re: Hello from jun", "source_id": "r@jun.example"}])
    ik.apply_matches(wb, bounce)
    assert wb.message(msgs["jun"])["status"] == "draft"
    before = _state(wb)
    ik.apply_matches(wb, answer)
    msg = wb.message(msgs["jun"])
    assert (msg["status"], msg["sent_at"], msg["replied_at"]) == ("replied", "2026-11-04T15:00:00+00:00",
                                                                  "2026-11-06T09:00:00+00:00")
    ik.undo_sync(wb)
    assert _state(wb) == before
    both = pd.concat([bounce, answer], ignore_index=True)
    ik.undo_sync(wb)
    ik.apply_matches(wb, both)  # in one run too
    assert wb.message(msgs["jun"])["status"] == "replied"


def test_the_composer_warns_about_an_address_that_bounced_until_it_is_corrected(story):
    from infoview_kit.views.outreach import Composer

    wb, ids, msgs, _sources = story
    bounce = pd.DataFrame([{"contact_id": ids["jun"], "message_id": msgs["jun"], "channel": "mail", "incoming": True,
                            "address": "jun@nowhere.example", "action": "bounced",
                            "at": pd.Timestamp("2026-11-05T09:00Z"), "evidence": "Delivery failure",
                            "source_id": "b1@example.org"}])
    assert "bounced" not in Composer(wb, ids["jun"])._who.value
    ik.apply_matches(wb, bounce)
    who = Composer(wb, ids["jun"])._who.value
    assert "Mail to jun@nowhere.example bounced (a delivery failure on 05 Nov 2026)" in who
    wb.update_contact(ids["jun"], email="jun@watanabe.example")  # the address corrected: the warning goes
    assert "bounced" not in Composer(wb, ids["jun"])._who.value


def test_a_bounce_long_after_the_last_sending_flags_the_address_and_leaves_the_sent_message_alone(story, tmp_path):
    """Seen by a fresh pair of eyes: a delivery failure two months after a thank-you put that thank-you back
    to a draft and reopened its follow-up, though the mail had plainly arrived."""
    wb, ids, msgs, _sources = story
    late = mb.bounce()
    late.replace_header("Date", "Mon, 04 Jan 2027 09:00:00 +0000")
    late.replace_header("Message-ID", "<b-late@example.org>")
    box = mb.write_mbox(tmp_path / "late.mbox", [("INBOX", late)])
    proposals = propose(wb, [box], me=[mb.ME_URL])
    (row,) = proposals.itertuples()
    assert row.action == "bounced" and row.contact_id == ids["jun"] and pd.isna(row.message_id)
    assert row.evidence == ("Delivery failure for jun@nowhere.example on 04 Jan 2027: no message of yours went to "
                            "this address in the week before; the address is flagged")
    before = wb.message(msgs["jun"])["status"]
    ik.apply_matches(wb, proposals)
    assert wb.message(msgs["jun"])["status"] == before == "sent", "the message went out long before: left alone"
    assert wb.bounced_addresses()["address"].tolist() == ["jun@nowhere.example"], "the address is flagged"
