"""Prepare and keep an informational interview: question plan, one-page brief, thank-you timing, clock."""

from __future__ import annotations

import hashlib
import html
import logging
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.base.text import indefinite

__all__ = [
    "BANK_COLUMNS",
    "DEFAULT_CHECKLIST",
    "EXTRA_MINUTES",
    "PLAN_COLUMNS",
    "MeetingClock",
    "buffer_minutes",
    "flag_online",
    "is_overdue",
    "plan_questions",
    "question_bank",
    "render_brief",
    "thank_you_due",
]

log = logging.getLogger("infoview_kit")

BANK_COLUMNS = ["id", "theme", "text", "minutes", "must_ask", "priority"]
PLAN_COLUMNS = ["position", "id", "theme", "text", "minutes", "must_ask", "online_reason", "included"]
EXTRA_MINUTES = 3
"""Minutes allowed for each question the user adds with ``extra=``."""
MIN_MEETING_MINUTES = 10
THANK_YOU_WITHIN = timedelta(hours=24)
DEFAULT_CHECKLIST = (
    "Research reviewed: their profile, articles by or about them, common ground",
    "Questions ready, timed, and in order",
    "Notebook and pen",
    "A watch to keep time (not the phone)",
    "Dressed to impress, a step above their everyday dress",
    "Route checked, or video link and microphone tested",
    "Arrive (or join) 10 minutes early",
)

_PLACEHOLDERS = ("role", "company", "move", "article")  # given by the caller; "a_role" is derived
_PLACEHOLDER_RE = re.compile(r"\{(role|company|move|article|a_role)\}")
_BANKS = ("general", "recruiter", "both")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_FACT_SPLIT = re.compile(r"\s+(?:at|@)\s+|@|[,;|()\[\]•·/]|\s[-\u2013\u2014]+\s")
_NOT_A_TERM = frozenset({
    "present", "current", "now", "today", "date", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december", "yr", "yrs", "year", "years", "mo", "mos", "month",
    "months", "and", "the", "to", "from", "since", "until",
})
_PAST_CUE = re.compile(
    r"\b(did|were|was|had)\s+you\b|\bwhen you were\b|\byour (time|years|days) (as|at)\b|\bused to\b", re.I
)
# A position held ("Data analyst at Acme Corp 2019-2022"), not a degree ("BA Economics at ...").
_POSITION_FACT = re.compile(r"\S.*?\s(?:at|@)\s+\S", re.I)
_DEGREE = re.compile(
    r"^(?:B\.?A|B\.?Sc?|B\.?Eng|M\.?A|M\.?Sc?|M\.?Eng|MBA|M\.?Phil|Ph\.?D|D\.?Phil|Bachelor|Master|Doctor"
    r"|Diploma|Certificate|Degree|Student|Studied|Graduated)\b", re.I
)


# ------------------------------------------------------------------- question bank


@dataclass(frozen=True)
class _Question:
    id: str
    bank: str
    theme: str
    text: str
    fallbacks: tuple[str, ...]
    minutes: int
    must_ask: bool
    priority: int
    skip_if_researched: bool


@dataclass(frozen=True)
class _Bank:
    themes: tuple[str, ...]
    theme_titles: Mapping[str, str]
    questions: tuple[_Question, ...]
    patterns: tuple[tuple[re.Pattern[str], str], ...]

    def rank(self, theme: str) -> int:
        return self.themes.index(theme)

    def select(self, recruiter: bool) -> list[_Question]:
        wanted = ("recruiter", "both") if recruiter else ("general", "both")
        found = [q for q in self.questions if q.bank in wanted]
        return sorted(found, key=lambda q: self.rank(q.theme))  # stable: file order within a theme


