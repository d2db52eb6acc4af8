"""Step 2, research each person (notebook 02): facts, common ground, readiness."""

from infoview_kit.research.facts import (
    COMMON_GROUND_COLUMNS,
    READINESS_COLUMNS,
    common_ground,
    common_ground_with,
    online_facts,
    readiness,
    record_fact,
    standing,
)
from infoview_kit.research.known import Dossier, FactDate, ResearchItem, dossier

__all__ = [
    "COMMON_GROUND_COLUMNS",
    "Dossier",
    "FactDate",
    "ResearchItem",
    "READINESS_COLUMNS",
    "common_ground",
    "common_ground_with",
    "dossier",
    "online_facts",
    "readiness",
    "record_fact",
    "standing",
]
