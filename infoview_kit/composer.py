"""The first-email composer of step 3: edit a draft with a live check and preview, save it, export it, mark it sent."""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from . import drafting, emails
from ._people import blanks_in
from .exceptions import InfoviewError, InputFormatError
from .widgets import _ERROR, _OK, _STYLE, _Form

if TYPE_CHECKING:
    import pandas as pd

    from .store import Workbook

__all__ = [
    "Composer",
    "check_edited",
    "current_draft",
    "eml_bytes",
    "mailto_edited",
    "mark_edited_sent",
    "preview_html",
    "reminders",
    "save_edited",
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
    return wb.save_draft(contact_id, kind, subject, body, template=template, at=at)


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


def reminders(wb: Workbook, contact_id: int) -> pd.DataFrame:
    """Return the contact's open follow-ups (the 3- and 7-business-day routine once sent).

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        The contact.

    Returns
    -------
    pandas.DataFrame
        Columns: kind, due_at (UTC datetime64), reason; earliest first.
    """
    df = wb.followups()
    open_ = df[(df["contact_id"] == contact_id) & df["done_at"].isna()]
    return open_[["kind", "due_at", "reason"]].reset_index(drop=True)


# ------------------------------------------------------------------------ the widget


def _name(person: dict[str, Any]) -> str:
    return " ".join(str(person[k]) for k in ("first_name", "last_name") if person.get(k)).strip() or "?"


class Composer(_Form):
    """Write the first email: pick a person and a template, edit the draft, watch the check.

    The check (score and fixes) and the preview follow every edit. Buttons call
    :func:`save_edited`, :func:`mark_edited_sent` and :func:`write_edited_eml` (or offer the
    ``.eml`` as a download link when there is no ``out_dir``); a ``mailto:`` link opens the
    text in your mail program.

    Parameters
    ----------
    wb
        The workbook.
    contact_id
        Whom to write to; default the first person you researched but have not emailed
        (:func:`targets.pick_contact`).
    template
        Template to start from; None: the contact's open draft's template, else "seed".
    rules
        "classic" or "strict" (a follow-up template switches to "followup").
    out_dir
        Where "Write .eml" writes; None: a download link instead.
    now
        The clock for stamps; default the real time.
    """

    def __init__(self, wb: Workbook, contact_id: int | None = None, *, template: str | None = None,
                 rules: str = "classic", out_dir: str | os.PathLike[str] | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self._wb = wb
        self._out_dir = out_dir or None
        self._now = now
        self.message_id: int | None = None
        self.result: emails.CheckResult | None = None
        self._kinds: dict[str, str] = {}
        self._loading = False
        # create
        people = self._people()
        if contact_id is None and people:
            from .targets import pick_contact

            contact_id = pick_contact(wb, stage="researched", required=False)
        if contact_id is not None and contact_id not in [v for _, v in people]:
            person = wb.contact(contact_id)  # not on the outreach list yet: offer them anyway
            people.insert(0, (f"{_name(person)} ({person.get('company') or '?'})", int(contact_id)))
        self._contact = w.Dropdown(description="To", options=people,
                                   value=contact_id,
                                   layout={"width": "36rem"}, style=_STYLE)
        self._template = w.Dropdown(description="Template", options=self._templates(),
                                    layout={"width": "36rem"}, style=_STYLE)
        self._rules = w.ToggleButtons(options=[("classic", "classic"), ("strict", "strict"),
                                                                    ("follow-up", "followup")],
                                      value=rules, tooltips=["Classic short outreach: under 100 words, no jobs, "
                                                             "connection first", "Stricter: under 75 words, "
                                                             "more about them, the ask a question",
                                                             "Later emails: nudge, thank-you, update"],
                                      style={"button_width": "6rem"})
        self._subject = w.Text(description="Subject", layout={"width": "100%"}, style=_NARROW)
        self._body = w.Textarea(description="Body", rows=16, layout={"width": "100%", "height": "20rem"},
                                style=_NARROW)
        self._score = w.HTML()
        self._fixes = w.HTML()
        self._blanks = w.HTML()
        self._preview = w.HTML()
        self._mailto = w.HTML()
        self._download = w.HTML(layout={"margin": "0 0 0 24px"})
        # lay out
        check = w.VBox([w.HTML("<b>Check</b>"), self._score, self._fixes, self._blanks],
                       layout={"flex": "1 1 16rem", "min_width": "14rem", "max_width": "30rem",
                               "padding": "0 0 0 12px"})
        editor = w.VBox([self._subject, self._body], layout={"flex": "0 1 32rem", "min_width": "24rem"})
        edit = w.HBox([editor, check], layout={"flex_flow": "row wrap", "width": "100%"})  # check below when narrow
        rules_row = w.HBox([w.HTML('<div style="text-align:right;padding-right:8px">Rules</div>',
                                   layout={"width": _STYLE["description_width"]}), self._rules])
        super().__init__("Write the first email", [self._contact, self._template, rules_row, edit],
                         "Save draft", extra={"Mark sent": self.mark_sent, "Write .eml": self.write_eml,
                                              "Start over from the template": self.refill})
        self._root.children = (*self._root.children, w.HBox([self._mailto, self._download]),
                               w.HTML("<b>Preview</b>"), self._preview)
        # observe
        self._load(template)
        self._contact.observe(self._on_contact, names="value")
        self._template.observe(self._on_template, names="value")
        for ctl in (self._subject, self._body, self._rules):
            ctl.observe(self._refresh, names="value")
        if not people:
            self._status.value = _ERROR.format("Nobody is on your outreach list yet: choose people in notebook 01.")

    # -------------------------------------------------------------- options and loading
    def _people(self) -> list[tuple[str, int]]:
        """People on the outreach list (contacts with a funnel stage), by name."""
        df = self._wb.contacts().astype(object)
        df = df.where(df.notna(), None)
        rows = [r for r in df.to_dict("records") if r["stage"]]
        return sorted(((f"{_name(r)} ({r['company'] or '?'}) · {r['stage']}", int(r["id"])) for r in rows),
                      key=lambda o: o[0].lower())

    def _templates(self) -> list[tuple[str, str]]:
        df = emails.list_templates(drafting.user_templates(self._wb))
        self._kinds = dict(zip(df["name"], df["kind"], strict=True))
        return [(f"{n} ({k}{', yours' if o == 'user' else ''})", n)
                for n, k, o in zip(df["name"], df["kind"], df["origin"], strict=True)]

    def _load(self, template: str | None) -> None:
        """Show the contact's draft for the template (their saved one, or a fresh one)."""
        self.message_id = None
        self._download.value = ""
        cid = self._contact.value
        if cid is None:
            self._template.value = template or emails.DEFAULT_TEMPLATE
            self._refresh()
            return
        try:
            draft = current_draft(self._wb, cid, template)
        except InfoviewError as exc:
            self._status.value = _ERROR.format(html.escape(str(exc)))
            return
        self._loading = True
        try:
            self._template.value = draft.template
            if self._kinds.get(draft.template) == "followup":
                self._rules.value = "followup"
            elif self._rules.value == "followup":
                self._rules.value = "classic"
            self._subject.value, self._body.value = draft.subject, draft.body
        finally:
            self._loading = False
        self._refresh()

    def _on_contact(self, change: dict[str, Any]) -> None:
        """Show the person's saved draft of the chosen kind, else the chosen template filled for them."""
        if change["new"] is None:
            return
        template = str(self._template.value)
        saved = _open_draft(self._wb, int(change["new"]), _kind(template))
        self._guard(lambda: self._load((saved or {}).get("template") or template))

    def _on_template(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self._guard(lambda: self._load(change["new"]))

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # an observer's error would be lost in the kernel log
            log.exception("composer")
            self._status.value = _ERROR.format(html.escape(f"{type(exc).__name__}: {exc}"))

    # -------------------------------------------------------------- the live check
    def _refresh(self, _change: object = None) -> None:
        if self._loading:
            return
        self._guard(self._show_check)

    def _show_check(self) -> None:
        cid = self._contact.value
        subject, body = self._subject.value, self._body.value
        self._download.value = ""  # an earlier file no longer matches the text
        if cid is None:
            self.result = None
            self._score.value = self._fixes.value = self._blanks.value = self._preview.value = ""
            self._mailto.value = ""
            return
        self.result = result = check_edited(self._wb, cid, subject, body, rules=self._rules.value)
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
            link = mailto_edited(self._wb, cid, subject, body)
        except InfoviewError as exc:
            self._mailto.value = _ERROR.format(html.escape(f"No mailto link: {exc}"))
        else:
            if link.startswith("mailto:"):  # never any other scheme
                self._mailto.value = (f'<a href="{html.escape(link, quote=True)}" class="infoview-mailto" '
                                      f'style="color:#0b57d0;text-decoration:underline">'
                                      f"Open in your mail program (mailto:)</a>")

    # -------------------------------------------------------------- buttons
    def _at(self) -> dt.datetime | None:
        return self._now() if self._now else None

    def _chosen(self) -> int:
        if self._contact.value is None:
            raise InfoviewError("choose a person first: nobody is on your outreach list yet (notebook 01)")
        return int(self._contact.value)

    def _args(self) -> tuple[int, str, str, str]:
        return self._chosen(), self._template.value, self._subject.value, self._body.value

    def submit(self) -> str:
        """Save the edited text as the contact's draft (saving again updates it)."""
        cid = self._chosen()
        self.message_id = save_edited(self._wb, *self._args(), at=self._at())
        left = blanks_in(self._subject.value + "\n" + self._body.value)
        more = f" Still to fill: {', '.join(left)}." if left else ""
        return f"Saved the draft to {_name(self._wb.contact(cid))} (message {self.message_id}).{more}"

    def mark_sent(self) -> str:
        """Mark the email sent (refused while blanks remain); schedules the 3/7-day routine."""
        cid = self._chosen()
        self.message_id = mid = mark_edited_sent(self._wb, *self._args(), at=self._at())
        msg = self._wb.message(mid)
        text = f"Marked sent to {_name(self._wb.contact(cid))} (message {mid})."
        due = reminders(self._wb, cid) if msg["kind"] == "outreach" else None
        if due is not None and not due.empty:
            text += " Reminders: " + "; ".join(
                f"{k.replace('_', ' ')} on {d:%a %d %b}" for k, d in zip(due["kind"], due["due_at"], strict=True)) + "."
        return text

    def write_eml(self) -> str:
        """Save the draft and write it as an ``.eml`` file: into ``out_dir``, else as a download link."""
        cid, template, subject, body = self._args()
        self.message_id = mid = save_edited(self._wb, cid, template, subject, body, at=self._at())
        if self._out_dir:
            path = drafting.export_eml(self._wb, mid, self._out_dir)
            return f"Saved (message {mid}) and wrote {path}: open it in your mail program."
        name, data = eml_bytes(self._wb, mid)
        self._download.value = (f'<a download="{html.escape(name)}" style="color:#0b57d0;text-decoration:underline" '
                                f'href="data:message/rfc822;base64,{base64.b64encode(data).decode("ascii")}">'
                                f"Download {html.escape(name)}</a>")
        return f"Saved (message {mid}): download {name} below and open it in your mail program."

    def refill(self) -> str:
        """Throw away the edits on screen and fill the chosen template again from the workbook."""
        cid = self._chosen()
        draft = drafting.compose(self._wb, cid, self._template.value)
        self._subject.value, self._body.value = draft.subject, draft.body
        return "Filled the template again (not saved yet)."

    # -------------------------------------------------------------- what it holds
    @property
    def contact_id(self) -> int | None:
        """The chosen person."""
        return self._contact.value

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
