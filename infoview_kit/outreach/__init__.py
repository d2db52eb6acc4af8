"""Step 3, draft the email (notebook 03): templates, checks, drafts as .eml/mailto, a person's messages and the
replies; the no-reply routine after a first email is sent."""

from __future__ import annotations

from infoview_kit.outreach.checks import RULE_SETS as RULE_SETS
from infoview_kit.outreach.checks import CheckResult as CheckResult
from infoview_kit.outreach.checks import Finding as Finding
from infoview_kit.outreach.checks import check as check
from infoview_kit.outreach.drafting import TEMPLATE_KIND as TEMPLATE_KIND
from infoview_kit.outreach.drafting import blank_hints as blank_hints
from infoview_kit.outreach.drafting import compose as compose
from infoview_kit.outreach.drafting import draft_fields as draft_fields
from infoview_kit.outreach.drafting import export_eml as export_eml
from infoview_kit.outreach.drafting import mailto_for as mailto_for
from infoview_kit.outreach.drafting import progress_items as progress_items
from infoview_kit.outreach.drafting import record_reply as record_reply
from infoview_kit.outreach.drafting import save_composed as save_composed
from infoview_kit.outreach.drafting import user_templates as user_templates
from infoview_kit.outreach.mail import build_message as build_message
from infoview_kit.outreach.mail import mailto_link as mailto_link
from infoview_kit.outreach.mail import plain_text as plain_text
from infoview_kit.outreach.mail import safe_filename as safe_filename
from infoview_kit.outreach.mail import write_eml as write_eml
from infoview_kit.outreach.messages import HISTORY_COLUMNS as HISTORY_COLUMNS
from infoview_kit.outreach.messages import KIND_LABELS as KIND_LABELS
from infoview_kit.outreach.messages import KIND_TEMPLATE as KIND_TEMPLATE
from infoview_kit.outreach.messages import NO_REPLY_KINDS as NO_REPLY_KINDS
from infoview_kit.outreach.messages import check_draft as check_draft
from infoview_kit.outreach.messages import check_edited as check_edited
from infoview_kit.outreach.messages import check_fields as check_fields
from infoview_kit.outreach.messages import current_draft as current_draft
from infoview_kit.outreach.messages import delete_draft as delete_draft
from infoview_kit.outreach.messages import eml_bytes as eml_bytes
from infoview_kit.outreach.messages import export_draft as export_draft
from infoview_kit.outreach.messages import full_name as full_name
from infoview_kit.outreach.messages import local_day as local_day
from infoview_kit.outreach.messages import mailto_edited as mailto_edited
from infoview_kit.outreach.messages import mark_edited_sent as mark_edited_sent
from infoview_kit.outreach.messages import mark_message_sent as mark_message_sent
from infoview_kit.outreach.messages import message_history as message_history
from infoview_kit.outreach.messages import message_kind as message_kind
from infoview_kit.outreach.messages import message_to_open as message_to_open
from infoview_kit.outreach.messages import open_draft as open_draft
from infoview_kit.outreach.messages import open_person as open_person
from infoview_kit.outreach.messages import person_name as person_name
from infoview_kit.outreach.messages import reply_line as reply_line
from infoview_kit.outreach.messages import save_current_draft as save_current_draft
from infoview_kit.outreach.messages import save_edited as save_edited
from infoview_kit.outreach.messages import sent_line as sent_line
from infoview_kit.outreach.messages import stage_of as stage_of
from infoview_kit.outreach.messages import write_edited_eml as write_edited_eml
from infoview_kit.outreach.messages import zone_of as zone_of
from infoview_kit.outreach.present import NEW_MESSAGE as NEW_MESSAGE
from infoview_kit.outreach.present import blanks_html as blanks_html
from infoview_kit.outreach.present import blanks_line as blanks_line
from infoview_kit.outreach.present import draft_html as draft_html
from infoview_kit.outreach.present import findings_table as findings_table
from infoview_kit.outreach.present import fixes_html as fixes_html
from infoview_kit.outreach.present import message_choices as message_choices
from infoview_kit.outreach.present import message_state as message_state
from infoview_kit.outreach.present import preview_html as preview_html
from infoview_kit.outreach.present import score_html as score_html
from infoview_kit.outreach.present import score_line as score_line
from infoview_kit.outreach.replies import REPLY_CLASSES as REPLY_CLASSES
from infoview_kit.outreach.replies import classify_reply as classify_reply
from infoview_kit.outreach.routine import check_sendable as check_sendable
from infoview_kit.outreach.routine import mark_sent as mark_sent
from infoview_kit.outreach.routine import schedule_no_reply_routine as schedule_no_reply_routine
from infoview_kit.outreach.templates import BUILTIN_KINDS as BUILTIN_KINDS
from infoview_kit.outreach.templates import DEFAULT_TEMPLATE as DEFAULT_TEMPLATE
from infoview_kit.outreach.templates import FIELD_HELP as FIELD_HELP
from infoview_kit.outreach.templates import SUBJECT_PREFIX as SUBJECT_PREFIX
from infoview_kit.outreach.templates import Draft as Draft
from infoview_kit.outreach.templates import fill as fill
from infoview_kit.outreach.templates import list_templates as list_templates
from infoview_kit.outreach.templates import one_line as one_line
from infoview_kit.outreach.templates import template_fields as template_fields

__all__ = [
    "check_sendable",
    "mark_sent",
    "schedule_no_reply_routine",
    "BUILTIN_KINDS",
    "DEFAULT_TEMPLATE",
    "FIELD_HELP",
    "HISTORY_COLUMNS",
    "KIND_LABELS",
    "KIND_TEMPLATE",
    "NEW_MESSAGE",
    "NO_REPLY_KINDS",
    "REPLY_CLASSES",
    "RULE_SETS",
    "SUBJECT_PREFIX",
    "TEMPLATE_KIND",
    "CheckResult",
    "Draft",
    "Finding",
    "blanks_html",
    "blanks_line",
    "build_message",
    "check",
    "check_draft",
    "check_edited",
    "check_fields",
    "classify_reply",
    "compose",
    "current_draft",
    "delete_draft",
    "blank_hints",
    "draft_fields",
    "draft_html",
    "eml_bytes",
    "export_draft",
    "export_eml",
    "fill",
    "findings_table",
    "fixes_html",
    "full_name",
    "list_templates",
    "local_day",
    "mailto_edited",
    "mailto_for",
    "mailto_link",
    "mark_edited_sent",
    "mark_message_sent",
    "message_choices",
    "message_history",
    "message_kind",
    "message_state",
    "message_to_open",
    "one_line",
    "open_draft",
    "open_person",
    "person_name",
    "plain_text",
    "preview_html",
    "progress_items",
    "record_reply",
    "reply_line",
    "safe_filename",
    "save_composed",
    "save_current_draft",
    "save_edited",
    "score_html",
    "score_line",
    "sent_line",
    "stage_of",
    "template_fields",
    "user_templates",
    "write_edited_eml",
    "write_eml",
    "zone_of",
]
