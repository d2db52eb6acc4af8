"""Outreach and follow-up emails: templates, filling, checking, and drafts people can send."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import string
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email import policy as email_policy
from email.errors import HeaderParseError, MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, localtime
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from infoview_kit.base import bizdays as _bizdays
from infoview_kit.base.errors import InputFormatError, NotFoundError

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELD_HELP",
    "REPLY_CLASSES",
    "RULE_SETS",
    "CheckResult",
    "Draft",
    "Finding",
    "build_message",
    "check",
    "classify_reply",
    "fill",
    "list_templates",
    "mailto_link",
    "plain_text",
    "safe_filename",
    "template_fields",
    "write_eml",
]

logger = logging.getLogger("infoview_kit")

# --------------------------------------------------------------------------- templates

#: The template used when none is chosen: the seed article's first email.
DEFAULT_TEMPLATE = "seed"

#: Built-in templates in display order, with their kind. "outreach" is a first email to
#: someone new (checked with the "classic" or "strict" rules); "followup" is any later email
#: to someone you have written to or met (checked with the "followup" rules). A user
#: template that adds a new name has kind "custom" (checked like an outreach email).
_BUILTIN_KINDS: dict[str, str] = {
    "seed": "outreach",
    "short": "outreach",
    "recruiter": "outreach",
    "intro": "outreach",
    "nudge": "followup",
    "thank_you": "followup",
    "update": "followup",
    "referral_ask": "followup",
    "checkin": "followup",
}

#: What each built-in field expects, phrased to fit the sentences of the built-in templates.
#: Useful as widget placeholders and tooltips.
FIELD_HELP: Mapping[str, str] = {
    "their_name": 'how you address them in the greeting: "Sam" or "Dr. Okafor"',
    "their_employer": 'their employer: "Northwind Foods"',
    "their_accomplishment": 'what they have attained: "a leadership role in sustainable sourcing"',
    "my_name": 'your full name: "Ana Ruiz"',
    "my_status": 'who you are now, with its article: "a recent Data Science graduate of Lakeside '
                 'University" or "an analyst working at Northwind Foods"',
    "my_change": 'the change you want, after "I would like to": "move into supply-chain analytics"',
    "field": 'the field or industry that interests you: "supply-chain analytics"',
    "common_ground": 'what you share, after "I noticed that": "we both studied statistics at '
                     'Lakeside University"',
    "referrer_name": 'the mutual contact who suggested you write: "Priya Shah"',
    "referral_target": 'who you would like to meet next: "someone who works on demand forecasting"',
    "advice": 'their advice, as a verb phrase: "talk to two forecasting teams before choosing a course"',
    "next_step": 'what you will do next: "signing up for the APICS course in March"',
    "progress_items": "what you did since, one item a line (a list is turned into '- ' bullets)",
    "shared_item": 'the useful thing you pass on: "this article on cold-chain analytics (link)"',
    "shared_reason": 'why it made you think of them: "you mentioned cold-chain costs when we spoke"',
    "signature": 'your sign-off block: "Ana Ruiz" (may span several lines)',
}

_TEMPLATE_DIR = "data/templates"
_SUBJECT_PREFIX = "subject:"


@dataclass(frozen=True)
class _Template:
    name: str
    kind: str
    origin: str
    path: str
    subject: string.Template
    body: string.Template
    fields: tuple[str, ...]


def _placeholder_errors(text: str, path: str, first_line: int) -> None:
    """Raise InputFormatError at the first invalid ``$`` placeholder of ``text``."""
    for match in string.Template.pattern.finditer(text):
        if match.group("invalid") is None:
            continue
        start = match.start()  # the "$"
        line = first_line + text.count("\n", 0, start)
        snippet = text[start:].split("\n", 1)[0]
        closing = snippet.find("}")
        snippet = snippet[:closing + 1] if 0 < closing < 40 else snippet[:12]
        raise InputFormatError(
            f"{path}, line {line}: invalid placeholder {snippet!r}; write ${{field_name}} (letters, "
            "digits and underscores) for a field, or $$ for a literal dollar sign.",
            path=path, line=line,
        )


def _parse_template(text: str, *, name: str, path: str, origin: str) -> _Template:
    """Parse ``Subject: ...``, a blank line, then the body; check every placeholder."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].lower().startswith(_SUBJECT_PREFIX):
        raise InputFormatError(
            f"{path}, line 1: a template starts with 'Subject: ...', then a blank line, then the "
            "body; the first line is not a Subject line.", path=path, line=1,
        )
    subject = lines[0][len(_SUBJECT_PREFIX):].strip()
    if not subject:
        raise InputFormatError(f"{path}, line 1: the Subject line is empty; write a short subject.",
                               path=path, line=1)
    if len(lines) < 2 or lines[1].strip():
        raise InputFormatError(
            f"{path}, line 2: expected a blank line between the Subject line and the body.",
            path=path, line=2,
        )
    body_lines = [line.rstrip() for line in lines[2:]]
    if not any(body_lines):
        raise InputFormatError(f"{path}, line 3: the template has no body after the Subject line.",
                               path=path, line=3)
    leading_blank = next(i for i, line in enumerate(body_lines) if line)
    body = "\n".join(body_lines).strip("\n")
    _placeholder_errors(subject, path, 1)
    _placeholder_errors(body, path, 3 + leading_blank)  # report lines as the file numbers them
    subject_t, body_t = string.Template(subject), string.Template(body)
    fields = tuple(dict.fromkeys([*subject_t.get_identifiers(), *body_t.get_identifiers()]))
    kind = _BUILTIN_KINDS.get(name, "custom")
    return _Template(name, kind, origin, path, subject_t, body_t, fields)


