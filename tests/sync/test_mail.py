"""One message into one row: Sent folders, automatic replies, bounces, snippets."""

from __future__ import annotations

import pytest

from infoview_kit.sync.mail import (
    bounce_address,
    headers_of,
    html_text,
    is_auto_reply,
    is_sent_folder,
    message_row,
    one_line,
    parse_message,
    snippet_of,
    snippet_text,
)


@pytest.mark.parametrize(("folder", "sent"), [
    ("Sent", True), (".Sent", True), ("INBOX.Sent", True), ("[Gmail]/Sent Mail", True), ("Sent Items", True),
    ("Sent Messages", True), ("Gesendete Objekte", True), ("Envoyés", True), ("INBOX", False), ("Absent", False),
    ("Sent.2024", False), ("Drafts", False),
])
def test_sent_folders(folder, sent):
    assert is_sent_folder(folder) is sent


def _msg(headers: str, body: bytes = b"hello\n"):
    return parse_message(headers.replace("\n", "\r\n").encode() + b"\r\n" + body)


@pytest.mark.parametrize(("headers", "auto"), [
    ("Auto-Submitted: auto-replied\nSubject: Re: coffee\n", True),
    ("Auto-Submitted: no\nSubject: Re: coffee\n", False),
    ("X-Autoreply: yes\nSubject: Re: coffee\n", True),
    ("X-Autorespond: yes\nSubject: Re: coffee\n", True),
    ("Precedence: auto_reply\nSubject: Re: coffee\n", True),
    ("Subject: Out of Office: Re: coffee\n", True),
    ("Subject: Automatic reply: coffee\n", True),
    ("Subject: Autoreply\n", True),
    ("Subject: Abwesenheitsnotiz: Kaffee\n", True),
    ("Subject: Réponse automatique : café\n", True),
    ("Subject: Re: the office coffee machine\n", False),
    ("Precedence: bulk\nSubject: Newsletter\n", False),
])
def test_automatic_replies(headers, auto):
    row = message_row(_msg("From: a@example.com\n" + headers), source="s", folder="INBOX", position="p")
    assert row["auto_reply"] is auto
    assert is_auto_reply(headers_of(_msg(headers)), row["subject"]) is auto


def test_a_bounce_without_a_report_names_the_address_from_x_failed_recipients():
    msg = _msg("From: Mail Delivery Subsystem <mailer-daemon@example.org>\nX-Failed-Recipients: Jun@Nowhere.example\n"
               "Subject: Delivery Status Notification (Failure)\n")
    assert bounce_address(msg) == "jun@nowhere.example"
    assert bounce_address(_msg("From: a@example.com\nSubject: hi\n")) == ""


def test_a_delivery_report_that_was_delivered_is_not_a_bounce():
    msg = _msg('From: mailer-daemon@example.org\nMIME-Version: 1.0\n'
               'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n',
               b"--b\r\nContent-Type: text/plain\r\n\r\nDelivered.\r\n"
               b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
               b"Reporting-MTA: dns; mx.example.org\r\n\r\n"
               b"Final-Recipient: rfc822; ok@example.com\r\nAction: delivered\r\nStatus: 2.0.0\r\n--b--\r\n")
    assert bounce_address(msg) == ""
    assert snippet_of(msg) == "Delivered."


def test_multipart_alternative_gives_its_plain_part_and_attachments_are_never_text():
    msg = _msg('From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n',
               b'--m\r\nContent-Type: text/plain; name="notes.txt"\r\nContent-Disposition: attachment\r\n\r\nSECRET\r\n'
               b'--m\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n'
               b"--a\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
               b"--a\r\nContent-Type: text/plain; charset*=utf-8''\r\n"
               b"\r\nplain words\r\n--a--\r\n--m--\r\n")
    assert snippet_of(msg) == "plain words"


def test_html_text_skips_script_style_and_quoted_replies():
    markup = ("<style>p{}</style><script>x()</script><p>Yes &amp; thanks</p>"
              "<blockquote>On Monday you wrote: old</blockquote><p>Maya</p>")
    assert one_line(html_text(markup)) == "Yes & thanks Maya"


def test_one_line_removes_every_line_break():
    assert one_line("a\r\nb\u2028c\x00d\x85e  f") == "a b c d e f"


@pytest.mark.parametrize("quote", [
    "On Mon, 2 Nov 2026 at 09:00, Maya Ortiz <maya@example.org> wrote:\n> old",
    "-----Original Message-----\nFrom: Maya Ortiz\nSent: Monday\n\nold",
    "________________________________\nFrom: Maya Ortiz <maya@example.org>\nSent: Monday\n\nold",
    "Am Mo., 2. Nov. 2026 um 09:00 Uhr schrieb Maya Ortiz <maya@example.org>:\n> old",
])
def test_the_snippet_is_the_answer_not_the_quote(quote):
    assert snippet_text(f"Happy to talk on Thursday.\n\n{quote}\n") == "Happy to talk on Thursday."
