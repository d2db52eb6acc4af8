"""The checks report only what they verified in the text itself (infoview_kit.outreach.checks): every finding
that passes on words of the email quotes them, and the common ground is found in this email's opening."""

from __future__ import annotations

import re

import pytest

from infoview_kit.outreach.checks import check
from infoview_kit.outreach.templates import fill

RIVERBEND = "we are both Riverbend State University alumni"
# The seed template filled for an invented student: her school is in the second sentence, but nothing
# says the person she writes to shares it.
SEED_LIKE = ("Dear Dr. Okafor,\n\nMy name is Ana Ruiz. I am currently a senior at Riverbend State University. "
             "I would like to move into clinical research and would value your thoughts.\n\nKind regards,\n"
             "Ana Ruiz")


def _finding(result, rule):
    return next(f for f in result.findings if f.rule == rule)


def test_a_school_named_without_saying_it_is_shared_is_not_the_common_ground():
    found = _finding(check(("Advice", SEED_LIKE), common_ground=RIVERBEND), "connection_first")
    assert not found.passed
    assert "is not in the first two sentences" in found.message


@pytest.mark.parametrize("opening", [
    "Like you, I am a Riverbend State University alum, and your path caught my eye.",
    "I noticed that we are both Riverbend State University alumni.",
    "I am also a Riverbend State University graduate, class of 2024.",
    "I study at Riverbend State University, where you did your degree.",
])
def test_the_common_ground_is_quoted_from_this_email(opening):
    body = f"Hi Sam,\n\n{opening} Would you share your advice?\n\nThank you,\nAna"
    found = _finding(check(("Advice", body), common_ground=RIVERBEND), "connection_first")
    assert found.passed, found.message
    quoted = found.message.split(": ", 1)[1].rstrip(".").strip("'").strip("…")
    assert quoted and quoted in " ".join(body.split())
    assert "Riverbend State University" in quoted


def test_the_ground_must_be_in_the_first_two_sentences():
    body = ("Hi Sam,\n\nMy name is Ana. I work in logistics. Like you, I am a Riverbend State University alum."
            "\n\nThank you,\nAna")
    assert not _finding(check(("Advice", body), common_ground=RIVERBEND), "connection_first").passed


VALUES = {"their_name": "Sam", "their_employer": "Northwind Foods", "my_name": "Ana Ruiz",
          "their_accomplishment": "a leadership role in sustainable sourcing",
          "my_status": "an analyst working at Northwind Foods", "my_change": "move into supply-chain analytics",
          "field": "supply-chain analytics", "common_ground": "we both studied statistics at Lakeside University",
          "referrer_name": "Priya Shah", "signature": "Ana Ruiz"}
QUOTING = ("connection_first", "asks_advice", "broad_interest", "narrow_interest", "ask_is_question", "subject",
           "greeting", "close_signature")


@pytest.mark.parametrize("template", ["seed", "short", "intro", "recruiter"])
@pytest.mark.parametrize("with_context", [True, False])
def test_every_passing_finding_quotes_words_that_are_in_the_email(template, with_context):
    draft = fill(template, VALUES)
    context = {"common_ground": VALUES["common_ground"], "employer": "Northwind Foods",
               "field": "supply-chain analytics", "contact_name": "Sam Lee", "signature": "Ana Ruiz"} \
        if with_context else {}
    text = " ".join(f"{draft.subject}\n{draft.body}".split())
    for finding in check(draft, rules="strict", **context).findings:
        if not finding.passed or finding.rule not in QUOTING:
            continue
        quotes = re.findall(r"'(.+?)'(?=[ .;),:]|$)", finding.message)
        assert quotes, finding
        for quote in quotes:
            for part in quote.split("…"):
                assert part.strip() in text, (finding, part)
