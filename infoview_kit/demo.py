"""The demo workbook: an invented persona's 12-week history, replayed through the public API."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.paths import demo_workbook, project_root
from infoview_kit.outreach.drafting import TEMPLATE_KIND, save_composed
from infoview_kit.workbook import Workbook

log = logging.getLogger("infoview_kit")

ACTIONS = ("import", "rate", "target", "research", "contact", "draft", "send", "reply", "schedule", "held", "done")


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
    if do == "import":
        wb.import_contacts(sample / step["file"], at=at)
        return
    if do == "rate":
        from infoview_kit.find.targets import apply_ratings

        apply_ratings(wb, step["ratings"])
        return
    if do == "contact":
        fields = {k: v for k, v in step.items() if k not in ("at", "do")}
        if "referred_by" in fields:
            fields["referred_by"] = wb.find_contact(fields["referred_by"])
        wb.add_contact(source="referral" if fields.get("referred_by") else "manual", at=at, **fields)
        return
    cid = wb.find_contact(step["who"])
    kind = step.get("kind", "outreach")
    if do == "target":
        wb.set_target(cid, at=at)
    elif do == "research":
        fields = {k: v for k, v in step.items() if k not in ("at", "do", "who", "kind", "title")}
        wb.add_research(cid, step["kind"], step["title"], at=at, **fields)
    elif do == "draft":
        template = step.get("template", "seed")
        if TEMPLATE_KIND.get(template) != kind:
            raise KeyError(f"template {template!r} does not write a {kind} message")
        save_composed(wb, cid, template, at=at)
    elif do in ("send", "reply"):
        msgs = wb.messages(cid)
        msgs = msgs[(msgs["kind"] == kind) & (msgs["status"] == ("draft" if do == "send" else "sent"))]
        if msgs.empty:
            raise LookupError(f"no {'draft' if do == 'send' else 'sent'} {kind} message to {step['who']}")
        message_id = int(msgs["id"].iloc[-1])
        (wb.mark_sent if do == "send" else wb.mark_replied)(message_id, at=at)
    elif do == "schedule":
        start = dt.datetime.fromisoformat(step["start"])
        wb.schedule_meeting(cid, start, duration_min=step.get("minutes", 30), place=step.get("place"),
                            timezone=str(tz), at=at)
    elif do == "held":
        meetings = wb.meetings()
        mine = meetings[meetings["contact_id"] == cid]
        start = dt.datetime.fromisoformat(step["start"]).replace(tzinfo=tz)
        end = dt.datetime.fromisoformat(step["end"]).replace(tzinfo=tz)
        wb.log_meeting(int(mine["id"].iloc[-1]), actual_start=start, actual_end=end, notes=step.get("notes"),
                       advice=step.get("advice"), next_steps=step.get("next_steps"))
    elif do == "done":
        fu = wb.followups()
        open_ = fu[(fu["contact_id"] == cid) & (fu["kind"] == kind) & fu["done_at"].isna()]
        if open_.empty:
            raise LookupError(f"no open {kind} follow-up for {step['who']}")
        wb.mark_followup_done(int(open_["id"].iloc[0]), at=at)


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
