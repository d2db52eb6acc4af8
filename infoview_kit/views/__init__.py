"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infoview_kit.views.followup import FollowupBoard as FollowupBoard
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

# Widgets and the module each lives in: imported on first use (PEP 562), so that importing one view
# module does not import them all.
_LAZY = {
    "MeetingPicker": "interview", "QuestionPlanEditor": "interview", "ScheduleForm": "interview",
    "brief_frame": "interview", "brief_view": "interview",
    "MeetingLogForm": "meeting", "MeetingTimer": "meeting", "ThankYouPanel": "meeting",
    "Composer": "outreach",
    "take_away": "forms",
    "FollowupBoard": "followup",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'infoview_kit.views' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
