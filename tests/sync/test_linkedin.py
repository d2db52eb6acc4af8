"""LinkedIn's archive: profile URLs in one form, and every date form its files use."""

from __future__ import annotations

import datetime as dt

import pytest

from infoview_kit.sync.linkedin import parse_date, profile_url

UTC = dt.UTC


@pytest.mark.parametrize(("value", "url"), [
    ("https://www.linkedin.com/in/Priya-Raman-Demo/", "https://www.linkedin.com/in/priya-raman-demo"),
    ("http://de.linkedin.com/in/priya-raman-demo?trk=abc#x", "https://www.linkedin.com/in/priya-raman-demo"),
    ("linkedin.com/in/tom%C3%A1s-herrera", "https://www.linkedin.com/in/tomás-herrera"),
    ("www.linkedin.com/pub/jun-watanabe/1/2/3", "https://www.linkedin.com/in/jun-watanabe"),
    ("https://www.linkedin.com/company/acme/", "https://www.linkedin.com/company/acme"),
    ("", ""),
])
def test_profile_urls(value, url):
    assert profile_url(value) == url


@pytest.mark.parametrize(("value", "when"), [
    ("2024-03-12 14:05:33 UTC", dt.datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC)),
    ("2024-03-12 14:05:33", dt.datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC)),
    ("2024-03-12T14:05:33.000Z", dt.datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC)),
    ("Tue Mar 12 14:05:33 UTC 2024", dt.datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC)),
    ("3/12/24, 2:05 PM", dt.datetime(2024, 3, 12, 14, 5, tzinfo=UTC)),
    ("2024-03-12T15:05:33+01:00", dt.datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC)),
    ("last Tuesday", None),
    ("", None),
])
def test_dates(value, when):
    assert parse_date(value) == when
