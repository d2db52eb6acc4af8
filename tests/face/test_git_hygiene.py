"""Nothing private in git: the pre-commit hooks, notebooks without outputs, private data and reports ignored."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess

import nbformat
import pytest
import yaml

from ..conftest import ROOT

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


@pytest.mark.parametrize("path", ["data/private/notebooks/01_find_contacts.ipynb",
                                  "data/private/notebooks/.infoview-workspace.json",
                                  "data/private/notebooks/.ipynb_checkpoints/01_find_contacts-checkpoint.ipynb",
                                  "alex.notebooks/01_find_contacts.ipynb", "progress-2026-11-25.json"])
def test_private_copies_of_the_notebooks_are_ignored(path):
    proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert proc.returncode == 0, f"{path} would be committed"


@pytest.mark.parametrize("path, refused", [
    ("data/private/notebooks/02_research.ipynb", True), ("me/alex.notebooks/02_research.ipynb", True),
    ("somewhere/.infoview-workspace.json", True), ("notebooks/02_research.ipynb", False),
    ("notebooks/coach/cohort_report.ipynb", False)])
def test_pre_commit_refuses_private_copies_of_the_notebooks(path, refused):
    hook = _hooks()["no-private-data"]
    assert (re.search(hook["files"], path) is not None) == refused, path


# ---------------------------------------------------------------- a whole session, then git status
# made up per run (this file is tracked too): the participant, and a person in her workbook
PERSON = f"Zephyrine Quattle{secrets.token_hex(3)}"
CONTACT = f"Ottoline Vander{secrets.token_hex(3)}"
CONTACT_EMAIL = f"ottoline.{secrets.token_hex(3)}@cobalt-private.example"


@pytest.mark.slow
def test_a_whole_session_leaves_git_clean_and_nothing_personal_in_tracked_files(tmp_path, monkeypatch, capsys):
    """init, work in the private copies as JupyterLab saves them, the app's copy run as Voila's kernel would,
    reports, backups, an export, a progress summary: in a clone of this repository, `git status` stays clean
    and no tracked file holds a personal string."""
    import json

    import papermill as pm

    from infoview_kit.app import plan_app, plan_lab
    from infoview_kit.cli import main
    from infoview_kit.workbook import Workbook

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True)
    monkeypatch.chdir(clone)
    monkeypatch.delenv("INFOVIEW_WORKBOOK")  # the default workbook: data/private/workbook.sqlite in the clone
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: {PERSON}\nemail: zq@private.example\ntimezone: Europe/London\ncountry: GB\n")
    assert main(["init", "--profile", str(profile)]) == 0
    workbook, copies = clone / "data" / "private" / "workbook.sqlite", clone / "data" / "private" / "notebooks"
    with Workbook.open(workbook) as wb:
        wb.add_contact(*CONTACT.split(), email=CONTACT_EMAIL, company="Cobalt", notes="met at the private meetup")

    # JupyterLab in the private copies: a run, then autosave with edited parameters, outputs and an own cell
    pm.execute_notebook(copies / "00_start_here.ipynb", copies / "00_start_here.ipynb", cwd=copies,
                        progress_bar=False)
    copy = copies / "02_research.ipynb"
    nb = json.loads(copy.read_text())
    nb["cells"][1]["source"] = [f'workbook = "{workbook}"  # mine\n', f'contact = "{CONTACT}"  # whom\n']
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": f"{CONTACT} {CONTACT_EMAIL}\n"}]
    nb["cells"].insert(3, {"cell_type": "markdown", "id": "my-notes", "metadata": {}, "source": f"{PERSON}'s notes"})
    copy.write_text(json.dumps(nb))
    lab = plan_lab()  # what `infoview lab` does before starting JupyterLab
    assert lab.workspace.folder == copies and CONTACT in copy.read_text()

    app = plan_app()  # `infoview app`: its copy is made outside the project, and run as Voila's kernels would
    try:
        assert clone not in app.root.parents
        monkeypatch.setenv("INFOVIEW_WORKBOOK", str(workbook))
        pm.execute_notebook(app.root / "00_start_here.ipynb", app.root / "ran.ipynb", cwd=app.root,
                            progress_bar=False)
        monkeypatch.delenv("INFOVIEW_WORKBOOK")
    finally:
        app.remove()

    for command in (["report", "--quiet"], ["backup"], ["export"], ["share-progress"], ["due"]):
        assert main(command) == 0, command
    capsys.readouterr()

    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout
    assert status == "", f"the session left files for git:\n{status}"
    for secret in (PERSON, CONTACT, CONTACT_EMAIL, str(workbook)):
        found = subprocess.run(["git", "grep", "-I", "-l", "-i", "-F", secret], cwd=clone, capture_output=True,
                               text=True)
        assert found.returncode == 1 and found.stdout == "", f"{secret!r} is in tracked files: {found.stdout}"
    assert f"Your workbook: {workbook}" in (copies / "00_start_here.ipynb").read_text(), "kept, privately"
