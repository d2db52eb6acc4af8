"""Shared fixtures: the demo workbook built once per session, and a fresh copy of it per test."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

import pytest

from infoview_kit.demo import build_demo
from infoview_kit.reports.run import notebooks_dir
from infoview_kit.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
DEMO_REPORT_TODAY = dt.date(2026, 11, 25)


class DemoReport(NamedTuple):
    result: Any  # infoview_kit's RunResult: out_dir, index, notebooks, html
    workbook: Path  # the workbook the report ran against (after the run)


@pytest.fixture(autouse=True)
def _never_touch_private_workbook(tmp_path, monkeypatch):
    """Tests never see a person's own workbook: the default points into the test's tmp dir."""
    monkeypatch.setenv("INFOVIEW_WORKBOOK", str(tmp_path / "default-workbook.sqlite"))


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    """The demo workbook, built once for the session (do not modify: copy it)."""
    return build_demo(tmp_path_factory.mktemp("demo") / "workbook.sqlite")


@pytest.fixture(scope="session")
def demo_report(demo_master, tmp_path_factory) -> DemoReport:
    """The demo report (`infoview run` on a copy of the demo workbook), executed once for the whole run.

    Every test that reads an executed report shares it; do not modify it (copy what you change). Under
    pytest-xdist each worker is a session of its own: the first worker to ask executes the report in the
    folder the workers share, the others wait for it and read the same one.
    """
    from infoview_kit.demo import demo_parameters
    from infoview_kit.reports.run import run_notebooks

    here = tmp_path_factory.getbasetemp()
    shared = here.parent if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None else here
    base, done = shared / "demo-report", shared / "demo-report.pickle"
    workbook = base / "workbook.sqlite"
    with _exclusive(shared / "demo-report.lock"):
        if not done.exists():  # nobody has executed it yet (or an earlier attempt failed: start again)
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir()
            shutil.copy(demo_master, workbook)
            result = run_notebooks(workbook, DEMO_REPORT_TODAY, base / "report", extra=demo_parameters(),
                                   progress=False)
            done.write_bytes(pickle.dumps(result))
        return DemoReport(pickle.loads(done.read_bytes()), workbook)


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a file the pytest-xdist workers share) for the block."""
    if fcntl is None:  # Windows: no worker shares with another (see demo_report)
        yield
        return
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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


def ok(widget) -> str:
    """Assert a form's status line shows success; return it."""
    assert "#00703c" in widget.status, widget.status
    return widget.status


def failed(widget) -> str:
    """Assert a form's status line shows an error; return it."""
    assert "#b00020" in widget.status, widget.status
    return widget.status


def file_bytes(path: os.PathLike[str]) -> bytes:
    return Path(path).read_bytes()


# ---------------------------------------------------------------- real browser (JupyterLab + Chromium)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def need_browser() -> None:
    """Skip (or, under CI=true, fail) when Debian's chromium or Playwright is missing."""
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        why = f"{CHROMIUM} or playwright missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(why + " (required under CI=true)")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests save screenshots: $ARTIFACTS_DIR or test-artifacts/ (git-ignored)."""
    folder = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def lab(tmp_path) -> Iterator[Callable[[str, Path], str]]:
    """Start JupyterLab on 127.0.0.1 (free port, token, throw-away config, a root holding a *copy*
    of the notebook, INFOVIEW_WORKBOOK on the given workbook); return the notebook's URL. Each
    server is stopped by its PID after the test."""
    need_browser()
    procs: list[subprocess.Popen[bytes]] = []

    def start(notebook: str, workbook: Path) -> str:
        base = tmp_path / f"lab-{len(procs)}"
        root = base / "root"
        root.mkdir(parents=True)
        shutil.copy(notebooks_dir() / notebook, root / notebook)  # Lab autosaves: never the original
        env = dict(os.environ, INFOVIEW_WORKBOOK=str(workbook), PYTHONUNBUFFERED="1")
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                     "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
            (base / name.lower()).mkdir()
            env[name] = str(base / name.lower())
        labconfig = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig"
        labconfig.mkdir()
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        port, token = _free_port(), secrets.token_hex(16)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        log = base / "lab.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        wait_for_server(proc, f"{url}/api/status?token={token}", log, "JupyterLab", timeout=90)
        return f"{url}/lab/tree/{notebook}?token={token}&reset"

    yield start
    for proc in procs:
        stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM a server by its PID (it shuts its kernels down); if it hangs, SIGKILL its own group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def wait_for_server(proc: subprocess.Popen[bytes], url: str, log: Path, what: str, *, timeout: float) -> None:
    """Poll `url` until it answers 200; raise with the end of the server's log if the server exits
    or `timeout` seconds pass. (Never poll a notebook page of Voila: each GET starts a kernel.)"""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n" + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    """Debian's headless Chromium, started once per test process (each test has a context of its own)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(artifacts, request):
    """A Playwright page in a fresh browser context (no cookies, storage or cache of another test) of
    Debian's headless Chromium; only 127.0.0.1 is reachable."""
    need_browser()
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # JupyterLab on a loaded 2-core machine is slow to start
    browser = request.getfixturevalue("_chromium")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.route("**/*", lambda route: route.continue_()
             if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
             else route.abort())
    try:
        yield pg
    finally:
        try:
            pg.screenshot(path=str(artifacts / f"last_{request.node.name}.png"))  # evidence, pass or fail
        finally:
            context.close()