@lru_cache(maxsize=1)
def _bank() -> _Bank:
    """Load and check ``data/questions.toml`` once per process."""
    source = resources.files("infoview_kit").joinpath("data/questions.toml")
    where = "infoview_kit/data/questions.toml"
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InfoviewError(f"{where}: cannot read the question bank ({exc}); reinstall the kit.") from exc
    themes = tuple(t["id"] for t in raw.get("themes", []))
    titles = {t["id"]: t.get("title", t["id"]) for t in raw.get("themes", [])}
    questions: list[_Question] = []
    for entry in raw.get("questions", []):
        fallback = entry.get("fallback", ())
        fallbacks = (fallback,) if isinstance(fallback, str) else tuple(fallback)
        question = _Question(
            id=entry["id"],
            bank=entry.get("bank", "general"),
            theme=entry["theme"],
            text=entry["text"],
            fallbacks=fallbacks,
            minutes=int(entry["minutes"]),
            must_ask=bool(entry.get("must_ask", False)),
            priority=int(entry.get("priority", 3)),
            skip_if_researched=bool(entry.get("skip_if_researched", False)),
        )
        problems = []
        if question.theme not in themes:
            problems.append(f"unknown theme {question.theme!r}")
        if question.bank not in _BANKS:
            problems.append(f"bank must be one of {_BANKS}")
        if not 1 <= question.minutes <= 5:
            problems.append("minutes must be 1-5")
        if not 1 <= question.priority <= 5:
            problems.append("priority must be 1-5")
        if _PLACEHOLDER_RE.search((question.text, *question.fallbacks)[-1]):
            problems.append("needs a fallback without placeholders")
        if any(q.id == question.id for q in questions):
            problems.append("duplicate id")
        if problems:
            raise InfoviewError(f"{where}: question {question.id!r}: {'; '.join(problems)}.")
        questions.append(question)
    patterns = tuple((re.compile(p["pattern"], re.I), p["reason"]) for p in raw.get("online_patterns", []))
    return _Bank(themes=themes, theme_titles=titles, questions=tuple(questions), patterns=patterns)


def question_bank(*, recruiter: bool = False) -> pd.DataFrame:
    """Return the question bank for an informational interview.

    Parameters
    ----------
    recruiter
        False for the general bank (how they got started, a typical day, highlights,
        challenges, then the TIARA themes: trends, insights, advice, resources,
        assignments); True for the recruiter bank (job market, what employers look
        for, hiring process, timing). Both include the closing questions.

    Returns
    -------
    pandas.DataFrame
        One row per question, in asking order of themes, with columns ``id``,
        ``theme``, ``text`` (unpersonalized: may contain ``{role}``, ``{company}``,
        ``{move}``, ``{article}``, ``{a_role}``), ``minutes`` (1-5), ``must_ask`` (bool) and
        ``priority`` (1 = keep first when time is short, 5 = cut first).
    """
    rows = [
        {"id": q.id, "theme": q.theme, "text": q.text, "minutes": q.minutes, "must_ask": q.must_ask,
         "priority": q.priority}
        for q in _bank().select(recruiter)
    ]
    frame = pd.DataFrame(rows, columns=BANK_COLUMNS)
    return frame.astype({"minutes": "int64", "must_ask": "bool", "priority": "int64"})


# ------------------------------------------------------------------ online answers


def flag_online(texts: Iterable[str], online_facts: Iterable[str] = (), *,
                ignore: Iterable[str] = ()) -> list[str | None]:
    """Say, for each question, why its answer can already be found online.

    A question is answerable online when it matches one of the bank's
    ``online_patterns`` ("Where did you work before?", "What is your title?", ...), or
    when it mentions something your research already found: an organization or a year
    from ``online_facts`` (any mention), or a role from them when the question asks
    about the past ("What did you do as a data analyst?"). In a fact such as
    ``"Data analyst at Acme Corp 2019-2022"`` the role is the part before "at", the
    organization the part after it, and the years are picked out; facts without "at"
    are split on commas and parentheses and each part treated as an organization.

    Parameters
    ----------
    texts
        The questions, as they would be asked.
    online_facts
        Short facts found in research (positions, employers, schools, dates).
    ignore
        Names a good question may well use, such as their current company and role:
        like roles, they count only when the question asks about the past.

    Returns
    -------
    list of str or None
        For each question, a short reason, or None when it is worth asking.
    """
    patterns = _bank().patterns
    skip = {" ".join(_text(name).lower().split()) for name in ignore}
    terms = [(term, rx, fact, is_role or term.lower() in skip)
             for term, rx, fact, is_role in _fact_terms(online_facts)]
    reasons: list[str | None] = []
    for text in texts:
        question = str(text).replace("\u2019", "'")
        reason = next((why for rx, why in patterns if rx.search(question)), None)
        if reason is None:
            for term, rx, fact, is_role in terms:
                if rx.search(question) and (not is_role or _PAST_CUE.search(question)):
                    reason = f'mentions "{term}", already in your research: "{fact}"'
                    break
        reasons.append(reason)
    return reasons


