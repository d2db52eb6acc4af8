"""The well-known rules for an email (classic, strict, follow-up): findings that say how to fix it, and a score."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import plural
from infoview_kit.outreach.templates import BUILTIN_KINDS, SUBJECT_PREFIX, Draft, one_line

__all__ = ["RULE_SETS", "CheckResult", "Finding", "check"]


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
# Words that say something is shared, beside the connection cues: "we", "our", "like me", "in common".
_SHARED_RE = re.compile(r"\b(?:we|us|our|like me|as I did|as well|share[ds]?|in common)\b", re.IGNORECASE)
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


def _excerpt(sentence: str, start: int, end: int, limit: int = 70) -> str:
    """Quote the words of `sentence` around ``sentence[start:end]`` (the words a rule relied on): the whole
    sentence when short, else about `limit` characters around them, "…" where cut."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return f"'{' '.join(sentence.split())}'"
    width = max(limit, end - start)
    left = max(0, min(start - (width - (end - start)) // 2, len(sentence) - width))
    right = left + width
    left = sentence.rfind(" ", 0, left + 1) + 1 if left > 0 else 0  # whole words only
    right = len(sentence) if (space := sentence.find(" ", right)) < 0 else space
    piece = " ".join(sentence[left:right].split())
    return "'" + ("…" if left > 0 else "") + piece + ("…" if right < len(sentence) else "") + "'"


def _search(rx: re.Pattern[str], text: str) -> tuple[str, re.Match[str]] | None:
    """The first sentence of `text` in which `rx` matches, with the match; None when none does."""
    for sentence in _sentences(text):
        if m := rx.search(sentence):
            return sentence, m
    return None


def _found(rx: re.Pattern[str], text: str) -> str | None:
    """The words of `text` where `rx` first matches, quoted in their sentence (:func:`_excerpt`), or None."""
    hit = _search(rx, text)
    if hit is None:
        m = rx.search(" ".join(text.split()))  # a phrase across a line break or a sentence end
        return None if m is None else _excerpt(m.string, m.start(), m.end())
    return _excerpt(hit[0], hit[1].start(), hit[1].end())


def _phrase(text: str) -> re.Pattern[str]:
    """A phrase as it may be written: any case, any spacing, either apostrophe."""
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in text.split()]
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def _ground_in(opening: list[str], ground: str) -> str | None:
    """Where the opening sentences state the common ground, quoted: word for word, or two in three of its
    distinctive words in a sentence that says it is shared (also, both, fellow, we, like you..., or one that
    speaks of you and of them)."""
    for sentence in opening:
        if m := _phrase(ground).search(sentence):
            return _excerpt(sentence, m.start(), m.end())
    key = {w for w in _WORD_RE.findall(ground.casefold()) if len(w) > 3 and w not in _STOPWORDS}
    quotes, have = [], set()
    for sentence in opening:
        hits = [m for m in _WORD_RE.finditer(sentence) if m.group().casefold() in key]
        shared = _CONNECTION_RE.search(sentence) or _SHARED_RE.search(sentence) or (
            _ME_RE.search(sentence) and _YOU_RE.search(sentence))  # "I studied at X, where you did your MBA"
        if hits and shared:
            have |= {m.group().casefold() for m in hits}
            quotes.append(_excerpt(sentence, hits[0].start(), hits[-1].end()))
    return " … ".join(quotes) if key and len(have) * 3 >= len(key) * 2 else None


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
    where = f"before the sign-off {_quote(parts.close, 30)}" if parts.close else "(no sign-off found)"
    if n < limit:
        return Finding("length", True, f"Body has {n} words {where} (under {limit}).")
    return Finding("length", False, f"Body has {n} words {where}; keep it under {limit}.")


def _rule_no_jobs(subject: str, parts: _Parts) -> Finding:
    found = _job_mentions(f"{subject}\n{parts.message}")
    if not found:
        return Finding("no_jobs", True, "No mention of jobs, openings, applications or a resume.")
    listed = ", ".join(_quote(w, 30) for w in found)
    return Finding("no_jobs", False, f"Mentions jobs ({listed}); ask for advice and insight, not a job.")


def _rule_asks_advice(parts: _Parts) -> Finding:
    where = _found(_ADVICE_RE, parts.message)
    if where:
        return Finding("asks_advice", True, f"Asks for advice: {where}.")
    return Finding("asks_advice", False, "Does not ask for advice; say what you hope to learn from "
                                         "them (their advice, perspective or experience).")


def _rule_connection(parts: _Parts, common_ground: str | None) -> Finding:
    opening = _sentences(parts.message)[:2]
    if common_ground is not None and common_ground.strip():
        where = _ground_in(opening, common_ground)
        if where:
            return Finding("connection_first", True, f"Opens with the common ground: {where}.")
        return Finding("connection_first", False,
                       f"The common ground ({_quote(common_ground, 40)}) is not in the first two "
                       "sentences; lead with it.")
    where = _found(_CONNECTION_RE, "\n\n".join(opening))
    if where:
        return Finding("connection_first", True, f"Opens with a connection: {where}.")
    return Finding("connection_first", False,
                   "The first two sentences do not mention what you share with them; open with the "
                   "common ground (same school, employer or event, a mutual contact, their article).")


def _rule_broad(parts: _Parts, field: str | None) -> Finding:
    if field is not None and field.strip():
        if where := _found(_phrase(field), parts.message):
            return Finding("broad_interest", True, f"Names the field, not only the employer: {where}.")
        return Finding("broad_interest", False, f"Does not name the field ({_quote(field, 40)}); say "
                                                "which area interests you, not only the employer.")
    if where := _found(_BROAD_RE, parts.message):
        return Finding("broad_interest", True, f"States the wider interest: {where}.")
    return Finding("broad_interest", False, "Says nothing about the wider field; name the industry or "
                                            "field that interests you, not only the employer.")


def _rule_narrow(parts: _Parts, employer: str | None) -> Finding:
    if employer is not None and employer.strip():
        if where := _found(_phrase(employer), parts.message):
            return Finding("narrow_interest", True, f"Names their employer: {where}.")
        return Finding("narrow_interest", False, f"Does not name their employer ({_quote(employer, 40)}); "
                                                 "say why their organization interests you.")
    if where := _found(_NARROW_RE, parts.message) or _found(_NARROW_AT_RE, parts.message):
        return Finding("narrow_interest", True, f"Names their organization: {where}.")
    return Finding("narrow_interest", False, "Does not name their employer or team; say why their "
                                             "organization interests you.")


def _about_them_share(parts: _Parts) -> tuple[int, int, str | None, str | None]:
    """Words in sentences with more you/your than I/me/my, and with more I/me/my than you; and the
    longest sentence of each kind."""
    them = me = 0
    longest: dict[bool, str] = {}
    for sentence in _sentences(parts.message):
        n_you, n_me = len(_YOU_RE.findall(sentence)), len(_ME_RE.findall(sentence))
        words = len(_WORD_RE.findall(sentence))
        if n_you != n_me:
            them, me = (them + words, me) if n_you > n_me else (them, me + words)
            if len(sentence) > len(longest.get(n_you > n_me, "")):
                longest[n_you > n_me] = sentence
    return them, me, longest.get(True), longest.get(False)


def _rule_about_them(parts: _Parts) -> Finding:
    them, me, about_them, about_you = _about_them_share(parts)
    if them + me == 0:
        return Finding("about_them", False, "No sentence is about them; write about their work and "
                                            "what you hope to learn from them.")
    pct = round(100 * them / (them + me))
    detail = f"{pct}% of the words are in sentences about them (more you/your than I/me/my)"
    if them * 2 > them + me:
        return Finding("about_them", True, f"{detail}, such as {_excerpt(about_them or '', 0, 0)}.")
    return Finding("about_them", False, f"{detail}; make it more than half. The longest about you: "
                                        f"{_excerpt(about_you or '', 0, 0)}.")


def _rule_ask_question(parts: _Parts) -> Finding:
    asks = [s for s in _sentences(parts.message) if _ASK_RE.search(s)]
    questions = [s for s in asks if s.rstrip("\"'”’) ").endswith("?")]
    if questions:
        return Finding("ask_is_question", True, f"The ask is a question: {_excerpt(questions[-1], 0, 0)}.")
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
    size = f"{plural(n, 'word')}, {plural(len(subject), 'character')}"
    if n <= _SUBJECT_MAX_WORDS and len(subject) <= _SUBJECT_MAX_CHARS:
        return Finding("subject", True, f"Subject {_quote(subject)} is short ({size}).")
    return Finding("subject", False, f"Subject {_quote(subject)} is long ({size}); keep it to "
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
    return Finding("close_signature", True, f"Ends with {_quote(parts.close, 30)} and a signature "
                                            f"({_quote(parts.after_close.splitlines()[0], 40)}).")


def _split_input(item: Draft | tuple[str, str] | str) -> tuple[str, str, str | None]:
    if isinstance(item, Draft):
        return item.subject, item.body, item.template
    if isinstance(item, str):
        text = item.replace("\r\n", "\n").lstrip("\ufeff")
        first, _, rest = text.partition("\n")
        if first.lower().startswith(SUBJECT_PREFIX):
            return first[len(SUBJECT_PREFIX):].strip(), rest.lstrip("\n"), None
        return "", text, None
    if isinstance(item, tuple | list) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return item[0], item[1], None
    raise InputFormatError(
        f"check() takes a Draft, a (subject, body) pair or 'Subject: ...' text, not {type(item).__name__}."
    )


@dataclass(frozen=True)
class _About:
    """What :func:`check` is told about the person and the user, to make the rules precise."""

    contact_name: str | None
    signature: str | None
    common_ground: str | None
    employer: str | None
    field: str | None


def _findings(rules: str, subject: str, body: str, about: _About) -> list[Finding]:
    """Apply the rules of the set ``rules`` in order, each to the parts of the email it reads."""
    parts = _split_body(body)
    makers: dict[str, Callable[[], Finding]] = {
        "length": lambda: _rule_length(parts, _WORD_LIMITS[rules]),
        "no_jobs": lambda: _rule_no_jobs(subject, parts),
        "asks_advice": lambda: _rule_asks_advice(parts),
        "connection_first": lambda: _rule_connection(parts, about.common_ground),
        "broad_interest": lambda: _rule_broad(parts, about.field),
        "narrow_interest": lambda: _rule_narrow(parts, about.employer),
        "about_them": lambda: _rule_about_them(parts),
        "ask_is_question": lambda: _rule_ask_question(parts),
        "subject": lambda: _rule_subject(subject),
        "greeting": lambda: _rule_greeting(parts, about.contact_name),
        "no_attachment": lambda: _rule_no_attachment(subject, body),
        "no_meeting_times": lambda: _rule_no_meeting_times(subject, parts),
        "no_blanks": lambda: _rule_no_blanks(subject, body),
        "close_signature": lambda: _rule_close(parts, about.signature),
    }
    return [makers[name]() for name in RULE_SETS[rules]]


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
        rules = "followup" if BUILTIN_KINDS.get(template or "") == "followup" else "classic"
    if rules not in RULE_SETS:
        raise InputFormatError(f"Unknown rule set {rules!r}; expected one of {', '.join(RULE_SETS)}.")
    about = _About(contact_name, signature, common_ground, employer, field)
    findings = _findings(rules, one_line(subject), body, about)
    score = round(100 * sum(f.passed for f in findings) / len(findings))
    return CheckResult(score=score, findings=findings, rules=rules)
