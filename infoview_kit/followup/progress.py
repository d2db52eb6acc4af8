"""Drafts of what is due: progress updates (the steps you took since you last wrote), referral asks, check-ins."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from infoview_kit.base.text import blanks_in
from infoview_kit.followup.due import due
from infoview_kit.outreach.checks import check
from infoview_kit.outreach.drafting import (
    TEMPLATE_KIND,
    draft_fields,
    export_eml,
    mailto_for,
    progress_items,
    save_composed,
    user_templates,
)
from infoview_kit.outreach.templates import fill

if TYPE_CHECKING:
    from infoview_kit.store import Store

log = logging.getLogger("infoview_kit")


def progress_steps(wb: Store, contact_id: int, *, extra: Sequence[str] = ()) -> list[str]:
    """Return the steps you took since you last wrote to a contact, as lines for a progress update.

    The meetings you have had since (``drafting.progress_items``: by role and employer, never
    another contact's name), then the people this contact introduced you to and where that
    stands, then any `extra` steps you name (applications, new skills) that the workbook does
    not record.
    """
    spoke = (progress_items(wb, contact_id) or "").splitlines()
    lines = [line.removeprefix("- ") for line in spoke if line]
    people = wb.contacts()
    mine = people[people["referred_by"].eq(contact_id).fillna(False).astype(bool)]
    if not mine.empty:
        met = set(wb.meetings().query("status == 'held'")["contact_id"].tolist())
        emailed = set(wb.messages().query("kind == 'outreach' and status != 'draft'")["contact_id"].tolist())
        for cid, first in zip(mine["id"], mine["first_name"].fillna("them"), strict=True):
            if cid in met:
                lines.append(f"I met {first}, whom you introduced me to, and learned a lot.")
            elif cid in emailed:
                lines.append(f"I wrote to {first}, whom you introduced me to.")
    lines += [s.strip().rstrip(".") + "." for s in extra if s and s.strip()]
    return lines


def draft_due(wb: Store, today: dt.date | str | None = None, out_dir: str | os.PathLike[str] | None = None, *,
              kinds: Sequence[str] = ("update", "checkin", "referral_ask"), keys: Sequence[str] | None = None,
              extra_steps: str | Sequence[str] = (), refresh: bool = False,
              at: dt.datetime | str | None = None) -> pd.DataFrame:
    """Draft a message for every follow-up due by today (overdue or due) that one template writes.

    A progress update lists :func:`progress_steps` and thanks them for their advice; a referral
    ask, a check-in (its blanks say what useful thing to offer), a nudge or a thank-you comes from
    its template. Each draft is saved in the workbook (one open draft per person and kind:
    an open draft you may have edited is kept unless `refresh`), checked with the follow-up
    rules, and written as an ``.eml`` file when `out_dir` is given.

    Parameters
    ----------
    kinds
        Which kinds to draft (any of update, checkin, referral_ask, nudge, thank_you).
    keys
        Only these keys of :func:`due` (then any status).
    extra_steps
        Steps the workbook does not record (applications, new skills), added to every update: a
        list, or one text with the steps separated by ";" or line breaks.

    Returns
    -------
    pandas.DataFrame
        One row per draft. Columns: key, contact_id, name, kind, message_id, subject, body,
        missing (the blanks left to fill, comma-separated: you cannot mark it sent before), fixes
        (what the follow-up checks ask you to change, semicolon-separated),
        eml (path of the .eml file, or NA), mailto (a link that opens it in your mail program).
    """
    parts = re.split(r"[;\n]", extra_steps) if isinstance(extra_steps, str) else list(extra_steps)
    extra = [x.strip() for x in parts if x and x.strip()]

    columns = ["key", "contact_id", "name", "kind", "message_id", "subject", "body", "missing", "fixes", "eml",
               "mailto"]
    items = due(wb, today)
    if keys is not None:
        items = items[items["key"].isin(list(keys))]
    else:
        items = items[items["status"].isin(["overdue", "due"]) & items["kind"].isin(list(kinds))]
    items = items[items["template"].notna()]
    drafts = wb.messages()
    drafts = drafts[drafts["status"] == "draft"]
    rows = []
    for item in items.itertuples(index=False):  # one message each: a handful, not the whole workbook
        cid, template = int(item.contact_id), str(item.template)
        mid = _saved_draft(wb, cid, template, drafts, extra=extra, refresh=refresh, at=at)
        rows.append({"key": item.key, "contact_id": cid, "name": item.name, "kind": TEMPLATE_KIND[template],
                     **_checked(wb, cid, mid, out_dir)})
    out = pd.DataFrame(rows, columns=columns)
    out["message_id"] = out["message_id"].astype("Int64")
    log.info("%d follow-up drafts", len(out))
    return out


def _saved_draft(wb: Store, cid: int, template: str, drafts: pd.DataFrame, *, extra: Sequence[str],
                 refresh: bool, at: dt.datetime | str | None) -> int:
    """The id of the open draft for a person and template: the one there (unless `refresh`), else a new one."""
    kind = TEMPLATE_KIND[template]
    existing = drafts[(drafts["contact_id"] == cid) & (drafts["kind"] == kind)]
    if not existing.empty and not refresh:
        return int(existing["id"].iloc[0])
    if template != "update":
        return save_composed(wb, cid, template, at=at)
    fields = draft_fields(wb, cid)
    steps = progress_steps(wb, cid, extra=extra)
    fields["progress_items"] = "\n".join(f"- {step}" for step in steps) or None
    draft = fill("update", fields, user_dir=user_templates(wb))
    return wb.save_draft(cid, kind, draft.subject, draft.body, template="update", at=at)


def _checked(wb: Store, cid: int, mid: int, out_dir: str | os.PathLike[str] | None) -> dict[str, Any]:
    """A draft checked with the follow-up rules: message_id, subject, body, missing, fixes, eml, mailto."""
    msg = wb.message(mid)
    contact = wb.contact(cid)
    profile = wb.profile()
    result = check((msg["subject"], msg["body"]), rules="followup", contact_name=contact.get("first_name"),
                   signature=(profile.get("signature") or profile.get("name") or None))
    fixes = [f.message for f in result.findings if not f.passed and f.rule != "no_blanks"]
    return {"message_id": mid, "subject": msg["subject"], "body": msg["body"],
            "missing": ", ".join(blanks_in(msg["subject"] + "\n" + msg["body"])), "fixes": "; ".join(fixes),
            "eml": str(export_eml(wb, mid, out_dir)) if out_dir else pd.NA, "mailto": mailto_for(wb, mid)}


def draft_preview(drafts: pd.DataFrame) -> str:
    """Return the body of the first draft of :func:`draft_due`, or a line saying none is due today."""
    if drafts.empty:
        return "No update, referral ask or check-in is due today."
    return str(drafts["body"].iloc[0])
