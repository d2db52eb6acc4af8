"""Rows whose field count differs from their header: skipped, or repaired where the repair is unambiguous.

A CSV row with more or fewer fields than the header cannot be read as it stands: every field after
the fault would land in the wrong column (a company cut at its comma, the rest of it stored as the
position, the real position lost). Such a row is never imported shifted. It is either repaired, by
one of two rules below, or skipped and reported with its line number and raw text, so the person
can fix the file and import it again (the fixed row then arrives as a new record).

The rules (a row is repaired only when exactly one repair fits):

1. **Empty fields at the end.** Extra fields that are all empty and at the end of the row (a
   spreadsheet's trailing commas) are dropped: no value moves.
2. **An unquoted delimiter inside a free-text column.** Extra fields are joined back, with the
   delimiter, into one known free-text column: ``company`` or ``position`` (the columns where
   exports put prose: "Acme, Inc.", "Lab Coordinator, Biology"). A join is a candidate only when
   (a) every delimiter it puts back is followed by a space in the file (``Acme, Inc.``: prose puts
   a space after a comma, the exports' own delimiters never have one), and (b) after the join,
   every structured column holds a value of its kind or nothing: the email column something with
   an ``@`` and no space, the profile URL column an ``http(s)://``/``www.`` address or a
   linkedin.com one, the date column a date in any convention (:mod:`infoview_kit.find.dates`).
   When no candidate fits, or more than one does (the join could go into either column), the row
   is skipped.

A row with fewer fields than the header is always skipped: nothing tells which field is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from infoview_kit.find.dates import readable

__all__ = ["RowFit"]

#: The columns that may hold an unquoted delimiter of prose.
FREE_TEXT = ("company", "position")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S*linkedin\.com/\S*", re.IGNORECASE)


def _is_email(value: str) -> bool:
    v = value.strip()
    return "@" in v and not any(c.isspace() for c in v)


def _is_url(value: str) -> bool:
    return _URL.fullmatch(value.strip()) is not None


_Repair = tuple[list[str], str, str]


class RowFit:
    """Decide what becomes of the rows whose field count differs from the header's ``ncols``.

    Parameters
    ----------
    targets
        Our column -> the positions in the file that feed it (see ``csv_read._resolve_targets``).
    ncols
        The number of fields in the header.
    delim
        The file's delimiter.
    """

    def __init__(self, targets: Mapping[str, list[int]], ncols: int, delim: str) -> None:
        self.ncols, self.delim = ncols, delim
        self.free = sorted({(i, t) for t in FREE_TEXT for i in targets.get(t, [])})
        self.emails = targets.get("email", [])
        self.urls = targets.get("profile_url", [])
        self.dates = targets.get("connected_on", [])

    def resolve(self, records: list[list[str]]) -> list[_Repair | None]:
        """For each row: (the repaired fields, the column, how), or None when it must be skipped.

        All the rows of a file are judged at once, so that their dates are checked in one pass.
        """
        candidates = [self._candidates(r) for r in records]
        values = sorted({f[i].strip() for cands in candidates for f, _, _ in cands for i in self.dates})
        is_date = dict(zip(values, readable(np.array(values, dtype=object)).tolist(), strict=True))
        out: list[_Repair | None] = []
        for cands in candidates:
            fits = [c for c in cands if all(not c[0][i].strip() or is_date[c[0][i].strip()] for i in self.dates)]
            out.append(fits[0] if len(fits) == 1 else None)
        return out

    def _candidates(self, record: list[str]) -> list[_Repair]:
        """The repairs of one row that pass every check but the dates'."""
        k = len(record) - self.ncols
        if k <= 0:
            return []
        if not any(f.strip() for f in record[self.ncols:]):
            return [(record[:self.ncols], "row", f"{k} empty field{'s' if k > 1 else ''} at the end dropped")]
        found = []
        for j, column in self.free:
            pieces = record[j:j + k + 1]
            if not all(p[:1].isspace() for p in pieces[1:]):
                continue
            fixed = [*record[:j], self.delim.join(pieces), *record[j + k + 1:]]
            if (all(not fixed[i].strip() or _is_email(fixed[i]) for i in self.emails)
                    and all(not fixed[i].strip() or _is_url(fixed[i]) for i in self.urls)):
                found.append((fixed, column, f"fields {j + 1}-{j + k + 1} joined back into {column} at the "
                              f"unquoted {self.delim!r} ({fixed[j].strip()!r})"))
        return found
