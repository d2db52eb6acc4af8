"""Questions their research already answers (infoview_kit.interview.online): a labelled table of phrasings
for two invented people, tuned on one list and scored on a held-out list written before any tuning."""

from __future__ import annotations

import pandas as pd
import pytest

from infoview_kit.interview.online import flag_online, online_answers
from infoview_kit.interview.plan import plan_questions
from infoview_kit.research.known import dossier

COLUMNS = ["id", "kind", "title", "organization", "start", "end", "outlet", "relation", "notes", "source_url"]
# Maya Ortiz (invented): clinical research, three positions with month precision, a degree, writing.
MAYA = pd.DataFrame([
    (11, "education", "BSc Biology", "Riverbend State University", "2009", "2013", None, None, None, None),
    (12, "experience", "Clinical Research Associate", "Harbor Trials", "2017-06", "2019-12", None, None, None, None),
    (13, "experience", "Study Coordinator", "Lakeview Medical Center", "2014-03", "2017-05", None, None, None, None),
    (14, "experience", "Senior Clinical Research Manager", "Cobalt Health", "2020-01", None, None, None, None, None),
    (15, "article", "What sites need to know about decentralised clinical trials", None, "2022-04", None,
     "Applied Clinical Trials", "by", "topics: remote monitoring, patient recruitment", "https://x.test/15"),
    (16, "accomplishment", "Led site start-up for a 120-patient Phase III asthma trial", None, None, None, None,
     None, None, None),
    (17, "article", "Cobalt Health names new research lead", None, None, None, "Pharma Times", "about", None, None),
], columns=COLUMNS)
# Tom Reyes (invented): a UX researcher who used to teach; undated teaching, a degree without dates,
# nothing written by him.
TOM = pd.DataFrame([
    (21, "education", "MA Human-Computer Interaction", "Northgate University", None, None, None, None, None, None),
    (22, "experience", "UX Researcher", "Pinecone Labs", "2021", None, None, None, None, None),
    (23, "experience", "Teacher", "Eastfield High School", None, None, None, None, None, None),
    (24, "article", "Pinecone Labs hires former teacher", None, None, None, "Local News", "about", None, None),
], columns=COLUMNS)
PEOPLE = {"maya": MAYA, "tom": TOM}

# (person, question, the research item that answers it, or None when it is worth asking).
TUNING = [
    # the four misses of issue 14
    ("maya", "What did you major in?", 11),
    ("maya", "What was it like working at Harbor Trials?", 12),
    ("maya", "Which company did you start your career at?", 13),
    ("maya", "Have you written about decentralized trials?", 15),
    # education, many ways
    ("maya", "Where did you study?", 11),
    ("maya", "What did you study at university?", 11),
    ("maya", "What's your degree in?", 11),
    ("maya", "What was your major?", 11),
    ("maya", "Which university did you attend?", 11),
    ("maya", "Did you study biology?", 11),
    ("maya", "Tell me about your education.", 11),
    ("maya", "What is your educational background?", 11),
    ("maya", "When did you graduate?", 11),
    ("maya", "Did you enjoy Riverbend State?", 11),
    ("tom", "Where did you go to school?", 21),
    ("tom", "What\u2019s your academic background?", 21),
    ("maya", "Would you recommend a biology degree for someone like me?", None),
    ("maya", "How did your degree prepare you for this work?", None),
    ("maya", "What do you wish you had studied?", None),
    # first and earlier employers
    ("maya", "What was your first job?", 13),
    ("maya", "Where did you begin your career?", 13),
    ("maya", "Where did you work right after graduating?", 13),
    ("maya", "Where did you work before?", 12),
    ("maya", "What companies have you worked for?", 12),
    ("maya", "Can you walk me through your CV?", 12),
    ("maya", "What did you learn at Lakeview Medical Center?", 13),
    ("maya", "What was your previous role?", 12),
    ("tom", "Where did you work before Pinecone?", 23),
    ("tom", "Which company did you start out at?", None),  # teaching is undated: the start is not known
    ("maya", "What did you learn in your first job?", None),
    # tenure
    ("maya", "How long have you been at Cobalt Health?", 14),
    ("maya", "When did you join Cobalt?", 14),
    ("maya", "How long were you at Harbor Trials?", 12),
    ("maya", "How many years did you spend at Lakeview Medical Center?", 13),
    ("tom", "How long were you a teacher at Eastfield High School?", None),  # no dates
    ("tom", "How long have you been in UX?", 22),
    # titles and employer
    ("maya", "What is your title?", 14),
    ("maya", "What was your role at Harbor Trials?", 12),
    ("maya", "What did you do as a clinical research associate?", 12),
    ("maya", "Who do you work for?", 14),
    ("maya", "What makes a great clinical research associate?", None),
    ("maya", "What does a typical day look like for you?", None),
    ("maya", "What changed for you in 2017?", 12),
    ("maya", "What skills will matter most in 2030?", None),
    # writing
    ("maya", "Have you written anything on remote monitoring?", 15),
    ("maya", "Have you ever published anything about patient recruitment?", 15),
    ("maya", "Have you written about oncology drug pricing?", None),
    ("maya", "I read your article on decentralised trials. What led you to write it?", None),
    ("tom", "Have you written anything?", None),  # only an article about him
    ("tom", "Have you ever published?", None),
    # nothing to do with research
    ("tom", "Who else would you suggest I talk to?", None),
    ("tom", "How do you see user research changing?", None),
]

