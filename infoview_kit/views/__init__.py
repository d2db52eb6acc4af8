"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach."""

from __future__ import annotations

from infoview_kit.views.forms import take_away as take_away
from infoview_kit.views.outreach import Composer as Composer

__all__ = ["Composer", "take_away"]
