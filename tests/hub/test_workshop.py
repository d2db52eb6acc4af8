"""A workshop on a real JupyterHub: a coach and three participants, end to end.

The hub runs docs/jupyterhub_config.py (tests/hub/hub.py adds only the test-only overrides). The
coach writes the profile template; each participant gets the notebooks through the nbgitpuller link
(from a file:// clone of this repository's HEAD), runs `infoview init --profile` with the coach's
template, imports a small export, runs notebooks 01-05 headless in their own server and hands in
`infoview share-progress` to the hand-in folder; the coach's server runs `infoview cohort-report`
over it. Participant `ana` does her part in JupyterLab in Chromium as well: she logs in through the
hub's form, opens the workshop link and runs the notebooks she pulled (screenshots in
test-artifacts/hub_*.png). Every command runs in the user's own server, from their home, through a
kernel of that server (tests/hub/hub.py: UserServer.shell), as typed in a terminal there. The
commands are docs/workshop.md's, word for word (a test below holds them equal).
"""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..conftest import ROOT, need_browser, run_all_cells
from .conftest import BRANCH
from .hub import PASSWORD, Hub, UserServer

pytestmark = [pytest.mark.slow]

HANDIN = "/srv/hand-in"  # the shared hand-in folder of docs/workshop.md; a temp folder here
COACH = ["infoview init --print-template > ~/cohort-profile.yaml",
         "cd ~/infoview_kit && infoview cohort-report /srv/hand-in --out ~/cohort-report --quiet"]
PARTICIPANT = ["cd ~/infoview_kit && infoview init --profile ~/cohort-profile.yaml",
               "cd ~/infoview_kit && infoview import ~/Connections.csv",
               "cd ~/infoview_kit && infoview run --workbook ~/infoview/workbook.sqlite --quiet",
               "infoview share-progress --alias ALIAS --out /srv/hand-in/progress-ALIAS.json"]
SHARED = {"status": "graduate", "target_industry": "clinical research", "country": "US",
          "timezone": "America/Chicago"}  # what the coach fills in for the whole group
# invented people: each participant's own details and their contacts' companies must stay in their home
PEOPLE = {
    "ana": {"name": "Ana Ferreira", "email": "ana.ferreira@example.org",
            "contacts": [("Jonah", "Pike", "Harbor Health Research"), ("Omar", "Haddad", "Lakeview Trials")]},
    "ben": {"name": "Benedikt Sauer", "email": "b.sauer@example.net",
            "contacts": [("Lena", "Vogt", "Quarry Bioscience"), ("Rosa", "Lind", "Tidewater Clinics")]},
    "chloe": {"name": "Chloé Martin", "email": "chloe.m@example.com",
              "contacts": [("Eli", "Park", "Northgate Trials"), ("Dana", "Cole", "Saltmarsh Labs")]},
}


def _fill(template: str, fields: dict) -> str:
    """The template with `fields` filled in, as a person types them after the colons (comments kept)."""
    for key, value in fields.items():
        typed = f"{key}: {json.dumps(value, ensure_ascii=False)} "
        template, n = re.subn(rf"^{key}:[ \t]*(\[\])?", lambda _, typed=typed: typed, template, flags=re.M)
        assert n == 1, key
    return template


def _export(person: dict) -> str:
    rows = [f"{first},{last},https://www.linkedin.com/in/{first.lower()}-demo,,{company},Clinical Research "
            f"Associate,02 Oct 2026" for first, last, company in person["contacts"]]
    return "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + "\n".join(rows) + "\n"


def _private(person: dict) -> list[str]:
    return [person["name"], person["email"], *[f"{f} {lst}" for f, lst, _ in person["contacts"]],
            *[c for _, _, c in person["contacts"]]]


def _participant(server: UserServer, template: str, repo: str, handin: Path, *, pulled: bool = False) -> str:
    """One participant's part, in their own server: pull, init from the coach's template, import, run 01-05,
    hand in. Returns the output of `infoview run`."""
    person = PEOPLE[server.name]
    if not pulled:
        server.git_pull(repo, BRANCH)
    server.put_file("cohort-profile.yaml", _fill(template, {"name": person["name"], "email": person["email"],
                                                            "target_roles": ["Clinical Research Coordinator"]}))
    server.put_file("Connections.csv", _export(person))
    out = [server.shell(cmd.replace(HANDIN, str(handin)).replace("ALIAS", server.name)) for cmd in PARTICIPANT]
    assert f"{len(person['contacts'])} added" in out[1], out[1]
    assert "report written" in out[2], out[2]
    return out[2]


