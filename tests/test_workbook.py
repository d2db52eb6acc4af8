"""The workbook a person holds: the store's data plus the steps' everyday verbs, each the step's function."""

from __future__ import annotations

import pytest

import infoview_kit as ik
from infoview_kit.base.errors import InputFormatError
from infoview_kit.outreach.routine import mark_sent
from infoview_kit.store import Store
from infoview_kit.workbook import Workbook

#: Verbs that carry a step's rules: on the workbook people hold, never on the bare store.
POLICY_VERBS = ("import_contacts", "add_contact", "update_contact", "undo_merge", "export_contacts",
                "common_ground", "mark_sent", "due", "redacted_copy")


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
