"""Sync (after step 5): what the mailbox and the LinkedIn archive say happened.

Reads the user's own mail (mbox, Maildir, .eml folders, IMAP) and LinkedIn's data archive into one table of
messages, matches them to contacts, and proposes what happened (sent, replied, auto-reply, bounced, interaction)
for the person to review and apply. Nothing leaves the machine; mail from people who are not contacts is never
stored.
"""

from infoview_kit.sync.imap import Imap
from infoview_kit.sync.mail import COLUMNS
from infoview_kit.sync.read import iter_conversations, read_conversations

__all__ = [
    "COLUMNS",
    "Imap",
    "iter_conversations",
    "read_conversations",
]
