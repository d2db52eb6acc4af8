"""A person's messages, headless: the draft to work on, checking, saving, exporting, marking sent and deleting
the edited text, and the lines that say what the workbook now holds (the composer's buttons, and notebook 03)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError
from infoview_kit.base.text import blanks_in, utc
from infoview_kit.outreach.checks import CheckResult, check
from infoview_kit.outreach.drafting import TEMPLATE_KIND, compose, draft_fields, export_eml, record_reply
from infoview_kit.outreach.mail import mailto_link
from infoview_kit.outreach.routine import mark_sent
from infoview_kit.outreach.templates import DEFAULT_TEMPLATE, Draft

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = [
    "HISTORY_COLUMNS",
    "KIND_LABELS",
    "KIND_TEMPLATE",
    "NO_REPLY_KINDS",
    "check_draft",
    "check_edited",
    "check_fields",
    "current_draft",
    "delete_draft",
    "delete_question",
    "eml_bytes",
    "export_draft",
    "full_name",
    "local_day",
    "local_today",
    "mailto_edited",
    "mark_edited_sent",
    "mark_message_sent",
    "message_history",
    "message_kind",
    "message_to_open",
    "open_draft",
    "open_person",
    "person_name",
    "person_to_open",
    "record_reply_on",
    "reply_line",
    "save_current_draft",
    "save_edited",
    "saved_line",
    "sent_line",
    "stage_of",
    "write_edited_eml",
    "zone_of",
]

#: What each kind of message is called in titles and status lines.
KIND_LABELS = {"outreach": "first email", "nudge": "nudge", "thank_you": "thank-you", "update": "progress update",
               "referral_ask": "referral ask", "checkin": "check-in"}
#: The built-in template each kind of message starts from.
KIND_TEMPLATE = {"outreach": DEFAULT_TEMPLATE, "nudge": "nudge", "thank_you": "thank_you",
                 "update": "update", "referral_ask": "referral_ask", "checkin": "checkin"}
#: Follow-ups whose answer is a reply (the no-reply routine): the board offers "They replied" on them.
NO_REPLY_KINDS = ("second_contact", "nudge")
#: The columns :func:`message_history` shows.
HISTORY_COLUMNS = ["id", "kind", "template", "status", "subject", "drafted_at", "sent_at", "replied_at"]


def message_kind(template: str) -> str:
    """The message kind a template writes (a user's own template writes an outreach email)."""
    return TEMPLATE_KIND.get(template, "outreach")


def open_draft(wb: Store, contact_id: int, kind: str) -> dict[str, Any] | None:
    """The contact's open (unsent) draft of that kind, if any (there is at most one)."""
    msgs = wb.messages(contact_id)
    rows = msgs[(msgs["kind"] == kind) & (msgs["status"] == "draft")]
    return wb.message(int(rows["id"].iloc[-1])) if not rows.empty else None


def message_to_open(wb: Store, contact_id: int, *, kind: str | None = None,
                    current_kind: str = "outreach") -> int | None:
    """Return the stored message the composer opens on for a person, or None for a new one from a template.

    With `kind` (a composer for one kind, such as notebook 04's thank-you): their open draft of that kind,
    else their newest message of it. Otherwise: their open draft of `current_kind`, else any open draft,
    else their newest message (a sent one is shown as sent, with what is next).
    """
    msgs = wb.messages(contact_id)
    if kind is not None:
        mine = msgs[msgs["kind"] == kind]
        drafts = mine[mine["status"] == "draft"]
        pick = drafts if not drafts.empty else mine
        return None if pick.empty else int(pick["id"].iloc[-1])
    drafts = msgs[msgs["status"] == "draft"]
    same = drafts[drafts["kind"] == current_kind]
    if not drafts.empty:
        return int((same if not same.empty else drafts)["id"].iloc[-1])
    if not msgs.empty:
        return int(msgs.sort_values(["drafted_at", "id"])["id"].iloc[-1])
    return None


def current_draft(wb: Store, contact_id: int | None, template: str | None = None) -> Draft | None:
    """Return the draft to work on: the contact's saved draft, or a fresh one from the template.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom the email is for; None (nobody chosen yet) gives None.
    template
        Template name (see :func:`templates.list_templates`). None or empty: the template of the
        contact's open outreach draft if there is one, else ``"seed"``.

    Returns
    -------
    Draft or None
        The open draft of the template's kind when it was saved from this template (your edits
        are kept), otherwise :func:`drafting.compose`; ``missing`` names the blanks still in it.

    Raises
    ------
    NotFoundError
        No such contact or template.
    """
    if contact_id is None:
        return None
    if not template:
        saved = open_draft(wb, contact_id, "outreach")
        template = (saved or {}).get("template") or DEFAULT_TEMPLATE
    saved = open_draft(wb, contact_id, message_kind(template))
    if saved is not None and saved["template"] == template:
        subject, body = saved["subject"] or "", saved["body"] or ""
        return Draft(template, subject, body, tuple(blanks_in(subject + "\n" + body)))
    return compose(wb, contact_id, template)


def check_edited(wb: Store, contact_id: int, subject: str, body: str, *,
                 rules: str = "classic") -> CheckResult:
    """Check an edited email against a rule set, with what the workbook knows about the contact.

    The contact's name, their employer, your common ground, your field and your signature (from
    :func:`drafting.draft_fields`) make the checks precise: the greeting must name them, the
    common ground must come first, the close must be followed by your signature.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom the email is for.
    subject, body
        The text as edited.
    rules
        "classic", "strict" or "followup" (see :data:`checks.RULE_SETS`).

    Returns
    -------
    CheckResult
        Score 0-100, one finding per rule, ``.fixes``.

    Raises
    ------
    InputFormatError
        Unknown rule set.
    """
    return check_fields(draft_fields(wb, contact_id), subject, body, rules=rules)


def check_fields(fields: dict[str, str | None], subject: str, body: str, *, rules: str = "classic") -> CheckResult:
    """Check an email with the fields the workbook knows of the contact (:func:`drafting.draft_fields`): their
    name, employer, your common ground, field and signature."""
    return check((subject, body), rules=rules, contact_name=fields["their_name"], signature=fields["signature"],
                 common_ground=fields["common_ground"], employer=fields["their_employer"], field=fields["field"])


def save_edited(wb: Store, contact_id: int, template: str, subject: str, body: str, *,
                at: dt.datetime | str | None = None) -> int:
    """Save the edited text as the contact's draft; return the message id.

    There is one open draft per contact and kind (the kind follows the template, see
    :data:`drafting.TEMPLATE_KIND`): saving again updates it. Saving the very text of the
    message just marked sent changes nothing and returns that message.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom the email is for.
    template
        The template it started from.
    subject, body
        The text as edited.
    at
        When it was drafted; default now.

    Returns
    -------
    int
        The message id.
    """
    kind = message_kind(template)
    msgs = wb.messages(contact_id)
    mine = msgs[msgs["kind"] == kind]
    if not mine.empty and mine["status"].iloc[-1] != "draft" and \
            (mine["subject"].iloc[-1], mine["body"].iloc[-1]) == (subject, body):
        return int(mine["id"].iloc[-1])  # already sent as it stands: not a new draft
    return wb.save_draft(contact_id, kind, subject, body, template=template, at=at, edited=True)


def mark_edited_sent(wb: Store, contact_id: int, template: str, subject: str, body: str, *,
                     at: dt.datetime | str | None = None) -> int:
    """Save the edited text and mark it sent (you sent it from your own mail program).

    Sending a first email schedules the no-reply routine: a second person at the same employer
    after 3 business days, one short nudge after 7 (see :meth:`Workbook.mark_sent`).

    Parameters
    ----------
    wb, contact_id, template, subject, body, at
        As for :func:`save_edited`; ``at`` is also the time it was sent.

    Returns
    -------
    int
        The message id.

    Raises
    ------
    InputFormatError
        The text still has a blank such as ``[their_accomplishment]``: the draft is saved and
        stays a draft.
    """
    mid = save_edited(wb, contact_id, template, subject, body, at=at)
    mark_sent(wb, mid, at=at)
    return mid


def write_edited_eml(wb: Store, contact_id: int, template: str, subject: str, body: str,
                     out_dir: str | os.PathLike[str], *, at: dt.datetime | str | None = None) -> Path:
    """Save the edited text as a draft and write it as an ``.eml`` file into ``out_dir``.

    Parameters
    ----------
    wb, contact_id, template, subject, body, at
        As for :func:`save_edited`.
    out_dir
        Folder to write into; created if missing.

    Returns
    -------
    pathlib.Path
        The file written (see :func:`drafting.export_eml`).
    """
    return export_eml(wb, save_edited(wb, contact_id, template, subject, body, at=at), out_dir)


def eml_bytes(wb: Store, message_id: int) -> tuple[str, bytes]:
    """Return a stored message as an ``.eml`` file's name and bytes, for a download link.

    Parameters
    ----------
    wb
        The workbook.
    message_id
        The message.

    Returns
    -------
    tuple of (str, bytes)
        The safe file name and the RFC 5322 bytes (exactly what :func:`drafting.export_eml` writes).
    """
    with tempfile.TemporaryDirectory(prefix="infoview-eml-") as tmp:
        path = export_eml(wb, message_id, tmp)
        return path.name, path.read_bytes()


def mailto_edited(wb: Store, contact_id: int, subject: str, body: str) -> str:
    """Return a ``mailto:`` link that opens the edited text in your mail program.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom the email is for; their stored address fills the To line (empty when unknown).
    subject, body
        The text as edited.

    Returns
    -------
    str
        The link; it always starts with ``mailto:``.

    Raises
    ------
    InputFormatError
        The contact's stored address is not one valid address.
    """
    return mailto_link(wb.contact(contact_id).get("email") or "", subject, body)


def zone_of(wb: Store) -> ZoneInfo:
    """The user's time zone (the profile's; UTC when it has none)."""
    return ZoneInfo(wb.profile().get("timezone") or "UTC")


def local_day(stamp: Any, zone: ZoneInfo) -> str:
    """'Tue 03 Nov' for a stored UTC time (a naive one counts as UTC), in `zone`."""
    moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp))
    return f"{utc(moment).astimezone(zone):%a %d %b}"


