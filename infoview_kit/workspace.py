"""Your private working copies of the notebooks: a workspace beside your workbook, kept up to date.

JupyterLab saves a notebook as you work in it: the values you type into its parameters cell and
every output, names and notes from your workbook included. The shipped notebooks (``notebooks/``)
are tracked by git and the same for everyone, so nobody works in them: ``infoview init`` copies
them (00 to 05, not the coach's) into a folder beside the workbook (``data/private/notebooks/``
for ``data/private/workbook.sqlite``; ``<stem>.notebooks/`` for any other workbook), readable by
its owner only (folder 0700, files 0600) and ignored by git (a ``.gitignore`` of ``*`` inside).
``infoview lab`` opens JupyterLab there. The folder's manifest (``.infoview-workspace.json``)
names the workbook, relative to the folder, so an empty ``workbook`` parameter in a copy means
that workbook however JupyterLab was started (:func:`infoview_kit.base.paths.default_workbook`); and
for each copy, the shipped version it came from: a hash of the shipped notebook's cells, a hash
of each cell, and the parameters' default values.

"Shipped" means as committed: when the project is a git checkout, the notebooks are read from
``HEAD``, so a shipped notebook that JupyterLab autosaved with someone's data is never copied or
served (without git, the files as they are, outputs stripped).

Refreshing (automatic on ``infoview init`` and ``infoview lab``) follows the rules in
:mod:`infoview_kit.notebook_merge`.

A copy that cannot be read is set aside (renamed) and a fresh copy made; a copy whose notebook is
no longer shipped is left as it is. Each refresh reports what it did (:class:`NotebookUpdate`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import WORKSPACE_MANIFEST, project_root, resolve_workbook, workspace_workbook
from infoview_kit.notebook_merge import (
    Notebook,
    NotebookUpdate,
    cell_hash,
    merge_notebook,
    notebook_hash,
    parameter_defaults,
    text_of,
)

log = logging.getLogger("infoview_kit")

#: The shipped notebooks a participant works in: ``NN_name.ipynb`` at the top of ``notebooks/``.
STEP_NOTEBOOK = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
#: The workspace folder of a workbook named ``workbook.sqlite`` (others get ``<stem>.notebooks``).
DEFAULT_FOLDER = "notebooks"
MANIFEST_FORMAT = 1


@dataclass
class Workspace:
    """A workspace after :func:`prepare_workspace`: where it is, its workbook, what each copy went through."""

    folder: Path
    workbook: Path
    notebooks: list[NotebookUpdate] = field(default_factory=list)

    @property
    def start(self) -> Path:
        """The copy to open first (``00_start_here.ipynb``)."""
        return self.folder / "00_start_here.ipynb"

    def summary(self) -> str:
        """Return one line saying where the copies are, plus one per copy that changed."""
        changed = [str(n) for n in self.notebooks if n.action != "unchanged"]
        made = all(n.action == "created" for n in self.notebooks)
        head = (f"Your notebooks: private copies in {self.folder} (readable by you only, never committed)"
                + ("" if changed else "; up to date"))
        if made:
            return head
        return "\n".join([head, *(f"  {line}" for line in changed)])


# ---------------------------------------------------------------- where things are
def workspace_dir(workbook: str | os.PathLike[str] | None = None) -> Path:
    """Return the workspace folder of a workbook: beside it, ``notebooks/`` for ``workbook.sqlite``.

    Any other workbook gets ``<stem>.notebooks/``, and so does one kept in a project's root
    folder, where ``notebooks/`` holds the shipped notebooks.
    """
    wb = resolve_workbook(workbook).absolute()
    parent = wb.parent
    is_project = (parent / "notebooks").is_dir() and (parent / "data" / "sample").is_dir()
    if wb.stem == "workbook" and not is_project:
        return parent / DEFAULT_FOLDER
    return parent / f"{wb.stem}.notebooks"


def shipped_dir() -> Path:
    """Return the folder of the shipped notebooks (``notebooks/`` in the project)."""
    return project_root() / "notebooks"


# ---------------------------------------------------------------- the shipped notebooks
def _git_committed(folder: Path) -> dict[str, bytes]:
    """The step notebooks of `folder` as committed at HEAD, by name; empty if this is not a git checkout."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return {}

    def run(*args: str) -> bytes:
        return subprocess.run([git, "-C", str(folder), *args], capture_output=True, check=True, timeout=60,
                              stdin=subprocess.DEVNULL).stdout

    try:
        names = [n.decode() for n in run("ls-tree", "-z", "--name-only", "HEAD", ".").split(b"\0") if n]
        return {name: run("show", f"HEAD:./{name}") for name in names if STEP_NOTEBOOK.match(name)}
    except (OSError, UnicodeDecodeError, subprocess.SubprocessError):
        return {}


