"""The whole journey by clicking only, in the no-code app (`infoview app`, Voila, code hidden): see journey.py."""

from __future__ import annotations

import pytest

from .journey import walk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_whole_journey_by_clicking_in_app(tmp_path, git_project, page, artifacts, monkeypatch):
    walk("app", tmp_path, git_project, page, artifacts, monkeypatch)