def person_name(wb: Store, contact_id: int) -> str:
    """Return a contact's full name as stored ("?" when they have none)."""
    return full_name(wb.contact(contact_id))


def full_name(person: dict[str, Any]) -> str:
    """Return a contact's full name from their row ("?" when they have none)."""
    return " ".join(str(person[k]) for k in ("first_name", "last_name") if person.get(k)).strip() or "?"


def open_person(wb: Store, name: str = "") -> int | None:
    """Return the person a notebook opens on.

    Parameters
    ----------
    wb
        The workbook.
    name
        "First Last" from a notebook's parameters cell (for a headless run); empty: the
        workbook's current person (:meth:`Workbook.current`), else the first person researched
        and not emailed yet (:func:`targets.pick_contact`).

    Returns
    -------
    int or None
        The contact id; None when nobody is on the outreach list yet.

    Raises
    ------
    NotFoundError
        `name` matches nobody (or several people).
    """
    if name and name.strip():
        return wb.find_contact(name)
    current = wb.current()["contact_id"]
    if current is not None:
        return current
    from infoview_kit.find.targets import pick_contact

    return pick_contact(wb, stage="researched", required=False)


def person_to_open(wb: Store, contact_id: int | None = None, *, message_id: int | None = None) -> int | None:
    """Return the person a composer opens on: the message's person, else `contact_id` (checked), else
    :func:`open_person` (None when nobody is on the outreach list yet).

    Raises
    ------
    NotFoundError
        No such message or contact.
    """
    if message_id is not None:
        return int(wb.message(message_id)["contact_id"])
    if contact_id is None:
        return open_person(wb)
    wb.contact(contact_id)
    return int(contact_id)