@functools.cache
def _builtin_templates() -> dict[str, _Template]:
    root = resources.files("infoview_kit").joinpath(_TEMPLATE_DIR)
    found: dict[str, _Template] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".txt") and not entry.name.startswith("."):
            name = entry.name[:-4]
            found[name] = _parse_template(entry.read_text(encoding="utf-8"), name=name,
                                          path=f"infoview_kit/{_TEMPLATE_DIR}/{entry.name}",
                                          origin="built-in")
    ordered = {name: found.pop(name) for name in _BUILTIN_KINDS if name in found}
    return ordered | dict(sorted(found.items()))


def _user_templates(user_dir: str | os.PathLike[str] | None) -> dict[str, _Template]:
    if user_dir is None:
        return {}
    folder = Path(user_dir)
    if not folder.exists():
        return {}
    if not folder.is_dir():
        raise InputFormatError(f"{folder}: expected a folder of NAME.txt email templates, found a file.",
                               path=folder)
    found: dict[str, _Template] = {}
    for file in sorted(folder.glob("*.txt")):
        if file.name.startswith(".") or not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"{file}: not UTF-8 text; save the template as UTF-8.",
                                   path=file) from exc
        found[file.stem] = _parse_template(text, name=file.stem, path=str(file), origin="user")
    return found


def _templates(user_dir: str | os.PathLike[str] | None) -> dict[str, _Template]:
    merged = dict(_builtin_templates())
    for name, tpl in _user_templates(user_dir).items():
        if name in merged:
            logger.debug("user template %s overrides the built-in one", tpl.path)
        merged[name] = tpl
    return merged


def _get_template(name: str, user_dir: str | os.PathLike[str] | None) -> _Template:
    templates = _templates(user_dir)
    try:
        return templates[name]
    except KeyError:
        where = f"; add {name}.txt to {os.fspath(user_dir)}" if user_dir is not None else ""
        raise NotFoundError(
            f"No email template named {name!r}; available: {', '.join(templates)}{where}."
        ) from None


