"""The one set of rules for typed values: emails (email-validator), research dates, time zones, web links;
and the importer's vectorized email check agreeing with it."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from infoview_kit.base import validate
from infoview_kit.base.errors import InputFormatError, InvalidFieldError
from infoview_kit.find.columns import _valid_emails

TRICKY = [
    "ann@example.org", "Ann.Lee@Example.ORG", "a+b@sub.example.co.uk", "o'neil@example.ie", "a_b@x-y.example",
    "ann@localhost", "ann@example", "ann@example.test", "ann@example.local", "ann@x.invalid", "ann@x.onion",
    "ann@x.arpa", "ann@x.o", "ann@x.123", "ann@1.2.3.4", "ann@[1.2.3.4]", '"ann lee"@example.org',
    "ann..lee@example.org", ".ann@example.org", "ann.@example.org", "ann@-x.org", "ann@x-.org", "ann@x..org",
    "ann@x.org.", "ann@@x.org", "ann@", "@x.org", "ann", "ann lee@x.org", "ann@x_y.org", "ann@xn--abc.org",
    "ann@xn--bcher-kva.example", "josé@correo.example", "ann@bücher.example", "用户@例子.广告", "ann@x.c0m",
    "a" * 64 + "@x.org", "a" * 65 + "@x.org", "ann@" + "x" * 63 + ".org", "ann@" + "x" * 64 + ".org",
    "ann@" + ".".join(["x" * 60] * 4) + ".org", "ann@example.org\n", "ann@exa mple.org", "ann#x@example.org",
    "{ann}@example.org", "ann@example.museum", "ann@example.xn--p1ai", "ann@example.c-m", "ann\\@example.org",
    "ann@example.org>", "<ann@example.org>", "mailto:ann@example.org", "ann@x.y.z.example.org",
]


def _library(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@pytest.mark.parametrize("address", TRICKY)
def test_email_is_email_validator(address):
    assert validate.is_email(address) == _library(address.strip())


def test_the_importers_vectorized_check_agrees_with_email_validator():
    low = np.array([a.lower() for a in TRICKY], dtype=object)
    got = _valid_emails(low.copy())
    expected = [a == a.strip() and _library(a) for a in low]
    assert got.tolist() == expected


@given(st.emails())
@settings(max_examples=300, deadline=None)
def test_every_address_the_plain_pattern_vouches_for_is_accepted(address):
    low = address.lower()
    assert _valid_emails(np.array([low], dtype=object))[0] == _library(low)


@given(st.from_regex(r"[a-z0-9._+-]{1,12}@[a-z0-9.-]{1,20}\.[a-z0-9-]{1,8}", fullmatch=True))
@settings(max_examples=300, deadline=None)
def test_agreement_on_near_misses(address):
    assert _valid_emails(np.array([address], dtype=object))[0] == _library(address)


def test_email_refusal_names_the_field_and_what_was_expected():
    with pytest.raises(InvalidFieldError) as err:
        validate.email("ann@localhost", "profile field 'email'")
    assert err.value.field == "profile field 'email'"
    assert "profile field 'email' 'ann@localhost'" in str(err.value) and "dot in the domain" in str(err.value)
    assert isinstance(err.value, InputFormatError)
    again = pickle.loads(pickle.dumps(err.value))
    assert again.field == err.value.field and str(again) == str(err.value)


def test_email_is_lower_cased_and_empty_is_none():
    assert validate.email("  Ann.Lee@Example.ORG ") == "ann.lee@example.org"
    assert validate.email("") is None and validate.email(None) is None and validate.email("  ") is None


@pytest.mark.parametrize(("text", "stored"), [
    ("2021", "2021"), ("2021-03", "2021-03"), ("2021-03-04", "2021-03-04"), ("Mar 2021", "2021-03"),
    ("March 2021", "2021-03"), ("sept 2019", "2019-09"), ("", None),
])
def test_fact_dates(text, stored):
    assert validate.fact_date(text) == stored


@pytest.mark.parametrize("text", ["next spring", "2021-13", "2021-02-30", "1850", "03/2021", "Qwx 2021", "21"])
def test_fact_dates_refused_name_the_field(text):
    with pytest.raises(InvalidFieldError, match="research date 'from'") as err:
        validate.fact_date(text, "research date 'from'")
    assert err.value.field == "research date 'from'" and "YYYY" in str(err.value)


def test_time_zones():
    assert str(validate.time_zone("Europe/London")) == "Europe/London"
    for bad in ("Mars/Olympus", "US", "", None):
        with pytest.raises(InvalidFieldError, match="time zone") as err:
            validate.time_zone(bad)
        assert "IANA" in str(err.value)


@pytest.mark.parametrize(("text", "kept"), [
    ("https://example.org/a?b=c", "https://example.org/a?b=c"), ("http://www.example.org", "http://www.example.org"),
    ("https://bücher.example/x", "https://bücher.example/x"), ("  https://example.org  ", "https://example.org"),
    ("", None),
])
def test_urls(text, kept):
    assert validate.url(text) == kept


@pytest.mark.parametrize("text", ["example.org", "ftp://example.org", "https://localhost/x", "http://",
                                  "https://exa mple.org", "javascript:alert(1)", "https://[::1]/", "next spring",
                                  "https://example.org:99999/"])
def test_urls_refused(text):
    with pytest.raises(InvalidFieldError, match="research link") as err:
        validate.url(text, "research link")
    assert "https://" in str(err.value)


def test_a_profile_link_may_be_typed_without_its_scheme():
    assert validate.url("linkedin.com/in/ann", add_scheme=True) == "https://linkedin.com/in/ann"
    assert validate.url("//linkedin.com/in/ann", add_scheme=True) == "https://linkedin.com/in/ann"
    with pytest.raises(InvalidFieldError):
        validate.url("ann", add_scheme=True)