def sent_line(wb: Store, message_id: int) -> str:
    """Say what the workbook holds about a sent message, e.g. "Marked sent on Tue 03 Nov: 'Subject' to
    Tanya Brookes (first email, message 12)."

    Raises
    ------
    InputFormatError
        The message is still a draft.
    """
    msg = wb.message(message_id)
    if msg["status"] == "draft" or not msg["sent_at"]:
        raise InputFormatError(f"message {message_id} is still a draft: it was not marked sent")
    zone = zone_of(wb)
    text = (f"Marked sent on {local_day(msg['sent_at'], zone)}: \u2018{msg['subject']}\u2019 to "
            f"{person_name(wb, msg['contact_id'])} ({KIND_LABELS.get(msg['kind'], msg['kind'])}, "
            f"message {message_id}).")
    if msg["status"] == "replied" and msg["replied_at"]:
        text += f" They replied on {local_day(msg['replied_at'], zone)}."
    return text


def mark_message_sent(wb: Store, message_id: int, *, at: dt.datetime | str | None = None) -> str:
    """Mark a stored draft of any kind sent (you sent it from your own mail program); return what the
    workbook now holds (:func:`sent_line`).

    A first email schedules the no-reply routine (a second person after 3 business days, one nudge
    after 7); a thank-you, nudge or update closes the follow-up that asked for it.

    Raises
    ------
    InputFormatError
        The text still has a blank such as ``[their_accomplishment]`` (named; the draft stays a
        draft), or a second nudge would be sent.
    """
    mark_sent(wb, message_id, at=at)
    return sent_line(wb, message_id)


def reply_line(wb: Store, message_id: int) -> str:
    """Say what the workbook holds about a reply: "Reply recorded: Tanya Brookes answered 'Subject'
    (sent Tue 03 Nov) on Wed 04 Nov."."""
    msg = wb.message(message_id)
    if msg["status"] != "replied":
        raise InputFormatError(f"message {message_id}: no reply is recorded")
    zone = zone_of(wb)
    return (f"Reply recorded: {person_name(wb, msg['contact_id'])} answered \u2018{msg['subject']}\u2019 "
            f"(sent {local_day(msg['sent_at'], zone)}) on {local_day(msg['replied_at'], zone)}.")