def list_templates(user_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """List the email templates: the built-in ones, overridden or extended by the user's.

    Parameters
    ----------
    user_dir
        Folder of the user's own templates (``NAME.txt``, for example
        ``data/private/templates``). A file with a built-in name replaces that template; any
        other name adds one. A folder that does not exist means "no user templates".

    Returns
    -------
    pandas.DataFrame
        One row per template, built-in order first, then added ones by name. Columns:

        - ``name`` (str): what to pass to :func:`fill`.
        - ``kind`` (str): "outreach" (first email), "followup" (later emails) or "custom".
        - ``fields`` (tuple of str): the ``${field}`` names, in order of first use.
        - ``origin`` (str): "built-in" or "user".
        - ``subject`` (str): the subject line, placeholders unfilled.

    Raises
    ------
    InputFormatError
        A user template is malformed (the message names the file and line).
    """
    rows = [{"name": t.name, "kind": t.kind, "fields": t.fields, "origin": t.origin,
             "subject": t.subject.template} for t in _templates(user_dir).values()]
    return pd.DataFrame(rows, columns=["name", "kind", "fields", "origin", "subject"])


def template_fields(name: str, user_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Return the field names a template uses, in order of first use (subject, then body).

    Parameters
    ----------
    name
        Template name, e.g. "short".
    user_dir
        Folder of the user's own templates, as in :func:`list_templates`.

    Returns
    -------
    list of str
        Field names, each once.

    Raises
    ------
    NotFoundError
        No template of that name.
    InputFormatError
        A user template is malformed.
    """
    return list(_get_template(name, user_dir).fields)


# --------------------------------------------------------------------------- fill


@dataclass(frozen=True)
class Draft:
    """A filled template, ready to check, copy or turn into an ``.eml`` file.

    Attributes
    ----------
    template
        Name of the template it came from.
    subject
        The subject line (one line).
    body
        The body text, lines separated by ``\\n``.
    missing
        Fields that had no value; each shows as ``[field]`` in the text.
    """

    template: str
    subject: str
    body: str
    missing: tuple[str, ...] = ()

    @property
    def has_blanks(self) -> bool:
        """True when some field had no value and still shows as ``[field]``."""
        return bool(self.missing)


def _as_text(value: object) -> str | None:
    """Turn a field value into text, or None when it is missing or blank."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return text or None
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        items = [t for t in (_as_text(v) for v in value) if t]
        return "\n".join(f"- {t}" for t in items) or None
    try:
        if pd.isna(value):  # None, NaN, pd.NA, NaT
            return None
    except (TypeError, ValueError):
        pass
    return _as_text(str(value))


def _one_line(text: str) -> str:
    """Collapse line breaks, control characters and runs of spaces into single spaces."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" else ch
                      for ch in text)
    return " ".join(cleaned.split())


def fill(name: str, values: Mapping[str, object], *,
         user_dir: str | os.PathLike[str] | None = None) -> Draft:
    """Fill a template with values; a missing field stays visible as ``[field]``.

    Values that are None, NA or blank count as missing. A list or tuple value becomes one
    ``- item`` line per element (handy for ``progress_items``). Values go into the text as
    they are: nothing in a value is interpreted, so a ``$`` or ``${x}`` in a value stays
    literal. Keys the template does not use are ignored, so a whole profile can be passed.

    Parameters
    ----------
    name
        Template name (see :func:`list_templates`), e.g. "short".
    values
        Field name -> value.
    user_dir
        Folder of the user's own templates, as in :func:`list_templates`.

    Returns
    -------
    Draft
        Subject and body, and the names of the missing fields in order of first use.

    Raises
    ------
    NotFoundError
        No template of that name.
    InputFormatError
        A user template is malformed.
    """
    tpl = _get_template(name, user_dir)
    body_values: dict[str, str] = {}
    missing: list[str] = []
    for field in tpl.fields:
        text = _as_text(values.get(field))
        if text is None:
            missing.append(field)
            text = f"[{field}]"
        body_values[field] = text
    subject_values = {k: _one_line(v) for k, v in body_values.items()}
    subject = _one_line(tpl.subject.substitute(subject_values))
    body = tpl.body.substitute(body_values)
    return Draft(template=tpl.name, subject=subject, body=body, missing=tuple(missing))


def plain_text(draft: Draft) -> str:
    """Return the draft as text to copy and paste: ``Subject: ...``, a blank line, the body.

    Parameters
    ----------
    draft
        A filled template.

    Returns
    -------
    str
        The text, ending with a newline.
    """
    return f"Subject: {draft.subject}\n\n{draft.body.rstrip()}\n"


# --------------------------------------------------------------------------- check

#: Rule names of each rule set, in the order findings are reported.
RULE_SETS: Mapping[str, tuple[str, ...]] = {
    "classic": ("length", "no_jobs", "connection_first", "broad_interest",
                "subject", "greeting", "no_attachment", "no_meeting_times", "no_blanks",
                "close_signature"),
    "strict": ("length", "no_jobs", "asks_advice", "connection_first", "narrow_interest",
               "broad_interest", "about_them", "ask_is_question",
               "subject", "greeting", "no_attachment", "no_meeting_times", "no_blanks",
               "close_signature"),
    "followup": ("subject", "greeting", "no_attachment", "no_blanks", "close_signature"),
}
_WORD_LIMITS = {"classic": 100, "strict": 75}
_SUBJECT_MAX_WORDS = 8
_SUBJECT_MAX_CHARS = 60


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule: its name, whether it passed, and a sentence saying why."""

    rule: str
    passed: bool
    message: str


@dataclass
class CheckResult:
    """All findings of :func:`check` and a 0-100 score (the share of rules passed).

    Attributes
    ----------
    score
        ``round(100 * passed / rules)``.
    findings
        One :class:`Finding` per rule, in the rule set's order.
    rules
        The rule set used: "classic", "strict" or "followup".
    """

    score: int
    findings: list[Finding]
    rules: str = "classic"

    @property
    def fixes(self) -> list[str]:
        """Messages of the failed rules: what to change."""
        return [f.message for f in self.findings if not f.passed]

    @property
    def passed(self) -> bool:
        """True when every rule passed."""
        return all(f.passed for f in self.findings)

    def to_frame(self) -> pd.DataFrame:
        """Return the findings as a DataFrame with columns ``rule``, ``passed``, ``message``."""
        return pd.DataFrame([{"rule": f.rule, "passed": f.passed, "message": f.message}
                             for f in self.findings], columns=["rule", "passed", "message"])


_WORD_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_GREETING_RE = re.compile(r"^(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b",
                          re.IGNORECASE)
_CLOSE_RE = re.compile(
    r"^(?:thank you|thanks|many thanks|with thanks|with gratitude|gratefully|best|all the best|"
    r"best wishes|best regards|kind regards|kindest regards|warm regards|warmest regards|regards|"
    r"warmly|sincerely|yours sincerely|yours faithfully|yours truly|respectfully|cheers|"
    r"take care)\b[^.?]*[,.!]?$",
    re.IGNORECASE,
)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "inc", "ltd",
                  "co", "e.g", "i.e", "no"}
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+")
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")

# Jobs. "job" and "position" are allowed right after a possessive, optionally with a word such
# as "current" ("my current position", "what you enjoy about your job"): that is talk about
# work, not a request for one ("my dream job" still counts). "job market" and "in a position
# to" are not job requests either.
_JOB_WORD_RE = re.compile(r"\b(?:jobs?|positions?)\b", re.IGNORECASE)
_POSSESSIVE_BEFORE_RE = re.compile(
    r"\b(?:my|your|his|her|their|our)\s+(?:(?:current|previous|former|present|past|first|last|old|"
    r"new|own|earlier|recent|daily|day-to-day)\s+)?$", re.IGNORECASE)
_JOB_MARKET_AFTER_RE = re.compile(r"^[\s-]*markets?\b", re.IGNORECASE)
_IN_A_POSITION_RE = re.compile(r"\bin an?\s+$", re.IGNORECASE)
_JOB_PHRASES_RE = re.compile(
    r"\b(?:openings|(?:an|any|the)\s+opening|(?:open|available|any)\s+roles?|vacanc(?:y|ies)|hiring|"
    r"hire me|employ me|refer me|internships?|r[eé]sum[eé]s?|curriculum vitae|"
    r"appl(?:y|ying|ied)\s+(?:for|to)|applying|my applications?)\b",
    re.IGNORECASE,
)
_CV_RE = re.compile(r"\bCVs?\b")
_ATTACH_RE = re.compile(r"\b(?:attach(?:ed|es|ing|ments?)?|enclosed|r[eé]sum[eé]s?|curriculum vitae)\b",
                        re.IGNORECASE)
_CONNECTION_RE = re.compile(
    r"\b(?:fellow|alum(?:na|nus|ni|nae)?|also|too|both|like you|as you|we met|met you|we spoke|"
    r"mutual|referred|suggested (?:that )?I|recommended (?:that )?I|pointed me|"
    r"same (?:school|university|college|program|programme|course|team|company|class|city|hometown)|"
    r"your (?:recent )?(?:talk|article|post|paper|book|podcast|presentation|interview|panel|"
    r"webinar|newsletter|piece)|I (?:read|heard|saw|watched|attended))\b",
    re.IGNORECASE,
)
_BROAD_RE = re.compile(
    r"\b(?:industry|industries|field|sector|profession|discipline|line of work|"
    r"(?:career|careers|move|moving|transition|path|get|getting|break|breaking|work|working) in(?:to)?)\b",
    re.IGNORECASE,
)
_NARROW_RE = re.compile(
    r"\byour (?:company|team|firm|organi[sz]ation|employer|group|department|agency|lab|startup|"
    r"studio|business)\b", re.IGNORECASE)
_NARROW_AT_RE = re.compile(r"\bat (?:[A-Z][\w&'.-]*)")
_ADVICE_RE = re.compile(
    r"\b(?:advice|advise|insights?|perspectives?|thoughts|views?|opinions?|learn|guidance|experience|tips|"
    r"hear (?:about|how|what|your)|how you|what you)\b", re.IGNORECASE)
_ASK_RE = re.compile(
    r"\b(?:would you|could you|can you|will you|might you|are you|do you|would it be|is there|"
    r"may I|can I|could I|open to|willing to|happy to|minutes|call|chat|coffee|conversation|meet|"
    r"talk)\b", re.IGNORECASE)
_YOU_RE = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_ME_RE = re.compile(r"\b(?:i|me|my|mine|myself)\b", re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MEETING_TIME_RE = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"
    r"|\b\d{1,2}(?::[0-5]\d)?\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|\b(?:[01]?\d|2[0-3]):[0-5]\d\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b",
    re.IGNORECASE,
)
_BLANK_RE = re.compile(r"\[[A-Za-z_][\w ]*\]|_{3,}|\$\{[^}]*\}|\$[A-Za-z_]\w*")
_STOPWORDS = {"that", "with", "from", "this", "both", "have", "were", "your", "also", "they", "them",
              "their", "about", "which", "when", "where", "what", "there", "here", "into", "same"}


@dataclass(frozen=True)
class _Parts:
    greeting: str | None
    message: str  # between the greeting and the close
    close: str | None
    after_close: str  # the signature block


def _split_body(body: str) -> _Parts:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    greeting = None
    if start < len(lines):
        first = lines[start].strip()
        n_words = len(_WORD_RE.findall(first))
        if (_GREETING_RE.match(first) and n_words <= 8) or (
                first.endswith(",") and n_words <= 4 and "." not in first):
            greeting = first
            start += 1
    close_at = None
    for i in range(len(lines) - 1, start - 1, -1):
        line = lines[i].strip()
        if line and _CLOSE_RE.match(line) and len(_WORD_RE.findall(line)) <= 6:
            close_at = i
            break
    if close_at is None:
        return _Parts(greeting, "\n".join(lines[start:]).strip(), None, "")
    return _Parts(greeting, "\n".join(lines[start:close_at]).strip(), lines[close_at].strip(),
                  "\n".join(lines[close_at + 1:]).strip())


def _sentences(text: str) -> list[str]:
    """Split text into sentences: paragraphs, list items, then sentence punctuation."""
    chunks: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in para.split("\n"):
            if _BULLET_RE.match(line) and current:
                chunks.append(" ".join(current))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            chunks.append(" ".join(current))
    out: list[str] = []
    for chunk in chunks:
        begin = 0
        for match in _SENTENCE_END_RE.finditer(chunk):
            words = chunk[begin:match.start()].split()
            last = words[-1].lower().rstrip(".") if words else ""
            if match.group().startswith(".") and last in _ABBREVIATIONS:
                continue
            out.append(chunk[begin:match.end()].strip())
            begin = match.end()
        if chunk[begin:].strip():
            out.append(chunk[begin:].strip())
    return out


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1]}…'"


