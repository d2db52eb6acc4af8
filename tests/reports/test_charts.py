"""Chart data on the demo, with numbers worked out by hand from data/sample/history.jsonl, and the figures."""

# Times in history.jsonl are America/Chicago; the demo's today is Wed 25 Nov 2026. US holidays in play:
# Columbus Day Mon 12 Oct and Thanksgiving Thu 26 Nov 2026.

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from matplotlib.figure import Figure

from infoview_kit import followup as followups
from infoview_kit.reports import charts
from infoview_kit.reports.reading import reading
from infoview_kit.store.readmodel import Snapshot

TODAY = dt.date(2026, 11, 25)


def by_name(wb, data: pd.DataFrame, column: str) -> dict[str, object]:
    names = wb.contacts().set_index("id")
    full = (names["first_name"].fillna("") + " " + names["last_name"].fillna("")).str.strip()
    return dict(zip(data["contact_id"].map(full), data[column], strict=True))


def test_funnel_has_conversion_rates(demo_wb):
    funnel = charts.funnel_data(demo_wb, TODAY)
    # 15 chosen, 15 researched, 14 emailed, 9 replied, 7 met, 7 thanked, 3 kept in touch (test_demo)
    assert funnel["conversion"].round(4).tolist()[1:] == [1.0, round(14 / 15, 4), round(9 / 14, 4),
                                                          round(7 / 9, 4), 1.0, round(3 / 7, 4)]
    assert funnel["of_identified"].iloc[-1] == pytest.approx(3 / 15)


def test_responses_of_the_demo(demo_wb):
    data = charts.response_data(demo_wb, TODAY)
    # first emails, by business days of the US calendar (day N = N-th business day after sending):
    # Dana Tue 8 Sep -> Mon 21 Sep: 9 business days, after day 7 (Thu 17 Sep): late.
    # Priya Tue 8 Sep -> Tue 15 Sep: 5, on time. Mateo and Aisha Wed 9 -> Thu 10 Sep: 1, quick.
    # Hannah Mon 14 -> Wed 16 Sep: 2, quick. Jordan Mon 28 -> Tue 29 Sep: 1. Anika Tue 6 -> Thu 8 Oct: 2.
    # Kenji Mon 5 Oct -> Tue 20 Oct: 10 (Columbus Day not counted), after day 7 (Thu 15 Oct): late.
    # Helen Thu 5 -> Fri 6 Nov: 1. No reply and day 7 long past: Grace, Luis, Sam, Felix.
    # Victor Thu 19 Nov: day 7 is Tue 1 Dec (Thanksgiving skipped): still waiting on 25 Nov.
    assert by_name(demo_wb, data, "response") == {
        "Dana Whitfield": "late", "Priya Raman": "on_time", "Mateo Álvarez": "quick", "Aisha Bello": "quick",
        "Hannah Kowalczyk": "quick", "Grace Abernathy": "none", "Luis Ferreira": "none", "Jordan Pike": "quick",
        "Kenji Morimoto": "late", "Anika Chowdhury": "quick", "Sam Okonkwo": "none", "Felix Hartmann": "none",
        "Helen Whitaker": "quick", "Victor Nakamura": "waiting"}
    days = {k: v for k, v in by_name(demo_wb, data, "business_days").items() if pd.notna(v)}
    assert days == {"Dana Whitfield": 9, "Priya Raman": 5, "Mateo Álvarez": 1, "Aisha Bello": 1,
                    "Hannah Kowalczyk": 2, "Jordan Pike": 1, "Kenji Morimoto": 10, "Anika Chowdhury": 2,
                    "Helen Whitaker": 1}
    summary = charts.response_summary(data)
    # 9 replied of 13 decided (Victor's is too early to tell): 69%, above the 20-40% of cold outreach
    assert {k: summary[k] for k in ("sent", "replied", "decided", "quick", "on_time", "late", "none",
                                    "waiting")} == {"sent": 14, "replied": 9, "decided": 13, "quick": 6,
                                                    "on_time": 1, "late": 2, "none": 4, "waiting": 1}
    assert summary["rate"] == pytest.approx(9 / 13) and summary["band"] == (0.2, 0.4)
    # calendar days to a reply, the middle of nine: Anika, Tue 6 Oct 09:25 -> Thu 8 Oct 12:10 = 2.11
    assert summary["median_days"] == pytest.approx(2.11)
    # the same data a week earlier: Helen's reply of 6 Nov is in, Victor's email is not sent yet
    earlier = charts.response_summary(charts.response_data(demo_wb, "2026-11-18"))
    assert (earlier["sent"], earlier["waiting"]) == (13, 0)


