"""Tests for infoview_kit.views.interview.brief_view: the brief in its frame, under its file."""

from __future__ import annotations

from infoview_kit import interview
from infoview_kit.views.interview import brief_view


def test_brief_view_without_a_meeting_says_none_is_chosen(demo_wb):
    assert "No meeting chosen yet" in brief_view(demo_wb, None).data


def test_brief_view_writes_the_brief_into_out_dir_or_offers_it_for_download(demo_wb, tmp_path):
    mid = interview.pick_meeting(demo_wb, "Helen Whitaker")
    name = interview.brief_filename(demo_wb, mid)
    shown = brief_view(demo_wb, mid, out_dir=tmp_path).data
    assert f"Written: <code>{name}</code>" in shown and "<iframe" in shown
    assert (tmp_path / name).read_text(encoding="utf-8") == interview.brief_html(demo_wb, mid)
    assert f'download="{name}"' in brief_view(demo_wb, mid).data
