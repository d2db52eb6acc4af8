"""Reports: papermill runs, the charts of the whole effort and their reading, the cohort, export, redaction."""

from infoview_kit.reports.charts import CHARTS as CHARTS
from infoview_kit.reports.charts import DATA_FUNCTIONS as DATA_FUNCTIONS
from infoview_kit.reports.charts import activity_chart as activity_chart
from infoview_kit.reports.charts import activity_data as activity_data
from infoview_kit.reports.charts import chart_data as chart_data
from infoview_kit.reports.charts import followup_health_chart as followup_health_chart
from infoview_kit.reports.charts import followup_health_data as followup_health_data
from infoview_kit.reports.charts import funnel_chart as funnel_chart
from infoview_kit.reports.charts import funnel_data as funnel_data
from infoview_kit.reports.charts import meeting_minutes_chart as meeting_minutes_chart
from infoview_kit.reports.charts import meeting_minutes_data as meeting_minutes_data
from infoview_kit.reports.charts import network_chart as network_chart
from infoview_kit.reports.charts import network_data as network_data
from infoview_kit.reports.charts import response_chart as response_chart
from infoview_kit.reports.charts import response_data as response_data
from infoview_kit.reports.charts import response_summary as response_summary
from infoview_kit.reports.charts import save_data as save_data
from infoview_kit.reports.charts import save_figures as save_figures
from infoview_kit.reports.reading import reading as reading
from infoview_kit.reports.tables import funnel_table as funnel_table

__all__ = [
    "CHARTS",
    "DATA_FUNCTIONS",
    "activity_chart",
    "activity_data",
    "chart_data",
    "followup_health_chart",
    "followup_health_data",
    "funnel_chart",
    "funnel_data",
    "funnel_table",
    "meeting_minutes_chart",
    "meeting_minutes_data",
    "network_chart",
    "network_data",
    "reading",
    "response_chart",
    "response_data",
    "response_summary",
    "save_data",
    "save_figures",
]
