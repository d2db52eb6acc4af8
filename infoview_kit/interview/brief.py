"""The one-page brief a person reads before the meeting and carries to it: who they are, what they
attained, common ground, the questions with their minutes, and a checklist; as HTML, and as a file."""

from __future__ import annotations

import contextlib
import html
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.text import clean_text
from infoview_kit.interview.clock import included_in_order, later, thank_you_due
from infoview_kit.interview.plan import plan_for_meeting
from infoview_kit.interview.questions import printable
from infoview_kit.interview.schedule import contact_name, is_link, local_time
from infoview_kit.outreach.mail import safe_filename
from infoview_kit.research.facts import common_ground_with

if TYPE_CHECKING:
    from infoview_kit.store import Store

__all__ = ["DEFAULT_CHECKLIST", "brief_filename", "brief_html", "render_brief", "write_brief"]

DEFAULT_CHECKLIST = (
    "Research reviewed: their profile, articles by or about them, common ground",
    "Questions ready, timed, and in order",
    "Notebook and pen",
    "A watch to keep time (not the phone)",
    "Dressed to impress, a step above their everyday dress",
    "Route checked, or video link and microphone tested",
    "Arrive (or join) 10 minutes early",
)


# ------------------------------------------------------------------------ the page


def render_brief(*, contact: Mapping[str, Any], meeting: Mapping[str, Any],
                 common_ground: Sequence[Mapping[str, Any]], accomplishments: Sequence[str], plan: pd.DataFrame,
                 checklist: Sequence[str] | None = None) -> str:
    """Return a one-page HTML brief to read before, and carry to, the meeting.

    Every value from ``contact``, ``meeting``, ``common_ground``, ``accomplishments``,
    ``plan`` and ``checklist`` is escaped; links are made only from ``http``/``https``
    addresses (anything else is shown as plain text). The page is self-contained
    (inline styles, no scripts) and prints on one A4 page.

    Parameters
    ----------
    contact
        ``name`` (or ``first_name`` and ``last_name``), ``position`` (or ``title``),
        ``company``, and optionally ``location``, ``profile_url``, ``summary``.
    meeting
        ``start`` (datetime, date or text), ``duration_min``, and optionally
        ``location`` and ``video_link`` (or ``url``).
    common_ground
        Mappings with ``point`` (what you share), ``evidence`` (where you saw it) and
        optionally ``url``.
    accomplishments
        What they attained, one line each.
    plan
        A frame from :func:`plan_questions`; its included questions are listed in
        asking order with their minutes.
    checklist
        Preparation items; :data:`DEFAULT_CHECKLIST` when None.

    Returns
    -------
    str
        An HTML5 document.
    """
    e = _esc
    name = _value(contact, "name") or " ".join(
        v for v in (_value(contact, "first_name"), _value(contact, "last_name")) if v
    ) or "your contact"
    when, finish, thank_by = _when(meeting)
    attained = [f"<li>{e(a)}</li>" for a in (printable(a) for a in accomplishments) if a.strip()]
    questions = _plan_rows(plan)
    total = sum(m for _, m in questions)
    asked = [f"<li><span class=\"min\">{m} min</span> {e(t)}</li>" for t, m in questions]
    items = DEFAULT_CHECKLIST if checklist is None else checklist
    checks = [f"<li>{e(c)}</li>" for c in (printable(c) for c in items) if c.strip()]
    duration = _minutes_value(meeting)
    budget_note = f"{total} of {duration} min" if duration else f"{total} min"
    footer = "Keep time with a watch, not your phone. Send your thank-you note within 24 hours"
    footer += f" (by {e(thank_by)})." if thank_by else "."
    meta = _meta(meeting, when, finish)
    return "\n".join([
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>Brief: {e(name)}</title>",
        f"<style>{_BRIEF_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>Informational interview: {e(name)}</h1>",
        f"<p class=\"meta\">{' · '.join(meta)}</p></header>" if meta else "</header>",
        "<main class=\"cols\">",
        "<div>",
        f"<section><h2>Who they are</h2>{''.join(_who(contact, name))}</section>",
        _section("What they attained", attained),
        _section("Common ground", _ground(common_ground)),
        _section("Before you go", checks, cls="checklist"),
        "</div>",
        "<div>",
        _section(f"Questions ({budget_note})", asked, tag="ol", cls="questions"),
        "</div>",
        "</main>",
        f"<footer>{footer}</footer>",
        "</body>",
        "</html>",
        "",
    ])


