"""What the workbook remembers between runs (the person and meeting being worked on), and the one
change-notification mechanism every view subscribes to."""

from __future__ import annotations

import gc

import pytest

from infoview_kit.base.errors import NotFoundError


def test_current_person_and_meeting_are_remembered_across_opens(new_wb):
    from infoview_kit.workbook import Workbook

    assert new_wb.current() == {"contact_id": None, "meeting_id": None}
    a = new_wb.add_contact("Ada", "Byron", company="Analytical")
    b = new_wb.add_contact("Grace", "Hopper", company="Navy")
    assert new_wb.set_current(contact_id=a) == {"contact_id": a, "meeting_id": None}
    m = new_wb.schedule_meeting(b, "2026-12-07T10:00")
    assert new_wb.set_current(meeting_id=m) == {"contact_id": b, "meeting_id": m}  # the meeting's person too
    assert new_wb.set_current(contact_id=b) == {"contact_id": b, "meeting_id": m}  # their meeting stays
    new_wb.close()
    with Workbook.open(new_wb.path) as again:
        assert again.current() == {"contact_id": b, "meeting_id": m}
        assert again.set_current(contact_id=a) == {"contact_id": a, "meeting_id": None}  # not a's meeting
        with pytest.raises(NotFoundError):
            again.set_current(contact_id=999)
        again.forget(a)
        assert again.current() == {"contact_id": None, "meeting_id": None}


def test_every_committed_write_notifies_subscribers_and_only_writes_do(new_wb):
    calls: list[str] = []

    class View:
        def refresh(self) -> None:
            calls.append("view")

    view = View()
    new_wb.on_change(view.refresh)
    unsubscribe = new_wb.on_change(lambda: calls.append("fn"))
    before = new_wb.version
    cid = new_wb.add_contact("Ada", "Byron")
    assert calls and calls.count("view") == calls.count("fn") == new_wb.version - before
    calls.clear()
    new_wb.contacts()
    with new_wb.transaction():
        pass  # nothing written: nobody is told
    assert calls == []
    unsubscribe()
    new_wb.set_current(contact_id=cid)
    assert calls == ["view"]
    new_wb.set_current(contact_id=cid)  # the same again writes nothing
    assert calls == ["view"]
    del view
    gc.collect()
    new_wb.add_contact("Grace", "Hopper")  # a view that is gone is no longer called
    assert calls == ["view"]


def test_a_failing_subscriber_neither_undoes_nor_hides_the_write(new_wb, caplog):
    def broken() -> None:
        raise RuntimeError("view bug")

    seen: list[int] = []
    new_wb.on_change(broken)
    new_wb.on_change(lambda: seen.append(len(new_wb.contacts())))
    new_wb.add_contact("Ada", "Byron")
    assert seen == [1] and "failed to refresh" in caplog.text


def test_a_write_made_while_subscribers_are_told_tells_them_again(new_wb):
    cid = new_wb.add_contact("Ada", "Byron")
    seen: list[dict] = []

    def follower() -> None:
        seen.append(new_wb.current())

    def picker() -> None:  # a view that, on a change, makes the new person current
        new_wb.set_current(contact_id=cid)

    new_wb.on_change(picker)
    new_wb.on_change(follower)
    new_wb.add_contact("Grace", "Hopper")
    assert seen[-1] == {"contact_id": cid, "meeting_id": None}


def test_person_picker_finds_by_typing_lists_the_relevant_first_and_follows_the_current_person(new_wb):
    from infoview_kit.views.forms import PersonPicker

    ids = {n: new_wb.add_contact(n, "Lee", company=f"{n} Corp") for n in ("Ann", "Bea", "Cal", "Dan")}
    new_wb.set_target(ids["Dan"])  # on the outreach list: before the rest
    picker = PersonPicker(new_wb, limit=2)
    assert [i for _, i in picker.matches] == [ids["Dan"], ids["Ann"]] and picker.value is None
    assert "2 more match" in picker._more.value
    picker.search.value = "cal co"
    assert picker.matches == [("Cal Lee · Cal Corp", ids["Cal"])]
    picker._list.value = ids["Cal"]  # as a click on the name does
    assert picker.value == ids["Cal"] and new_wb.current()["contact_id"] == ids["Cal"]
    other = PersonPicker(new_wb)
    assert other.value == ids["Cal"]  # a new picker opens on the current person
    new_wb.set_current(contact_id=ids["Bea"])  # another view chose someone: the picker with a search typed keeps
    assert other.value == ids["Bea"] and picker.value == ids["Cal"] and picker.search.value == "cal co"
    picker.search.value = ""  # the search emptied: it follows the current person again
    new_wb.set_current(contact_id=ids["Dan"])
    assert picker.value == other.value == ids["Dan"]
    picker.search.value = "zzz"
    assert picker.matches == [] and "Nobody matches" in picker._more.value


