"""Shared fixtures: the demo workbook built once per session, and a fresh copy of it per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from infoview_kit.demo import build_demo
from infoview_kit.store import Workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _never_touch_private_workbook(tmp_path, monkeypatch):
    """Tests never see a person's own workbook: the default points into the test's tmp dir."""
    monkeypatch.setenv("INFOVIEW_WORKBOOK", str(tmp_path / "default-workbook.sqlite"))


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    """The demo workbook, built once for the session (do not modify: copy it)."""
    return build_demo(tmp_path_factory.mktemp("demo") / "workbook.sqlite")


@pytest.fixture
def demo_path(demo_master, tmp_path) -> Path:
    """A fresh copy of the demo workbook that a test may change."""
    target = tmp_path / "demo" / "workbook.sqlite"
    target.parent.mkdir()
    shutil.copy(demo_master, target)
    return target


@pytest.fixture
def demo_wb(demo_path):
    with Workbook.open(demo_path) as wb:
        yield wb


@pytest.fixture
def new_wb(tmp_path):
    with Workbook.open(tmp_path / "new" / "workbook.sqlite") as wb:
        yield wb


def file_bytes(path: os.PathLike[str]) -> bytes:
    return Path(path).read_bytes()