def _job_mentions(text: str) -> list[str]:
    found: list[str] = []
    for match in _JOB_WORD_RE.finditer(text):
        before, after = text[max(0, match.start() - 40):match.start()], text[match.end():]
        word = match.group().lower()
        if (_POSSESSIVE_BEFORE_RE.search(before)
                or (word.startswith("job") and _JOB_MARKET_AFTER_RE.match(after))
                or (word == "position" and _IN_A_POSITION_RE.search(before) and after.startswith(" to "))):
            continue
        found.append(match.group())
    found += [m.group() for m in _JOB_PHRASES_RE.finditer(text)]
    found += [m.group() for m in _CV_RE.finditer(text)]
    return list(dict.fromkeys(found))


def _rule_length(parts: _Parts, limit: int) -> Finding:
    n = len(_WORD_RE.findall(f"{parts.greeting or ''}\n{parts.message}"))
    if n < limit:
        return Finding("length", True, f"Body has {n} words before the sign-off (under {limit}).")
    return Finding("length", False, f"Body has {n} words before the sign-off; keep it under {limit}.")


def _rule_no_jobs(subject: str, parts: _Parts) -> Finding:
    found = _job_mentions(f"{subject}\n{parts.message}")
    if not found:
        return Finding("no_jobs", True, "No mention of jobs, openings, applications or a resume.")
    listed = ", ".join(_quote(w, 30) for w in found)
    return Finding("no_jobs", False, f"Mentions jobs ({listed}); ask for advice and insight, not a job.")


def _rule_asks_advice(parts: _Parts) -> Finding:
    match = _ADVICE_RE.search(parts.message)
    if match:
        return Finding("asks_advice", True, f"Asks for advice ({_quote(match.group(), 30)}).")
    return Finding("asks_advice", False, "Does not ask for advice; say what you hope to learn from "
                                         "them (their advice, perspective or experience).")


def _rule_connection(parts: _Parts, common_ground: str | None) -> Finding:
    opening = " ".join(_sentences(parts.message)[:2])
    if common_ground is not None and common_ground.strip():
        found = _norm(common_ground) in _norm(opening)
        if not found:
            key = [w for w in _WORD_RE.findall(common_ground.casefold())
                   if len(w) > 3 and w not in _STOPWORDS]
            have = set(_WORD_RE.findall(opening.casefold()))
            found = bool(key) and sum(w in have for w in key) * 3 >= len(key) * 2
        if found:
            return Finding("connection_first", True,
                           f"Opens with the common ground ({_quote(common_ground, 40)}).")
        return Finding("connection_first", False,
                       f"The common ground ({_quote(common_ground, 40)}) is not in the first two "
                       "sentences; lead with it.")
    match = _CONNECTION_RE.search(opening)
    if match:
        return Finding("connection_first", True, f"Opens with a connection ({_quote(match.group(), 30)}).")
    return Finding("connection_first", False,
                   "The first two sentences do not mention what you share with them; open with the "
                   "common ground (same school, employer or event, a mutual contact, their article).")


