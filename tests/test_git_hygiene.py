"""Nothing private in git: the pre-commit hooks, notebooks without outputs, private data and reports ignored."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest
import yaml

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="not a git checkout")
CONFIG = ROOT / ".pre-commit-config.yaml"


def _git(*args: str) -> list[str]:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return {hook["id"]: {**hook, "repo": repo["repo"]} for repo in config["repos"] for hook in repo["hooks"]}


def test_pre_commit_strips_notebook_outputs_and_runs_ruff():
    hooks = _hooks()
    strip = hooks["nbstripout"]
    assert strip["repo"] == "https://github.com/kynan/nbstripout"
    args = " ".join(strip.get("args", []))
    assert "--keep-output" not in args and "--keep-count" not in args, "outputs must be stripped"
    assert "metadata.widgets" in args  # widget state holds the values shown in forms
    assert hooks["ruff-check"]["repo"] == "https://github.com/astral-sh/ruff-pre-commit"


@pytest.mark.parametrize("path, refused", [
    ("data/private/workbook.sqlite", True), ("data/private/backups/workbook-2026-11-25.sqlite", True),
    ("data/private/templates/mine.txt", True), ("data/demo/workbook.sqlite", True),
    ("reports/2026-11-25-redacted/index.html", True), ("anywhere/else.sqlite-wal", True),
    ("data/sample/Connections.csv", False), ("notebooks/01_find_contacts.ipynb", False),
    ("infoview_kit/store.py", False)])
def test_pre_commit_refuses_private_files(path, refused):
    hook = _hooks()["no-private-data"]
    assert hook["language"] == "fail"
    caught = re.search(hook["files"], path) is not None and re.search(hook.get("exclude", "^$"), path) is None
    assert caught == refused, path


def test_every_notebook_git_would_commit_has_no_outputs():
    """Tracked notebooks and new ones not ignored (what `git add .` would take), coach notebooks included."""
    paths = _git("ls-files", "--cached", "--others", "--exclude-standard", "*.ipynb")
    assert "notebooks/01_find_contacts.ipynb" in paths
    dirty = []
    for path in paths:
        if not (ROOT / path).exists():
            continue  # deleted in the working tree
        nb = nbformat.read(ROOT / path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if any(c.outputs or c.execution_count is not None for c in code) or "widgets" in nb.metadata:
            dirty.append(path)
    assert dirty == [], f"strip outputs before committing (pre-commit install runs nbstripout): {dirty}"


@pytest.mark.parametrize("path", ["data/private/backups/workbook-2026-11-25T20-00-00.sqlite",
                                  "data/private/backups/", "data/private/exports/contacts.xlsx",
                                  "reports/2026-11-25-redacted/index.html",
                                  "reports/2026-11-25-follow-up-redacted/files/0001-update-Person_1.eml",
                                  "reports/2026-11-25/files/follow-ups.ics", "test-artifacts/last_test.png"])
def test_backups_exports_and_reports_are_ignored(path):
    proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert proc.returncode == 0, f"{path} would be committed"


def test_nothing_private_is_tracked():
    tracked = _git("ls-files")
    private = [p for p in tracked if re.search(r"(\.sqlite(-wal|-shm)?$|^data/(private|demo)/|^reports/)", p)]
    assert private == []
    assert _git("ls-files", "--cached", "--ignored", "--exclude-standard") == [], "tracked files that are ignored"
