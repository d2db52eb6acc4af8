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

__all__ = [
    "COMMON_GROUND_COLUMNS",
    "READINESS_COLUMNS",
    "common_ground",
    "common_ground_with",
    "online_facts",
    "readiness",
    "record_fact",
    "standing",
]
