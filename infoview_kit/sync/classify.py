"""What each message exchanged with a contact was (a draft sent, an answer, an automatic reply, a bounce, or
another exchange), and the evidence for it in words; vectorized over the whole mailbox."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from infoview_kit.store import Store

#: The columns of a proposal table, in order.
PROPOSAL_COLUMNS = ["contact_id", "name", "message_id", "action", "at", "evidence", "source_id", "channel",
                    "incoming", "address", "subject"]
#: The actions, in the order a review lists them.
ACTIONS = ("sent", "replied", "auto_reply", "bounced", "interaction")
#: How alike a sent copy's subject must be to the draft's (rapidfuzz ratio, 0-100) when they are not equal.
SUBJECT_MATCH = 85.0
#: How long before the draft was saved a sent copy may be dated (clocks differ) and still be its sending.
DRAFT_SLACK = pd.Timedelta(hours=1)
#: How far a sent copy may be dated from the sending already recorded for a message and still be its copy.
SENT_SLACK = pd.Timedelta(days=2)
#: A reply recorded by hand: an answer dated up to this long after it is that same reply.
REPLY_SLACK = pd.Timedelta(days=1)
#: How long after a sending a delivery failure can still be about it: mail servers retry for up to about
#: five days (RFC 5321 4.5.4.1) before they give up and write back. A bounce later than that concerns mail the
#: workbook does not know of: the address is flagged, and no message of the workbook is put back to a draft.
BOUNCE_WINDOW = pd.Timedelta(days=7)

_PREFIX = r"^(?:\s*(?:re|fw|fwd|aw|sv|wg|antw|tr|r[eé]f)\s*(?:\[\d+\])?\s*:\s*)+"


def subject_keys(subjects: pd.Series) -> pd.Series:
    """Return subjects without Re:/Fwd: prefixes, case or runs of spaces (vectorized), for comparing."""
    s = subjects.fillna("").astype(str).str.replace(_PREFIX, "", regex=True, case=False)
    return s.str.casefold().str.split().str.join(" ")


_NS = "datetime64[ns, UTC]"
_OPENING = 40  # characters of a message's opening words compared with a draft's text (LinkedIn has no subject)


def subject_alike(a: pd.Series, b: pd.Series) -> np.ndarray:
    """True where two subject keys are equal or alike (rapidfuzz ratio at least :data:`SUBJECT_MATCH`)."""
    a_, b_ = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    same = a_ == b_
    rest = np.flatnonzero(~same & (a_ != "") & (b_ != ""))
    same[rest] = [fuzz.ratio(a_[i], b_[i]) >= SUBJECT_MATCH for i in rest]
    return same


def _words(text: pd.Series) -> pd.Series:
    return text.fillna("").astype(str).str.casefold().str.split().str.join(" ")


def _sent_drafts(f: pd.DataFrame, msgs: pd.DataFrame) -> pd.DataFrame:
    """Messages of yours that are the sending of a draft: index (of `f`), id (the draft), drafted_at."""
    out = f[(f["outgoing"] & (f["how"] != "bounce")).to_numpy(dtype=bool)]
    drafts = msgs[(msgs["status"] == "draft").to_numpy(dtype=bool)]
    cand = out.reset_index().merge(drafts[["id", "contact_id", "drafted_at", "dkey", "dbody"]], on="contact_id")
    if cand.empty:
        return cand.assign(id=pd.Series(dtype="int64"))
    later = (cand["date"] >= cand["drafted_at"] - DRAFT_SLACK).to_numpy(dtype=bool)
    alike = subject_alike(cand["skey"], cand["dkey"])
    opening = _words(cand["snippet"]).str[:_OPENING].to_numpy(dtype=object)
    body = cand["dbody"].to_numpy(dtype=object)
    no_subject = np.flatnonzero((cand["skey"] == "").to_numpy(dtype=bool) & later)
    alike[no_subject] = [len(opening[i]) >= 10 and opening[i] in body[i] for i in no_subject]
    cand = cand[later & alike].sort_values(["date", "id"], kind="stable")
    return cand.drop_duplicates("id").drop_duplicates("index")


def _known_copies(f: pd.DataFrame, msgs: pd.DataFrame, todo: np.ndarray) -> pd.DataFrame:
    """Sent copies of messages the workbook holds as sent already (nothing to propose): index, id."""
    sent = msgs[msgs["sent_at"].notna().to_numpy(dtype=bool)]
    cand = f[todo].reset_index().merge(sent[["id", "contact_id", "sent_at", "dkey"]], on="contact_id")
    if cand.empty:
        return cand
    near = ((cand["date"] - cand["sent_at"]).abs() <= SENT_SLACK).to_numpy(dtype=bool)
    return cand[near & subject_alike(cand["skey"], cand["dkey"])].drop_duplicates("index")


def _before(rows: pd.DataFrame, sends: pd.DataFrame) -> pd.DataFrame:
    """For each row, the last sending to its contact at or before its date: id, status, sent_at, replied_at."""
    left = rows.reset_index().astype({"date": _NS}).sort_values("date", kind="stable")
    right = sends.astype({"contact_id": "int64", "sent_at": _NS}).sort_values("sent_at", kind="stable")
    left["contact_id"] = left["contact_id"].astype("int64")
    if right.empty:
        return left.assign(id=np.nan, status=None, sent_at=pd.NaT, replied_at=pd.NaT).set_index("index")
    merged = pd.merge_asof(left, right, left_on="date", right_on="sent_at", by="contact_id", direction="backward")
    return merged.set_index("index")


def classify(f: pd.DataFrame, msgs: pd.DataFrame, synced: pd.DataFrame) -> pd.DataFrame:
    """Give each (message, contact) row of `f` its action, the workbook message concerned and the moment
    that message was drafted or sent (``ref_at``); rows with nothing to propose are dropped."""
    f = f.copy()
    msgs = msgs.assign(dkey=subject_keys(msgs["subject"]), dbody=_words(msgs["body"])).astype(
        {"drafted_at": _NS, "sent_at": _NS, "replied_at": _NS})
    f["action"] = pd.Series([None] * len(f), dtype=object)
    f["message_id"] = np.nan
    f["ref_at"] = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns, UTC]")
    bounce = (f["how"] == "bounce").to_numpy(dtype=bool)
    out = f["outgoing"].to_numpy(dtype=bool) & ~bounce
    sent = _sent_drafts(f, msgs)
    idx = sent["index"].to_numpy(dtype="int64") if len(sent) else np.array([], dtype="int64")
    f.loc[idx, "action"] = "sent"
    f.loc[idx, "message_id"] = sent["id"].to_numpy(dtype="float64")
    f.loc[idx, "ref_at"] = sent["drafted_at"].to_numpy()
    known = _known_copies(f, msgs, out & f["action"].isna().to_numpy(dtype=bool))
    keep = np.ones(len(f), dtype=bool)
    if len(known):
        keep[known["index"].to_numpy(dtype="int64")] = False
    f.loc[out & keep & f["action"].isna().to_numpy(dtype=bool), "action"] = "interaction"
    # every sending, recorded or found now, that an answer may follow
    recorded = msgs[msgs["sent_at"].notna().to_numpy(dtype=bool)][["id", "contact_id", "status", "sent_at",
                                                                      "replied_at"]]
    found = pd.DataFrame({"id": sent["id"].to_numpy(dtype="float64") if len(sent) else [],
                          "contact_id": sent["contact_id"].to_numpy() if len(sent) else [],
                          "status": "sent", "sent_at": sent["date"].to_numpy() if len(sent) else [],
                          "replied_at": pd.NaT})
    sends = pd.concat([recorded.astype({"id": "float64"}), found], ignore_index=True)
    sends["sent_at"] = pd.to_datetime(sends["sent_at"], utc=True)
    sends["replied_at"] = pd.to_datetime(sends["replied_at"], utc=True)
    replies = synced[(synced["action"] == "replied").to_numpy(dtype=bool) & ~synced["skipped"].to_numpy(dtype=bool)]
    _answers(f, ~f["outgoing"].to_numpy(dtype=bool) | bounce, sends, replies["message_id"].astype("Float64")
             .to_numpy(dtype="float64", na_value=np.nan))
    f["ref_skey"] = f["message_id"].map(pd.Series(msgs["dkey"].to_numpy(), index=msgs["id"].astype("float64")))
    return f[keep & f["action"].notna().to_numpy(dtype=bool)].reset_index(drop=True)


def _answers(f: pd.DataFrame, incoming: np.ndarray, sends: pd.DataFrame, synced_replies: np.ndarray) -> None:
    """Classify what came in (in place): a bounce, an automatic reply, the first answer to a sending (its
    reply), or an interaction. The first answer to a message whose reply was recorded by hand (They
    replied) around that time is that same reply: dropped."""
    rows = f[incoming]
    if rows.empty:
        return
    last = _before(rows[["contact_id", "date"]], sends).reindex(rows.index)
    idx = rows.index.to_numpy()
    mid = last["id"].to_numpy(dtype="float64", copy=True)
    f.loc[idx, "message_id"] = mid
    f.loc[idx, "ref_at"] = pd.to_datetime(last["sent_at"], utc=True).to_numpy()
    auto = rows["auto_reply"].to_numpy(dtype=bool)
    bounce = (rows["how"] == "bounce").to_numpy(dtype=bool)
    sent_at = pd.to_datetime(last["sent_at"], utc=True)
    stale = bounce & ~((rows["date"] - sent_at) <= BOUNCE_WINDOW).fillna(False).to_numpy(dtype=bool)
    mid[stale] = np.nan  # a bounce long after the last sending is not about it
    f.loc[idx[stale], "ref_at"] = pd.NaT
    status = last["status"].to_numpy(dtype=object)
    replied_at = pd.to_datetime(last["replied_at"], utc=True)
    by_hand = (status == "replied") & ~np.isin(mid, synced_replies) & (
        rows["date"] <= replied_at + REPLY_SLACK).fillna(False).to_numpy(dtype=bool)
    answer = ~auto & ~bounce & np.isin(status, ["sent", "replied"])
    # the first answer after a sending is its reply; later ones are interactions
    first = pd.Series(rows["date"].to_numpy(), index=idx)[answer].groupby(mid[answer]).idxmin()
    is_first = np.isin(idx, first.to_numpy())
    action = np.where(bounce, "bounced", np.where(auto, "auto_reply", "interaction")).astype(object)
    action[is_first & (status == "sent")] = "replied"
    action[is_first & by_hand] = None
    # an interaction concerns no message of the workbook
    f.loc[idx, "message_id"] = np.where(action == "interaction", np.nan, mid)
    f.loc[idx, "action"] = action


def _day(moments: pd.Series, tz: str) -> pd.Series:
    m = pd.to_datetime(moments, utc=True)
    return m.dt.tz_convert(tz).dt.strftime("%d %b %Y").fillna("?")


def describe(wb: Store, f: pd.DataFrame, book: pd.DataFrame) -> pd.DataFrame:
    """The proposals with their evidence in words, in the columns of :data:`PROPOSAL_COLUMNS`, by time."""
    tz = wb.profile().get("timezone") or "UTC"
    names = book.drop_duplicates("contact_id").set_index("contact_id")["name"]
    action = f["action"].to_numpy(dtype=object)
    on, ref = _day(f["date"], tz), _day(f["ref_at"], tz)
    quoted = np.where(f["subject"].to_numpy(dtype=object) == "",
                      np.where(f["channel"].to_numpy(dtype=object) == "linkedin", "A LinkedIn message", "A message"),
                      "\u201c" + f["subject"].astype(str) + "\u201d")
    way = np.where(f["outgoing"].to_numpy(dtype=bool), " to ", " from ")
    head = pd.Series(quoted, index=f.index) + way + f["addr"].astype(str) + " on " + on
    thread = (f["how"] == "thread").to_numpy(dtype=bool)
    link = (f["channel"] == "linkedin").to_numpy(dtype=bool)
    same = (f["skey"] == f["ref_skey"]).to_numpy(dtype=bool)
    tail = np.select(
        [action == "sent", (action == "replied") & thread, (action == "replied") & link,
         (action == "replied") & same, action == "replied",
         action == "auto_reply", action == "bounced"],
        [", after your draft of " + ref,
         ", in reply to your sent message of " + ref,
         ", the first message from their LinkedIn profile after yours of " + ref,
         ", the first message from them after yours of " + ref + ", with its subject",
         ", the first message from them after yours of " + ref + " (a new subject, no thread headers)",
         ": an automatic reply (out of office), not a reply",
         ": a delivery failure; your message of " + ref + " did not reach them"],
        default="")
    tail = np.where((action == "bounced") & f["ref_at"].isna().to_numpy(dtype=bool),
                    ": no message of yours went to this address in the week before; the address is flagged", tail)
    evidence = np.where(action == "bounced", "Delivery failure for " + f["bounce_for"].astype(str) + " on " + on,
                        head) + tail
    out = pd.DataFrame({
        "contact_id": f["contact_id"].to_numpy(dtype="int64"),
        "name": names.reindex(f["contact_id"]).fillna("").to_numpy(dtype=object),
        "message_id": pd.array(f["message_id"].to_numpy(dtype="float64"), dtype="Float64").astype("Int64"),
        "action": action, "at": pd.to_datetime(f["date"], utc=True).to_numpy(), "evidence": evidence,
        "source_id": f["source_id"].to_numpy(dtype=object), "channel": f["channel"].to_numpy(dtype=object),
        "incoming": ~f["outgoing"].to_numpy(dtype=bool),
        "address": np.where(action == "bounced", f["bounce_for"], f["addr"]).astype(object),
        "subject": f["subject"].to_numpy(dtype=object)})
    out["at"] = pd.to_datetime(out["at"], utc=True)
    order = np.lexsort((out["contact_id"].to_numpy(), out["at"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)[PROPOSAL_COLUMNS]
