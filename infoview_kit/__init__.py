"""infoview_kit: a Jupyter workbook for informational interviews."""

from importlib.metadata import PackageNotFoundError, version

from ._paths import moment as moment
from ._paths import resolve_today as resolve_today
from .charts import activity_chart as activity_chart
from .charts import activity_data as activity_data
from .charts import funnel_chart as funnel_chart
from .charts import funnel_data as funnel_data
from .contacts import read_contacts as read_contacts
from .drafting import compose as compose
from .drafting import save_composed as save_composed
from .exceptions import InfoviewError as InfoviewError
from .exceptions import InputFormatError as InputFormatError
from .exceptions import NotFoundError as NotFoundError
from .exceptions import WorkbookBusyError as WorkbookBusyError
from .exceptions import WorkbookError as WorkbookError
from .research import common_ground as common_ground
from .research import online_facts as online_facts
from .store import Workbook as Workbook
from .targets import choose_targets as choose_targets
from .targets import pick_contact as pick_contact
from .targets import rank_people as rank_people

try:
    __version__ = version("infoview_kit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
