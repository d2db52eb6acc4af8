"""Step 5, follow up and chart progress (notebook 05): rules, what is due, progress drafts, reminders."""

from infoview_kit.followup.due import due as due
from infoview_kit.followup.due import due_frame as due_frame
from infoview_kit.followup.due import due_table as due_table
from infoview_kit.followup.due import followup_history as followup_history
from infoview_kit.followup.due import keep_in_touch as keep_in_touch
from infoview_kit.followup.due import mark_done as mark_done
from infoview_kit.followup.due import next_business_day as next_business_day
from infoview_kit.followup.due import open_followups as open_followups
from infoview_kit.followup.due import skip as skip
from infoview_kit.followup.due import snooze as snooze
from infoview_kit.followup.evidence import ANSWER_SOURCES as ANSWER_SOURCES
from infoview_kit.followup.evidence import answer_evidence as answer_evidence
from infoview_kit.followup.kinds import DEFAULT_CHECKIN_DAYS as DEFAULT_CHECKIN_DAYS
from infoview_kit.followup.kinds import DUE_COLUMNS as DUE_COLUMNS
from infoview_kit.followup.kinds import DUE_HOUR as DUE_HOUR
from infoview_kit.followup.kinds import KEEP_IN_TOUCH as KEEP_IN_TOUCH
from infoview_kit.followup.kinds import KIND_LABELS as KIND_LABELS
from infoview_kit.followup.kinds import MAX_UNANSWERED as MAX_UNANSWERED
from infoview_kit.followup.kinds import REFERRER_UPDATE_DAYS as REFERRER_UPDATE_DAYS
from infoview_kit.followup.kinds import STATUSES as STATUSES
from infoview_kit.followup.kinds import TEMPLATE_OF_KIND as TEMPLATE_OF_KIND
from infoview_kit.followup.pending import next_step as next_step
from infoview_kit.followup.pending import open_items as open_items
from infoview_kit.followup.pending import reminders_for as reminders_for
from infoview_kit.followup.progress import draft_due as draft_due
from infoview_kit.followup.progress import draft_preview as draft_preview
from infoview_kit.followup.progress import progress_steps as progress_steps
from infoview_kit.followup.reminders import reminders as reminders
from infoview_kit.followup.reminders import reminders_file as reminders_file
from infoview_kit.followup.reminders import reminders_ics_bytes as reminders_ics_bytes

__all__ = [
    "ANSWER_SOURCES",
    "DEFAULT_CHECKIN_DAYS",
    "DUE_COLUMNS",
    "DUE_HOUR",
    "KEEP_IN_TOUCH",
    "KIND_LABELS",
    "MAX_UNANSWERED",
    "REFERRER_UPDATE_DAYS",
    "STATUSES",
    "TEMPLATE_OF_KIND",
    "answer_evidence",
    "draft_due",
    "draft_preview",
    "due",
    "due_frame",
    "due_table",
    "followup_history",
    "keep_in_touch",
    "mark_done",
    "next_step",
    "next_business_day",
    "open_followups",
    "open_items",
    "progress_steps",
    "reminders",
    "reminders_file",
    "reminders_for",
    "reminders_ics_bytes",
    "skip",
    "snooze",
]
