"""Step 4, the interview (notebook 04): questions, plan, brief, calendar files, clock, log.

Modules: ``questions`` (the bank, and which questions research already answers online), ``plan``
(the question plan of a meeting), ``brief`` (the one-page brief), ``calendars`` (.ics files),
``clock`` (time in a meeting, thank-you timing), ``schedule`` (meetings on the calendar), ``log``
(the meeting log and referrals), ``closing`` (thank-you and referral ask), ``export`` (files to take
away).
"""

from infoview_kit.interview.brief import DEFAULT_CHECKLIST as DEFAULT_CHECKLIST
from infoview_kit.interview.brief import brief_filename as brief_filename
from infoview_kit.interview.brief import brief_html as brief_html
from infoview_kit.interview.brief import render_brief as render_brief
from infoview_kit.interview.brief import write_brief as write_brief
from infoview_kit.interview.calendars import cancel_ics as cancel_ics
from infoview_kit.interview.calendars import meeting_ics as meeting_ics
from infoview_kit.interview.calendars import read_ics as read_ics
from infoview_kit.interview.calendars import reminders_ics as reminders_ics
from infoview_kit.interview.calendars import uid_for as uid_for
from infoview_kit.interview.clock import MIN_MEETING_MINUTES as MIN_MEETING_MINUTES
from infoview_kit.interview.clock import MeetingClock as MeetingClock
from infoview_kit.interview.clock import buffer_minutes as buffer_minutes
from infoview_kit.interview.clock import is_overdue as is_overdue
from infoview_kit.interview.clock import thank_you_due as thank_you_due
from infoview_kit.interview.closing import REFERRAL_ASK_HOUR as REFERRAL_ASK_HOUR
from infoview_kit.interview.closing import Closing as Closing
from infoview_kit.interview.closing import after_meeting as after_meeting
from infoview_kit.interview.closing import close_the_loop as close_the_loop
from infoview_kit.interview.closing import closing_note as closing_note
from infoview_kit.interview.closing import meeting_followups as meeting_followups
from infoview_kit.interview.closing import meeting_thank_you as meeting_thank_you
from infoview_kit.interview.closing import referral_ask_due as referral_ask_due
from infoview_kit.interview.closing import thank_you_check as thank_you_check
from infoview_kit.interview.export import export_meeting_files as export_meeting_files
from infoview_kit.interview.export import take_away_files as take_away_files
from infoview_kit.interview.log import MeetingLog as MeetingLog
from infoview_kit.interview.log import add_referrals as add_referrals
from infoview_kit.interview.log import end_meeting as end_meeting
from infoview_kit.interview.log import log_from_parameters as log_from_parameters
from infoview_kit.interview.log import log_meeting_notes as log_meeting_notes
from infoview_kit.interview.log import log_summary as log_summary
from infoview_kit.interview.log import meeting_log_table as meeting_log_table
from infoview_kit.interview.log import parse_referrals as parse_referrals
from infoview_kit.interview.log import referrals_of as referrals_of
from infoview_kit.interview.log import start_meeting as start_meeting
from infoview_kit.interview.online import flag_online as flag_online
from infoview_kit.interview.online import online_answers as online_answers
from infoview_kit.interview.plan import EXTRA_MINUTES as EXTRA_MINUTES
from infoview_kit.interview.plan import PLAN_COLUMNS as PLAN_COLUMNS
from infoview_kit.interview.plan import ensure_plan as ensure_plan
from infoview_kit.interview.plan import left_out_questions as left_out_questions
from infoview_kit.interview.plan import move_question as move_question
from infoview_kit.interview.plan import plan_budget as plan_budget
from infoview_kit.interview.plan import plan_for_meeting as plan_for_meeting
from infoview_kit.interview.plan import plan_questions as plan_questions
from infoview_kit.interview.plan import replan as replan
from infoview_kit.interview.questions import BANK_COLUMNS as BANK_COLUMNS
from infoview_kit.interview.questions import load_bank as load_bank
from infoview_kit.interview.questions import question_bank as question_bank
from infoview_kit.interview.schedule import ALARM_MIN as ALARM_MIN
from infoview_kit.interview.schedule import OVERVIEW_COLUMNS as OVERVIEW_COLUMNS
from infoview_kit.interview.schedule import arrange_meeting as arrange_meeting
from infoview_kit.interview.schedule import calendar_filename as calendar_filename
from infoview_kit.interview.schedule import confirm_meeting as confirm_meeting
from infoview_kit.interview.schedule import describe_meeting as describe_meeting
from infoview_kit.interview.schedule import meeting_calendar as meeting_calendar
from infoview_kit.interview.schedule import meeting_choices as meeting_choices
from infoview_kit.interview.schedule import meeting_ics_bytes as meeting_ics_bytes
from infoview_kit.interview.schedule import meeting_start as meeting_start
from infoview_kit.interview.schedule import meetings_overview as meetings_overview
from infoview_kit.interview.schedule import meetings_summary as meetings_summary
from infoview_kit.interview.schedule import pick_meeting as pick_meeting
from infoview_kit.interview.schedule import propose_meeting as propose_meeting

__all__ = [
    "ALARM_MIN",
    "BANK_COLUMNS",
    "DEFAULT_CHECKLIST",
    "EXTRA_MINUTES",
    "MIN_MEETING_MINUTES",
    "OVERVIEW_COLUMNS",
    "PLAN_COLUMNS",
    "REFERRAL_ASK_HOUR",
    "Closing",
    "MeetingClock",
    "MeetingLog",
    "add_referrals",
    "after_meeting",
    "arrange_meeting",
    "brief_filename",
    "brief_html",
    "buffer_minutes",
    "calendar_filename",
    "cancel_ics",
    "close_the_loop",
    "closing_note",
    "confirm_meeting",
    "describe_meeting",
    "end_meeting",
    "ensure_plan",
    "export_meeting_files",
    "flag_online",
    "online_answers",
    "is_overdue",
    "left_out_questions",
    "load_bank",
    "log_from_parameters",
    "log_meeting_notes",
    "log_summary",
    "meeting_calendar",
    "meeting_choices",
    "meeting_followups",
    "meeting_ics",
    "meeting_ics_bytes",
    "meeting_log_table",
    "meeting_start",
    "meeting_thank_you",
    "meetings_overview",
    "meetings_summary",
    "move_question",
    "parse_referrals",
    "pick_meeting",
    "plan_budget",
    "plan_for_meeting",
    "plan_questions",
    "propose_meeting",
    "question_bank",
    "read_ics",
    "referral_ask_due",
    "referrals_of",
    "reminders_ics",
    "render_brief",
    "replan",
    "start_meeting",
    "take_away_files",
    "thank_you_check",
    "thank_you_due",
    "uid_for",
    "write_brief",
]
