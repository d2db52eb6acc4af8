"""Matching a mailbox to the workbook (ik.match_conversations): what each finding is, and its evidence."""

from __future__ import annotations

import pandas as pd
import pytest

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync.classify import PROPOSAL_COLUMNS
from tests.sync.tables import ME, msg, table


@pytest.fixture
def wb(tmp_path):
    """Ann (a draft), Bob (sent by click, on LinkedIn too), Cara (a draft), and nobody else."""
    wb = ik.Workbook.open(tmp_path / "wb.sqlite")
    wb.set_profile(name="Dana Reyes", email=ME, timezone="UTC", country="US")
    ann = wb.add_contact("Ann", "Lee", email="ann@acme.example", at="2026-03-01")
    bob = wb.add_contact("Bob", "Ray", email="bob@beta.example", profile_url="https://www.linkedin.com/in/bobray",
                         at="2026-03-01")
    cara = wb.add_contact("Cara", "Moss", email="cara@gamma.example", at="2026-03-01")
    wb.save_draft(ann, "outreach", "Coffee chat?", "Hi Ann, I admire your work at Acme.", at="2026-03-09")
    wb.mark_sent(wb.save_draft(bob, "outreach", "Hello from a fellow analyst", "Hi Bob, I saw your talk.",
                               at="2026-03-09"), at="2026-03-10T09:00")
    wb.save_draft(cara, "outreach", "Quick question", "Hi Cara, a quick question about Gamma.", at="2026-03-09")
    wb.ids = {"ann": ann, "bob": bob, "cara": cara}
    yield wb
    wb.close()


SENT_ANN = msg("s1@me", "2026-03-10T10:00", ME, ("ann@acme.example",), "Coffee chat?", outgoing=True)


def _one(wb, *rows):
    found = ik.match_conversations(wb, table(*rows))
    assert list(found.columns) == PROPOSAL_COLUMNS
    return [(r.action, r.name, None if pd.isna(r.message_id) else int(r.message_id)) for r in found.itertuples()]


def test_a_sent_copy_is_the_draft_sent_and_its_thread_answer_the_reply(wb):
    reply = msg("r1@acme", "2026-03-12T08:00", "ann@acme.example", subject="Re: Coffee chat?",
                in_reply_to="s1@me", references=("s1@me",))
    found = ik.match_conversations(wb, table(SENT_ANN, reply))
    assert found[["action", "contact_id", "message_id"]].values.tolist() == [["sent", wb.ids["ann"], 1],
                                                                             ["replied", wb.ids["ann"], 1]]
    assert found["evidence"][1] == ("\u201cRe: Coffee chat?\u201d from ann@acme.example on 12 Mar 2026, in reply to "
                                    "your sent message of 10 Mar 2026")
    assert found["evidence"][0].endswith("after your draft of 09 Mar 2026")
    assert str(found["at"].dtype) == "datetime64[ns, UTC]" and found["incoming"].tolist() == [False, True]


@pytest.mark.parametrize(("rows", "expected"), [
    # another subject, a copy dated before the draft, or to someone else: not the draft's sending
    ([msg("s@me", "2026-03-10", ME, ("ann@acme.example",), "Our team offsite", outgoing=True)],
     [("interaction", "Ann Lee", None)]),
    ([msg("s@me", "2026-03-01", ME, ("ann@acme.example",), "Coffee chat?", outgoing=True)],
     [("interaction", "Ann Lee", None)]),
    ([msg("s@me", "2026-03-10", ME, ("zed@else.example",), "Coffee chat?", outgoing=True)], []),
    # a subject edited a little in the mail program is still the draft
    ([msg("s@me", "2026-03-10", ME, ("ANN@acme.example",), "Coffee chat ?", outgoing=True)],
     [("sent", "Ann Lee", 1)]),
    # a reply with a new subject and no thread headers, from their address after the sending
    ([SENT_ANN, msg("r@x", "2026-03-11", "ann@acme.example", subject="Lunch instead?")],
     [("sent", "Ann Lee", 1), ("replied", "Ann Lee", 1)]),
    # an answer from another address of theirs, in the thread
    ([SENT_ANN, msg("r@x", "2026-03-11", "ann.lee@home.example", subject="Re: Coffee chat?", in_reply_to="s1@me")],
     [("sent", "Ann Lee", 1), ("replied", "Ann Lee", 1)]),
    # the same other address outside the thread is nobody the workbook knows
    ([SENT_ANN, msg("r@x", "2026-03-11", "ann.lee@home.example", subject="Hello")], [("sent", "Ann Lee", 1)]),
    # out of office is not a reply; the real answer after it is
    ([SENT_ANN, msg("o@x", "2026-03-10T10:01", "ann@acme.example", subject="Out of office", auto_reply=True),
      msg("r@x", "2026-03-12", "ann@acme.example", subject="Re: Coffee chat?")],
     [("sent", "Ann Lee", 1), ("auto_reply", "Ann Lee", 1), ("replied", "Ann Lee", 1)]),
    # a second message after the reply is an interaction
    ([SENT_ANN, msg("r@x", "2026-03-11", "ann@acme.example", subject="Re: Coffee chat?"),
      msg("r2@x", "2026-03-13", "ann@acme.example", subject="PS")],
     [("sent", "Ann Lee", 1), ("replied", "Ann Lee", 1), ("interaction", "Ann Lee", None)]),
    # mail before anything was sent to them is an interaction, never a reply
    ([msg("r@x", "2026-03-05", "ann@acme.example", subject="Hi")], [("interaction", "Ann Lee", None)]),
    # a bounce for a contact's address concerns the last message sent to them
    ([msg("s3@me", "2026-03-11", ME, ("cara@gamma.example",), "Quick question", outgoing=True),
      msg("b@d", "2026-03-11T00:05", "mailer-daemon@gamma.example", subject="Undelivered Mail",
          bounce_for="Cara@Gamma.example")],
     [("sent", "Cara Moss", 3), ("bounced", "Cara Moss", 3)]),
    # a bounce for an address nobody has is nothing
    ([msg("b@d", "2026-03-11", "mailer-daemon@x.example", subject="Undelivered", bounce_for="who@x.example")], []),
    # LinkedIn: their profile (any spelling of the link) after the message already marked sent
    ([msg("linkedin:1", "2026-03-14", "https://uk.linkedin.com/in/BobRay/", ("https://www.linkedin.com/in/dana",),
          "Dana and Bob", channel="linkedin", snippet="Sure!")],
     [("replied", "Bob Ray", 2)]),
    # the sent copy of a message marked sent by click proposes nothing
    ([msg("s2@me", "2026-03-10T09:05", ME, ("bob@beta.example",), "Hello from a fellow analyst", outgoing=True)],
     []),
    # a LinkedIn message of yours with the draft's opening words is its sending
    ([msg("linkedin:2", "2026-03-10", "https://www.linkedin.com/in/dana", ("bob@beta.example",), "",
          channel="linkedin", outgoing=True, snippet="Nice to meet you"),
      msg("linkedin:3", "2026-03-10", "https://www.linkedin.com/in/dana", ("cara@gamma.example",), "",
          channel="linkedin", outgoing=True, snippet="Hi Cara, a quick question about Gamma.")],
     [("interaction", "Bob Ray", None), ("sent", "Cara Moss", 3)]),
])
def test_findings(wb, rows, expected):
    assert _one(wb, *rows) == expected