def _browser_pull(page, hub: Hub, repo: str, shots: Path) -> None:
    """Ana logs in through the hub's form and opens the workshop link: nbgitpuller clones the notebooks and
    JupyterLab opens the start page from the pulled folder."""
    from playwright.sync_api import expect

    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", "ana")
    page.fill("#password_input", PASSWORD)
    page.screenshot(path=str(shots / "hub_01_login.png"))
    page.click("#login_submit")
    page.wait_for_url(re.compile(r"/user/ana/"))
    link = (f"{hub.url}/hub/user-redirect/git-pull?" + urllib.parse.urlencode(
        {"repo": repo, "branch": BRANCH, "urlpath": "lab/tree/infoview_kit/notebooks/00_start_here.ipynb"}))
    page.goto(link)
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")).to_be_visible()
    assert "/user/ana/lab/tree/infoview_kit/notebooks/00_start_here.ipynb" in page.url
    page.screenshot(path=str(shots / "hub_02_pulled_start_page.png"))


def _browser_run(page, hub: Hub, shots: Path) -> None:
    """Ana runs notebook 05 from the pulled folder in JupyterLab: her board and charts, from her workbook."""
    from playwright.sync_api import expect

    run_all_cells(page, f"{hub.url}/user/ana/lab/tree/infoview_kit/notebooks/05_follow_up_progress.ipynb")
    board = page.locator(".infoview-board").first
    expect(board).to_be_visible()
    board.scroll_into_view_if_needed()
    expect(board).to_be_in_viewport()  # JupyterLab draws the cells it scrolled to a moment later
    page.screenshot(path=str(shots / "hub_03_notebook_05_board.png"))
    assert "Traceback" not in page.inner_text(".jp-NotebookPanel:not(.lm-mod-hidden)")


def _assert_private(hub: Hub, handin: Path, report: Path) -> None:
    homes = hub.folder / "home"
    files = [p.relative_to(homes) for p in homes.rglob("*.sqlite*")  # workbooks, their backups, WAL files
             if ".ipython" not in p.parts]  # (IPython's own history of each kernel)
    assert files and all(f.parts[0] in PEOPLE and f.parts[1] == "infoview" for f in files), files
    for name, person in PEOPLE.items():
        path = homes / name / "infoview" / "workbook.sqlite"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            dump = "\n".join(db.iterdump())
        assert person["email"] in dump and person["contacts"][0][2] in dump, "her own workbook holds her data"
        others = [s for n, p in PEOPLE.items() if n != name for s in _private(p)]
        assert not [s for s in others if s in dump], f"{name}'s workbook holds another participant's data"
    shared = [p for p in [*handin.rglob("*"), *report.rglob("*")] if p.is_file()]
    assert len(shared) > 3
    for path in shared:
        text = path.read_bytes().decode("utf-8", errors="replace").lower()
        leaked = [s for p in PEOPLE.values() for s in _private(p) if s.lower() in text]
        assert not leaked, f"{path} names {leaked}"


@pytest.mark.browser
def test_a_workshop_of_three_on_a_real_hub(hub, repo_clone, page, artifacts, tmp_path):
    need_browser()
    started = time.monotonic()
    handin = tmp_path / "hand-in"
    handin.mkdir()
    hub.add_users("coach", *PEOPLE)
    labconfig = hub.folder / "home" / "ana" / ".jupyter" / "labconfig"  # no announcements pop-up in her Lab
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    ready = hub.spawn("coach", *PEOPLE)
    print(f"\n{time.monotonic() - started:.1f} s: ready {ready}")
    coach = hub.user("coach")
    coach.git_pull(repo_clone, BRANCH)
    coach.shell(COACH[0])
    template = _fill(coach.get_file("cohort-profile.yaml"), SHARED)
    coach.put_file("cohort-profile.yaml", template)  # the coach hands this file out

    _browser_pull(page, hub, repo_clone, artifacts)
    print(f"{time.monotonic() - started:.1f} s: pulled in the browser")
    with ThreadPoolExecutor(3) as pool:
        runs = {name: pool.submit(_participant, hub.user(name), template, repo_clone, handin, pulled=name == "ana")
                for name in PEOPLE}
        outputs = {name: run.result() for name, run in runs.items()}
    print(f"{time.monotonic() - started:.1f} s: participants done")
    _browser_run(page, hub, artifacts)
    print(f"{time.monotonic() - started:.1f} s: 05 run in the browser")

    out = coach.shell(COACH[1].replace(HANDIN, str(handin)))
    assert "cohort report written" in out and not re.search(r"^warning: ", out, re.M), out  # no file left out
    report = hub.folder / "home" / "coach" / "cohort-report"
    assert sorted(p.name for p in handin.iterdir()) == [f"progress-{n}.json" for n in sorted(PEOPLE)]
    participants = (report / "files" / "cohort-data" / "participants.csv").read_text()
    assert sorted(re.findall(r"^(ana|ben|chloe),", participants, re.M)) == sorted(PEOPLE), participants
    _assert_private(hub, handin, report)
    print(f"\nhub workshop: servers ready in {max(ready.values()):.1f} s; runs {list(outputs.values())}; "
          f"whole test {time.monotonic() - started:.1f} s")


def test_workshop_md_holds_the_commands_the_test_ran():
    guide = (ROOT / "docs" / "workshop.md").read_text()
    for command in [*COACH, *PARTICIPANT]:
        assert command.replace("ALIAS", "sam") in guide, command