def _fact_terms(facts: Iterable[str]) -> list[tuple[str, re.Pattern[str], str, bool]]:
    """Split research facts into (term, regex, fact, is_role) to look for in questions."""
    found: list[tuple[str, re.Pattern[str], str, bool]] = []
    seen: set[str] = set()

    def add(term: str, fact: str, is_role: bool) -> None:
        term = " ".join(term.strip(" .:-\u2013\u2014'\"").split())
        words = term.lower().split()
        if not words or term.lower() in seen or all(w in _NOT_A_TERM for w in words):
            return
        if len(term) < 4 and not any(c.isupper() or c.isdigit() for c in term):
            return  # short lowercase words ("it", "ops") would match far too much
        if len(term) < 2:
            return
        body = r"\s+".join(re.escape(w) for w in term.split())
        flags = re.I if len(term) >= 4 else 0  # short terms are acronyms: match case
        seen.add(term.lower())
        found.append((term, re.compile(rf"(?<!\w){body}(?!\w)", flags), fact, is_role))

    for raw in facts:
        fact = " ".join(_text(raw).split())
        if not fact:
            continue
        for year in _YEAR.findall(fact):
            add(year, fact, False)
        rest = _YEAR.sub(" ", fact)
        halves = re.split(r"\s+(?:at|@)\s+|@", rest, maxsplit=1)
        if len(halves) == 2:
            add(halves[0], fact, True)
            rest = halves[1]
        for chunk in _FACT_SPLIT.split(rest):
            add(chunk, fact, False)
    return found


# ------------------------------------------------------------------------ the plan


def buffer_minutes(meeting_minutes: int) -> tuple[int, int]:
    """Return the (opening, close) minutes kept free of questions in a meeting.

    The opening is for greetings and restating why you asked for the meeting; the
    close for thanks and goodbye, so you finish on time. The rule:

    ===============  ========  ======  =====
    meeting minutes  opening   close   total
    ===============  ========  ======  =====
    10-19            1         2       3
    20-30            2         3       5
    31-60            3         5       8
    over 60          5         7       12
    ===============  ========  ======  =====

    Parameters
    ----------
    meeting_minutes
        The agreed length of the meeting, at least 10.

    Returns
    -------
    tuple of int
        ``(opening, close)``.

    Raises
    ------
    InputFormatError
        If the meeting is shorter than 10 minutes or not a whole number of minutes.
    """
    minutes = _meeting_minutes(meeting_minutes)
    if minutes < 20:
        return 1, 2
    if minutes <= 30:
        return 2, 3
    if minutes <= 60:
        return 3, 5
    return 5, 7


