"""The composer for every kind of message: edit a draft with a live check and preview, save, export, mark it sent,
record the reply."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import logging
import os
import tempfile
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError
from infoview_kit.base.text import blanks_in
from infoview_kit.outreach import drafting, emails
from infoview_kit.views.forms import _ERROR, _OK, _STYLE, PersonPicker, _Form, run_with_status

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

__all__ = [
    "KIND_LABELS",
    "KIND_TEMPLATE",
    "NO_REPLY_KINDS",
    "Composer",
    "check_edited",
    "current_draft",
    "delete_draft",
    "eml_bytes",
    "mailto_edited",
    "mark_edited_sent",
    "mark_message_sent",
    "next_step",
    "open_items",
    "open_person",
    "person_name",
    "preview_html",
    "reminders",
    "reply_line",
    "save_edited",
    "sent_line",
    "write_edited_eml",
]

log = logging.getLogger("infoview_kit")

_NARROW = {"description_width": "4.5rem"}


# ------------------------------------------------------------------------ package functions (the buttons)


def _kind(template: str) -> str:
    """The message kind a template writes (a user's own template writes an outreach email)."""
    return drafting.TEMPLATE_KIND.get(template, "outreach")


def _open_draft(wb: Workbook, contact_id: int, kind: str) -> dict[str, Any] | None:
    """The contact's open (unsent) draft of that kind, if any (there is at most one)."""
    msgs = wb.messages(contact_id)
    rows = msgs[(msgs["kind"] == kind) & (msgs["status"] == "draft")]
    return wb.message(int(rows["id"].iloc[-1])) if not rows.empty else None


def current_draft(wb: Workbook, contact_id: int, template: str | None = None) -> emails.Draft:
    """Return the draft to work on: the contact's saved draft, or a fresh one from the template.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom the email is for.
    template
        Template name (see :func:`emails.list_templates`). None: the template of the contact's
        open outreach draft if there is one, else ``"seed"``.

    Returns
    -------
    emails.Draft
        The open draft of the template's kind when it was saved from this template (your edits
        are kept), otherwise :func:`drafting.compose`; ``missing`` names the blanks still in it.

    Raises
    ------
    NotFoundError
        No such contact or template.
    """
    if not template:
        saved = _open_draft(wb, contact_id, "outreach")
        template = (saved or {}).get("template") or emails.DEFAULT_TEMPLATE
    saved = _open_draft(wb, contact_id, _kind(template))
    if saved is not None and saved["template"] == template:
        subject, body = saved["subject"] or "", saved["body"] or ""
        return emails.Draft(template, subject, body, tuple(blanks_in(subject + "\n" + body)))
    return drafting.compose(wb, contact_id, template)


def check_edited(wb: Workbook, contact_id: int, subject: str, body: str, *,
                 rules: str = "classic") -> emails.CheckResult:
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
        "classic", "strict" or "followup" (see :data:`emails.RULE_SETS`).

    Returns
    -------
    emails.CheckResult
        Score 0-100, one finding per rule, ``.fixes``.

    Raises
    ------
    InputFormatError
        Unknown rule set.
    """
    f = drafting.draft_fields(wb, contact_id)
    return emails.check((subject, body), rules=rules, contact_name=f["their_name"], signature=f["signature"],
                        common_ground=f["common_ground"], employer=f["their_employer"], field=f["field"])


def save_edited(wb: Workbook, contact_id: int, template: str, subject: str, body: str, *,
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
    kind = _kind(template)
    msgs = wb.messages(contact_id)
    mine = msgs[msgs["kind"] == kind]
    if not mine.empty and mine["status"].iloc[-1] != "draft" and \
            (mine["subject"].iloc[-1], mine["body"].iloc[-1]) == (subject, body):
        return int(mine["id"].iloc[-1])  # already sent as it stands: not a new draft
    return wb.save_draft(contact_id, kind, subject, body, template=template, at=at, edited=True)


def mark_edited_sent(wb: Workbook, contact_id: int, template: str, subject: str, body: str, *,
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
    blanks = blanks_in(subject + "\n" + body)
    if blanks:
        raise InputFormatError(f"Not marked sent: fill {', '.join(f'[{b}]' for b in blanks)} first "
                               "(the draft is saved and stays a draft).")
    wb.mark_sent(mid, at=at)
    return mid


def write_edited_eml(wb: Workbook, contact_id: int, template: str, subject: str, body: str,
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
    return drafting.export_eml(wb, save_edited(wb, contact_id, template, subject, body, at=at), out_dir)


def eml_bytes(wb: Workbook, message_id: int) -> tuple[str, bytes]:
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
        path = drafting.export_eml(wb, message_id, tmp)
        return path.name, path.read_bytes()


def mailto_edited(wb: Workbook, contact_id: int, subject: str, body: str) -> str:
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
    return emails.mailto_link(wb.contact(contact_id).get("email") or "", subject, body)


def preview_html(subject: str, body: str, *, to: str | None = None) -> str:
    """Return an HTML preview of an email: every value escaped, line breaks kept.

    Parameters
    ----------
    subject, body
        The text.
    to
        Whom it is for, shown on a To line.

    Returns
    -------
    str
        An HTML fragment.
    """
    lines = "<br>\n".join(html.escape(line) for line in (body or "").replace("\r\n", "\n").split("\n"))
    head = f"<div><b>To:</b> {html.escape(to)}</div>" if to else ""
    return ('<div style="border:1px solid #ccc;padding:8px 12px;max-width:44rem;font-family:sans-serif;'
            'line-height:1.45">'
            f"{head}<div><b>Subject:</b> {html.escape(subject or '')}</div><hr>"
            f"<div>{lines}</div></div>")


def reminders(wb: Workbook, contact_id: int, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return the contact's open follow-ups, as the follow-up board lists them (the 3- and 7-business-day
    routine once a first email is sent, the thank-you, updates, check-ins; a reply settles the routine).

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        The contact.
    today
        The local date (None: the real today).

    Returns
    -------
    pandas.DataFrame
        Columns: kind, due_at (local time), reason; the order of :func:`followups.open_followups`
        (overdue first, then by due time).
    """
    items = open_items(wb, today)
    mine = items[items["contact_id"] == contact_id]
    return mine[["kind", "due_at", "why"]].rename(columns={"why": "reason"}).reset_index(drop=True)


# ------------------------------------------------------------------------ any kind of message

#: What each kind of message is called in titles and status lines.
KIND_LABELS = {"outreach": "first email", "nudge": "nudge", "thank_you": "thank-you", "update": "progress update",
               "referral_ask": "referral ask", "checkin": "check-in"}
#: The built-in template each kind of message starts from.
KIND_TEMPLATE = {"outreach": emails.DEFAULT_TEMPLATE, "nudge": "nudge", "thank_you": "thank_you",
                 "update": "update", "referral_ask": "referral_ask", "checkin": "checkin"}
#: Follow-ups whose answer is a reply (the no-reply routine): the board offers "They replied" on them.
NO_REPLY_KINDS = ("second_contact", "nudge")


def _zone(wb: Workbook) -> ZoneInfo:
    return ZoneInfo(wb.profile().get("timezone") or "UTC")


def _day(stamp: Any, zone: ZoneInfo) -> str:
    """'Tue 03 Nov' for a stored UTC time."""
    moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone):%a %d %b}"


