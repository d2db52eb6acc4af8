"""The question bank (``data/questions.toml``), its wording filled in for one person, and the check
that says which questions their research already answers online."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InfoviewError
from infoview_kit.base.text import indefinite, is_missing

__all__ = [
    "BANK_COLUMNS",
    "PLACEHOLDER_RE",
    "Question",
    "QuestionBank",
    "career_fact",
    "fill",
    "flag_online",
    "load_bank",
    "placeholder_values",
    "printable",
    "question_bank",
    "text_key",
]

BANK_COLUMNS = ["id", "theme", "text", "minutes", "must_ask", "priority"]
#: A placeholder in a question's wording: ``{role}``, ``{company}``, ``{move}``, ``{article}``, ``{a_role}``.
PLACEHOLDER_RE = re.compile(r"\{(role|company|move|article|a_role)\}")
_PLACEHOLDERS = ("role", "company", "move", "article")  # given by the caller; "a_role" is derived
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
class Question:
    """One question of the bank, as written in ``data/questions.toml``."""

    id: str
    bank: str
    theme: str
    text: str
    fallbacks: tuple[str, ...]
    minutes: int
    must_ask: bool
    priority: int
    skip_if_researched: bool

    def personalized(self, values: Mapping[str, str]) -> str:
        """Return the first wording whose placeholders all have a value in `values`, filled in."""
        for template in (self.text, *self.fallbacks):
            text = fill(template, values)
            if text is not None:
                return text[:1].upper() + text[1:]
        raise InfoviewError(f"question {self.id!r} has no usable wording.")  # ruled out when loading


@dataclass(frozen=True)
class QuestionBank:
    """The loaded bank: themes in asking order, their titles, the questions and the online patterns."""

    themes: tuple[str, ...]
    theme_titles: Mapping[str, str]
    questions: tuple[Question, ...]
    patterns: tuple[tuple[re.Pattern[str], str], ...]

    def rank(self, theme: str) -> int:
        """Return where `theme` comes in the asking order."""
        return self.themes.index(theme)

    def select(self, recruiter: bool) -> list[Question]:
        """Return the questions of the general (or recruiter) bank, in asking order of themes."""
        wanted = ("recruiter", "both") if recruiter else ("general", "both")
        found = [q for q in self.questions if q.bank in wanted]
        return sorted(found, key=lambda q: self.rank(q.theme))  # stable: file order within a theme


@lru_cache(maxsize=1)
def load_bank() -> QuestionBank:
    """Load and check ``data/questions.toml`` once per process.

    Raises
    ------
    InfoviewError
        If the file cannot be read, or a question names an unknown theme or bank, has minutes
        or a priority outside 1-5, no wording without placeholders, or a duplicate id.
    """
    source = resources.files("infoview_kit").joinpath("data/questions.toml")
    where = "infoview_kit/data/questions.toml"
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InfoviewError(f"{where}: cannot read the question bank ({exc}); reinstall the kit.") from exc
    themes = tuple(t["id"] for t in raw.get("themes", []))
    titles = {t["id"]: t.get("title", t["id"]) for t in raw.get("themes", [])}
    questions: list[Question] = []
    for entry in raw.get("questions", []):
        question = _question(entry)
        problems = _problems(question, themes, questions)
        if problems:
            raise InfoviewError(f"{where}: question {question.id!r}: {'; '.join(problems)}.")
        questions.append(question)
    patterns = tuple((re.compile(p["pattern"], re.I), p["reason"]) for p in raw.get("online_patterns", []))
    return QuestionBank(themes=themes, theme_titles=titles, questions=tuple(questions), patterns=patterns)


def _question(entry: Mapping[str, Any]) -> Question:
    fallback = entry.get("fallback", ())
    return Question(
        id=entry["id"],
        bank=entry.get("bank", "general"),
        theme=entry["theme"],
        text=entry["text"],
        fallbacks=(fallback,) if isinstance(fallback, str) else tuple(fallback),
        minutes=int(entry["minutes"]),
        must_ask=bool(entry.get("must_ask", False)),
        priority=int(entry.get("priority", 3)),
        skip_if_researched=bool(entry.get("skip_if_researched", False)),
    )


def _problems(question: Question, themes: tuple[str, ...], earlier: list[Question]) -> list[str]:
    problems = []
    if question.theme not in themes:
        problems.append(f"unknown theme {question.theme!r}")
    if question.bank not in _BANKS:
        problems.append(f"bank must be one of {_BANKS}")
    if not 1 <= question.minutes <= 5:
        problems.append("minutes must be 1-5")
    if not 1 <= question.priority <= 5:
        problems.append("priority must be 1-5")
    if PLACEHOLDER_RE.search((question.text, *question.fallbacks)[-1]):
        problems.append("needs a fallback without placeholders")
    if any(q.id == question.id for q in earlier):
        problems.append("duplicate id")
    return problems


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
        for q in load_bank().select(recruiter)
    ]
    frame = pd.DataFrame(rows, columns=BANK_COLUMNS)
    return frame.astype({"minutes": "int64", "must_ask": "bool", "priority": "int64"})


# ------------------------------------------------------------------- placeholders


def printable(value: Any) -> str:
    """Return user text as a string to show: missing values become "", control characters go
    (spaces are kept as typed)."""
    if is_missing(value):
        return ""
    return _CONTROL.sub("", str(value))


def text_key(text: Any) -> str:
    """Return text to compare as the same question or name: spacing and case do not count."""
    return " ".join(str(text).split()).casefold()


def placeholder_values(personal: Mapping[str, Any]) -> dict[str, str]:
    """Return the placeholder values given in `personal` (role, company, move, article), tidied,
    with ``a_role`` ("an engineer") derived from the role."""
    values = {}
    for key in _PLACEHOLDERS:
        value = " ".join(printable(personal.get(key)).split())
        if key == "move":
            value = value.rstrip(".,;:!? ")  # a clause that ends mid-sentence
        elif key == "article":
            value = value.strip("\"'\u201c\u201d\u2018\u2019 ")  # the template adds the quotes
        if value:
            values[key] = value
    if "role" in values:
        values["a_role"] = f"{indefinite(values['role'])} {values['role']}"
    return values


def fill(template: str, values: Mapping[str, str], *, partial: bool = False) -> str | None:
    """Fill placeholders; None when one has no value (unless ``partial``: then leave it)."""
    if not partial and set(PLACEHOLDER_RE.findall(template)) - values.keys():
        return None
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


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
    patterns = load_bank().patterns
    skip = {" ".join(printable(name).lower().split()) for name in ignore}
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
        fact = " ".join(printable(raw).split())
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


def career_fact(facts: Iterable[str]) -> str | None:
    """Return the first fact that is a position they held ("Data analyst at Acme Corp 2019-2022"),
    not a degree ("BA Economics at ..."), or None: with one, "how they got started" is online."""
    return next((f for f in facts if _POSITION_FACT.match(f) and not _DEGREE.match(f)), None)
