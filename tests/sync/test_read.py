"""Reading mail and LinkedIn archives into the conversations table: every source, and hostile input."""

from __future__ import annotations

import io
import mailbox
import shutil
import tracemalloc
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit.base.errors import InputFormatError
from infoview_kit.find.contacts import read_contacts
from infoview_kit.sync.mail import COLUMNS
from infoview_kit.sync.read import iter_conversations, read_conversations
from tests.sync import mailboxes as mb


def _by_id(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("message_id")


def test_gmail_takeout_mbox_gives_every_column(tmp_path):
    path = mb.write_mbox(tmp_path / "All mail Including Spam and Trash.mbox", mb.story(), gmail=True,
                         extra=[mb.GARBAGE])
    df = read_conversations(path)
    assert tuple(df.columns) == COLUMNS
    assert str(df.date.dtype) == "datetime64[ns, UTC]" and df.outgoing.dtype == bool and df.auto_reply.dtype == bool
    rep = df.attrs["report"]
    assert rep["sources"] == ["All mail Including Spam and Trash.mbox"] and rep["messages_read"] == 7
    assert rep["skipped"] == [{"source": path.name, "position": "message 7",
                               "reason": "no message headers (From, Date, Message-ID, Subject or To)"}]
    assert len(df) == rep["messages_read"] - len(rep["skipped"])
    rows = _by_id(df)
    sent = rows.loc["m1.maya@example.org"]
    assert (sent.folder, bool(sent.outgoing), sent.position, sent.thread) == ("Sent", True, "message 1",
                                                                              "1750000000000000001")
    assert sent.to_addrs == ("priya.raman@example.com",)
    assert sent.date == pd.Timestamp("2026-11-02 14:00", tz="UTC")
    reply = rows.loc["r1.priya@example.com"]
    assert (reply.folder, bool(reply.outgoing)) == ("Inbox", False)
    assert (reply.from_addr, reply.from_name) == ("priya.raman@example.com", "Priya Ramán")
    assert reply.subject == "Re: Quick question – sure!"  # RFC 2047, base64 encoded-word
    assert reply.in_reply_to == "m1.maya@example.org"
    assert reply.references == ("m0@example.org", "m1.maya@example.org")
    assert reply.cc_addrs == ("jun@nowhere.example", "team@acme.example")
    assert reply.snippet == "Gerne, Maya — Thursday works."  # quoted-printable; the quote left out
    assert rows.loc["t1@herrera.example"].snippet == "Hola Maya, un café el jueves?"  # HTML only, Latin-1, base64
    ooo, bounce = rows.loc["ooo1@example.net"], rows.loc["b1@example.org"]
    assert (bool(ooo.auto_reply), ooo.bounce_for) == (True, "")
    assert (bool(bounce.auto_reply), bounce.bounce_for) == (False, "jun@nowhere.example")
    assert not rows.drop(["ooo1@example.net"]).auto_reply.any()


def test_a_missing_date_is_counted_as_a_warning(tmp_path):
    df = read_conversations(mb.write_maildir(tmp_path / "Maildir", mb.story()))
    assert pd.isna(_by_id(df).loc["r2.priya@example.com"].date)
    warnings = df.attrs["report"]["warnings"]
    assert [w["message"] for w in warnings] == ["no Date header; date left empty"]
    assert warnings[0]["position"].startswith("INBOX/new/")


def test_maildir_with_its_sent_folder(tmp_path):
    df = read_conversations(mb.write_maildir(tmp_path / "Maildir", mb.story()))
    assert df.attrs["report"]["sources"] == ["Maildir"] and len(df) == 6
    assert df[df.outgoing].message_id.tolist() == ["m1.maya@example.org"]
    assert set(df.folder) == {"INBOX", "Sent"}


def test_thunderbird_and_apple_mail_folders(tmp_path):
    tb = tmp_path / "Local Folders"
    tb.mkdir()
    mb.write_mbox(tb / "Inbox", [m for m in mb.story() if m[0] == "INBOX"])
    mb.write_mbox(tb / "Sent", [m for m in mb.story() if m[0] == "Sent"])
    (tb / "Inbox.msf").write_text("// <!-- <mdb:mork:z v=\"1.4\"/> -->")
    df = read_conversations(tb)
    assert df.attrs["report"]["sources"] == ["Local Folders"] and len(df) == 6
    assert df[df.outgoing].folder.tolist() == ["Sent"]
    assert df.position.iloc[0] == "Inbox, message 1"
    apple = tmp_path / "Export"
    (apple / "Sent Messages.mbox").mkdir(parents=True)
    mb.write_mbox(apple / "Sent Messages.mbox" / "mbox", [m for m in mb.story() if m[0] == "Sent"])
    out = read_conversations(apple)
    assert out.folder.tolist() == ["Sent Messages"] and out.outgoing.tolist() == [True]
    assert read_conversations(apple / "Sent Messages.mbox").folder.tolist() == ["Sent Messages"]


def test_eml_files_and_me(tmp_path):
    folder = tmp_path / "saved"
    (folder / "Sent").mkdir(parents=True)
    for n, (box, msg) in enumerate(mb.story()):
        where = folder / "Sent" if box == "Sent" else folder
        (where / f"{n}.eml").write_bytes(msg.as_bytes())
    df = read_conversations(folder)
    assert sorted(df.position)[:2] == ["1.eml", "2.eml"] and "Sent/0.eml" in set(df.position)
    assert df[df.outgoing].message_id.tolist() == ["m1.maya@example.org"]
    one = read_conversations(folder / "1.eml", me=["Priya.Raman@example.com"])
    assert one.outgoing.tolist() == [True] and one.source.tolist() == ["1.eml"]


def test_several_sources_in_one_table_and_the_generator(tmp_path):
    path = mb.write_mbox(tmp_path / "a.mbox", mb.story())
    zipped = mb.write_linkedin_zip(tmp_path / "Basic_LinkedInDataExport_11-25-2026.zip")
    df = read_conversations([path, zipped])
    assert df.attrs["report"]["sources"] == ["a.mbox", zipped.name]
    assert set(df.channel) == {"mail", "linkedin"}
    report: dict = {"sources": [], "messages_read": 0, "skipped": [], "warnings": [], "imap_state": {}}
    rows = iter_conversations(path, report=report)
    first = next(rows)
    assert first["message_id"] == "m1.maya@example.org" and report["messages_read"] == 1
    assert set(first) == set(COLUMNS)


def test_linkedin_archive_in_its_real_layout(tmp_path):
    zipped = mb.write_linkedin_zip(tmp_path / "Basic_LinkedInDataExport_11-25-2026.zip")
    df = read_conversations(zipped)
    assert set(df.channel) == {"linkedin"} and len(df) == 5  # 4 messages, 1 invitation with a message
    first = df.iloc[0]
    assert (first.position, bool(first.outgoing)) == ("messages.csv, line 2", True)  # Profile.csv: Maya Ortiz
    assert first.from_addr == mb.ME_URL and first.to_addrs == (mb.PRIYA_URL,)
    assert first.thread == "2-ZmE0YTQ1ZDYtZGVtbw==" and first.message_id.startswith("linkedin:")
    assert first.snippet == "Hi Priya, could we talk about Acme?"
    second = df.iloc[1]
    assert second.position == "messages.csv, line 4"  # the first message's text spans two lines
    assert (second.from_addr, bool(second.outgoing), second.snippet) == (mb.PRIYA_URL, False, "Sure & happy to!")
    assert second.date == pd.Timestamp("2026-11-03 08:12:45", tz="UTC")
    assert df.iloc[2].date == pd.Timestamp("2024-03-12 14:05:33", tz="UTC")
    assert pd.isna(df.iloc[3].date)
    assert df.attrs["report"]["warnings"][0]["position"] == "messages.csv, line 6"
    invite = df.iloc[4]
    assert (invite.folder, bool(invite.outgoing), invite.date) == (
        "Invitations", True, pd.Timestamp("2026-11-01 21:05", tz="UTC"))
    assert invite.to_addrs == ("https://www.linkedin.com/in/tomas-herrera-demo",)
    again = read_conversations(zipped)
    assert again.message_id.tolist() == df.message_id.tolist()  # stable synthetic ids


def test_linkedin_folder_and_messages_csv_alone(tmp_path):
    folder = tmp_path / "Basic_LinkedInDataExport"
    folder.mkdir()
    for name, data in mb.linkedin_files().items():
        (folder / name).write_bytes(data)
    assert len(read_conversations(folder)) == 5
    alone = tmp_path / "messages.csv"
    shutil.copy(folder / "messages.csv", alone)
    df = read_conversations(alone, me=[mb.ME_URL + "?trk=profile"])
    assert len(df) == 4 and df.outgoing.tolist() == [True, False, False, False]
    # no Profile.csv, no me=: the owner is the one profile in every conversation
    assert read_conversations(alone).outgoing.tolist() == [True, False, False, False]
    one = tmp_path / "one.csv"
    one.write_text("".join(alone.read_text(encoding="utf-8").splitlines(keepends=True)[:4]), encoding="utf-8")
    assert not read_conversations(one).outgoing.any()  # one conversation: two candidates, nobody is sure


def test_read_contacts_says_when_a_zip_has_no_connections(tmp_path):
    path = _zip(tmp_path / "messages-only.zip", {"messages.csv": mb.linkedin_files()["messages.csv"]})
    with pytest.raises(InputFormatError, match="without Connections.csv"):
        read_contacts(path)


def test_read_contacts_takes_the_same_download(tmp_path):
    zipped = mb.write_linkedin_zip(tmp_path / "Basic_LinkedInDataExport_11-25-2026.zip")
    people = read_contacts(zipped)
    assert people.email.tolist()[0] == "priya.raman@example.com" and len(people) == 2
    folder = tmp_path / "unpacked"
    folder.mkdir()
    (folder / "Connections.csv").write_bytes(mb.linkedin_files()["Connections.csv"])
    assert read_contacts(folder).last_name.tolist() == ["Raman", "Herrera"]


# --------------------------------------------------------------------------------------------------
# Hostile input: a clear error for a source that cannot be read, else the message skipped or read safely
# --------------------------------------------------------------------------------------------------

def _raw(headers: str, body: bytes = b"hello\n") -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


def test_header_injection_in_names_never_gives_a_line_break(tmp_path):
    evil = _raw("From: =?utf-8?q?Eve=0D=0ABcc=3A_all=40corp=2Eexample?= <eve@evil.example>\n"
                "To: =?utf-8?q?Bob=0ABcc=3A_x=40y=2Eexample?= <bob@example.org>\n"
                "Subject: =?utf-8?q?hi=0D=0AX-Injected=3A_1?=\nDate: Mon, 02 Nov 2026 09:00:00 +0000\n"
                "Message-ID: <evil@evil.example>\n")
    (tmp_path / "evil.eml").write_bytes(evil)
    row = read_conversations(tmp_path / "evil.eml").iloc[0]
    for value in (row.from_name, row.subject, *row.to_addrs):
        assert "\r" not in value and "\n" not in value
    assert row.from_addr == "eve@evil.example" and row.from_name == "Eve Bcc: all@corp.example"
    assert row.subject == "hi X-Injected: 1"


def test_malformed_mime_is_read_with_a_warning_and_garbage_is_skipped(tmp_path):
    broken = _raw("From: a@example.com\nSubject: broken\nMessage-ID: <b@x>\nDate: Mon, 02 Nov 2026 09:00:00 +0000\n"
                  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"never-there\"\n",
                  b"no boundary here\n--wrong\nContent-Type: text/plain\n\ntext\n")
    odd_date = _raw("From: b@example.com\nSubject: far\nDate: Fri, 31 Dec 9999 23:59:59 +0000\nMessage-ID: <far@x>\n")
    box = mailbox.mbox(tmp_path / "m.mbox")
    for raw in (broken, b"\xff\xfe\x00garbage", odd_date, b"Subject\x00: \x00\n\n"):
        box.add(raw)
    box.flush()
    df = read_conversations(tmp_path / "m.mbox")
    rep = df.attrs["report"]
    assert df.message_id.tolist() == ["b@x", "far@x"] and pd.isna(df.date.iloc[1])
    assert [s["position"] for s in rep["skipped"]] == ["message 2", "message 4"]
    messages = {w["position"]: w["message"] for w in rep["warnings"]}
    assert messages["message 1"].startswith("malformed MIME") and "out of range" in messages["message 3"]


def test_undecodable_charsets_still_give_text(tmp_path):
    box = mailbox.mbox(tmp_path / "c.mbox")
    box.add(_raw("From: a@example.com\nSubject: =?x-klingon?q?Qapla=E9?=\nMessage-ID: <c1@x>\n"
                 "Content-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: 8bit\n",
                 "naïve café\n".encode() + b"\xff\xfe tail\n"))
    box.add(_raw("From: b@example.com\nSubject: utf7\nMessage-ID: <c2@x>\n"
                 "Content-Type: text/plain; charset=utf-7\n", b"+AGEAYgBj- and a broken +ZZZ-\n"))
    box.add(_raw("From: c@example.com\nSubject: bad b64\nMessage-ID: <c3@x>\n"
                 "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n", b"PGI+aGk8L2I+!!!\n"))
    box.flush()
    df = read_conversations(tmp_path / "c.mbox")
    assert len(df) == 3 and not df.attrs["report"]["skipped"]
    assert df.snippet.iloc[0].startswith("naïve café") and "Qapla" in df.subject.iloc[0]
    assert df.snippet.iloc[1].startswith("abc")


def test_a_50_mb_body_gives_a_snippet_with_bounded_memory(tmp_path):
    path = tmp_path / "big.mbox"
    with open(path, "wb") as fh:
        fh.write(b"From a@example.com Mon Nov  2 09:00:00 2026\n")
        fh.write(_raw("From: a@example.com\nSubject: big\nMessage-ID: <big@x>\n",
                      b"Start of a huge text. " + b"x" * 76 + b"\n"))
        line = b"y" * 99 + b"\n"
        for _ in range(500):
            fh.write(line * 1000)  # 50 MB, written in pieces
        fh.write(b"\nFrom b@example.com Mon Nov  2 10:00:00 2026\n")
        fh.write(_raw("From: b@example.com\nSubject: small\nMessage-ID: <small@x>\n"))
    tracemalloc.start()
    try:
        df = read_conversations(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert df.message_id.tolist() == ["big@x", "small@x"]
    assert df.snippet.iloc[0].startswith("Start of a huge text.") and len(df.snippet.iloc[0]) == 200
    assert peak < 20 * 2**20  # the body is read past, never held


def _zip(path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def test_zip_entries_climbing_out_are_refused(tmp_path):
    files = mb.linkedin_files()
    bad = _zip(tmp_path / "evil.zip", {**files, "../../etc/cron.d/x": b"* * * * * root true\n"})
    with pytest.raises(InputFormatError, match="points outside the archive"):
        read_conversations(bad)
    with pytest.raises(InputFormatError, match="points outside the archive"):
        read_contacts(bad)
    absolute = _zip(tmp_path / "abs.zip", {**files, "/tmp/x": b"x"})
    with pytest.raises(InputFormatError, match="outside"):
        read_conversations(absolute)
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Profile.csv", mb.linkedin_files()["Profile.csv"])
        with archive.open("messages.csv", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(chunk)
    assert bomb.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        with pytest.raises(InputFormatError, match="ZIP bomb"):
            read_conversations(bomb)
        with pytest.raises(InputFormatError, match="ZIP bomb"):
            read_contacts(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20


@pytest.mark.parametrize(("make", "match"), [
    (lambda p: p / "nothing-here.mbox", "no such file or folder"),
    (lambda p: (p / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100)) and p / "pic.png", "not mail"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no mail in it"),
    (lambda p: _zip(p / "other.zip", {"notes.txt": b"hello"}), "not LinkedIn's data download"),
    (lambda p: (p / "trunc.zip").write_bytes(b"PK\x03\x04" + bytes(30)) and p / "trunc.zip", "not a readable ZIP"),
])
def test_a_source_that_cannot_be_read_is_a_clear_error(tmp_path, make, match):
    with pytest.raises(InputFormatError, match=match) as info:
        read_conversations(make(tmp_path))
    assert str(tmp_path) not in str(info.value)  # the base name, never the full path


def test_an_empty_mbox_gives_an_empty_table_of_the_same_shape(tmp_path):
    df = read_conversations(mb.write_mbox(tmp_path / "none.mbox", []))
    assert df.empty and tuple(df.columns) == COLUMNS and str(df.date.dtype) == "datetime64[ns, UTC]"


def test_linkedin_csv_with_hostile_fields(tmp_path):
    rows = io.StringIO()
    rows.write("CONVERSATION ID,FROM,SENDER PROFILE URL,DATE,SUBJECT,CONTENT,FOLDER\r\n")
    rows.write('c1,"Eve\r\nBcc: x",https://www.linkedin.com/in/eve,2026-11-02 10:00:00 UTC,"a\rb",'
               '"<script>alert(1)</script><b>bold</b> ' + "z" * 300000 + '",INBOX\r\n')
    (tmp_path / "messages.csv").write_text(rows.getvalue(), encoding="utf-8")
    row = read_conversations(tmp_path / "messages.csv").iloc[0]
    assert row.from_name == "Eve Bcc: x" and row.subject == "a b"
    assert row.snippet.startswith("bold zzz") and len(row.snippet) == 200



@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.binary(max_size=400), body=st.binary(max_size=2000),
       name=st.text(max_size=40), charset=st.sampled_from(["utf-8", "x-nope", "utf-7", "iso-2022-jp", "", "utf-16"]))
def test_random_bytes_never_raise(tmp_path, head, body, name, charset):
    raw = (f"From: {name} <a@example.com>\nSubject: {name}\nContent-Type: text/plain; charset={charset}\n"
           f"Content-Transfer-Encoding: base64\n").encode("utf-8", "surrogatepass") + head + b"\n\n" + body
    path = tmp_path / "fuzz.mbox"
    path.write_bytes(b"From x Mon Nov  2 09:00:00 2026\n" + raw.replace(b"\nFrom ", b"\n>From "))
    df = read_conversations(path)
    rep = df.attrs["report"]
    assert len(df) == rep["messages_read"] - len(rep["skipped"])
    for column in ("from_name", "subject", "snippet"):
        assert all("\n" not in v and "\r" not in v for v in df[column])


def test_a_renamed_messages_csv_and_a_connections_csv(tmp_path):
    renamed = tmp_path / "messages (1).csv"
    renamed.write_bytes(mb.linkedin_files()["messages.csv"])
    assert len(read_conversations(renamed)) == 4
    (tmp_path / "Connections.csv").write_bytes(mb.linkedin_files()["Connections.csv"])
    with pytest.raises(InputFormatError, match="no messages.csv or Invitations.csv"):
        read_conversations(tmp_path / "Connections.csv")


def test_a_damaged_zip_member_is_a_clear_error(tmp_path):
    path = _zip(tmp_path / "damaged.zip", mb.linkedin_files(), method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b"Hi Priya")
    data[at:at + 2] = b"XX"  # the stored bytes no longer match their CRC
    path.write_bytes(bytes(data))
    with pytest.raises(InputFormatError, match="messages.csv is damaged"):
        read_conversations(path)
