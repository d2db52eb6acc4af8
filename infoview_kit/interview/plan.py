"""The question plan of a meeting: which bank questions (and your own) fit its time, in what order,
personalized with the person's research; and the saved plan a person edits (reorder, add, drop)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.text import clean_text
from infoview_kit.interview.clock import buffer_minutes, check_meeting_minutes, question_minutes
from infoview_kit.interview.online import OnlineAnswer, flag_online
from infoview_kit.interview.questions import (
    QuestionBank,
    fill,
    load_bank,
    placeholder_values,
    printable,
    text_key,
)
from infoview_kit.research.known import Dossier, dossier

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = [
    "EXTRA_MINUTES",
    "PLAN_COLUMNS",
    "SAVED_PLAN_COLUMNS",
    "ensure_plan",
    "left_out_questions",
    "move_question",
    "plan_budget",
    "plan_for_meeting",
    "plan_questions",
    "replan",
]

log = logging.getLogger("infoview_kit")

PLAN_COLUMNS = ["position", "id", "theme", "text", "minutes", "must_ask", "online_reason", "included"]
EXTRA_MINUTES = 3
"""Minutes allowed for each question the user adds with ``extra=``."""
#: The columns of a saved plan (:meth:`Workbook.questions`).
SAVED_PLAN_COLUMNS = ["id", "meeting_id", "position", "theme", "text", "minutes", "must_ask", "answer"]
_PLAN_FIELDS = ["theme", "text", "minutes", "must_ask"]


# ------------------------------------------------------------------------ planning from the bank


def plan_questions(meeting_minutes: int, *, recruiter: bool = False, personal: Mapping[str, Any] | None = None,
                   research: Dossier | pd.DataFrame | None = None, extra: Iterable[str] = (),
                   dropped: Iterable[str] = (),
                   order: Sequence[str] | None = None, buffer_min: int | None = None,
                   include_online: bool = False) -> pd.DataFrame:
    """Choose, personalize and order the questions that fit in the meeting.

    The questions asked fit in ``meeting_minutes`` minus the buffer (see
    :func:`buffer_minutes`). They are chosen in this order until the time is used:
    must-ask questions, then your own ``extra`` questions, then the others by
    priority. Questions their research already answers (see :func:`flag_online`; "how they
    got started" also counts when research holds a position they held, as opposed to a
    degree) are left out unless ``include_online``. Chosen questions are asked must-ask first,
    then by theme (how they got started, TIARA order, your own questions), closing
    last, unless ``order`` says otherwise. The same inputs always give the same plan.

    Parameters
    ----------
    meeting_minutes
        Agreed length of the meeting, at least 10 minutes.
    recruiter
        Use the recruiter bank (job market, what employers look for, ...).
    personal
        Values for the placeholders: ``role`` (their role, e.g. "product manager"; the
        bank also uses it with "a"/"an" as ``{a_role}``), ``company``, ``move`` (reads
        after "I am hoping to", e.g. "move from teaching into UX research") and
        ``article`` (the title of an article by or about them). Other keys are
        ignored. A question whose placeholder has no value uses its generic wording.
    research
        Their research (:meth:`Workbook.research` or a
        :class:`~infoview_kit.research.known.Dossier`). Your own questions that name their
        current ``company`` or ``role`` are flagged only when they ask about the past.
    extra
        Your own questions, :data:`EXTRA_MINUTES` minutes each, with ids ``x_`` + a
        hash of the text (stable across runs). Known placeholders in them are filled.
    dropped
        Ids of questions to leave out entirely. Unknown ids are logged and ignored.
    order
        Ids in the order you want to ask them; listed questions come first in that
        order, the rest follow in the default order. Unknown ids are logged and ignored.
    buffer_min
        Minutes kept free of questions, instead of the default rule.
    include_online
        Keep questions answerable online in the running.

    Returns
    -------
    pandas.DataFrame
        Columns ``position`` (1-based asking order of included questions, NA for the
        others), ``id``, ``theme``, ``text`` (personalized), ``minutes``, ``must_ask``,
        ``online_reason`` (the research item that answers it, else None) and ``included``.
        Included questions come first in asking order, then the rest; dropped ids are
        absent. A question not included and without an online reason did not fit.

    Raises
    ------
    InputFormatError
        If the meeting is shorter than 10 minutes, or ``buffer_min`` is negative or
        leaves no time for questions.
    """
    minutes = check_meeting_minutes(meeting_minutes)
    bank = load_bank()
    values = placeholder_values(personal or {})
    facts = dossier(research)
    rows = [*_bank_rows(bank, recruiter, values, facts), *_extra_rows(bank, extra, values, facts)]
    known = {r["id"] for r in rows}
    drop = set(dropped)
    if drop - known:
        log.warning("plan_questions: ignoring unknown ids in dropped: %s", ", ".join(sorted(drop - known)))
    rows = [r for r in rows if r["id"] not in drop]
    chosen = _choose(rows, minutes - _buffer(minutes, buffer_min), include_online)
    return _plan_frame(_asking_order(rows, bank, order, known), chosen)


def _plan_frame(ordered: list[dict[str, Any]], chosen: set[str]) -> pd.DataFrame:
    """The chosen questions first, numbered in asking order, then the rest (position NA)."""
    included = [r for r in ordered if r["id"] in chosen]
    excluded = [r for r in ordered if r["id"] not in chosen]
    for position, r in enumerate(included, start=1):
        r["position"] = position
    for r in excluded:
        r["position"] = pd.NA
    frame = pd.DataFrame(
        [{**r, "included": r["id"] in chosen} for r in included + excluded], columns=PLAN_COLUMNS
    )
    frame = _typed_plan(frame)
    frame["online_reason"] = pd.Series([r["online_reason"] for r in included + excluded], dtype=object)
    return frame


def _typed_plan(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"position": "Int64", "minutes": "int64", "must_ask": "bool", "included": "bool"})


def _buffer(minutes: int, buffer_min: int | None) -> int:
    if buffer_min is None:
        return sum(buffer_minutes(minutes))
    if isinstance(buffer_min, bool) or not isinstance(buffer_min, int) or not 0 <= buffer_min < minutes:
        raise InputFormatError(
            f"buffer_min={buffer_min!r}: give whole minutes from 0 to {minutes - 1} "
            f"for a {minutes}-minute meeting, or None for the default."
        )
    return buffer_min


def _bank_rows(bank: QuestionBank, recruiter: bool, values: Mapping[str, str],
               facts: Dossier) -> list[dict[str, Any]]:
    positions = facts.positions
    career = facts.first_position or (positions[0] if positions else None)
    rows = []
    for index, q in enumerate(bank.select(recruiter)):
        # Bank questions are checked in their template form, so your own role or company
        # filled in later never marks them as answerable online.
        reason = flag_online([q.text], facts)[0]
        if reason is None and q.skip_if_researched and career is not None:
            reason = str(OnlineAnswer("how they got started", career))
        rows.append(_row(q.id, q.theme, q.personalized(values), q.minutes, q.must_ask, q.priority,
                         reason, bank.rank(q.theme), index, extra=False))
    return rows


def _extra_rows(bank: QuestionBank, extra: Iterable[str], values: Mapping[str, str],
                facts: Dossier) -> list[dict[str, Any]]:
    rows = []
    seen: set[str] = set()
    for index, raw in enumerate(extra):
        text = " ".join(printable(raw).split())
        if not text:
            continue
        qid = "x_" + hashlib.sha256(text.lower().encode("utf-8")).hexdigest()[:8]
        if qid in seen:
            continue
        seen.add(qid)
        filled = fill(text, values, partial=True) or text
        reason = flag_online([filled], facts, ignore=[values.get("company", ""), values.get("role", "")])[0]
        rows.append(_row(qid, "extra", filled, EXTRA_MINUTES, False, 0, reason, bank.rank("extra"), index,
                         extra=True))
    return rows


def _choose(rows: list[dict[str, Any]], remaining: int, include_online: bool) -> set[str]:
    """Must-ask first, then your own, then by priority: every question that still fits."""
    chosen: set[str] = set()
    candidates = [r for r in rows if include_online or r["online_reason"] is None]
    for r in sorted(candidates, key=lambda r: (not r["must_ask"], not r["_extra"], r["_priority"],
                                               r["_rank"], r["_index"])):
        if r["minutes"] <= remaining:
            chosen.add(r["id"])
            remaining -= r["minutes"]
    return chosen


def _asking_order(rows: list[dict[str, Any]], bank: QuestionBank, order: Sequence[str] | None,
                  known: set[str]) -> list[dict[str, Any]]:
    """Must-ask first, then by theme, closing last; ids in `order` first, in that order."""
    closing = bank.rank("closing")
    ordered = sorted(rows, key=lambda r: (r["_rank"] == closing, r["_rank"] != closing and not r["must_ask"],
                                          r["_rank"], r["_extra"], r["_index"]))
    if order is None:
        return ordered
    present = {r["id"] for r in rows}
    wanted = [i for i in dict.fromkeys(order) if i in present]
    unknown = [i for i in order if i not in known]
    if unknown:
        log.warning("plan_questions: ignoring unknown ids in order: %s", ", ".join(unknown))
    by_id = {r["id"]: r for r in ordered}
    return [by_id[i] for i in wanted] + [r for r in ordered if r["id"] not in set(wanted)]


def _row(qid: str, theme: str, text: str, minutes: int, must_ask: bool, priority: int, reason: str | None,
         rank: int, index: int, *, extra: bool) -> dict[str, Any]:
    return {"id": qid, "theme": theme, "text": text, "minutes": minutes, "must_ask": must_ask,
            "online_reason": reason, "_priority": priority, "_rank": rank, "_index": index, "_extra": extra}


# ------------------------------------------------------------------------ the saved plan


def plan_for_meeting(wb: Store, meeting_id: int | None, **options: object) -> pd.DataFrame:
    """Plan a meeting's questions: the question bank personalized with the contact's research,
    with questions whose answers are online left out; see :func:`plan_questions`.

    For a recruiter, ``{role}`` is the role you are after (your first target role), not theirs.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`plan_questions`: position, id, theme, text, minutes,
        must_ask, online_reason, included; no rows when `meeting_id` is None (none chosen yet).
    """
    if meeting_id is None:
        return _typed_plan(pd.DataFrame(columns=PLAN_COLUMNS))
    meeting = wb.meeting(meeting_id)
    contact = wb.contact(meeting["contact_id"])
    research = wb.research(meeting["contact_id"])
    articles = research[research["kind"] == "article"]["title"].dropna()
    profile = wb.profile()
    recruiter = bool(contact.get("is_recruiter"))
    targets = profile.get("target_roles") or []
    role = (" ".join(w if w.isupper() else w.lower() for w in str(targets[0]).split()) if targets else None) \
        if recruiter else contact.get("position")
    personal = {"role": role, "company": contact.get("company"), "move": profile.get("change_wanted"),
                "article": str(articles.iloc[-1]) if len(articles) else None}
    return plan_questions(int(meeting["duration_min"]), recruiter=recruiter,
                          personal={k: v for k, v in personal.items() if v},
                          research=research, **options)  # type: ignore[arg-type]


def plan_budget(wb: Store, meeting_id: int) -> tuple[float, int]:
    """Return (minutes planned, minutes available) for a meeting's questions: the meeting's length
    less the opening and the close (:func:`buffer_minutes`); 0 available under 10 minutes."""
    used = float(wb.questions(meeting_id)["minutes"].sum())
    return used, question_minutes(int(wb.meeting(meeting_id)["duration_min"]))


def ensure_plan(wb: Store, meeting_id: int | None, *, reset: bool = False) -> pd.DataFrame:
    """Return a meeting's saved question plan, saving the suggested plan first when there is none
    (or with ``reset=True``); a plan longer than the time available (after a shorter reschedule)
    is trimmed from its least important questions.

    Returns
    -------
    pandas.DataFrame
        :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes, must_ask, answer;
        no rows when `meeting_id` is None (none chosen yet).
    """
    if meeting_id is None:
        return pd.DataFrame(columns=SAVED_PLAN_COLUMNS)
    saved = wb.questions(meeting_id)
    if reset or saved.empty:
        try:
            plan = plan_for_meeting(wb, meeting_id)
        except InputFormatError as exc:  # a meeting under 10 minutes has no room for a plan
            log.warning("meeting %s: no question plan (%s)", meeting_id, exc)
            return saved
        wb.save_questions(meeting_id, plan)
        return wb.questions(meeting_id)
    rows = _rows(saved)
    fitted, cut = _fit(rows, question_minutes(int(wb.meeting(meeting_id)["duration_min"])))
    if cut:
        log.info("meeting %s: left out to fit the time: %s", meeting_id, "; ".join(cut))
        wb.save_questions(meeting_id, pd.DataFrame(fitted, columns=_PLAN_FIELDS))
        saved = wb.questions(meeting_id)
    return saved


def replan(wb: Store, meeting_id: int, *, order: Sequence[str] | None = None, extra: Iterable[str] = (),
           dropped: Iterable[str] = ()) -> pd.DataFrame:
    """Change a meeting's saved question plan and save it; return the new plan.

    Questions are named by their text. The plan never takes more than the time available
    (:func:`plan_budget`): a question you add pushes out the least important bank questions
    (the last ones that are not must-ask), never a must-ask one.

    Parameters
    ----------
    order
        Question texts in the order you want to ask them; those listed come first, the rest
        follow in their current order. Unknown texts are logged and ignored.
    extra
        Your own questions (or ones left out of the plan, see :func:`left_out_questions`), added
        before the closing questions: a bank question with its own minutes, yours with
        :data:`EXTRA_MINUTES`. A question already in the plan is not added twice.
    dropped
        Question texts to take out. Unknown texts are logged and ignored.

    Returns
    -------
    pandas.DataFrame
        :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes, must_ask, answer.

    Raises
    ------
    InputFormatError
        If a question to add can be answered online (the reason is given), or there is no room
        for it because the must-ask questions already fill the time.
    """
    rows = _rows(ensure_plan(wb, meeting_id))
    drop = {text_key(t) for t in dropped}
    unknown = drop - {text_key(r["text"]) for r in rows}
    if unknown:
        log.warning("replan: not in the plan, ignored: %s", "; ".join(sorted(unknown)))
    rows = [r for r in rows if text_key(r["text"]) not in drop]
    added: set[str] = set()
    suggestions: pd.DataFrame | None = None
    for raw in extra:
        text = " ".join(str(raw).split())
        if not text or text_key(text) in {text_key(r["text"]) for r in rows}:
            continue
        if suggestions is None:
            suggestions = _suggestions(wb, meeting_id)
        row = _new_question(wb, meeting_id, text, suggestions)
        closing = next((i for i, r in enumerate(rows) if r["theme"] == "closing"), len(rows))
        rows.insert(closing, row)
        added.add(text_key(row["text"]))
    if order is not None:
        by_key = {text_key(r["text"]): r for r in rows}
        wanted = [k for k in dict.fromkeys(text_key(t) for t in order) if k in by_key]
        missing = [t for t in order if text_key(t) not in by_key]
        if missing:
            log.warning("replan: not in the plan, ignored in order: %s", "; ".join(missing))
        rows = [by_key[k] for k in wanted] + [r for r in rows if text_key(r["text"]) not in set(wanted)]
    rows, cut = _fit(rows, question_minutes(int(wb.meeting(meeting_id)["duration_min"])), protect=added)
    if cut:
        log.info("meeting %s: left out to make room: %s", meeting_id, "; ".join(cut))
    wb.save_questions(meeting_id, pd.DataFrame(rows, columns=_PLAN_FIELDS))
    return wb.questions(meeting_id)


def move_question(wb: Store, meeting_id: int, text: str, step: int) -> pd.DataFrame:
    """Move one question `step` places earlier (negative) or later (positive) in the saved plan,
    stopping at either end, and save it.

    Returns
    -------
    pandas.DataFrame
        The new plan, :meth:`Workbook.questions`: id, meeting_id, position, theme, text, minutes,
        must_ask, answer.

    Raises
    ------
    NotFoundError
        If the question is not in the plan.
    """
    texts = [str(t) for t in ensure_plan(wb, meeting_id)["text"]]
    keys = [text_key(t) for t in texts]
    if text_key(text) not in keys:
        raise NotFoundError(f"{text!r} is not in the question plan of meeting {meeting_id}")
    i = keys.index(text_key(text))
    j = max(0, min(len(texts) - 1, i + int(step)))
    texts.insert(j, texts.pop(i))
    return replan(wb, meeting_id, order=texts)


def left_out_questions(wb: Store, meeting_id: int) -> list[str]:
    """Return the suggested questions that are not in the saved plan and cannot be answered
    online, in the bank's order: the ones to offer when the user wants to add a question."""
    try:
        suggestions = _suggestions(wb, meeting_id)
    except InputFormatError:
        return []
    saved = {text_key(t) for t in wb.questions(meeting_id)["text"]}
    ok = suggestions[suggestions["online_reason"].isna()]
    return [str(t) for t in ok["text"] if text_key(t) not in saved]


