"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach."""

from infoview_kit.views.followup import FollowupBoard as FollowupBoard
from infoview_kit.views.forms import take_away as take_away

__all__ = [
    "FollowupBoard",
    "take_away",
]
