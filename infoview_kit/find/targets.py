"""Whom to ask: a ranked list of the people worth an informational interview, each with a reason."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.keys import company_key
from infoview_kit.store import STAGES

log = logging.getLogger("infoview_kit")

if TYPE_CHECKING:
    from infoview_kit.store import Store

RANK_COLUMNS = ["id", "name", "company", "position", "score", "why", "is_recruiter", "stage"]
#: How similar (0-100) a title must be to a target role to count as that role: the mean of rapidfuzz's
#: token-set ratio (the role's words inside the title: "Senior Clinical Research Coordinator") and token-sort
#: ratio (the whole phrase: "Coordinator" alone is not "clinical research coordinator").
ROLE_MATCH = 85
#: What the stage column says for someone not on your outreach list yet.
NOT_STARTED = "not started"


def role_similarity(titles: list[str], roles: list[str]) -> np.ndarray:
    """Return how similar each title is to each target role, 0-100 (titles x roles); see :data:`ROLE_MATCH`."""
    if not titles or not roles:
        return np.zeros((len(titles), len(roles)))
    kwargs: dict[str, Any] = {"processor": utils.default_process, "dtype": np.float32}
    both = process.cdist(titles, roles, scorer=fuzz.token_set_ratio, **kwargs)
    both += process.cdist(titles, roles, scorer=fuzz.token_sort_ratio, **kwargs)
    return np.asarray(both / 2)


def _role_reasons(position: pd.Series, profile: Mapping[str, Any]) -> dict[str, str]:
    """For each distinct title that matches a target role (else the target industry), why it matches."""
    roles = [str(r).strip() for r in profile.get("target_roles") or [] if str(r).strip()]
    what = "your target role"
    if not roles and str(profile.get("target_industry") or "").strip():
        roles, what = [str(profile["target_industry"]).strip()], "your target field"
    titles = [t for t in position.unique() if t.strip()]
    scores = role_similarity(titles, roles)
    reasons = {}
    for title, row in zip(titles, scores, strict=True):
        best = int(row.argmax()) if len(row) else 0
        if len(row) and row[best] >= ROLE_MATCH:
            named = f" {roles[best]!r}" if len(roles) > 1 else ""
            reasons[title] = f"title {title!r} matches {what}{named} ({row[best]:.0f}%)"
    return reasons


def rank_people(contacts: pd.DataFrame, profile: Mapping[str, Any], *, top: int | None = 20) -> pd.DataFrame:
    """Rank contacts by how reachable and relevant they are for the user's target.

    Points: the title matches a target role (3: :func:`role_similarity` at least :data:`ROLE_MATCH`;
    without target roles, the target industry; never for a recruiter, who is ranked as one), a warm
    tie (a shared former employer or school as their company, a referral, or known personally: 2),
    a recruiter (1: they know the job market), already in touch (1). Excluded contacts
    are left out; pinned ones come first. Each reason says what it found, e.g. "title 'Clinical
    Research Coordinator II' matches your target role (97%)".

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
        Columns: id, name, company, position, score, why, is_recruiter, stage ("not started" for someone
        not on your outreach list). ``.attrs["total"]`` is how many people were ranked and
        ``.attrs["left_out"]`` how many of them `top` left out (see :func:`left_out_line`).
    """
    warm_orgs = {company_key(x) for x in (profile.get("employers") or []) + (profile.get("schools") or [])}
    # column by column, each distinct title and company judged once, the reasons written only for
    # the rows returned (a row loop took 0.4 s on 30,000 contacts): the same points and reasons
    people = contacts[~contacts["excluded"].to_numpy(dtype=bool)]
    position = people["position"].astype(object).where(people["position"].notna(), "").astype(str)
    company = people["company"].astype(object).where(people["company"].notna(), "").astype(str)
    recruiter = people["is_recruiter"].to_numpy(dtype=bool)
    matches = _role_reasons(position, profile)
    role = position.isin(list(matches)).to_numpy(dtype=bool) & ~recruiter
    shared = company.map({c: bool(c) and company_key(c) in warm_orgs for c in company.unique()}).to_numpy(dtype=bool)
    referred = people["referred_by"].notna().to_numpy(dtype=bool)
    known = (people["how_known"].notna() & (people["how_known"] != "social media")).to_numpy(dtype=bool)
    warm = ~shared & (referred | known)
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
    stage = people["stage"].astype(object).where(staged, NOT_STARTED).to_numpy(dtype=object)
    comp, how, title = company.to_numpy(dtype=object), people["how_known"].to_numpy(dtype=object), \
        position.to_numpy(dtype=object)
    why = []
    for i in rows:
        parts = []
        if role[i]:
            parts.append(matches[title[i]])
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
        "is_recruiter": recruiter[rows], "stage": stage[rows]}, columns=RANK_COLUMNS)
    df = df.reset_index(drop=True)
    df.attrs.update(total=len(people), left_out=len(people) - len(df))
    return df


def left_out_line(ranked: pd.DataFrame) -> str:
    """Say how many people a ranked list shows and how many it left out: "Showing the top 15 of 212
    people; 197 more are left out (ask for a longer list with top=...)."."""
    shown = len(ranked)
    total = int(ranked.attrs.get("total", shown))
    left = int(ranked.attrs.get("left_out", total - shown))
    of = ranked.attrs.get("of", "people")
    if left <= 0:
        return f"Showing all {shown} {of} ranked."
    return (f"Showing the top {shown} of {total} {of}; {left} more {'is' if left == 1 else 'are'} left out "
            f"(ask for a longer list with {ranked.attrs.get('longer', 'top=...')}).")


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
    current = company_key(profile.get("current_employer"))
    former = {company_key(x) for x in profile.get("employers") or []} - {current}
    shared: dict[int, str] = {}
    for item in research[research["kind"].isin(["education", "experience"])].to_dict("records"):
        org = company_key(item["organization"]) if pd.notna(item["organization"]) else ""
        if item["kind"] == "education" and org in schools:
            shared.setdefault(int(item["contact_id"]), f"studied at {item['organization']} like you")
        elif item["kind"] == "experience" and org in former | {current} - {""}:
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
        own = "your current employer" if current and key == current else "your school" if key in schools \
            else "your former employer" if key in former else None
        if own:
            reasons.setdefault(key, own)
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
        Columns: employer, employer_rank, id, name, position, score, why, is_recruiter, stage;
        ``.attrs["total"]`` people at the active employers, ``.attrs["left_out"]`` how many of them are not
        listed (:func:`left_out_line`).
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
    out = picked[["employer", "employer_rank", "id", "name", "position", "score", "why", "is_recruiter",
                  "stage"]].reset_index(drop=True)
    at_active = int(ranked["key"].isin(keys).sum())
    out.attrs.update(total=at_active, left_out=at_active - len(out), of="people at your active employers",
                     longer="per_employer=...")
    return out


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