def test_a_reply_recorded_by_hand_is_not_proposed_again(wb):
    wb.mark_replied(2, at="2026-03-12T12:00")
    assert _one(wb, msg("r@x", "2026-03-12T08:00", "bob@beta.example", subject="Re: Hello")) == []
    assert _one(wb, msg("r@x", "2026-03-20", "bob@beta.example", subject="Later")) == [("interaction", "Bob Ray", None)]


def test_a_message_once_is_one_finding_per_contact(wb):
    both = msg("s@me", "2026-03-10", ME, ("ann@acme.example", "cara@gamma.example"), "Team news", outgoing=True)
    assert _one(wb, both, both) == [("interaction", "Ann Lee", None), ("interaction", "Cara Moss", None)]


def test_nothing_is_proposed_from_an_empty_table_or_for_strangers(wb):
    assert _one(wb) == []
    assert _one(wb, msg("x@y", "2026-03-10", "stranger@x.example", subject="Buy now")) == []


def test_a_table_without_the_columns_is_refused(wb):
    with pytest.raises(InputFormatError, match="no bounce_for column"):
        ik.match_conversations(wb, table(SENT_ANN).drop(columns="bounce_for"))


def test_the_report_travels_with_the_proposals(wb):
    state = {"INBOX": {"uidvalidity": 7, "last_uid": 42}}
    found = ik.match_conversations(wb, table(SENT_ANN, report={"imap_state": state}))
    assert found.attrs["report"]["imap_state"] == state


def test_after_a_reply_a_sync_recorded_the_next_answer_is_an_interaction(wb):
    ik.apply_matches(wb, ik.match_conversations(wb, table(
        SENT_ANN, msg("r@x", "2026-03-11", "ann@acme.example", subject="Re: Coffee chat?"))))
    later = msg("r2@x", "2026-03-11T02:00", "ann.lee@home.example", subject="Re: Coffee chat?", in_reply_to="s1@me")
    assert _one(wb, later) == [("interaction", "Ann Lee", None)]


def test_an_answer_in_a_thread_is_from_whoever_sent_it(wb):
    both = msg("s9@me", "2026-03-10", ME, ("ann@acme.example", "cara@gamma.example"), "Coffee chat?", outgoing=True)
    # Cara answers the message sent to Ann and Cara: hers, never Ann's
    cara = msg("r@c", "2026-03-11", "cara@gamma.example", subject="Re: Coffee chat?", in_reply_to="s9@me")
    assert [(a, n) for a, n, _m in _one(wb, both, cara)] == [("sent", "Ann Lee"), ("interaction", "Cara Moss"),
                                                             ("interaction", "Cara Moss")]
    # an unknown address answering a message sent to two people could be either: nobody
    other = msg("r@x", "2026-03-11", "someone@home.example", subject="Re: Coffee chat?", in_reply_to="s9@me")
    assert [(a, n) for a, n, _m in _one(wb, both, other)] == [("sent", "Ann Lee"), ("interaction", "Cara Moss")]