def person_name(wb: Workbook, contact_id: int) -> str:
    """Return a contact's full name as stored ("?" when they have none)."""
    return _name(wb.contact(contact_id))


def open_person(wb: Workbook, name: str = "") -> int | None:
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


def sent_line(wb: Workbook, message_id: int) -> str:
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
    zone = _zone(wb)
    text = (f"Marked sent on {_day(msg['sent_at'], zone)}: \u2018{msg['subject']}\u2019 to "
            f"{person_name(wb, msg['contact_id'])} ({KIND_LABELS.get(msg['kind'], msg['kind'])}, "
            f"message {message_id}).")
    if msg["status"] == "replied" and msg["replied_at"]:
        text += f" They replied on {_day(msg['replied_at'], zone)}."
    return text


def mark_message_sent(wb: Workbook, message_id: int, *, at: dt.datetime | str | None = None) -> str:
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
    msg = wb.message(message_id)
    if msg["status"] == "draft":
        blanks = blanks_in(msg["subject"] + "\n" + msg["body"])
        if blanks:
            raise InputFormatError(f"Not marked sent: fill {', '.join(f'[{b}]' for b in blanks)} first "
                                   "(the draft is saved and stays a draft).")
        wb.mark_sent(message_id, at=at)
    return sent_line(wb, message_id)


def reply_line(wb: Workbook, message_id: int) -> str:
    """Say what the workbook holds about a reply: "Reply recorded: Tanya Brookes answered 'Subject'
    (sent Tue 03 Nov) on Wed 04 Nov."."""
    msg = wb.message(message_id)
    if msg["status"] != "replied":
        raise InputFormatError(f"message {message_id}: no reply is recorded")
    zone = _zone(wb)
    return (f"Reply recorded: {person_name(wb, msg['contact_id'])} answered \u2018{msg['subject']}\u2019 "
            f"(sent {_day(msg['sent_at'], zone)}) on {_day(msg['replied_at'], zone)}.")


def delete_draft(wb: Workbook, message_id: int, *, at: dt.datetime | str | None = None) -> str:
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


def next_step(wb: Workbook, contact_id: int, today: dt.date | str | None = None) -> dict[str, Any] | None:
    """Return the next follow-up open for a person (:func:`followups.open_followups`), or None.

    Returns
    -------
    dict or None
        key, kind, label (what to do), template (the template that writes it, or None),
        due_at (local time), days (due date minus today: 0 or less when it is due), why.
    """
    from infoview_kit.followup import rules as followups

    items = followups.open_followups(wb, today)
    mine = items[items["contact_id"] == contact_id]
    if mine.empty:
        return None
    item = mine.iloc[0]
    template = item["template"]
    return {"key": str(item["key"]), "kind": str(item["kind"]),
            "label": followups.KIND_LABELS.get(str(item["kind"]), str(item["kind"])),
            "template": None if pd.isna(template) else str(template), "due_at": item["due_at"],
            "days": int(item["days"]), "why": str(item["why"])}



# ------------------------------------------------------------------------ the widget


def _name(person: dict[str, Any]) -> str:
    return " ".join(str(person[k]) for k in ("first_name", "last_name") if person.get(k)).strip() or "?"


