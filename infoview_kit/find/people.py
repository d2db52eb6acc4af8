"""Finding a person or an employer by typing: the text searched, and the people most relevant first."""

from __future__ import annotations

import numpy as np
import pandas as pd


def matching(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Return the rows of `frame` whose ``hay`` column (lower-case text) holds every word typed in `text`."""
    for token in text.lower().split():
        frame = frame[frame["hay"].str.contains(token, regex=False)]
    return frame


def searchable(people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, per row of :meth:`Workbook.directory`, what depends on the contacts alone: the name part of
    its label ("Dana Whitfield · Bluefin Analytics", "?" for no name), the lower-case text a search looks in
    (name, company, position, email) and its rank by name (case-insensitive)."""
    def text(col: str) -> np.ndarray:
        values = people[col].astype(object).to_numpy()
        return np.where(pd.isna(values), "", values).astype(object)

    names, companies = text("name"), text("company")
    base = np.where(names == "", "?", names) + np.where(companies == "", "", " · " + companies)
    hay = pd.Series(names + " " + companies + " " + text("position") + " " + text("email")).str.lower()
    name_rank = np.unique(np.char.lower(names.astype(str)), return_inverse=True)[1].reshape(-1)
    return base, hay.to_numpy(dtype=object), name_rank


def most_relevant_first(people: pd.DataFrame, name_rank: np.ndarray) -> np.ndarray:
    """Return the order of the rows of :meth:`Workbook.directory` most relevant first: something due,
    pinned, on the outreach list, latest activity, then by name (`name_rank`, from :func:`searchable`)."""
    stages = people["stage"].to_numpy(dtype=np.int64)
    active = people["last_event"].astype(object).to_numpy()
    active = np.where(pd.isna(active), "", active).astype(str)
    active_rank = np.unique(active, return_inverse=True)[1].reshape(-1)
    due = people["open_followups"].to_numpy() > 0
    pinned = people["pinned"].to_numpy(dtype=bool)
    order: np.ndarray = np.lexsort((name_rank, -active_rank, ~(stages >= 0), ~pinned, ~due))
    return order
