"""Project hygiene: one dependency list, private data ignored by git."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from ..conftest import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"]}
    env = (ROOT / "environment.yml").read_text()
    pip_section = env.split("- pip:", 1)[1]
    specs = re.findall(r"^\s+- (\S+)", pip_section, re.M)
    listed = {_name(x) for x in specs if not x.startswith("-e")}
    assert listed == wanted
    assert "- -e ." in env, "environment.yml installs the package itself"
    assert re.search(r"python>=3\.11", env)


@pytest.mark.parametrize("path", ["data/private/workbook.sqlite", "data/private/templates/mine.txt",
                                  "data/demo/workbook.sqlite", "reports/2026-11-25/index.html",
                                  "anywhere/else.sqlite", "data/private/workbook.sqlite-wal"])
def test_private_data_and_reports_are_ignored_by_git(path):
    proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
    assert proc.returncode == 0, f"{path} would be committed"


def test_sample_data_is_tracked():
    proc = subprocess.run(["git", "check-ignore", "-q", "data/sample/Connections.csv"], cwd=ROOT)
    assert proc.returncode == 1
