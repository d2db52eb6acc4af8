"""One RFC 5322 message (bytes) read into one row of the conversations table: headers, a snippet, flags."""

from __future__ import annotations

import codecs
import datetime as dt
import email.header
import email.utils
import hashlib
import re
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy
from html.parser import HTMLParser
from typing import Any

#: Columns of the conversations table, in order (see :func:`infoview_kit.sync.read.read_conversations`).
COLUMNS: tuple[str, ...] = (
    "channel", "source", "folder", "position", "outgoing", "message_id", "in_reply_to", "references",
    "thread", "date", "from_addr", "from_name", "to_addrs", "cc_addrs", "subject", "snippet", "auto_reply",
    "bounce_for",
)
SNIPPET_CHARS = 200
#: At most this much of one message is parsed: headers, the first text part and a delivery report fit in
#: it; the rest (attachments, a 50 MB body) is never held, so memory stays bounded and snippets stay fast.
PARSE_BYTES = 1 << 20
#: Folder names that hold what the user sent (compared case-insensitively, on the last path part).
SENT_FOLDERS = frozenset({"sent", "sent items", "sent messages", "sent mail", "sent-mail", "gesendet",
                          "gesendete objekte", "gesendete elemente", "envoyés", "elementos enviados",
                          "posta inviata", "verzonden items"})