def test_record_reply_answers_the_newest_sent_message_on_the_day_given(new_wb):
    import datetime as dt

    from infoview_kit.base.errors import InputFormatError
    from infoview_kit.outreach.drafting import record_reply

    new_wb.set_profile(timezone="Europe/London", country="GB")
    cid = new_wb.add_contact("Ada", "Byron", email="ada@example.org")
    with pytest.raises(InputFormatError, match="nothing was sent"):
        record_reply(new_wb, cid)
    mid = new_wb.save_draft(cid, "outreach", "Hello", "Hi Ada,\n\nA question.\n\nAlex")
    new_wb.mark_sent(mid, at="2026-11-02T10:00:00+00:00")
    now = dt.datetime(2026, 11, 6, 15, tzinfo=dt.UTC)
    with pytest.raises(InputFormatError, match="before your email"):
        record_reply(new_wb, cid, "2026-11-01", at=now)
    with pytest.raises(InputFormatError, match="in the future"):
        record_reply(new_wb, cid, "2026-11-09", at=now)
    with pytest.raises(InputFormatError, match="expected a date"):
        record_reply(new_wb, cid, "next spring", at=now)
    assert record_reply(new_wb, cid, "2026-11-04", at=now) == mid
    msg = new_wb.message(mid)
    assert (msg["status"], msg["replied_at"]) == ("replied", "2026-11-04T12:00:00+00:00")
    assert new_wb.followups().query("kind in ['second_contact', 'nudge']")["done_at"].notna().all()
    with pytest.raises(InputFormatError, match="recorded already"):
        record_reply(new_wb, cid, at=now)


def test_a_form_listens_only_while_it_is_shown(new_wb):
    """A cell run again leaves its old form alive (ipywidgets keeps it): once the front end says its
    last view is gone it stops reloading, and shown again it re-reads and listens again."""
    from infoview_kit.views.forms import PersonPicker

    new_wb.add_contact("Ann", "Lee")
    picker = PersonPicker(new_wb)
    calls: list[int] = []
    picker._load = lambda: calls.append(new_wb.version)  # type: ignore[method-assign]
    new_wb.add_contact("Bea", "Lee")
    assert len(calls) == 1  # headless: no view counted, it listens
    picker._view_count = 1  # shown in a cell
    new_wb.add_contact("Cal", "Lee")
    assert len(calls) == 2
    picker._view_count = 0  # the cell was run again: its view is gone
    new_wb.add_contact("Dan", "Lee")
    assert len(calls) == 2
    picker._view_count = 1  # shown again (the notebook reopened): catches up, then listens
    assert len(calls) == 3
    new_wb.add_contact("Eve", "Lee")
    assert len(calls) == 4
    picker._unwatch()
    new_wb.add_contact("Fay", "Lee")
    picker._view_count = 2
    assert len(calls) == 4


def test_directory_kept_up_to_date_equals_a_fresh_read_after_every_kind_of_write(demo_wb):
    import pandas.testing as pdt

    def fresh():
        demo_wb.__dict__["_directory_cache"] = None
        return demo_wb.directory()

    def same():
        kept = demo_wb.directory()
        pdt.assert_frame_equal(kept, fresh())
        return kept

    same()
    new = demo_wb.add_contact("Zed", "Quill", company="Nowhere")
    assert "Zed Quill" in same()["name"].tolist()
    demo_wb.set_target(new)
    assert same().set_index("id").loc[new, "stage"] == 0
    demo_wb.update_contact(new, last_name="Quillon")
    assert "Zed Quillon" in same()["name"].tolist()
    due = demo_wb.followups().query("done_at.isna()")
    demo_wb.mark_followup_done(int(due["id"].iloc[0]))
    same()
    demo_wb.set_contact_flags(new, pinned=True)
    assert same().set_index("id").loc[new, "pinned"]
    demo_wb.forget(new)
    assert new not in same()["id"].tolist()


