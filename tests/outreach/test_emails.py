"""Email templates, fill, check rules, .eml drafts, mailto links and reply classes."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from infoview_kit import InputFormatError, NotFoundError
from infoview_kit.outreach import (
    DEFAULT_TEMPLATE,
    FIELD_HELP,
    RULE_SETS,
    Draft,
    build_message,
    check,
    classify_reply,
    fill,
    list_templates,
    mailto_link,
    plain_text,
    safe_filename,
    template_fields,
    write_eml,
)

BUILT_IN = ["seed", "short", "recruiter", "intro", "nudge", "thank_you", "update", "referral_ask", "checkin"]
OUTREACH = ["seed", "short", "recruiter", "intro"]
FOLLOWUP = ["nudge", "thank_you", "update", "referral_ask", "checkin"]

VALUES = {
    "their_name": "Sam",
    "their_employer": "Northwind Foods",
    "their_accomplishment": "a leadership role in sustainable sourcing",
    "my_name": "Ana Ruiz",
    "my_status": "an analyst working at Northwind Foods",
    "my_change": "move into supply-chain analytics",
    "field": "supply-chain analytics",
    "common_ground": "we both studied statistics at Lakeside University",
    "referrer_name": "Priya Shah",
    "referral_target": "someone who works on demand forecasting",
    "advice": "talk to two forecasting teams before choosing a course",
    "next_step": "signing up for the APICS course in March",
    "progress_items": ["Spoke with forecasting teams at two retailers", "Enrolled in the APICS course"],
    "shared_item": "this article on cold-chain analytics (https://example.com/cold-chain)",
    "shared_reason": "you mentioned cold-chain costs when we spoke",
    "signature": "Ana Ruiz\nana.ruiz@example.com",
}
CONTEXT = {"contact_name": "Sam Lee", "signature": "Ana Ruiz", "field": "supply-chain analytics",
           "employer": "Northwind Foods"}

SUBJECT = "Quick question about supply-chain analytics"
BODY = """Hi Sam,

I noticed that we both studied statistics at Lakeside University, so I hope you will not mind a note \
from me. Your move into supply-chain analytics at Northwind Foods is the kind of path you rarely see \
written down, and one I would love to learn from. Would you be open to a 15-minute call in the coming \
weeks to share how you approached it?