def _rule_broad(parts: _Parts, field: str | None) -> Finding:
    if field is not None and field.strip():
        if _norm(field) in _norm(parts.message):
            return Finding("broad_interest", True, f"Names the field ({_quote(field, 40)}), not only "
                                                   "the employer.")
        return Finding("broad_interest", False, f"Does not name the field ({_quote(field, 40)}); say "
                                                "which area interests you, not only the employer.")
    match = _BROAD_RE.search(parts.message)
    if match:
        return Finding("broad_interest", True, f"States the wider interest ({_quote(match.group(), 30)}).")
    return Finding("broad_interest", False, "Says nothing about the wider field; name the industry or "
                                            "field that interests you, not only the employer.")


def _rule_narrow(parts: _Parts, employer: str | None) -> Finding:
    if employer is not None and employer.strip():
        if _norm(employer) in _norm(parts.message):
            return Finding("narrow_interest", True, f"Names their employer ({_quote(employer, 40)}).")
        return Finding("narrow_interest", False, f"Does not name their employer ({_quote(employer, 40)}); "
                                                 "say why their organization interests you.")
    match = _NARROW_RE.search(parts.message) or _NARROW_AT_RE.search(parts.message)
    if match:
        return Finding("narrow_interest", True, f"Names their organization ({_quote(match.group(), 30)}).")
    return Finding("narrow_interest", False, "Does not name their employer or team; say why their "
                                             "organization interests you.")


def _about_them_share(parts: _Parts) -> tuple[int, int]:
    """Words in sentences with more you/your than I/me/my, and with more I/me/my than you."""
    them = me = 0
    for sentence in _sentences(parts.message):
        n_you, n_me = len(_YOU_RE.findall(sentence)), len(_ME_RE.findall(sentence))
        words = len(_WORD_RE.findall(sentence))
        if n_you > n_me:
            them += words
        elif n_me > n_you:
            me += words
    return them, me


def _rule_about_them(parts: _Parts) -> Finding:
    them, me = _about_them_share(parts)
    if them + me == 0:
        return Finding("about_them", False, "No sentence is about them; write about their work and "
                                            "what you hope to learn from them.")
    pct = round(100 * them / (them + me))
    detail = f"{pct}% of the words are in sentences about them (more you/your than I/me/my)"
    if them * 2 > them + me:
        return Finding("about_them", True, f"{detail}.")
    return Finding("about_them", False, f"{detail}; make it more than half.")


def _rule_ask_question(parts: _Parts) -> Finding:
    asks = [s for s in _sentences(parts.message) if _ASK_RE.search(s)]
    questions = [s for s in asks if s.rstrip("\"'”’) ").endswith("?")]
    if questions:
        return Finding("ask_is_question", True, f"The ask is a question: {_quote(questions[-1])}.")
    if asks:
        return Finding("ask_is_question", False, f"The ask {_quote(asks[-1])} is a statement; phrase it "
                                                 "as a question ending in '?'.")
    return Finding("ask_is_question", False, "No ask found; end with a question such as 'Would you be "
                                             "open to a 15-minute call?'.")


def _rule_subject(subject: str) -> Finding:
    subject = subject.strip()
    if not subject:
        return Finding("subject", False, f"No subject; add one of up to {_SUBJECT_MAX_WORDS} words.")
    n = len(subject.split())
    if n <= _SUBJECT_MAX_WORDS and len(subject) <= _SUBJECT_MAX_CHARS:
        return Finding("subject", True, f"Subject is short ({n} words, {len(subject)} characters).")
    return Finding("subject", False, f"Subject has {n} words and {len(subject)} characters; keep it to "
                                     f"{_SUBJECT_MAX_WORDS} words and {_SUBJECT_MAX_CHARS} characters.")


def _rule_greeting(parts: _Parts, contact_name: str | None) -> Finding:
    if parts.greeting is None:
        hint = f"'Hi {contact_name.split()[0]},'" if contact_name and contact_name.split() else "'Hi Sam,'"
        return Finding("greeting", False, f"Does not open with a greeting; start with {hint}.")
    if contact_name and contact_name.strip():
        names = [w for w in _WORD_RE.findall(_norm(contact_name)) if len(w) > 1]
        have = set(_WORD_RE.findall(_norm(parts.greeting)))
        if names and not any(w in have for w in names):
            return Finding("greeting", False, f"The greeting {_quote(parts.greeting, 40)} does not name "
                                              f"{contact_name}; check who this email is for.")
    return Finding("greeting", True, f"Opens with a greeting ({_quote(parts.greeting, 40)}).")


def _rule_no_attachment(subject: str, body: str) -> Finding:
    text = f"{subject}\n{body}"
    found = [m.group() for m in _ATTACH_RE.finditer(text)] + [m.group() for m in _CV_RE.finditer(text)]
    if not found:
        return Finding("no_attachment", True, "No attachment or resume mentioned.")
    listed = ", ".join(_quote(w, 30) for w in dict.fromkeys(found))
    return Finding("no_attachment", False, f"Mentions an attachment or resume ({listed}); leave it out "
                                           "and share it only if they ask.")