def _who(contact: Mapping[str, Any], name: str) -> list[str]:
    e = _esc
    role = " at ".join(v for v in (_value(contact, "position", "title"), _value(contact, "company")) if v)
    who = [f"<p><strong>{e(name)}</strong>{(' · ' + e(role)) if role else ''}"
           f"{(' · ' + e(_value(contact, 'location'))) if _value(contact, 'location') else ''}</p>"]
    if _value(contact, "summary"):
        who.append(f"<p>{e(_value(contact, 'summary'))}</p>")
    if _value(contact, "profile_url"):
        who.append(f"<p class=\"small\">Profile: {_link(_value(contact, 'profile_url'))}</p>")
    return who


def _meta(meeting: Mapping[str, Any], when: str, finish: str) -> list[str]:
    meta = [m for m in (when, finish) if m]
    if _value(meeting, "location"):
        meta.append(f"at {_esc(_value(meeting, 'location'))}")
    video = _value(meeting, "video_link", "video_url", "url")
    if video:
        meta.append(f"video: {_link(video)}")
    return meta


def _ground(common_ground: Sequence[Mapping[str, Any]]) -> list[str]:
    ground = []
    for item in common_ground:
        point = _value(item, "point", "text", "what")
        evidence = _value(item, "evidence")
        url = _value(item, "url", "source_url")
        if not (point or evidence):
            continue
        line = f"<strong>{_esc(point)}</strong>" if point else ""
        if evidence:
            line += f"{' — ' if point else ''}<span class=\"evidence\">{_esc(evidence)}</span>"
        if url:
            line += f" ({_link(url, 'source')})"
        ground.append(f"<li>{line}</li>")
    return ground


def _section(title: str, body: list[str], tag: str = "ul", cls: str = "") -> str:
    if not body:
        body, tag = ["<li class=\"none\">Nothing recorded yet.</li>"], "ul"
    klass = f" class=\"{cls}\"" if cls else ""
    return f"<section><h2>{title}</h2><{tag}{klass}>{''.join(body)}</{tag}></section>"


_BRIEF_CSS = """
@page { margin: 12mm }  /* the paper the printer has: A4 or Letter, one page either way */
* { box-sizing: border-box }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111;
       max-width: 186mm; margin: 1em auto; padding: 0 1em }
h1 { font-size: 14pt; margin: 0 0 1mm }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; padding-bottom: .5mm; border-bottom: 1px solid #bbb }
p { margin: 0 0 1.5mm }
ul, ol { margin: 0; padding-left: 5mm }
li { margin: 0 0 1mm }
.meta, .small, .evidence, footer { color: #444 }
.small, footer { font-size: 8.5pt }
.cols { display: grid; grid-template-columns: 1fr 1.15fr; gap: 6mm }
.questions .min { display: inline-block; min-width: 3.2em; color: #555; font-variant-numeric: tabular-nums }
.checklist { list-style: none; padding-left: 0 }
.checklist li::before { content: "\\2610\\00a0" }
.none { color: #777; font-style: italic }
footer { margin-top: 3mm; border-top: 1px solid #bbb; padding-top: 1mm }
section { break-inside: avoid }
@media print {
  body { font-size: 9pt; margin: 0; padding: 0; max-width: none }
  a { color: inherit; text-decoration: none }
}
"""


def _esc(value: Any) -> str:
    return html.escape(printable(value), quote=True)


def _value(mapping: Mapping[str, Any], *keys: str) -> str:
    """Return the first non-empty value among ``keys`` as clean text, else ""."""
    for key in keys:
        text = printable(mapping.get(key)).strip()
        if text:
            return text
    return ""


