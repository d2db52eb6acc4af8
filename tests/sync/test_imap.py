"""Reading a mailbox over IMAP from a real Dovecot: INBOX and \\Sent, read-only, incremental by UIDVALIDITY/UID."""

from __future__ import annotations

import imaplib
import logging
import time

import imapclient
import pytest

from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync.imap import Imap, password_for
from infoview_kit.sync.read import read_conversations
from tests.sync import mailboxes
from tests.sync.imap_server import PASSWORD


def _fill(account: Imap, messages) -> None:
    with imapclient.IMAPClient(account.host, port=account.port, ssl=False) as client:
        client.login(account.user, PASSWORD)
        for folder, msg in messages:
            client.append("Sent" if folder == "Sent" else "INBOX", msg.as_bytes(), msg_time=None)


def test_reads_inbox_and_the_folder_marked_sent(imap_account):
    _fill(imap_account, mailboxes.story())
    df = read_conversations(imap_account, me=[mailboxes.ME])
    rep = df.attrs["report"]
    assert rep["sources"] == [imap_account.url] and imap_account.url.startswith("imap://user")
    assert sorted(rep["imap_state"]) == ["INBOX", "Sent"]
    assert rep["imap_state"]["INBOX"]["last_uid"] == 5 and rep["imap_state"]["Sent"]["last_uid"] == 1
    sent = df[df.folder == "Sent"]
    assert sent.outgoing.tolist() == [True] and sent.message_id.tolist() == ["m1.maya@example.org"]
    assert not df[df.folder == "INBOX"].outgoing.any()
    assert df.position.tolist()[:2] == ["UID 1", "UID 2"]
    reply = df.set_index("message_id").loc["r1.priya@example.com"]
    assert reply.in_reply_to == "m1.maya@example.org" and reply.snippet == "Gerne, Maya — Thursday works."
    assert df.set_index("message_id").loc["b1@example.org"].bounce_for == "jun@nowhere.example"
    no_date = df.set_index("message_id").loc["r2.priya@example.com"]
    assert no_date.date.year >= 2026  # the server's arrival time stands in, with a warning
    assert any("arrival time" in w["message"] for w in rep["warnings"])


def test_second_read_fetches_only_new_mail(imap_account):
    _fill(imap_account, mailboxes.story()[:3])
    first = read_conversations(imap_account)
    assert len(first) == 3
    again = read_conversations(imap_account, since=first.attrs["report"])
    assert again.empty and again.attrs["report"]["imap_state"] == first.attrs["report"]["imap_state"]
    _fill(imap_account, [("INBOX", mailboxes.out_of_office())])
    third = read_conversations(imap_account, since=again.attrs["report"]["imap_state"])
    assert third.message_id.tolist() == ["ooo1@example.net"] and bool(third.auto_reply.iloc[0])
    assert third.attrs["report"]["imap_state"]["INBOX"]["last_uid"] == 3


def test_a_changed_uidvalidity_reads_the_folder_again(imap_account):
    _fill(imap_account, mailboxes.story()[:3])
    state = read_conversations(imap_account).attrs["report"]["imap_state"]
    stale = {folder: {**values, "uidvalidity": values["uidvalidity"] + 1} for folder, values in state.items()}
    assert len(read_conversations(imap_account, since=stale)) == 3


def test_reading_marks_nothing_as_seen(imap_account):
    _fill(imap_account, mailboxes.story()[1:3])
    read_conversations(imap_account)
    with imapclient.IMAPClient(imap_account.host, port=imap_account.port, ssl=False) as client:
        client.login(imap_account.user, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        assert client.search(["SEEN"]) == []


def test_a_wrong_password_is_a_clear_error_without_the_password(imap_account, caplog):
    wrong = Imap(imap_account.host, imap_account.user, port=imap_account.port, ssl=False,
                 password="hunter2-wrong-secret")
    with caplog.at_level(logging.DEBUG), pytest.raises(InputFormatError) as info:
        read_conversations(wrong)
    assert "refused the login" in str(info.value)
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(wrong) and "hunter2" not in caplog.text


def test_password_comes_from_keyring_then_prompt(monkeypatch):
    import keyring

    account = Imap("imap.example.org", "maya")
    monkeypatch.setattr(keyring, "get_password", lambda service, user: "from-keyring"
                        if (service, user) == ("infoview_kit", "maya@imap.example.org") else None)
    assert password_for(account, prompt=lambda _: "typed") == "from-keyring"
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    assert password_for(account, prompt=lambda text: "typed" if "maya@imap.example.org" in text else "") == "typed"


def test_no_keyring_and_no_terminal_says_where_the_password_goes(monkeypatch):
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)

    def no_terminal(_: str) -> str:
        raise EOFError

    with pytest.raises(InputFormatError, match="keyring set infoview_kit maya@imap.example.org"):
        password_for(Imap("imap.example.org", "maya"), prompt=no_terminal)


def test_a_message_the_server_holds_but_nobody_can_read_is_skipped(imap_account):
    _fill(imap_account, [("Sent", mailboxes.outreach())])
    with imapclient.IMAPClient(imap_account.host, port=imap_account.port, ssl=False) as client:
        client.login(imap_account.user, PASSWORD)
        client.append("INBOX", b"\x00\x01 not a message\r\n")
        client.append("INBOX", mailboxes.reply().as_bytes())
    df = read_conversations(imap_account)  # no me=: the Sent folder's mark alone says outgoing
    assert df[["folder", "outgoing"]].values.tolist() == [["INBOX", False], ["Sent", True]]
    assert df.attrs["report"]["skipped"][0]["position"] == "INBOX, UID 1"


def test_plain_imap_only_on_loopback_and_no_password_in_urls():
    with pytest.raises(InputFormatError, match="only on 127.0.0.1"):
        Imap("imap.example.org", "maya", port=143, ssl=False)
    with pytest.raises(InputFormatError, match="password"):
        Imap.from_url("imap://maya:secret@imap.example.org")
    account = Imap.from_url("imap://maya%40example.org@imap.example.org")
    assert (account.user, account.port, account.ssl, account.url) == (
        "maya@example.org", 993, True, "imap://maya@example.org@imap.example.org")


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(InputFormatError, match="cannot reach the server"):
        read_conversations(Imap("127.0.0.1", "maya", port=1, ssl=False, password="x"))


def test_server_smoke(imap_server):
    m = imaplib.IMAP4(imap_server.host, imap_server.port)
    m.login(imap_server.new_user(), PASSWORD)
    assert any(b"\\Sent" in b for b in m.list()[1])
    m.logout()
    assert time.time() > 0
