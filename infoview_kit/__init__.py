"""infoview_kit: a Jupyter workbook for informational interviews."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from infoview_kit.base.errors import InfoviewError as InfoviewError
from infoview_kit.base.errors import InputFormatError as InputFormatError
from infoview_kit.base.errors import NotFoundError as NotFoundError
from infoview_kit.base.errors import WorkbookBusyError as WorkbookBusyError
from infoview_kit.base.errors import WorkbookError as WorkbookError
from infoview_kit.base.version import __version__ as __version__

if TYPE_CHECKING:
    from infoview_kit import base as base
    from infoview_kit import find as find
    from infoview_kit import followup as followup
    from infoview_kit import interview as interview
    from infoview_kit import outreach as outreach
    from infoview_kit import reports as reports
    from infoview_kit import research as research
    from infoview_kit import store as store
    from infoview_kit import sync as sync
    from infoview_kit import views as views
    from infoview_kit.base.paths import moment as moment
    from infoview_kit.base.paths import resolve_today as resolve_today
    from infoview_kit.find.contacts import read_contacts as read_contacts
    from infoview_kit.find.targets import apply_ratings as apply_ratings
    from infoview_kit.find.targets import choose_targets as choose_targets
    from infoview_kit.find.targets import lamp_list as lamp_list
    from infoview_kit.find.targets import pick_contact as pick_contact
    from infoview_kit.find.targets import rank_people as rank_people
    from infoview_kit.find.targets import starter_contacts as starter_contacts
    from infoview_kit.onboarding import check_setup as check_setup
    from infoview_kit.outreach.drafting import compose as compose
    from infoview_kit.outreach.drafting import save_composed as save_composed
    from infoview_kit.reports.charts import activity_chart as activity_chart
    from infoview_kit.reports.charts import activity_data as activity_data
    from infoview_kit.reports.charts import funnel_chart as funnel_chart
    from infoview_kit.reports.charts import funnel_data as funnel_data
    from infoview_kit.research.facts import common_ground as common_ground
    from infoview_kit.research.facts import online_facts as online_facts
    from infoview_kit.research.facts import readiness as readiness
    from infoview_kit.sync.apply import apply_matches as apply_matches
    from infoview_kit.sync.apply import undo_sync as undo_sync
    from infoview_kit.sync.imap import Imap as Imap
    from infoview_kit.sync.match import match_conversations as match_conversations
    from infoview_kit.sync.read import read_conversations as read_conversations
    from infoview_kit.workbook import Workbook as Workbook
    from infoview_kit.workbook import setup as setup
    from infoview_kit.workspace import where_this_runs as where_this_runs

# Public names and the module each lives in: imported on first use (PEP 562), so that
# `infoview --help` and `import infoview_kit` do not pay for pandas and matplotlib up front.
_LAZY = {
    "moment": "base.paths", "resolve_today": "base.paths",
    "activity_chart": "reports.charts", "activity_data": "reports.charts", "funnel_chart": "reports.charts",
    "funnel_data": "reports.charts",
    "read_contacts": "find.contacts", "compose": "outreach.drafting", "save_composed": "outreach.drafting",
    "common_ground": "research.facts", "online_facts": "research.facts", "readiness": "research.facts",
    "Workbook": "workbook", "setup": "workbook", "check_setup": "onboarding", "where_this_runs": "workspace",
    "choose_targets": "find.targets", "pick_contact": "find.targets", "rank_people": "find.targets",
    "apply_ratings": "find.targets", "lamp_list": "find.targets", "starter_contacts": "find.targets",
    "read_conversations": "sync.read", "Imap": "sync.imap", "match_conversations": "sync.match",
    "apply_matches": "sync.apply", "undo_sync": "sync.apply",
}


#: The rooms of the house, reachable as ``ik.find``, ``ik.outreach``, ``ik.views`` ... (imported on first use).
PACKAGES = ("base", "store", "find", "research", "outreach", "interview", "followup", "sync", "views", "reports")


def __getattr__(name: str) -> Any:
    if name in PACKAGES:
        package = importlib.import_module(f".{name}", __name__)
        globals()[name] = package
        return package
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'infoview_kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *PACKAGES])