def _safe_url(url: str) -> str | None:
    """Return ``url`` if it is a plain http(s) link, else None (never linked)."""
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _link(url: str, label: str | None = None) -> str:
    safe = _safe_url(url)
    text = html.escape(label if label is not None else url, quote=True)
    if safe is None:
        return text
    return f"<a href=\"{html.escape(safe, quote=True)}\" rel=\"noopener noreferrer\">{text}</a>"


def _minutes_value(meeting: Mapping[str, Any]) -> int | None:
    value = meeting.get("duration_min")
    try:
        return int(value) if value is not None and not pd.isna(value) else None
    except (TypeError, ValueError):
        return None


def _when(meeting: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return escaped (start, finish, thank-you deadline) texts for the brief."""
    start = meeting.get("start")
    duration = _minutes_value(meeting)
    if isinstance(start, datetime):
        zone = start.strftime(" %Z") if start.tzinfo else ""
        when = _esc(start.strftime("%a %d %b %Y, %H:%M") + zone)
        if duration:
            end = later(start, timedelta(minutes=duration))
            due = thank_you_due(end)
            return (when, _esc(f"{duration} min, finish by {end:%H:%M}"),
                    f"{due:%a %d %b, %H:%M}")
        return when, "", ""
    if isinstance(start, date):
        return _esc(f"{start:%a %d %b %Y}"), _esc(f"{duration} min") if duration else "", ""
    return _esc(start), _esc(f"{duration} min") if duration else "", ""


def _plan_rows(plan: pd.DataFrame) -> list[tuple[str, int]]:
    if plan is None or len(plan) == 0 or "text" not in plan.columns:
        return []
    rows = included_in_order(plan)
    minutes = rows["minutes"] if "minutes" in rows.columns else pd.Series(0, index=rows.index)
    return [(printable(t), int(m) if not pd.isna(m) else 0) for t, m in zip(rows["text"], minutes, strict=True)]


# ------------------------------------------------------------------------ a meeting's brief


def brief_html(wb: Store, meeting_id: int | None) -> str:
    """Return the one-page HTML brief for a meeting (see :func:`render_brief`): who they
    are, what they attained, common ground, the saved question plan (else the suggested one) with
    its minutes, and the preparation checklist; "" when `meeting_id` is None (none chosen yet)."""
    if meeting_id is None:
        return ""
    m = wb.meeting(meeting_id)
    cid = m["contact_id"]
    contact = wb.contact(cid)
    research = wb.research(cid)
    done = research[research["kind"] == "accomplishment"]
    accomplishments = [f"{t}, {o}" if isinstance(o, str) and o else str(t)
                       for t, o in zip(done["title"], done["organization"].astype(object), strict=True)]
    ground = [{"point": str(g["sentence"]).rstrip("."), "evidence": g["evidence"], "url": g["source_url"]}
              for g in common_ground_with(wb, cid).to_dict("records")]
    plan = wb.questions(meeting_id)
    if plan.empty:
        with contextlib.suppress(InputFormatError):  # under 10 minutes: no plan
            plan = plan_for_meeting(wb, meeting_id)
    place = clean_text(m["place"]) or ""
    where = {"video_link": place} if is_link(place) else {"location": place}
    return render_brief(
        contact={"name": contact_name(contact), "position": contact.get("position"), "company": contact.get("company"),
                 "profile_url": contact.get("profile_url"), "summary": contact.get("notes")},
        meeting={"start": local_time(m["starts_at"], m["timezone"]), "duration_min": int(m["duration_min"]), **where},
        common_ground=ground, accomplishments=accomplishments, plan=plan)


def brief_filename(wb: Store, meeting_id: int) -> str:
    """Return the file name of a meeting's brief."""
    m = wb.meeting(meeting_id)
    return safe_filename(f"{int(meeting_id):04d}-brief-{contact_name(wb.contact(m['contact_id']))}") + ".html"


def write_brief(wb: Store, meeting_id: int, out_dir: str | os.PathLike[str]) -> Path:
    """Write a meeting's one-page brief (:func:`brief_html`) into `out_dir`; return its path."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / brief_filename(wb, meeting_id)
    path.write_text(brief_html(wb, meeting_id), encoding="utf-8")
    return path