def _parse(text: bytes | str, where: str) -> Notebook:
    try:
        nb = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise InputFormatError(f"{where}: not a notebook (not JSON)", path=where) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) \
            or not all(isinstance(c, dict) and "cell_type" in c for c in nb["cells"]):
        raise InputFormatError(f"{where}: not a notebook (no list of cells)", path=where)
    for cell in nb["cells"]:
        cell["source"] = text_of(cell.get("source", ""))
        cell.setdefault("metadata", {})
    return nb


def shipped_notebooks(folder: str | os.PathLike[str] | None = None) -> dict[str, Notebook]:
    """Return the shipped step notebooks (00 to 05) by name, in order, as committed, outputs stripped.

    Parameters
    ----------
    folder
        Where the shipped notebooks are (default: the project's ``notebooks/``). When it is in a
        git checkout, each notebook is read as committed at ``HEAD`` (a notebook with changes that
        are not committed, such as JupyterLab's autosave, is logged as such); a notebook git does
        not know is read from the file.

    Raises
    ------
    NotFoundError
        If the folder holds no step notebook.
    """
    src = Path(folder) if folder is not None else shipped_dir()
    committed = _git_committed(src)
    names = sorted({*committed, *(p.name for p in src.glob("*.ipynb") if STEP_NOTEBOOK.match(p.name))})
    if not names:
        raise NotFoundError(f"{src}: no notebooks (00_start_here.ipynb ...) found; run this from the project "
                            "folder", path=src)
    out: dict[str, Notebook] = {}
    for name in names:
        path = src / name
        if name in committed:
            nb = _parse(committed[name], f"{path} (as committed)")
            with contextlib.suppress(OSError, InputFormatError):
                if notebook_hash(_parse(path.read_bytes(), str(path))) != notebook_hash(nb):
                    log.warning("%s has changes that are not committed (JupyterLab's autosave?); using the "
                                "committed version. Work in your private copies: infoview lab", path)
        else:
            nb = _parse(path.read_bytes(), str(path))
        out[name] = stripped(nb)
    return out


def stripped(nb: Notebook) -> Notebook:
    """Return a copy of `nb` without outputs, execution counts, widget state or papermill's run metadata."""
    clean = json.loads(json.dumps(nb))
    for key in ("widgets", "papermill"):
        clean.get("metadata", {}).pop(key, None)
    for cell in clean["cells"]:
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cell["metadata"].pop(key, None)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return dict(clean)


