"""What research knows about a person, as typed records read from the research table's columns: positions,
education and articles, with dates at the precision they were found (year, month or day)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import clean_text
from infoview_kit.base.validate import fact_date

__all__ = ["KIND_NAMES", "Dossier", "FactDate", "ResearchItem", "dossier"]

#: What each stored research kind is called in a record (a stored "experience" is a position held).
KIND_NAMES: Mapping[str, str] = {"experience": "position", "education": "education", "article": "article",
                                 "accomplishment": "accomplishment", "interest": "interest", "note": "note"}
# A degree at the start of an education title: "BSc Biology", "Master of Public Health", "PhD in Chemistry".
_DEGREE = re.compile(
    r"^(?P<degree>(?:B\.?A|B\.?Sc?|B\.?Eng|B\.?S\.?N|M\.?A|M\.?Sc?|M\.?Eng|M\.?P\.?H|MBA|M\.?Phil|Ph\.?D|D\.?Phil"
    r"|Associate|Bachelor|Master|Doctor|Diploma|Certificate|Graduate Certificate)(?:'s)?"
    r"(?:\s+of\s+(?:Arts|Science|Sciences|Engineering|Business Administration|Public Health|Philosophy))?\.?)"
    r"(?:\s*(?:,|in|of|-|\u2013|:)?\s+(?P<field>.+))?$", re.I)
_TOPICS_LABEL = re.compile(r"^\s*(?:topics?|tags?|keywords?|about)\s*:\s*", re.I)


@dataclass(frozen=True)
class FactDate:
    """A date as research found it: a year, a month or a day (``2017``, ``2017-06``, ``2017-06-14``)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> FactDate | None:
        """Return the date a research column holds, or None when it is empty or not a date (a value an
        older workbook kept as typed, such as "next spring", is not something research knows)."""
        text = clean_text(value)
        if text is None:
            return None
        try:
            iso = fact_date(text)
        except InputFormatError:
            return None
        if iso is None:
            return None
        parts = [int(p) for p in iso.split("-")]
        return cls(parts[0], *(parts[1:] + [None, None])[:2])

    @property
    def precision(self) -> str:
        """"year", "month" or "day"."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def key(self) -> tuple[int, int, int]:
        """A key to sort by: a year-only date sorts before that year's months."""
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        month = f"-{self.month:02d}" if self.month else ""
        return f"{self.year:04d}{month}" + (f"-{self.day:02d}" if self.day else "")


@dataclass(frozen=True)
class ResearchItem:
    """One research fact as a record: its kind (position, education, article, accomplishment, interest,
    note), title (the role, degree, article title, ...), organization (employer or school), dates, and
    for an article its outlet, who wrote it (relation "by" them or "about" them) and its topics (notes)."""

    id: int | None
    kind: str
    title: str
    organization: str | None = None
    start: FactDate | None = None
    end: FactDate | None = None
    outlet: str | None = None
    relation: str | None = None
    notes: str | None = None
    source_url: str | None = None

    @property
    def degree(self) -> str | None:
        """For education: the degree at the start of the title ("BSc" of "BSc Biology"), else None."""
        m = _DEGREE.match(self.title) if self.kind == "education" else None
        return m.group("degree") if m else None

    @property
    def field(self) -> str | None:
        """For education: what they studied ("Biology" of "BSc Biology"; the whole title when it names
        no degree), else None."""
        if self.kind != "education":
            return None
        m = _DEGREE.match(self.title)
        return (m.group("field") or None) if m else self.title

    @property
    def by_them(self) -> bool:
        """True for an article they wrote."""
        return self.kind == "article" and self.relation == "by"

    @property
    def topics(self) -> tuple[str, ...]:
        """For an article: its title and the topics its notes list (``"topics: trials, sites"``)."""
        if self.kind != "article":
            return ()
        noted = [t.strip() for t in re.split(r"[,;\n]", _TOPICS_LABEL.sub("", self.notes or "")) if t.strip()]
        return (self.title, *noted)

    @property
    def dated(self) -> bool:
        """True when research found when it began or ended."""
        return self.start is not None or self.end is not None

    def span(self) -> str:
        """When, as found: "2017-06 to 2019-12", "since 2021", "until 2019", or "" (an article's or another
        one-time fact's date alone: "2022-04")."""
        if self.start and not self.end and self.kind not in ("position", "education"):
            return str(self.start)
        if self.start and self.end:
            return f"{self.start} to {self.end}"
        return f"since {self.start}" if self.start else f"until {self.end}" if self.end else ""

    def __str__(self) -> str:
        """E.g. "Position — Clinical Research Associate at Harbor Trials, 2017-06 to 2019-12 (research item 12)"."""
        what = self.title
        if self.organization:
            what += f" at {self.organization}" if self.kind in ("position", "education") else f", {self.organization}"
        if self.kind == "article":
            what = f"\u201c{self.title}\u201d" + (f", {self.outlet}" if self.outlet else "") + \
                   (" (by them)" if self.relation == "by" else " (about them)" if self.relation == "about" else "")
        span = self.span()
        item = f" (research item {self.id})" if self.id is not None else ""
        return f"{KIND_NAMES.get(self.kind, self.kind).capitalize()} \u2014 {what}{', ' + span if span else ''}{item}"


