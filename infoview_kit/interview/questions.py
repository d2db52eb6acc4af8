"""The question bank (``data/questions.toml``): its questions, the wording filled in for one person, and the
patterns of questions whose answers are usually online."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InfoviewError
from infoview_kit.base.text import indefinite, is_missing

__all__ = [
    "BANK_COLUMNS",
    "ONLINE_ASKS",
    "PLACEHOLDER_RE",
    "Question",
    "QuestionBank",
    "fill",
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
#: What an online pattern of the bank may ask about (see ``data/questions.toml``).
ONLINE_ASKS = ("education", "first_position", "earlier", "tenure", "title", "employer", "writing")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
    patterns: tuple[tuple[re.Pattern[str], str], ...]  # (regex, what it asks about: ONLINE_ASKS)

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
    patterns = tuple(_online_pattern(p, where) for p in raw.get("online_patterns", []))
    return QuestionBank(themes=themes, theme_titles=titles, questions=tuple(questions), patterns=patterns)


def _online_pattern(entry: Mapping[str, Any], where: str) -> tuple[re.Pattern[str], str]:
    """One ``[[online_patterns]]`` entry: its regex and what it asks about (one of :data:`ONLINE_ASKS`)."""
    asks = entry.get("asks")
    if asks not in ONLINE_ASKS:
        raise InfoviewError(f"{where}: online pattern {entry.get('pattern')!r}: asks = {asks!r}; expected one of "
                            f"{', '.join(ONLINE_ASKS)}.")
    try:
        return re.compile(entry["pattern"], re.I), asks
    except (KeyError, re.error) as exc:
        raise InfoviewError(f"{where}: online pattern {entry.get('pattern')!r} is not a regex ({exc}).") from exc


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
