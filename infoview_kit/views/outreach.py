"""The composer for every kind of message: edit a draft with a live check and preview, save, export, mark it sent,
record the reply. The widgets only: what each button does is a headless call of :mod:`infoview_kit.outreach`."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InfoviewError, InputFormatError, NotFoundError
from infoview_kit.base.text import blanks_in
from infoview_kit.followup import pending
from infoview_kit.outreach import drafting, present
from infoview_kit.outreach.checks import CheckResult
from infoview_kit.outreach.messages import (
    KIND_LABELS,
    KIND_TEMPLATE,
    delete_draft,
    delete_question,
    eml_bytes,
    local_day,
    local_today,
    mark_message_sent,
    message_kind,
    message_to_open,
    open_draft,
    person_name,
    person_to_open,
    record_reply_on,
    reply_line,
    saved_line,
    stage_of,
    zone_of,
)
from infoview_kit.outreach.templates import DEFAULT_TEMPLATE, list_templates
from infoview_kit.views.forms import _ERROR, _STYLE, PersonPicker, _Form, run_with_status
from infoview_kit.views.outreach_panels import DraftCheck, NextSteps

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

__all__ = ["Composer"]

log = logging.getLogger("infoview_kit")

_NARROW = {"description_width": "4.5rem"}


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
        self._init_state(kind if message_id is None and template is None else None)
        self._cid = person_to_open(wb, contact_id, message_id=message_id)
        self._picker = PersonPicker(wb, self._cid, description="To") if choose_person else None
        self._create(rules)
        self._lay_out()
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
        self._observe()

    def _init_state(self, kind_wanted: str | None) -> None:
        self.message_id: int | None = None
        self.result: CheckResult | None = None
        self._loading = False
        self._readonly = False
        self._msg_kind = "outreach"
        self._loaded = ("", "")  # the text as last loaded, to tell the user's edits from the store's
        self._confirm: int | None = None  # the draft a first "Delete draft" click asked about
        self._filled = False
        self._quiet = False  # inside a button's action: it re-reads once, at its end
        self._switching: int | None = None  # another person was chosen: open them on the re-read that follows
        self._stage: str | None = None
        self._kind_wanted = kind_wanted

    def _create(self, rules: str) -> None:
        wb = self._wb
        self._who = w.HTML()
        self._message = w.Dropdown(description="Message", options=[present.NEW_MESSAGE], value=0,
                                   layout={"width": "36rem"}, style=_STYLE)
        templates = present.template_choices(list_templates(drafting.user_templates(wb)))
        self._template = w.Dropdown(description="Template", options=templates, layout={"width": "36rem"}, style=_STYLE)
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
        self._check = DraftCheck(self._wb)
        self._download = self._check.download
        self._after = NextSteps(local_today(self._wb, self._at()))
        self._reply_on, self._reply, self._next_button = (self._after.reply_on, self._after.reply,
                                                          self._after.next_button)

    def _lay_out(self) -> None:
        editor = w.VBox([self._subject, self._body], layout={"flex": "0 1 32rem", "min_width": "24rem"})
        # the check beside the text, below it when narrow
        edit = w.HBox([editor, self._check.box], layout={"flex_flow": "row wrap", "width": "100%"})
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
                               *self._after.rows, w.HBox([self._check.mailto, self._download]),
                               w.HTML("<b>Preview</b>"), self._check.preview)

    def _observe(self) -> None:
        if self._picker is not None:
            self._picker.observe(self._on_person, names="value")
        self._message.observe(self._on_message, names="value")
        self._template.observe(self._on_template, names="value")
        for ctl in (self._subject, self._body, self._rules):
            ctl.observe(self._refresh, names="value")
        if self._cid is not None and self._picker is not None and self._wb.current()["contact_id"] != self._cid:
            self._wb.set_current(contact_id=self._cid)  # the person shown is the one being worked on
        self._watch(self._wb)

    # -------------------------------------------------------------- options and loading
    def _set_text(self, subject: str, body: str) -> None:
        self._subject.value, self._body.value = subject, body
        self._loaded = (subject, body)

    def _open_message(self, mid: int) -> None:
        """Show a stored message: a draft to edit, or a sent one as sent."""
        msg = self._wb.message(mid)
        self._cid = int(msg["contact_id"])
        kind = str(msg["kind"])
        names = [v for _, v in self._template.options]
        template = msg["template"] if msg["template"] in names else KIND_TEMPLATE[kind]
        self._show(mid, kind, template, (msg["subject"] or "", msg["body"] or ""), read_only=msg["status"] != "draft")

    def _open_template(self, template: str, *, fresh: bool = False) -> None:
        """Show the person's open draft written from `template`, else the template filled for them (not
        saved: saving writes to their open draft of that kind, if any)."""
        assert self._cid is not None
        kind = message_kind(template)
        draft = open_draft(self._wb, self._cid, kind)
        if draft is not None and draft["template"] == template and not fresh:
            self._open_message(int(draft["id"]))
            return
        text = drafting.compose(self._wb, self._cid, template)
        self._show(None if draft is None else int(draft["id"]), kind, template, (text.subject, text.body),
                   read_only=False, filled=True)

    def _show(self, mid: int | None, kind: str, template: str, text: tuple[str, str], *, read_only: bool,
              filled: bool = False) -> None:
        """Load a message's text, kind and template without re-checking on each control, then re-read once."""
        self._loading = True
        try:
            self.message_id, self._msg_kind, self._template.value = mid, kind, template
            if kind != "outreach":
                self._rules.value = "followup"
            elif self._rules.value == "followup":
                self._rules.value = "classic"
            self._set_text(*text)
            self._readonly = read_only
        finally:
            self._loading = False
        self._after_load(filled=filled)

    def _open_default(self) -> None:
        """What makes sense for the person (:func:`messages.message_to_open`): their open draft, else their
        newest message (sent: shown as sent, with what is next), else a new message from the template."""
        assert self._cid is not None
        chosen = message_to_open(self._wb, self._cid, kind=self._kind_wanted, current_kind=self._msg_kind)
        if chosen is not None:
            self._open_message(chosen)
        elif self._kind_wanted is not None:
            self._open_template(KIND_TEMPLATE[self._kind_wanted])
        else:
            self._open_template(str(self._template.value) if self._template.value else DEFAULT_TEMPLATE)

    def _after_load(self, *, filled: bool = False) -> None:
        self._download.value = ""
        self._check.forget(keep=self._cid)
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
            self._who.value = self._state.value = ""
            self._after.clear()
            self._delete.disabled = True
            return
        wb = self._wb
        self._stage, active = stage_of(wb, cid)
        self._who.value = present.who_for(wb, cid, self._stage)
        msgs = wb.messages(cid)
        zone = zone_of(wb)
        options = present.message_choices(msgs, zone)
        self._loading = True
        try:
            self._message.options = options
            self._message.value = self.message_id if self.message_id in [v for _, v in options] else 0
        finally:
            self._loading = False
        rows = msgs[msgs["id"] == self.message_id] if self.message_id is not None else msgs.iloc[:0]
        shown = rows.iloc[0].to_dict() if not rows.empty else None
        self._state.value = present.message_state(shown, kind=self._msg_kind, template=self.template,
                                                  message_id=self.message_id,
                                                  filled=self._filled and not self._readonly, zone=zone)
        self._delete.disabled = shown is None or self._readonly or self._filled
        self._show_next(msgs, active)

    def _show_next(self, msgs: pd.DataFrame, active: bool) -> None:
        assert self._cid is not None
        if not active:
            mine = pd.DataFrame(columns=["kind", "due_at"])  # nothing sent, never met: nothing can be due
        else:
            items = pending.open_items(self._wb, local_today(self._wb, self._at()))
            mine = items[items["contact_id"] == self._cid]
        self._after.show(mine, msgs, stage=self._stage, kind=self._msg_kind, read_only=self._readonly)

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
        self._check.forget()
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
            draft = open_draft(self._wb, self._cid, self._kind_wanted)  # drafted elsewhere (Save log)
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
        self._check.forget()
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
        if not self._loading:
            self._guard(self._show_check)

    def _show_check(self) -> None:
        self.result = self._check.show(self._cid, self.subject, self.body, self._rules.value)

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

    def _chosen(self) -> int:
        if self._cid is None:
            raise InfoviewError("choose a person first: nobody is on your outreach list yet (notebook 01)")
        return self._cid

    def _editable(self) -> None:
        if self._readonly and self.message_id is not None:
            sent = local_day(self._wb.message(self.message_id)["sent_at"], zone_of(self._wb))
            raise InputFormatError(f"message {self.message_id} was sent on {sent}: "
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
        return saved_line(self._wb, mid, changed=changed)

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
        if self._after.reminder_text:
            text += " " + self._after.reminder_text
        return text

    def reply(self) -> str:
        """Record that they replied, on the day chosen (:func:`drafting.record_reply`)."""
        cid = self._chosen()
        with self._acting():
            mid = record_reply_on(self._wb, cid, self._reply_on.value, at=self._at())
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
        self._check.offer(name, data)
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
            return delete_question(self._wb, mid)
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
        step = self._after.step
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
        return str(self._check.preview.value)

    @property
    def check_html(self) -> str:
        """The score, fixes and blanks as shown (HTML)."""
        return self._check.html

    @property
    def mailto(self) -> str:
        """The mailto link as shown (HTML)."""
        return str(self._check.mailto.value)

    @property
    def state(self) -> str:
        """What the message shown is (new, draft, or sent on a date), as shown (HTML)."""
        return str(self._state.value)

    @property
    def next_html(self) -> str:
        """What is due next for the person, as shown (HTML)."""
        return str(self._after.next.value)

    @property
    def reminders_html(self) -> str:
        """The person's open follow-ups, as shown (HTML)."""
        return str(self._after.reminders.value)
