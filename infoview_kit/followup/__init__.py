"""Step 5, follow up and chart progress (notebook 05): rules, progress drafts, reminders."""

from __future__ import annotations

from infoview_kit.followup.pending import next_step as next_step
from infoview_kit.followup.pending import open_items as open_items
from infoview_kit.followup.pending import reminders_for as reminders_for
from infoview_kit.followup.rules import reminders_ics_bytes as reminders_ics_bytes

__all__ = ["next_step", "open_items", "reminders_for", "reminders_ics_bytes"]