def write_shipped_copy(dest: str | os.PathLike[str], *, source: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the shipped notebooks into `dest` as shipped (outputs stripped, parameters as committed).

    This is what ``infoview app`` serves. Files are written readable by their owner only.

    Returns
    -------
    list of Path
        The files written, in order.
    """
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return [_write_notebook(folder / name, nb) for name, nb in shipped_notebooks(source).items()]


# ---------------------------------------------------------------- the workspace
def _manifest_entry(nb: Notebook) -> dict[str, Any]:
    return {"shipped": notebook_hash(nb), "cells": {c.get("id"): cell_hash(c) for c in nb["cells"]},
            "parameters": parameter_defaults(nb),
            "copied_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        os.chmod(folder, mode & 0o700)


def _write_private(path: Path, text: str) -> Path:
    """Write `text` to `path` readable by its owner only, all at once (a reader never sees half of it)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    return path


def _write_notebook(path: Path, nb: Notebook) -> Path:
    """Write a notebook as JupyterLab does (sources as lists of lines, sorted keys, indent 1)."""
    out = json.loads(json.dumps(nb))
    for cell in out["cells"]:
        cell["source"] = text_of(cell.get("source")).splitlines(keepends=True)
    return _write_private(path, json.dumps(out, sort_keys=True, indent=1, ensure_ascii=False) + "\n")


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """Return a workspace's manifest (``{"format", "workbook", "notebooks": {name: entry}}``), or an empty one."""
    try:
        data = json.loads((Path(folder) / WORKSPACE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("notebooks"), dict):
        return {"format": MANIFEST_FORMAT, "workbook": None, "notebooks": {}}
    return data


def prepare_workspace(workbook: str | os.PathLike[str] | None = None, *,
                      folder: str | os.PathLike[str] | None = None,
                      source: str | os.PathLike[str] | None = None) -> Workspace:
    """Create the private workspace of a workbook, or bring its copies up to date with the shipped notebooks.

    Parameters
    ----------
    workbook
        The workbook (default: as an empty ``workbook`` parameter means).
    folder
        Where the copies go (default: :func:`workspace_dir`).
    source
        Where the shipped notebooks are (default: the project's ``notebooks/``).

    Returns
    -------
    Workspace
        The folder, the workbook, and what happened to each copy.

    Raises
    ------
    InputFormatError
        If `folder` is the shipped notebooks' folder, or the workspace of another workbook.
    NotFoundError
        If there are no shipped notebooks to copy.
    """
    wb = resolve_workbook(workbook).resolve()
    src = Path(source) if source is not None else shipped_dir()
    where = _own_folder(wb, folder, src)
    shipped = shipped_notebooks(src)
    _private_folder(where)
    ignore = where / ".gitignore"
    if not ignore.exists():
        _write_private(ignore, "# your private copies of the notebooks: never committed\n*\n")
    manifest = read_manifest(where)
    entries: dict[str, Any] = manifest["notebooks"]
    result = Workspace(folder=where, workbook=wb)
    for name, nb in shipped.items():
        entry = entries.get(name) if isinstance(entries.get(name), dict) else None
        update = _refresh_copy(where / name, nb, entry, name)
        if update.action != "unchanged":
            entries[name] = _manifest_entry(nb)
        result.notebooks.append(update)
    for name in sorted(set(entries) - set(shipped)):
        entries.pop(name)
        if (where / name).exists():
            result.notebooks.append(NotebookUpdate(name=name, action="not shipped"))
    manifest.update(format=MANIFEST_FORMAT, workbook=os.path.relpath(wb, where.resolve()), notebooks=entries)
    _write_private(where / WORKSPACE_MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    for update in result.notebooks:
        if update.action != "unchanged":
            log.info("workspace %s: %s", where, update)
    return result


def _own_folder(wb: Path, folder: str | os.PathLike[str] | None, src: Path) -> Path:
    """The folder for `wb`'s copies, refused when it is the shipped notebooks' or another workbook's."""
    where = (Path(folder).expanduser() if folder is not None else workspace_dir(wb)).absolute()
    if where.resolve() == src.resolve():
        raise InputFormatError(f"{where} holds the shipped notebooks; your copies go in a folder of their own "
                               f"(default: {workspace_dir(wb)})", path=where)
    owner = workspace_workbook(where)
    if owner is not None and owner != wb:
        raise InputFormatError(f"{where} holds the notebooks of another workbook ({owner}); pass that workbook, or "
                               "another folder", path=where)
    return where


def _refresh_copy(path: Path, nb: Notebook, entry: Mapping[str, Any] | None, name: str) -> NotebookUpdate:
    """Create, keep, merge or (when unreadable) set aside and recreate one private copy."""
    if not path.exists():
        _write_notebook(path, nb)
        update = NotebookUpdate(name=name, action="created")
    elif entry is not None and entry.get("shipped") == notebook_hash(nb):
        update = NotebookUpdate(name=name, action="unchanged")
    else:
        try:
            copy = _parse(path.read_bytes(), str(path))
        except (OSError, InputFormatError):
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = path.with_name(f"{path.stem}.unreadable-{stamp}{path.suffix}")
            os.replace(path, aside)
            _write_notebook(path, nb)
            update = NotebookUpdate(name=name, action="recreated", set_aside=aside)
        else:
            merged, update = merge_notebook(copy, nb, entry, name=name)
            _write_notebook(path, merged)
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
    return update


def where_this_runs(folder: str | os.PathLike[str] | None = None) -> str:
    """Say which copy of the notebooks runs in `folder` (default: cwd): your private one, the shipped one, or another.

    Notebook 00 shows it, so a person knows whether what JupyterLab saves stays private.
    """
    here = Path(folder or os.getcwd()).resolve()
    own = workspace_workbook(here)
    if own is not None:
        return (f"These are your private copies of the notebooks, in {here}: readable by you only and never "
                f"committed; what you run here stays here. Their workbook: {own}")
    if here == shipped_dir().resolve():
        return ("These are the shipped notebooks, tracked by git: JupyterLab saves outputs (with names from your "
                "workbook) and edited parameters into them. Work in your private copies instead: run "
                "'infoview lab' (or 'infoview init' first).")
    return ("This is a copy of the shipped notebooks (the app's, or a report's): your work is saved in your "
            "workbook, not in this copy.")
