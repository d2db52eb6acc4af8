"""Step 1, find contacts (notebook 01): contact readers, import, LAMP targets and ranking."""

from __future__ import annotations

from infoview_kit.find.importing import (
    ImportReport,
    add_contact,
    export_contacts,
    flag_recruiters,
    import_contacts,
    undo_merge,
    update_contact,
)

__all__ = [
    "ImportReport",
    "add_contact",
    "export_contacts",
    "flag_recruiters",
    "import_contacts",
    "undo_merge",
    "update_contact",
]
