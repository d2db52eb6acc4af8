"""The demo workbook: an invented persona's 12-week history, replayed through the public API."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.paths import demo_workbook, project_root
from infoview_kit.outreach.drafting import TEMPLATE_KIND, save_composed
from infoview_kit.workbook import Workbook

log = logging.getLogger("infoview_kit")

def sample_dir() -> Path:
    """Return the folder of the invented sample data (``data/sample``)."""
    return project_root() / "data" / "sample"


def build_demo(out: str | os.PathLike[str] | None = None, *,
               sample: str | os.PathLike[str] | None = None) -> Path:
    """Build the demo workbook from the sample data, replacing any earlier one; return its path.

    The build is deterministic: every timestamp comes from the scripted history, so two builds
    hold the same data. It is written to a temporary file first and moved into place, so a
    failed build leaves the previous demo as it was.

    Raises
    ------
    InputFormatError
        If a line of ``history.jsonl`` is malformed (the message names the line).
    """
    src = Path(sample or sample_dir())
    target = Path(out or demo_workbook())
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".demo-", suffix=".sqlite", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        with Workbook.open(tmp, keep_backups=0) as wb:  # built from scratch: nothing to back up
            replay(wb, src)
            wb._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
    log.info("demo workbook written to %s", target)
    return target


def replay(wb: Workbook, sample: Path) -> None:
    """Set the persona's profile and replay ``history.jsonl`` into `wb`."""
    profile = json.loads((sample / "profile.json").read_text(encoding="utf-8"))
    tz = ZoneInfo(profile.get("timezone") or "UTC")
    first = None
    history = sample / "history.jsonl"
    with open(history, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                step = json.loads(line)
                at = dt.datetime.fromisoformat(step["at"]).replace(tzinfo=tz)
            except (ValueError, KeyError, TypeError) as exc:
                raise InputFormatError(f"{history.name}, line {lineno}: expected a JSON object with an ISO "
                                       f"'at' ({exc})", path=history, line=lineno) from None
            if first is None:
                first = at
                wb.set_profile(at=at, **profile)
            try:
                _apply(wb, sample, step, at, tz)
            except (InputFormatError, KeyError, LookupError) as exc:
                raise InputFormatError(f"{history.name}, line {lineno}: {exc}", path=history,
                                       line=lineno) from None


def _apply(wb: Workbook, sample: Path, step: dict[str, Any], at: dt.datetime, tz: ZoneInfo) -> None:
    do = step["do"]
    if do not in ACTIONS:
        raise KeyError(f"unknown action {do!r}; expected one of {', '.join(ACTIONS)}")
    _STEPS[do](wb, Step(sample, step, at, tz))


class Step(NamedTuple):
    """One line of the demo's scripted history, with where its files are and when it happens."""

    sample: Path
    fields: dict[str, Any]
    at: dt.datetime
    tz: ZoneInfo

    @property
    def who(self) -> str:
        return str(self.fields["who"])

    @property
    def kind(self) -> str:
        return str(self.fields.get("kind", "outreach"))

    def extra(self, *skip: str) -> dict[str, Any]:
        return {k: v for k, v in self.fields.items() if k not in ("at", "do", *skip)}


def _import(wb: Workbook, s: Step) -> None:
    wb.import_contacts(s.sample / s.fields["file"], at=s.at)


def _rate(wb: Workbook, s: Step) -> None:
    from infoview_kit.find.targets import apply_ratings

    apply_ratings(wb, s.fields["ratings"])


def _contact(wb: Workbook, s: Step) -> None:
    fields = s.extra()
    if "referred_by" in fields:
        fields["referred_by"] = wb.find_contact(fields["referred_by"])
    wb.add_contact(source="referral" if fields.get("referred_by") else "manual", at=s.at, **fields)


def _target(wb: Workbook, s: Step) -> None:
    wb.set_target(wb.find_contact(s.who), at=s.at)


def _research(wb: Workbook, s: Step) -> None:
    fields = s.extra("who", "kind", "title")
    wb.add_research(wb.find_contact(s.who), s.fields["kind"], s.fields["title"], at=s.at, **fields)


def _draft(wb: Workbook, s: Step) -> None:
    template = s.fields.get("template", "seed")
    if TEMPLATE_KIND.get(template) != s.kind:
        raise KeyError(f"template {template!r} does not write a {s.kind} message")
    save_composed(wb, wb.find_contact(s.who), template, at=s.at)


def _send_or_reply(wb: Workbook, s: Step) -> None:
    send = s.fields["do"] == "send"
    msgs = wb.messages(wb.find_contact(s.who))
    msgs = msgs[(msgs["kind"] == s.kind) & (msgs["status"] == ("draft" if send else "sent"))]
    if msgs.empty:
        raise LookupError(f"no {'draft' if send else 'sent'} {s.kind} message to {s.who}")
    message_id = int(msgs["id"].iloc[-1])
    (wb.mark_sent if send else wb.mark_replied)(message_id, at=s.at)


def _schedule(wb: Workbook, s: Step) -> None:
    start = dt.datetime.fromisoformat(s.fields["start"])
    wb.schedule_meeting(wb.find_contact(s.who), start, duration_min=s.fields.get("minutes", 30),
                        place=s.fields.get("place"), timezone=str(s.tz), at=s.at)


def _held(wb: Workbook, s: Step) -> None:
    meetings = wb.meetings()
    mine = meetings[meetings["contact_id"] == wb.find_contact(s.who)]
    start = dt.datetime.fromisoformat(s.fields["start"]).replace(tzinfo=s.tz)
    end = dt.datetime.fromisoformat(s.fields["end"]).replace(tzinfo=s.tz)
    wb.log_meeting(int(mine["id"].iloc[-1]), actual_start=start, actual_end=end, notes=s.fields.get("notes"),
                   advice=s.fields.get("advice"), next_steps=s.fields.get("next_steps"))


def _done(wb: Workbook, s: Step) -> None:
    fu = wb.followups()
    open_ = fu[(fu["contact_id"] == wb.find_contact(s.who)) & (fu["kind"] == s.kind) & fu["done_at"].isna()]
    if open_.empty:
        raise LookupError(f"no open {s.kind} follow-up for {s.who}")
    wb.mark_followup_done(int(open_["id"].iloc[0]), at=s.at)


_STEPS: dict[str, Callable[[Workbook, Step], None]] = {
    "import": _import, "rate": _rate, "target": _target, "research": _research, "contact": _contact,
    "draft": _draft, "send": _send_or_reply, "reply": _send_or_reply, "schedule": _schedule, "held": _held,
    "done": _done,
}
#: What a line of the sample history may do.
ACTIONS = tuple(_STEPS)


def demo_parameters() -> dict[str, dict[str, str]]:
    """Return the notebook parameters a demo report run uses, beyond workbook, today and out_dir:
    the sample export to import, a fact to record, and the meeting of the day before to log."""
    return {
        "01_find_contacts.ipynb": {"contacts_file": str(sample_dir() / "Connections.csv"),
                                   "choose": "Tariq Rahman"},
        "02_research.ipynb": {"contact": "Victor Nakamura", "research_kind": "interest",
                              "research_title": "cycling",
                              "research_url": "https://example.org/riverton-cycling-club/members"},
        "03_draft_emails.ipynb": {"contact": "Tariq Rahman"},
        "04_log_interviews.ipynb": {
            "meeting": "Helen Whitaker", "log_start": "2026-11-24T14:02", "log_end": "2026-11-24T14:29",
            "log_notes": "Insurers hire analysts in spring after budgets are set; SQL tests are standard.",
            "log_advice": "Apply to the spring analyst cohort and practise timed SQL tests.",
            "log_next_steps": "Alex: sign up for the cohort alert and do one timed SQL test a week. "
                              "Helen: share the cohort opening date."},
    }
