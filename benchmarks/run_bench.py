"""Benchmark `infoview run` on the demo against the floor any five-notebook workbook pays.

Floor: five papermill executions, in one process, of a notebook that only imports pandas,
matplotlib.pyplot and ipywidgets. Both run side by side in this one process (papermill already
imported), interleaved N times so both see the same load; each pair gives a ratio, and the best,
median and worst ratio are printed with the phases of the report run (kernel start and imports,
summed over the kernels and mostly hidden behind the notebooks; what the notebooks waited for a
kernel; cells; the pages; the index), and the CPU seconds each used (with its kernels), which the
load of a shared machine does not change. Also times `import infoview_kit` and `infoview --help` in
fresh processes.

Run: .venv/bin/python benchmarks/run_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from infoview_kit.demo import build_demo, demo_parameters
from infoview_kit.reports.run import run_notebooks

TODAY = dt.date(2026, 11, 25)


def floor_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot\nimport ipywidgets")]
    nbformat.write(nb, path)


def cpu() -> float:
    """CPU seconds used so far by this process and its finished children (the kernels, once reaped)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_floor(tmp: Path) -> tuple[float, float]:
    src = tmp / "floor.ipynb"
    floor_notebook(src)
    start, used = time.perf_counter(), cpu()
    for i in range(5):
        pm.execute_notebook(str(src), str(tmp / f"floor-out-{i}.ipynb"), progress_bar=False, kernel_name="python3")
    return time.perf_counter() - start, cpu() - used


def time_run(tmp: Path, master: Path, i: int) -> tuple[float, float, dict[str, float]]:
    wb = tmp / f"run-{i}" / "workbook.sqlite"
    wb.parent.mkdir()
    shutil.copy(master, wb)
    start, used = time.perf_counter(), cpu()
    result = run_notebooks(wb, TODAY, tmp / f"run-{i}" / "report", extra=demo_parameters(), progress=False)
    return time.perf_counter() - start, cpu() - used, result.phases


def time_process(args: list[str], n: int = 5) -> float:
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        master = build_demo(tmp / "demo.sqlite")
        floors, runs, cpus = [], [], []
        for i in range(args.repeat):  # interleaved, so both see the same machine load
            floor, floor_cpu = time_floor(tmp)
            seconds, run_cpu, phase = time_run(tmp, master, i)
            floors.append(floor)
            runs.append(seconds)
            cpus.append(run_cpu / floor_cpu)
            print(f"  pair {i + 1}: floor {floor:6.2f} s  run {seconds:6.2f} s  ratio {seconds / floor:.2f}x  "
                  f"(CPU {floor_cpu:.1f} s / {run_cpu:.1f} s: {run_cpu / floor_cpu:.2f}x; "
                  f"load {os.getloadavg()[0]:.1f})"
                  "\n    phases: " + "  ".join(f"{k} {v:.2f}" for k, v in phase.items()), flush=True)
    ratios = sorted(r / f for r, f in zip(runs, floors, strict=True))
    for what, times in (("floor (5 bare papermill runs, one process)", floors),
                        ("infoview run on the demo (5 notebooks+HTML)", runs)):
        print(f"{what}: best {min(times):6.2f} s  median {statistics.median(times):6.2f} s  worst {max(times):6.2f} s")
    print(f"ratio run/floor, pair by pair: best {ratios[0]:.2f}x  median {statistics.median(ratios):.2f}x  "
          f"worst {ratios[-1]:.2f}x; best run / best floor {min(runs) / min(floors):.2f}x (target <= 1.3x)")
    print(f"CPU used, run/floor: median {statistics.median(cpus):.2f}x (what the machine's load cannot change)")
    bare = time_process([sys.executable, "-c", "pass"])
    imp = time_process([sys.executable, "-c", "import infoview_kit"])
    cli = time_process([str(Path(sys.executable).parent / "infoview"), "--help"])
    print(f"python -c pass:        {bare * 1000:6.0f} ms")
    print(f"import infoview_kit:   {imp * 1000:6.0f} ms  ({(imp - bare) * 1000:.0f} ms over a bare start)")
    print(f"infoview --help:       {cli * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
