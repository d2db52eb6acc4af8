"""The composer's panels (ipywidgets): the live check of the text (score and fixes, blanks, preview, mailto: link,
.eml download) and what follows a message (They replied, what is next, the reminders); what they show is computed
by :mod:`infoview_kit.outreach` and :mod:`infoview_kit.followup.pending`."""

from __future__ import annotations

import base64
import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InfoviewError
from infoview_kit.followup import pending
from infoview_kit.outreach import drafting, present
from infoview_kit.outreach.checks import CheckResult
from infoview_kit.outreach.mail import mailto_link
from infoview_kit.outreach.messages import check_fields, full_name
from infoview_kit.views.forms import _ERROR, _OK, _STYLE

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

__all__ = ["DraftCheck", "NextSteps"]

_LINK_STYLE = "color:#0b57d0;text-decoration:underline"


class DraftCheck:
    """The live check of an email to a person, in the widgets the composer lays out: `box` (the check: score,
    fixes, blanks), `preview`, `mailto` and `download`.

    What the workbook knows of the person (:func:`drafting.draft_fields`) is read once per person, and again
    after :meth:`forget` (the composer calls it when the workbook changed).
    """

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self._fields: tuple[int, dict[str, Any], dict[str, str]] | None = None
        self.score, self.fixes, self.blanks, self.preview, self.mailto = (w.HTML() for _ in range(5))
        self.download = w.HTML(layout={"margin": "0 0 0 24px"})
        self.box = w.VBox([w.HTML("<b>Check</b>"), self.score, self.fixes, self.blanks],
                          layout={"flex": "1 1 16rem", "min_width": "14rem", "max_width": "30rem",
                                  "padding": "0 0 0 12px"})

    def forget(self, keep: int | None = None) -> None:
        """Read the person's fields again on the next check (all of them, or unless they are `keep`'s)."""
        if self._fields is not None and (keep is None or self._fields[0] != keep):
            self._fields = None

    def show(self, contact_id: int | None, subject: str, body: str, rules: str) -> CheckResult | None:
        """Check the text for the person and show the result; return it (None, and nothing shown, for nobody)."""
        self.download.value = ""  # an earlier file no longer matches the text
        if contact_id is None:
            self.score.value = self.fixes.value = self.blanks.value = self.preview.value = ""
            self.mailto.value = ""
            return None
        if self._fields is None or self._fields[0] != contact_id:
            self._fields = (contact_id, drafting.draft_fields(self._wb, contact_id),
                            drafting.blank_hints(self._wb, contact_id))
        result = check_fields(self._fields[1], subject, body, rules=rules)
        self.score.value = present.score_html(result)
        self.fixes.value = present.fixes_html(result) or _OK.format("Every rule passes.")
        self.blanks.value = present.blanks_html(subject, body, self._fields[2])
        person = self._wb.contact(contact_id)
        to = full_name(person) + (f" <{person['email']}>" if person.get("email") else "")
        self.preview.value = present.preview_html(subject, body, to=to)
        try:
            link = mailto_link(person.get("email") or "", subject, body)
        except InfoviewError as exc:
            self.mailto.value = _ERROR.format(html.escape(f"No mailto link: {exc}"))
        else:
            if link.startswith("mailto:"):  # never any other scheme
                self.mailto.value = (f'<a href="{html.escape(link, quote=True)}" class="infoview-mailto" '
                                     f'style="{_LINK_STYLE}">Open in your mail program (mailto:)</a>')
        return result

    def offer(self, name: str, data: bytes) -> None:
        """Show a link that downloads `data` (an ``.eml`` file's bytes) as `name`."""
        self.download.value = (f'<a download="{html.escape(name)}" style="{_LINK_STYLE}" '
                               f'href="data:message/rfc822;base64,{base64.b64encode(data).decode("ascii")}">'
                               f"Download {html.escape(name)}</a>")

    @property
    def html(self) -> str:
        """The score, fixes and blanks as shown (HTML)."""
        return str(self.score.value + self.fixes.value + self.blanks.value)


class NextSteps:
    """What follows a message to a person, in widgets the composer lays out (`rows`): "They replied on" with
    its button, what is next (with "Write the ..." when it is due: :func:`pending.write_next_label`), and the
    reminders when there are several. The composer wires the two buttons."""

    def __init__(self, today: dt.date) -> None:
        self.step: dict[str, Any] | None = None
        self.reminder_text = ""
        self.reply_on = w.DatePicker(description="They replied on", value=today, style=_STYLE,
                                     layout={"width": "20rem"})
        self.reply = w.Button(description="They replied", icon="reply", layout={"width": "auto"},
                              tooltip="Record their answer to the last message you sent them, on this day")
        self.next = w.HTML()
        self.next_button = w.Button(description="Write next", icon="pencil",
                                    layout={"width": "auto", "display": "none"})
        self.reminders = w.HTML()
        self.rows = [w.HBox([self.reply_on, self.reply]),
                     w.HBox([self.next, self.next_button], layout={"align_items": "center"}), self.reminders]

    def clear(self) -> None:
        """Nobody chosen: nothing next, no reminders, nothing to record."""
        self.next.value = self.reminders.value = self.reminder_text = ""
        self.reply.disabled = True
        self.next_button.layout.display = "none"

    def show(self, items: pd.DataFrame, msgs: pd.DataFrame, *, stage: str | None, kind: str,
             read_only: bool) -> None:
        """Show a person's open follow-ups (rows of :func:`pending.open_items`) given their messages, the stage
        they reached, and the kind of the message shown (and whether it was sent)."""
        self.reply.disabled = not (msgs["status"] == "sent").any()
        self.reminder_text = pending.reminder_line(items)
        # one reminder is the next step below; several are listed
        self.reminders.value = ("<b>Reminders:</b>" + html.escape(self.reminder_text[len("Reminders:"):])
                                if len(items) > 1 else "")
        self.step = step = pending.step_of(items)
        self.next.value = pending.next_html(step, msgs=msgs, stage=stage, read_only=read_only)
        label = pending.write_next_label(step, kind=kind, read_only=read_only)
        self.next_button.layout.display = "none" if label is None else None
        if label is not None:
            self.next_button.description = label
