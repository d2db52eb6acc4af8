"""Step 3, draft the email (notebook 03): templates, checks, drafts as .eml/mailto, the follow-up routine."""

from __future__ import annotations

from infoview_kit.outreach.routine import check_sendable, mark_sent, schedule_no_reply_routine

__all__ = [
    "check_sendable",
    "mark_sent",
    "schedule_no_reply_routine",
]
