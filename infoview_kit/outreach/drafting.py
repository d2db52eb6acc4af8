"""Drafts from the workbook: the fields a template needs (from profile, contact, research and log), drafts saved
and exported, and a reply recorded."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import clean_text, indefinite
from infoview_kit.outreach.mail import build_message, mailto_link, safe_filename, write_eml
from infoview_kit.outreach.routine import mark_replied
from infoview_kit.outreach.templates import FIELD_HELP, Draft, attained_phrase, fill
from infoview_kit.research.facts import common_ground

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = ["TEMPLATE_KIND", "blank_hints", "compose", "draft_fields", "export_eml", "mailto_for", "progress_items",
           "record_reply", "save_composed", "user_templates"]

#: Which message kind each built-in template writes.
TEMPLATE_KIND = {"seed": "outreach", "short": "outreach", "recruiter": "outreach", "intro": "outreach",
                 "nudge": "nudge", "thank_you": "thank_you", "update": "update",
                 "referral_ask": "referral_ask", "checkin": "checkin"}


def _clause(sentence: str | None) -> str | None:
    """'Learn SQL first.' -> 'learn SQL first' (to follow 'your advice to ...')."""
    if not sentence:
        return None
    s = sentence.strip().rstrip(".!")
    return s[:1].lower() + s[1:] if s[1:2].islower() or len(s) == 1 else s


def _own_steps(next_steps: str | None, my_first_name: str | None) -> str | None:
    """The user's part of 'Alex: do X. Mateo: do Y.' -> 'do X'."""
    if not next_steps:
        return None
    if my_first_name:
        m = re.search(rf"\b{re.escape(my_first_name)}\s*:\s*([^.]+)", next_steps)
        if m:
            return m.group(1).strip()
    return _clause(next_steps.split(".")[0])


def draft_fields(wb: Store, contact_id: int) -> dict[str, str | None]:
    """Return every template field that the workbook can fill for a contact (None when unknown).

    Fields: my_name, my_status, my_change, field, signature, their_name, their_full_name,
    their_employer, their_role, their_accomplishment, common_ground, referrer_name, advice,
    next_step, progress_items, referral_target.
    """
    profile = wb.profile()
    contact = wb.contact(contact_id)
    research = wb.research(contact_id)
    referrer = wb.contact(contact["referred_by"]) if contact.get("referred_by") else None
    ground = common_ground(profile, contact, research, referrer=referrer)
    ground = ground[ground["kind"] != "mutual_contact"]
    accomplishments = research[research["kind"] == "accomplishment"]["title"].dropna()
    meetings = wb.meetings()
    held = meetings[(meetings["contact_id"] == contact_id) & (meetings["status"] == "held")]
    last = held.iloc[-1].to_dict() if not held.empty else {}
    my_first = (profile.get("name") or "").split(" ")[0] or None
    field = profile.get("target_industry")
    return {
        "my_name": profile.get("name"),
        "my_status": profile.get("school_status") or (
            f"working at {profile['current_employer']}" if profile.get("current_employer") else None),
        "my_change": profile.get("change_wanted"),
        "field": field,
        "signature": profile.get("signature") or profile.get("name"),
        "their_name": clean_text(contact.get("first_name")) or clean_text(contact.get("last_name")),
        "their_full_name": " ".join(x for x in (clean_text(contact.get("first_name")),
                                                 clean_text(contact.get("last_name"))) if x) or None,
        "their_employer": clean_text(contact.get("company")),
        "their_role": clean_text(contact.get("position")),
        "their_accomplishment": _attained(accomplishments),
        "common_ground": _clause(ground.iloc[0]["clause"]) if not ground.empty else None,
        "referrer_name": " ".join(x for x in (clean_text(referrer.get("first_name")),
                                               clean_text(referrer.get("last_name"))) if x) if referrer else None,
        "advice": _clause(clean_text(last.get("advice"))),
        "next_step": _own_steps(clean_text(last.get("next_steps")), my_first),
        "progress_items": progress_items(wb, contact_id),
        "referral_target": f"someone else who works in {field}" if field else None,
    }


def _attained(accomplishments: pd.Series) -> str | None:
    """The newest accomplishment that reads as what they "have attained" (:func:`templates.attained_phrase`)."""
    phrases = (attained_phrase(clean_text(a)) for a in reversed(accomplishments.tolist()))
    return next((p for p in phrases if p), None)


def blank_hints(wb: Store, contact_id: int | None) -> dict[str, str]:
    """Return, for the fields the workbook could not fill for a contact, a hint taken from their research
    where it has one (else :data:`templates.FIELD_HELP`'s): an accomplishment research found but that
    cannot be put after "you have attained" as it is written is quoted, with how to phrase it."""
    hints = dict(FIELD_HELP)
    if contact_id is None:
        return hints
    research = wb.research(contact_id)
    found = [clean_text(t) for t in research.loc[research["kind"] == "accomplishment", "title"].dropna()]
    if found and _attained(pd.Series(found, dtype=object)) is None:
        hints["their_accomplishment"] = (f'what they have attained, as a noun phrase after "you have attained": your '
                                         f'research has "{found[-1]}"; write it as, say, "the …" or "a …"')
    return hints


