"""Kernels started ahead: what each warms, and none left running when a run stops early."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import tempfile
from pathlib import Path

import nbformat
import pytest

from infoview_kit.reports.kernels import KernelPipeline, warm_code
from infoview_kit.reports.run import notebooks_dir


def test_a_kernel_warms_what_its_notebook_reaches_through_ik_and_calls_nothing():
    code = warm_code(notebooks_dir() / "05_follow_up_progress.ipynb")
    assert "'ik.views.FollowupBoard'" in code and "'ik.reports.chart_data'" in code and "'ik.setup'" in code
    assert "matplotlib.pyplot" in code, "notebook 05 draws"
    assert "matplotlib" not in warm_code(notebooks_dir() / "02_research.ipynb"), "02 draws nothing"
    namespace: dict[str, object] = {}
    exec(compile(code.replace("'ik.setup'", "'ik.no_such_name'"), "warm", "exec"), namespace)  # noqa: S102
    assert not [k for k in namespace if not k.startswith("__")], "the warm-up leaves no name behind"


def _kernels_of_this_process() -> list[int]:
    """The ipykernel processes this test process started and has not reaped (Linux: read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"ipykernel" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _alive(km) -> bool:
    """Ask a kernel manager whether its kernel lives, on an event loop of its own thread (as the pipeline does):
    the test's own thread may already run a loop left by an earlier test (Playwright's sync API)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(km.is_alive())).result()


@pytest.mark.slow
def test_kernels_come_warm_in_order_and_none_is_left_running_after_an_early_stop(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import json")]
    nbformat.write(nb, tmp_path / "n.ipynb")
    handed = []
    with tempfile.TemporaryDirectory(prefix="ivk-") as sockets, \
            KernelPipeline(tmp_path, sockets, ["import json"] * 3) as pipeline:
        for km in pipeline.kernels():
            handed.append(km)
            assert _alive(km) and _kernels_of_this_process(), "alive while handed out"
            break  # a notebook failed: the kernels started for the next ones must go too
    assert pipeline.start_s > 0 and pipeline.waited_s > 0
    assert not _alive(handed[0])
    assert Path(sockets).exists() is False
    if Path("/proc/self/stat").exists():
        assert _kernels_of_this_process() == [], "the kernels started ahead are stopped too"
