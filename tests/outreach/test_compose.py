"""Step 3's compose functions without a widget: the composer's draft, check, save, .eml and Sent, headless."""

from __future__ import annotations

import datetime as dt

import pytest

from infoview_kit import outreach
from infoview_kit.base.errors import InputFormatError
from infoview_kit.outreach import drafting

SENT_AT = dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.UTC)  # a Wednesday
ACCOMPLISHMENT = "[their_accomplishment]"


@pytest.fixture
def tariq(demo_wb) -> int:
    """Tariq Rahman on the outreach list: his seed draft has one blank, their_accomplishment."""
    cid = demo_wb.find_contact("Tariq Rahman")
    demo_wb.set_target(cid)
    return cid


def filled(body: str) -> str:
    return body.replace(ACCOMPLISHMENT, "a leading role in the Riverton bus network redesign")


def test_the_package_functions_run_the_same_path_headless(demo_wb, tariq, tmp_path):
    draft = outreach.current_draft(demo_wb, tariq)
    assert draft.missing == ("their_accomplishment",)
    with pytest.raises(InputFormatError, match="their_accomplishment"):
        outreach.mark_edited_sent(demo_wb, tariq, "seed", draft.subject, draft.body, at=SENT_AT)
    mid = outreach.save_edited(demo_wb, tariq, "seed", draft.subject, draft.body)
    assert demo_wb.message(mid)["status"] == "draft"
    body = filled(draft.body)
    assert outreach.mark_edited_sent(demo_wb, tariq, "seed", draft.subject, body, at=SENT_AT) == mid
    assert outreach.save_edited(demo_wb, tariq, "seed", draft.subject, body) == mid  # no second draft
    path = outreach.write_edited_eml(demo_wb, tariq, "seed", draft.subject, body, tmp_path)
    assert path.parent == tmp_path and path.suffix == ".eml"
    assert outreach.check_edited(demo_wb, tariq, draft.subject, body).passed is False  # common ground not first
    assert drafting.TEMPLATE_KIND["nudge"] == "nudge"