def plan_questions(
    meeting_minutes: int,
    *,
    recruiter: bool = False,
    personal: Mapping[str, Any] | None = None,
    online_facts: Iterable[str] = (),
    extra: Iterable[str] = (),
    dropped: Iterable[str] = (),
    order: Sequence[str] | None = None,
    buffer_min: int | None = None,
    include_online: bool = False,
) -> pd.DataFrame:
    """Choose, personalize and order the questions that fit in the meeting.

    The questions asked fit in ``meeting_minutes`` minus the buffer (see
    :func:`buffer_minutes`). They are chosen in this order until the time is used:
    must-ask questions, then your own ``extra`` questions, then the others by
    priority. Questions answerable online (see :func:`flag_online`; "how they got
    started" also counts when ``online_facts`` hold a position they held, such as
    "Data analyst at Acme Corp 2019-2022", as opposed to a degree) are left out unless
    ``include_online``. Chosen questions are asked must-ask first,
    then by theme (how they got started, TIARA order, your own questions), closing
    last, unless ``order`` says otherwise. The same inputs always give the same plan.

    Parameters
    ----------
    meeting_minutes
        Agreed length of the meeting, at least 10 minutes.
    recruiter
        Use the recruiter bank (job market, what employers look for, ...).
    personal
        Values for the placeholders: ``role`` (their role, e.g. "product manager"; the
        bank also uses it with "a"/"an" as ``{a_role}``), ``company``, ``move`` (reads
        after "I am hoping to", e.g. "move from teaching into UX research") and
        ``article`` (the title of an article by or about them). Other keys are
        ignored. A question whose placeholder has no value uses its generic wording.
    online_facts
        Facts found in research, e.g. ``"Data analyst at Acme Corp 2019-2022"``. Your
        own questions that name their current ``company`` or ``role`` are flagged only
        when they ask about the past.
    extra
        Your own questions, :data:`EXTRA_MINUTES` minutes each, with ids ``x_`` + a
        hash of the text (stable across runs). Known placeholders in them are filled.
    dropped
        Ids of questions to leave out entirely. Unknown ids are logged and ignored.
    order
        Ids in the order you want to ask them; listed questions come first in that
        order, the rest follow in the default order. Unknown ids are logged and ignored.
    buffer_min
        Minutes kept free of questions, instead of the default rule.
    include_online
        Keep questions answerable online in the running.

    Returns
    -------
    pandas.DataFrame
        Columns ``position`` (1-based asking order of included questions, NA for the
        others), ``id``, ``theme``, ``text`` (personalized), ``minutes``, ``must_ask``,
        ``online_reason`` (why it is answerable online, else None) and ``included``.
        Included questions come first in asking order, then the rest; dropped ids are
        absent. A question not included and without an online reason did not fit.

    Raises
    ------
    InputFormatError
        If the meeting is shorter than 10 minutes, or ``buffer_min`` is negative or
        leaves no time for questions.
    """
    minutes = _meeting_minutes(meeting_minutes)
    if buffer_min is None:
        buffer = sum(buffer_minutes(minutes))
    else:
        if isinstance(buffer_min, bool) or not isinstance(buffer_min, int) or not 0 <= buffer_min < minutes:
            raise InputFormatError(
                f"buffer_min={buffer_min!r}: give whole minutes from 0 to {minutes - 1} "
                f"for a {minutes}-minute meeting, or None for the default."
            )
        buffer = buffer_min
    bank = _bank()
    values = _placeholder_values(personal or {})
    facts = [f for f in (_text(f) for f in online_facts) if f.strip()]
    career_fact = next((f for f in facts if _POSITION_FACT.match(f) and not _DEGREE.match(f)), None)
    extra_rank = bank.rank("extra")

    rows: list[dict[str, Any]] = []
    for index, q in enumerate(bank.select(recruiter)):
        # Bank questions are checked in their template form, so your own role or company
        # filled in later never marks them as answerable online.
        reason = flag_online([q.text])[0]
        if reason is None and q.skip_if_researched and career_fact is not None:
            reason = f'your research already shows their path: "{career_fact}"'
        rows.append(_row(q.id, q.theme, _personalize(q, values), q.minutes, q.must_ask, q.priority,
                         reason, bank.rank(q.theme), index, extra=False))
    seen_extra: set[str] = set()
    for index, raw in enumerate(extra):
        text = " ".join(_text(raw).split())
        if not text:
            continue
        qid = "x_" + hashlib.sha256(text.lower().encode("utf-8")).hexdigest()[:8]
        if qid in seen_extra:
            continue
        seen_extra.add(qid)
        filled = _fill(text, values, partial=True) or text
        reason = flag_online([filled], facts, ignore=[values.get("company", ""), values.get("role", "")])[0]
        rows.append(_row(qid, "extra", filled, EXTRA_MINUTES, False, 0, reason, extra_rank, index,
                         extra=True))

    known = {r["id"] for r in rows}
    drop = set(dropped)
    if drop - known:
        log.warning("plan_questions: ignoring unknown ids in dropped: %s", ", ".join(sorted(drop - known)))
    rows = [r for r in rows if r["id"] not in drop]

    remaining = minutes - buffer
    chosen: set[str] = set()
    candidates = [r for r in rows if include_online or r["online_reason"] is None]
    for r in sorted(candidates, key=lambda r: (not r["must_ask"], not r["_extra"], r["_priority"],
                                               r["_rank"], r["_index"])):
        if r["minutes"] <= remaining:
            chosen.add(r["id"])
            remaining -= r["minutes"]

    closing = bank.rank("closing")
    ordered = sorted(rows, key=lambda r: (r["_rank"] == closing, r["_rank"] != closing and not r["must_ask"],
                                          r["_rank"], r["_extra"], r["_index"]))
    if order is not None:
        wanted = [i for i in dict.fromkeys(order) if i in known and i not in drop]
        unknown = [i for i in order if i not in known]
        if unknown:
            log.warning("plan_questions: ignoring unknown ids in order: %s", ", ".join(unknown))
        by_id = {r["id"]: r for r in ordered}
        ordered = [by_id[i] for i in wanted] + [r for r in ordered if r["id"] not in set(wanted)]
    included = [r for r in ordered if r["id"] in chosen]
    excluded = [r for r in ordered if r["id"] not in chosen]
    for position, r in enumerate(included, start=1):
        r["position"] = position
    for r in excluded:
        r["position"] = pd.NA
    frame = pd.DataFrame(
        [{**r, "included": r["id"] in chosen} for r in included + excluded], columns=PLAN_COLUMNS
    )
    frame = frame.astype({"position": "Int64", "minutes": "int64", "must_ask": "bool", "included": "bool"})
    frame["online_reason"] = pd.Series([r["online_reason"] for r in included + excluded], dtype=object)
    return frame


