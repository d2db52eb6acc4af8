"""Which questions a person's research already answers online, decided from the research records
(:mod:`infoview_kit.research.known`): what a question asks, or the employer, school, role or year it names;
each flag names the research item that answers it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from infoview_kit.base.keys import company_key
from infoview_kit.interview.questions import load_bank, printable
from infoview_kit.research.known import Dossier, ResearchItem, dossier

__all__ = ["OnlineAnswer", "flag_online", "online_answers"]

#: How close (rapidfuzz ratio, 0-100) words of a question must be to an employer, school or role to name it.
NAME_MATCH = 90
#: How close a word of a question's topic must be to a word of an article's title or topics.
TOPIC_WORD_MATCH = 80
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PAST_CUE = re.compile(
    r"\b(did|were|was|had)\s+you\b|\bwhen you were\b|\byour (time|years|days) (as|at)\b|\bused to\b", re.I)
# A question that asks for their view or advice, not a fact: the patterns do not flag it.
_VIEW = re.compile(r"^\s*(how(?! long| many)|why)\b|\b(should I|would you recommend|do you recommend|recommend|"
                   r"do I need|would I need|wish|worth|regret|for someone like me|advice)\b", re.I)
_TOPIC = re.compile(r"\b(?:about|on|regarding|covering)\s+(?P<topic>[^?.!]+)", re.I)
_GENERIC = frozenset({
    "university", "college", "school", "high", "institute", "institution", "academy", "medical", "center",
    "centre", "hospital", "clinic", "health", "healthcare", "lab", "labs", "laboratory", "laboratories", "group",
    "foundation", "trust", "of", "the", "and", "at",
})
_TOPIC_STOP = frozenset({
    "a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "with", "your", "my", "their", "any", "anything",
    "something", "topic", "topics", "subject", "area", "field", "how", "what", "why", "it", "its", "this", "that",
    "these", "those", "about", "regarding", "linkedin", "twitter", "blog", "online",
})


@dataclass(frozen=True)
class OnlineAnswer:
    """Why a question need not be asked: what it asks about and the research item that answers it."""

    asks: str
    item: ResearchItem

    def __str__(self) -> str:
        return f"Answered online ({self.asks}): {self.item}"


def flag_online(texts: Iterable[str], research: Dossier | pd.DataFrame | None = None, *,
                ignore: Iterable[str] = ()) -> list[str | None]:
    """Say, for each question, which research item already answers it (see :func:`online_answers`).

    Returns
    -------
    list of str or None
        For each question, "Answered online (what it asks): <the research item, with its id>", or None
        when it is worth asking.
    """
    return [None if a is None else str(a) for a in online_answers(texts, research, ignore=ignore)]


def online_answers(texts: Iterable[str], research: Dossier | pd.DataFrame | None = None, *,
                   ignore: Iterable[str] = ()) -> list[OnlineAnswer | None]:
    """Decide, for each question, whether the person's research already answers it.

    A question is answered online when research holds the item it asks for:

    - what or where they studied (phrased many ways: "What was your major?", "Did you study
      biology?"): an education item;
    - where their career started ("Which company did you start out at?"): their earliest position;
    - where they worked before, their CV: an earlier position;
    - how long they were somewhere, when they joined or left: a position (or education) with dates,
      the one the question names or else their current one;
    - their title or employer: the position the question names, else the current (or latest) one;
    - whether they have written about a topic: an article *by* them whose title or noted topics
      cover it (rapidfuzz word similarity, :data:`TOPIC_WORD_MATCH`);
    - or it names an employer or school from research, or a year one of them began or ended, or (asking
      about the past: "did you", "were you") a role they held (rapidfuzz, :data:`NAME_MATCH`).

    What a question asks is read with the bank's ``online_patterns`` (``data/questions.toml``); a question
    asking for their view or advice ("how", "why", "would you recommend") is not read as asking a fact.

    Parameters
    ----------
    texts
        The questions, as they would be asked.
    research
        Their research: a :class:`~infoview_kit.research.known.Dossier` or :meth:`Workbook.research`'s frame.
        Nothing known flags nothing.
    ignore
        Names a good question may well use, such as their current company and role: they count only
        when the question asks about the past.

    Returns
    -------
    list of OnlineAnswer or None
        For each question, what it asks and the research item that answers it, or None.
    """
    known = dossier(research)
    skip = {company_key(printable(name)) for name in ignore} - {""}
    answers: list[OnlineAnswer | None] = []
    for text in texts:
        question = " ".join(printable(text).replace("\u2019", "'").replace("\u2018", "'").split())
        answers.append(_answer(question, known, skip) if known and question else None)
    return answers


def _answer(question: str, known: Dossier, skip: set[str]) -> OnlineAnswer | None:
    past = bool(_PAST_CUE.search(question))
    named = [i for i in _named(question, known) if past or company_key(i.organization) not in skip]
    asks = next((a for rx, a in load_bank().patterns if rx.search(question)), None)
    if asks is not None and (asks == "writing" or not _VIEW.search(question)):
        item = _RESOLVE[asks](known, named, question)  # what it asks decides, whatever else it names
        return None if item is None else OnlineAnswer(_ASKS[asks], item)
    if named:
        return OnlineAnswer(f"names {named[0].organization}", named[0])
    if (hit := _year(question, known)) is not None:
        return OnlineAnswer(f"names {hit[0]}", hit[1])
    if past and (role := _role(question, known)) is not None:
        return OnlineAnswer(f"their role as {role.title}", role)
    return None


_ASKS = {"education": "what and where they studied", "first_position": "where their career started",
         "earlier": "where they worked before", "tenure": "when and how long", "title": "their title",
         "employer": "whom they work for", "writing": "what they have written"}


def _education(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    schools = [i for i in named if i.kind == "education"]
    return schools[0] if schools else next(iter(known.education), None)


def _first(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    return known.first_position


def _earlier(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    current = known.current_position
    before = [p for p in known.positions if p is not current]
    return before[-1] if before else None


def _tenure(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    if named:
        return next((i for i in named if i.dated), None)
    current = known.current_position
    return current if current is not None and current.dated else None


def _title(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    held = [i for i in named if i.kind == "position"]
    if held:
        return held[0]
    positions = known.positions
    return known.current_position or (positions[-1] if positions else None)


def _writing(known: Dossier, named: list[ResearchItem], question: str) -> ResearchItem | None:
    articles = known.articles_by_them
    m = _TOPIC.search(question)
    if m is None:
        return articles[0] if articles else None
    words = [w for w in _words(m.group("topic")) if w not in _TOPIC_STOP]
    if not words:
        return articles[0] if articles else None
    return next((a for a in articles if _covers(words, _words(" ".join(a.topics)))), None)


_RESOLVE: dict[str, Callable[[Dossier, list[ResearchItem], str], ResearchItem | None]] = {
    "education": _education, "first_position": _first, "earlier": _earlier, "tenure": _tenure,
    "title": _title, "employer": _title, "writing": _writing}


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _covers(topic: Sequence[str], hay: Sequence[str]) -> bool:
    """At least two thirds of the topic's words are (nearly) words of the article's title or topics."""
    hits = 0
    for word in topic:
        cutoff = 100 if len(word) <= 3 else TOPIC_WORD_MATCH
        hits += process.extractOne(word, hay, scorer=fuzz.ratio, score_cutoff=cutoff) is not None
    return hits * 3 >= len(topic) * 2


def _windows(question: str, size: int) -> list[str]:
    words = _WORD.findall(question)
    return [" ".join(words[i:i + size]) for i in range(max(0, len(words) - size + 1))]


def _mentions(question: str, name: str, *, key: Callable[[str], str] = str.casefold) -> bool:
    """The question names `name`: some run of its words is (nearly) the same, by rapidfuzz ratio; a name
    under four letters (an acronym) must appear as it is written."""
    target = key(name)
    if not target:
        return False
    if len(target) < 4:
        return name in _windows(question, len(name.split()))
    size = len(target.split())
    candidates = [key(w) for n in {size - 1, size, size + 1} - {0} for w in _windows(question, n)]
    return process.extractOne(target, candidates, scorer=fuzz.ratio, score_cutoff=NAME_MATCH) is not None


def _named(question: str, known: Dossier) -> list[ResearchItem]:
    """The positions and education whose employer or school the question names, in full or by its
    distinctive words ("Riverbend State" for "Riverbend State University")."""
    return [i for i in known.items if i.kind in ("position", "education") and i.organization
            and any(_mentions(question, name, key=company_key) for name in _short_names(i.organization))]


def _short_names(organization: str) -> list[str]:
    """The name, and the name without words many organizations share ("University", "Medical Center")."""
    distinctive = " ".join(w for w in organization.split() if w.casefold().strip(".,") not in _GENERIC)
    return [organization, distinctive] if distinctive != organization and len(distinctive) >= 4 else [organization]


def _year(question: str, known: Dossier) -> tuple[str, ResearchItem] | None:
    for year in _YEAR.findall(question):
        for item in known.items:
            if item.kind in ("position", "education") and int(year) in {d.year for d in (item.start, item.end) if d}:
                return year, item
    return None


def _role(question: str, known: Dossier) -> ResearchItem | None:
    return next((p for p in known.positions if _mentions(question, p.title)), None)

