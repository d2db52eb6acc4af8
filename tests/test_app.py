"""The no-code view: `infoview app` serves the notebooks with Voila on 127.0.0.1, code hidden, widgets saving
to the workbook. One real-browser scenario (Debian's Chromium, Playwright) and the cheap checks around it."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from infoview_kit.app import plan_app
from infoview_kit.cli import main
from infoview_kit.exceptions import InputFormatError, NotFoundError, PortInUseError
from infoview_kit.store import Workbook

from .conftest import ROOT, _free_port, need_browser, stop_server, wait_for_server


def test_the_plan_serves_the_notebooks_folder_on_localhost_with_a_token_and_no_code(demo_path):
    plan = plan_app(demo_path, port=0)
    assert plan.root == ROOT / "notebooks" and plan.workbook == demo_path.resolve()
    assert "--Voila.ip=127.0.0.1" in plan.argv and f"--Voila.port={plan.port}" in plan.argv
    assert "--VoilaConfiguration.strip_sources=True" in plan.argv and "--Voila.open_browser=False" in plan.argv
    assert len(plan.token) >= 24 and f"--Voila.token={plan.token}" in plan.argv
    assert plan.url == f"http://127.0.0.1:{plan.port}/voila/render/00_start_here.ipynb?token={plan.token}"
    assert (plan.root / "00_start_here.ipynb").exists()


def test_a_missing_workbook_or_a_busy_port_exits_2_with_one_clear_line(tmp_path, demo_path, capsys):
    missing = tmp_path / "nobody.sqlite"
    assert main(["app", "--workbook", str(missing), "--no-browser"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and "infoview init" in err[0]
    assert not missing.exists()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is in use"):
            plan_app(demo_path, port=port)
        assert main(["app", "--workbook", str(demo_path), "--port", str(port), "--no-browser"]) == 2
    with pytest.raises(InputFormatError, match="between 1 and 65535"):
        plan_app(demo_path, port=70000)
    with pytest.raises(NotFoundError):
        plan_app(tmp_path / "gone.sqlite")


def _start_app(workbook: Path, base: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start `infoview app` as a participant would, in its own process group; return it, its URL, its log."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (base / name.lower()).mkdir(parents=True)
        env[name] = str(base / name.lower())
    env.pop("INFOVIEW_WORKBOOK", None)  # the command alone must hand the workbook to the kernels
    port = _free_port()
    log = base / "app.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "infoview_kit.cli", "app", "--workbook", str(workbook),
                                 "--port", str(port), "--no-browser"], cwd=ROOT, env=env, stdout=fh,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_server(proc, f"http://127.0.0.1:{port}/voila/static/voila.js", log, "infoview app", timeout=60)
    except RuntimeError:
        stop_server(proc)
        raise
    url = re.search(r"Open (http://127\.0\.0\.1:\d+/\S+)", log.read_text())
    assert url, log.read_text()
    return proc, url.group(1), log


@pytest.mark.browser
@pytest.mark.slow
def test_the_app_hides_code_and_its_forms_save_to_the_workbook(demo_path, tmp_path, page, artifacts):
    from playwright.sync_api import expect

    need_browser()
    with Workbook.open(demo_path) as wb:
        contacts_before = len(wb.contacts())
    proc, url, log = _start_app(demo_path, tmp_path / "app")
    try:
        port = int(url.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # no token: not let in, no kernel started
        conn.request("GET", "/voila/render/00_start_here.ipynb")
        assert conn.getresponse().status in (302, 403)
        conn.close()

        page.goto(url)
        expect(page.get_by_text("Start here").first).to_be_visible()
        check = page.locator("button.widget-button", has_text="Check forms")
        expect(check).to_be_visible()  # the kernel ran every cell and widgets rendered
        assert "import infoview_kit" not in page.content(), "code cells are hidden"
        expect(page.locator(".jp-CodeCell .jp-InputArea")).to_have_count(0)
        expect(page.locator(".jp-MarkdownCell").first).to_be_visible()  # the narrative stays
        expect(page.get_by_text(str(demo_path.resolve())).first).to_be_visible()  # the workbook the kernel uses
        check.click()
        expect(page.get_by_text("Forms work, and your workbook (workbook.sqlite) can be saved to.")).to_be_visible()

        form = page.locator(".widget-vbox").filter(has=page.get_by_text("Your profile", exact=True))
        form.locator(".widget-text", has_text="Your name").locator("input").fill("Voila Tester")
        zone = form.locator(".widget-text", has_text="Time zone").locator("input")
        zone.fill("Mars/Base")
        form.locator("button.widget-button", has_text="Save profile").click()
        expect(form.locator(".widget-html", has_text="IANA name")).to_be_visible()  # the store's error, shown
        zone.fill("Europe/Berlin")
        form.locator("button.widget-button", has_text="Save profile").click()
        expect(form.locator(".widget-html", has_text="Profile saved")).to_be_visible()
        page.screenshot(path=str(artifacts / "app_00_start_here.png"))

        # the notebook's own link leads to step 01, rendered the same way, saving to the same workbook
        page.get_by_role("link", name="Next: Find contacts →").first.click()
        add = page.locator(".widget-vbox").filter(has=page.get_by_text("Add a person you know", exact=True))
        expect(add.locator("button.widget-button", has_text="Add contact")).to_be_visible()
        add.locator(".widget-text", has_text="First name").locator("input").fill("Nocode")
        add.locator(".widget-text", has_text="Last name").locator("input").fill("Participant")
        add.locator("button.widget-button", has_text="Add contact").click()
        expect(add.locator(".widget-html", has_text="Saved Nocode Participant")).to_be_visible()
        page.screenshot(path=str(artifacts / "app_01_find_contacts.png"))
    finally:
        stop_server(proc)
    assert proc.returncode is not None
    with Workbook.open(demo_path, read_only=True) as wb:
        profile = wb.profile()
        assert (profile["name"], profile["timezone"]) == ("Voila Tester", "Europe/Berlin")
        assert profile["schools"] == ["Lakeside University"], "the rest of the profile is as it was"
        people = wb.contacts()
        assert len(people) == contacts_before + 1
        assert "Nocode" in set(people["first_name"])