def _row(qid: str, theme: str, text: str, minutes: int, must_ask: bool, priority: int, reason: str | None,
         rank: int, index: int, *, extra: bool) -> dict[str, Any]:
    return {"id": qid, "theme": theme, "text": text, "minutes": minutes, "must_ask": must_ask,
            "online_reason": reason, "_priority": priority, "_rank": rank, "_index": index, "_extra": extra}


def _meeting_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputFormatError(f"meeting length must be whole minutes, got {value!r}.")
    if value < MIN_MEETING_MINUTES:
        raise InputFormatError(
            f"a {value}-minute meeting is too short to plan: ask for at least "
            f"{MIN_MEETING_MINUTES} minutes (15-30 is usual for an informational interview)."
        )
    return value


def _text(value: Any) -> str:
    """Return user text as a clean string: missing values become "", control characters go."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _CONTROL.sub("", str(value))


def _placeholder_values(personal: Mapping[str, Any]) -> dict[str, str]:
    values = {}
    for key in _PLACEHOLDERS:
        value = " ".join(_text(personal.get(key)).split())
        if key == "move":
            value = value.rstrip(".,;:!? ")  # a clause that ends mid-sentence
        elif key == "article":
            value = value.strip("\"'\u201c\u201d\u2018\u2019 ")  # the template adds the quotes
        if value:
            values[key] = value
    if "role" in values:
        values["a_role"] = f"{indefinite(values['role'])} {values['role']}"
    return values


def _fill(template: str, values: Mapping[str, str], *, partial: bool = False) -> str | None:
    """Fill placeholders; None when one has no value (unless ``partial``: then leave it)."""
    if not partial and set(_PLACEHOLDER_RE.findall(template)) - values.keys():
        return None
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _personalize(question: _Question, values: Mapping[str, str]) -> str:
    for template in (question.text, *question.fallbacks):
        text = _fill(template, values)
        if text is not None:
            return text[:1].upper() + text[1:]
    raise InfoviewError(f"question {question.id!r} has no usable wording.")  # ruled out when loading


# ----------------------------------------------------------------------- the brief


def render_brief(
    *,
    contact: Mapping[str, Any],
    meeting: Mapping[str, Any],
    common_ground: Sequence[Mapping[str, Any]],
    accomplishments: Sequence[str],
    plan: pd.DataFrame,
    checklist: Sequence[str] | None = None,
) -> str:
    """Return a one-page HTML brief to read before, and carry to, the meeting.

    Every value from ``contact``, ``meeting``, ``common_ground``, ``accomplishments``,
    ``plan`` and ``checklist`` is escaped; links are made only from ``http``/``https``
    addresses (anything else is shown as plain text). The page is self-contained
    (inline styles, no scripts) and prints on one A4 page.

    Parameters
    ----------
    contact
        ``name`` (or ``first_name`` and ``last_name``), ``position`` (or ``title``),
        ``company``, and optionally ``location``, ``profile_url``, ``summary``.
    meeting
        ``start`` (datetime, date or text), ``duration_min``, and optionally
        ``location`` and ``video_link`` (or ``url``).
    common_ground
        Mappings with ``point`` (what you share), ``evidence`` (where you saw it) and
        optionally ``url``.
    accomplishments
        What they attained, one line each.
    plan
        A frame from :func:`plan_questions`; its included questions are listed in
        asking order with their minutes.
    checklist
        Preparation items; :data:`DEFAULT_CHECKLIST` when None.

    Returns
    -------
    str
        An HTML5 document.
    """
    name = _value(contact, "name") or " ".join(
        v for v in (_value(contact, "first_name"), _value(contact, "last_name")) if v
    ) or "your contact"
    role = " at ".join(v for v in (_value(contact, "position", "title"), _value(contact, "company")) if v)
    e = _esc

    who = [f"<p><strong>{e(name)}</strong>{(' · ' + e(role)) if role else ''}"
           f"{(' · ' + e(_value(contact, 'location'))) if _value(contact, 'location') else ''}</p>"]
    if _value(contact, "summary"):
        who.append(f"<p>{e(_value(contact, 'summary'))}</p>")
    if _value(contact, "profile_url"):
        who.append(f"<p class=\"small\">Profile: {_link(_value(contact, 'profile_url'))}</p>")

    when, finish, thank_by = _when(meeting)
    meta = [m for m in (when, finish) if m]
    if _value(meeting, "location"):
        meta.append(f"at {e(_value(meeting, 'location'))}")
    video = _value(meeting, "video_link", "video_url", "url")
    if video:
        meta.append(f"video: {_link(video)}")

    ground = []
    for item in common_ground:
        point = _value(item, "point", "text", "what")
        evidence = _value(item, "evidence")
        url = _value(item, "url", "source_url")
        if not (point or evidence):
            continue
        line = f"<strong>{e(point)}</strong>" if point else ""
        if evidence:
            line += f"{' — ' if point else ''}<span class=\"evidence\">{e(evidence)}</span>"
        if url:
            line += f" ({_link(url, 'source')})"
        ground.append(f"<li>{line}</li>")

    attained = [f"<li>{e(a)}</li>" for a in (_text(a) for a in accomplishments) if a.strip()]

    questions = _plan_rows(plan)
    total = sum(m for _, m in questions)
    asked = [f"<li><span class=\"min\">{m} min</span> {e(t)}</li>" for t, m in questions]
    items = DEFAULT_CHECKLIST if checklist is None else checklist
    checks = [f"<li>{e(c)}</li>" for c in (_text(c) for c in items) if c.strip()]

    duration = _minutes_value(meeting)
    budget_note = f"{total} of {duration} min" if duration else f"{total} min"
    footer = "Keep time with a watch, not your phone. Send your thank-you note within 24 hours"
    footer += f" (by {e(thank_by)})." if thank_by else "."

    def section(title: str, body: list[str], tag: str = "ul", cls: str = "") -> str:
        if not body:
            body, tag = ["<li class=\"none\">Nothing recorded yet.</li>"], "ul"
        klass = f" class=\"{cls}\"" if cls else ""
        return f"<section><h2>{title}</h2><{tag}{klass}>{''.join(body)}</{tag}></section>"

    return "\n".join([
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>Brief: {e(name)}</title>",
        f"<style>{_BRIEF_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>Informational interview: {e(name)}</h1>",
        f"<p class=\"meta\">{' · '.join(meta)}</p></header>" if meta else "</header>",
        "<main class=\"cols\">",
        "<div>",
        f"<section><h2>Who they are</h2>{''.join(who)}</section>",
        section("What they attained", attained),
        section("Common ground", ground),
        section("Before you go", checks, cls="checklist"),
        "</div>",
        "<div>",
        section(f"Questions ({budget_note})", asked, tag="ol", cls="questions"),
        "</div>",
        "</main>",
        f"<footer>{footer}</footer>",
        "</body>",
        "</html>",
        "",
    ])


_BRIEF_CSS = """
@page { size: A4; margin: 12mm }
* { box-sizing: border-box }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111;
       max-width: 186mm; margin: 1em auto; padding: 0 1em }
