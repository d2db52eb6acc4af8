"""The sync review (ik.views.SyncReview) without a browser: Review, Apply, Skip, Apply all, Undo."""

from __future__ import annotations

import pytest

import infoview_kit as ik
from tests.sync import mailboxes as mb
from tests.sync.test_apply import story  # noqa: F401  (the fixture)


def test_a_headless_run_without_a_source_shows_nothing_to_review(story):  # noqa: F811
    wb, *_ = story
    view = ik.views.SyncReview(wb)
    assert view.proposals.empty and "Type the path" in view.status
    view._review.click()
    assert "type the path" in view.status and "#b00020" in view.status


def test_review_apply_skip_and_undo(story):  # noqa: F811
    wb, ids, msgs, sources = story
    wb.set_profile(email=mb.ME)
    view = ik.views.SyncReview(wb, f"{sources[0]}")
    found = view.proposals
    assert "to review" in view.status and len(found) >= 4
    sent = int(found.index[found["action"] == "sent"][0])
    replied = int(found.index[found["action"] == "replied"][0])
    view.buttons(replied)["Apply"].click()  # its sending is not applied yet
    assert "apply its sending first" in view.status and wb.message(msgs["priya"])["status"] == "draft"
    view.buttons(sent)["Apply"].click()
    assert wb.message(msgs["priya"])["status"] == "sent"
    assert view.status.startswith('<span style="color:#00703c">Sent: ') and "applied 1 (1 sent)" in view.status
    view.buttons(replied)["Apply"].click()
    assert wb.message(msgs["priya"])["status"] == "replied"
    bounced = int(view.proposals.index[view.proposals["action"] == "bounced"][0])
    view.buttons(bounced)["Skip"].click()
    assert "not proposed again" in view.status and wb.message(msgs["jun"])["status"] == "sent"
    left = len(view.proposals)
    view._apply_all.click()
    assert view.proposals.empty and f"applied {left}" in view.status
    assert ik.views.SyncReview(wb, str(sources[0])).proposals.empty  # a second sync: nothing new
    view._undo.click()
    assert "Undid sync" in view.status
    with pytest.raises(ik.InputFormatError, match="no row"):
        view.buttons(sent)


def test_evidence_is_escaped(story):  # noqa: F811
    wb, *_ = story
    view = ik.views.SyncReview(wb)
    view._proposals = view.proposals.iloc[:0]
    row = view._row(0, {"at": "2026-11-02T14:00Z", "action": "replied", "name": "<b>Eve</b>",
                        "evidence": "<script>x</script>"})
    text = row.children[0].value
    assert "<script>" not in text and "&lt;script&gt;" in text and "&lt;b&gt;Eve" in text