def _rule_no_meeting_times(subject: str, parts: _Parts) -> Finding:
    text = f"{subject}\n{parts.greeting or ''}\n{parts.message}"
    found = list(dict.fromkeys(m.group() for m in _MEETING_TIME_RE.finditer(text)))
    if not found:
        return Finding("no_meeting_times", True, "Proposes no day, date or time; they choose when.")
    listed = ", ".join(_quote(w, 30) for w in found)
    return Finding("no_meeting_times", False, f"Proposes a day or time ({listed}); in a first email let "
                                              "them choose, e.g. 'in the coming weeks'.")


def _rule_no_blanks(subject: str, body: str) -> Finding:
    found = list(dict.fromkeys(m.group() for m in _BLANK_RE.finditer(f"{subject}\n{body}")))
    if not found:
        return Finding("no_blanks", True, "No unfilled blanks.")
    listed = ", ".join(_quote(w, 30) for w in found)
    return Finding("no_blanks", False, f"Unfilled blanks: {listed}; fill them in before sending.")


def _rule_close(parts: _Parts, signature: str | None) -> Finding:
    if parts.close is None:
        return Finding("close_signature", False, "No polite close; end with 'Thank you,' or 'Best "
                                                 "regards,' followed by your name.")
    if not parts.after_close:
        return Finding("close_signature", False, f"The close {_quote(parts.close, 30)} is not followed "
                                                 "by your name; add your signature.")
    if signature is not None and signature.strip() and _norm(signature) not in _norm(parts.after_close):
        return Finding("close_signature", False, f"The close {_quote(parts.close, 30)} is not followed by "
                                                 f"your signature {_quote(signature, 40)}.")
    return Finding("close_signature", True, f"Ends with {_quote(parts.close, 30)} and a signature.")


def _split_input(item: Draft | tuple[str, str] | str) -> tuple[str, str, str | None]:
    if isinstance(item, Draft):
        return item.subject, item.body, item.template
    if isinstance(item, str):
        text = item.replace("\r\n", "\n").lstrip("\ufeff")
        first, _, rest = text.partition("\n")
        if first.lower().startswith(_SUBJECT_PREFIX):
            return first[len(_SUBJECT_PREFIX):].strip(), rest.lstrip("\n"), None
        return "", text, None
    if isinstance(item, tuple | list) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return item[0], item[1], None
    raise InputFormatError(
        f"check() takes a Draft, a (subject, body) pair or 'Subject: ...' text, not {type(item).__name__}."
    )


def check(draft_or_subject_body: Draft | tuple[str, str] | str, *, rules: str | None = None,
          contact_name: str | None = None, signature: str | None = None,
          common_ground: str | None = None, employer: str | None = None,
          field: str | None = None) -> CheckResult:
    """Check an email against a rule set; every finding says what it saw and how to fix it.

    Rule sets (names in :data:`RULE_SETS`):

    - ``"classic"`` (short outreach): under 100 words before the sign-off; no mention of
      jobs; the connection in the first two sentences; the wider field named.
    - ``"strict"`` (newer rules): under 75 words; no jobs and an ask for advice; connection
      first; their employer named (narrow) and the field named (broad); more than half of the
      words about them; the ask phrased as a question ending in "?".
    - both also apply the first-email rules: short subject (up to 8 words and 60
      characters), a greeting (naming ``contact_name`` when given), no attachment or
      resume, no proposed day/date/time, no unfilled blank (``[field]``, ``___``,
      ``${x}``), a polite close followed by the signature.
    - ``"followup"`` (nudge, thank-you, update, referral ask, check-in): the first-email
      rules except "no proposed times" (a thank-you may well say "on Tuesday").

    How the text is read: the greeting is the first line when it starts like "Dear"/"Hi" (or
    is a short line ending in a comma); the close is the last short line starting like
    "Thank you"/"Best"/"Kind regards"; what follows it is the signature. Word counts cover the
    greeting and message, not the close and signature. Sentences are split on ``.!?`` (common
    abbreviations such as "Dr." excepted), paragraphs and list items.

    Job words: "job(s)" and "position(s)" count, except right after a possessive ("my current
    position", "what you enjoy about your job") and in "job market" / "in a position to";
    openings, vacancies, hiring, "hire me", "refer me", internships, "apply for", "open roles",
    resume/CV always count.

    "About them" proxy (strict): each sentence with more you/your/yours than I/me/my/mine is
    about them, with more I/me/my it is about you, other sentences are neutral; the words of
    the "about them" sentences must be more than half of the words of both kinds.

    Parameters
    ----------
    draft_or_subject_body
        A :class:`Draft`, a ``(subject, body)`` pair, or text starting ``Subject: ...``
        (as :func:`plain_text` makes; without it the subject is empty).
    rules
        "classic", "strict" or "followup". Default: "followup" for a Draft of a follow-up
        template (nudge, thank_you, update, referral_ask, checkin), "classic" otherwise.
    contact_name
        Their name, to check the greeting addresses them.
    signature
        Your signature, to check it follows the close.
    common_ground
        What you share with them; checked to appear (nearly word for word) in the first two
        sentences. Without it, connection cues are looked for ("fellow", "alum", "also", "we
        met", "suggested I contact"...).
    employer
        Their employer, for the strict "narrow interest" rule. Without it, "your team",
        "your company" or "at <Name>" are accepted.
    field
        The field or industry, for the "broad interest" rule. Without it, words like
        "industry", "field", "sector", "career in", "move into" are accepted.

    Returns
    -------
    CheckResult
        Score 0-100, findings, ``.fixes`` and ``.to_frame()``.

    Raises
    ------
    InputFormatError
        Unknown rule set, or an input that is not a draft, pair or text.
    """
    subject, body, template = _split_input(draft_or_subject_body)
    if rules is None:
        rules = "followup" if _BUILTIN_KINDS.get(template or "") == "followup" else "classic"
    if rules not in RULE_SETS:
        raise InputFormatError(f"Unknown rule set {rules!r}; expected one of {', '.join(RULE_SETS)}.")
    subject = _one_line(subject)
    parts = _split_body(body)
    makers: dict[str, Callable[[], Finding]] = {
        "length": lambda: _rule_length(parts, _WORD_LIMITS[rules]),
        "no_jobs": lambda: _rule_no_jobs(subject, parts),
        "asks_advice": lambda: _rule_asks_advice(parts),
        "connection_first": lambda: _rule_connection(parts, common_ground),
        "broad_interest": lambda: _rule_broad(parts, field),
        "narrow_interest": lambda: _rule_narrow(parts, employer),
        "about_them": lambda: _rule_about_them(parts),
        "ask_is_question": lambda: _rule_ask_question(parts),
        "subject": lambda: _rule_subject(subject),
        "greeting": lambda: _rule_greeting(parts, contact_name),
        "no_attachment": lambda: _rule_no_attachment(subject, body),
        "no_meeting_times": lambda: _rule_no_meeting_times(subject, parts),
        "no_blanks": lambda: _rule_no_blanks(subject, body),
        "close_signature": lambda: _rule_close(parts, signature),
    }
    findings = [makers[name]() for name in RULE_SETS[rules]]
    score = round(100 * sum(f.passed for f in findings) / len(findings))
    return CheckResult(score=score, findings=findings, rules=rules)