Thank you,
Ana Ruiz"""
ASK = ("Would you be open to a 15-minute call in the coming weeks to share how you approached it?")


# --------------------------------------------------------------------------- templates


def test_list_templates_built_in():
    df = list_templates()
    assert list(df.columns) == ["name", "kind", "fields", "origin", "subject"]
    assert list(df["name"]) == BUILT_IN
    assert set(df["origin"]) == {"built-in"}
    assert dict(zip(df["name"], df["kind"], strict=True)) == {
        **dict.fromkeys(OUTREACH, "outreach"), **dict.fromkeys(FOLLOWUP, "followup")}
    assert DEFAULT_TEMPLATE == "seed"


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("seed", ["their_name", "my_name", "my_status", "my_change", "their_accomplishment", "signature"]),
        ("short", ["field", "their_name", "common_ground", "their_employer", "signature"]),
        ("recruiter", ["field", "their_name", "common_ground", "my_status", "signature"]),
        ("intro", ["referrer_name", "their_name", "field", "my_status", "my_change", "signature"]),
        ("nudge", ["their_name", "field", "signature"]),
        ("thank_you", ["their_name", "advice", "next_step", "signature"]),
        ("update", ["their_name", "advice", "progress_items", "signature"]),
        ("referral_ask", ["their_name", "advice", "field", "referral_target", "signature"]),
        ("checkin", ["their_name", "shared_item", "shared_reason", "signature"]),
    ],
)
def test_template_fields(name, fields):
    assert template_fields(name) == fields
    assert set(fields) <= set(FIELD_HELP)


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_template_fills_with_all_fields(name):
    draft = fill(name, VALUES)
    assert draft.template == name
    assert draft.missing == () and not draft.has_blanks
    text = plain_text(draft)
    assert "[" not in text.replace("[field]", "") and "$" not in text and "___" not in text
    assert "Ana Ruiz\nana.ruiz@example.com" in draft.body
    assert "\n" not in draft.subject


@pytest.mark.parametrize("name", BUILT_IN)
def test_missing_fields_are_reported_by_name_and_visible(name):
    draft = fill(name, {})
    assert draft.missing == tuple(template_fields(name))
    assert draft.has_blanks
    for field in draft.missing:
        assert f"[{field}]" in plain_text(draft)


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan"), pd.NA, [], ("",)])
def test_blank_values_count_as_missing(blank):
    draft = fill("seed", {**VALUES, "their_accomplishment": blank})
    assert draft.missing == ("their_accomplishment",)
    assert "Given that you have attained [their_accomplishment]," in draft.body
    assert not next(f for f in check(draft).findings if f.rule == "no_blanks").passed


def test_seed_template_keeps_the_article_wording():
    body = fill("seed", VALUES).body
    assert ("My name is Ana Ruiz. I am currently an analyst working at Northwind Foods. I would like to "
            "move into supply-chain analytics and therefore I would like to get your thoughts based on "
            "your career experience. Given that you have attained a leadership role in sustainable "
            "sourcing, I believe that you would be influential at this point of my career.") in body


def test_values_are_literal_and_lists_become_bullets():
    draft = fill("update", {**VALUES, "advice": "save ${field} and $5 for later", "their_name": 7})
    assert "you suggested that I save ${field} and $5 for later." in draft.body
    assert "Hi 7," in draft.body
    assert "- Spoke with forecasting teams at two retailers\n- Enrolled in the APICS course" in draft.body
    subject_draft = fill("short", {**VALUES, "field": "data\r\nBcc: x"})
    assert subject_draft.subject == "Quick question about data Bcc: x"


def test_short_template_filled_is_under_100_words():
    body = fill("short", VALUES).body
    assert len(body.split()) < 100


def test_draft_is_frozen():
    draft = fill("short", VALUES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.subject = "x"  # type: ignore[misc]


def test_unknown_template():
    with pytest.raises(NotFoundError, match="'nope'.*available: seed, short"):
        fill("nope", VALUES)


def test_user_templates_override_and_add(tmp_path):
    (tmp_path / "short.txt").write_text("Subject: Hello ${their_name}\n\nHi ${their_name},\n\nShort.\n",
                                        encoding="utf-8")
    (tmp_path / "coffee.txt").write_text("\ufeffSubject: Coffee?\r\n\r\nHi ${their_name}, $$5 on me.\r\n",
                                         encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a template", encoding="utf-8")
    df = list_templates(tmp_path).set_index("name")
    assert df.loc["short", "origin"] == "user" and df.loc["short", "kind"] == "outreach"
    assert df.loc["coffee", "origin"] == "user" and df.loc["coffee", "kind"] == "custom"
    assert df.loc["seed", "origin"] == "built-in"
    assert "notes" not in df.index
    assert template_fields("short", user_dir=tmp_path) == ["their_name"]
    assert fill("coffee", {"their_name": "Sam"}, user_dir=tmp_path).body == "Hi Sam, $5 on me."
    assert list(list_templates(tmp_path / "missing")["name"]) == BUILT_IN


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Hi ${their_name},\n\nBody\n", 1, "Subject"),
        ("", 1, "Subject"),
        ("Subject:   \n\nBody\n", 1, "empty"),
        ("Subject: Hi\nBody right away\n", 2, "blank line"),
        ("Subject: Hi\n\n\n", 3, "no body"),
        ("Subject: Save $5\n\nBody\n", 1, "invalid placeholder"),
        ("Subject: Hi\n\nDear ${their_name},\n\nGiven ${their accomplishment}.\n", 5,
         "'${their accomplishment}'"),
        ("Subject: Hi\n\nLine\nCosts $ 10\n", 4, "$$"),
        ("Subject: Hi\n\n\nLine\n\n${ok} and ${1bad}\n", 6, "invalid placeholder"),
    ],
)
def test_malformed_user_template_names_file_and_line(tmp_path, text, line, words):
    bad = tmp_path / "broken.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError) as info:
        list_templates(tmp_path)
    err = info.value
    assert err.path == str(bad) and err.line == line
    assert str(err).startswith(f"{bad}, line {line}:")
    assert words in str(err)


def test_user_dir_that_is_a_file(tmp_path):
    file = tmp_path / "templates"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(InputFormatError, match="expected a folder"):
        list_templates(file)


# --------------------------------------------------------------------------- check


def _finding(result, rule):
    return next(f for f in result.findings if f.rule == rule)


def test_short_template_filled_realistically_passes_classic_and_strict():
    draft = fill("short", VALUES)
    for rules in ("classic", "strict"):
        result = check(draft, rules=rules, common_ground=VALUES["common_ground"], **CONTEXT)
        assert result.fixes == [], rules
        assert result.score == 100 and result.passed
    # Without the optional context the heuristics still accept it.
    assert check(draft).score == 100
    assert check(draft, rules="strict").score == 100


@pytest.mark.parametrize("name", OUTREACH)
def test_outreach_templates_filled_pass_classic(name):
    ground = "Priya Shah" if name == "intro" else VALUES["common_ground"]
    result = check(fill(name, VALUES), rules="classic", common_ground=ground, **CONTEXT)
    expected = ["connection_first"] if name == "seed" else []  # the seed article starts "My name is"
    assert [f.rule for f in result.findings if not f.passed] == expected


@pytest.mark.parametrize("name", FOLLOWUP)
def test_followup_templates_filled_pass_followup_rules(name):
    draft = fill(name, VALUES)
    result = check(draft, contact_name="Sam Lee", signature=VALUES["signature"])
    assert result.rules == "followup"  # chosen from the template's kind
    assert result.fixes == [] and result.score == 100
    assert [f.rule for f in result.findings] == list(RULE_SETS["followup"])


def test_checkin_asks_for_nothing():
    assert "?" not in fill("checkin", VALUES).body


LONG = " ".join(["I have spent four years building demand forecasts and supplier dashboards."] * 5)
I_HEAVY = ("Hi Sam,\n\nI noticed that we both studied statistics at Lakeside University. I am an analyst "
           "and I have built my forecasting skills for years, and I now want my next step to be in "
           "supply-chain analytics at a company like Northwind Foods. Would you share your advice?"
           "\n\nThank you,\nAna Ruiz")
NO_GROUND = BODY.replace("I noticed that we both studied statistics at Lakeside University, so I hope you "
                         "will not mind a note from me. ", "")


@pytest.mark.parametrize(
    ("rules", "rule", "good", "bad", "kwargs", "bad_words"),
    [
        ("classic", "length", BODY, BODY.replace(ASK, LONG + " " + ASK), {},
         "words before the sign-off 'Thank you,'; keep it under 100"),
        ("strict", "length", BODY, BODY.replace(ASK, LONG[:150] + " " + ASK), {}, "keep it under 75"),
        ("classic", "no_jobs", BODY, BODY.replace(ASK, "Are there any open positions on your team?"), {},
         "'positions'"),
        ("strict", "asks_advice", BODY,
         BODY.replace(", and one I would love to learn from", "").replace(ASK, "Could we set up a call?"), {},
         "Does not ask for advice"),
        ("classic", "connection_first", BODY, NO_GROUND, {"common_ground": VALUES["common_ground"]},
         "is not in the first two sentences"),
        ("classic", "connection_first",
         "Hi Sam,\n\nAs a fellow Lakeside alum, I loved your talk.\n\nBest,\nAna",
         "Hi Sam,\n\nMy name is Ana. I work in logistics. We both like data.\n\nBest,\nAna", {},
         "do not mention what you share"),
        ("classic", "broad_interest", BODY, BODY.replace("supply-chain analytics at ", ""),
         {"field": "supply-chain analytics"}, "Does not name the field"),
        ("classic", "broad_interest", "Hi Sam,\n\nI want to move into logistics.\n\nBest,\nAna",
         "Hi Sam,\n\nI admire Northwind Foods.\n\nBest,\nAna", {}, "wider field"),
        ("strict", "narrow_interest", BODY, BODY.replace(" at Northwind Foods", ""),
         {"employer": "Northwind Foods"}, "Does not name their employer"),
        ("strict", "about_them", BODY, I_HEAVY, {}, "make it more than half"),
        ("strict", "ask_is_question", BODY,
         BODY.replace(ASK, "I would appreciate a 15-minute call in the coming weeks."), {}, "is a statement"),
        ("classic", "greeting", BODY, BODY.replace("Hi Sam,", "Hi Priya,"), {"contact_name": "Sam Lee"},
         "does not name Sam Lee"),
        ("classic", "greeting", BODY, BODY.replace("Hi Sam,\n\n", ""), {}, "Does not open with a greeting"),
        ("classic", "no_attachment", BODY, BODY.replace(ASK, "I have attached a short note. " + ASK), {},
         "'attached'"),
        ("classic", "no_meeting_times", BODY, BODY.replace("in the coming weeks", "on Tuesday at 3pm"), {},
         "'Tuesday', '3pm'"),
        ("classic", "no_blanks", BODY, BODY.replace("Northwind Foods", "[their_employer]"), {},
         "'[their_employer]'"),
        ("classic", "close_signature", BODY, BODY.replace("Thank you,\n", ""), {}, "No polite close"),
        ("classic", "close_signature", BODY, BODY.replace("\nAna Ruiz", ""), {}, "not followed by your name"),
        ("classic", "close_signature", BODY, BODY.replace("\nAna Ruiz", "\nAna M."),
         {"signature": "Ana Ruiz"}, "signature 'Ana Ruiz'"),
    ],
)
def test_each_rule_passes_and_fails(rules, rule, good, bad, kwargs, bad_words):
    good_result = check((SUBJECT, good), rules=rules, **kwargs)
    bad_result = check((SUBJECT, bad), rules=rules, **kwargs)
    assert _finding(good_result, rule).passed, _finding(good_result, rule).message
    failed = _finding(bad_result, rule)
    assert not failed.passed
    assert bad_words in failed.message
    assert failed.message in bad_result.fixes
    assert bad_result.score < 100


@pytest.mark.parametrize(
    ("subject", "passed"),
    [
        ("Quick question about supply-chain analytics", True),
        ("", False),
        ("One two three four five six seven eight nine", False),
        ("A" * 61, False),
    ],
)
def test_subject_rule(subject, passed):
    result = check((subject, BODY), rules="followup")
    assert _finding(result, "subject").passed is passed


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("I enjoy my current position at Lakeside.", False),
        ("What do you enjoy most about your job?", False),
        ("Their past positions are online.", False),
        ("How has the job market changed?", False),
        ("If you are in a position to help, thank you.", False),
        ("Are there any open positions?", True),
        ("I am looking for a job at Northwind Foods.", True),
        ("This is my dream job.", True),
        ("Is your team hiring?", True),
        ("Could you pass on my resume?", True),
        ("My CV is short.", True),
        ("I would like to apply for the analyst role.", True),
        ("I saw two openings on your site.", True),
        ("Do you offer internships?", True),
        ("Could you refer me?", True),
    ],
)
def test_job_mentions(sentence, flagged):
    body = f"Hi Sam,\n\nAs a fellow alum, I admire your work. {sentence}\n\nBest,\nAna"
    assert _finding(check(("Hello", body)), "no_jobs").passed is not flagged


@pytest.mark.parametrize(
    ("phrase", "flagged"),
    [
        ("on Tuesday", True),
        ("at 3pm", True),
        ("at 3:30 p.m.", True),
        ("at 15:00", True),
        ("on 2026-12-01", True),
        ("on 12/1", True),
        ("on March 3", True),
        ("on the 3rd of March", True),
        ("in the coming weeks", False),
        ("for 15 minutes", False),
        ("this spring", False),
    ],
)
def test_meeting_time_detection(phrase, flagged):
    body = f"Hi Sam,\n\nAs a fellow alum, would you be open to a 15-minute call {phrase}?\n\nBest,\nAna"
    assert _finding(check(("Hello", body)), "no_meeting_times").passed is not flagged


def test_followup_rules_allow_meeting_days():
    body = "Hi Sam,\n\nThank you for meeting on Tuesday at 3pm.\n\nBest,\nAna"
    result = check(("Thank you", body), rules="followup")
    assert result.passed and "no_meeting_times" not in [f.rule for f in result.findings]
    assert not check(("Thank you", body), rules="classic").passed


def test_about_them_measures_word_share():
    result = check((SUBJECT, BODY), rules="strict")
    assert _finding(result, "about_them").message.startswith("68% of the words")


def test_check_result_frame_and_fixes():
    result = check((SUBJECT, BODY.replace(ASK, "Do you have any openings?")), rules="classic")
    df = result.to_frame()
    assert list(df.columns) == ["rule", "passed", "message"]
    assert list(df["rule"]) == list(RULE_SETS["classic"])
    assert result.fixes == list(df.loc[~df["passed"], "message"])
    assert result.score == round(100 * df["passed"].sum() / len(df))


@pytest.mark.parametrize(
    "item",
    [
        (SUBJECT, BODY),
        [SUBJECT, BODY],
        f"Subject: {SUBJECT}\n\n{BODY}\n",
        Draft("short", SUBJECT, BODY),
    ],
)
def test_check_accepts_draft_pair_or_text(item):
    assert check(item, rules="strict").score == 100


def test_check_without_subject_line_and_bad_input():
    assert not _finding(check(BODY), "subject").passed
    with pytest.raises(InputFormatError, match="Unknown rule set 'loose'"):
        check((SUBJECT, BODY), rules="loose")
    with pytest.raises(InputFormatError, match="takes a Draft"):
        check(42)  # type: ignore[arg-type]


def test_word_count_message_example():
    body = "Hi Sam,\n\nAs a fellow alum, " + "word " * 126 + "?\n\nBest,\nAna"
    message = _finding(check(("Hello", body)), "length").message
    assert message == "Body has 132 words before the sign-off 'Best,'; keep it under 100."


# --------------------------------------------------------------------------- drafts to send

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
BASE_HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "X-Unsent", "Content-Type",
                "Content-Transfer-Encoding", "MIME-Version"}


def _parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


@pytest.mark.parametrize(
    ("to_name", "from_name", "subject"),
    [
        ("Sam Lee", "Ana Ruiz", SUBJECT),
        ("Zoë Ångström", "Ana Ruiz", "Café question — 15 minutes?"),
        ("李雷", "韩梅梅", "关于供应链分析的问题"),
        ('Lee, Sam "the analyst"', "Ana (Lakeside)", "Re: Q&A <notes>"),
        ("", "", "No names"),
    ],
)
def test_eml_round_trip(tmp_path, to_name, from_name, subject):
    body = BODY.replace("Sam", to_name or "there") + "\n\nP.S. Zoë's café costs €5."
    msg = build_message(subject=subject, body=body, to_name=to_name, to_addr="sam.lee@example.com",
                        from_name=from_name, from_addr="ana@example.org", date=WHEN,
                        msgid_domain="drafts.example.org")
    path = write_eml(msg, tmp_path / "out", f"{to_name} - {subject}")
    assert path.parent == tmp_path / "out" and path.suffix == ".eml"
    data = path.read_bytes()
    assert data == msg.as_bytes()
    parsed = _parse(data)
    assert set(parsed.keys()) == BASE_HEADERS
    (to,) = parsed["To"].addresses
    (frm,) = parsed["From"].addresses
    assert (to.display_name, to.addr_spec) == (to_name, "sam.lee@example.com")
    assert (frm.display_name, frm.addr_spec) == (from_name, "ana@example.org")
    assert parsed["Subject"] == subject
    assert parsed["X-Unsent"] == "1"
    assert parsedate_to_datetime(parsed["Date"]) == WHEN
    assert parsed.get_content().replace("\r\n", "\n") == body + "\n"
    assert data.isascii()  # names and subject encoded (RFC 2047), body quoted-printable


def test_eml_is_deterministic():
    kwargs = dict(subject=SUBJECT, body=BODY, to_name="Zoë", to_addr="zoe@example.com",
                  from_name="Ana", from_addr="ana@example.org", date=WHEN, msgid_domain="drafts.example.org")
    first, second = build_message(**kwargs), build_message(**kwargs)
    assert first.as_bytes() == second.as_bytes()
    assert first["Message-ID"].endswith("@drafts.example.org>")
    other = build_message(**{**kwargs, "body": BODY + "!"})
    assert other["Message-ID"] != first["Message-ID"]
    explicit = build_message(**{**kwargs, "msgid_domain": None, "message_id": "abc.1@example.org"})
    assert explicit["Message-ID"] == "<abc.1@example.org>"
    no_id = build_message(**{**kwargs, "msgid_domain": None})
    assert no_id["Message-ID"] is None and no_id["Date"] is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("to_name", "Bob\r\nBcc: evil@example.com"),
        ("from_name", "Bob\nBcc: evil@example.com"),
        ("subject", "Hello\r\nBcc: evil@example.com"),
        ("subject", "Hello\rBcc: evil@example.com"),
        ("subject", "Hello\u2028Bcc: evil@example.com"),
        ("to_name", "Bob\x00\x1b\x85Bcc: evil@example.com"),
        ("subject", "Hello\r\n\r\nInjected body"),
    ],
)
def test_header_injection_adds_no_header(field, value):
    kwargs = dict(subject="Hello", body="Hi Bob,\n\nThanks.\n\nBest,\nAna", to_name="Bob",
                  to_addr="bob@example.com", from_name="Ana", from_addr="ana@example.org", date=WHEN,
                  msgid_domain="drafts.example.org")
    kwargs[field] = value
    data = build_message(**kwargs).as_bytes()
    parsed = _parse(data)
    assert set(parsed.keys()) == BASE_HEADERS
    assert [a.addr_spec for a in parsed["To"].addresses] == ["bob@example.com"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["ana@example.org"]
    assert parsed.get_content().replace("\r\n", "\n") == "Hi Bob,\n\nThanks.\n\nBest,\nAna\n"
    assert not any(line.lower().startswith((b"bcc:", b"injected")) for line in data.splitlines())


@pytest.mark.parametrize("field", ["to_addr", "from_addr"])
@pytest.mark.parametrize(
    "value",
    [
        "bob@example.com\nBcc: evil@example.com",
        "bob@example.com\r\nBcc: evil@example.com",
        "bob@example.com\x00",
        "bob@example.com, evil@example.com",
        "Bob <bob@example.com>",
        "bob",
        "bob@",
        "@example.com",
        "bob@example",
        "bób@example.com",
        "bob smith@example.com",
        "bob@exa mple.com",
        42,
    ],
)
def test_invalid_addresses_are_rejected_naming_the_field(field, value):
    kwargs = dict(subject="Hi", body="Hi", to_name="Bob", to_addr="bob@example.com", from_name="Ana",
                  from_addr="ana@example.org", date=WHEN)
    kwargs[field] = value
    with pytest.raises(InputFormatError) as info:
        build_message(**kwargs)
    assert str(info.value).startswith(f"{field}:")


@pytest.mark.parametrize("missing", [None, "", "  ", pd.NA, math.nan])
def test_missing_address_leaves_the_header_out(missing):
    msg = build_message(subject="Hi", body="Hi", to_name="Sam", to_addr=missing, from_name="Ana",
                        from_addr=missing, date=WHEN)
    parsed = _parse(msg.as_bytes())
    assert parsed["To"] is None and parsed["From"] is None
    assert parsed["Subject"] == "Hi" and parsed["X-Unsent"] == "1"
    assert mailto_link(missing, "Hi", "Hi") == "mailto:?subject=Hi&body=Hi"


def test_address_with_spaces_around_and_idn_domain():
    # Surrounding whitespace (a trailing newline from a spreadsheet cell) is trimmed, not an error.
    msg = build_message(subject="Hi", body="Hi", to_name="Jörg", to_addr="  jorg@bücher.de \r\n",
                        from_name="Ana", from_addr="ana@example.org\n", date=WHEN)
    parsed = _parse(msg.as_bytes())
    assert parsed["To"].addresses[0].addr_spec == "jorg@xn--bcher-kva.de"
    assert parsed["From"].addresses[0].addr_spec == "ana@example.org"


def test_naive_date_and_bad_message_id():
    msg = build_message(subject="Hi", body="Hi", to_name="", to_addr="a@example.com", from_name="",
                        from_addr="b@example.com", date=datetime(2026, 11, 20, 9, 30))
    assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
    with pytest.raises(InputFormatError, match="message_id"):
        build_message(subject="Hi", body="Hi", to_name="", to_addr="a@example.com", from_name="",
                      from_addr="b@example.com", date=WHEN, message_id="no at sign")
    with pytest.raises(InputFormatError, match="msgid_domain"):
        build_message(subject="Hi", body="Hi", to_name="", to_addr="a@example.com", from_name="",
                      from_addr="b@example.com", date=WHEN, msgid_domain="bad domain\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system32", "windows_system32"),
        ("/etc/passwd", "etc_passwd"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT1", "LPT1_"),
        ("COM10", "COM10"),
        ("Zoë Ångström – thank you", "Zoe_Angstrom_thank_you"),
        ("李雷", "untitled"),
        ("🎉🎉", "untitled"),
        ("", "untitled"),
        ("...", "untitled"),
        (".hidden", "hidden"),
        ("-rf now", "rf_now"),
        ("name. ", "name"),
        ("a  b\tc\nd", "a_b_c_d"),
        ("x" * 300, "x" * 80),
    ],
)
def test_safe_filename(text, expected):
    got = safe_filename(text)
    assert got == expected
    assert 0 < len(got) <= 80
    assert not got.startswith(".") and "/" not in got and "\\" not in got


def test_safe_filename_max_len():
    assert safe_filename("abcdef", max_len=3) == "abc"
    assert safe_filename("CON", max_len=3) == "CO_"
    with pytest.raises(InputFormatError):
        safe_filename("x", max_len=0)


def test_write_eml_stays_in_out_dir_and_overwrites(tmp_path):
    msg = build_message(subject="Hi", body="Hi", to_name="", to_addr="a@example.com", from_name="",
                        from_addr="b@example.com", date=WHEN)
    path = write_eml(msg, tmp_path, "../../etc/passwd")
    assert path == tmp_path / "etc_passwd.eml"
    assert write_eml(msg, str(tmp_path), "../../etc/passwd") == path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["etc_passwd.eml"]
    assert len(write_eml(msg, tmp_path, "y" * 300).name) == 80


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (SUBJECT, BODY),
        ("Q&A = 100% #1 + more?", "a&b=c+d #frag %20 ?x\nLine 2\r\nLine 3"),
        ("Café — Zoë", "李雷 & Zoë\n\n€5"),
        ("", ""),
    ],
)
def test_mailto_round_trip(subject, body):
    link = mailto_link("sam.lee+work@example.com", subject, body)
    assert link.isascii() and " " not in link and "\n" not in link
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "sam.lee+work@example.com"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["subject"] == [subject]
    normalized = body.replace("\r\n", "\n").replace("\n", "\r\n")
    assert query["body"] == [normalized]
    assert "%0D%0A" in link or "\n" not in body


def test_mailto_rejects_bad_address():
    with pytest.raises(InputFormatError, match="to_addr"):
        mailto_link("a@example.com?cc=evil@example.com", "Hi", "Hi")


def test_plain_text():
    draft = Draft("short", SUBJECT, BODY)
    assert plain_text(draft) == f"Subject: {SUBJECT}\n\n{BODY}\n"


# --------------------------------------------------------------------------- replies

LA = ZoneInfo("America/Los_Angeles")
SENT = datetime(2026, 11, 23, 9, 0, tzinfo=LA)  # Monday; Thanksgiving Thursday; day 3 Fri 27, day 7 Thu Dec 3


@pytest.mark.parametrize(
    ("replied_at", "today", "expected"),
    [
        (datetime(2026, 11, 23, 17, 0, tzinfo=LA), date(2026, 11, 23), "quick"),
        (datetime(2026, 11, 26, 23, 30, tzinfo=LA), date(2026, 11, 30), "quick"),  # holiday, before day 3
        (datetime(2026, 11, 27, 7, 30, tzinfo=UTC), date(2026, 11, 30), "quick"),  # Thu 23:30 local
        (datetime(2026, 11, 27, 8, 0, tzinfo=LA), date(2026, 11, 30), "on_time"),  # business day 3
        (datetime(2026, 12, 3, 23, 0, tzinfo=LA), date(2026, 12, 4), "on_time"),  # business day 7
        (datetime(2026, 12, 4, 8, 0, tzinfo=LA), date(2026, 12, 4), "late"),
        (datetime(2026, 12, 5, 8, 0, tzinfo=LA), date(2026, 12, 7), "late"),  # Saturday after day 7
        (None, date(2026, 11, 23), "waiting"),
        (None, date(2026, 12, 3), "waiting"),
        (None, date(2026, 12, 4), "none"),
        (None, date(2027, 1, 15), "none"),
        (None, datetime(2026, 12, 4, 7, 0, tzinfo=UTC), "waiting"),  # still Thu Dec 3 in Los Angeles
        (None, datetime(2026, 12, 4, 9, 0, tzinfo=LA), "none"),
    ],
)
def test_classify_reply(replied_at, today, expected):
    assert classify_reply(SENT, replied_at, today, country="US", tz="America/Los_Angeles") == expected


def test_classify_reply_rejects_reply_before_send_and_bad_country():
    with pytest.raises(InputFormatError, match="before sent_at"):
        classify_reply(SENT, SENT - timedelta(hours=1), date(2026, 11, 24), country="US",
                       tz="America/Los_Angeles")
    with pytest.raises(InputFormatError, match="ISO 3166"):
        classify_reply(SENT, None, date(2026, 11, 24), country="USA", tz="America/Los_Angeles")


def test_nan_is_not_text():
    assert fill("nudge", {"their_name": math.nan}).missing == ("their_name", "field", "signature")
