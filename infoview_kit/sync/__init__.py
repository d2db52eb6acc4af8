"""Sync (after step 5): what the mailbox and the LinkedIn archive say happened.

Reads the user's own mail (mbox, Maildir, .eml folders, IMAP) and LinkedIn's data archive into one table of
messages, matches them to contacts, and proposes what happened (sent, replied, auto-reply, bounced, interaction)
for the person to review and apply. Nothing leaves the machine; mail from people who are not contacts is never
stored.
"""

from infoview_kit.sync.apply import applied_line, apply_matches, undo_sync
from infoview_kit.sync.classify import ACTIONS, PROPOSAL_COLUMNS
from infoview_kit.sync.imap import Imap
from infoview_kit.sync.mail import COLUMNS
from infoview_kit.sync.match import match_conversations
from infoview_kit.sync.read import iter_conversations, read_conversations
from infoview_kit.sync.review import ACTION_LABELS, counts_line, proposals_text, propose

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "COLUMNS",
    "PROPOSAL_COLUMNS",
    "Imap",
    "applied_line",
    "apply_matches",
    "counts_line",
    "iter_conversations",
    "match_conversations",
    "propose",
    "proposals_text",
    "read_conversations",
    "undo_sync",
]
