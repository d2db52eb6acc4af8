"""What the mailbox says happened: the messages read from it matched to contacts and the workbook's messages,
one proposal per finding (sent, replied, auto-reply, bounced, interaction), each with its evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.base.keys import url_keys
from infoview_kit.store import Store
from infoview_kit.sync.classify import classify, describe, subject_keys

#: The columns of a table of messages (:func:`infoview_kit.sync.read.read_conversations`) that matching reads.
NEEDED = ("channel", "outgoing", "message_id", "in_reply_to", "references", "date", "from_addr", "to_addrs",
          "cc_addrs", "subject", "snippet", "auto_reply", "bounce_for")
def _address_keys(values: pd.Series) -> pd.Series:
    """Addresses as matching compares them: emails lower-cased, profile links as :func:`url_keys`."""
    s = values.astype("string").str.strip().str.lower()
    link = s.str.contains("linkedin.com/", regex=False).fillna(False).to_numpy(dtype=bool)
    out = s.copy()
    if link.any():
        out[link] = url_keys(s[link])
    return out


def _prepare(table: pd.DataFrame) -> pd.DataFrame:
    """The messages once each (by source id), with what matching needs."""
    missing = [c for c in NEEDED if c not in table.columns]
    if missing:
        raise InputFormatError(f"the table of messages has no {', '.join(missing)} column; expected the columns of "
                               "ik.read_conversations")
    t = table.loc[:, list(NEEDED)].reset_index(drop=True)
    mid = t["message_id"].fillna("").astype(str).str.strip().str.strip("<>")
    t["source_id"] = mid
    none = (mid == "").to_numpy(dtype=bool)
    if none.any():  # no Message-ID: a stable id from the sender, subject and date
        hashed = pd.util.hash_pandas_object(t.loc[none, ["from_addr", "subject", "date"]].astype(str), index=False)
        t.loc[none, "source_id"] = ["nomid:" + format(int(h), "016x") for h in hashed]
    t["date"] = pd.to_datetime(t["date"], utc=True).astype("datetime64[ns, UTC]")
    t = t[t["date"].notna().to_numpy(dtype=bool)]
    t = t.drop_duplicates("source_id").reset_index(drop=True)
    t["outgoing"] = t["outgoing"].fillna(False).astype(bool)
    t["auto_reply"] = t["auto_reply"].fillna(False).astype(bool)
    t["bounce_for"] = t["bounce_for"].fillna("").astype(str)
    t["subject"] = t["subject"].fillna("").astype(str)
    t["skey"] = subject_keys(t["subject"])
    return t


def _pairs(t: pd.DataFrame, book: pd.DataFrame) -> pd.DataFrame:
    """Which contact each message concerns, by address: row, contact_id, address, how ("address" or "bounce")."""
    bounce = (t["bounce_for"] != "").to_numpy(dtype=bool)
    out_rows = t[t["outgoing"].to_numpy(dtype=bool) & ~bounce]
    sent_to = (out_rows["to_addrs"].map(_tuple) + out_rows["cc_addrs"].map(_tuple)).explode().dropna()
    incoming = t[~t["outgoing"].to_numpy(dtype=bool) & ~bounce]
    parts = [pd.DataFrame({"row": sent_to.index.to_numpy(), "addr": sent_to.to_numpy(dtype=object), "how": "address"}),
             pd.DataFrame({"row": incoming.index.to_numpy(), "addr": incoming["from_addr"].to_numpy(dtype=object),
                           "how": "address"}),
             pd.DataFrame({"row": t.index[bounce].to_numpy(), "addr": t["bounce_for"].to_numpy(dtype=object)[bounce],
                           "how": "bounce"})]
    pairs = pd.concat(parts, ignore_index=True)
    pairs["key"] = _address_keys(pairs["addr"])
    pairs = pairs.merge(book[["key", "contact_id"]], on="key", how="inner")
    return pairs.drop(columns="key").drop_duplicates(["row", "contact_id"])


def _tuple(value: object) -> tuple[object, ...]:
    if isinstance(value, (tuple, list, np.ndarray)):
        return tuple(value)
    return () if value is None or value == "" or (isinstance(value, float) and np.isnan(value)) else (value,)


def _book(wb: Store) -> pd.DataFrame:
    """Every address a contact is known by, as matching compares them: key, contact_id, name."""
    known = wb.sync_addresses()
    key = known["address"].astype("string").str.strip().str.lower()
    link = known["url"].notna().to_numpy(dtype=bool)
    key[link] = url_keys(known["url"][link])
    book = known.assign(key=key).dropna(subset=["key"])
    return book.drop_duplicates(["key", "contact_id"])[["key", "contact_id", "name"]]


def _thread_pairs(t: pd.DataFrame, pairs: pd.DataFrame, synced: pd.DataFrame) -> pd.DataFrame:
    """Answers by thread: an incoming message whose In-Reply-To or References name a message sent to one
    contact (in this table, or applied by an earlier sync) concerns that contact, from another address of
    theirs; from a known address it concerns who sent it, and the thread only says what it answers.
    Returns row, contact_id, addr, how ("thread"), anchor (the source id it answers)."""
    out_rows = t.loc[pairs["row"].to_numpy()]
    anchors = pd.DataFrame({"anchor": out_rows["source_id"].to_numpy(), "contact_id": pairs["contact_id"].to_numpy(),
                            "outgoing": out_rows["outgoing"].to_numpy(dtype=bool)})
    anchors = anchors[anchors["outgoing"].to_numpy(dtype=bool)][["anchor", "contact_id"]]
    earlier = synced[~synced["incoming"].to_numpy(dtype=bool)]
    anchors = pd.concat([anchors, pd.DataFrame({"anchor": earlier["source_id"].to_numpy(),
                                                "contact_id": earlier["contact_id"].to_numpy()})], ignore_index=True)
    incoming = t[~t["outgoing"].to_numpy(dtype=bool) & (t["bounce_for"] == "").to_numpy(dtype=bool)]
    if anchors.empty or incoming.empty:
        return pd.DataFrame(columns=["row", "contact_id", "addr", "how", "anchor"])
    refs = (incoming["in_reply_to"].map(_tuple) + incoming["references"].map(_tuple)).explode().dropna()
    refs = pd.DataFrame({"row": refs.index.to_numpy(), "anchor": refs.astype(str).str.strip().str.strip("<>")})
    anchors = anchors.drop_duplicates()
    # a message sent to one contact only: an answer in its thread from an unknown address is theirs
    alone = anchors.groupby("anchor")["contact_id"].transform("size").to_numpy() == 1
    hits = refs.merge(anchors[alone], on="anchor", how="inner").drop_duplicates(["row", "contact_id"])
    # a sender the workbook knows is who they are: the thread only says which message they answer
    own = pd.MultiIndex.from_frame(pairs[["row", "contact_id"]].astype("int64"))
    known = np.isin(hits["row"].to_numpy(), pairs["row"].to_numpy())
    same = pd.MultiIndex.from_frame(hits[["row", "contact_id"]].astype("int64")).isin(own)
    hits = hits[~known | same]
    hits["addr"] = t["from_addr"].to_numpy(dtype=object)[hits["row"].to_numpy()]
    hits["how"] = "thread"
    return hits[["row", "contact_id", "addr", "how", "anchor"]]


def match_conversations(wb: Store, table: pd.DataFrame) -> pd.DataFrame:
    """Propose what happened, from a table of messages (:func:`infoview_kit.sync.read.read_conversations`):
    one row per finding, each with its evidence. Writes nothing; :func:`infoview_kit.sync.apply.apply_matches`
    applies what the person keeps.

    Only messages exchanged with a contact (by their address, another address of theirs answering in a
    thread you started with them, or their LinkedIn profile) give findings; the rest is ignored, never
    stored. Findings a sync applied or skipped before are not proposed again.

    The actions:

    - ``sent``: a message of yours to a contact that is the sending of a draft of the workbook: to the
      person, after the draft was saved, with its subject (LinkedIn: its opening words).
    - ``replied``: the first answer from the contact after a message of yours the workbook holds as
      sent (or that this sync finds sent): in its thread, or from their address or profile with any
      subject.
    - ``auto_reply``: an automatic answer (out of office): not a reply.
    - ``bounced``: a delivery failure for a contact's address; the message it concerns is the last one
      sent to them before it.
    - ``interaction``: any other exchange with a contact (it counts as being in touch).

    Returns
    -------
    pandas.DataFrame
        Columns: contact_id, name, message_id (Int64: the workbook's message concerned, NA for none),
        action, at (UTC: the source message's date), evidence (what matched, in words), source_id (the
        source message's Message-ID), channel, incoming (bool: from them), address (theirs, or the one
        that failed), subject; by time. ``attrs["report"]`` is the table's (IMAP read marks included).

    Raises
    ------
    InputFormatError
        If the table lacks a column of :data:`NEEDED`.
    """
    t = _prepare(table)
    book = _book(wb)
    synced = wb.synced(live=True)
    pairs = _pairs(t, book)
    thread = _thread_pairs(t, pairs, synced)
    pairs = pd.concat([thread, pairs.assign(anchor=None)], ignore_index=True).drop_duplicates(["row", "contact_id"])
    done = wb.synced_keys()
    src = t["source_id"].to_numpy(dtype=object)[pairs["row"].to_numpy(dtype="int64")]
    seen = pd.MultiIndex.from_arrays([src, pairs["contact_id"].to_numpy(dtype="int64")]).isin(
        pd.MultiIndex.from_frame(done.astype({"contact_id": "int64"})))
    pairs = pairs[~seen].reset_index(drop=True)
    f = _findings(t, pairs)
    out = describe(wb, classify(f, wb.sync_messages(), synced), book)
    out.attrs["report"] = dict(table.attrs.get("report", {}))
    return out


def _findings(t: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (message, contact): what the classification reads."""
    rows = pairs["row"].to_numpy(dtype="int64")
    cols = ["source_id", "channel", "outgoing", "date", "subject", "skey", "snippet", "auto_reply", "bounce_for"]
    f = t[cols].iloc[rows].reset_index(drop=True)
    f["contact_id"] = pairs["contact_id"].to_numpy(dtype="int64")
    f["addr"] = pairs["addr"].to_numpy(dtype=object)
    f["how"] = pairs["how"].to_numpy(dtype=object)
    f["anchor"] = pairs["anchor"].to_numpy(dtype=object)
    return f