def _stage(wb: Workbook, contact_id: int) -> tuple[str | None, bool]:
    """The furthest funnel stage a person reached, and whether anything could be due for them (a message
    sent, a meeting), read from their own events: cheap on any workbook."""
    from infoview_kit.store import STAGE_OF_EVENT, STAGES

    kinds = [str(k) for k in wb.events(contact_id=contact_id)["kind"]]
    reached = [STAGES.index(STAGE_OF_EVENT[k]) for k in kinds if k in STAGE_OF_EVENT]
    active = any(k.endswith("_sent") or k.startswith(("meeting_", "followup_")) or k == "reply_received"
                 for k in kinds)
    return (STAGES[max(reached)].replace("_", " ") if reached else None), active


_PLANS: weakref.WeakKeyDictionary[Workbook, tuple[tuple[Any, ...], dt.date, pd.DataFrame]] = \
    weakref.WeakKeyDictionary()


def open_items(wb: Workbook, today: dt.date | str | None = None, *, fresh: bool = False) -> pd.DataFrame:
    """Return :func:`followups.open_followups`, computed again only when a contact, a follow-up or the
    activity log changed (:meth:`Workbook.changes`) or the day did, so the board and every composer
    share one reading, and writes that change none of it (who is current, a question plan, a draft's
    text) cost nothing here.

    Parameters
    ----------
    wb
        The workbook.
    today
        The local date (None: the real today in the profile's time zone).
    fresh
        Read again whatever was read before (another program may have written to the file).
    """
    from infoview_kit.base.paths import resolve_today
    from infoview_kit.followup import rules as followups

    day = (resolve_today(today) if today is not None and not (isinstance(today, str) and not today.strip())
           else dt.datetime.now(_zone(wb)).date())
    seen = wb.changes()
    hit = _PLANS.get(wb)
    if hit is not None and not fresh and hit[0] == seen and None not in seen and hit[1] == day:
        return hit[2]
    items = followups.open_followups(wb, day)
    _PLANS[wb] = (seen, day, items)
    return items


def _link(href: str, text: str, cls: str) -> str:
    return (f'<a href="{html.escape(href, quote=True)}" class="{cls}" '
            f'style="color:#0b57d0;text-decoration:underline">{html.escape(text)}</a>')


