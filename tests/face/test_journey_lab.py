"""The whole journey by clicking only, in JupyterLab (`infoview lab`, on the private copies of the
notebooks): see journey.py."""

from __future__ import annotations

import pytest

from .journey import walk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_whole_journey_by_clicking_in_lab(tmp_path, git_project, page, artifacts, monkeypatch):
    walk("lab", tmp_path, git_project, page, artifacts, monkeypatch)