@dataclass(frozen=True)
class Dossier:
    """Everything research found about one person, as :class:`ResearchItem` records in the stored order."""

    items: tuple[ResearchItem, ...] = ()

    def of_kind(self, kind: str) -> list[ResearchItem]:
        """The records of one kind (position, education, article, ...), in the stored order."""
        return [i for i in self.items if i.kind == kind]

    @property
    def positions(self) -> list[ResearchItem]:
        """Positions held, earliest first (by start, else end); undated ones last, in the stored order."""
        dated = [p for p in self.of_kind("position") if p.dated]
        dated.sort(key=lambda p: _when(p).key)
        return dated + [p for p in self.of_kind("position") if not p.dated]

    @property
    def first_position(self) -> ResearchItem | None:
        """Where their career started: the earliest position when every position is dated (or there is
        only one); else None (an undated one might be earlier)."""
        positions = self.positions
        if positions and (all(p.dated for p in positions) or len(positions) == 1):
            return positions[0]
        return None

    @property
    def current_position(self) -> ResearchItem | None:
        """The position they hold now: the latest one started and not ended, else None."""
        now = [p for p in self.positions if p.start is not None and p.end is None]
        return now[-1] if now else None

    @property
    def education(self) -> list[ResearchItem]:
        """Degrees and schools, in the stored order."""
        return self.of_kind("education")

    @property
    def articles_by_them(self) -> list[ResearchItem]:
        """Articles they wrote (relation "by"), in the stored order."""
        return [a for a in self.of_kind("article") if a.by_them]

    def __bool__(self) -> bool:
        return bool(self.items)


def _when(item: ResearchItem) -> FactDate:
    """When a dated item began (else when it ended)."""
    return item.start or item.end or FactDate(0)


def _record(row: Mapping[str, Any]) -> ResearchItem | None:
    title = clean_text(row.get("title"))
    kind = clean_text(row.get("kind"))
    if title is None or kind is None:
        return None
    rid = row.get("id")
    return ResearchItem(
        id=None if rid is None or pd.isna(rid) else int(rid), kind=KIND_NAMES.get(kind, kind), title=title,
        organization=clean_text(row.get("organization")), start=FactDate.parse(row.get("start")),
        end=FactDate.parse(row.get("end")), outlet=clean_text(row.get("outlet")),
        relation=clean_text(row.get("relation")), notes=clean_text(row.get("notes")),
        source_url=clean_text(row.get("source_url")))


def dossier(research: pd.DataFrame | Iterable[Mapping[str, Any]] | Dossier | None) -> Dossier:
    """Return what research knows about a person as typed records, read column by column.

    Parameters
    ----------
    research
        One person's research (:meth:`Workbook.research`, columns id, kind, title, organization, start,
        end, outlet, relation, notes, source_url; missing columns count as empty), rows as mappings, a
        Dossier (returned as it is), or None (nothing known).

    Returns
    -------
    Dossier
        The records; rows without a kind or title are left out.
    """
    if isinstance(research, Dossier):
        return research
    if research is None:
        return Dossier()
    rows = research.to_dict("records") if isinstance(research, pd.DataFrame) else list(research)
    return Dossier(tuple(r for r in (_record(row) for row in rows) if r is not None))
