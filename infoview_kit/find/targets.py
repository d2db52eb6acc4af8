"""Whom to ask: a ranked list of the people worth an informational interview, each with a reason."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.keys import company_key
from infoview_kit.store import STAGES

log = logging.getLogger("infoview_kit")

if TYPE_CHECKING:
    from infoview_kit.store import Store

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
    words = {w.lower() for role in profile.get("target_roles") or [] for w in role.split() if len(w) > 3}
    if industry := profile.get("target_industry"):
        words |= {w.lower() for w in str(industry).split() if len(w) > 3}
    warm_orgs = {company_key(x) for x in (profile.get("employers") or []) + (profile.get("schools") or [])}
    # column by column, each distinct title and company judged once, the reasons written only for
    # the rows returned (a row loop took 0.4 s on 30,000 contacts): the same points and reasons
    people = contacts[~contacts["excluded"].to_numpy(dtype=bool)]
    position = people["position"].astype(object).where(people["position"].notna(), "").astype(str)
    company = people["company"].astype(object).where(people["company"].notna(), "").astype(str)
    role = position.map({p: not words.isdisjoint(p.lower().replace(",", " ").split())
                         for p in position.unique()}).to_numpy(dtype=bool)
    shared = company.map({c: bool(c) and company_key(c) in warm_orgs for c in company.unique()}).to_numpy(dtype=bool)
    referred = people["referred_by"].notna().to_numpy(dtype=bool)
    known = (people["how_known"].notna() & (people["how_known"] != "social media")).to_numpy(dtype=bool)
    warm = ~shared & (referred | known)
    recruiter = people["is_recruiter"].to_numpy(dtype=bool)
    staged = people["stage"].notna().to_numpy(dtype=bool)
    score = 3 * role + 2 * shared + 2 * warm + recruiter + staged + 100 * people["pinned"].to_numpy(dtype=bool)
    first = people["first_name"].astype(object).where(people["first_name"].notna(), "").astype(str)
    last = people["last_name"].astype(object).where(people["last_name"].notna(), "").astype(str)
    name = (first + " " + last).str.strip().to_numpy(dtype=object)
    rows = np.arange(len(people))
    if top and len(rows) > top:  # only those that can make the list: a score at least the top-th best
        floor = np.partition(score, len(score) - top)[len(score) - top]
        rows = rows[score >= floor]
    rows = rows[np.lexsort((name[rows].astype(str), -score[rows]))]
    rows = rows[:top] if top else rows
    comp, stage, how = company.to_numpy(dtype=object), people["stage"].to_numpy(dtype=object), \
        people["how_known"].to_numpy(dtype=object)
    why = []
    for i in rows:
        parts = []
        if role[i]:
            parts.append("works in your target role")
        if shared[i]:
            parts.append(f"shared history: {comp[i]}")
        elif warm[i]:
            parts.append("a warm introduction" if referred[i] else f"you know them ({how[i]})")
        if recruiter[i]:
            parts.append("recruiter: knows the job market")
        if staged[i]:
            parts.append(f"in progress: {stage[i]}")
        why.append("; ".join(parts) or "connection")
    df = pd.DataFrame({
        "id": people["id"].to_numpy()[rows], "name": name[rows],
        "company": company.where(company != "", pd.NA).to_numpy()[rows],
        "position": position.where(position != "", pd.NA).to_numpy()[rows], "score": score[rows], "why": why,
        "is_recruiter": recruiter[rows], "stage": people["stage"].to_numpy()[rows]}, columns=RANK_COLUMNS)
    return df.reset_index(drop=True)


def choose_targets(wb: Store, names: str | list[str], *, at: dt.datetime | str | None = None) -> list[int]:
    """Add people, by full name, to the outreach list (the headless path of the picker widget);
    return the ids newly added. `names` is a list or a comma-separated string."""
    if isinstance(names, str):
        names = [n for n in names.split(",")]
    ids = [wb.find_contact(n.strip()) for n in names if n.strip()]
    return [cid for cid in ids if wb.set_target(cid, at=at)]


def pick_contact(wb: Store, name: str = "", *, stage: str = "identified", required: bool = True) -> int | None:
    """Return the contact a notebook works on: `name` if given (who then becomes the workbook's
    current person, :meth:`Workbook.set_current`), else the current person, else the
    earliest-chosen person whose furthest funnel stage is `stage`, else the earliest-chosen
    person of all, who then becomes the current person.

    With ``required=False``, return None (and log why) when nobody has been chosen yet, so a
    report on a new workbook says "nothing yet" instead of failing.

    Raises
    ------
    NotFoundError
        If `name` matches nobody, or (when `required`) nobody is current and nobody has been
        chosen yet.
    """
    if name and name.strip():
        cid = wb.find_contact(name)
        wb.set_current(contact_id=cid)
        return cid
    current = wb.current()["contact_id"]
    if current is not None:
        return int(current)
    people = wb.contacts()
    chosen = people[people["stage"].notna()]
    if chosen.empty:
        message = "nobody is on your outreach list yet: choose people in notebook 01"
        if not required:
            log.warning("%s", message)
            return None
        raise NotFoundError(message)
    at_stage = chosen[chosen["stage"] == stage]
    found = int((at_stage if not at_stage.empty else chosen)["id"].iloc[0])
    wb.set_current(contact_id=found)  # so every form of the notebook, and the next notebook, shows them
    return found


LAMP_COLUMNS = ["rank", "id", "name", "motivation", "posting", "advocacy", "why_advocacy", "contacts", "pinned",
                "origin", "active"]
#: How many employers the method works on at a time, and how long a list it asks for.
ACTIVE_EMPLOYERS = 5
LIST_TARGET = 40


def lamp_list(wb: Store) -> pd.DataFrame:
    """Return the target employers, ranked the LAMP way career centres teach.

    List (from your contacts' companies plus those you added), Advocacy (yes when someone there
    shares your school or former employer, or is a warm contact: referred, known personally, or
    already replied; you can override it), Motivation (0-3, your gut) and Posting (1-3). Sorted:
    pinned first, then Motivation, Posting and Advocacy, highest first (unrated last); excluded
    employers are left out. The top ACTIVE_EMPLOYERS are the active ones.

    Returns
    -------
    pandas.DataFrame
        Columns: rank, id, name, motivation, posting, advocacy (bool), why_advocacy, contacts,
        pinned, origin, active (bool).
    """
    employers = wb.employers()
    employers = employers[~employers["excluded"]].copy()
    people = wb.contacts()
    people = people[~people["excluded"] & people["company"].notna()].copy()
    people["key"] = [company_key(c) for c in people["company"]]
    research = wb.research()
    profile = wb.profile()
    schools = {company_key(x) for x in profile.get("schools") or []}
    former = {company_key(x) for x in profile.get("employers") or []}
    shared: dict[int, str] = {}
    for item in research[research["kind"].isin(["education", "experience"])].to_dict("records"):
        org = company_key(item["organization"]) if pd.notna(item["organization"]) else ""
        if item["kind"] == "education" and org in schools:
            shared.setdefault(int(item["contact_id"]), f"studied at {item['organization']} like you")
        elif item["kind"] == "experience" and org in former:
            shared.setdefault(int(item["contact_id"]), f"worked at {item['organization']} like you")
    warm_stages = {"replied", "met", "thanked", "kept_in_touch"}
    reasons: dict[str, str] = {}
    for p in people.to_dict("records"):
        name = f"{p['first_name'] if pd.notna(p['first_name']) else ''} " \
               f"{p['last_name'] if pd.notna(p['last_name']) else ''}".strip()
        why = shared.get(int(p["id"]))
        if why is None and pd.notna(p["referred_by"]):
            why = "a referral"
        elif why is None and pd.notna(p["how_known"]):
            why = f"you know them ({p['how_known']})"
        elif why is None and pd.notna(p["stage"]) and p["stage"] in warm_stages:
            why = "has answered you"
        if why:
            reasons.setdefault(p["key"], f"{name}: {why}")
    for key in employers["name_key"]:
        if key in schools:
            reasons.setdefault(key, "your school")
        elif key in former:
            reasons.setdefault(key, "your former employer")
    auto = employers["name_key"].map(lambda k: k in reasons)
    employers["advocacy"] = employers["advocacy"].fillna(auto).astype(bool)
    employers["why_advocacy"] = [
        reasons.get(k, "") if adv == a else ("set by you" if adv else "set by you: no")
        for k, adv, a in zip(employers["name_key"], employers["advocacy"], auto, strict=True)]
    employers = employers.sort_values(
        ["pinned", "motivation", "posting", "advocacy", "contacts", "name_key"],
        ascending=[False, False, False, False, False, True], na_position="last", kind="stable")
    employers["rank"] = range(1, len(employers) + 1)
    employers["active"] = employers["rank"] <= ACTIVE_EMPLOYERS
    return employers[LAMP_COLUMNS].reset_index(drop=True)


def starter_contacts(wb: Store, employers: pd.DataFrame | None = None, *, per_employer: int = 2) -> pd.DataFrame:
    """Return up to `per_employer` people to contact first at each active employer, best first,
    ranked as :func:`rank_people` does (target role, shared history or warm tie, recruiter).

    Returns
    -------
    pandas.DataFrame
        Columns: employer, employer_rank, id, name, position, score, why, is_recruiter, stage.
    """
    lamp = lamp_list(wb) if employers is None else employers
    active = lamp[lamp["active"]]
    ranked = rank_people(wb.contacts(), wb.profile(), top=None)
    ranked["key"] = [company_key(c) if pd.notna(c) else "" for c in ranked["company"]]
    keys = {company_key(n): (n, r) for n, r in zip(active["name"], active["rank"], strict=True)}
    picked = ranked[ranked["key"].isin(keys)].groupby("key", sort=False).head(per_employer).copy()
    picked["employer"] = [keys[k][0] for k in picked["key"]]
    picked["employer_rank"] = [keys[k][1] for k in picked["key"]]
    picked = picked.sort_values(["employer_rank", "score"], ascending=[True, False], kind="stable")
    return picked[["employer", "employer_rank", "id", "name", "position", "score", "why", "is_recruiter",
                   "stage"]].reset_index(drop=True)


def apply_ratings(wb: Store, ratings: str) -> int:
    """Rate employers from text, the headless path of the rating widget; return how many.

    Format: ``"Bluefin Analytics: 3/2; Cobalt Health: 2/1"`` (employer: motivation/posting), one
    employer per ``;`` or line. An employer not yet listed is added.

    Raises
    ------
    InputFormatError
        Naming the part that is not ``name: motivation/posting``.
    """
    parsed = []
    for part in re.split(r"[;\n]", ratings or ""):
        if not part.strip():
            continue
        m = re.fullmatch(r"\s*(.+?)\s*:\s*([0-3])\s*/\s*([1-3])\s*", part)
        if m is None:
            raise InputFormatError(f"ratings: {part.strip()!r}: expected 'Employer: motivation/posting', "
                                   "motivation 0-3 and posting 1-3, e.g. 'Bluefin Analytics: 3/2'")
        parsed.append((m.group(1), int(m.group(2)), int(m.group(3))))
    with wb.transaction():  # all of them or none
        for name, motivation, posting in parsed:
            wb.add_employer(name, motivation=motivation, posting=posting)
    return len(parsed)


def rank_everyone(wb: Store, *, top: int | None = 15) -> pd.DataFrame:
    """Return :func:`rank_people` over everyone in the workbook, as the target picker lists them.

    Reads :meth:`Workbook.directory` (kept up to date, so cheap on any workbook); the columns are those of
    :func:`rank_people`.
    """
    people = wb.directory()
    stages = np.array([*STAGES, None], dtype=object)  # index -1 (no stage yet) reads as missing
    people["stage"] = pd.array(stages[people["stage"].to_numpy()], dtype="string")
    return rank_people(people, wb.profile(), top=top)


def employers_to_rate(wb: Store) -> pd.DataFrame:
    """Return the employers not excluded in the order to rate them: pinned, rated (best first), most
    contacts, then by name.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Workbook.employers`, plus rated (bool) and hay (the name lower-cased, for
        :func:`matching`); indexed by id.
    """
    df = wb.employers()
    df = df[~df["excluded"]]
    rated = df["motivation"].notna() | df["posting"].notna()
    df = df.assign(rated=rated, hay=df["name"].str.lower().astype(object))
    return df.sort_values(["pinned", "rated", "motivation", "posting", "contacts", "name_key"],
                          ascending=[False, False, False, False, False, True], na_position="last",
                          kind="stable").set_index("id", drop=False)
