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

Refreshing (automatic on ``infoview init`` and ``infoview lab``): a copy whose shipped notebook
has not changed is left exactly as it is. When it has changed (the manifest's hash differs), the
copy is rebuilt on the new shipped notebook, cell by cell (cells are matched by their ids; the
shipped cells come in the new version's order):

- a shipped cell you did not edit becomes its new version (a cell whose shipped version did not
  change keeps its outputs; a replaced one loses them); one the new version removed goes;
- a shipped cell you edited is kept as you wrote it. If its shipped version changed too, yours is
  kept (under a new id, marked with a comment for code) and the new shipped version follows it,
  so you see both and nothing you wrote is lost; delete the one you do not want;
- a shipped cell you deleted stays deleted, unless its shipped version changed: then the new
  version comes back;
- a cell you added (an id the shipped notebook does not have) stays, after the cell it followed
  (after the nearest earlier cell that is still there, or at the top);
- the parameters cell becomes the new shipped one, with your values for the names it still has
  (values you changed from the shipped defaults); names you added yourself are kept at its end,
  your values for names it no longer has are dropped (and reported).

A copy that cannot be read is set aside (renamed) and a fresh copy made; a copy whose notebook is
no longer shipped is left as it is. Each refresh reports what it did (:class:`NotebookUpdate`).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.paths import WORKSPACE_MANIFEST, project_root, resolve_workbook, workspace_workbook

log = logging.getLogger("infoview_kit")

#: The shipped notebooks a participant works in: ``NN_name.ipynb`` at the top of ``notebooks/``.
STEP_NOTEBOOK = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
#: The workspace folder of a workbook named ``workbook.sqlite`` (others get ``<stem>.notebooks``).
DEFAULT_FOLDER = "notebooks"
MANIFEST_FORMAT = 1
PARAMETERS_TAG = "parameters"
#: The first line of your edited version of a shipped code cell, when the new version follows it.
KEPT_NOTE = "# Your edited version, kept when this notebook was updated; the new shipped version is the next cell."

Notebook = dict[str, Any]


@dataclass
class NotebookUpdate:
    """What refreshing one copy did.

    ``action`` is ``created`` (no copy yet), ``updated`` (rebuilt on a new shipped version),
    ``unchanged``, ``recreated`` (the copy could not be read: it was set aside as ``set_aside``)
    or ``not shipped`` (the notebook is no longer shipped: the copy is left as it is).
    """

    name: str
    action: str
    kept_cells: int = 0  # cells you added, kept in place
    kept_edits: list[str] = field(default_factory=list)  # ids of shipped cells you edited, kept as you wrote them
    kept_parameters: list[str] = field(default_factory=list)  # parameters whose values you set, kept
    dropped_parameters: list[str] = field(default_factory=list)  # your values for parameters no longer there
    set_aside: Path | None = None

    def __str__(self) -> str:
        parts = [f"{self.name}: {self.action}"]
        if self.kept_cells:
            parts.append(f"kept {self.kept_cells} cell{'s' if self.kept_cells != 1 else ''} you added")
        if self.kept_edits:
            parts.append("kept your edits of cell " + ", ".join(self.kept_edits))
        if self.kept_parameters:
            parts.append("kept your " + ", ".join(self.kept_parameters))
        if self.dropped_parameters:
            parts.append("no longer a parameter: " + ", ".join(self.dropped_parameters))
        if self.set_aside is not None:
            parts.append(f"could not be read, set aside as {self.set_aside.name}")
        return "; ".join(parts)


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
        cell["source"] = _text(cell.get("source", ""))
        cell.setdefault("metadata", {})
    return nb


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


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


def cell_hash(cell: Mapping[str, Any]) -> str:
    """Return a short hash of a cell's kind and text (what you can edit; not outputs or metadata)."""
    data = f"{cell.get('cell_type')}\n{_text(cell.get('source'))}".encode()
    return hashlib.sha256(data).hexdigest()[:16]


def notebook_hash(nb: Mapping[str, Any]) -> str:
    """Return the hash of a notebook's cells: their ids, kinds, text and tags, in order."""
    cells = [[c.get("id"), c.get("cell_type"), _text(c.get("source")), sorted(c.get("metadata", {}).get("tags", []))]
             for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


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


# ---------------------------------------------------------------- parameters cells
def _assignments(source: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Read a parameters cell: {name: value's source}, {name: whole statement}, and lines that do not parse."""
    def read(tree: ast.Module, text: str) -> tuple[dict[str, str], dict[str, str]]:
        values: dict[str, str] = {}
        statements: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                values[name] = ast.get_source_segment(text, node.value) or ""
                statements[name] = ast.get_source_segment(text, node) or ""
        return values, statements

    try:
        values, statements = read(ast.parse(source), source)
        return values, statements, []
    except SyntaxError:
        pass
    values, statements, broken = {}, {}, []  # a cell that does not parse: read it line by line
    for line in source.splitlines():
        try:
            v, s = read(ast.parse(line), line)
        except SyntaxError:
            if line.strip() and not line.strip().startswith("#"):
                broken.append(line)
            continue
        values.update(v)
        statements.update(s)
    return values, statements, broken


def _set_values(source: str, values: Mapping[str, str]) -> str:
    """Return `source` with the value of each named top-level assignment replaced by the text given."""
    tree = ast.parse(source)
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:  # ast columns count UTF-8 bytes
        text = source[starts[line - 1]:starts[line]]
        return starts[line - 1] + len(text.encode()[:col].decode(errors="ignore"))

    edits = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in values and node.value.end_lineno is not None \
                and node.value.end_col_offset is not None:
            edits.append((offset(node.value.lineno, node.value.col_offset),
                          offset(node.value.end_lineno, node.value.end_col_offset), values[node.targets[0].id]))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _is_parameters(cell: Mapping[str, Any]) -> bool:
    return PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])


def parameter_defaults(nb: Mapping[str, Any]) -> dict[str, str]:
    """Return the names and value texts of a notebook's parameters cell ({} if it has none)."""
    for cell in nb["cells"]:
        if _is_parameters(cell):
            return _assignments(_text(cell["source"]))[0]
    return {}


def _merge_parameters(mine: Mapping[str, Any], new: Mapping[str, Any], old_defaults: Mapping[str, str] | None,
                      update: NotebookUpdate) -> Notebook:
    """The new shipped parameters cell with the values you set; names you added kept at its end."""
    values, statements, broken = _assignments(_text(mine["source"]))
    new_source = _text(new["source"])
    new_defaults = _assignments(new_source)[0]
    base = old_defaults if old_defaults is not None else new_defaults
    changed = {k: v for k, v in values.items() if k not in base or v != base[k]}
    keep = {k: v for k, v in changed.items() if k in new_defaults and v != new_defaults[k]}
    source = _set_values(new_source, keep) if keep else new_source
    added = [statements[k] for k in changed if k not in base and k not in new_defaults]
    lost = sorted(k for k in changed if k in base and k not in new_defaults)
    extra = added + [f"# from your copy, could not be read: {line.strip()}" for line in broken]
    if extra:
        source = source.rstrip("\n") + "\n" + "\n".join(extra)
    update.kept_parameters = [k for k in new_defaults if k in keep] + [k for k in changed if k not in base
                                                                        and k not in new_defaults]
    update.dropped_parameters = lost
    cell = json.loads(json.dumps(new))
    cell["source"] = source
    return dict(cell)


# ---------------------------------------------------------------- refreshing a copy
def merge_notebook(copy: Notebook, shipped: Notebook, base: Mapping[str, Any] | None = None,
                   *, name: str = "") -> tuple[Notebook, NotebookUpdate]:
    """Rebuild your copy of a notebook on its new shipped version, keeping what you added and edited.

    The rules are in this module's docstring.

    Parameters
    ----------
    copy
        Your copy, as JupyterLab saved it.
    shipped
        The new shipped version (outputs stripped).
    base
        What the manifest recorded of the shipped version the copy came from: ``cells`` (cell id
        to :func:`cell_hash`) and ``parameters`` (:func:`parameter_defaults`). None when not known:
        then every shipped cell that differs from the new version counts as edited by you (kept,
        with the new version after it), so nothing is lost.

    Returns
    -------
    (notebook, NotebookUpdate)
        The rebuilt copy, and what was kept.
    """
    update = NotebookUpdate(name=name, action="updated")
    old_cells: dict[str, str] = dict((base or {}).get("cells") or {})
    old_defaults = (base or {}).get("parameters") if base is not None else None
    new_cells = {c.get("id"): c for c in shipped["cells"]}
    new_params = next((c for c in shipped["cells"] if _is_parameters(c)), None)
    shipped_ids = set(old_cells) | set(new_cells)

    def key(cell: Mapping[str, Any]) -> Any:  # your parameters cell stands for the new one, whatever its id
        if new_params is not None and _is_parameters(cell):
            return new_params.get("id")
        return cell.get("id")

    def edited(cell: Mapping[str, Any], ident: Any) -> bool:
        reference = old_cells.get(ident) or (cell_hash(new_cells[ident]) if ident in new_cells else None)
        return cell_hash(cell) != reference

    def shipped_changed(ident: Any) -> bool:
        return ident not in old_cells or old_cells[ident] != cell_hash(new_cells[ident])

    mine: dict[Any, Mapping[str, Any]] = {}
    after: dict[Any, list[Notebook]] = {None: []}  # your cells, by the shipped cell they follow (None: the top)
    anchor: Any = None
    for cell in copy["cells"]:
        ident = key(cell)
        if ident in new_cells and ident not in mine:
            mine[ident] = cell
            anchor = ident
        elif ident in shipped_ids and ident not in new_cells and not edited(cell, ident):
            continue  # a shipped cell the new version removed, as shipped: it goes
        else:  # a cell you added, or a shipped cell you edited that the new version removed: kept
            after.setdefault(anchor, []).append(cell)
            if ident in shipped_ids:
                update.kept_edits.append(str(ident))
            else:
                update.kept_cells += 1

    cells: list[Any] = list(after[None])
    for new in shipped["cells"]:
        ident = new.get("id")
        yours = mine.get(ident)
        if yours is None:
            if ident not in old_cells or shipped_changed(ident):
                cells.append(new)  # a new cell, or one you deleted that has changed since: shown
        elif _is_parameters(new) and shipped_changed(ident):
            cells.append(_merge_parameters(yours, new, old_defaults, update) if edited(yours, ident) else new)
        elif not edited(yours, ident):
            cells.append(yours if not shipped_changed(ident) else new)
        elif not shipped_changed(ident):
            cells.append(yours)  # your edit, of a cell that did not change
            if _is_parameters(new):
                defaults = _assignments(_text(new["source"]))[0]
                update.kept_parameters = [k for k, v in _assignments(_text(yours["source"]))[0].items()
                                          if defaults.get(k) != v]
            else:
                update.kept_edits.append(str(ident))
        elif cell_hash(yours) == cell_hash(new):
            cells.append(yours)  # you made the same change
        else:
            kept = json.loads(json.dumps(yours))
            kept["id"] = f"{str(ident)[:40]}-yours-{uuid.uuid4().hex[:8]}"
            kept["metadata"]["infoview"] = {"kept_edit_of": ident}
            if kept["cell_type"] == "code" and not kept["source"].startswith(KEPT_NOTE):
                kept["source"] = f"{KEPT_NOTE}\n{kept['source']}"
            cells += [kept, new]
            update.kept_edits.append(str(ident))
        cells += after.get(ident, [])
    merged = {**copy, "cells": [json.loads(json.dumps(c)) for c in cells],
              "metadata": {**copy.get("metadata", {}), **shipped.get("metadata", {})},
              "nbformat": shipped.get("nbformat", 4), "nbformat_minor": shipped.get("nbformat_minor", 5)}
    return merged, update


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
        cell["source"] = _text(cell.get("source")).splitlines(keepends=True)
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
    where = Path(folder).expanduser() if folder is not None else workspace_dir(wb)
    where = where.absolute()
    src = Path(source) if source is not None else shipped_dir()
    if where.resolve() == src.resolve():
        raise InputFormatError(f"{where} holds the shipped notebooks; your copies go in a folder of their own "
                               f"(default: {workspace_dir(wb)})", path=where)
    owner = workspace_workbook(where)
    if owner is not None and owner != wb:
        raise InputFormatError(f"{where} holds the notebooks of another workbook ({owner}); pass that workbook, or "
                               "another folder", path=where)
    shipped = shipped_notebooks(src)
    _private_folder(where)
    ignore = where / ".gitignore"
    if not ignore.exists():
        _write_private(ignore, "# your private copies of the notebooks: never committed\n*\n")
    manifest = read_manifest(where)
    entries: dict[str, Any] = manifest["notebooks"]
    result = Workspace(folder=where, workbook=wb)
    for name, nb in shipped.items():
        path = where / name
        entry = entries.get(name) if isinstance(entries.get(name), dict) else None
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