def test_record_reply_judges_the_future_by_the_profiles_calendar(new_wb):
    import datetime as dt

    from infoview_kit.outreach.drafting import record_reply

    new_wb.set_profile(timezone="Pacific/Auckland", country="NZ")  # a day ahead of UTC
    cid = new_wb.add_contact("Ada", "Byron", email="ada@example.org")
    mid = new_wb.save_draft(cid, "outreach", "Hello", "Hi Ada,\n\nA question.\n\nAlex")
    new_wb.mark_sent(mid, at="2026-11-02T10:00:00+00:00")
    now = dt.datetime(2026, 11, 5, 20, tzinfo=dt.UTC)  # already 6 Nov in Auckland
    assert record_reply(new_wb, cid, "2026-11-06", at=now) == mid


def test_done_then_sent_is_one_thank_you_and_an_edited_draft_is_never_redrafted(new_wb):
    from infoview_kit import interview
    from infoview_kit.outreach.messages import save_edited
    from infoview_kit.reports import charts

    new_wb.set_profile(name="Alex Quinn", timezone="Europe/London", country="GB")
    cid = new_wb.add_contact("Ada", "Byron", email="ada@example.org")
    mid = new_wb.schedule_meeting(cid, "2026-11-03T10:00", at="2026-11-01T09:00:00+00:00")
    new_wb.log_meeting(mid, actual_start="2026-11-03T10:00", actual_end="2026-11-03T10:25",
                       advice="Learn SQL first.")
    closing = interview.close_the_loop(new_wb, mid, at="2026-11-03T11:00:00+00:00")
    draft = new_wb.message(closing.thank_you)
    mine = save_edited(new_wb, cid, "thank_you", draft["subject"], "Dear Ada,\n\nMy own words.\n\nAlex",
                       at="2026-11-03T11:05:00+00:00")
    assert mine == closing.thank_you
    again = interview.close_the_loop(new_wb, mid, at="2026-11-03T11:10:00+00:00")  # Save log again
    assert again.thank_you == mine and "My own words" in new_wb.message(mine)["body"]
    (fid,) = new_wb.followups().query("kind == 'thank_you'")["id"]
    new_wb.mark_followup_done(int(fid), at="2026-11-03T12:00:00+00:00")  # Done on the board...
    new_wb.mark_sent(mine, at="2026-11-03T12:05:00+00:00")  # ...and later Sent on the same draft
    assert len(new_wb.events(contact_id=cid, kinds=["thank_you_sent"])) == 1
    assert charts.activity_data(new_wb)["thank-yous"].sum() == 1
    assert charts.funnel_data(new_wb).set_index("stage").loc["thanked", "people"] == 1


def test_download_links_carry_the_file_itself_and_escape_its_name(demo_wb, tmp_path):
    import base64
    import re

    from infoview_kit import followup as followups
    from infoview_kit.views.forms import download_link

    data = followups.reminders_ics_bytes(demo_wb, "2026-11-25")
    written = followups.reminders_file(demo_wb, "2026-11-25", tmp_path / "f.ics").read_bytes()
    assert data == written and data.startswith(b"BEGIN:VCALENDAR")
    link = download_link('a"<b>.ics', data, "text/calendar").data
    assert 'download="a&quot;&lt;b&gt;.ics"' in link and "<b>" not in link
    payload = re.search(r'href="data:text/calendar;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload) == data


def test_take_away_writes_into_the_report_folder_or_offers_a_download(tmp_path):
    from infoview_kit.views.forms import take_away

    shown = take_away("b<x>.ics", b"BEGIN:VCALENDAR", "text/calendar", tmp_path / "files").data
    assert (tmp_path / "files" / "b<x>.ics").read_bytes() == b"BEGIN:VCALENDAR"
    assert "b&lt;x&gt;.ics" in shown and str(tmp_path) not in shown  # no path of the machine on the page
    assert 'download="b&lt;x&gt;.ics"' in take_away("b<x>.ics", b"x", "text/calendar", "").data
