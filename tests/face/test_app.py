"""The no-code view: `infoview app` serves the notebooks with Voila on 127.0.0.1, code hidden, widgets saving
to the workbook. One real-browser scenario (Debian's Chromium, Playwright) and the cheap checks around it."""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from infoview_kit.app import plan_app, serve
from infoview_kit.base.errors import InputFormatError, NotFoundError, PortInUseError
from infoview_kit.cli import main
from infoview_kit.workbook import Workbook
from infoview_kit.workspace import shipped_notebooks

from ..conftest import ROOT, need_browser, start_infoview, stop_server

STEPS = ["00_start_here.ipynb", "01_find_contacts.ipynb", "02_research.ipynb", "03_draft_emails.ipynb",
         "04_log_interviews.ipynb", "05_follow_up_progress.ipynb"]


def test_the_plan_serves_a_private_copy_of_the_notebooks_on_localhost_with_a_token_and_no_code(demo_path):
    plan = plan_app(demo_path, port=0)
    try:
        assert plan.workbook == demo_path.resolve() and plan.temporary
        assert plan.root != ROOT / "notebooks" and plan.argv[0] == str(plan.root)
        assert stat.S_IMODE(plan.root.stat().st_mode) == 0o700
        assert sorted(p.name for p in plan.root.iterdir()) == STEPS, "00-05, not the coach's"
        shipped = shipped_notebooks()  # as committed (tests/face/test_workspace.py checks that)
        for name in STEPS:
            served = json.loads((plan.root / name).read_text())
            assert ["".join(c["source"]) for c in served["cells"]] == [c["source"] for c in shipped[name]["cells"]]
            assert not any(c.get("outputs") for c in served["cells"])
        assert "--Voila.ip=127.0.0.1" in plan.argv and f"--Voila.port={plan.port}" in plan.argv
        assert "--VoilaConfiguration.strip_sources=True" in plan.argv and "--Voila.open_browser=False" in plan.argv
        assert len(plan.token) >= 24 and f"--Voila.token={plan.token}" in plan.argv
        assert plan.url == f"http://127.0.0.1:{plan.port}/voila/render/00_start_here.ipynb?token={plan.token}"
    finally:
        plan.remove()
    assert not plan.root.exists()


def test_the_app_serves_the_shipped_notebooks_not_what_jupyterlab_autosaved(git_project, demo_path, tmp_path,
                                                                             monkeypatch):
    """A tracked notebook modified as JupyterLab's autosave leaves it (a path and a name in its parameters, a
    person's data in its outputs and in a cell of their own): the app's copy has none of it."""
    from infoview_kit.workspace import prepare_workspace

    tracked = git_project / "notebooks" / "04_log_interviews.ipynb"
    shipped = tracked.read_bytes()
    nb = json.loads(shipped)
    params = nb["cells"][1]
    assert "parameters" in params["metadata"]["tags"]
    params["source"] = ['workbook = "/home/jamie/private/workbook.sqlite"  # your workbook\n',
                        'meeting = "Tanya Brookes"  # whose meeting\n']
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Tanya Brookes, Cobalt\n"}]
    nb["cells"][2]["execution_count"] = 3
    nb["cells"].insert(3, {"cell_type": "markdown", "id": "mine", "metadata": {}, "source": "Tanya: call Tuesday"})
    tracked.write_text(json.dumps(nb))
    monkeypatch.chdir(git_project)
    space = prepare_workspace(demo_path)  # the person's own copies exist too: never served
    (space.folder / "04_log_interviews.ipynb").write_text(tracked.read_text())
    plan = plan_app(demo_path, root=tmp_path / "served")
    served = plan.root / "04_log_interviews.ipynb"
    assert plan.root == tmp_path / "served" and not plan.temporary
    assert served.read_bytes() == shipped
    for path in plan.root.iterdir():
        text = path.read_text()
        assert "Tanya" not in text and "jamie" not in text, path
    assert str(space.folder) not in plan.argv and str(git_project / "notebooks") not in plan.argv


def test_serve_hands_the_workbook_to_the_kernels_and_removes_its_copy_when_it_stops(demo_path, monkeypatch):
    from voila.app import Voila

    seen: dict[str, object] = {}

    def launch(argv):
        root = Path(argv[0])
        seen.update(root=root, files=sorted(p.name for p in root.iterdir()), env=os.environ["INFOVIEW_WORKBOOK"])

    monkeypatch.setattr(Voila, "launch_instance", launch)
    assert serve(demo_path, open_browser=False) == 0
    assert seen["files"] == STEPS and seen["env"] == str(demo_path.resolve())
    assert not Path(str(seen["root"])).exists(), "the copy goes when the app stops"


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
    return start_infoview("app", base, workbook=workbook)


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
        title = page.get_by_text("Add or edit a person you know", exact=True)
        add = page.locator(".widget-vbox").filter(has=title).last
        expect(add.locator("button.widget-button", has_text="Add contact")).to_be_visible()
        add.locator(".widget-text", has_text="First name").locator("input").fill("Nocode")
        add.locator(".widget-text", has_text="Last name").locator("input").fill("Participant")
        add.locator("button.widget-button", has_text="Add contact").click()
        expect(add.locator(".widget-html", has_text="Added Nocode Participant")).to_be_visible()
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