class Composer(_Form):
    """Write any message to a person, with a live check and preview; save it, export it, mark it sent,
    record their reply.

    One composer for every kind of message (first email, nudge, thank-you, progress update,
    referral ask, check-in). A draft is edited; a sent message is shown as sent, with its date,
    and cannot be edited (a new message starts from a template). The check (score and fixes),
    the blanks left, the preview and the ``mailto:`` link follow every edit. It re-reads the
    workbook after any write (:meth:`Workbook.on_change`), from any view: stage, messages,
    reminders and what is next stay current.

    Buttons: **Save draft**; **Sent** (:func:`mark_message_sent`, refused while a blank is left);
    **Write .eml** (into `out_dir`, else a download link); **Delete draft** (asks to confirm with a
    second click; :meth:`Workbook.delete_draft`); **Start over from the template**; **They replied**
    with its date (:func:`drafting.record_reply`); and, when something is due for the person,
    **Write the <next message>**.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom to write to; default the workbook's current person (:meth:`Workbook.current`), else the
        first person researched and not emailed yet.
    template
        Template to start from; None: the person's open draft, else their newest message, else
        the template of `kind`.
    kind
        The kind of message to write (one of :data:`KIND_TEMPLATE`): its open draft, else its
        template (``template`` wins when both are given).
    message_id
        A stored message to show (a draft to edit, or a sent one); its person is chosen.
    rules
        "classic" or "strict" for a first email (any other kind uses "followup").
    out_dir
        Where "Write .eml" writes; None: a download link instead.
    now
        The clock for stamps (a function returning an aware datetime); default the real time.
    choose_person
        Show a :class:`widgets.PersonPicker` (choosing someone makes them the workbook's current
        person); False keeps the composer on its person (the follow-up board's).

    Raises
    ------
    NotFoundError
        No such contact or message.
    InputFormatError
        Unknown kind.
    """

    def __init__(self, wb: Workbook, contact_id: int | None = None, *, template: str | None = None,
                 kind: str | None = None, message_id: int | None = None, rules: str = "classic",
                 out_dir: str | os.PathLike[str] | None = None, now: Callable[[], dt.datetime] | None = None,
                 choose_person: bool = True) -> None:
        if kind is not None and kind not in KIND_TEMPLATE:
            raise InputFormatError(f"kind {kind!r}: expected one of {', '.join(KIND_TEMPLATE)}")
        self._wb = wb
        self._out_dir = out_dir or None
        self._now = now
        self.message_id: int | None = None
        self.result: emails.CheckResult | None = None
        self._kinds: dict[str, str] = {}
        self._loading = False
        self._readonly = False
        self._msg_kind = "outreach"
        self._loaded = ("", "")  # the text as last loaded, to tell the user's edits from the store's
        self._fields: tuple[int, dict[str, Any]] | None = None
        self._confirm: int | None = None  # the draft a first "Delete draft" click asked about
        self._step: dict[str, Any] | None = None
        self._filled = False
        self._quiet = False  # inside a button's action: it re-reads once, at its end
        self._switching: int | None = None  # another person was chosen: open them on the re-read that follows
        self._stage: str | None = None
        self._reminder_text = ""
        self._kind_wanted = kind if message_id is None and template is None else None
        msg = wb.message(message_id) if message_id is not None else None
        if msg is not None:
            contact_id = int(msg["contact_id"])
        elif contact_id is None:
            contact_id = open_person(wb)
        else:
            wb.contact(contact_id)
        self._cid: int | None = None if contact_id is None else int(contact_id)
        # create
        self._picker = PersonPicker(wb, self._cid, description="To") if choose_person else None
        self._who = w.HTML()
        self._message = w.Dropdown(description="Message", options=[("New message from the template", 0)],
                                   value=0, layout={"width": "36rem"}, style=_STYLE)
        self._template = w.Dropdown(description="Template", options=self._templates(),
                                    layout={"width": "36rem"}, style=_STYLE)
        self._rules = w.ToggleButtons(options=[("classic", "classic"), ("strict", "strict"),
                                               ("follow-up", "followup")],
                                      value=rules, tooltips=["Classic short outreach: under 100 words, no jobs, "
                                                             "connection first", "Stricter: under 75 words, "
                                                             "more about them, the ask a question",
                                                             "Later emails: nudge, thank-you, update"],
                                      style={"button_width": "6rem"})
        self._state = w.HTML()
        self._state.add_class("infoview-message-state")
        self._subject = w.Text(description="Subject", layout={"width": "100%"}, style=_NARROW)
        self._body = w.Textarea(description="Body", rows=16, layout={"width": "100%", "height": "20rem"},
                                style=_NARROW)
        self._score = w.HTML()
        self._fixes = w.HTML()
        self._blanks = w.HTML()
        self._preview = w.HTML()
        self._mailto = w.HTML()
        self._download = w.HTML(layout={"margin": "0 0 0 24px"})
        self._reply_on = w.DatePicker(description="They replied on", value=self._today(), style=_STYLE,
                                      layout={"width": "20rem"})
        self._reply = w.Button(description="They replied", icon="reply", layout={"width": "auto"},
                               tooltip="Record their answer to the last message you sent them, on this day")
        self._next = w.HTML()
        self._next_button = w.Button(description="Write next", icon="pencil", layout={"width": "auto",
                                                                                     "display": "none"})
        self._reminders = w.HTML()
        # lay out
        check = w.VBox([w.HTML("<b>Check</b>"), self._score, self._fixes, self._blanks],
                       layout={"flex": "1 1 16rem", "min_width": "14rem", "max_width": "30rem",
                               "padding": "0 0 0 12px"})
        editor = w.VBox([self._subject, self._body], layout={"flex": "0 1 32rem", "min_width": "24rem"})
        edit = w.HBox([editor, check], layout={"flex_flow": "row wrap", "width": "100%"})  # check below when narrow
        rules_row = w.HBox([w.HTML('<div style="text-align:right;padding-right:8px">Rules</div>',
                                   layout={"width": _STYLE["description_width"]}), self._rules])
        person: w.Widget = self._picker if self._picker is not None else w.HTML()
        super().__init__("Write an email", [person, self._who, self._message, self._template, rules_row,
                                            self._state, edit], "Save draft",
                         extra={"Sent": self.mark_sent, "Write .eml": self.write_eml, "Delete draft": self.delete,
                                "Start over from the template": self.refill})
        self._root.add_class("infoview-composer")
        self._status.add_class("infoview-status")
        self._buttons = {b.description: b for b in self._root.children[-2].children}
        self._delete = self._buttons["Delete draft"]
        self._buttons["Sent"].tooltip = "You sent it from your mail program: record it (refused while a blank is left)"
        self._buttons["Sent"].icon = "paper-plane"
        self._root.children = (*self._root.children,
                               w.HBox([self._reply_on, self._reply]),
                               w.HBox([self._next, self._next_button], layout={"align_items": "center"}),
                               self._reminders, w.HBox([self._mailto, self._download]),
                               w.HTML("<b>Preview</b>"), self._preview)
        # observe
        self._reply.on_click(lambda _b: self._run(self.reply))
        self._next_button.on_click(lambda _b: self._run(self.write_next))
        if self._cid is None:
            self._template.value = template or KIND_TEMPLATE[kind or "outreach"]
            self._after_load()
            self._status.value = _ERROR.format("Nobody is on your outreach list yet: choose people in notebook 01.")
        elif message_id is not None:
            self._open_message(int(message_id))
        elif template or kind:
            self._open_template(template or KIND_TEMPLATE[str(kind)])
        else:
            self._open_default()
        if self._picker is not None:
            self._picker.observe(self._on_person, names="value")
        self._message.observe(self._on_message, names="value")
        self._template.observe(self._on_template, names="value")
        for ctl in (self._subject, self._body, self._rules):
            ctl.observe(self._refresh, names="value")
        if self._cid is not None and self._picker is not None and wb.current()["contact_id"] != self._cid:
            wb.set_current(contact_id=self._cid)  # the person shown is the one being worked on
        self._watch(wb)

    # -------------------------------------------------------------- options and loading
    def _templates(self) -> list[tuple[str, str]]:
        df = emails.list_templates(drafting.user_templates(self._wb))
        self._kinds = dict(zip(df["name"], df["kind"], strict=True))
        return [(f"{n} ({KIND_LABELS.get(_kind(n), _kind(n))}{', yours' if o == 'user' else ''})", n)
                for n, o in zip(df["name"], df["origin"], strict=True)]

    def _set_text(self, subject: str, body: str) -> None:
        self._subject.value, self._body.value = subject, body
        self._loaded = (subject, body)

    def _set_rules(self, kind: str) -> None:
        if kind != "outreach":
            self._rules.value = "followup"
        elif self._rules.value == "followup":
            self._rules.value = "classic"

    def _open_message(self, mid: int) -> None:
        """Show a stored message: a draft to edit, or a sent one as sent."""
        msg = self._wb.message(mid)
        self._loading = True
        try:
            self._cid = int(msg["contact_id"])
            self.message_id = mid
            self._msg_kind = str(msg["kind"])
            names = [v for _, v in self._template.options]
            template = msg["template"] if msg["template"] in names else KIND_TEMPLATE[self._msg_kind]
            self._template.value = template
            self._set_rules(self._msg_kind)
            self._set_text(msg["subject"] or "", msg["body"] or "")
            self._readonly = msg["status"] != "draft"
        finally:
            self._loading = False
        self._after_load()

    def _open_template(self, template: str, *, fresh: bool = False) -> None:
        """Show the person's open draft written from `template`, else the template filled for them (not
        saved: saving writes to their open draft of that kind, if any)."""
        assert self._cid is not None
        kind = _kind(template)
        draft = _open_draft(self._wb, self._cid, kind)
        if draft is not None and draft["template"] == template and not fresh:
            self._open_message(int(draft["id"]))
            return
        text = drafting.compose(self._wb, self._cid, template)
        self._loading = True
        try:
            self.message_id = None if draft is None else int(draft["id"])
            self._msg_kind = kind
            self._template.value = template
            self._set_rules(kind)
            self._set_text(text.subject, text.body)
            self._readonly = False
        finally:
            self._loading = False
        self._after_load(filled=True)

    def _open_default(self) -> None:
        """What makes sense for the person: their open draft (of the kind asked for first), else their
        newest message (sent: shown as sent, with what is next), else a new first email."""
        assert self._cid is not None
        msgs = self._wb.messages(self._cid)
        if self._kind_wanted is not None:  # a composer for one kind (notebook 04's thank-you) keeps to it
            mine = msgs[msgs["kind"] == self._kind_wanted]
            drafts = mine[mine["status"] == "draft"]
            if not (drafts if not drafts.empty else mine).empty:
                self._open_message(int((drafts if not drafts.empty else mine)["id"].iloc[-1]))
            else:
                self._open_template(KIND_TEMPLATE[self._kind_wanted])
            return
        drafts = msgs[msgs["status"] == "draft"]
        same = drafts[drafts["kind"] == self._msg_kind]
        if not same.empty or not drafts.empty:
            self._open_message(int((same if not same.empty else drafts)["id"].iloc[-1]))
        elif not msgs.empty:
            self._open_message(int(msgs.sort_values(["drafted_at", "id"])["id"].iloc[-1]))
        else:
            self._open_template(str(self._template.value) if self._template.value else emails.DEFAULT_TEMPLATE)

    def _after_load(self, *, filled: bool = False) -> None:
        self._download.value = ""
        if self._fields is not None and self._fields[0] != self._cid:
            self._fields = None
        self._filled = filled
        for name in ("Save draft", "Sent", "Start over from the template"):
            self._buttons[name].disabled = self._readonly or self._cid is None
        self._subject.disabled = self._body.disabled = self._readonly
        self._context()
        self._refresh()

    def _context(self) -> None:
        """Re-read what surrounds the text: who (with their stage), the messages list, the state of the
        message shown, the reminders and what is next."""
        self._disarm()
        cid = self._cid
        if cid is None:
            self._who.value = self._state.value = self._next.value = self._reminders.value = ""
            self._reminder_text = ""
            self._reply.disabled = True
            self._delete.disabled = True
            self._next_button.layout.display = "none"
            return
        wb, esc = self._wb, html.escape
        person = wb.contact(cid)
        stage, active = _stage(wb, cid)
        self._stage = stage
        self._who.value = (f'<div class="infoview-who" style="margin-left:9.5rem"><b>{esc(_name(person))}</b>'
                           f" · {esc(person.get('company') or '?')}"
                           f" · {esc(stage or 'not on your outreach list yet')}</div>")
        msgs = wb.messages(cid)
        zone = _zone(wb)
        options: list[tuple[str, int]] = [("New message from the template", 0)]
        for m in msgs.sort_values(["drafted_at", "id"], ascending=False).to_dict("records"):
            when = (f"sent {_day(m['sent_at'], zone)}" if m["status"] != "draft" else
                    f"draft {_day(m['drafted_at'], zone)}")
            replied = ", replied" if m["status"] == "replied" else ""
            subject = str(m["subject"] or "")
            options.append((f"{KIND_LABELS.get(str(m['kind']), m['kind'])} · {when}{replied} · "
                            f"{subject[:48]}{'…' if len(subject) > 48 else ''}", int(m["id"])))
        self._loading = True
        try:
            self._message.options = options
            self._message.value = self.message_id if self.message_id in [v for _, v in options] else 0
        finally:
            self._loading = False
        label = KIND_LABELS.get(self._msg_kind, self._msg_kind)
        shown = None if self.message_id is None else msgs[msgs["id"] == self.message_id]
        if shown is None or shown.empty:
            state = f"<b>New {esc(label)}</b> from the \u2018{esc(self.template)}\u2019 template: not saved yet."
        elif self._filled and not self._readonly:
            state = (f"<b>New {esc(label)}</b> from the \u2018{esc(self.template)}\u2019 template: not saved yet; "
                     f"saving replaces the text of your saved draft (message {self.message_id}).")
        else:
            m = shown.iloc[0]
            if m["status"] == "draft":
                state = (f"<b>Draft {esc(label)}</b> (message {self.message_id}), saved "
                         f"{_day(m['drafted_at'], zone)}.")
            else:
                state = (f"<b>Sent {esc(label)}</b> on {_day(m['sent_at'], zone)} (message {self.message_id})"
                         + (f"; they replied on {_day(m['replied_at'], zone)}" if m["status"] == "replied" else "")
                         + ". Shown as sent: it cannot be edited; write a new message from a template.")
        self._state.value = state
        self._delete.disabled = shown is None or shown.empty or self._readonly or self._filled
        self._reply.disabled = not (msgs["status"] == "sent").any()
        self._show_next(msgs, active)

    def _show_next(self, msgs: pd.DataFrame, active: bool) -> None:
        from infoview_kit.followup import rules as followups

        assert self._cid is not None
        esc = html.escape
        if not active:
            mine = pd.DataFrame(columns=["kind", "due_at"])  # nothing sent, never met: nothing can be due
        else:
            items = open_items(self._wb, self._today())
            mine = items[items["contact_id"] == self._cid]
        self._reminder_text = ("Reminders: " + "; ".join(
            f"{followups.KIND_LABELS.get(str(k), str(k))} on {d:%a %d %b}"
            for k, d in zip(mine["kind"], mine["due_at"], strict=True)) + "." if not mine.empty else "")
        # one reminder is the next step below; several are listed
        self._reminders.value = ("<b>Reminders:</b>" + esc(self._reminder_text[len("Reminders:"):])
                                 if len(mine) > 1 else "")
        step = None
        if not mine.empty:
            first = mine.iloc[0]
            step = {"key": str(first["key"]), "kind": str(first["kind"]),
                    "label": followups.KIND_LABELS.get(str(first["kind"]), str(first["kind"])),
                    "template": None if pd.isna(first["template"]) else str(first["template"]),
                    "due_at": first["due_at"], "days": int(first["days"]), "why": str(first["why"])}
        self._step = step
        self._next_button.layout.display = "none"
        if step is None:
            sent = msgs[msgs["status"] != "draft"]
            replied = (msgs["status"] == "replied").any()
            self._next.value = ("" if sent.empty or not self._readonly else
                                "<b>Next:</b> they replied: propose a time to meet (notebook 04)." if replied and
                                self._stage in ("replied", None) else "<b>Next:</b> nothing is due for them now.")
            return
        when = f"{step['due_at']:%a %d %b}"
        due_now = step["days"] <= 0
        self._next.value = (f"<b>{'Due now' if due_now else 'Next'}:</b> {esc(step['label'])} "
                            f"({'since' if step['days'] < 0 else 'on'} {when}). <small>{esc(step['why'])}</small>")
        template = step["template"]
        if due_now and template and not (self._msg_kind == _kind(template) and not self._readonly):
            self._next_button.description = f"Write the {KIND_LABELS.get(_kind(template), template)}"
            self._next_button.layout.display = None

    def _on_person(self, change: dict[str, Any]) -> None:
        if change["new"] is None or change["new"] == self._cid or self._loading:
            return
        self._cid = int(change["new"])
        self._status.value = ""
        if self._wb.current()["contact_id"] != self._cid:
            self._switching = self._wb.version  # the picker now makes them current: that write's re-read opens them
            return
        self._guard(self._open_default)

    def _on_message(self, change: dict[str, Any]) -> None:
        if self._loading or change["new"] is None:
            return
        self._status.value = ""
        if change["new"]:
            self._guard(lambda: self._open_message(int(change["new"])))
        else:
            self._guard(lambda: self._open_template(self.template, fresh=True))

    def _on_template(self, change: dict[str, Any]) -> None:
        if self._loading or self._cid is None:
            return
        self._status.value = ""
        self._guard(lambda: self._open_template(change["new"]))

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # an observer's error would be lost in the kernel log
            log.exception("composer")
            self._status.value = _ERROR.format(html.escape(f"{type(exc).__name__}: {exc}"))

    def reload(self) -> None:
        """Re-read the workbook after a write from anywhere: the message shown (sent or deleted
        elsewhere, or edited elsewhere while unchanged here), the person's stage, messages, reminders and
        what is next. Text typed here and not saved is kept."""
        if self._cid is None or self._quiet:
            return
        self._fields = None
        if self._switching is not None:
            self._switching = None
            self._guard(self._open_default)
            return
        try:
            self._wb.contact(self._cid)
        except NotFoundError:  # forgotten
            self._cid, self.message_id = None, None
            self._context()
            return
        if self._kind_wanted is not None and (self.subject, self.body) == self._loaded:
            draft = _open_draft(self._wb, self._cid, self._kind_wanted)  # drafted elsewhere (Save log)
            if draft is not None and int(draft["id"]) != self.message_id:
                self._open_message(int(draft["id"]))
                return
        if self.message_id is not None:
            try:
                msg = self._wb.message(self.message_id)
            except NotFoundError:  # deleted: what is on screen stays, as a new text
                self.message_id = None
            else:
                stored = (msg["subject"] or "", msg["body"] or "")
                untouched = (self.subject, self.body) == self._loaded
                if msg["status"] != "draft" or (untouched and stored != self._loaded and not self._filled):
                    self._open_message(self.message_id)
                    return
        self._fields = None
        self._context()

    def close(self) -> None:
        """Stop following the workbook and close the widgets."""
        unwatch = getattr(self, "_unwatch", None)
        if unwatch is not None:
            unwatch()
            del self._unwatch
        if self._picker is not None:
            self._picker._unwatch()
        self._root.close()

    # -------------------------------------------------------------- the live check
    def _refresh(self, _change: object = None) -> None:
        if self._loading:
            return
        self._guard(self._show_check)

    def _show_check(self) -> None:
        cid = self._cid
        subject, body = self._subject.value, self._body.value
        self._download.value = ""  # an earlier file no longer matches the text
        if cid is None:
            self.result = None
            self._score.value = self._fixes.value = self._blanks.value = self._preview.value = ""
            self._mailto.value = ""
            return
        if self._fields is None or self._fields[0] != cid:
            self._fields = (cid, drafting.draft_fields(self._wb, cid))
        f = self._fields[1]
        self.result = result = emails.check(
            (subject, body), rules=self._rules.value, contact_name=f["their_name"], signature=f["signature"],
            common_ground=f["common_ground"], employer=f["their_employer"], field=f["field"])
        color = "#00703c" if result.passed else "#8a5300" if result.score >= 70 else "#b00020"
        self._score.value = (f'<span class="infoview-score" style="font-size:1.2em;color:{color}">'
                             f"Score {result.score}/100</span> ({html.escape(result.rules)} rules, "
                             f"{len(result.fixes)} to fix)")
        self._fixes.value = ('<ul style="margin:4px 0;padding-left:1.2em">'
                             + "".join(f"<li>{html.escape(fix)}</li>" for fix in result.fixes) + "</ul>"
                             if result.fixes else _OK.format("Every rule passes."))
        blanks = blanks_in(subject + "\n" + body)
        self._blanks.value = ("<b>Blanks to fill:</b><ul style=\"margin:4px 0;padding-left:1.2em\">" + "".join(
            f"<li><code>[{html.escape(b)}]</code> {html.escape(emails.FIELD_HELP.get(b, ''))}</li>" for b in blanks)
            + "</ul>" if blanks else "No blanks left.")
        person = self._wb.contact(cid)
        to = _name(person) + (f" <{person['email']}>" if person.get("email") else "")
        self._preview.value = preview_html(subject, body, to=to)
        try:
            link = emails.mailto_link(person.get("email") or "", subject, body)
        except InfoviewError as exc:
            self._mailto.value = _ERROR.format(html.escape(f"No mailto link: {exc}"))
        else:
            if link.startswith("mailto:"):  # never any other scheme
                self._mailto.value = _link(link, "Open in your mail program (mailto:)", "infoview-mailto")

    # -------------------------------------------------------------- buttons
    def _run(self, action: Callable[[], str]) -> None:
        if action != self.delete:
            self._disarm()
        run_with_status(self._status, action)

    def _disarm(self) -> None:
        self._confirm = None
        self._delete.description, self._delete.button_style = "Delete draft", ""

    def _at(self) -> dt.datetime | None:
        return self._now() if self._now else None

    def _today(self) -> dt.date:
        moment = self._at() or dt.datetime.now(dt.UTC)
        return moment.astimezone(_zone(self._wb)).date() if moment.tzinfo else moment.date()

    def _chosen(self) -> int:
        if self._cid is None:
            raise InfoviewError("choose a person first: nobody is on your outreach list yet (notebook 01)")
        return self._cid

    def _editable(self) -> None:
        if self._readonly and self.message_id is not None:
            msg = self._wb.message(self.message_id)
            raise InputFormatError(f"message {self.message_id} was sent on {_day(msg['sent_at'], _zone(self._wb))}: "
                                   "it stays as sent. Choose a template to write a new message.")

    @contextlib.contextmanager
    def _acting(self) -> Iterator[None]:
        """Run a button's writes without re-reading after each: the action re-reads once, at its end."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _save(self) -> tuple[int, bool]:
        """Save the text on screen as the person's draft of its kind; return (message id, whether anything
        changed). The caller re-reads."""
        cid = self._chosen()
        self._editable()
        before = None if self.message_id is None else self._wb.message(self.message_id)
        version = self._wb.version
        mid = self._wb.save_draft(cid, self._msg_kind, self.subject, self.body, template=self.template, at=self._at())
        changed = self._wb.version != version or before is None or int(before["id"]) != mid
        self.message_id = mid
        self._filled = False
        self._loaded = (self.subject, self.body)
        return mid, changed

    def submit(self) -> str:
        """Save the text as the person's draft of its kind (saving again updates it)."""
        with self._acting():
            mid, changed = self._save()
        self._context()
        msg = self._wb.message(mid)
        left = blanks_in(msg["subject"] + "\n" + msg["body"])
        more = f" Still to fill: {', '.join(left)}." if left else ""
        what = (f"the draft to {person_name(self._wb, msg['contact_id'])}: \u2018{msg['subject']}\u2019 "
                f"({KIND_LABELS.get(msg['kind'], msg['kind'])}, message {mid}).")
        return (f"Saved {what}" if changed else f"Nothing changed: {what}") + more

    def mark_sent(self) -> str:
        """Mark the message shown sent, whatever its kind (its text saved first; refused, saved as a draft,
        while a blank is left); the composer then shows it as sent, with what is next."""
        self._chosen()
        self._editable()
        try:
            with self._acting():
                if blanks_in(self.subject + "\n" + self.body):
                    mid, _ = self._save()  # kept as a draft, then refused by name
                    mark_message_sent(self._wb, mid, at=self._at())
                with self._wb.transaction():  # one write, one re-read by every view
                    mid, _ = self._save()
                    text = mark_message_sent(self._wb, mid, at=self._at())
        except InfoviewError:
            self._context()
            raise
        self._open_message(mid)
        if self._reminder_text:
            text += " " + self._reminder_text
        return text

    def reply(self) -> str:
        """Record that they replied, on the day chosen (:func:`drafting.record_reply`)."""
        cid = self._chosen()
        day = self._reply_on.value
        if day is None:
            raise InputFormatError("They replied on: choose the day they answered")
        at = self._at()
        at = at.astimezone(_zone(self._wb)) if at is not None and at.tzinfo else at  # the day is a local one
        on: dt.date | dt.datetime | None = day if day != self._today() else at  # today: now, not noon
        with self._acting():
            mid = drafting.record_reply(self._wb, cid, on, at=at)
        if self.message_id == mid:
            self._open_message(mid)
        else:
            self._context()
        return reply_line(self._wb, mid)

    def write_eml(self) -> str:
        """Write the message as an ``.eml`` file (a draft is saved first): into ``out_dir``, else as a
        download link."""
        if self._readonly and self.message_id is not None:
            mid = self.message_id
        else:
            with self._acting():
                mid = self._save()[0]
            self._context()
        if self._out_dir:
            path = drafting.export_eml(self._wb, mid, self._out_dir)
            return f"Wrote {path} (message {mid}): open it in your mail program."
        name, data = eml_bytes(self._wb, mid)
        self._download.value = (f'<a download="{html.escape(name)}" style="color:#0b57d0;text-decoration:underline" '
                                f'href="data:message/rfc822;base64,{base64.b64encode(data).decode("ascii")}">'
                                f"Download {html.escape(name)}</a>")
        return f"Message {mid}: download {name} below and open it in your mail program."

    def delete(self) -> str:
        """Delete the draft shown; the first click asks, a second click deletes."""
        self._chosen()
        self._editable()
        if self.message_id is None or self._filled:
            raise InputFormatError("Nothing to delete: this text is not saved as a draft.")
        mid = self.message_id
        if self._confirm != mid:
            self._confirm = mid
            self._delete.description, self._delete.button_style = "Click again to delete", "danger"
            return (f"Delete the draft \u2018{self._wb.message(mid)['subject']}\u2019? Click \u2018Click again to "
                    "delete\u2019 to confirm; any other button keeps it.")
        self._disarm()
        with self._acting():
            text = delete_draft(self._wb, mid, at=self._at())
        self.message_id = None
        self._open_default()
        return text

    def refill(self) -> str:
        """Throw away the edits on screen and fill the chosen template again from the workbook."""
        cid = self._chosen()
        self._editable()
        draft = drafting.compose(self._wb, cid, self.template)
        self._set_text(draft.subject, draft.body)
        self._loaded = ("", "")  # on screen, not saved
        return "Filled the template again (not saved yet)."

    def write_next(self) -> str:
        """Start the message that is due next for the person (e.g. the nudge, the thank-you)."""
        self._chosen()
        step = self._step
        if not step or not step["template"]:
            raise InputFormatError("Nothing to write next for them now.")
        self._open_template(step["template"])
        return (f"{'Your saved draft of the' if not self._filled else 'A new'} "
                f"{KIND_LABELS.get(self._msg_kind, self._msg_kind)} to {person_name(self._wb, self._chosen())}"
                f"{'' if not self._filled else ' (not saved yet)'}.")

    # -------------------------------------------------------------- what it holds
    @property
    def contact_id(self) -> int | None:
        """The chosen person."""
        return self._cid

    @property
    def kind(self) -> str:
        """The kind of the message shown (outreach, nudge, thank_you, update, referral_ask, checkin)."""
        return self._msg_kind

    @property
    def read_only(self) -> bool:
        """True when the message shown was sent (it cannot be edited)."""
        return self._readonly

    @property
    def picker(self) -> PersonPicker | None:
        """The person picker (None when the composer stays on its person)."""
        return self._picker

    @property
    def template(self) -> str:
        """The chosen template."""
        return str(self._template.value)

    @property
    def subject(self) -> str:
        """The subject as edited."""
        return str(self._subject.value)

    @property
    def body(self) -> str:
        """The body as edited."""
        return str(self._body.value)

    @property
    def preview(self) -> str:
        """The preview (HTML, every value escaped)."""
        return str(self._preview.value)

    @property
    def check_html(self) -> str:
        """The score, fixes and blanks as shown (HTML)."""
        return self._score.value + self._fixes.value + self._blanks.value

    @property
    def mailto(self) -> str:
        """The mailto link as shown (HTML)."""
        return str(self._mailto.value)

    @property
    def state(self) -> str:
        """What the message shown is (new, draft, or sent on a date), as shown (HTML)."""
        return str(self._state.value)

    @property
    def next_html(self) -> str:
        """What is due next for the person, as shown (HTML)."""
        return str(self._next.value)

    @property
    def reminders_html(self) -> str:
        """The person's open follow-ups, as shown (HTML)."""
        return str(self._reminders.value)
