"""Step 1, find contacts (notebook 01): contact readers, import, LAMP targets and ranking."""

from infoview_kit.find.contacts import COLUMNS, FORMATS, is_recruiter, read_contacts
from infoview_kit.find.headless import import_file, import_upload, report_lines
from infoview_kit.find.importing import (
    ImportReport,
    add_contact,
    export_contacts,
    flag_recruiters,
    import_contacts,
    undo_merge,
    update_contact,
)
from infoview_kit.find.people import matching, most_relevant_first, searchable
from infoview_kit.find.targets import (
    ACTIVE_EMPLOYERS,
    LAMP_COLUMNS,
    LIST_TARGET,
    RANK_COLUMNS,
    apply_ratings,
    choose_targets,
    employers_to_rate,
    lamp_list,
    left_out_line,
    pick_contact,
    rank_everyone,
    rank_people,
    starter_contacts,
)
from infoview_kit.find.write import neutralize, unneutralize, write_contacts, write_tables_csv

__all__ = [
    "ACTIVE_EMPLOYERS",
    "COLUMNS",
    "FORMATS",
    "ImportReport",
    "LAMP_COLUMNS",
    "LIST_TARGET",
    "RANK_COLUMNS",
    "add_contact",
    "apply_ratings",
    "choose_targets",
    "employers_to_rate",
    "export_contacts",
    "flag_recruiters",
    "import_contacts",
    "import_file",
    "import_upload",
    "is_recruiter",
    "lamp_list",
    "matching",
    "most_relevant_first",
    "neutralize",
    "pick_contact",
    "left_out_line",
    "rank_everyone",
    "rank_people",
    "read_contacts",
    "report_lines",
    "searchable",
    "starter_contacts",
    "undo_merge",
    "unneutralize",
    "update_contact",
    "write_contacts",
    "write_tables_csv",
]
