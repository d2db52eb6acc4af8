"""Employers in the store: the LAMP list of places you want to work, kept in step with your contacts' companies."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.keys import company_key
from infoview_kit.store.core import StoreCore, rowid


def sync_employers(c: sqlite3.Connection, companies: Iterable[str | None] | None = None) -> None:
    """Give every company a contact works at (or only `companies`) a row in the employers list;
    runs inside the caller's transaction on `c`."""
    have = {k for (k,) in c.execute("SELECT name_key FROM employers")}
    new: dict[str, str] = {}
    names = (c.execute("SELECT DISTINCT company FROM contacts WHERE company IS NOT NULL") if companies is None
             else [(x,) for x in companies if x])
    for (company,) in names:
        key = company_key(company)
        if key and key not in have:
            new.setdefault(key, company)
    c.executemany("INSERT INTO employers (name, name_key, origin) VALUES (?, ?, 'contacts')",
                  [(name, key) for key, name in sorted(new.items())])


class Employers(StoreCore):
    """The employers list, rated the LAMP way (a mixin of the Store)."""

    def add_employer(self, name: str, *, motivation: int | None = None, posting: int | None = None,
                     notes: str | None = None) -> int:
        """Add an employer you want to work for (a dream employer, one with postings); return its id.
        Adding one that is already listed returns its id and keeps its ratings."""
        clean = (name or "").strip()
        key = company_key(clean)
        if not key:
            raise InputFormatError("an employer needs a name")
        with self.transaction() as c:
            row = c.execute("SELECT id FROM employers WHERE name_key = ?", (key,)).fetchone()
            if row is None:
                row = (rowid(c.execute("INSERT INTO employers (name, name_key, origin, notes) "
                                        "VALUES (?, ?, 'added', ?)", (clean, key, notes))),)
            self.rate_employer(int(row[0]), motivation=motivation, posting=posting)
        return int(row[0])

    def employer_id(self, employer: int | str) -> int:
        """Return the id of an employer given by id or by name (matched like company names).

        Raises
        ------
        NotFoundError
            If no employer has that id or name.
        """
        if isinstance(employer, int) and not isinstance(employer, bool):
            row = self._conn.execute("SELECT id FROM employers WHERE id = ?", (employer,)).fetchone()
        else:
            row = self._conn.execute("SELECT id FROM employers WHERE name_key = ?",
                                     (company_key(str(employer)),)).fetchone()
        if row is None:
            raise NotFoundError(f"no employer {employer!r} in {self.path}: add it with add_employer")
        return int(row[0])

    def rate_employer(self, employer: int | str, *, motivation: int | None = None, posting: int | None = None,
                      advocacy: bool | None = None, pinned: bool | None = None,
                      excluded: bool | None = None) -> None:
        """Rate an employer the LAMP way; arguments left as None keep their value.

        Parameters
        ----------
        motivation
            Your gut feeling, 0 (none) to 3 (dream employer).
        posting
            1 no relevant posting, 2 some postings, 3 a posting for your target role.
        advocacy
            Override the automatic Advocacy (someone there shares your school or former employer,
            or is a warm contact); ``rate_employer(x, advocacy=None)`` keeps the current setting.
        pinned, excluded
            Keep it at the top of the list, or out of it.
        """
        eid = self.employer_id(employer)
        checks = {"motivation": (motivation, range(0, 4), "0 to 3"), "posting": (posting, range(1, 4), "1 to 3")}
        for name, (value, allowed, text) in checks.items():
            if value is not None and (isinstance(value, bool) or value not in allowed):
                raise InputFormatError(f"{name} = {value!r}: expected a whole number from {text}")
        sets = {k: v for k, v in (("motivation", motivation), ("posting", posting)) if v is not None}
        sets |= {k: int(bool(v)) for k, v in (("advocacy", advocacy), ("pinned", pinned), ("excluded", excluded))
                 if v is not None}
        if sets:
            with self.transaction() as c:
                c.execute(f"UPDATE employers SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                          (*sets.values(), eid))

    def clear_rating(self, employer: int | str) -> bool:
        """Take back an employer's Motivation and Posting ratings (it sorts as unrated again);
        True if there was a rating to clear.

        Raises
        ------
        NotFoundError
            If no employer has that id or name.
        """
        eid = self.employer_id(employer)
        row = self._conn.execute("SELECT motivation, posting FROM employers WHERE id = ?", (eid,)).fetchone()
        if row == (None, None):
            return False
        with self.transaction() as c:
            c.execute("UPDATE employers SET motivation = NULL, posting = NULL WHERE id = ?", (eid,))
        return True

    def employers(self) -> pd.DataFrame:
        """Return the employers list (from your contacts' companies, plus those you added).

        Columns: id, name, name_key, motivation (Int64, 0-3), posting (Int64, 1-3), advocacy
        (boolean override, NA = automatic), pinned, excluded (bool), origin (contacts or added),
        notes, contacts (how many of your contacts work there).
        """
        df = self._df("SELECT id, name, name_key, motivation, posting, advocacy, pinned, excluded, origin, notes "
                      "FROM employers ORDER BY name_key")
        counts: dict[str, int] = {}
        for company, n in self._conn.execute("SELECT company, count(*) FROM contacts WHERE company IS NOT NULL "
                                             "AND excluded = 0 GROUP BY company"):
            key = company_key(company)
            counts[key] = counts.get(key, 0) + n
        df["contacts"] = df["name_key"].map(counts).fillna(0).astype(int)
        df[["motivation", "posting"]] = df[["motivation", "posting"]].astype("Int64")
        df["advocacy"] = df["advocacy"].astype("boolean")
        df[["pinned", "excluded"]] = df[["pinned", "excluded"]].astype(bool)
        df[["name", "name_key", "origin", "notes"]] = df[["name", "name_key", "origin", "notes"]].astype("string")
        return df