# --------------------------------------------------------------------------- drafts to send

_ADDR_SPECIALS = re.compile(r"[\s<>(),;:\"\[\]\\]")
_MSGID_RE = re.compile(r"^[^\s<>@]+@[A-Za-z0-9.-]+$")
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def _check_address(value: object, field: str) -> str:
    """Return ``value`` as a single, plain ``local@domain`` address or raise naming ``field``."""
    hint = "expected one address such as name@example.com"
    if not isinstance(value, str):
        raise InputFormatError(f"{field}: {value!r} is not an email address; {hint}.")
    addr = value.strip()
    if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in addr):
        raise InputFormatError(f"{field}: {value!r} contains a line break or control character; {hint}.")
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or _ADDR_SPECIALS.search(addr) or "@" in local:
        raise InputFormatError(f"{field}: {value!r} is not a single email address; {hint}.")
    if not local.isascii():
        raise InputFormatError(f"{field}: {value!r} has non-ASCII characters before the '@', which "
                               f"most mail systems refuse; {hint}.")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InputFormatError(f"{field}: {value!r} has an invalid domain; {hint}.") from exc
    if "." not in domain or not _DOMAIN_RE.match(domain) or ".." in domain:
        raise InputFormatError(f"{field}: {value!r} has no valid domain after the '@'; {hint}.")
    addr = f"{local}@{domain}"
    try:
        Address(addr_spec=addr)
    except (ValueError, HeaderParseError, MessageError) as exc:
        raise InputFormatError(f"{field}: {value!r} is not a valid email address ({exc}); {hint}.") from exc
    return addr


def build_message(*, subject: str, body: str, to_name: str | None, to_addr: str | None,
                  from_name: str | None, from_addr: str | None, date: datetime | None = None,
                  message_id: str | None = None, msgid_domain: str | None = None) -> EmailMessage:
    """Build an RFC 5322 draft that mail programs open ready to send.

    The message is plain text (UTF-8), marked ``X-Unsent: 1`` so Outlook and Thunderbird open
    it as a draft. Names may be any Unicode (encoded per RFC 2047). Line breaks and other
    control characters in names and the subject are replaced by spaces, so no value can add
    a header; an address must be one plain ``name@example.com`` (a non-ASCII domain is
    IDNA-encoded). Given the same arguments and a fixed ``date`` plus ``msgid_domain`` or
    ``message_id``, the bytes are identical on every run.

    Parameters
    ----------
    subject, body
        The text, e.g. from a :class:`Draft`.
    to_name, to_addr
        The contact's display name (may be empty) and address. A missing address (None, NA
        or blank) leaves the ``To`` header out, for the user to fill in their mail program.
    from_name, from_addr
        Your display name and address; a missing address leaves ``From`` out (the mail
        program fills in the account).
    date
        The ``Date`` header; naive means the computer's local time. Default: now.
    message_id
        An explicit ``Message-ID`` (``local@domain``, with or without ``<>``).
    msgid_domain
        Make a deterministic ``Message-ID`` ``<hash@msgid_domain>`` from the date, addresses,
        subject and body. Without this or ``message_id`` there is no Message-ID (the mail
        program adds one when sending).

    Returns
    -------
    email.message.EmailMessage
        With ``policy=email.policy.SMTP`` (CRLF line ends); ``msg.as_bytes()`` is the file.

    Raises
    ------
    InputFormatError
        An address, ``message_id`` or ``msgid_domain`` is not valid (the message names the
        argument).
    """
    # A draft may leave To or From empty for the user to fill in their mail program.
    to_clean = None if _as_text(to_addr) is None else _check_address(to_addr, "to_addr")
    from_clean = None if _as_text(from_addr) is None else _check_address(from_addr, "from_addr")
    subject = _one_line(subject or "")
    to_name, from_name = _one_line(to_name or ""), _one_line(from_name or "")
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if not text.endswith("\n"):
        text += "\n"
    when = localtime() if date is None else (date if date.tzinfo is not None else date.astimezone())

    msg = EmailMessage(policy=email_policy.SMTP)
    if from_clean:
        msg["From"] = Address(display_name=from_name, addr_spec=from_clean)
    if to_clean:
        msg["To"] = Address(display_name=to_name, addr_spec=to_clean)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    if message_id is not None:
        mid = _one_line(message_id).strip("<>")
        if not _MSGID_RE.match(mid):
            raise InputFormatError(f"message_id: {message_id!r} is not 'local@domain'.")
        msg["Message-ID"] = f"<{mid}>"
    elif msgid_domain is not None:
        if not _DOMAIN_RE.match(msgid_domain):
            raise InputFormatError(f"msgid_domain: {msgid_domain!r} is not a domain such as "
                                   "'drafts.example.com'.")
        digest = hashlib.sha256("\x1f".join(
            [format_datetime(when), from_name, from_clean or "", to_name, to_clean or "", subject, text]
        ).encode("utf-8")).hexdigest()[:32]
        msg["Message-ID"] = f"<{digest}@{msgid_domain}>"
    msg["X-Unsent"] = "1"
    msg.set_content(text, subtype="plain", charset="utf-8")
    return msg


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, max_len: int = 80) -> str:
    """Turn any text into a file name that is safe on every platform.

    Accents are dropped (NFKD, then ASCII), anything but ``A-Z a-z 0-9 . _ -`` becomes
    ``_``; path separators and ``.``/``..`` parts are removed (``../../x`` gives ``x``), so
    the result is never a path; no leading dot or dash, no trailing dot; Windows device
    names get a ``_`` (``CON`` gives ``CON_``); at most ``max_len`` characters; never empty
    ("untitled").

    Parameters
    ----------
    text
        Any text, e.g. "Zoë Ångström – thank you".
    max_len
        Longest result, at least 1.

    Returns
    -------
    str
        The file name (no directory part).

    Raises
    ------
    InputFormatError
        ``max_len`` is less than 1.
    """
    if max_len < 1:
        raise InputFormatError(f"max_len must be at least 1, not {max_len}.")
    parts = [p for p in re.split(r"[\\/]+", str(text)) if p.strip() not in ("", ".", "..")]
    name = unicodedata.normalize("NFKD", "_".join(parts)).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    name = re.sub(r"_{2,}", "_", name).lstrip("._-")
    name = name[:max_len].rstrip("._-") or "untitled"[:max_len]
    base, dot, rest = name.partition(".")
    if base.upper() in _WINDOWS_RESERVED:
        base = base[:max(0, max_len - len(dot + rest) - 1)] + "_"
        name = (base + dot + rest)[:max_len]
    return name