_AUTO_SUBJECT = re.compile(
    r"out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|automatische antwort|abwesenheitsnotiz|"
    r"abwesend|réponse automatique|absence du bureau|respuesta automática|fuera de la oficina|"
    r"risposta automatica|automatisch antwoord|afwezigheidsbericht|vacation reply|on vacation|on leave until",
    re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")
_PARSER = BytesParser(policy=default_policy)


def one_line(value: object) -> str:
    """Return `value` as one line of text: control characters (CR, LF, NUL ...) to spaces, runs collapsed.

    Every text field of the table goes through here, so a display name carrying ``\\r\\nBcc: ...``
    (header injection) can never become a header or a line of its own downstream.
    """
    if value is None:
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def is_sent_folder(folder: str) -> bool:
    """Tell whether a folder name is a Sent folder: Sent, Sent Items, Sent Messages, .Sent, [Gmail]/Sent Mail."""
    last = re.split(r"[/\\]", folder.strip())[-1].lstrip(".").strip()
    return last.casefold() in SENT_FOLDERS or folder.strip().casefold() in SENT_FOLDERS


def parse_message(data: bytes) -> EmailMessage:
    """Parse the message bytes (headers and body) with the stdlib parser and its modern policy."""
    msg = _PARSER.parsebytes(data[:PARSE_BYTES])
    assert isinstance(msg, EmailMessage)
    return msg


def message_row(msg: EmailMessage, *, source: str, folder: str, position: str, me: frozenset[str] = frozenset(),
                fallback_date: dt.datetime | None = None, warn: Any = None) -> dict[str, Any]:
    """Return the table row of one parsed message.

    `folder` is where it was found; a Gmail ``X-Gmail-Labels`` header overrides it (Sent, else Inbox, else the
    first label). `me` holds the user's own addresses (lowercased): mail from one of them is outgoing.
    `fallback_date` (the server's arrival time, the mbox ``From`` line) stands in for a missing Date;
    `warn(message)` is called for anything read with doubt.
    """
    labels = [one_line(x) for x in _text(msg, "X-Gmail-Labels").split(",") if x.strip()]
    if labels:
        folder = _gmail_folder(labels)
    from_name, from_addr = _first_address(msg, "From")
    subject = one_line(_text(msg, "Subject"))
    bounce = bounce_address(msg)
    date = _date(msg, fallback_date, warn)
    snippet = snippet_of(msg)
    mid = _ids(_text(msg, "Message-ID"))
    refs = tuple(_ids(_text(msg, "References")))
    row = {
        "channel": "mail", "source": source, "folder": folder, "position": position,
        "outgoing": is_sent_folder(folder) or any(is_sent_folder(x) for x in labels) or from_addr in me,
        "message_id": mid[0] if mid else synthetic_id("mail", from_addr, str(date), subject, snippet),
        "in_reply_to": next(iter(_ids(_text(msg, "In-Reply-To"))), ""),
        "references": refs,
        "thread": one_line(_text(msg, "X-GM-THRID")),
        "date": date,
        "from_addr": from_addr, "from_name": from_name,
        "to_addrs": _addresses(msg, "To"), "cc_addrs": _addresses(msg, "Cc"),
        "subject": subject, "snippet": snippet,
        "auto_reply": not bounce and is_auto_reply(msg, subject),
        "bounce_for": bounce,
    }
    return row


def synthetic_id(prefix: str, *parts: str) -> str:
    """A stable id for a message that has none: ``prefix:`` and a hash of what identifies it."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"{prefix}:{digest}"


# --------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------

def _text(msg: Message, name: str) -> str:
    """The decoded value of header `name` ("" if absent); a header the parser chokes on is read raw."""
    try:
        value = msg.get(name)
    except Exception:  # the modern header parser has bugs on hostile input; fall back to the raw text
        value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    return "" if value is None else str(value)


def _gmail_folder(labels: list[str]) -> str:
    for wanted in ("Sent", "Inbox"):
        if any(x.casefold() == wanted.casefold() for x in labels):
            return wanted
    return labels[0]


def _ids(value: str) -> list[str]:
    """Message ids in a Message-ID / In-Reply-To / References value, without angle brackets."""
    found = _ANGLE.findall(value)
    return [one_line(x) for x in (found or value.split()) if one_line(x)]


def _address_pairs(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lowercased address) pairs of an address header; undecodable parts are dropped."""
    pairs: list[tuple[str, str]] = []
    try:
        header = msg.get(name)
        groups = getattr(header, "groups", None)
        if groups is not None:
            for group in groups:
                pairs += [(a.display_name, a.addr_spec) for a in group.addresses]
            return [(one_line(n), one_line(a).lower()) for n, a in pairs if "@" in a]
    except Exception:  # noqa: S110 - fall back to the forgiving legacy parser below
        pass
    raw = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
    pairs = email.utils.getaddresses([str(v) for v in raw])
    return [(one_line(_decoded(n)), one_line(a).lower()) for n, a in pairs if "@" in a]


def _decoded(words: str) -> str:
    """RFC 2047 encoded words decoded (any charset; undecodable bytes replaced)."""
    try:
        return str(email.header.make_header(email.header.decode_header(words)))
    except Exception:  # an unknown charset or a broken encoded word: keep the text as it came
        return words


def _first_address(msg: Message, name: str) -> tuple[str, str]:
    pairs = _address_pairs(msg, name)
    return pairs[0] if pairs else ("", "")


def _addresses(msg: Message, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for _, a in _address_pairs(msg, name)))


