"""infoview_kit: a Jupyter workbook for informational interviews."""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .exceptions import InfoviewError as InfoviewError
from .exceptions import InputFormatError as InputFormatError
from .exceptions import NotFoundError as NotFoundError
from .exceptions import WorkbookBusyError as WorkbookBusyError
from .exceptions import WorkbookError as WorkbookError

if TYPE_CHECKING:
    from ._paths import moment as moment
    from ._paths import resolve_today as resolve_today
    from .charts import activity_chart as activity_chart
    from .charts import activity_data as activity_data
    from .charts import funnel_chart as funnel_chart
    from .charts import funnel_data as funnel_data
    from .contacts import read_contacts as read_contacts
    from .drafting import compose as compose
    from .drafting import save_composed as save_composed
    from .research import common_ground as common_ground
    from .research import online_facts as online_facts
    from .research import readiness as readiness
    from .store import Workbook as Workbook
    from .targets import apply_ratings as apply_ratings
    from .targets import choose_targets as choose_targets
    from .targets import lamp_list as lamp_list
    from .targets import pick_contact as pick_contact
    from .targets import rank_people as rank_people
    from .targets import starter_contacts as starter_contacts

# Public names and the module each lives in: imported on first use (PEP 562), so that
# `infoview --help` and `import infoview_kit` do not pay for pandas and matplotlib up front.
_LAZY = {
    "moment": "_paths", "resolve_today": "_paths",
    "activity_chart": "charts", "activity_data": "charts", "funnel_chart": "charts", "funnel_data": "charts",
    "read_contacts": "contacts", "compose": "drafting", "save_composed": "drafting",
    "common_ground": "research", "online_facts": "research", "readiness": "research", "Workbook": "store",
    "choose_targets": "targets", "pick_contact": "targets", "rank_people": "targets",
    "apply_ratings": "targets", "lamp_list": "targets", "starter_contacts": "targets",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'infoview_kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


try:
    __version__ = version("infoview_kit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
