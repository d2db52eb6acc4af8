"""The widgets (ipywidgets) a person clicks, one module per step; no logic a headless call could not reach."""

from infoview_kit.views.find import ContactForm, EmployerRater, ImportForm, MergeReview, TargetPicker
from infoview_kit.views.forms import PersonPicker, ProfileForm, WidgetCheck, download_link, take_away
from infoview_kit.views.research import ResearchForm, ResearchSummary

__all__ = [
    # forms: the shared machinery and the start page
    "PersonPicker",
    "ProfileForm",
    "WidgetCheck",
    "download_link",
    "take_away",
    # find: step 1
    "ContactForm",
    "EmployerRater",
    "ImportForm",
    "MergeReview",
    "TargetPicker",
    # research: step 2
    "ResearchForm",
    "ResearchSummary",
]