def _date(msg: Message, fallback: dt.datetime | None, warn: Any) -> dt.datetime | None:
    """The Date header as an aware UTC datetime; the fallback, or None, with a warning when unreadable."""
    value: dt.datetime | None = None
    try:
        header = msg.get("Date")
        value = getattr(header, "datetime", None)
    except Exception:
        value = None
    if value is None:
        raw = _text(msg, "Date")
        if warn is not None:
            what = f"unreadable Date {one_line(raw)[:60]!r}" if raw else "no Date header"
            warn(what + ("; used the arrival time" if fallback else "; date left empty"))
        value = fallback
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def is_auto_reply(msg: Message, subject: str) -> bool:
    """Tell an automatic reply: ``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``,
    ``Precedence: auto_reply``, or an out-of-office subject ("Out of office", "Automatic reply", "Autoreply",
    "Abwesenheitsnotiz", "Réponse automatique" ...)."""
    submitted = _text(msg, "Auto-Submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return True
    if _text(msg, "X-Autoreply").strip() or _text(msg, "X-Autorespond").strip():
        return True
    if _text(msg, "Precedence").strip().lower() == "auto_reply":
        return True
    return _AUTO_SUBJECT.search(subject) is not None


def bounce_address(msg: EmailMessage) -> str:
    """For a delivery failure, the address that failed (lowercased), else "".

    Reads a delivery-status report (``multipart/report; report-type=delivery-status``, RFC 3464): the
    Original-Recipient of a failed recipient, else its Final-Recipient. Without a report, an
    ``X-Failed-Recipients`` header (Exim, Gmail) names it.
    """
    try:
        failed = _report_failure(msg)
    except Exception:
        failed = ""
    if not failed:
        pairs = email.utils.getaddresses([_text(msg, "X-Failed-Recipients")])
        failed = next((a for _, a in pairs if "@" in a), "")
    return one_line(failed).lower()


def _report_failure(msg: EmailMessage) -> str:
    if msg.get_content_type() != "multipart/report":
        return ""
    if (msg.get_param("report-type") or "").lower() != "delivery-status":  # type: ignore[union-attr]
        return ""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            action = str(block.get("Action", "failed")).strip().lower()
            who = str(block.get("Original-Recipient") or block.get("Final-Recipient") or "")
            if who and action.startswith("failed"):
                return who.split(";", 1)[-1].strip().strip("<>")
    return ""


# --------------------------------------------------------------------------------------------------
# Body -> snippet
# --------------------------------------------------------------------------------------------------

_QUOTE_HEAD = re.compile(r"^(?:On .{4,200} wrote:|Am .{4,200} schrieb .{0,100}:|Le .{4,200} a écrit ?:)\s*$",
                         re.MULTILINE)


def snippet_of(msg: EmailMessage) -> str:
    """At most 200 characters of the message's own text: the plain part (else the HTML part as text), any
    charset, quoted-printable or base64, quoted lines ("> ...") and the "On ... wrote:" line left out."""
    part = _text_part(msg)
    if part is None:
        return ""
    text = decode_part(part)
    if part.get_content_subtype() == "html":
        text = html_text(text)
    return snippet_text(text)


def snippet_text(text: str) -> str:
    """Whitespace collapsed, quotes dropped, cut to 200 characters."""
    quote = _QUOTE_HEAD.search(text[:20000])
    if quote:
        text = text[:quote.start()]
    lines = (line for line in text[:20000].splitlines() if not line.lstrip().startswith(">"))
    return one_line(" ".join(lines))[:SNIPPET_CHARS]


def _text_part(msg: EmailMessage) -> Message | None:
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is not None:
        return body
    for part in msg.walk():  # malformed structure: the first text part there is, not an attachment
        if part.get_content_maintype() == "text" and not part.get_filename():
            return part
    return None


def decode_part(part: Message) -> str:
    """The text of one part: transfer encoding undone, then its charset (unknown or wrong: UTF-8, replacing)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    data = data[:262144]
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except (LookupError, ValueError):
        charset = "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except Exception:  # a codec that fails on its own terms (e.g. a broken stateful one)
        return data.decode("utf-8", errors="replace")


class _TextOf(HTMLParser):
    """The visible text of HTML, stopping once there is enough for a snippet."""

    _HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag == "blockquote" and self.quoted:
            self.quoted -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.quoted:
            self.parts.append(data)
            self.size += len(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML body (stdlib ``html.parser``: no script, style or quoted reply)."""
    parser = _TextOf()
    try:
        for start in range(0, min(len(markup), 262144), 8192):
            parser.feed(markup[start:start + 8192])
            if parser.size > 4 * SNIPPET_CHARS:
                break
        parser.close()
    except Exception:  # noqa: S110 - what was read so far is the text
        pass
    return "".join(parser.parts)

