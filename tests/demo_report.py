"""The one executed demo report of a test run: built by whichever comes first, read by every test.

`tests/conftest.py`'s `demo_report` fixture calls :func:`ensure`; so does `python -m tests.demo_report
SHARED`, which the first worker starts in the background as the run begins (while the browser tests,
which do not need the report, keep the cores half idle), so the report is usually ready when a test
asks for it. An exclusive lock on a file in the folder the workers share makes sure it is built once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: each worker builds its own (see conftest.demo_report)
    fcntl = None  # type: ignore[assignment]

TODAY = dt.date(2026, 11, 25)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a file the pytest-xdist workers share) for the block."""
    if fcntl is None:
        yield
        return
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure(shared: Path, demo_master: Path | None = None) -> tuple[object, Path]:
    """Return (the RunResult, the workbook it ran against) of the demo report in `shared`, executing it
    first if nobody has (from a copy of `demo_master`, or a demo workbook built here)."""
    from infoview_kit.demo import build_demo, demo_parameters
    from infoview_kit.reports.run import run_notebooks

    base, done = shared / "demo-report", shared / "demo-report.pickle"
    workbook = base / "workbook.sqlite"
    with exclusive(shared / "demo-report.lock"):
        if not done.exists():  # nobody has executed it yet (or an earlier attempt failed: start again)
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            if demo_master is not None:
                shutil.copy(demo_master, workbook)
            else:
                build_demo(workbook)
            result = run_notebooks(workbook, TODAY, base / "report", extra=demo_parameters(), progress=False)
            done.write_bytes(pickle.dumps(result))
        return pickle.loads(done.read_bytes()), workbook


if __name__ == "__main__":
    ensure(Path(sys.argv[1]))
