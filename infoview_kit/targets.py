"""Whom to ask: a ranked list of the people worth an informational interview, each with a reason."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from .exceptions import NotFoundError

log = logging.getLogger("infoview_kit")

if TYPE_CHECKING:
    from .store import Workbook

RANK_COLUMNS = ["id", "name", "company", "position", "score", "why", "is_recruiter", "stage"]


def rank_people(contacts: pd.DataFrame, profile: Mapping[str, Any], *, top: int | None = 20) -> pd.DataFrame:
    """Rank contacts by how reachable and relevant they are for the user's target.

    Points: the position matches a target role or the target industry (3), a warm tie (a
    shared former employer or school as their company, a referral, or known personally: 2),
    a recruiter (1: they know the job market), already in touch (1). Excluded contacts
    are left out; pinned ones come first.

    Parameters
    ----------
    contacts
        :meth:`Workbook.contacts`.
    profile
        :meth:`Workbook.profile`.
    top
        How many rows to return (None: all).

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, company, position, score, why, is_recruiter, stage.
    """
    from .contacts import company_key

    words = {w.lower() for role in profile.get("target_roles") or [] for w in role.split() if len(w) > 3}
    if industry := profile.get("target_industry"):
        words |= {w.lower() for w in str(industry).split() if len(w) > 3}
    warm_orgs = {company_key(x) for x in (profile.get("employers") or []) + (profile.get("schools") or [])}
    rows = []
    for c in contacts[~contacts["excluded"]].to_dict("records"):
        score, why = 0, []
        position = "" if pd.isna(c["position"]) else str(c["position"])
        company = "" if pd.isna(c["company"]) else str(c["company"])
        if words & {w.lower() for w in position.replace(",", " ").split()}:
            score += 3
            why.append("works in your target role")
        if company and company_key(company) in warm_orgs:
            score += 2
            why.append(f"shared history: {company}")
        elif not pd.isna(c["referred_by"]) or (not pd.isna(c["how_known"]) and c["how_known"] != "social media"):
            score += 2
            why.append("a warm introduction" if not pd.isna(c["referred_by"]) else f"you know them ({c['how_known']})")
        if c["is_recruiter"]:
            score += 1
            why.append("recruiter: knows the job market")
        if not pd.isna(c["stage"]):
            score += 1
            why.append(f"in progress: {c['stage']}")
        name = f"{'' if pd.isna(c['first_name']) else c['first_name']} " \
               f"{'' if pd.isna(c['last_name']) else c['last_name']}".strip()
        rows.append({"id": c["id"], "name": name, "company": company or pd.NA, "position": position or pd.NA,
                     "score": score + (100 if c["pinned"] else 0), "why": "; ".join(why) or "connection",
                     "is_recruiter": c["is_recruiter"], "stage": c["stage"]})
    df = pd.DataFrame(rows, columns=RANK_COLUMNS)
    df = df.sort_values(["score", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return df.head(top) if top else df


def choose_targets(wb: Workbook, names: str | list[str], *, at: dt.datetime | str | None = None) -> list[int]:
    """Add people, by full name, to the outreach list (the headless path of the picker widget);
    return the ids newly added. `names` is a list or a comma-separated string."""
    if isinstance(names, str):
        names = [n for n in names.split(",")]
    ids = [wb.find_contact(n.strip()) for n in names if n.strip()]
    return [cid for cid in ids if wb.set_target(cid, at=at)]


def pick_contact(wb: Workbook, name: str = "", *, stage: str = "identified", required: bool = True) -> int | None:
    """Return the contact a notebook works on: `name` if given, else the earliest-chosen person whose
    furthest funnel stage is `stage`, else the earliest-chosen person of all.

    With ``required=False``, return None (and log why) when nobody has been chosen yet, so a
    report on a new workbook says "nothing yet" instead of failing.

    Raises
    ------
    NotFoundError
        If `name` matches nobody, or (when `required`) nobody has been chosen yet.
    """
    if name and name.strip():
        return wb.find_contact(name)
    people = wb.contacts()
    chosen = people[people["stage"].notna()]
    if chosen.empty:
        message = "nobody is on your outreach list yet: choose people in notebook 01 (or pass contact='First Last')"
        if not required:
            log.warning("%s", message)
            return None
        raise NotFoundError(message)
    at_stage = chosen[chosen["stage"] == stage]
    return int((at_stage if not at_stage.empty else chosen)["id"].iloc[0])