def write_eml(msg: EmailMessage, out_dir: str | os.PathLike[str], stem: str) -> Path:
    """Write a message to ``out_dir/<safe stem>.eml`` (replacing a file of that name).

    Parameters
    ----------
    msg
        The message, e.g. from :func:`build_message`.
    out_dir
        Folder to write into; created if missing.
    stem
        Any text; made safe with :func:`safe_filename` (at most 76 characters + ".eml").

    Returns
    -------
    pathlib.Path
        The file written.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_filename(stem, max_len=76)}.eml"
    data = msg.as_bytes()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".eml.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def mailto_link(to_addr: str | None, subject: str, body: str) -> str:
    """Return a ``mailto:`` link (RFC 6068) that opens a new email with subject and body.

    Every character outside the unreserved set is percent-encoded as UTF-8 (so ``+``, ``&``
    and ``#`` survive) and line breaks become ``%0D%0A``. Browsers and mail programs may cut
    very long links (around 2,000 characters); prefer an ``.eml`` file for long bodies.

    Parameters
    ----------
    to_addr
        One address; None or blank gives ``mailto:?subject=...`` (the user picks the
        recipient in the mail program).
    subject, body
        The text; the subject is made one line.

    Returns
    -------
    str
        The link.

    Raises
    ------
    InputFormatError
        ``to_addr`` is not a single valid address.
    """
    addr = "" if _as_text(to_addr) is None else _check_address(to_addr, "to_addr")
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return (f"mailto:{quote(addr, safe='@')}?subject={quote(_one_line(subject or ''), safe='')}"
            f"&body={quote(text, safe='')}")


# --------------------------------------------------------------------------- replies

#: The values :func:`classify_reply` returns.
REPLY_CLASSES = ("quick", "on_time", "late", "waiting", "none")


def classify_reply(sent_at: datetime, replied_at: datetime | None, today: date, *,
                   country: str, tz: str) -> str:
    """Classify how a first email was answered, in business days of the user's calendar.

    Day N is the N-th business day after the local date the email was sent (see
    :func:`infoview_kit.base.bizdays.add_business_days`); dates are compared in ``tz``.

    - "quick": replied before (the local date of) business day 3;
    - "on_time": replied on business day 3 to 7;
    - "late": replied after business day 7 (a weekend reply right after day 7 is late);
    - "waiting": no reply yet and ``today`` is not after business day 7;
    - "none": no reply and ``today`` is after business day 7.

    Parameters
    ----------
    sent_at
        When the email was sent (aware, or naive in ``tz``).
    replied_at
        When they replied, or None.
    today
        The local date to judge "waiting" against (a datetime is converted to ``tz``).
    country
        ISO 3166-1 alpha-2 code ("US", "GB", "DE"), optionally with a subdivision.
    tz
        IANA time zone of the user.

    Returns
    -------
    str
        One of :data:`REPLY_CLASSES`.

    Raises
    ------
    InputFormatError
        Unknown country or time zone, or a reply before the email was sent.
    """
    day3 = _bizdays.add_business_days(sent_at, 3, country=country, tz=tz).date()
    day7 = _bizdays.add_business_days(sent_at, 7, country=country, tz=tz).date()
    if replied_at is None:
        if isinstance(today, datetime):
            today = _bizdays.to_local(today, tz=tz).date()
        return "none" if today > day7 else "waiting"
    sent_local = _bizdays.to_local(sent_at, tz=tz)
    replied_local = _bizdays.to_local(replied_at, tz=tz)
    if replied_local < sent_local:
        raise InputFormatError(f"replied_at ({replied_at.isoformat()}) is before sent_at "
                               f"({sent_at.isoformat()}); check the two dates.")
    reply_day = replied_local.date()
    if reply_day < day3:
        return "quick"
    return "on_time" if reply_day <= day7 else "late"