# Written before the code was tuned, and never tuned on: the score is reported, not chased.
HELD_OUT = [
    ("maya", "What degree do you have?", 11),
    ("maya", "Which school did you graduate from?", 11),
    ("tom", "What did you do your master's in?", 21),
    ("tom", "Do you have a degree in design?", 21),
    ("maya", "Where did your career start?", 13),
    ("maya", "What was your very first role out of college?", 13),
    ("maya", "Where were you before Cobalt Health?", 12),
    ("maya", "What did you do before joining Cobalt?", 12),
    ("maya", "What were you doing at Lakeview?", 13),
    ("maya", "When did you leave Harbor Trials?", 12),
    ("maya", "Since when have you been a manager?", 14),
    ("maya", "What's your current position?", 14),
    ("tom", "What is your job title?", 22),
    ("tom", "What company do you work for?", 22),
    ("maya", "Did you write something about remote site monitoring?", 15),
    ("maya", "Have you blogged about recruiting patients?", 15),
    ("maya", "Is there anything you've written on decentralised clinical trials?", 15),
    ("maya", "Have you written about AI in radiology?", None),
    ("maya", "How did you decide to move from Harbor Trials to Cobalt Health?", 12),
    ("tom", "Why did you leave teaching?", None),
    ("tom", "What did you enjoy about teaching at Eastfield?", 23),
    ("maya", "Which skills from biology do you still use?", None),
    ("maya", "What advice would you give someone starting out?", None),
    ("maya", "What should I read to understand trial design?", None),
    ("tom", "What was the hardest part of your first year in UX?", None),
    ("maya", "Where do you see the field going in 2030?", None),
]


def _score(cases: list[tuple[str, str, int | None]]) -> tuple[int, list[str]]:
    wrong = []
    for person, question, expected in cases:
        answer = online_answers([question], PEOPLE[person])[0]
        got = None if answer is None else answer.item.id
        if got != expected:
            wrong.append(f"{person}: {question!r}: expected {expected}, got {got} ({answer})")
    return len(cases) - len(wrong), wrong


def test_the_tuning_table_is_all_right() -> None:
    right, wrong = _score(TUNING)
    assert not wrong, "\n".join(wrong)
    assert right == len(TUNING)


def test_the_held_out_table_scores_at_least_what_was_measured() -> None:
    right, wrong = _score(HELD_OUT)
    # measured once, after tuning on TUNING only: 25 of 26 (the miss: "recruiting" is not near "recruitment")
    assert right >= 25, "\n".join(wrong)


def test_a_flag_names_the_research_item_and_its_dates_at_their_precision() -> None:
    reason = flag_online(["What was it like working at Harbor Trials?"], MAYA)[0]
    assert reason == ("Answered online (names Harbor Trials): Position \u2014 Clinical Research Associate at "
                      "Harbor Trials, 2017-06 to 2019-12 (research item 12)")
    first = flag_online(["Which company did you start your career at?"], MAYA)[0]
    assert first is not None and first.startswith("Answered online (where their career started): Position")
    assert "Lakeview Medical Center, 2014-03 to 2017-05 (research item 13)" in first


def test_nothing_known_flags_nothing_and_current_names_count_only_about_the_past() -> None:
    assert flag_online(["Where did you study?", "What is your title?"]) == [None, None]
    assert flag_online(["Where did you study?"], MAYA.iloc[0:0]) == [None]
    assert flag_online([], MAYA) == []
    ignore = ["Cobalt Health", "Senior Clinical Research Manager"]
    assert flag_online(["How is the team at Cobalt Health organised?"], MAYA, ignore=ignore) == [None]
    assert flag_online(["What did you do at Cobalt Health at first?"], MAYA, ignore=ignore) != [None]


def test_a_date_research_could_not_read_is_not_a_date() -> None:
    odd = MAYA.copy()
    odd.loc[odd["id"] == 14, "start"] = "next spring"  # kept as typed by an older workbook
    assert flag_online(["How long have you been at Cobalt Health?"], odd) == [None]


@pytest.mark.parametrize("person", ["maya", "tom"])
def test_bank_questions_are_flagged_only_for_how_they_got_started(person: str) -> None:
    for recruiter in (False, True):
        plan = plan_questions(90, recruiter=recruiter, research=PEOPLE[person], include_online=True)
        flagged = plan[plan["online_reason"].notna()]
        assert set(flagged["theme"]) <= {"getting_started"}, flagged[["text", "online_reason"]]


def test_plan_leaves_out_what_research_answers_and_names_the_item() -> None:
    extra = ["What did you major in?", "How is the team organised?"]
    plan = plan_questions(60, research=dossier(MAYA), extra=extra).set_index("text")
    assert not plan.loc[extra[0], "included"] and "(research item 11)" in plan.loc[extra[0], "online_reason"]
    assert plan.loc[extra[1], "included"]
