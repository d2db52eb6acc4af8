"""Applying what a sync found, in one transaction through the steps' own rules; skipping it; undoing a sync."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.outreach.routine import ROUTINE_KINDS, mark_replied, schedule_no_reply_routine
from infoview_kit.store import Store, utc_iso
from infoview_kit.sync.classify import ACTIONS

log = logging.getLogger("infoview_kit")

#: The columns :func:`apply_matches` reads from each proposal (those of :func:`match_conversations`).
APPLY_COLUMNS = ("contact_id", "message_id", "action", "at", "evidence", "source_id", "channel", "incoming",
                 "address")


def _rows(proposals: pd.DataFrame | None) -> list[dict[str, Any]]:
    if proposals is None or len(proposals) == 0:
        return []
    missing = [c for c in APPLY_COLUMNS if c not in proposals.columns]
    if missing:
        raise InputFormatError(f"the proposals have no {', '.join(missing)} column; pass what "
                               "ik.match_conversations returns")
    rows = proposals.loc[:, list(APPLY_COLUMNS)].to_dict("records")
    for i, row in enumerate(rows):
        if row["action"] not in ACTIONS:
            raise InputFormatError(f"proposal {i + 1}: action {row['action']!r}: expected one of {', '.join(ACTIONS)}")
        row["message_id"] = None if pd.isna(row["message_id"]) else int(row["message_id"])
        if pd.isna(row["at"]):
            raise InputFormatError(f"proposal {i + 1} ({row['source_id']}): no date; expected when it happened")
        row["at"] = utc_iso(pd.Timestamp(row["at"]).to_pydatetime())
    return sorted(rows, key=lambda r: r["at"])


def _sent(wb: Store, row: dict[str, Any]) -> dict[str, Any] | None:
    """A draft went out: recorded as sent when it was, and the no-reply routine after a first email starts,
    as the Sent button does (:func:`outreach.routine.mark_sent`). The checks before sending (blanks, two
    attempts) guard what is about to go; this went already, so they do not hold it back."""
    msg = wb.message(_message(row))
    if msg["status"] != "draft":
        return None
    wb.record_sent(msg["id"], at=row["at"])
    if msg["kind"] == "outreach":
        schedule_no_reply_routine(wb, msg["contact_id"], msg["id"], row["at"])
    return {"sent": True}


def _replied(wb: Store, row: dict[str, Any]) -> dict[str, Any] | None:
    """An answer: recorded on the message as "They replied" does (:func:`outreach.routine.mark_replied`),
    which settles the no-reply routine. An answer to a message a bounce put back to a draft shows it
    arrived after all: it is sent again (as it was), then answered."""
    mid = _message(row)
    status = wb.message(mid)["status"]
    unbounced = False
    if status == "draft":
        bounce = _bounce_of(wb, mid)
        if bounce is None:
            raise InputFormatError(f"{row['evidence']}: your message is still a draft in the workbook; apply its "
                                   "sending first")
        wb.restore_sent(mid, bounce)
        status, unbounced = "sent", True
    if status != "sent" or not mark_replied(wb, mid, at=row["at"]):
        return None
    return {"replied_at": row["at"], "unbounced": unbounced}


def _bounce_of(wb: Store, message_id: int) -> dict[str, Any] | None:
    """What the standing bounce that put `message_id` back to a draft replaced, or None."""
    rows = wb.synced(live=True)
    rows = rows[(rows["action"] == "bounced").to_numpy(dtype=bool) & (rows["message_id"] == message_id).fillna(False)
                .to_numpy(dtype=bool)]
    undos = [json.loads(u) for u in rows["undo"] if isinstance(u, str)]
    undos = [u for u in undos if u.get("status")]
    return undos[-1] if undos else None


def _bounced(wb: Store, row: dict[str, Any]) -> dict[str, Any] | None:
    """A delivery failure: the message it concerns goes back to a draft (the step before), its no-reply
    routine is dropped; the address is flagged once the row is recorded."""
    mid = row["message_id"]
    if mid is None or wb.message(mid)["status"] != "sent":
        return {}
    try:
        return wb.revert_sent(mid, ROUTINE_KINDS)
    except InputFormatError as exc:  # another draft of that kind is open: the message stays as sent
        log.info("bounce of message %s: %s", mid, exc)
        return {}


def _auto_reply(wb: Store, row: dict[str, Any]) -> dict[str, Any] | None:
    wb.record_auto_reply(int(row["contact_id"]), row["message_id"], at=row["at"])
    return None


def _message(row: dict[str, Any]) -> int:
    if row["message_id"] is None:
        raise InputFormatError(f"{row['action']} from {row['source_id']}: the proposal names no message of the "
                               "workbook; match again")
    return int(row["message_id"])


_APPLY = {"sent": _sent, "replied": _replied, "bounced": _bounced, "auto_reply": _auto_reply,
          "interaction": lambda _wb, _row: None}


def apply_matches(wb: Store, proposals: pd.DataFrame, *, skipped: pd.DataFrame | None = None,
                  sources: Sequence[str] = (), at: dt.datetime | str | None = None) -> int:
    """Apply the proposals of :func:`match_conversations` the person kept, in one transaction; return the
    sync run's id (:meth:`Store.synced` lists what it recorded; :func:`undo_sync` takes it back).

    Each finding goes through the rule its button follows: ``sent`` records the draft sent when it went
    (and starts the no-reply routine after a first email), ``replied`` records the reply (and settles the
    routine), ``bounced`` flags the address and puts the message back to a draft, ``auto_reply`` and
    ``interaction`` are recorded (an interaction counts as being in touch). Every finding is recorded
    with the source message it came from, so a later sync proposes nothing new; `skipped` rows are
    recorded as skipped, so they are not proposed again either. The IMAP read marks in
    ``proposals.attrs["report"]["imap_state"]`` are kept for the next, incremental, read.

    Raises
    ------
    InputFormatError
        If a proposal lacks a column or names an unknown action; nothing is changed.
    NotFoundError
        If a proposal names a contact or message no longer in the workbook; nothing is changed.
    """
    rows, skips = _rows(proposals), _rows(skipped)
    done = set(wb.synced_keys().itertuples(index=False, name=None))  # applying again adds nothing
    rows = [r for r in rows if (str(r["source_id"]), int(r["contact_id"])) not in done]
    skips = [r for r in skips if (str(r["source_id"]), int(r["contact_id"])) not in done]
    report = dict((proposals.attrs if proposals is not None else {}).get("report", {}))
    with wb.transaction():
        run = wb.start_sync_run(list(sources) or [str(s) for s in report.get("sources", [])], at=at)
        for row in rows:
            wb.contact(int(row["contact_id"]))
            undo = _APPLY[row["action"]](wb, row)
            sid = wb.record_synced(run, {**row, "undo": undo, "skipped": False})
            if row["action"] == "bounced" and row["address"]:
                wb.flag_bounced(str(row["address"]), int(row["contact_id"]), sid, row["message_id"], at=row["at"])
        for row in skips:
            wb.record_synced(run, {**row, "undo": None, "skipped": True})
        state = report.get("imap_state") or {}
        if state:
            wb.set_sync_state(str(report.get("account") or report.get("source") or "imap"), state, at=at)
    log.info("sync run %d: %d applied, %d skipped", run, len(rows), len(skips))
    return run


def undo_sync(wb: Store, run_id: int | None = None, *, at: dt.datetime | str | None = None) -> int:
    """Take back what a sync run applied (default: the newest run that stands), in one transaction; return
    its id. Drafts marked sent are drafts again (their no-reply routine gone), replies are unrecorded (the
    routine open again), bounce flags are lifted and the message is sent again, and every finding of the
    run may be proposed again. The activity log keeps both the sync and its undoing.

    Raises
    ------
    NotFoundError
        If there is no such run, or no run that stands.
    InputFormatError
        If the run was undone already, or a newer run stands (undo that first); nothing is changed.
    """
    runs = wb.sync_runs()
    standing = runs[runs["undone_at"].isna().to_numpy(dtype=bool)]
    if run_id is None:
        if standing.empty:
            raise NotFoundError(f"no sync to undo in {wb.path}")
        run_id = int(standing["id"].max())
    if int(run_id) not in set(runs["id"]):
        raise NotFoundError(f"no sync run {run_id} in {wb.path}")
    if int(run_id) not in set(standing["id"]):
        raise InputFormatError(f"sync run {run_id} was undone already")
    newer = sorted(int(i) for i in standing["id"] if int(i) > int(run_id))
    if newer:
        raise InputFormatError(f"sync run {run_id}: undo the newer run {newer[-1]} first")
    rows = wb.synced(int(run_id))
    with wb.transaction():
        for row in reversed(rows.to_dict("records")):
            _undo_row(wb, row)
        wb.mark_run_undone(int(run_id), at=at)
    return int(run_id)


def _undo_row(wb: Store, row: dict[str, Any]) -> None:
    if row["skipped"] or not isinstance(row["undo"], str) or pd.isna(row["message_id"]):
        if row["action"] == "bounced":
            wb.unflag_bounced(int(row["id"]))
        return
    undo, mid = json.loads(row["undo"]), int(row["message_id"])
    if row["action"] == "sent" and undo.get("sent"):
        wb.revert_sent(mid, ROUTINE_KINDS)
    elif row["action"] == "replied":
        wb.revert_replied(mid, ROUTINE_KINDS, undo["replied_at"])
        if undo.get("unbounced"):  # back to the draft the bounce had made it
            wb.revert_sent(mid, ROUTINE_KINDS)
    elif row["action"] == "bounced":
        wb.unflag_bounced(int(row["id"]))
        if undo.get("status"):
            wb.restore_sent(mid, undo)


def applied_line(wb: Store, run_id: int) -> str:
    """Say what a sync run recorded, read back from the workbook: "Sync 3 applied 4 (1 sent, 2 replied,
    1 interaction), skipped 1.", or once undone "Undid sync 3: took back 4 (1 sent, 2 replied, 1 interaction)."."""
    rows = wb.synced(int(run_id))
    if rows.empty:
        return f"Sync {run_id} recorded nothing."
    done = rows[~rows["skipped"].to_numpy(dtype=bool)]
    counts = done["action"].value_counts()
    parts = ", ".join(f"{int(counts[a])} {a.replace('_', ' ')}" for a in ACTIONS if a in counts)
    skipped = int(rows["skipped"].sum())
    if rows["undone_at"].notna().all():
        return f"Undid sync {run_id}: took back {len(done)}" + (f" ({parts})" if parts else "") + "."
    return (f"Sync {run_id} applied {len(done)}" + (f" ({parts})" if parts else "")
            + (f", skipped {skipped}" if skipped else "") + ".")
