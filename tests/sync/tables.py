"""Tables of messages written by hand to the contract of ``ik.read_conversations`` (one row per message)."""

from __future__ import annotations

from typing import Any

import pandas as pd

CONTRACT = ["channel", "source", "folder", "position", "outgoing", "message_id", "in_reply_to", "references",
            "thread", "date", "from_addr", "from_name", "to_addrs", "cc_addrs", "subject", "snippet", "auto_reply",
            "bounce_for"]
ME = "dana@example.org"


def msg(mid: str, date: str, frm: str, to: tuple[str, ...] = (ME,), subject: str = "", *, outgoing: bool = False,
        in_reply_to: str = "", references: tuple[str, ...] = (), snippet: str = "", auto_reply: bool = False,
        bounce_for: str = "", channel: str = "mail", folder: str = "") -> dict[str, Any]:
    """One message as a row of the table."""
    return {"channel": channel, "source": "test.mbox", "folder": folder or ("Sent" if outgoing else "INBOX"),
            "position": 0, "outgoing": outgoing, "message_id": mid, "in_reply_to": in_reply_to,
            "references": references, "thread": references[0] if references else mid,
            "date": pd.Timestamp(date, tz="UTC"), "from_addr": frm, "from_name": "", "to_addrs": tuple(to),
            "cc_addrs": (), "subject": subject, "snippet": snippet or subject, "auto_reply": auto_reply,
            "bounce_for": bounce_for}


def table(*rows: dict[str, Any], report: dict[str, Any] | None = None) -> pd.DataFrame:
    """The table of these messages, in the contract's column order and dtypes."""
    df = pd.DataFrame(list(rows), columns=CONTRACT)
    df["date"] = pd.to_datetime(df["date"], utc=True).astype("datetime64[ns, UTC]")
    for col in ("position",):
        df[col] = df[col].astype("int64")
    for col in ("outgoing", "auto_reply"):
        df[col] = df[col].astype(bool)
    df.attrs["report"] = report or {}
    for i in range(len(df)):
        df.loc[i, "position"] = i
    return df
