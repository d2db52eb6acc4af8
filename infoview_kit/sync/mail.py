"""One RFC 5322 message (bytes) read into one row of the conversations table: headers, a snippet, flags."""

from __future__ import annotations

import codecs
import datetime as dt
import email.header
import email.utils
import hashlib
import re
from collections.abc import Callable
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
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
    r"risposta automatica|automatisch antwoord|afwezigheidsbericht|vacation reply",
    re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")
#: What stands in for a missing Date: the arrival time, or a function that reads it when needed.
Fallback = dt.datetime | Callable[[], dt.datetime | None] | None
_SURROGATE = re.compile("[\udc80-\udcff]")
_PARSER = BytesParser(policy=compat32)


def one_line(value: object) -> str:
    """Return `value` as one line of text: control characters (CR, LF, NUL ...) to spaces, runs collapsed.

    Every text field of the table goes through here, so a display name carrying ``\\r\\nBcc: ...``
    (header injection) can never become a header or a line of its own downstream.
    """
    if value is None:
        return ""
    text = str(value)
    return " ".join((text if text.isprintable() else _CONTROL.sub(" ", text)).split())


def is_sent_folder(folder: str) -> bool:
    """Tell whether a folder name is a Sent folder: Sent, Sent Items, Sent Messages, .Sent, INBOX.Sent,
    [Gmail]/Sent Mail (and the same in German, French, Spanish, Italian and Dutch)."""
    last = re.split(r"[/\\.]", folder.strip())[-1].strip()  # [Gmail]/Sent Mail, INBOX.Sent, .Sent
    return last.casefold() in SENT_FOLDERS or folder.strip().casefold() in SENT_FOLDERS


def parse_message(data: bytes) -> Message:
    """Parse the message bytes (headers and body, at most :data:`PARSE_BYTES`) with the stdlib parser.

    Decision: the parser runs with the ``compat32`` policy and the headers are decoded by the stdlib's own
    decoders (``email.header.decode_header`` for RFC 2047, ``email.utils.getaddresses``,
    ``email.utils.parsedate_to_datetime``). ``policy.default``'s header classes read the same forms, but
    with them reading took about 20 times as long as the plain stdlib ``mailbox`` loop (measured with
    ``benchmarks/sync_read_bench.py``; with these decoders: about 1.6 times).
    """
    return _PARSER.parsebytes(data[:PARSE_BYTES])


def read_message(data: bytes, warn: Any = None) -> Message:
    """Parse one message and check it is mail: a ValueError when it has none of From, Date, Message-ID,
    Subject or To (garbage, a truncated file); a warning naming malformed MIME."""
    msg = parse_message(data)
    if not {k.lower() for k in msg} & {"from", "date", "message-id", "subject", "to"}:
        raise ValueError("no message headers (From, Date, Message-ID, Subject or To)")
    if msg.defects and warn is not None:
        warn("malformed MIME (" + ", ".join(sorted({type(d).__name__ for d in msg.defects})) + ")")
    return msg