def _suggestions(wb: Store, meeting_id: int) -> pd.DataFrame:
    return plan_for_meeting(wb, meeting_id, include_online=False)


def _new_question(wb: Store, meeting_id: int, text: str, suggestions: pd.DataFrame) -> dict[str, Any]:
    match = suggestions[[text_key(t) == text_key(text) for t in suggestions["text"]]]
    if not match.empty:
        hit = match.iloc[0]
        reason = hit["online_reason"]
        row = {"theme": hit["theme"], "text": str(hit["text"]), "minutes": int(hit["minutes"]),
               "must_ask": bool(hit["must_ask"])}
    else:
        m = wb.meeting(meeting_id)
        contact = wb.contact(m["contact_id"])
        reason = flag_online([text], wb.research(m["contact_id"]),
                             ignore=[clean_text(contact.get(k)) or "" for k in ("company", "position")])[0]
        row = {"theme": "extra", "text": text, "minutes": EXTRA_MINUTES, "must_ask": False}
    if isinstance(reason, str) and reason:
        raise InputFormatError(f"{text!r} is left out: {reason}. Ask what only they can tell you.")
    return row


def _fit(rows: list[dict[str, Any]], available: int, *,
         protect: Iterable[str] = ()) -> tuple[list[dict[str, Any]], list[str]]:
    """Leave out questions until the plan fits `available` minutes; return (rows, texts cut).

    Cut first: bank questions that are not must-ask and not closing, the last first; then your
    own; then closing questions that are not must-ask. Must-ask and `protect` are never cut.
    """
    rows, keep = list(rows), set(protect)
    cut: list[str] = []

    def rank(r: dict[str, Any]) -> int:
        return 0 if r["theme"] not in ("closing", "extra") else 1 if r["theme"] == "extra" else 2

    while sum(float(r["minutes"]) for r in rows) > available + 1e-9:
        candidates = [(rank(r), -i) for i, r in enumerate(rows)
                      if not r["must_ask"] and text_key(r["text"]) not in keep]
        if not candidates:
            total = sum(float(r["minutes"]) for r in rows)
            raise InputFormatError(f"the plan needs {_whole(total)} minutes but only {available} are free for "
                                   "questions: take out a question first, or ask for a longer meeting")
        _, neg = min(candidates)
        cut.append(str(rows.pop(-neg)["text"]))
    return rows, cut


def _rows(plan: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"theme": (None if pd.isna(r["theme"]) else str(r["theme"])), "text": str(r["text"]),
             "minutes": float(r["minutes"]), "must_ask": bool(r["must_ask"])}
            for r in plan[_PLAN_FIELDS].to_dict("records")]


def _whole(value: Any) -> str:
    return f"{float(value):g}"
