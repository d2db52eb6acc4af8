"""Research on a person: common ground with the user, facts already online, readiness for outreach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from infoview_kit.base.keys import company_key
from infoview_kit.research.known import dossier
from infoview_kit.store import STAGE_OF_EVENT, STAGES

if TYPE_CHECKING:
    from infoview_kit.store import Store

COMMON_GROUND_COLUMNS = ["kind", "score", "evidence", "clause", "sentence", "source_url"]
# How much each kind of similarity builds rapport (higher first).
_WEIGHT = {"mutual_contact": 5, "school": 4, "employer": 4, "career_move": 3, "group": 3,
           "interest": 2, "city": 1}


def _fold(text: Any) -> str:
    """Text folded for comparing organizations (as :func:`company_key` does); "" for a missing value."""
    return company_key(str(text)) if text is not None and not pd.isna(text) else ""


def common_ground(profile: Mapping[str, Any], contact: Mapping[str, Any], research: pd.DataFrame,
                  *, referrer: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Return the similarities between the user and a contact, strongest first, each with evidence.

    Parameters
    ----------
    profile
        The user's profile (:meth:`Workbook.profile`).
    contact
        The contact (:meth:`Workbook.contact`).
    research
        The contact's research items (:meth:`Workbook.research`).
    referrer
        The contact who referred this one, if any.

    Returns
    -------
    pandas.DataFrame
        Columns: kind (mutual_contact, school, employer, career_move, group, interest, city),
        score, evidence (the fact, quotable in an email), clause (to follow "I noticed that"),
        sentence (a ready opening line), source_url.
    """
    schools = {_fold(s): s for s in profile.get("schools") or []}
    employers = {_fold(e): e for e in profile.get("employers") or []}
    rows = []
    if referrer:
        name = f"{referrer.get('first_name') or ''} {referrer.get('last_name') or ''}".strip()
        rows.append(_ground("mutual_contact", f"referred by {name}", f"{name} suggested I get in touch with you"))
    rows += [row for item in (research.to_dict("records") if not research.empty else [])
             if (row := _ground_in(item, profile, schools, employers)) is not None]
    company = _fold(contact.get("company"))
    if company in schools and not any(r["kind"] == "school" for r in rows):
        rows.append(_ground("school", f"works at {contact.get('company')}",
                            f"I studied at {schools[company]}, where you work"))
    if company in employers and not any(r["kind"] == "employer" for r in rows):
        rows.append(_ground("employer", f"works at {contact.get('company')}",
                            f"I used to work at {employers[company]} too"))
    rows += _career_move(profile, research)
    city = profile.get("city")
    if city and any(city.lower() in str(v).lower() for v in (contact.get("where_found"), contact.get("company"))
                    if v):
        rows.append(_ground("city", city, f"we are both in {city}"))
    df = pd.DataFrame(rows, columns=COMMON_GROUND_COLUMNS)
    df = df.drop_duplicates(subset=["kind", "evidence"])
    return df.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)



def common_ground_with(wb: Store, contact_id: int | None) -> pd.DataFrame:
    """Return :func:`common_ground` between the user and a contact of the workbook, read from it:
    the profile, the contact, their research and whoever referred them.

    Nobody chosen (`contact_id` None) gives an empty frame with the same columns.
    """
    if contact_id is None:
        return pd.DataFrame(columns=COMMON_GROUND_COLUMNS)
    contact = wb.contact(contact_id)
    referrer = wb.contact(contact["referred_by"]) if contact.get("referred_by") else None
    return common_ground(wb.profile(), contact, wb.research(contact_id), referrer=referrer)

def _ground(kind: str, evidence: str, clause: str, source_url: Any = None) -> dict[str, Any]:
    """One row of :func:`common_ground`: its score from the kind, its sentence from the clause."""
    return {"kind": kind, "score": _WEIGHT[kind], "evidence": evidence, "clause": clause,
            "sentence": clause[:1].upper() + clause[1:] + ".",
            "source_url": source_url if source_url and not pd.isna(source_url) else None}