h1 { font-size: 14pt; margin: 0 0 1mm }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; padding-bottom: .5mm; border-bottom: 1px solid #bbb }
p { margin: 0 0 1.5mm }
ul, ol { margin: 0; padding-left: 5mm }
li { margin: 0 0 1mm }
.meta, .small, .evidence, footer { color: #444 }
.small, footer { font-size: 8.5pt }
.cols { display: grid; grid-template-columns: 1fr 1.15fr; gap: 6mm }
.questions .min { display: inline-block; min-width: 3.2em; color: #555; font-variant-numeric: tabular-nums }
.checklist { list-style: none; padding-left: 0 }
.checklist li::before { content: "\\2610\\00a0" }
.none { color: #777; font-style: italic }
footer { margin-top: 3mm; border-top: 1px solid #bbb; padding-top: 1mm }
section { break-inside: avoid }
@media print {
  body { font-size: 9pt; margin: 0; padding: 0; max-width: none }
  a { color: inherit; text-decoration: none }
}
"""


def _esc(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def _value(mapping: Mapping[str, Any], *keys: str) -> str:
    """Return the first non-empty value among ``keys`` as clean text, else ""."""
    for key in keys:
        text = _text(mapping.get(key)).strip()
        if text:
            return text
    return ""


def _safe_url(url: str) -> str | None:
    """Return ``url`` if it is a plain http(s) link, else None (never linked)."""
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _link(url: str, label: str | None = None) -> str:
    safe = _safe_url(url)
    text = html.escape(label if label is not None else url, quote=True)
    if safe is None:
        return text
    return f"<a href=\"{html.escape(safe, quote=True)}\" rel=\"noopener noreferrer\">{text}</a>"


def _minutes_value(meeting: Mapping[str, Any]) -> int | None:
    value = meeting.get("duration_min")
    try:
        return int(value) if value is not None and not pd.isna(value) else None
    except (TypeError, ValueError):
        return None


def _when(meeting: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return escaped (start, finish, thank-you deadline) texts for the brief."""
    start = meeting.get("start")
    duration = _minutes_value(meeting)
    if isinstance(start, datetime):
        zone = start.strftime(" %Z") if start.tzinfo else ""
        when = _esc(start.strftime("%a %d %b %Y, %H:%M") + zone)
        if duration:
            end = _later(start, timedelta(minutes=duration))
            due = thank_you_due(end)
            return (when, _esc(f"{duration} min, finish by {end:%H:%M}"),
                    f"{due:%a %d %b, %H:%M}")
        return when, "", ""
    if isinstance(start, date):
        return _esc(f"{start:%a %d %b %Y}"), _esc(f"{duration} min") if duration else "", ""
    return _esc(start), _esc(f"{duration} min") if duration else "", ""


def _plan_rows(plan: pd.DataFrame) -> list[tuple[str, int]]:
    if plan is None or len(plan) == 0 or "text" not in plan.columns:
        return []
    rows = plan
    if "included" in rows.columns:
        rows = rows[rows["included"].fillna(False).astype(bool)]
    if "position" in rows.columns:
        rows = rows.sort_values("position", kind="stable")
    minutes = rows["minutes"] if "minutes" in rows.columns else pd.Series(0, index=rows.index)
    return [(_text(t), int(m) if not pd.isna(m) else 0) for t, m in zip(rows["text"], minutes, strict=True)]


# ------------------------------------------------------------------ thank-you timing


def thank_you_due(meeting_end: datetime) -> datetime:
    """Return when the thank-you note is due: 24 hours after the meeting ends.

    Parameters
    ----------
    meeting_end
        When the meeting ended (aware or naive; the result is of the same kind).

    Returns
    -------
    datetime
        ``meeting_end`` plus 24 elapsed hours, in the same time zone (so across a
        daylight-saving change the wall-clock time moves by an hour).
    """
    if not isinstance(meeting_end, datetime):
        raise InputFormatError(f"meeting_end must be a datetime, got {meeting_end!r}.")
    return _later(meeting_end, THANK_YOU_WITHIN)


def _later(moment: datetime, delta: timedelta) -> datetime:
    """Add elapsed time: across a daylight-saving change 24 h stays 24 real hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment + delta
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def is_overdue(due: datetime, sent_at: datetime | None, now: datetime) -> bool:
    """Return True when something due has not been sent by ``now`` and ``now`` is past due.

    A note sent after ``now`` counts as not yet sent, so a report for an earlier day
    (the notebooks' ``today`` parameter) shows what was overdue on that day.

    Parameters
    ----------
    due
        The deadline, e.g. from :func:`thank_you_due`.
    sent_at
        When it was sent, or None.
    now
        The moment to judge at.

    Returns
    -------
    bool
        ``now > due`` and not sent by ``now``.

    Raises
    ------
    InputFormatError
        If aware and naive datetimes are mixed.
    """
    stamps = [d for d in (due, sent_at, now) if d is not None]
    if len({d.tzinfo is None or d.utcoffset() is None for d in stamps}) > 1:
        raise InputFormatError("due, sent_at and now must all have a time zone, or all have none.")
    sent = sent_at is not None and sent_at <= now
    return not sent and now > due


# ----------------------------------------------------------------------- the clock


class MeetingClock:
    """A pacing model for the meeting timer: where you are, and where you should be.

    Time is always passed in, so the clock is a pure model a widget can poll. Phases:
    ``"not started"``; ``"running"``; ``"warning"`` from ``warn_min`` minutes before
    the agreed end (start the closing questions); ``"wrap up"`` from the agreed end
    for ``grace_min`` minutes (thank them and leave); ``"over"`` after that; and
    ``"stopped"`` once :meth:`stop` has been called. Questions are scheduled one
    after another from the end of the opening, each for its planned minutes.

    Parameters
    ----------
    planned_min
        The agreed length of the meeting in minutes.
    plan
        A frame from :func:`plan_questions`; its included questions, in position order.
    warn_min
        Minutes before the agreed end when the phase turns to ``"warning"``.
    grace_min
        Minutes after the agreed end that count as ``"wrap up"`` rather than ``"over"``.
    opening_min
        Minutes of greeting before the first question; by default the opening of
        :func:`buffer_minutes` (0 for meetings under 10 minutes).

    Raises
    ------
    InputFormatError
        If a length is not a whole, non-negative number of minutes or ``warn_min`` is
        not shorter than the meeting.
    """

    def __init__(self, planned_min: int, plan: pd.DataFrame | None = None, *, warn_min: int = 3,
                 grace_min: int = 2, opening_min: int | None = None) -> None:
        for label, value in (("planned_min", planned_min), ("warn_min", warn_min), ("grace_min", grace_min)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputFormatError(f"{label} must be whole minutes (0 or more), got {value!r}.")
        if planned_min < 1 or warn_min >= planned_min:
            raise InputFormatError(
                f"planned_min={planned_min}, warn_min={warn_min}: the warning must come before the end "
                "of a meeting of at least 1 minute."
            )
        if opening_min is None:
            opening_min = buffer_minutes(planned_min)[0] if planned_min >= MIN_MEETING_MINUTES else 0
        self.planned_min = planned_min
        self.warn_min = warn_min
        self.grace_min = grace_min
        self.opening_min = opening_min
        self._questions: list[tuple[str, str, int]] = []
        if plan is not None and len(plan):
            rows = plan
            if "included" in rows.columns:
                rows = rows[rows["included"].fillna(False).astype(bool)]
            if "position" in rows.columns:
                rows = rows.sort_values("position", kind="stable")
            ids = rows["id"] if "id" in rows.columns else pd.Series("", index=rows.index)
            self._questions = [(str(i), _text(t), int(m) * 60)
                               for i, t, m in zip(ids, rows["text"], rows["minutes"], strict=True)]
        self._started: datetime | None = None
        self._stopped: datetime | None = None

    @property
    def started_at(self) -> datetime | None:
        """When :meth:`start` was called, or None."""
        return self._started

    @property
    def stopped_at(self) -> datetime | None:
        """When :meth:`stop` was called, or None."""
        return self._stopped

    def start(self, at: datetime) -> None:
        """Start the clock at ``at``.

        Raises
        ------
        InfoviewError
            If the clock was already started (make a new clock for a new meeting).
        """
        if self._started is not None:
            raise InfoviewError("this meeting clock was already started; create a new MeetingClock.")
        self._started = at

    def stop(self, at: datetime) -> None:
        """Stop the clock at ``at``; :meth:`status` then stays frozen at that moment.

        Raises
        ------
        InfoviewError
            If the clock was never started or is already stopped.
        InputFormatError
            If ``at`` is before the start.
        """
        if self._started is None:
            raise InfoviewError("the meeting clock was not started; call start() first.")
        if self._stopped is not None:
            raise InfoviewError("the meeting clock is already stopped.")
        if at < self._started:
            raise InputFormatError(f"stop time {at} is before the start {self._started}.")
        self._stopped = at

    def status(self, at: datetime) -> dict[str, Any]:
        """Return where the meeting stands at ``at``.

        Returns
        -------
        dict
            ``phase``; ``elapsed_s`` and ``remaining_s`` (whole seconds, remaining never
            below 0); ``overtime_s`` (seconds past the agreed end); ``segment``
            (``"opening"``, ``"questions"``, ``"close"`` or None before the start and
            once stopped); ``current_question``, ``question_id`` and ``position``
            (1-based) of the question you should be on, ``question_budget_s`` its
            planned seconds and ``question_remaining_s`` what is left of them (all None
            outside the questions).
        """
        planned_s = self.planned_min * 60
        state: dict[str, Any] = {
            "phase": "not started", "elapsed_s": 0, "remaining_s": planned_s, "overtime_s": 0,
            "segment": None, "current_question": None, "question_id": None, "position": None,
            "question_budget_s": None, "question_remaining_s": None,
        }
        if self._started is None or at < self._started:
            return state
        stopped = self._stopped is not None and at >= self._stopped
        moment = self._stopped if stopped and self._stopped is not None else at
        elapsed = math.floor((moment - self._started).total_seconds())
        state["elapsed_s"] = elapsed
        state["remaining_s"] = max(0, planned_s - elapsed)
        state["overtime_s"] = max(0, elapsed - planned_s)
        if stopped:
            state["phase"] = "stopped"
            return state
        if elapsed < planned_s - self.warn_min * 60:
            state["phase"] = "running"
        elif elapsed < planned_s:
            state["phase"] = "warning"
        elif elapsed < planned_s + self.grace_min * 60:
            state["phase"] = "wrap up"
        else:
            state["phase"] = "over"
        offset = self.opening_min * 60
        if elapsed < offset:
            state["segment"] = "opening"
            return state
        state["segment"] = "close"
        for position, (qid, text, budget) in enumerate(self._questions, start=1):
            if elapsed < offset + budget:
                state.update(segment="questions", current_question=text, question_id=qid, position=position,
                             question_budget_s=budget, question_remaining_s=offset + budget - elapsed)
                break
            offset += budget
        return state
