"""Workshop deployment: docs/jupyterhub_config.py (loaded with a stand-in config object, JupyterHub not
installed), the Helm values and nbgitpuller links in docs/deploy.md, and Binder's environment.yml."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from infoview_kit.base.paths import default_workbook

from ..conftest import ROOT

CONFIG = ROOT / "docs" / "jupyterhub_config.py"
DEPLOY = ROOT / "docs" / "deploy.md"
CLONE = "infoview_kit"  # the folder nbgitpuller clones the repository into, in each participant's home


def _hub_config() -> Config:
    c = Config()
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), {"get_config": lambda: c})
    return c


def _repo_path(url_path: str) -> Path:
    """The file in this repository that a hub URL path such as /lab/tree/infoview_kit/notebooks/x opens."""
    path = url_path.split("?", 1)[0].lstrip("/")
    for prefix in ("lab/tree/", "voila/render/"):
        if path.startswith(prefix):
            path = path[len(prefix):]
    assert path.startswith(CLONE + "/"), url_path
    return ROOT / path[len(CLONE) + 1:]


def test_hub_config_puts_each_workbook_in_its_owners_home(monkeypatch, tmp_path):
    c = _hub_config()
    value = c.Spawner.environment["INFOVIEW_WORKBOOK"]
    assert value == "~/infoview/workbook.sqlite"
    # JupyterHub passes the value as is; the package expands ~ in the participant's own server
    home = tmp_path / "home" / "jupyter-sam"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("INFOVIEW_WORKBOOK", value)
    resolved = default_workbook()
    assert resolved == home / "infoview" / "workbook.sqlite"
    assert CLONE not in resolved.parts, "outside the folder nbgitpuller updates"


def test_hub_config_opens_the_start_page_binds_servers_to_localhost_and_keeps_admins_out():
    c = _hub_config()
    assert c.Spawner.default_url == f"/lab/tree/{CLONE}/notebooks/00_start_here.ipynb"
    assert _repo_path(c.Spawner.default_url).exists()
    assert c.Spawner.ip == "127.0.0.1"
    assert c.JupyterHub.admin_access is False
    assert c.Spawner.mem_limit == "1G"
    assert "bind_url" not in c.JupyterHub, "TLJH's proxy is the public face; a plain hub's bind_url is documented"
    assert 'bind_url = "http://127.0.0.1:8000"' in CONFIG.read_text()
    assert set(c) == {"Spawner", "JupyterHub"}, "nothing else is configured by surprise"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DEPLOY.read_text(), re.S)


def test_helm_values_in_deploy_md_match_the_hub_config():
    c = _hub_config()
    (values,) = [yaml.safe_load(b) for b in _blocks("yaml")]
    single = values["singleuser"]
    assert single["extraEnv"] == dict(c.Spawner.environment)
    assert single["defaultUrl"] == c.Spawner.default_url
    assert single["memory"]["limit"] == c.Spawner.mem_limit
    assert values["hub"]["config"]["JupyterHub"]["admin_access"] is False


@pytest.mark.parametrize(("app", "expected"), [("lab/tree", "00_start_here.ipynb?autodecode"),
                                               ("voila/render", "00_start_here.ipynb")])
def test_the_nbgitpuller_links_clone_this_repo_and_open_the_start_page(app, expected):
    links = re.findall(r"^https://\S+/hub/user-redirect/git-pull\?\S+$", DEPLOY.read_text(), re.M)
    assert len(links) == 2
    (link,) = [x for x in links if f"urlpath={urllib.parse.quote(app, safe='')}" in x]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["repo"] == ["https://github.com/OWNER/infoview_kit"] and query["branch"] == ["main"]
    (urlpath,) = query["urlpath"]
    assert urlpath == f"{app}/{CLONE}/notebooks/{expected}"
    assert _repo_path(urlpath).exists()


def test_binder_builds_the_root_environment_yml_which_installs_this_package():
    # repo2docker reads binder/ or .binder/ first when one exists: there is none, so it reads the root files
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    deps = env["dependencies"]
    assert "python>=3.11" in deps and "pip" in deps
    (pip,) = [d["pip"] for d in deps if isinstance(d, dict)]
    # a local requirement ("-e ."): repo2docker copies the whole repository before building the environment
    # and runs the install from the repository root, so no postBuild is needed (see README, Binder)
    assert "-e ." in pip
    assert not (ROOT / "postBuild").exists()
    assert {"voila>=0.5,<0.6", "pyyaml>=6"} <= set(pip)