def _ground_in(item: Mapping[str, Any], profile: Mapping[str, Any], schools: Mapping[str, Any],
               employers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The common ground one research item shows (a shared school, employer, group or interest), or None."""
    org = _fold(item.get("organization"))
    if item["kind"] == "education" and org in schools:
        return _ground("school", f"{item['title']}, {item['organization']}",
                       f"we are both {schools[org]} alumni", item.get("source_url"))
    if item["kind"] == "experience" and org in employers:
        return _ground("employer", f"{item['title']} at {item['organization']}",
                       f"we have both worked at {employers[org]}", item.get("source_url"))
    if item["kind"] != "interest":
        return None
    wanted = {_fold(i) for i in (profile.get("interests") or []) + (profile.get("groups") or [])}
    if _fold(item["title"]) not in wanted:
        return None
    if item["title"] in (profile.get("groups") or []):
        return _ground("group", str(item["title"]), f"we are both members of the {item['title']}",
                       item.get("source_url"))
    return _ground("interest", str(item["title"]), f"we share an interest in {item['title']}", item.get("source_url"))


def _career_move(profile: Mapping[str, Any], research: pd.DataFrame) -> list[dict[str, Any]]:
    """The career move the user wants and the contact already made (their experience, latest first)."""
    experience = research[research["kind"] == "experience"] if not research.empty else research
    target = profile.get("target_industry")
    if experience.empty or not target:
        return []
    roles = [str(r).lower() for r in experience["title"].dropna()]
    words = [str(w).lower() for w in [*(profile.get("target_roles") or []), target] if str(w).strip()]
    now_in = any(any(w.split()[0] in role for w in words) for role in roles[:1])
    before = [r for r in roles[1:] if not any(w.split()[0] in r for w in words)]
    if not (now_in and before):
        return []
    return [_ground("career_move", f"moved from {before[0]} into {roles[0]}",
                    f"you made the move into {target} that I am hoping to make")]


def online_facts(research: pd.DataFrame) -> list[str]:
    """Return what research found online about their path (positions held, then education), one line
    each naming its research item: "Position — Data Analyst at Bluefin, 2019 to 2022 (research item 3)".
    The interview step does not ask about them (see :mod:`infoview_kit.interview.online`)."""
    known = dossier(research)
    return [str(item) for item in [*known.positions, *known.education]]


def record_fact(wb: Store, contact_id: int | None, kind: str, title: str, *, source_url: str = "",
                at: dt.datetime | str | None = None) -> int | None:
    """Record a fact found about a contact, as the research form's **Add** does; return its id.

    Nobody chosen (`contact_id` None) or no `title` records nothing and returns None, so a notebook's
    headless parameters may be left empty. See :meth:`Workbook.add_research` for the kinds.
    """
    if contact_id is None or not title:
        return None
    return wb.add_research(contact_id, kind, title, source_url=source_url or None, at=at)

READINESS_COLUMNS = ["id", "name", "company", "stage", "accomplishment", "common_ground", "reachable", "missing",
                     "ready"]


def readiness(wb: Store, contact_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Return, per contact, what is still missing before you write to them.

    Ready means: research found something they attained (for "Given that you have attained ___"),
    there is common ground to open with, and there is a way to reach them (an email address or a
    profile link to message them through).

    Parameters
    ----------
    contact_ids
        Whom to check; None means everyone on your outreach list (contacts with a funnel stage).

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, company, stage, accomplishment, common_ground, reachable (bool),
        missing (what to do, "" when ready), ready (bool).
    """
    if contact_ids is None:
        people = wb.contacts().set_index("id")
        ids = list(people.index[people["stage"].notna()])
        research = wb.research()
    else:  # a few people: read only them (fast on tens of thousands of contacts)
        ids = [int(i) for i in contact_ids]
        stages = wb.contacts(involved_only=False).set_index("id")["stage"] if len(ids) > 50 else None
        people = pd.DataFrame([wb.contact(i) for i in ids],
                              columns=["id", "first_name", "last_name", "company", "email", "profile_url"])
        people = people.set_index("id")
        people["stage"] = [stages.get(i) if stages is not None else _stage(wb, i) for i in ids]
        research = pd.concat([wb.research(i) for i in ids]) if ids else wb.research()
    rows = []
    for cid in ids:
        c = people.loc[cid]
        done = {"accomplishment": bool(((research["contact_id"] == cid)
                                        & (research["kind"] == "accomplishment")).any()),
                "common_ground": not common_ground_with(wb, int(cid)).empty,
                "reachable": bool(pd.notna(c["email"]) or pd.notna(c["profile_url"]))}
        todo = {"accomplishment": "find what they have attained", "common_ground": "find common ground",
                "reachable": "find an email address or profile link"}
        name = " ".join(str(x) for x in (c["first_name"], c["last_name"]) if pd.notna(x))
        rows.append({"id": int(cid), "name": name, "company": c["company"], "stage": c["stage"], **done,
                     "missing": "; ".join(todo[k] for k, ok in done.items() if not ok),
                     "ready": all(done.values())})
    return pd.DataFrame(rows, columns=READINESS_COLUMNS)



def standing(wb: Store, contact_id: int) -> dict[str, Any]:
    """Return where you stand with a contact: the furthest funnel stage they reached and your newest
    message sent to them.

    Returns
    -------
    dict
        stage (int: the index in STAGES, -1 when not chosen yet) and last_sent (the newest message not
        a draft, as a row of :meth:`Workbook.messages`, or None when nothing was sent).
    """
    msgs = wb.messages(contact_id)
    sent = msgs[msgs["status"] != "draft"].sort_values(["sent_at", "id"])
    people = wb.directory()  # kept up to date: cheap on any workbook
    reached = people.loc[people["id"] == contact_id, "stage"]
    return {"stage": int(reached.iloc[0]) if len(reached) else -1,
            "last_sent": None if sent.empty else sent.iloc[-1]}

def _stage(wb: Store, contact_id: int) -> Any:
    """The furthest funnel stage `contact_id` reached (as :meth:`Workbook.contacts` says it), or NA."""
    events = wb.events(contact_id=contact_id, kinds=list(STAGE_OF_EVENT))
    reached = [STAGES.index(STAGE_OF_EVENT[k]) for k in events["kind"]]
    return STAGES[max(reached)] if reached else pd.NA