def message_row(msg: Message, *, source: str, folder: str, position: str, me: frozenset[str] = frozenset(),
                fallback_date: Fallback = None, warn: Any = None) -> dict[str, Any]:
    """Return the table row of one parsed message.

    `folder` is where it was found; a Gmail ``X-Gmail-Labels`` header overrides it (Sent, else Inbox, else the
    first label). `me` holds the user's own addresses (lowercased): mail from one of them is outgoing.
    `fallback_date` (the server's arrival time, the mbox ``From`` line) stands in for a missing Date;
    `warn(message)` is called for anything read with doubt.
    """
    h = headers_of(msg)
    labels = [one_line(x) for x in _text(h, "X-Gmail-Labels").split(",") if x.strip()]
    if labels:
        folder = _gmail_folder(labels)
    from_name, from_addr = _first_address(h, "From")
    subject = one_line(_text(h, "Subject"))
    bounce = bounce_address(msg, h)
    date = _date(h, fallback_date, warn)
    snippet = snippet_of(msg)
    mid = _ids(_text(h, "Message-ID"))
    refs = tuple(_ids(_text(h, "References")))
    row = {
        "channel": "mail", "source": source, "folder": folder, "position": position,
        "outgoing": is_sent_folder(folder) or any(is_sent_folder(x) for x in labels) or from_addr in me,
        "message_id": mid[0] if mid else synthetic_id("mail", from_addr, str(date), subject, snippet),
        "in_reply_to": next(iter(_ids(_text(h, "In-Reply-To"))), ""),
        "references": refs,
        "thread": one_line(_text(h, "X-GM-THRID")),
        "date": date,
        "from_addr": from_addr, "from_name": from_name,
        "to_addrs": _addresses(h, "To"), "cc_addrs": _addresses(h, "Cc"),
        "subject": subject, "snippet": snippet,
        "auto_reply": not bounce and is_auto_reply(h, subject),
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

Headers = dict[str, list[str]]


def headers_of(msg: Message) -> Headers:
    """Every header of the message at once: lowercased name -> its values, in order (one pass, not one
    lookup per field)."""
    found: Headers = {}
    for name, value in msg.raw_items():  # raw: 8-bit bytes are read by _unescaped, folding by one_line
        found.setdefault(name.lower(), []).append(str(value))
    return found


def _text(h: Headers, name: str) -> str:
    """The value of header `name` ("" if absent), RFC 2047 encoded words decoded, raw 8-bit bytes read as
    UTF-8 (else Latin-1)."""
    values = h.get(name.lower())
    return _decoded(_unescaped(values[0])) if values else ""


def _unescaped(value: str) -> str:
    """A raw header as the parser gives it (8-bit bytes as surrogates) turned into text."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decoded(words: str) -> str:
    """RFC 2047 encoded words decoded (any charset; an unknown one or broken word kept as it came)."""
    if "=?" not in words:
        return words
    try:
        return str(email.header.make_header(email.header.decode_header(words)))
    except Exception:  # an unknown charset or a broken encoded word: keep the text as it came
        return words


def _gmail_folder(labels: list[str]) -> str:
    for wanted in ("Sent", "Inbox"):
        if any(x.casefold() == wanted.casefold() for x in labels):
            return wanted
    return labels[0]


def _ids(value: str) -> list[str]:
    """Message ids in a Message-ID / In-Reply-To / References value, without angle brackets."""
    found = _ANGLE.findall(value)
    return [one_line(x) for x in (found or value.split()) if one_line(x)]


def _address_pairs(h: Headers, name: str) -> list[tuple[str, str]]:
    """(display name, lowercased address) pairs of an address header (every copy of it); no address, no pair."""
    values = [_unescaped(v) for v in h.get(name.lower(), ())]
    pairs = _simple_addresses(values)
    if pairs is None:
        pairs = email.utils.getaddresses(values)
    return [(one_line(_decoded(n)), one_line(a).lower()) for n, a in pairs if "@" in a]


_NAME_ADDR = re.compile(r"\s*([^<>@]*?)\s*<([^<>@\s]+@[^<>@\s]+)>\s*|\s*()([^<>@\s]+@[^<>@\s]+)\s*")


def _simple_addresses(values: list[str]) -> list[tuple[str, str]] | None:
    """The common forms (``Name <a@b>``, ``a@b``, comma-separated) read quickly; None when a value holds
    anything else (quotes, comments, groups, escapes, folding), for ``email.utils.getaddresses`` to read."""
    pairs = []
    for value in values:
        if any(c in value for c in '"()\\:;[]\r\n'):
            return None
        for piece in value.split(","):
            if not piece.strip():
                continue
            match = _NAME_ADDR.fullmatch(piece)
            if match is None:
                return None
            name, addr, _, bare = match.groups()
            pairs.append((name or "", addr or bare))
    return pairs


def _first_address(h: Headers, name: str) -> tuple[str, str]:
    pairs = _address_pairs(h, name)
    return pairs[0] if pairs else ("", "")


def _addresses(h: Headers, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for _, a in _address_pairs(h, name)))


def _date(h: Headers, fallback: Fallback, warn: Any) -> dt.datetime | None:
    """The Date header as an aware UTC datetime; the fallback, or None, with a warning when unreadable."""
    raw = _text(h, "Date")
    try:
        value: dt.datetime | None = email.utils.parsedate_to_datetime(raw) if raw.strip() else None
    except (TypeError, ValueError, IndexError, OverflowError):
        value = None
    if value is None:
        if callable(fallback):
            fallback = fallback()
        if warn is not None:
            what = f"unreadable Date {one_line(raw)[:60]!r}" if raw.strip() else "no Date header"
            warn(what + ("; used the arrival time" if fallback else "; date left empty"))
        value = fallback
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def is_auto_reply(h: Headers, subject: str) -> bool:
    """Tell an automatic reply: ``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``,
    ``Precedence: auto_reply``, or an out-of-office subject ("Out of office", "Automatic reply", "Autoreply",
    "Abwesenheitsnotiz", "Réponse automatique" ...)."""
    submitted = _text(h, "Auto-Submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return True
    if _text(h, "X-Autoreply").strip() or _text(h, "X-Autorespond").strip():
        return True
    if _text(h, "Precedence").strip().lower() == "auto_reply":
        return True
    return _AUTO_SUBJECT.search(subject) is not None


def bounce_address(msg: Message, h: Headers | None = None) -> str:
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
        pairs = email.utils.getaddresses([_text(h if h is not None else headers_of(msg), "X-Failed-Recipients")])
        failed = next((a for _, a in pairs if "@" in a), "")
    return one_line(failed).lower()


def _report_failure(msg: Message) -> str:
    if not msg.is_multipart() or msg.get_content_type() != "multipart/report":
        return ""
    if str(msg.get_param("report-type") or "").lower() != "delivery-status":
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

#: Where the quoted message starts in a reply: Gmail/Apple ("On ... wrote:", in English, German, French,
#: Spanish), Outlook ("-----Original Message-----", or a rule of underscores then "From:").
_QUOTE_HEAD = re.compile(
    r"^(?:On .{4,200} wrote:|Am .{4,200} schrieb .{0,100}:|Le .{4,200} a écrit ?:|El .{4,200} escribió:|"
    r"-{2,} ?(?:Original Message|Ursprüngliche Nachricht|Message d'origine) ?-{2,}|_{10,}\s*\n\s*From:.*)\s*$",
    re.MULTILINE | re.IGNORECASE)


def snippet_of(msg: Message) -> str:
    """At most 200 characters of the message's own text: the plain part (else the HTML part as text), any
    charset, quoted-printable or base64, quoted lines ("> ...") and the "On ... wrote:" line left out."""
    found = _text_part(msg)
    if found is None:
        return ""
    part, subtype, charset = found
    text = decode_part(part, charset)
    if subtype == "html":
        text = html_text(text)
    return snippet_text(text)


def snippet_text(text: str) -> str:
    """Whitespace collapsed, quotes dropped, cut to 200 characters."""
    quote = _QUOTE_HEAD.search(text[:20000])
    if quote:
        text = text[:quote.start()]
    lines = (line for line in text[:20000].splitlines() if not line.lstrip().startswith(">"))
    return one_line(" ".join(lines))[:SNIPPET_CHARS]


_CHARSET = re.compile(r';\s*charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)


def _kind(part: Message) -> tuple[str, str]:
    """A part's content type (lowercased; text/plain when missing or malformed, as RFC 2045 says) and its
    charset ("" if none), read from the header text once."""
    raw = part.get("Content-Type")
    if raw is None:
        return "text/plain", ""
    text = str(raw)
    kind = text.split(";", 1)[0].strip().lower()
    if kind.count("/") != 1:
        kind = "text/plain"
    if "*=" in text:  # an RFC 2231 parameter: the stdlib decodes those
        return kind, str(part.get_content_charset() or "")
    match = _CHARSET.search(text)
    return kind, match.group(1).lower() if match else ""


def _text_part(msg: Message) -> tuple[Message, str, str] | None:
    """The part holding the message's own text, with its subtype and charset: the first text/plain that is
    not an attachment, else the first text/html (``multipart/alternative`` gives its plain part, a
    delivery report its human-readable part)."""
    html = None
    for part in msg.walk() if msg.is_multipart() else (msg,):
        kind, charset = _kind(part)
        if kind not in ("text/plain", "text/html") or _is_attachment(part):
            continue
        if kind == "text/plain":
            return part, "plain", charset
        if html is None:
            html = part, "html", charset
    return html


def _is_attachment(part: Message) -> bool:
    disposition = part.get("Content-Disposition")
    return disposition is not None and str(disposition).strip().lower().startswith("attachment")


_PART_BYTES = 65536


def decode_part(part: Message, charset: str = "") -> str:
    """The text of one part (its first 64 KiB): transfer encoding undone, then its charset (unknown or wrong:
    UTF-8, replacing)."""
    try:
        data = part.get_payload(decode=True)  # quoted-printable, base64 (forgiving), 8-bit bytes as they came
    except Exception:
        data = None
    if not isinstance(data, bytes):
        return ""
    data = data[:_PART_BYTES]
    charset = charset or str(part.get_content_charset() or "utf-8")
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