def delete_question(wb: Store, message_id: int) -> str:
    """Ask whether to delete a draft: the composer's first click on "Delete draft"."""
    return (f"Delete the draft \u2018{wb.message(message_id)['subject']}\u2019? Click \u2018Click again to "
            "delete\u2019 to confirm; any other button keeps it.")


def saved_line(wb: Store, message_id: int, *, changed: bool = True) -> str:
    """Say what the workbook holds about a saved draft, and the blanks still in it: "Saved the draft to Tanya
    Brookes: 'Subject' (first email, message 12)." ("Nothing changed: ..." when saving changed nothing)."""
    msg = wb.message(message_id)
    left = blanks_in(msg["subject"] + "\n" + msg["body"])
    more = f" Still to fill: {', '.join(left)}." if left else ""
    what = (f"the draft to {person_name(wb, msg['contact_id'])}: \u2018{msg['subject']}\u2019 "
            f"({KIND_LABELS.get(msg['kind'], msg['kind'])}, message {message_id}).")
    return (f"Saved {what}" if changed else f"Nothing changed: {what}") + more


def local_today(wb: Store, at: dt.datetime | None = None) -> dt.date:
    """The user's date at `at` (default now) in their time zone; a naive `at` is taken as local already."""
    moment = at or dt.datetime.now(dt.UTC)
    return moment.astimezone(zone_of(wb)).date() if moment.tzinfo else moment.date()


def record_reply_on(wb: Store, contact_id: int, day: dt.date | None, *, at: dt.datetime | None = None) -> int:
    """Record that a person replied on `day` (the composer's "They replied on"; today means now, not noon):
    :func:`drafting.record_reply`. Return the id of the message they answered.

    Raises
    ------
    InputFormatError
        No day chosen, or as :func:`drafting.record_reply`.
    """
    if day is None:
        raise InputFormatError("They replied on: choose the day they answered")
    local = at.astimezone(zone_of(wb)) if at is not None and at.tzinfo else at  # the day is a local one
    on: dt.date | dt.datetime | None = day if day != local_today(wb, at) else local
    return record_reply(wb, contact_id, on, at=local)


def delete_draft(wb: Store, message_id: int, *, at: dt.datetime | str | None = None) -> str:
    """Delete a draft that was never sent; return what the workbook now holds about it.

    Raises
    ------
    InputFormatError
        The message was sent (what was sent stays on record).
    """
    gone = wb.delete_draft(message_id, at=at)
    try:
        wb.message(message_id)
    except NotFoundError:
        return (f"Deleted the draft \u2018{gone['subject']}\u2019 to {person_name(wb, gone['contact_id'])} "
                f"(message {message_id}).")
    raise InfoviewError(f"message {message_id} is still in the workbook; this is a bug in infoview_kit")


def stage_of(wb: Store, contact_id: int) -> tuple[str | None, bool]:
    """The furthest funnel stage a person reached, and whether anything could be due for them (a message
    sent, a meeting), read from their own events: cheap on any workbook."""
    from infoview_kit.store import STAGE_OF_EVENT, STAGES

    kinds = [str(k) for k in wb.events(contact_id=contact_id)["kind"]]
    reached = [STAGES.index(STAGE_OF_EVENT[k]) for k in kinds if k in STAGE_OF_EVENT]
    active = any(k.endswith("_sent") or k.startswith(("meeting_", "followup_")) or k == "reply_received"
                 for k in kinds)
    return (STAGES[max(reached)].replace("_", " ") if reached else None), active


def check_draft(wb: Store, contact_id: int | None, draft: Draft | None, *,
                rules: str = "classic") -> CheckResult | None:
    """Check a draft (from :func:`current_draft`) as :func:`check_edited` does; None when there is none."""
    if contact_id is None or draft is None:
        return None
    return check_edited(wb, contact_id, draft.subject, draft.body, rules=rules)


def save_current_draft(wb: Store, contact_id: int | None, draft: Draft | None, *,
                       at: dt.datetime | str | None = None) -> int | None:
    """Save a draft (from :func:`current_draft`) as :func:`save_edited` does; return the message id, None
    when there is no draft."""
    if contact_id is None or draft is None:
        return None
    return save_edited(wb, contact_id, draft.template, draft.subject, draft.body, at=at)


def export_draft(wb: Store, message_id: int | None, out_dir: str | os.PathLike[str] | None) -> Path | None:
    """Write a stored message as an ``.eml`` file into `out_dir` (:func:`drafting.export_eml`); None when
    there is no message or no folder (empty)."""
    if message_id is None or not out_dir:
        return None
    return export_eml(wb, message_id, out_dir)


def message_history(wb: Store, contact_id: int | None) -> pd.DataFrame:
    """Return every draft and sent message to a person, oldest first: :data:`HISTORY_COLUMNS` of
    :meth:`Workbook.messages` (empty when nobody is chosen)."""
    if contact_id is None:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return wb.messages(contact_id)[HISTORY_COLUMNS]
