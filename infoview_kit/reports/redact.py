"""Stable placeholders for redacted reports: the same real value always gets the same stand-in."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infoview_kit.reports.run import RunResult

#: Profile fields a redacted copy keeps as they are: none of them names or describes anyone
#: (status only when it is "graduate" or "working").
KEPT_PROFILE_FIELDS = frozenset({"status", "country", "timezone"})
#: Where contacts come from: the only `source` values a redacted copy keeps ("manual" otherwise).
SOURCES = frozenset({"linkedin", "google", "outlook", "vcard", "csv", "xlsx", "manual", "referral", "import",
                     "undo merge"})
#: How a merge matched: the only `matched_by` values a redacted copy keeps.
MATCHED_BY = frozenset({"email", "profile link", "name and company", "source", "key"})
#: Why a follow-up is due, per kind, in words that name nobody.
REASONS = {
    "thank_you": "Thank-you note within 24 hours of the meeting.",
    "second_contact": "No reply after 3 business days: write to a second person at the same employer.",
    "nudge": "No reply after 7 business days: send one short follow-up, the last attempt.",
}
#: The marker a redacted run leaves in its output folder, so a later redacted run may reuse it.
MARKER = ".infoview-redacted"
_DATE_LIKE = re.compile(r"[0-9]{1,4}(?:[-/.][0-9]{1,2}){0,2}")


def _safe_words() -> frozenset[str]:
    """Every word the package itself writes into event details (kinds, fields, sources)."""
    from infoview_kit.base.text import HOW_KNOWN
    from infoview_kit.store import MESSAGE_KINDS, PROFILE_FIELDS, RESEARCH_KINDS, STAGES

    return frozenset({*MESSAGE_KINDS, *RESEARCH_KINDS, *PROFILE_FIELDS, *STAGES, *HOW_KNOWN, *SOURCES,
                      *MATCHED_BY, *REASONS})


class Pseudonyms:
    """Hand out placeholders ("Person 7", "person7@example.invalid", "Company 3", "[redacted note]").

    One instance serves one redacted copy: within it, the same real value (compared without case,
    accents or legal-form words, as the matching of contacts does) always maps to the same placeholder.
    """

    def __init__(self) -> None:
        self._people: dict[str, int] = {}
        self._emails: dict[str, str] = {}
        self._orgs: dict[str, str] = {}
        self._tags: dict[tuple[str, str], str] = {}
        self._safe = _safe_words()
        self._questions: list[tuple[re.Pattern[str], str]] | None = None

    def person_number(self, first: str | None, last: str | None) -> int:
        """Return the number of the person with this name (a new number for a new name)."""
        from infoview_kit.base.keys import name_key

        key = name_key(first or "", last or "") or f"#anonymous-{len(self._people)}"
        return self._people.setdefault(key, len(self._people) + 1)

    def person(self, first: str | None, last: str | None) -> tuple[str, str]:
        """Return the placeholder first and last name, e.g. ("Person", "7")."""
        return "Person", str(self.person_number(first, last))

    def email(self, value: str | None, number: int) -> str | None:
        """Return ``person<number>@example.invalid`` for an address (None stays None)."""
        if value is None:
            return None
        key = value.strip().casefold()
        if key not in self._emails:
            taken = set(self._emails.values())
            candidate, n = f"person{number}@example.invalid", 1
            while candidate in taken:
                n += 1
                candidate = f"person{number}.{n}@example.invalid"
            self._emails[key] = candidate
        return self._emails[key]

    def org(self, value: str | None, label: str = "Company") -> str | None:
        """Return "Company 3" (or "School 3"...) for an organization name; companies and schools
        share one numbering, so "same employer" and "same school" still match after redaction."""
        from infoview_kit.base.keys import company_key

        if value is None:
            return None
        key = company_key(value) or value.strip().casefold()
        if key not in self._orgs:
            self._orgs[key] = f"{label} {len(self._orgs) + 1}"
        return self._orgs[key]

    def tag(self, value: str | None, label: str) -> str | None:
        """Return "City 2", "Interest 4", "Role 1"... for any other short value (None stays None)."""
        if value is None:
            return None
        key = (label, " ".join(value.casefold().split()))
        if key not in self._tags:
            self._tags[key] = f"{label} {sum(1 for k in self._tags if k[0] == label) + 1}"
        return self._tags[key]

    @staticmethod
    def text(value: str | None, what: str = "note") -> str | None:
        """Return "[redacted note]" for free text (None and empty stay as they are)."""
        return value if not value else f"[redacted {what}]"

    @staticmethod
    def date(value: str | None) -> str | None:
        """Keep a value that is only a date or a year ("2019", "2019-06"); anything else is dropped."""
        return value if value and _DATE_LIKE.fullmatch(value.strip()) else None

    def word(self, value: Any) -> Any:
        """Keep a value the package writes itself (a kind, a field name, a number); redact the rest."""
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            return value if value in self._safe else "[redacted]"
        if isinstance(value, list):
            return [self.word(v) for v in value]
        if isinstance(value, dict):
            return {str(k) if str(k) in self._safe or str(k).isidentifier() else "[redacted]":
                    self._forgotten(v) if k == "anonymized" else self.word(v) for k, v in value.items()}
        return "[redacted]"

    def _forgotten(self, value: Any) -> Any:
        """A forgotten person's pseudonym (random, naming no one) becomes "Forgotten N": still one
        per person, so the funnel of a redacted report counts them as the real one does."""
        return self.tag(value, "Forgotten") if isinstance(value, str) else self.word(value)

    def detail(self, value: str | None) -> str | None:
        """Redact an event's JSON detail: keys and the package's own words stay, the rest goes."""
        if value is None:
            return None
        try:
            data = json.loads(value)
        except ValueError:
            return json.dumps("[redacted]")
        return json.dumps(self.word(data), sort_keys=True)

    def question(self, text: str, number: int) -> str:
        """Keep a question from the built-in bank (its filled-in company or role replaced by a
        placeholder); any other question becomes "[redacted question N]"."""
        if self._questions is None:
            from infoview_kit.interview.questions import load_bank

            self._questions = []
            for q in load_bank().questions:
                for variant in (q.text, *q.fallbacks):
                    parts = re.split(r"\{(role|company|move|article|a_role)\}", variant)
                    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}_{i}>.+?)"
                                      for i, p in enumerate(parts))
                    self._questions.append((re.compile(pattern, re.S), variant))
        for compiled, variant in self._questions:
            m = compiled.fullmatch(text)
            if m is None:
                continue
            values = {name.rsplit("_", 1)[0]: found for name, found in m.groupdict().items()}
            fills = {"company": str(self.org(values.get("company"))),
                     "role": str(self.tag(values.get("role"), "Role")),
                     "a_role": f"a {self.tag(values.get('a_role'), 'Role')}",
                     "move": "[redacted career move]", "article": "[redacted article]"}
            for name, fill in fills.items():
                variant = variant.replace("{" + name + "}", fill)
            return variant
        return f"[redacted question {number}]"


@contextlib.contextmanager
def redacted_workbook(workbook: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield the path of a redacted copy of `workbook` in a private temporary folder, removed after.

    The workbook itself is opened read-only and never written.
    """
    from infoview_kit.store import Workbook

    folder = Path(tempfile.mkdtemp(prefix="infoview-redacted-"))  # mode 0700
    try:
        with Workbook.open(workbook, read_only=True) as wb:
            copy = wb.redacted_copy(folder / "workbook.sqlite")
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_output_folder(out: str | os.PathLike[str]) -> Path:
    """Make sure a redacted report does not share its folder with an unredacted one; return it.

    A new or empty folder gets the redaction marker; a folder with the marker (an earlier
    redacted report) is reused.

    Raises
    ------
    InputFormatError
        If the folder already holds files of a report that was not redacted.
    """
    from infoview_kit.base.errors import InputFormatError

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputFormatError(f"{folder}: expected an output folder for the redacted report, found a file",
                               path=folder)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise InputFormatError(f"{folder}: this folder holds files that were not redacted; pass --out with a "
                               "new or empty folder for the redacted report", path=folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("This folder holds a redacted report.\n", encoding="utf-8")
    return folder


def run_redacted(workbook: str | os.PathLike[str], today: dt.date, out_dir: str | os.PathLike[str], *,
                 notebooks: Sequence[str] | None = None, progress: bool = True,
                 title: str = "Informational interviews: report") -> RunResult:
    """Run notebooks as :func:`report.run_notebooks` does, against a redacted copy of `workbook`.

    The copy lives in a private temporary folder and is deleted afterwards; the workbook itself is
    only read. No extra notebook parameters are passed (they would name people), the notebooks get
    their output folder as a relative path (an absolute one often names the user), and the index
    title says "redacted".

    Raises
    ------
    InputFormatError
        If `out_dir` holds files of a report that was not redacted.
    NotebookRunError
        If a notebook fails.
    """
    from infoview_kit.reports.run import NOTEBOOKS, run_notebooks

    folder = check_output_folder(out_dir)
    with redacted_workbook(workbook) as copy:
        return run_notebooks(copy, today, folder, notebooks=notebooks or NOTEBOOKS, progress=progress,
                             title=f"{title} (redacted)", relative_out=True)
