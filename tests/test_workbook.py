"""The workbook a person holds: the store's data plus the steps' everyday verbs, each the step's function."""

from __future__ import annotations

import pandas as pd
import pytest

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError
from infoview_kit.outreach.routine import mark_sent
from infoview_kit.store import Store
from infoview_kit.workbook import Workbook

#: Verbs that carry a step's rules: on the workbook people hold, never on the bare store.
POLICY_VERBS = ("import_contacts", "add_contact", "update_contact", "undo_merge", "export_contacts",
                "common_ground", "mark_sent", "mark_replied", "log_meeting", "due", "redacted_copy")


def test_open_gives_the_class_it_is_called_on(tmp_path):
    assert ik.Workbook is Workbook
    with Workbook.open(tmp_path / "a.sqlite") as wb:
        assert type(wb) is Workbook and repr(wb).startswith("<Workbook ")
    with Store.open(tmp_path / "a.sqlite", read_only=True) as store:
        assert type(store) is Store and repr(store).startswith("<Store ")


@pytest.mark.parametrize("verb", POLICY_VERBS)
def test_the_store_has_no_policy_verb(verb):
    assert not hasattr(Store, verb)
    if verb != "redacted_copy":  # a report's function: reports.redact.redacted_copy(wb, dest)
        assert callable(getattr(Workbook, verb))


def test_recording_a_sending_decides_nothing_marking_it_sent_follows_the_routine(tmp_path):
    path = tmp_path / "w.sqlite"
    with Workbook.open(path) as wb:
        cid = wb.add_contact("Dana", "Whitfield", company="Bluefin Analytics", position="Talent Acquisition Lead")
        assert wb.contact(cid)["is_recruiter"] == 1  # add_contact flags recruiters (find's rule)
        blank = wb.save_draft(cid, "outreach", "Hello", "Given that you have attained [their_accomplishment]")
        with pytest.raises(InputFormatError, match="blanks to fill"):
            wb.mark_sent(blank, at="2026-11-02T10:00:00+00:00")
    with Store.open(path) as store:
        assert store.record_sent(blank, at="2026-11-02T10:00:00+00:00")  # the data: no check, no routine
        assert store.followups().empty
        other = store.insert_contact("Lee", "Ortiz", company="Bluefin Analytics", position="Recruiter")
        assert store.contact(other)["is_recruiter"] == 0  # who is a recruiter, find decides
    with Workbook.open(path) as wb:
        mid = wb.save_draft(other, "outreach", "Hello", "A first email")
        assert mark_sent(wb, mid, at="2026-11-02T10:00:00+00:00")
        assert sorted(wb.followups()["kind"]) == ["nudge", "second_contact"]


def test_recording_a_reply_or_a_held_meeting_decides_nothing_the_steps_settle_the_routine_and_ask_thanks(tmp_path):
    path = tmp_path / "w.sqlite"
    with Workbook.open(path) as wb:
        wb.set_profile(name="Alex Quinn", timezone="Europe/London", country="GB")
        cid = wb.add_contact("Ada", "Byron", email="ada@example.org")
        mid = wb.save_draft(cid, "outreach", "Hello", "A first email")
        wb.mark_sent(mid, at="2026-11-02T10:00:00+00:00")
        meeting = wb.schedule_meeting(cid, "2026-11-10T14:00", duration_min=30, at="2026-11-03T09:00:00+00:00")
    with Store.open(path) as store:  # the store alone records, and leaves the routine and the thanks to the steps
        assert store.record_replied(mid, at="2026-11-03T09:00:00+00:00")
        store.record_meeting_log(meeting, actual_start="2026-11-10T14:00", actual_end="2026-11-10T14:30")
        open_ = store.followups()
        assert sorted(open_[open_["done_at"].isna()]["kind"]) == ["nudge", "second_contact"]
    path2 = tmp_path / "w2.sqlite"
    with Workbook.open(path2) as wb:
        wb.set_profile(name="Alex Quinn", timezone="Europe/London", country="GB")
        cid = wb.add_contact("Ada", "Byron", email="ada@example.org")
        mid = wb.save_draft(cid, "outreach", "Hello", "A first email")
        wb.mark_sent(mid, at="2026-11-02T10:00:00+00:00")
        meeting = wb.schedule_meeting(cid, "2026-11-10T14:00", duration_min=30, at="2026-11-03T09:00:00+00:00")
        assert wb.mark_replied(mid, at="2026-11-03T09:00:00+00:00")
        wb.log_meeting(meeting, actual_start="2026-11-10T14:00", actual_end="2026-11-10T14:30")
        fu = wb.followups()
        assert sorted(fu[fu["done_at"].isna()]["kind"]) == ["thank_you"]  # the reply settled the routine
        thanks = fu[fu["kind"] == "thank_you"].iloc[0]
        assert thanks["due_at"] == pd.Timestamp("2026-11-11T14:30:00+00:00")  # 24 hours after the end (London: UTC)


def test_an_unknown_field_is_refused_by_name_in_every_edit(tmp_path):
    import pytest

    from infoview_kit.base.errors import InputFormatError
    from infoview_kit.workbook import Workbook

    with Workbook.open(tmp_path / "wb.sqlite") as wb:
        cid = wb.add_contact("Ada", "Byron")
        with pytest.raises(InputFormatError, match=r"contact field 'shoe_size' is unknown; expected one of .*email"):
            wb.update_contact(cid, shoe_size="9")
        with pytest.raises(InputFormatError, match=r"profile field 'shoe_size' is unknown; expected one of .*name"):
            wb.set_profile(shoe_size="9")
