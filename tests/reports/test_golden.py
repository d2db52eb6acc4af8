"""Behaviour did not change: the demo report's chart data, drafts and calendar files equal the golden copy."""

from __future__ import annotations

import json

import pytest

from ..golden import GOLDEN, fingerprint


@pytest.mark.slow
def test_the_demo_report_produces_exactly_the_golden_chart_data_drafts_and_calendars(demo_report):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = fingerprint(demo_report.result.out_dir, demo_report.workbook)
    assert sorted(now) == sorted(golden)
    assert any(name.startswith("chart-data/") for name in golden) and any(n.endswith(".eml") for n in golden)
    for name in golden:
        assert now[name] == golden[name], name
