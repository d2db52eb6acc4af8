"""How drafts, checks and messages are shown, built without widgets: the composer's panels and notebook 03's
outputs (HTML with every value escaped, and one-line texts)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.text import blanks_in
from infoview_kit.outreach.checks import CheckResult
from infoview_kit.outreach.messages import KIND_LABELS, full_name, local_day, message_kind
from infoview_kit.outreach.templates import FIELD_HELP, Draft
from infoview_kit.store.store import Store

__all__ = [
    "NEW_MESSAGE",
    "blanks_html",
    "blanks_line",
    "draft_html",
    "findings_table",
    "fixes_html",
    "message_choices",
    "message_state",
    "preview_html",
    "score_html",
    "score_line",
    "template_choices",
    "who_for",
    "who_html",
]

#: The first choice of the composer's message list: a new message from the template (value 0).
NEW_MESSAGE = ("New message from the template", 0)
_LIST = '<ul style="margin:4px 0;padding-left:1.2em">'


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


def draft_html(draft: Draft | None) -> str:
    """Return the preview of a draft (:func:`preview_html`), or say that nobody is chosen yet (None)."""
    if draft is None:
        return "<p>Nobody to write to yet: choose people in notebook 01.</p>"
    return preview_html(draft.subject, draft.body)


def blanks_line(draft: Draft | None, hints: Mapping[str, str] | None = None) -> str:
    """Say which blanks a draft still has: "Blanks still to fill: ..." or "No blanks left."; with `hints`
    (:func:`drafting.blank_hints`, from the person's research) each blank says what it expects."""
    if not (draft and draft.missing):
        return "No blanks left."
    if hints is None:
        return "Blanks still to fill: " + ", ".join(draft.missing)
    return "Blanks still to fill:\n" + "\n".join(f"- [{b}]: {hints.get(b, FIELD_HELP.get(b, ''))}"
                                                 for b in draft.missing)


def score_line(result: CheckResult | None) -> str:
    """Say the score of a check: "score 90/100 with the classic rules" ("" for None)."""
    return f"score {result.score}/100 with the {result.rules} rules" if result else ""


def findings_table(result: CheckResult | None) -> pd.DataFrame:
    """Return the findings of a check (:meth:`CheckResult.to_frame`: rule, passed, message); empty for None."""
    return result.to_frame() if result else pd.DataFrame(columns=["rule", "passed", "message"])


def score_html(result: CheckResult) -> str:
    """The score as the composer shows it, coloured: green when every rule passes, amber from 70, else red."""
    color = "#00703c" if result.passed else "#8a5300" if result.score >= 70 else "#b00020"
    return (f'<span class="infoview-score" style="font-size:1.2em;color:{color}">'
            f"Score {result.score}/100</span> ({html.escape(result.rules)} rules, {len(result.fixes)} to fix)")


def fixes_html(result: CheckResult) -> str:
    """The fixes of a check as an HTML list ("" when every rule passes)."""
    if not result.fixes:
        return ""
    return _LIST + "".join(f"<li>{html.escape(fix)}</li>" for fix in result.fixes) + "</ul>"


def blanks_html(subject: str, body: str, hints: Mapping[str, str] | None = None) -> str:
    """The blanks left in the text, each with what it expects, as HTML: the person's own `hints`
    (:func:`drafting.blank_hints`, taken from their research) where given, else :data:`templates.FIELD_HELP`."""
    blanks = blanks_in(subject + "\n" + body)
    if not blanks:
        return "No blanks left."
    hints = FIELD_HELP if hints is None else hints
    return ("<b>Blanks to fill:</b>" + _LIST + "".join(
        f"<li><code>[{html.escape(b)}]</code> {html.escape(hints.get(b, FIELD_HELP.get(b, '')))}</li>"
        for b in blanks) + "</ul>")


def who_html(person: dict[str, Any], stage: str | None, bounced: str = "") -> str:
    """The composer's line on whom the message is for: name, employer and the furthest stage they reached,
    and under it, when `bounced` says so, that mail to their address came back."""
    esc = html.escape
    warn = (f'<br><span style="color:#b00020">{esc(bounced)}</span>' if bounced else "")
    return (f'<div class="infoview-who" style="margin-left:9.5rem"><b>{esc(full_name(person))}</b>'
            f" · {esc(person.get('company') or '?')} · {esc(stage or 'not on your outreach list yet')}{warn}</div>")


def who_for(wb: Store, contact_id: int, stage: str | None) -> str:
    """:func:`who_html` for a contact of `wb`, warning when their email is an address sync found bouncing
    (a delivery failure: :func:`infoview_kit.sync.apply_matches`). Once the address is corrected, the
    warning goes: it is about the address, not the person."""
    person = wb.contact(contact_id)
    email = str(person.get("email") or "").strip().lower()
    flagged = wb.bounced_addresses()
    hit = flagged[(flagged["contact_id"] == contact_id) & (flagged["address"] == email)] if email else flagged[:0]
    bounced = ("" if hit.empty else f"Mail to {email} bounced (a delivery failure on "
               f"{hit['at'].iloc[-1]:%d %b %Y}): check the address before you send again.")
    return who_html(person, stage, bounced)


def template_choices(templates: pd.DataFrame) -> list[tuple[str, str]]:
    """The composer's template list from :func:`templates.list_templates`: "short (first email)", "mine (first
    email, yours)", with the template name as value."""
    return [(f"{n} ({KIND_LABELS.get(message_kind(n), message_kind(n))}{', yours' if o == 'user' else ''})", n)
            for n, o in zip(templates["name"], templates["origin"], strict=True)]


def message_choices(msgs: pd.DataFrame, zone: ZoneInfo) -> list[tuple[str, int]]:
    """The composer's list of a person's messages, newest first, after :data:`NEW_MESSAGE`: "nudge · sent Tue
    03 Nov, replied · Subject..." with the message id as value (`msgs` from :meth:`Workbook.messages`)."""
    options: list[tuple[str, int]] = [NEW_MESSAGE]
    for m in msgs.sort_values(["drafted_at", "id"], ascending=False).to_dict("records"):
        when = (f"sent {local_day(m['sent_at'], zone)}" if m["status"] != "draft" else
                f"draft {local_day(m['drafted_at'], zone)}")
        replied = ", replied" if m["status"] == "replied" else ""
        subject = str(m["subject"] or "")
        options.append((f"{KIND_LABELS.get(str(m['kind']), m['kind'])} · {when}{replied} · "
                        f"{subject[:48]}{'…' if len(subject) > 48 else ''}", int(m["id"])))
    return options


def message_state(shown: dict[str, Any] | None, *, kind: str, template: str, message_id: int | None,
                  filled: bool, zone: ZoneInfo) -> str:
    """Say what the message on screen is, as HTML: new from a template (not saved yet), a draft, or sent.

    Parameters
    ----------
    shown
        The stored message shown (a row of :meth:`Workbook.messages`), None when the text is not stored.
    kind, template
        The kind of message and the template it started from.
    message_id
        The person's stored draft that saving would replace (a new text over a saved draft), else the
        message shown.
    filled
        True when the text on screen was filled from the template, not saved, and editable.
    zone
        The user's time zone, for the dates.
    """
    label, esc = html.escape(KIND_LABELS.get(kind, kind)), html.escape
    if shown is None:
        return f"<b>New {label}</b> from the \u2018{esc(template)}\u2019 template: not saved yet."
    if filled:
        return (f"<b>New {label}</b> from the \u2018{esc(template)}\u2019 template: not saved yet; "
                f"saving replaces the text of your saved draft (message {message_id}).")
    if shown["status"] == "draft":
        return f"<b>Draft {label}</b> (message {message_id}), saved {local_day(shown['drafted_at'], zone)}."
    replied = f"; they replied on {local_day(shown['replied_at'], zone)}" if shown["status"] == "replied" else ""
    return (f"<b>Sent {label}</b> on {local_day(shown['sent_at'], zone)} (message {message_id}){replied}"
            ". Shown as sent: it cannot be edited; write a new message from a template.")
