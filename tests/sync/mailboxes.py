"""Invented mail for the sync tests: the same small story as mbox, Maildir, .eml files and a LinkedIn archive.

Maya Ortiz (the user, maya@example.org) writes to Priya Raman, who answers; Tomás Herrera answers in HTML
only; Jun Watanabe's address bounces; Lena Vogel is out of office. All of them are invented.
"""

from __future__ import annotations

import csv
import io
import mailbox
import zipfile
from email.message import EmailMessage
from pathlib import Path

ME = "maya@example.org"
ME_URL = "https://www.linkedin.com/in/maya-ortiz-demo"
PRIYA_URL = "https://www.linkedin.com/in/priya-raman-demo"


def _message(frm: str, to: str, subject: str, date: str, mid: str, body: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    msg["Message-ID"] = mid
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def outreach() -> EmailMessage:
    """Maya's first message to Priya (in Sent)."""
    return _message(f"Maya Ortiz <{ME}>", "Priya Raman <priya.raman@example.com>",
                    "Quick question about your work at Acme", "Mon, 02 Nov 2026 09:00:00 -0500",
                    "<m1.maya@example.org>", "Hi Priya,\n\nWould you have 20 minutes for a call?\n\nMaya\n")


def reply() -> EmailMessage:
    """Priya answers: encoded name and subject, quoted-printable UTF-8 body, a quote of Maya's text."""
    msg = EmailMessage()
    msg["From"] = "=?utf-8?q?Priya_Ram=C3=A1n?= <Priya.Raman@Example.com>"
    msg["To"] = ME
    msg["Cc"] = "Jun Watanabe <jun@nowhere.example>, team@acme.example"
    msg["Subject"] = "=?utf-8?b?UmU6IFF1aWNrIHF1ZXN0aW9uIOKAkyBzdXJlIQ==?="
    msg["Date"] = "Tue, 03 Nov 2026 10:30:00 +0100"
    msg["Message-ID"] = "<r1.priya@example.com>"
    msg["In-Reply-To"] = "<m1.maya@example.org>"
    msg["References"] = "<m0@example.org> <m1.maya@example.org>"
    msg.set_content("Gerne, Maya — Thursday works.\n\nOn Mon, Nov 2, 2026 at 9:00 Maya Ortiz wrote:\n"
                    "> Would you have 20 minutes?\n", cte="quoted-printable")
    return msg


def html_only() -> EmailMessage:
    """Tomás writes HTML only, Latin-1, base64."""
    msg = EmailMessage()
    msg["From"] = "Tomás Herrera <tomas@herrera.example>"
    msg["To"] = ME
    msg["Subject"] = "Café next week?"
    msg["Date"] = "Wed, 04 Nov 2026 16:00:00 +0000"
    msg["Message-ID"] = "<t1@herrera.example>"
    msg.set_content("<html><head><style>p{color:red}</style></head><body><p>Hola Maya,</p>"
                    "<p>un caf&eacute; el jueves?</p><script>alert(1)</script></body></html>",
                    subtype="html", charset="iso-8859-1", cte="base64")
    return msg


def out_of_office() -> EmailMessage:
    return _message("Lena Vogel <lena.vogel@example.net>", ME, "Abwesenheitsnotiz: Quick question",
                    "Thu, 05 Nov 2026 08:00:00 +0100", "<ooo1@example.net>", "Ich bin bis 20.11. nicht im Büro.",
                    Auto_Submitted="auto-replied")


def bounce() -> EmailMessage:
    """A delivery failure (RFC 3464) for Jun's address."""
    msg = EmailMessage()
    msg["From"] = "Mail Delivery System <MAILER-DAEMON@example.org>"
    msg["To"] = ME
    msg["Subject"] = "Undelivered Mail Returned to Sender"
    msg["Date"] = "Thu, 05 Nov 2026 09:00:00 +0000"
    msg["Message-ID"] = "<b1@example.org>"
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("This is the mail system. Your message could not be delivered to jun@nowhere.example.")
    msg.make_mixed()
    msg.set_type("multipart/report")
    msg.set_param("report-type", "delivery-status")
    status = EmailMessage()
    status.set_type("message/delivery-status")
    status.set_payload([_block({"Reporting-MTA": "dns; mail.example.org"}),
                        _block({"Original-Recipient": "rfc822; Jun@Nowhere.example",
                                "Final-Recipient": "rfc822; jun@nowhere.example", "Action": "failed",
                                "Status": "5.1.1"})])
    msg.attach(status)
    return msg


def _block(fields: dict[str, str]) -> EmailMessage:
    block = EmailMessage()
    for name, value in fields.items():
        block[name] = value
    return block


def no_date() -> EmailMessage:
    return _message("Priya Raman <priya.raman@example.com>", ME, "One more thing", "", "<r2.priya@example.com>",
                    "Bring your questions.")


def story() -> list[tuple[str, EmailMessage]]:
    """(folder, message) in order: one sent, five received."""
    return [("Sent", outreach()), ("INBOX", reply()), ("INBOX", html_only()), ("INBOX", out_of_office()),
            ("INBOX", bounce()), ("INBOX", no_date())]


GARBAGE = b"\x00\x01\x02 not a message at all \xff\xfe\n\n\x00"


def write_mbox(path: Path, messages: list[tuple[str, EmailMessage]], *, gmail: bool = False,
               extra: list[bytes] = ()) -> Path:  # type: ignore[assignment]
    """An mbox with the stdlib ``mailbox`` module; Gmail Takeout style (labels) when `gmail`."""
    box = mailbox.mbox(path)
    for folder, msg in messages:
        if gmail:
            msg = _copy(msg)
            msg["X-Gmail-Labels"] = "Sent,Opened" if folder == "Sent" else "Inbox,Important,Opened"
            msg["X-GM-THRID"] = "1750000000000000001"
        box.add(msg)
    for raw in extra:
        box.add(raw)
    box.flush()
    box.close()
    return path


def _copy(msg: EmailMessage) -> EmailMessage:
    from email import message_from_bytes
    from email.policy import default

    copied = message_from_bytes(msg.as_bytes(), policy=default)
    assert isinstance(copied, EmailMessage)
    return copied


def write_maildir(path: Path, messages: list[tuple[str, EmailMessage]]) -> Path:
    """A Maildir (Maildir++: the Sent folder is ``.Sent``) with the stdlib ``mailbox`` module."""
    box = mailbox.Maildir(path, create=True)
    sent = box.add_folder("Sent")
    for folder, msg in messages:
        (sent if folder == "Sent" else box).add(msg)
    return path


def write_linkedin_zip(path: Path, *, extra: dict[str, bytes] | None = None) -> Path:
    """LinkedIn's "Get a copy of your data" ZIP in its real layout (invented people)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in linkedin_files().items():
            archive.writestr(name, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def _csv(rows: list[list[str]], preamble: str = "") -> bytes:
    out = io.StringIO()
    out.write(preamble)
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def linkedin_files() -> dict[str, bytes]:
    """The members of the archive: messages.csv, Invitations.csv, Connections.csv, Profile.csv."""
    conv = "2-ZmE0YTQ1ZDYtZGVtbw=="
    messages = [
        ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
         "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS"],
        [conv, "Maya Ortiz and Priya Raman", "Maya Ortiz", ME_URL + "/", "Priya Raman",
         "https://www.linkedin.com/in/Priya-Raman-Demo?trk=x", "2026-11-02 15:00:00 UTC", "",
         "Hi Priya, could we talk\nabout Acme?", "INBOX", ""],
        [conv, "Maya Ortiz and Priya Raman", "Priya Raman", "https://de.linkedin.com/in/priya-raman-demo",
         "Maya Ortiz", ME_URL, "2026-11-03 08:12:45 UTC", "", "<p>Sure &amp; happy to!</p>", "INBOX", ""],
        ["2-b2xkZXItZm9ybWF0", "", "Jun Watanabe", "https://www.linkedin.com/in/jun-watanabe-demo", "Maya Ortiz",
         ME_URL, "Tue Mar 12 14:05:33 UTC 2024", "Old thread", "From an older archive", "INBOX", ""],
        ["2-YnJva2VuLWRhdGU=", "", "Lena Vogel", "https://www.linkedin.com/in/lena-vogel-demo", "Maya Ortiz",
         ME_URL, "sometime last week", "", "Date unreadable", "INBOX", ""],
    ]
    invitations = [
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"],
        ["Maya Ortiz", "Tomás Herrera", "11/1/26, 9:05 PM", "Hi Tomás, we met at the UX meetup.", "OUTGOING",
         ME_URL, "https://www.linkedin.com/in/tomas-herrera-demo"],
        ["Maya Ortiz", "Jun Watanabe", "11/1/26, 9:06 PM", "", "OUTGOING", ME_URL,
         "https://www.linkedin.com/in/jun-watanabe-demo"],
    ]
    connections = [
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
        ["Priya", "Raman", PRIYA_URL, "priya.raman@example.com", "Acme", "UX Researcher", "02 Oct 2026"],
        ["Tomás", "Herrera", "https://www.linkedin.com/in/tomas-herrera-demo", "", "Globex", "Designer",
         "01 Nov 2026"],
    ]
    notes = ('Notes:\r\n"When exporting your connection data, you may notice that some of the email addresses '
             'are missing."\r\n\r\n')
    profile = [["First Name", "Last Name", "Maiden Name", "Address", "Headline"],
               ["Maya", "Ortiz", "", "", "UX designer"]]
    return {"messages.csv": _csv(messages), "Invitations.csv": _csv(invitations),
            "Connections.csv": _csv(connections, notes), "Profile.csv": _csv(profile)}
