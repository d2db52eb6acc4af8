"""One sync as a person runs it: read the sources, propose what happened, and say it in words (the review
table of the command line and the notebook, and the lines that say what a source held)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import pandas as pd

from infoview_kit.store import Store
from infoview_kit.sync.classify import ACTIONS
from infoview_kit.sync.imap import Imap
from infoview_kit.sync.match import match_conversations
from infoview_kit.sync.read import read_conversations

#: The label of each action in a review.
ACTION_LABELS = {"sent": "Sent", "replied": "Replied", "auto_reply": "Out of office (automatic)",
                 "bounced": "Bounced", "interaction": "In touch"}


def propose(wb: Store, sources: Iterable[str | os.PathLike[str]] = (), *, imap: Imap | None = None,
            me: Sequence[str] = ()) -> pd.DataFrame:
    """Read `sources` (and an IMAP account, from where its last applied sync left off) and propose what
    happened: :func:`read_conversations` then :func:`match_conversations`. Writes nothing.

    Parameters
    ----------
    sources
        Paths of mailboxes and LinkedIn archives (see :func:`read_conversations`).
    imap
        An IMAP account (its password from the keyring or a prompt, never stored).
    me
        Your own addresses besides the profile's email (mail from them is yours, outgoing).

    Returns
    -------
    pandas.DataFrame
        The proposals (the columns of :func:`match_conversations`); ``attrs["report"]`` says what was
        read and skipped, and holds the IMAP read marks (``account``, ``imap_state``) that applying keeps.
    """
    items: list[str | os.PathLike[str] | Imap] = [os.fspath(s) for s in sources if str(s).strip()]
    if imap is not None:
        items.append(imap)
    own = [a for a in (wb.profile().get("email"), *me) if a]
    since = wb.sync_state(imap.url) if imap is not None else None
    table = read_conversations(items, me=own, since=since or None)
    proposals = match_conversations(wb, table)
    if imap is not None:
        proposals.attrs["report"]["account"] = imap.url
    return proposals


def counts_line(proposals: pd.DataFrame) -> str:
    """Say what a sync found: "7 to review: 2 sent, 3 replied, 1 bounced, 1 in touch (412 messages read,
    2 skipped)."."""
    report = proposals.attrs.get("report", {})
    counts = proposals["action"].value_counts() if len(proposals) else pd.Series(dtype="int64")
    parts = ", ".join(f"{int(counts[a])} {ACTION_LABELS[a].lower()}" for a in ACTIONS if a in counts)
    read = report.get("messages_read")
    skipped = len(report.get("skipped", []))
    tail = f" ({read} messages read" + (f", {skipped} skipped" if skipped else "") + ")" if read is not None else ""
    if not len(proposals):
        return f"Nothing new to review{tail}."
    return f"{len(proposals)} to review: {parts}{tail}."


def proposals_text(proposals: pd.DataFrame, tz: str = "UTC") -> str:
    """The proposals as a plain-text table for a terminal: #, what, who, when, evidence (never cut)."""
    if not len(proposals):
        return counts_line(proposals)
    when = pd.to_datetime(proposals["at"], utc=True).dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
    view = pd.DataFrame({"what": proposals["action"].map(ACTION_LABELS).to_numpy(),
                         "who": proposals["name"].to_numpy(), "when": when.to_numpy(),
                         "evidence": proposals["evidence"].to_numpy()}, index=range(1, len(proposals) + 1))
    return view.to_string(justify="left") + "\n" + counts_line(proposals)  # the evidence whole: it is the reason