def progress_items(wb: Store, contact_id: int) -> str | None:
    """Return a bulleted list of the steps the user took since they last wrote to this contact
    (people met, by role and employer only: never another contact's name)."""
    mine = wb.events(contact_id=contact_id, kinds=["meeting_held", "update_sent", "thank_you_sent"])
    if mine.empty:
        return None
    since = mine["at"].max()
    held = wb.events(kinds=["meeting_held"])
    held = held[(held["at"] > since) & (held["contact_id"] != contact_id)]
    if held.empty:
        return None
    lines = []
    for cid in held["contact_id"].dropna():
        c = wb.contact(int(cid))
        role = (clean_text(c["position"]) or "person in the field").lower()
        lines.append(f"- I spoke with {indefinite(role)} {role} at {clean_text(c['company']) or 'a new employer'}.")
    return "\n".join(lines)


def compose(wb: Store, contact_id: int, template: str = "seed") -> Draft:
    """Fill a template for a contact from the workbook; blanks it cannot fill stay visible.

    Returns
    -------
    templates.Draft
        subject, body, and `missing`: the names of blanks left to fill.
    """
    return fill(template, draft_fields(wb, contact_id), user_dir=user_templates(wb))


def save_composed(wb: Store, contact_id: int, template: str = "seed", *,
                  at: dt.datetime | str | None = None) -> int:
    """Compose a draft and save it in the workbook; return the message id."""
    draft = compose(wb, contact_id, template)
    kind = TEMPLATE_KIND.get(template, "outreach")
    return wb.save_draft(contact_id, kind, draft.subject, draft.body, template=template, at=at)


def user_templates(wb: Store) -> str:
    """Return the folder for the user's own templates: ``templates/`` beside the workbook."""
    return str(wb.path.parent / "templates")


def export_eml(wb: Store, message_id: int, out_dir: str | os.PathLike[str]) -> Path:
    """Write a stored message as an ``.eml`` draft that any mail program opens; return its path.

    The file is named after the contact and the message kind (made safe whatever the name
    holds); a contact with no known email gets a draft with an empty To line to fill in.
    """
    msg = wb.message(message_id)
    contact = wb.contact(msg["contact_id"])
    profile = wb.profile()
    name = " ".join(x for x in (clean_text(contact.get("first_name")), clean_text(contact.get("last_name"))) if x)
    stamp = dt.datetime.fromisoformat(msg["sent_at"] or msg["drafted_at"])
    if profile.get("timezone"):
        stamp = stamp.astimezone(ZoneInfo(profile["timezone"]))  # the Date header in the user's own time
    eml = build_message(subject=msg["subject"], body=msg["body"], to_name=name, to_addr=contact.get("email"),
                        from_name=profile.get("name"), from_addr=profile.get("email") or None, date=stamp,
                        msgid_domain="drafts.infoview-kit.local")
    return write_eml(eml, out_dir, safe_filename(f"{message_id:04d}-{msg['kind']}-{name}"))


def mailto_for(wb: Store, message_id: int | None) -> str:
    """Return a ``mailto:`` link that opens the stored message in the user's mail program ("" for None)."""
    if message_id is None:
        return ""
    msg = wb.message(message_id)
    return mailto_link(wb.contact(msg["contact_id"]).get("email") or "", msg["subject"], msg["body"])


def record_reply(wb: Store, contact_id: int, on: dt.date | dt.datetime | str | None = None, *,
                 at: dt.datetime | str | None = None) -> int:
    """Record that a person replied: the "They replied" button of the composer, the board and the
    person's page. Return the id of the message they answered.

    The answer is to the newest message you sent them that is not answered yet (the first email,
    the nudge, a thank-you or an update). Recording it settles the no-reply routine: the second
    contact and the nudge are no longer due.

    Parameters
    ----------
    on
        The day (or moment) they replied, in the profile's time zone; a day means noon of it.
        Default: `at`, else now.
    at
        The clock of the run (a notebook's ``now``); default the real time.

    Raises
    ------
    InputFormatError
        If nothing was sent to them yet, if `on` is not a date, or if it is before the message
        was sent or after `at`.
    """
    person = wb.contact(contact_id)
    name = " ".join(str(person[k]) for k in ("first_name", "last_name") if person.get(k)) or f"contact {contact_id}"
    tz = ZoneInfo(wb.profile().get("timezone") or "UTC")
    now = pd.Timestamp(at if at is not None else dt.datetime.now(dt.UTC))
    now = now.tz_localize(tz) if now.tzinfo is None else now.tz_convert(tz)  # "today" is the profile's
    if on is None or (isinstance(on, str) and not on.strip()):
        when = now
    else:
        try:
            stamp = pd.Timestamp(on.strip() if isinstance(on, str) else on)
        except ValueError:
            raise InputFormatError(f"reply date {on!r}: expected a date such as 2026-11-25") from None
        if isinstance(on, dt.date) and not isinstance(on, dt.datetime) or (
                isinstance(on, str) and len(on.strip()) == 10):
            stamp = stamp.replace(hour=12)
        when = stamp.tz_localize(tz) if stamp.tzinfo is None else stamp
    sent = wb.messages(contact_id)
    sent = sent[sent["status"] == "sent"].sort_values(["sent_at", "id"])
    if sent.empty:
        answered = wb.messages(contact_id)["status"].eq("replied").any()
        raise InputFormatError(f"{name}: " + ("their reply is recorded already" if answered else
                                              "nothing was sent to them yet; mark your email sent first"))
    last = sent.iloc[-1]
    if when < last["sent_at"]:
        raise InputFormatError(f"reply date {when:%Y-%m-%d}: before your email to {name} was sent "
                               f"({last['sent_at'].tz_convert(tz):%Y-%m-%d})")
    if when.normalize() > now.normalize():
        raise InputFormatError(f"reply date {when:%Y-%m-%d}: in the future")
    mark_replied(wb, int(last["id"]), at=when.to_pydatetime())
    return int(last["id"])