def test_follow_up_health_of_the_demo(demo_wb):
    health = charts.followup_health_data(demo_wb, TODAY).set_index("week")
    # by the local week each fell due; on time = done by its due time (a derived one: by its day):
    # 07 Sep: Dana's second contact, done Mon 14 Sep: late.
    # 14 Sep: Dana's nudge and Mateo's thank-you on time; Grace's second contact never done;
    #         Aisha's thank-you a day late.
    # 21 Sep: Grace's nudge and Priya's thank-you on time; Luis's second contact and nudge never done;
    #         Mateo's and Aisha's referral asks (Mon 21 Sep) lapsed unasked.
    # 28 Sep: Hannah's thank-you on time.
    # 05 Oct: Dana's thank-you on time; the update to Priya for introducing Jordan (Wed 7 Oct) sent
    #         only on 10 Nov: late; Hannah's referral ask (Mon 5 Oct) lapsed.
    # 12 Oct: Jordan's thank-you on time; Sam's and Felix's second contacts and Dana's referral ask
    #         (Tue 13 Oct, after Columbus Day) never done.
    # 19 Oct: Sam's nudge on time (sent early), Anika's thank-you late; Felix's nudge and Jordan's
    #         referral ask never done.
    # 26 Oct: Anika's referral ask lapsed; Hannah's keep-in-touch (Fri 30 Oct) still overdue.
    # 02, 09, 16 Nov: the keep-in-touch of Dana (6 Nov), Jordan (13 Nov), Mateo (19 Nov), overdue.
    # 23 Nov: Anika's check-in (Mon 23), Victor's second contact (Tue 24) and logging Helen's meeting.
    # Left out: second contacts and nudges a reply closed; Victor's nudge (1 Dec) not yet due.
    weeks = [dt.date(2026, 9, 7) + dt.timedelta(weeks=i) for i in range(12)]
    assert health.index.tolist() == weeks
    assert health["on_time"].tolist() == [0, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert health["late"].tolist() == [1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert health["overdue"].tolist() == [0, 1, 4, 0, 1, 3, 2, 2, 1, 1, 1, 3]


def test_meeting_minutes_of_the_demo(demo_wb):
    minutes = charts.meeting_minutes_data(demo_wb, TODAY)
    # planned (minutes asked for) and actual (logged start to end), in the order they were held;
    # Helen's meeting of 24 Nov is not logged, Kenji's is on 1 Dec
    assert list(zip(minutes["name"], minutes["planned_min"], minutes["actual_min"], strict=True)) == [
        ("Mateo Álvarez", 20, 22), ("Aisha Bello", 30, 28), ("Priya Raman", 30, 34), ("Hannah Kowalczyk", 20, 19),
        ("Dana Whitfield", 30, 29), ("Jordan Pike", 20, 20), ("Anika Chowdhury", 30, 31)]
    assert minutes["over_min"].tolist() == [2, -2, 4, -1, -1, 0, 1]
    assert (minutes["planned_min"].sum(), minutes["actual_min"].sum()) == (180, 183)
    assert minutes["date"].iloc[0] == dt.date(2026, 9, 16)


def test_network_growth_of_the_demo(demo_wb):
    net = charts.network_data(demo_wb, TODAY).set_index("week")
    # 13 weeks from the import (Tue 1 Sep, week of 31 Aug) to the week of 23 Nov; Priya introduced
    # Jordan Pike on Wed 23 Sep (week of 21 Sep); Alex met him on Wed 14 Oct (week of 12 Oct)
    assert len(net) == 13 and net.index[0] == dt.date(2026, 8, 31)
    assert net["introduced"].sum() == 1 and net.loc[dt.date(2026, 9, 21), "introduced"] == 1
    assert net["introduced_total"].tolist() == [0, 0, 0] + [1] * 10
    assert net["met_total"].tolist() == [0] * 6 + [1] * 7
    assert net["introducers_total"].iloc[-1] == 1


def test_chart_data_reads_each_table_once_and_saves_the_same_csv_twice(demo_wb, tmp_path):
    calls: dict[str, int] = {}

    class Counting:
        def __getattr__(self, name):
            attr = getattr(demo_wb, name)
            if name in ("events", "messages", "meetings", "followups", "contacts"):
                def counted(*args, **kwargs):
                    calls[name] = calls.get(name, 0) + 1
                    return attr(*args, **kwargs)
                return counted
            return attr

    snap = Snapshot(Counting())  # type: ignore[arg-type]
    data = charts.chart_data(snap, TODAY)
    followups.due(snap, TODAY)
    assert list(data) == list(charts.DATA_FUNCTIONS)
    assert set(calls.values()) == {1}
    first = charts.save_data(tmp_path / "a", **data)
    second = charts.save_data(tmp_path / "b", **charts.chart_data(demo_wb, TODAY))
    assert [p.read_text() for p in first] == [p.read_text() for p in second]
    assert (tmp_path / "a" / "chart-data" / "responses.csv").read_text().splitlines()[0] == \
        "message_id,contact_id,sent_at,replied_at,days_to_reply,business_days,response"


def _texts(fig: Figure) -> str:
    parts = [fig.get_suptitle()]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts]
    return " | ".join(p for p in parts if p)


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_is_titled_labelled_and_printable(demo_wb, tmp_path, name, artifacts):
    data = charts.chart_data(demo_wb, TODAY)[name]
    fig = charts.CHARTS[name](data)
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: both axes labelled"
    assert fig.get_suptitle() or all(ax.get_title() for ax in fig.axes)
    colours = {p.get_facecolor()[:3] for ax in fig.axes for p in ax.patches if p.get_width() > 0}
    safe = {tuple(round(int(c[i:i + 2], 16) / 255, 4) for i in (1, 3, 5)) for c in [*charts.PALETTE, "#BBBBBB",
                                                                                    "#E5E5E5"]}
    assert {tuple(round(v, 4) for v in c) for c in colours} <= safe, "Okabe-Ito colours only"
    for ax in fig.axes:  # in black and white, all series but one carry a hatch (background bands aside)
        bars = [p for p in ax.patches if p.get_width() > 0 and p.get_zorder() >= 1]
        plain = {p.get_facecolor() for p in bars} - {p.get_facecolor() for p in bars if p.get_hatch()}
        assert len(plain) <= 1, f"{name}: series told apart by hatching in greyscale print"
    path = charts.save_figures(artifacts / "charts", **{name: fig})[0]
    assert path.stat().st_size > 10_000


def test_the_charts_read_as_the_demo_story(demo_wb):
    data = charts.chart_data(demo_wb, TODAY)
    assert "9 replied" in _texts(charts.response_chart(data["responses"]))
    assert "183 taken of 180 asked for" in _texts(charts.meeting_minutes_chart(data["meeting_minutes"]))
    assert "on time (8)" in [t.get_text() for t in charts.followup_health_chart(
        data["followup_health"]).axes[0].get_legend().get_texts()]


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_says_nothing_yet_on_a_new_workbook(new_wb, name):
    data = charts.chart_data(new_wb, TODAY)[name]
    assert isinstance(charts.CHARTS[name](data), Figure)


def test_the_written_reading_of_the_demo(demo_wb):
    data = charts.chart_data(demo_wb, TODAY)
    text = reading(data, followups.due(demo_wb, TODAY))
    good, stuck = text.split("**Stuck or slipping**")
    assert "Replies: 69% of the 13 first emails decided got a reply (6 within two business days)" in good
    assert "Follow-ups: 8 of 12 done were on time, 4 late." in good
    assert "Meetings: 7 meetings held, 183 minutes taken of 180 asked for; 1 ran more than 2 minutes over." in good
    assert "Introductions: 1 person introduced to you, 1 of them met." in good
    assert "only 43% of the people thanked went on to 'kept in touch'" in stuck
    assert "4 first emails never got a reply" in stuck
    assert "Over the whole effort, 19 follow-ups that fell due were never done" in stuck
    assert "13 overdue today, the oldest since Fri 18 Sep (second contact, Grace Abernathy)" in stuck
    # the last four weeks (those of 2, 9, 16, 23 Nov): Helen's and Victor's first emails; the four weeks
    # before: Kenji, Anika, Sam and Felix (5-8 Oct) and Sam's nudge (16 Oct), 5
    assert "2 emails in the last four weeks, fewer than the four before." in stuck
    assert reading(charts.chart_data(Snapshot(demo_wb), "2026-08-31")) == (
        "Nothing to read yet: the charts fill in as you contact people and meet them.")


def test_the_reading_of_a_new_workbook_says_nothing_yet(new_wb):
    assert reading(charts.chart_data(new_wb, TODAY), followups.due(new_wb, TODAY)).startswith("Nothing")


def test_long_efforts_stay_readable_in_print(demo_wb):
    # 31 Aug 2026 to a 1 Mar 2027 report: 27 weeks, too many for grouped bars: one line each, dashed apart
    fig = charts.activity_chart(charts.activity_data(demo_wb, dt.date(2027, 3, 1)))
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4 and len({ln.get_linestyle() for ln in lines}) == 4
    # more than 20 meetings: the minutes of each month instead of a bar per meeting
    many = pd.DataFrame({"meeting_id": range(30), "contact_id": range(30), "name": ["A B"] * 30,
                         "date": [dt.date(2026, 1 + i // 10, 1 + i) for i in range(30)],
                         "planned_min": [30] * 30, "actual_min": [33] * 30, "over_min": [3] * 30})
    fig = charts.meeting_minutes_chart(many)
    # with the year: "Jan 26" reads like a date
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert "990 taken of 900 asked for" in fig.axes[0].get_title()
