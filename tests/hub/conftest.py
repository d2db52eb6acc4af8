"""Fixtures of the hub room: a real JupyterHub (tests/hub/hub.py) and a clone of this repository to pull from."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .hub import ROOT, Hub, HubError, proxy_command

BRANCH = "workshop"  # the branch of the clone that the nbgitpuller links name


def need_hub() -> None:
    """Skip with the reason when configurable-http-proxy cannot be installed (no npm); fail under CI=true."""
    chp, why = proxy_command()
    if chp is None:
        if os.environ.get("CI") == "true":
            pytest.fail(why + " (required under CI=true)")
        pytest.skip(why)


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    """JupyterHub on 127.0.0.1 (free ports) with docs/jupyterhub_config.py and the test-only overrides;
    stopped by its pid, with its proxy and every participant's server, when the module's tests end
    (failed or not)."""
    need_hub()
    folder = tmp_path_factory.mktemp("hub")
    try:
        with Hub.running(folder) as running:
            yield running
    except HubError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def repo_clone(tmp_path_factory) -> str:
    """A local clone of this repository's HEAD, on branch `workshop`, as a file:// URL for nbgitpuller.

    Named infoview_kit, as the published repository is: nbgitpuller clones it into ~/infoview_kit.
    (Commit first: the clone holds what HEAD holds, not uncommitted changes.)"""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the workshop pulls the notebooks from a clone of it")
    target = tmp_path_factory.mktemp("published") / "infoview_kit"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "-B", BRANCH, head], check=True)
    return f"file://{Path(target)}"
