"""The kinds of follow-up, what each asks you to do, and the numbers the follow-up rules go by."""

from __future__ import annotations

# The local hour a follow-up falls due on its day: one number, kept with the follow-ups table it stamps.
from infoview_kit.outreach.routine import ROUTINE_KINDS
from infoview_kit.store.schema import DUE_HOUR as DUE_HOUR

#: The no-reply routine of a first email (outreach's): a second contact at business day 3, a nudge at day 7.
ROUTINE = ROUTINE_KINDS

#: Status of a follow-up in :func:`infoview_kit.followup.due.due`, in the order the list is sorted.
STATUSES = ("overdue", "due", "upcoming")
#: Follow-ups that keep a relationship going (as opposed to the no-reply routine).
KEEP_IN_TOUCH = ("thank_you", "referral_ask", "update", "checkin")
#: Days between check-ins with someone you met, unless their ``checkin_days`` says otherwise.
DEFAULT_CHECKIN_DAYS = 30
#: Days after an introduction when the update to whoever introduced you is due.
REFERRER_UPDATE_DAYS = 14
#: Keep-in-touch messages (check-ins and updates) in a row without an answer before a person is left to rest.
MAX_UNANSWERED = 2
#: The template that drafts each kind of follow-up (second contacts and meeting logs have none).
TEMPLATE_OF_KIND = {"thank_you": "thank_you", "nudge": "nudge", "referral_ask": "referral_ask",
                    "update": "update", "checkin": "checkin"}
#: What each kind asks you to do, for calendars and the board.
KIND_LABELS = {"thank_you": "Send a thank-you note", "second_contact": "Write to a second person",
               "nudge": "Send one short follow-up", "referral_ask": "Ask for an introduction",
               "update": "Send a progress update", "checkin": "Check in", "log_meeting": "Log the meeting"}
#: The columns of :func:`infoview_kit.followup.due.due`.
DUE_COLUMNS = ["key", "followup_id", "contact_id", "name", "company", "kind", "due_at", "status", "days", "why",
               "template", "source"]
