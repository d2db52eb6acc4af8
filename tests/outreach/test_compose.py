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


@pytest.mark.parametrize(("accomplishment", "expected"), [
    ("a leadership role in sustainable sourcing", "a leadership role in sustainable sourcing"),
    ("Led site start-up for a 120-patient Phase III asthma trial",
     "the experience of having led site start-up for a 120-patient Phase III asthma trial"),
    ("Reduced query turnaround by 40%", "the experience of having reduced query turnaround by 40%"),
    ("She grew the monitoring team from two to twelve",
     "the experience of having grown the monitoring team from two to twelve"),
    ("Named one of 40 under 40 in clinical operations",
     "the distinction of having been named one of 40 under 40 in clinical operations"),
    ("Was elected chair of the regional CRA network",
     "the distinction of having been elected chair of the regional CRA network"),
    ("Leading the oncology trials unit", "the experience of leading the oncology trials unit"),
    ("3 patents in trial logistics", "3 patents in trial logistics"),
    ("Fulbright scholarship", None),  # a shape it cannot be sure of: the blank stays open
])
def test_an_accomplishment_reads_as_what_they_have_attained(new_wb, accomplishment, expected):
    from infoview_kit.outreach.drafting import blank_hints, compose

    cid = new_wb.add_contact("Maya", "Ortiz", company="Cobalt Health")  # invented
    new_wb.add_research(cid, "accomplishment", accomplishment)
    draft = compose(new_wb, cid, "seed")
    if expected is None:
        assert "Given that you have attained [their_accomplishment]," in draft.body
        assert f'your research has "{accomplishment}"' in blank_hints(new_wb, cid)["their_accomplishment"]
    else:
        assert f"Given that you have attained {expected}, I believe" in draft.body
        assert "their_accomplishment" not in draft.missing


def test_the_newest_accomplishment_that_fits_is_used_and_the_hint_never_invents_one(new_wb):
    from infoview_kit.outreach.drafting import blank_hints, compose
    from infoview_kit.outreach.present import blanks_html

    cid = new_wb.add_contact("Tom", "Reyes")  # invented
    new_wb.add_research(cid, "accomplishment", "Led the move to remote monitoring")
    new_wb.add_research(cid, "accomplishment", "Fulbright scholarship")
    assert "attained the experience of having led the move to remote monitoring," in compose(new_wb, cid).body
    other = new_wb.add_contact("Ines", "Park")
    new_wb.add_research(other, "accomplishment", "Fulbright scholarship")
    draft = compose(new_wb, other)
    shown = blanks_html(draft.subject, draft.body, blank_hints(new_wb, other))
    assert "Fulbright scholarship" in shown and "sustainable sourcing" not in shown
    from infoview_kit.outreach.present import blanks_line

    line = blanks_line(draft, blank_hints(new_wb, other))
    assert line.startswith("Blanks still to fill:\n- [") and "- [their_accomplishment]: what they have attained" in line
    assert "Fulbright scholarship" in line
