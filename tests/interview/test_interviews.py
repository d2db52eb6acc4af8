"""Tests for infoview_kit.interview's pure parts: question bank, plan, online check, brief, thank-you timing, clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview_kit.base.errors import InfoviewError, InputFormatError
from infoview_kit.interview.brief import DEFAULT_CHECKLIST, render_brief
from infoview_kit.interview.clock import MeetingClock, buffer_minutes, is_overdue, thank_you_due
from infoview_kit.interview.online import flag_online
from infoview_kit.interview.plan import EXTRA_MINUTES, PLAN_COLUMNS, plan_questions
from infoview_kit.interview.questions import BANK_COLUMNS, question_bank

PERSONAL = {"role": "UX researcher", "company": "Acme Corp", "move": "move from teaching into UX research",
            "article": "Research that product teams actually use"}
# What research found (invented): a past position with year dates, and a degree.
FACTS = pd.DataFrame([{"id": 1, "kind": "experience", "title": "Data analyst", "organization": "Acme Corp",
                       "start": "2019", "end": "2022"},
                      {"id": 2, "kind": "education", "title": "MSc Data Science", "organization": "UCL"}])
TIARA = ["trends", "insights", "advice", "resources", "assignments"]
GENERAL_THEMES = {"getting_started", "typical_day", "highlights", "challenges", *TIARA, "closing"}
RECRUITER_THEMES = {"market", "employers_look_for", "hiring_process", "timing", "closing"}


def included(plan: pd.DataFrame) -> pd.DataFrame:
    return plan[plan["included"]].sort_values("position")


# ---------------------------------------------------------------------- the bank


def test_bank_shape_and_themes() -> None:
    general, recruiter = question_bank(), question_bank(recruiter=True)
    assert list(general.columns) == BANK_COLUMNS
    assert set(general["theme"]) == GENERAL_THEMES
    assert set(recruiter["theme"]) == RECRUITER_THEMES
    everything = pd.concat([general, recruiter]).drop_duplicates("id")
    assert 30 <= len(everything) <= 40
    assert everything["id"].is_unique
    assert everything["minutes"].between(1, 5).all()
    assert everything["priority"].between(1, 5).all()
    assert general["must_ask"].any() and recruiter["must_ask"].any()
    placeholders = {p for text in everything["text"] for p in re.findall(r"\{(\w+)\}", text)}
    assert placeholders <= {"role", "company", "move", "article", "a_role"}
    # the seed's three themes each have a must-ask question
    for theme in ("typical_day", "highlights", "challenges"):
        assert general.loc[general["theme"] == theme, "must_ask"].any()


def test_bank_questions_are_not_answerable_online() -> None:
    for recruiter in (False, True):
        texts = list(question_bank(recruiter=recruiter)["text"])
        plan = plan_questions(90, recruiter=recruiter, personal=PERSONAL, include_online=True)
        personalized = list(plan["text"])
        assert flag_online(texts) == [None] * len(texts)
        assert flag_online(personalized) == [None] * len(personalized)


@pytest.mark.parametrize(
    ("personal", "qid", "expected"),
    [
        (PERSONAL, "td_day", "What does a typical day look like for you as a UX researcher at Acme Corp?"),
        ({"role": "engineer"}, "td_day", "What does a typical day look like for you as an engineer?"),
        ({"role": "SEO specialist"}, "td_day",
         "What does a typical day look like for you as an SEO specialist?"),
        ({"role": "user researcher"}, "in_stand_out",
         "What sets apart the people who do really well as a user researcher?"),
        ({"role": "hour-long podcast host"}, "in_stand_out",
         "What sets apart the people who do really well as an hour-long podcast host?"),
        ({"article": "\u201cFrom the shop floor to SQL\u201d"}, "in_article",
         "I read \u201cFrom the shop floor to SQL\u201d. What is the story behind it, "
         "and what would you add today?"),
        ({}, "in_article", "Which piece of writing or talk has most shaped how you think about your work?"),
        ({}, "td_day", "What does a typical day or week look like in your job?"),
        ({"company": "Acme Corp"}, "td_day", "What does a typical day or week look like in your job?"),
        ({"move": "move into product management."}, "ad_first_step",
         "I am hoping to move into product management. If you were in my position, what would you do first?"),
        ({"move": "  "}, "ad_first_step", "If you were in my position, what would you do first?"),
        ({"company": "{role} & <b>", "role": "x"}, "td_people",
         "Who do you work with most closely at {role} & <b>, and how do decisions get made?"),
    ],
)
def test_personalization_and_fallback(personal: dict[str, str], qid: str, expected: str) -> None:
    plan = plan_questions(90, personal=personal, include_online=True)
    assert plan.set_index("id").loc[qid, "text"] == expected


def test_no_placeholder_left_without_values() -> None:
    for recruiter in (False, True):
        plan = plan_questions(90, recruiter=recruiter)
        assert not plan["text"].str.contains(r"\{").any()


# ------------------------------------------------------------------ online check


@pytest.mark.parametrize(
    ("question", "online"),
    [
        ("Where did you work before?", True),
        ("What companies have you worked for?", True),
        ("How long have you been at Acme Corp?", True),
        ("How long have you been at Globex?", False),  # research knows nothing of Globex
        ("Where did you study?", True),
        ("What is your title?", True),
        ("What\u2019s your current job title?", True),
        ("Which university did you attend?", True),
        ("Can you walk me through your CV?", True),
        ("What did you do at Acme Corp?", True),  # organization from research
        ("What was it like at ACME CORP back then?", True),
        ("What changed for you in 2019?", True),  # a year from research
        ("What did you do as a data analyst?", True),  # past role from research, asked about the past
        ("Did you enjoy UCL?", True),
        ("What makes a great data analyst?", False),  # the role, but not about their past
        ("What does a typical day look like for you?", False),
        ("Who else would you suggest I talk to?", False),
        ("How do you see data science changing?", False),  # part of a degree, not an organization
        ("What skills matter most in 2030?", False),
    ],
)
def test_flag_online(question: str, online: bool) -> None:
    reason = flag_online([question], FACTS)[0]
    assert (reason is not None) == online, reason


def test_flag_online_reason_names_the_fact() -> None:
    reason = flag_online(["What did you do at Acme Corp?"], FACTS)[0]
    assert reason is not None and "Data analyst at Acme Corp, 2019 to 2022 (research item 1)" in reason
    assert flag_online(["What did you do at Acme Corp?"]) == [None]
    assert flag_online([], FACTS) == []
    assert flag_online(["What is it like at Acme Corp these days?"], FACTS, ignore=["acme  corp"]) == [None]
    assert flag_online(["What did you do at Acme Corp?"], FACTS, ignore=["Acme Corp"]) != [None]


def test_plan_excludes_online_questions_unless_asked() -> None:
    extra = ["What did you do at Acme Corp?", "Where did you work before?", "How is the team organised?"]
    plan = plan_questions(60, personal=PERSONAL, research=FACTS, extra=extra)
    flagged = plan[plan["online_reason"].notna()]
    assert set(flagged["text"]) >= set(extra[:2])
    assert not flagged["included"].any()
    # research already covers their career path, so "how they got started" is left out
    assert set(flagged["theme"]) == {"extra", "getting_started"}
    assert plan.loc[plan["text"] == extra[2], "included"].item()
    # naming their current company in your own question is fine
    current = plan_questions(60, personal={"company": "Acme Corp"}, research=FACTS,
                             extra=["How is the team at Acme Corp organised?", "What did you do in 2019?"])
    mine = current[current["theme"] == "extra"].set_index("text")["online_reason"]
    assert mine["How is the team at Acme Corp organised?"] is None
    assert mine["What did you do in 2019?"] is not None
    again = plan_questions(60, personal=PERSONAL, research=FACTS, extra=extra, include_online=True)
    assert again.loc[again["text"] == extra[0], "included"].item()
    assert again.loc[again["text"] == extra[0], "online_reason"].item() is not None
    for facts in ([], [{"kind": "education", "title": "MSc Data Science", "organization": "UCL", "end": "2018"}],
                  [{"kind": "accomplishment", "title": "Wrote a guide to remote usability testing"}]):
        plan = plan_questions(60, personal=PERSONAL, research=pd.DataFrame(facts))
        assert plan.loc[plan["theme"] == "getting_started", "online_reason"].isna().all(), facts


# ---------------------------------------------------------------------- the plan


@pytest.mark.parametrize(
    ("minutes", "buffer"),
    [(10, 3), (19, 3), (20, 5), (30, 5), (31, 8), (60, 8), (61, 12), (90, 12)],
)
def test_buffer_rule(minutes: int, buffer: int) -> None:
    assert sum(buffer_minutes(minutes)) == buffer
    plan = plan_questions(minutes)
    assert included(plan)["minutes"].sum() <= minutes - buffer


def test_plan_columns_order_and_closing() -> None:
    plan = plan_questions(30, personal=PERSONAL)
    assert list(plan.columns) == PLAN_COLUMNS
    asked = included(plan)
    assert list(asked["position"]) == list(range(1, len(asked) + 1))
    assert plan.loc[~plan["included"], "position"].isna().all()
    themes = list(asked["theme"])
    assert themes[-1] == "closing" and asked["id"].iloc[-1] == "cl_thanks"
    first_closing = themes.index("closing")
    assert set(themes[first_closing:]) == {"closing"}
    body = asked.iloc[:first_closing]
    must = list(body["must_ask"])
    assert must == sorted(must, reverse=True)  # must-ask first
    rest = [t for t in body.loc[~body["must_ask"], "theme"] if t in TIARA]
    assert rest == sorted(rest, key=TIARA.index)  # then TIARA order
    # every must-ask question fits in a 30-minute meeting
    bank = question_bank()
    assert set(bank.loc[bank["must_ask"], "id"]) <= set(asked["id"])


def test_recruiter_plan_uses_recruiter_bank() -> None:
    plan = plan_questions(30, recruiter=True, personal=PERSONAL)
    assert set(plan["theme"]) == RECRUITER_THEMES
    assert all(i.startswith(("rc_", "cl_")) for i in plan["id"])
    assert "market for UX researcher roles" in " ".join(included(plan)["text"])


def test_drop_order_and_extras() -> None:
    extras = ["How is your team organised?", "How is your team organised?", "What would you do differently?"]
    plan = plan_questions(45, extra=extras, dropped=["td_day", "no_such_id"],
                          order=["cl_who_else", "ad_first_step"])
    assert "td_day" not in set(plan["id"])
    asked = included(plan)
    assert list(asked["id"][:2]) == ["cl_who_else", "ad_first_step"]
    mine = plan[plan["theme"] == "extra"]
    assert len(mine) == 2 and mine["included"].all()
    assert (mine["minutes"] == EXTRA_MINUTES).all()
    assert all(re.fullmatch(r"x_[0-9a-f]{8}", i) for i in mine["id"])
    # ids of extras are stable, so they can be dropped or reordered later
    again = plan_questions(45, extra=[extras[2]], dropped=[mine["id"].iloc[1]])
    assert extras[2] not in set(again["text"])


def test_plan_is_deterministic() -> None:
    kwargs = {"personal": PERSONAL, "research": FACTS, "extra": ["What would you do differently?"]}
    pd.testing.assert_frame_equal(plan_questions(25, **kwargs), plan_questions(25, **kwargs))


@pytest.mark.parametrize(
    ("minutes", "kwargs"),
    [(9, {}), (0, {}), (30.0, {}), (True, {}), (30, {"buffer_min": 30}), (30, {"buffer_min": -1}),
     (30, {"buffer_min": 2.5})],
)
def test_plan_rejects_bad_lengths(minutes: object, kwargs: dict[str, object]) -> None:
    with pytest.raises(InputFormatError):
        plan_questions(minutes, **kwargs)  # type: ignore[arg-type]


def test_explicit_buffer() -> None:
    plan = plan_questions(20, buffer_min=0)
    assert included(plan)["minutes"].sum() <= 20
    assert included(plan)["minutes"].sum() > included(plan_questions(20))["minutes"].sum()


BANK_IDS = sorted(set(question_bank()["id"]) | set(question_bank(recruiter=True)["id"]))


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    minutes=st.integers(10, 90),
    recruiter=st.booleans(),
    dropped=st.lists(st.sampled_from(BANK_IDS), max_size=12),
    extras=st.lists(st.text(min_size=1, max_size=40), max_size=6),
    buffer=st.one_of(st.none(), st.integers(0, 9)),
    include_online=st.booleans(),
)
def test_plan_never_exceeds_the_time(minutes: int, recruiter: bool, dropped: list[str], extras: list[str],
                                     buffer: int | None, include_online: bool) -> None:
    plan = plan_questions(minutes, recruiter=recruiter, dropped=dropped, extra=extras, buffer_min=buffer,
                          research=FACTS, include_online=include_online, order=list(reversed(BANK_IDS)))
    limit = minutes - (sum(buffer_minutes(minutes)) if buffer is None else buffer)
    assert included(plan)["minutes"].sum() <= limit
    assert not set(dropped) & set(plan["id"])
    assert plan["id"].is_unique
    if not include_online:
        assert plan.loc[plan["included"], "online_reason"].isna().all()


# --------------------------------------------------------------------- the brief


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</style><script>alert(2)</script>",
    "<a href='javascript:alert(3)'>x</a>",
]
HOSTILE_LINKS = [
    "javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
    'https://ok.example/"onmouseover="alert(1)',
]


def hostile_brief(value: str, link: str) -> str:
    plan = plan_questions(20, extra=[value], buffer_min=0)
    return render_brief(
        contact={"name": value, "position": value, "company": value, "location": value, "summary": value,
                 "profile_url": link},
        meeting={"start": value, "duration_min": 20, "location": value, "video_link": link},
        common_ground=[{"point": value, "evidence": value, "url": link}],
        accomplishments=[value],
        plan=plan,
        checklist=[value, "Notebook and pen"],
    )


@pytest.mark.parametrize("link", HOSTILE_LINKS)
@pytest.mark.parametrize("value", HOSTILE)
def test_brief_escapes_hostile_values(value: str, link: str) -> None:
    page = hostile_brief(value, link)
    parser = TagCollector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert tags.count("script") == 0
    assert not {"img", "svg", "iframe"} & set(tags)
    assert tags.count("style") == 1
    for _tag, attrs in parser.tags:
        for name, attr_value in attrs:
            assert not name.startswith("on"), (name, attr_value)
            if name == "href":
                assert attr_value is not None and re.match(r"https?://", attr_value), attr_value
    assert value in "".join(parser.text)  # shown as text, inert


def test_brief_content_and_print_layout() -> None:
    plan = plan_questions(30, personal=PERSONAL)
    page = render_brief(
        contact={"first_name": "Ana", "last_name": "Ruiz", "title": "Lead UX researcher",
                 "company": "Acme Corp", "profile_url": "https://www.linkedin.com/in/ana-ruiz-example"},
        meeting={"start": datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/London")), "duration_min": 30,
                 "video_link": "https://meet.example.org/abc"},
        common_ground=[{"point": "Both taught before moving into tech", "evidence": "Her 2024 interview"}],
        accomplishments=["Built the research practice at Acme"],
        plan=plan,
    )
    assert page.startswith("<!DOCTYPE html>")
    assert "@page { margin: 12mm }" in page and "size: A4" not in page  # the printer's paper, A4 or Letter
    assert "Ana Ruiz" in page and "Lead UX researcher at Acme Corp" in page
    assert "Both taught before moving into tech" in page and "Her 2024 interview" in page
    assert 'href="https://meet.example.org/abc"' in page
    assert "finish by 10:00" in page and "Tue 03 Mar, 10:00" in page
    for text, minutes in zip(included(plan)["text"], included(plan)["minutes"], strict=True):
        assert f"{minutes} min</span> {text}".replace("'", "&#x27;") in page
    for item in DEFAULT_CHECKLIST:
        assert item in page
    assert "<script" not in page.lower()


def test_brief_with_nothing_recorded() -> None:
    page = render_brief(contact={}, meeting={}, common_ground=[], accomplishments=[], plan=pd.DataFrame())
    assert "your contact" in page and "Nothing recorded yet." in page


# ------------------------------------------------------------- thank-you timing

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
        (datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 3, 10, 0)),
        # 24 elapsed hours across the end of British Summer Time
        (datetime(2026, 10, 24, 10, 0, tzinfo=LONDON), datetime(2026, 10, 25, 9, 0, tzinfo=LONDON)),
    ],
)
def test_thank_you_due(end: datetime, due: datetime) -> None:
    result = thank_you_due(end)
    assert result == due and result.tzinfo is end.tzinfo
    elapsed = result - end if end.tzinfo is None else result.astimezone(UTC) - end.astimezone(UTC)
    assert elapsed == timedelta(hours=24)


DUE = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent_at", "now", "overdue"),
    [
        (None, DUE - timedelta(hours=1), False),
        (None, DUE, False),
        (None, DUE + timedelta(minutes=1), True),
        (DUE - timedelta(hours=2), DUE + timedelta(days=3), False),
        (DUE + timedelta(hours=5), DUE + timedelta(days=3), False),  # sent late, but sent
        (DUE + timedelta(days=5), DUE + timedelta(days=3), True),  # not yet sent on the report's day
    ],
)
def test_is_overdue(sent_at: datetime | None, now: datetime, overdue: bool) -> None:
    assert is_overdue(DUE, sent_at, now) is overdue


def test_is_overdue_refuses_mixed_time_zones() -> None:
    with pytest.raises(InputFormatError):
        is_overdue(DUE, None, datetime(2026, 3, 4))


# --------------------------------------------------------------------- the clock

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def clock_plan() -> pd.DataFrame:
    return pd.DataFrame({
        "position": [2, 1, pd.NA], "id": ["b", "a", "c"], "text": ["Second?", "First?", "Left out"],
        "minutes": [2, 3, 4], "included": [True, True, False],
    })


@pytest.mark.parametrize(
    ("seconds", "phase", "segment", "question", "remaining"),
    [
        (-60, "not started", None, None, 1200),
        (0, "running", "opening", None, 1200),
        (119, "running", "opening", None, 1081),
        (120, "running", "questions", "First?", 1080),
        (299, "running", "questions", "First?", 901),
        (300, "running", "questions", "Second?", 900),
        (420, "running", "close", None, 780),
        (17 * 60 - 1, "running", "close", None, 181),
        (17 * 60, "warning", "close", None, 180),
        (20 * 60, "wrap up", "close", None, 0),
        (22 * 60 - 1, "wrap up", "close", None, 0),
        (22 * 60, "over", "close", None, 0),
    ],
)
def test_clock_phases(seconds: int, phase: str, segment: str | None, question: str | None,
                      remaining: int) -> None:
    clock = MeetingClock(20, clock_plan())
    clock.start(T0)
    status = clock.status(T0 + timedelta(seconds=seconds))
    assert (status["phase"], status["segment"], status["current_question"], status["remaining_s"]) == (
        phase, segment, question, remaining)
    assert status["elapsed_s"] == max(0, seconds)
    assert status["overtime_s"] == max(0, seconds - 1200)


def test_clock_question_budget_and_stop() -> None:
    clock = MeetingClock(20, clock_plan(), warn_min=5)
    assert clock.status(T0)["phase"] == "not started"
    clock.start(T0)
    status = clock.status(T0 + timedelta(seconds=150))
    assert (status["question_id"], status["position"], status["question_budget_s"],
            status["question_remaining_s"]) == ("a", 1, 180, 150)
    assert clock.status(T0 + timedelta(minutes=15))["phase"] == "warning"
    clock.stop(T0 + timedelta(minutes=16))
    frozen = clock.status(T0 + timedelta(hours=2))
    assert (frozen["phase"], frozen["elapsed_s"], frozen["remaining_s"]) == ("stopped", 960, 240)
    assert clock.status(T0 + timedelta(minutes=10))["phase"] == "running"  # before the stop
    with pytest.raises(InfoviewError):
        clock.start(T0)
    with pytest.raises(InfoviewError):
        clock.stop(T0 + timedelta(minutes=17))


def test_clock_with_a_real_plan() -> None:
    plan = plan_questions(20)
    clock = MeetingClock(20, plan)
    clock.start(T0)
    first = included(plan).iloc[0]
    status = clock.status(T0 + timedelta(minutes=sum(buffer_minutes(20)[:1])))
    assert status["current_question"] == first["text"]
    assert status["question_budget_s"] == first["minutes"] * 60


@pytest.mark.parametrize("kwargs", [{"planned_min": 0}, {"planned_min": 20, "warn_min": 20},
                                    {"planned_min": 20, "warn_min": -1}, {"planned_min": 20.5}])
def test_clock_rejects_bad_lengths(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputFormatError):
        MeetingClock(**kwargs)  # type: ignore[arg-type]


def test_clock_stop_before_start() -> None:
    clock = MeetingClock(20)
    with pytest.raises(InfoviewError):
        clock.stop(T0)
    clock.start(T0)
    with pytest.raises(InputFormatError):
        clock.stop(T0 - timedelta(seconds=1))
