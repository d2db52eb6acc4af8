"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach.

``forms`` holds the shared machinery (the person picker, status lines, change notices, take-away files) and
the start page's forms; ``find``, ``research``, ``outreach`` (+ ``outreach_panels``), ``interview`` (+ ``meeting``)
and ``followup`` hold each step's widgets; ``sync`` reviews what the mailbox says happened. Notebooks reach
them as ``ik.views.<Name>``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infoview_kit.views.find import ContactForm as ContactForm
    from infoview_kit.views.find import EmployerRater as EmployerRater
    from infoview_kit.views.find import ImportForm as ImportForm
    from infoview_kit.views.find import MergeReview as MergeReview
    from infoview_kit.views.find import TargetPicker as TargetPicker
    from infoview_kit.views.followup import FollowupBoard as FollowupBoard
    from infoview_kit.views.forms import PersonPicker as PersonPicker
    from infoview_kit.views.forms import ProfileForm as ProfileForm
    from infoview_kit.views.forms import WidgetCheck as WidgetCheck
    from infoview_kit.views.forms import download_link as download_link
    from infoview_kit.views.forms import take_away as take_away
    from infoview_kit.views.interview import MeetingPicker as MeetingPicker
    from infoview_kit.views.interview import QuestionPlanEditor as QuestionPlanEditor
    from infoview_kit.views.interview import ScheduleForm as ScheduleForm
    from infoview_kit.views.interview import brief_frame as brief_frame
    from infoview_kit.views.interview import brief_view as brief_view
    from infoview_kit.views.meeting import MeetingLogForm as MeetingLogForm
    from infoview_kit.views.meeting import MeetingTimer as MeetingTimer
    from infoview_kit.views.meeting import ThankYouPanel as ThankYouPanel
    from infoview_kit.views.outreach import Composer as Composer
    from infoview_kit.views.research import ResearchForm as ResearchForm
    from infoview_kit.views.research import ResearchSummary as ResearchSummary
    from infoview_kit.views.sync import SyncReview as SyncReview

# Widgets and the module each lives in: imported on first use (PEP 562), so that importing one view
# module does not import them all.
_LAZY = {
    "PersonPicker": "forms", "ProfileForm": "forms", "WidgetCheck": "forms", "download_link": "forms",
    "take_away": "forms",
    "ContactForm": "find", "EmployerRater": "find", "ImportForm": "find", "MergeReview": "find",
    "TargetPicker": "find",
    "ResearchForm": "research", "ResearchSummary": "research",
    "Composer": "outreach",
    "MeetingPicker": "interview", "QuestionPlanEditor": "interview", "ScheduleForm": "interview",
    "brief_frame": "interview", "brief_view": "interview",
    "MeetingLogForm": "meeting", "MeetingTimer": "meeting", "ThankYouPanel": "meeting",
    "FollowupBoard": "followup",
    "SyncReview": "sync",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'infoview_kit.views' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
