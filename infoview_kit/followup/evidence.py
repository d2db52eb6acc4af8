"""When a person answered you: THE answer evidence the no-reply routine, the reply chart and the funnel share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from infoview_kit.store.readmodel import Tables, context, meetings_scheduled, utc_moments

_NAT = np.datetime64("NaT", "ns")

#: What shows that a person answered you, and the funnel stage each reaches (see :func:`answer_evidence`).
ANSWER_SOURCES = {"reply": "replied", "meeting_scheduled": "replied", "meeting_held": "met",
                  "thank_you": "thanked", "introduced": "replied"}

def evidence_before(t: Tables, cut64: np.datetime64) -> pd.DataFrame:
    """Every piece of answer evidence before `cut64` (naive UTC): contact_id (int64), at (naive UTC
    datetime64[ns]) and source (a key of ANSWER_SOURCES), by contact and time. THE definition of
    when a person answered, used by the plan, the reply chart and the funnel alike."""
    msgs, mt, fu, people = t.messages(), t.meetings(), t.followups(), t.contacts()
    sched = meetings_scheduled(t)
    parts: list[tuple[np.ndarray, np.ndarray, str]] = []
    # a reply recorded on any message to them
    parts.append((msgs["contact_id"].to_numpy(), utc_moments(msgs["replied_at"]), "reply"))
    # a meeting scheduled with them, whatever became of it: a time is proposed only once they answered
    known = sched["contact_id"].notna().to_numpy(dtype=bool)
    parts.append((sched["contact_id"].to_numpy()[known], utc_moments(sched["at"])[known], "meeting_scheduled"))
    # a meeting held
    held = (mt["status"].to_numpy(dtype=object) == "held")
    parts.append((mt["contact_id"].to_numpy()[held], utc_moments(mt["actual_end"])[held], "meeting_held"))
    # a thank-you sent, or its follow-up marked done (not skipped)
    thanked = (msgs["kind"].to_numpy(dtype=object) == "thank_you")
    parts.append((msgs["contact_id"].to_numpy()[thanked], utc_moments(msgs["sent_at"])[thanked], "thank_you"))
    skipped = fu["skipped"].to_numpy(dtype=bool) if "skipped" in fu else np.zeros(len(fu), bool)
    did = (fu["kind"].to_numpy(dtype=object) == "thank_you") & ~skipped
    parts.append((fu["contact_id"].to_numpy()[did], utc_moments(fu["done_at"])[did], "thank_you"))
    # a person they introduced you to
    ref = people["referred_by"].notna().to_numpy(dtype=bool)
    parts.append((people["referred_by"].to_numpy()[ref], utc_moments(people["created_at"])[ref], "introduced"))
    cid = np.concatenate([np.asarray(c, dtype="int64") for c, _a, _s in parts])
    at = np.concatenate([np.asarray(a, dtype="datetime64[ns]") for _c, a, _s in parts])
    source = np.concatenate([np.full(len(c), s, dtype=object) for c, _a, s in parts])
    ok = at < cut64  # NaT compares False: not yet
    order = np.lexsort((at[ok], cid[ok]))
    return pd.DataFrame({"contact_id": cid[ok][order], "at": at[ok][order], "source": source[ok][order]})


def answer_evidence(wb: Tables, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return everything that shows a person answered you, by the end of `today`.

    A person answered when any of these happened: a reply was recorded on any message to them;
    a meeting was scheduled with them (whatever its later status: you propose a time only
    once they answered); a meeting with them was held; a thank-you to them was sent or its
    follow-up marked done (not skipped); they introduced you to someone (``referred_by``).
    The no-reply routine of a first email sent before such evidence is settled, the reply
    chart counts the earliest evidence after a first email as its answer, and the funnel
    counts the person as replied (or further: met, thanked; see ANSWER_SOURCES).

    Returns
    -------
    pandas.DataFrame
        One row per piece of evidence, by contact and time. Columns: contact_id, at (UTC),
        source (reply, meeting_scheduled, meeting_held, thank_you, introduced).
    """
    _tz, _country, _day, cut = context(wb, today)
    ev = evidence_before(wb, cut.tz_convert(None).to_datetime64())
    ev["at"] = pd.to_datetime(ev["at"]).dt.tz_localize("UTC")
    ev["source"] = ev["source"].astype("string")
    return ev


def first_answer_after(cids: np.ndarray, moments: np.ndarray, ev: pd.DataFrame) -> np.ndarray:
    """For each (contact, moment), the earliest evidence of that contact at or after the moment (NaT: none)."""
    out = np.full(len(cids), _NAT)
    valid = ~np.isnat(moments)
    if not valid.any() or ev.empty:
        return out
    left = pd.DataFrame({"contact_id": np.asarray(cids, dtype="int64")[valid], "at": moments[valid],
                         "i": np.flatnonzero(valid)}).sort_values("at", kind="stable")
    right = pd.DataFrame({"contact_id": ev["contact_id"].to_numpy(dtype="int64"), "at": ev["at"].to_numpy(),
                          "answered": ev["at"].to_numpy()}).sort_values("at", kind="stable")
    merged = pd.merge_asof(left, right, on="at", by="contact_id", direction="forward")
    out[merged["i"].to_numpy()] = merged["answered"].to_numpy(dtype="datetime64[ns]")
    return out
