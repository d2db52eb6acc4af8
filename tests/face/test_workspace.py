"""Private working copies of the notebooks: made beside the workbook, refreshed from the shipped ones without
losing what the person added, found by the notebooks on their own, opened by `infoview lab`."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from infoview_kit import notebook_merge as nm
from infoview_kit import workspace as ws
from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import WORKSPACE_MANIFEST, default_workbook, resolve_workbook
from infoview_kit.reports.run import notebooks_dir

from ..conftest import start_infoview, stop_server

STEPS = [f"{n}.ipynb" for n in ("00_start_here", "01_find_contacts", "02_research", "03_draft_emails",
                                 "04_log_interviews", "05_follow_up_progress")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _read(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])
    return nb


def _cell(ident: str, source: str, kind: str = "code", *, tags: list[str] | None = None,
          outputs: list | None = None) -> dict:
    cell = {"cell_type": kind, "id": ident, "metadata": {"tags": tags} if tags else {}, "source": source}
    if kind == "code":
        cell |= {"outputs": outputs or [], "execution_count": 1 if outputs else None}
    return cell


def _nb(*cells: dict) -> dict:
    return {"cells": [json.loads(json.dumps(c)) for c in cells], "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def _params(*lines: str) -> dict:
    return _cell("p", "\n".join(lines), tags=["parameters"])


OUT = [{"output_type": "stream", "name": "stdout", "text": "Jamie Rivers, 3 meetings\n"}]
V1 = _nb(_cell("t", "# 01 · Title", "markdown"),
         _params('workbook = ""  # your workbook', 'contact = ""  # whom', 'rules = "classic"  # how strict',
                 "old = 1  # goes in v2"),
         _cell("a", "wb = open(workbook)"),
         _cell("b", "show(wb)"),
         _cell("c", "chart(wb)"),
         _cell("z", "## Next steps", "markdown"))


def _base(nb: dict) -> dict:
    return {"cells": {c["id"]: nm.cell_hash(c) for c in nb["cells"]}, "parameters": nm.parameter_defaults(nb)}


def _ids(nb: dict) -> list[str]:
    return [c["id"] for c in nb["cells"]]


def _by_id(nb: dict) -> dict[str, dict]:
    return {c["id"]: c for c in nb["cells"]}


# ---------------------------------------------------------------- the refresh rules, one by one
def test_an_unchanged_shipped_notebook_gives_back_the_copy_as_it_is():
    mine = json.loads(json.dumps(V1))
    mine["cells"][2]["outputs"] = OUT
    mine["cells"].insert(3, _cell("u1", "my_own(wb)"))
    merged, update = nm.merge_notebook(mine, V1, _base(V1))
    assert merged["cells"] == mine["cells"]
    assert update.kept_cells == 1 and update.kept_edits == []


def test_cells_you_added_stay_after_the_cell_they_followed():
    v2 = _nb(*V1["cells"][:3], _cell("n", "new_step(wb)"), *V1["cells"][3:])
    v2["cells"][3 + 1]["source"] = "show(wb, fresh=True)"  # b changed
    v2["cells"] = [c for c in v2["cells"] if c["id"] != "c"]  # c removed
    mine = _nb(_cell("u0", "# my notes at the top", "markdown"), *V1["cells"][:3], _cell("u1", "x = 1"),
               _cell("u2", "x + 1"), V1["cells"][3], V1["cells"][4], _cell("u3", "after c"), V1["cells"][5],
               _cell("u4", "the very end"))
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    assert _ids(merged) == ["u0", "t", "p", "a", "u1", "u2", "n", "b", "u3", "z", "u4"]
    assert update.kept_cells == 5 and update.kept_edits == []
    assert _by_id(merged)["b"]["source"] == "show(wb, fresh=True)"


def test_a_cell_you_did_not_edit_becomes_its_new_version_and_only_replaced_cells_lose_outputs():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["b"]["source"] = "show(wb, fresh=True)"
    mine = json.loads(json.dumps(V1))
    for ident in ("a", "b"):
        _by_id(mine)[ident]["outputs"] = OUT
    merged, _ = nm.merge_notebook(mine, v2, _base(V1))
    cells = _by_id(merged)
    assert cells["a"]["outputs"] == OUT, "a did not change: its outputs stay"
    assert cells["b"]["outputs"] == [] and cells["b"]["source"] == "show(wb, fresh=True)"


def test_your_edit_of_a_cell_that_did_not_change_is_kept_alone():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["c"]["source"] = "chart(wb, weeks=8)"
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["b"]["source"] = "show(wb, only='Jamie Rivers')"
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    assert _ids(merged) == _ids(V1)
    assert _by_id(merged)["b"]["source"] == "show(wb, only='Jamie Rivers')"
    assert update.kept_edits == ["b"]


def test_your_edit_of_a_cell_that_changed_too_is_kept_and_the_new_version_follows():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["b"]["source"] = "show(wb, fresh=True)"
    _by_id(v2)["z"]["source"] = "## Next steps\n\nOn to 02."
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["b"]["source"] = "show(wb, only='Jamie Rivers')"
    _by_id(mine)["b"]["outputs"] = OUT
    _by_id(mine)["z"]["source"] = "## Next steps\n\nMy own plan."
    mine["cells"].insert(4, _cell("u1", "after b"))
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    ids = _ids(merged)
    kept_b, kept_z = ids[3], ids[-2]
    assert ids == ["t", "p", "a", kept_b, "b", "u1", "c", kept_z, "z"]
    assert re.fullmatch(r"b-yours-[0-9a-f]{8}", kept_b) and kept_z.startswith("z-yours-")
    yours = _by_id(merged)[kept_b]
    assert yours["source"] == f"{nm.KEPT_NOTE}\nshow(wb, only='Jamie Rivers')" and yours["outputs"] == OUT
    assert yours["metadata"]["infoview"] == {"kept_edit_of": "b"}
    assert _by_id(merged)["b"]["source"] == "show(wb, fresh=True)"
    assert _by_id(merged)[kept_z]["source"] == "## Next steps\n\nMy own plan.", "no note inside markdown"
    assert update.kept_edits == ["b", "z"] and update.kept_cells == 1
    again, update = nm.merge_notebook(merged, v2, _base(v2))  # the next refresh: nothing doubles
    assert _ids(again) == ids and update.kept_edits == [] and update.kept_cells == 3


def test_a_cell_you_deleted_stays_deleted_unless_its_shipped_version_changed():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["c"]["source"] = "chart(wb, weeks=8)"
    v2["cells"].insert(2, _cell("n", "brand_new()"))
    mine = json.loads(json.dumps(V1))
    mine["cells"] = [c for c in mine["cells"] if c["id"] not in ("b", "c")]
    merged, _ = nm.merge_notebook(mine, v2, _base(V1))
    assert _ids(merged) == ["t", "p", "n", "a", "c", "z"]


def test_a_cell_the_new_version_removed_goes_unless_you_edited_it():
    v2 = json.loads(json.dumps(V1))
    v2["cells"] = [c for c in v2["cells"] if c["id"] not in ("b", "c")]
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["c"]["source"] = "chart(wb, mine=True)"
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    assert _ids(merged) == ["t", "p", "a", "c", "z"]
    assert _by_id(merged)["c"]["source"] == "chart(wb, mine=True)" and update.kept_edits == ["c"]


def test_the_new_parameters_cell_keeps_your_values_for_the_names_it_still_has():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["p"]["source"] = "\n".join([
        'workbook = ""  # your workbook; empty: the one this copy belongs to',
        'contact = ""  # whom to look at, "First Last"',
        'rules = "strict"  # how strict (the default changed)',
        "horizon = 7  # new in v2"])
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["p"]["source"] = "\n".join([
        'workbook = "/home/jamie/private/workbook.sqlite"  # your workbook',
        'contact = "Jamie Rivers"  # whom',
        'rules = "classic"  # how strict',  # as shipped: takes the new default
        "old = 2  # goes in v2",
        "mine = 'kept'  # a name I added"])
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    params = _by_id(merged)["p"]
    assert params["metadata"]["tags"] == ["parameters"]
    assert params["source"] == "\n".join([
        'workbook = "/home/jamie/private/workbook.sqlite"  # your workbook; empty: the one this copy belongs to',
        'contact = "Jamie Rivers"  # whom to look at, "First Last"',
        'rules = "strict"  # how strict (the default changed)',
        "horizon = 7  # new in v2",
        "mine = 'kept'"])
    assert update.kept_parameters == ["workbook", "contact", "mine"]
    assert update.dropped_parameters == ["old"]
    assert "no longer a parameter: old" in str(update)


def test_a_parameters_cell_that_does_not_parse_loses_nothing_readable_and_keeps_the_rest_as_a_comment():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["p"]["source"] += "\nhorizon = 7  # new"
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["p"]["source"] = 'workbook = ""  # your workbook\ncontact = "Jamie Rivers"  # whom\nrules = "cl'
    merged, update = nm.merge_notebook(mine, v2, _base(V1))
    source = _by_id(merged)["p"]["source"]
    assert 'contact = "Jamie Rivers"  # whom' in source and 'rules = "classic"' in source
    assert source.endswith('# from your copy, could not be read: rules = "cl')
    assert update.kept_parameters == ["contact"]


def test_without_a_record_of_the_old_version_nothing_you_wrote_is_lost():
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["b"]["source"] = "show(wb, fresh=True)"
    mine = json.loads(json.dumps(V1))
    _by_id(mine)["a"]["source"] = "wb = open(workbook, mine=True)"
    _by_id(mine)["p"]["source"] = _by_id(mine)["p"]["source"].replace('contact = ""', 'contact = "Jamie Rivers"')
    merged, update = nm.merge_notebook(mine, v2, None)
    sources = [c["source"] for c in merged["cells"]]
    assert f"{nm.KEPT_NOTE}\nwb = open(workbook, mine=True)" in sources and "wb = open(workbook)" in sources
    assert "show(wb, fresh=True)" in sources and "show(wb)" not in sources  # b was as shipped now: replaced
    assert 'contact = "Jamie Rivers"  # whom' in _by_id(merged)["p"]["source"]


# ---------------------------------------------------------------- the workspace on disk
def test_init_makes_private_copies_of_every_shipped_notebook_and_a_manifest(tmp_path):
    workbook = tmp_path / "private" / "workbook.sqlite"
    space = ws.prepare_workspace(workbook)
    folder = tmp_path / "private" / "notebooks"
    assert space.folder == folder and space.workbook == workbook.resolve()
    assert _mode(folder) == 0o700
    assert sorted(p.name for p in folder.glob("*.ipynb")) == STEPS, "00-05, not the coach's"
    for name in STEPS:
        assert _mode(folder / name) == 0o600
        assert (folder / name).read_bytes() == (notebooks_dir() / name).read_bytes(), "a true copy"
    manifest = json.loads((folder / WORKSPACE_MANIFEST).read_text())
    assert _mode(folder / WORKSPACE_MANIFEST) == 0o600
    assert manifest["workbook"] == "../workbook.sqlite"
    shipped = ws.shipped_notebooks()
    for name in STEPS:
        entry = manifest["notebooks"][name]
        assert entry["shipped"] == nm.notebook_hash(shipped[name])
        assert entry["parameters"]["workbook"] == '""'
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert [u.action for u in space.notebooks] == ["created"] * 6
    assert space.summary() == f"Your notebooks: private copies in {folder} (readable by you only, never committed)"


@pytest.mark.parametrize("workbook, folder", [
    ("private/workbook.sqlite", "private/notebooks"), ("private/alex.sqlite", "private/alex.notebooks"),
    ("project/workbook.sqlite", "project/workbook.notebooks")])  # a project's notebooks/ are the shipped ones
def test_where_the_workspace_goes(tmp_path, workbook, folder):
    (tmp_path / "project" / "notebooks").mkdir(parents=True)
    (tmp_path / "project" / "data" / "sample").mkdir(parents=True)
    assert ws.workspace_dir(tmp_path / workbook) == tmp_path / folder


def test_refreshing_an_up_to_date_workspace_changes_nothing(tmp_path):
    workbook = tmp_path / "workbook.sqlite"
    folder = ws.prepare_workspace(workbook).folder
    copy = folder / "01_find_contacts.ipynb"
    nb = json.loads(copy.read_text())
    nb["cells"][1]["source"] = ['workbook = ""\n', 'contact = "Jamie Rivers"\n']
    nb["cells"][2]["outputs"] = OUT
    copy.write_text(json.dumps(nb))
    before = copy.read_bytes()
    os.chmod(folder, 0o755)
    space = ws.prepare_workspace(workbook)
    assert copy.read_bytes() == before
    assert {u.action for u in space.notebooks} == {"unchanged"} and space.summary().endswith("up to date")
    assert _mode(folder) == 0o700, "made private again"


def _ship(source: Path, nb: dict, name: str = "01_step.ipynb") -> None:
    source.mkdir(parents=True, exist_ok=True)
    (source / name).write_text(json.dumps(nb))


def test_a_new_shipped_version_reaches_the_copy_and_your_work_stays(tmp_path):
    """The whole round on disk: copy v1, work in it as JupyterLab saves, ship v2, refresh."""
    source, workbook = tmp_path / "shipped", tmp_path / "me" / "workbook.sqlite"
    _ship(source, V1)
    folder = ws.prepare_workspace(workbook, source=source).folder
    copy = folder / "01_step.ipynb"
    mine = _read(copy)
    _by_id(mine)["p"]["source"] = _by_id(mine)["p"]["source"].replace('contact = ""', 'contact = "Jamie Rivers"')
    _by_id(mine)["a"]["outputs"] = OUT
    mine["cells"].insert(3, _cell("u1", "my_table(wb)", outputs=OUT))
    copy.write_text(json.dumps(mine, indent=1))
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["b"]["source"] = "show(wb, fresh=True)"
    _ship(source, v2)
    space = ws.prepare_workspace(workbook, source=source)
    [update] = space.notebooks
    assert update.action == "updated" and update.kept_cells == 1 and update.kept_parameters == ["contact"]
    assert "01_step.ipynb: updated; kept 1 cell you added; kept your contact" in space.summary()
    now = _read(copy)
    assert _ids(now) == ["t", "p", "a", "u1", "b", "c", "z"]
    assert 'contact = "Jamie Rivers"' in _by_id(now)["p"]["source"]
    assert _by_id(now)["a"]["outputs"] == OUT and _by_id(now)["u1"]["outputs"] == OUT
    assert _by_id(now)["b"]["source"] == "show(wb, fresh=True)"
    assert _mode(copy) == 0o600
    manifest = ws.read_manifest(folder)
    assert manifest["notebooks"]["01_step.ipynb"]["shipped"] == nm.notebook_hash(v2)
    assert [u.action for u in ws.prepare_workspace(workbook, source=source).notebooks] == ["unchanged"]


def test_a_missing_copy_is_made_again_and_an_unreadable_one_set_aside(tmp_path):
    source, workbook = tmp_path / "shipped", tmp_path / "workbook.sqlite"
    _ship(source, V1)
    _ship(source, V1, "02_other.ipynb")
    folder = ws.prepare_workspace(workbook, source=source).folder
    (folder / "01_step.ipynb").unlink()
    (folder / "02_other.ipynb").write_text("{ half a notebook")
    v2 = json.loads(json.dumps(V1))
    _by_id(v2)["b"]["source"] = "show(wb, fresh=True)"
    _ship(source, v2, "02_other.ipynb")
    updates = {u.name: u for u in ws.prepare_workspace(workbook, source=source).notebooks}
    assert updates["01_step.ipynb"].action == "created" and (folder / "01_step.ipynb").exists()
    aside = updates["02_other.ipynb"].set_aside
    assert updates["02_other.ipynb"].action == "recreated" and aside is not None
    assert aside.read_text() == "{ half a notebook" and _read(folder / "02_other.ipynb")["cells"] == v2["cells"]


def test_a_notebook_no_longer_shipped_leaves_its_copy_alone(tmp_path):
    source, workbook = tmp_path / "shipped", tmp_path / "workbook.sqlite"
    _ship(source, V1)
    _ship(source, V1, "02_other.ipynb")
    folder = ws.prepare_workspace(workbook, source=source).folder
    (source / "02_other.ipynb").unlink()
    updates = ws.prepare_workspace(workbook, source=source).notebooks
    assert [(u.name, u.action) for u in updates] == [("01_step.ipynb", "unchanged"), ("02_other.ipynb", "not shipped")]
    assert (folder / "02_other.ipynb").exists() and "02_other.ipynb" not in ws.read_manifest(folder)["notebooks"]


def test_the_shipped_folder_and_another_workbooks_workspace_are_refused(tmp_path):
    with pytest.raises(InputFormatError, match="holds the shipped notebooks"):
        ws.prepare_workspace(tmp_path / "workbook.sqlite", folder=notebooks_dir())
    folder = ws.prepare_workspace(tmp_path / "a" / "workbook.sqlite", folder=tmp_path / "shared").folder
    with pytest.raises(InputFormatError, match="another workbook"):
        ws.prepare_workspace(tmp_path / "b" / "workbook.sqlite", folder=folder)
    with pytest.raises(NotFoundError, match="no notebooks"):
        ws.prepare_workspace(tmp_path / "workbook.sqlite", source=tmp_path / "empty")


# ---------------------------------------------------------------- "shipped" means as committed
def test_shipped_means_as_committed_not_as_jupyterlab_autosaved(git_project, caplog):
    tracked = git_project / "notebooks" / "02_research.ipynb"
    committed = tracked.read_bytes()
    nb = json.loads(committed)
    nb["cells"][1]["source"] = ['workbook = "/home/jamie/private/workbook.sqlite"\n', 'contact = "Jamie Rivers"\n']
    nb["cells"][2]["outputs"] = OUT
    nb["cells"].append(_cell("mine", "Jamie Rivers said yes", "markdown"))
    tracked.write_text(json.dumps(nb))
    shipped = ws.shipped_notebooks(git_project / "notebooks")
    assert list(shipped) == STEPS
    assert "Jamie Rivers" not in json.dumps(shipped)
    assert [c["source"] for c in shipped["02_research.ipynb"]["cells"]] == [
        "".join(c["source"]) for c in json.loads(committed)["cells"]]
    assert "02_research.ipynb has changes that are not committed" in caplog.text
    shutil.rmtree(git_project / ".git")  # not a git checkout: the files as they are, outputs stripped
    loose = ws.shipped_notebooks(git_project / "notebooks")["02_research.ipynb"]
    assert "Jamie Rivers" in json.dumps(loose) and all(not c.get("outputs") for c in loose["cells"])


# ---------------------------------------------------------------- the copies find their workbook
def test_an_empty_workbook_parameter_in_a_copy_means_the_workspaces_workbook(tmp_path, monkeypatch):
    workbook = tmp_path / "me" / "alex.sqlite"
    folder = ws.prepare_workspace(workbook).folder
    assert folder == tmp_path / "me" / "alex.notebooks"
    monkeypatch.setenv("INFOVIEW_WORKBOOK", str(tmp_path / "someone-else.sqlite"))
    monkeypatch.chdir(folder)  # where JupyterLab starts a copy's kernel
    assert default_workbook() == workbook.resolve() == resolve_workbook("")
    assert "your private copies" in ws.where_this_runs()
    monkeypatch.chdir(tmp_path)
    assert default_workbook() == tmp_path / "someone-else.sqlite"
    assert "copy of the shipped notebooks" in ws.where_this_runs()
    assert "infoview lab" in ws.where_this_runs(notebooks_dir())


@pytest.mark.slow
def test_a_copy_run_as_plain_jupyter_would_uses_its_workbook(tmp_path, monkeypatch):
    """No INFOVIEW_WORKBOOK, an empty parameter: the kernel's folder (the copy's, as JupyterLab starts it) is enough."""
    import papermill as pm

    from infoview_kit.workbook import Workbook

    workbook = tmp_path / "me" / "workbook.sqlite"
    Workbook.open(workbook).close()
    folder = ws.prepare_workspace(workbook).folder
    monkeypatch.delenv("INFOVIEW_WORKBOOK")
    out = tmp_path / "ran.ipynb"
    pm.execute_notebook(folder / "00_start_here.ipynb", out, cwd=folder, progress_bar=False)
    text = out.read_text()
    assert f"Your workbook: {workbook.resolve()}" in text and "your private copies" in text


# ---------------------------------------------------------------- infoview lab, for real
def _start_lab(workbook: Path, base: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """Start `infoview lab --no-browser` as a person would; return the process, the URL it printed and its token."""
    proc, url, _log = start_infoview("lab", base, workbook=workbook)
    assert "/lab/tree/00_start_here.ipynb?token=" in url
    return proc, url, url.rsplit("token=", 1)[1]


@pytest.mark.slow
def test_infoview_lab_opens_jupyterlab_on_the_workspace(tmp_path, demo_path):
    proc, url, token = _start_lab(demo_path, tmp_path / "lab")
    try:
        api = url.split("/lab/")[0] + "/api/contents"
        assert (tmp_path / "lab" / "lab.log").read_text().count(
            f"Your notebooks: private copies in {demo_path.parent / 'notebooks'}") == 1
        with urllib.request.urlopen(f"{api}?token={token}", timeout=10) as r:
            listing = json.load(r)
        assert sorted(item["name"] for item in listing["content"]) == STEPS
        with urllib.request.urlopen(f"{api}/01_find_contacts.ipynb?token={token}", timeout=10) as r:
            assert json.load(r)["content"]["cells"][0]["source"].startswith("# 01 · Find contacts")
        with pytest.raises(urllib.error.HTTPError):  # no token: not let in
            urllib.request.urlopen(api, timeout=10)
    finally:
        stop_server(proc)
    assert proc.returncode is not None
    assert (demo_path.parent / "notebooks" / WORKSPACE_MANIFEST).exists()


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_00_in_infoview_lab_runs_on_the_workbook_and_saves_into_the_private_copy(tmp_path, demo_path, page,
                                                                                       artifacts):
    from playwright.sync_api import expect

    from ..conftest import run_all_cells

    shipped = {name: (notebooks_dir() / name).read_bytes() for name in STEPS}
    proc, url, _ = _start_lab(demo_path, tmp_path / "lab")
    copy = demo_path.parent / "notebooks" / "00_start_here.ipynb"
    try:
        run_all_cells(page, url + "&reset")
        out = page.locator(".jp-OutputArea")
        where = out.get_by_text("These are your private copies of the notebooks")
        expect(where).to_be_visible()
        expect(out.get_by_text(f"Your workbook: {demo_path.resolve()}")).to_be_visible()
        where.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "lab_workspace_00_start_here.png"))
        save = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) [data-command='docmanager:save']").first
        for _ in range(3):  # as autosave would; a click while Lab is busy is sometimes not taken
            save.click()
            deadline = time.monotonic() + 10
            while "These are your private copies" not in copy.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
            if "These are your private copies" in copy.read_text():
                break
    finally:
        stop_server(proc)
    assert "These are your private copies" in copy.read_text(), "JupyterLab saved the outputs in the copy"
    assert {name: (notebooks_dir() / name).read_bytes() for name in STEPS} == shipped, "the shipped ones untouched"


def test_infoview_lab_refuses_a_missing_workbook_before_making_anything(tmp_path, capsys):
    from infoview_kit.cli import main

    missing = tmp_path / "nobody" / "workbook.sqlite"
    assert main(["lab", "--workbook", str(missing), "--no-browser"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and "infoview init" in err[0]
    assert not (tmp_path / "nobody").exists()