def run_all_cells(page, url: str) -> None:
    """Open a notebook in JupyterLab, run all cells, wait until the kernel is idle again, and
    check that no cell printed a traceback."""
    from playwright.sync_api import expect

    idle = re.compile(r"\(ipykernel\) \| Idle")
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                          has_text="Traceback")
    ran = re.compile(r"^\[\d+\]:$")
    for attempt in (1, 2):
        if attempt == 2:  # leaving a notebook with unsaved changes asks first: yes, leave
            page.once("dialog", lambda dialog: dialog.accept())
        page.goto(url)  # the second time, as a person would: the page opened again, its kernel connected anew
        expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")).to_be_visible()
        expect(page.locator(".jp-StatusBar-TextItem", has_text=idle)).to_be_visible()
        # a click in it makes this notebook the current one, which Run All runs: with other notebooks open
        # (a restored workspace: on the hub, 00 from the nbgitpuller link) another one could still be current
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .jp-InputPrompt").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if errors.count():  # Run All stops at a failing cell: say which error, not only that it stopped
                raise AssertionError(f"a cell failed in {url}:\n{errors.first.inner_text()[:3000]}")
            if ran.match(prompts.last.inner_text().strip()):
                break
            started = any(ran.match(t.strip()) or t.strip() == "[*]:" for t in prompts.all_inner_texts())
            if attempt == 1 and not started and time.monotonic() > deadline - 60:
                break  # after 30 s not one cell has run (seen on the hub: Run All did nothing): once more
            page.wait_for_timeout(250)
        else:
            raise AssertionError(f"the last cell of {url} did not run within 90 s")
        if ran.match(prompts.last.inner_text().strip()):
            break
    expect(page.locator(".jp-StatusBar-TextItem", has_text=idle)).to_be_visible()
    expect(errors).to_have_count(0)


# ---------------------------------------------------------------- a project of its own (workspace, app, git)
def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_project(tmp_path) -> Path:
    """A throw-away project: the shipped notebooks 00-05 committed in a git repository of its own, and an
    empty data/sample/ (so it is a project root). A test may modify its notebooks as JupyterLab would."""
    if shutil.which("git") is None:
        pytest.skip("git is missing")
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "sample").mkdir(parents=True)
    for path in sorted(notebooks_dir().glob("0*.ipynb")):
        shutil.copy(path, root / "notebooks" / path.name)
    (root / ".gitignore").write_text((ROOT / ".gitignore").read_text())
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "the shipped notebooks")
    return root


def start_infoview(command: str, base: Path, *, cwd: Path = ROOT,
                   workbook: Path | None = None) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start `infoview lab` or `infoview app` as its user would, from `cwd`: in a shell with
    throw-away Jupyter settings and no INFOVIEW_WORKBOOK (the command alone must hand the workbook
    to the kernels), on a free port of 127.0.0.1, in its own process group. Return the process, the
    URL it printed (with its token) and its log, ``base/<command>.log``. Stop it with :func:`stop_server`."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("INFOVIEW_WORKBOOK", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
                 "IPYTHONDIR"):
        (base / name.lower()).mkdir(parents=True, exist_ok=True)
        env[name] = str(base / name.lower())
    labconfig = base / "jupyter_config_dir" / "labconfig"
    labconfig.mkdir(exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    port = _free_port()
    log = base / f"{command}.log"
    argv = [sys.executable, "-m", "infoview_kit.cli", command, "--port", str(port), "--no-browser"]
    if workbook is not None:
        argv += ["--workbook", str(workbook)]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        pattern = re.compile(rf"(http://127\.0\.0\.1:{port}/\S+token=\S+)")
        while not (found := pattern.search(log.read_text())) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert found, log.read_text()
        ready = (f"http://127.0.0.1:{port}/voila/static/voila.js" if command == "app" else  # never a Voila page
                 f"http://127.0.0.1:{port}/api/status?token={found.group(1).rsplit('token=', 1)[1]}")
        wait_for_server(proc, ready, log, f"infoview {command}", timeout=90)
    except BaseException:
        stop_server(proc)
        raise
    return proc, found.group(1), log

