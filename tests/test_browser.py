"""Real browser: notebook 01 in JupyterLab 4, driven in Debian's headless Chromium by Playwright.

Skipped with a visible reason where Chromium is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from infoview_kit.report import notebooks_dir
from infoview_kit.store import Workbook

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
NOTEBOOK = "01_find_contacts.ipynb"


def _need_browser():
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
def lab(demo_path, tmp_path):
    """JupyterLab on 127.0.0.1 with a copy of notebook 01 and INFOVIEW_WORKBOOK on a demo copy."""
    _need_browser()
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(notebooks_dir() / NOTEBOOK, root / NOTEBOOK)  # Lab autosaves: never the original
    env = dict(os.environ, INFOVIEW_WORKBOOK=str(demo_path), PYTHONUNBUFFERED="1")
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        (tmp_path / name.lower()).mkdir()
        env[name] = str(tmp_path / name.lower())
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
    log = tmp_path / "lab.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start:\n" + log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield url, token
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture
def page(tmp_path):
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.route("**/*", lambda route: route.continue_()
                 if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                 else route.abort())
        try:
            yield pg
        finally:
            pg.screenshot(path=str(_artifacts(tmp_path) / "browser_last_page.png"))  # evidence, pass or fail
            browser.close()


def _artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_notebook_01_runs_in_jupyterlab_and_the_contact_form_writes_the_workbook(lab, page, demo_path, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # JupyterLab under a loaded 2-core machine is slow to start
    url, token = lab
    with Workbook.open(demo_path) as wb:
        before = len(wb.contacts())
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}&reset")
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")).to_be_visible()
    idle = re.compile(r"\(ipykernel\) \| Idle")
    expect(page.locator(".jp-StatusBar-TextItem", has_text=idle)).to_be_visible()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    expect(page.locator(".jp-CodeCell .jp-InputPrompt").last).to_have_text(re.compile(r"^\[\d+\]:$"))
    expect(page.locator(".jp-StatusBar-TextItem", has_text=idle)).to_be_visible()
    # no cell raised
    expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                        has_text="Traceback")).to_have_count(0)

    inputs = page.locator(".jp-OutputArea .widget-text input")
    expect(inputs.first).to_be_visible()
    inputs.nth(0).fill("Playwright")
    inputs.nth(1).fill("Tester <b>bold</b>")
    inputs.nth(2).fill("Example Browsers Ltd")
    page.locator(".jp-OutputArea button.widget-button", has_text="Add contact").click()
    status = page.locator(".jp-OutputArea .widget-html", has_text="Saved Playwright")
    expect(status).to_contain_text("Tester <b>bold</b>")  # shown as text: escaped, not markup
    page.screenshot(path=str(_artifacts(tmp_path) / "browser_01_contact_form.png"), full_page=False)

    with Workbook.open(demo_path) as wb:
        people = wb.contacts()
        assert len(people) == before + 1
        added = people[people["first_name"] == "Playwright"].iloc[0]
        assert (added["last_name"], added["company"]) == ("Tester <b>bold</b>", "Example Browsers Ltd")
        assert added["how_known"] == "friend of a friend"
