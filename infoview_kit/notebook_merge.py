"""Rebuilding your copy of a notebook on a new shipped version, keeping what you added and edited.

When a shipped notebook changes, your copy (see :mod:`infoview_kit.workspace`) is rebuilt by
:func:`merge_notebook`. A copy whose shipped notebook has not changed is left exactly as it is. When
it has changed (the manifest's hash differs), the copy is rebuilt on the new shipped notebook, cell
by cell (cells are matched by their ids; the shipped cells come in the new version's order):

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

Each rebuild reports what it did (:class:`NotebookUpdate`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def text_of(source: Any) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source or "")


def cell_hash(cell: Mapping[str, Any]) -> str:
    """Return a short hash of a cell's kind and text (what you can edit; not outputs or metadata)."""
    data = f"{cell.get('cell_type')}\n{text_of(cell.get('source'))}".encode()
    return hashlib.sha256(data).hexdigest()[:16]


def notebook_hash(nb: Mapping[str, Any]) -> str:
    """Return the hash of a notebook's cells: their ids, kinds, text and tags, in order."""
    cells = [[c.get("id"), c.get("cell_type"), text_of(c.get("source")), sorted(c.get("metadata", {}).get("tags", []))]
             for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


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
            return _assignments(text_of(cell["source"]))[0]
    return {}


def _merge_parameters(mine: Mapping[str, Any], new: Mapping[str, Any], old_defaults: Mapping[str, str] | None,
                      update: NotebookUpdate) -> Notebook:
    """The new shipped parameters cell with the values you set; names you added kept at its end."""
    values, statements, broken = _assignments(text_of(mine["source"]))
    new_source = text_of(new["source"])
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
    merge = _Merge(shipped, base, NotebookUpdate(name=name, action="updated"))
    merge.read_copy(copy)
    cells: list[Any] = list(merge.after[None])
    for new in shipped["cells"]:
        cells += merge.place(new)
        cells += merge.after.get(new.get("id"), [])
    merged = {**copy, "cells": [json.loads(json.dumps(c)) for c in cells],
              "metadata": {**copy.get("metadata", {}), **shipped.get("metadata", {})},
              "nbformat": shipped.get("nbformat", 4), "nbformat_minor": shipped.get("nbformat_minor", 5)}
    return merged, merge.update


class _Merge:
    """The state of one :func:`merge_notebook`: which shipped cells you kept, edited or added after."""

    def __init__(self, shipped: Notebook, base: Mapping[str, Any] | None, update: NotebookUpdate) -> None:
        self.update = update
        self.old_cells: dict[str, str] = dict((base or {}).get("cells") or {})
        self.old_defaults = (base or {}).get("parameters") if base is not None else None
        self.new_cells = {c.get("id"): c for c in shipped["cells"]}
        self.new_params = next((c for c in shipped["cells"] if _is_parameters(c)), None)
        self.shipped_ids = set(self.old_cells) | set(self.new_cells)
        self.mine: dict[Any, Mapping[str, Any]] = {}
        self.after: dict[Any, list[Notebook]] = {None: []}  # your cells, by the shipped cell they follow

    def key(self, cell: Mapping[str, Any]) -> Any:
        """A cell's id; your parameters cell stands for the new one, whatever its id."""
        if self.new_params is not None and _is_parameters(cell):
            return self.new_params.get("id")
        return cell.get("id")

    def edited(self, cell: Mapping[str, Any], ident: Any) -> bool:
        reference = self.old_cells.get(ident) or (
            cell_hash(self.new_cells[ident]) if ident in self.new_cells else None)
        return cell_hash(cell) != reference

    def shipped_changed(self, ident: Any) -> bool:
        return ident not in self.old_cells or self.old_cells[ident] != cell_hash(self.new_cells[ident])

    def read_copy(self, copy: Notebook) -> None:
        """Sort your copy's cells into shipped ones (by id) and yours (after the shipped cell they follow)."""
        anchor: Any = None
        for cell in copy["cells"]:
            ident = self.key(cell)
            if ident in self.new_cells and ident not in self.mine:
                self.mine[ident] = cell
                anchor = ident
            elif ident in self.shipped_ids and ident not in self.new_cells and not self.edited(cell, ident):
                continue  # a shipped cell the new version removed, as shipped: it goes
            else:  # a cell you added, or a shipped cell you edited that the new version removed: kept
                self.after.setdefault(anchor, []).append(cell)
                if ident in self.shipped_ids:
                    self.update.kept_edits.append(str(ident))
                else:
                    self.update.kept_cells += 1

    def place(self, new: Mapping[str, Any]) -> list[Any]:
        """The cells that stand where the shipped cell `new` is: yours, the new one, or both."""
        ident = new.get("id")
        yours = self.mine.get(ident)
        if yours is None:  # a new cell, or one you deleted that has changed since: shown
            return [new] if ident not in self.old_cells or self.shipped_changed(ident) else []
        if _is_parameters(new) and self.shipped_changed(ident):
            if self.edited(yours, ident):
                return [_merge_parameters(yours, new, self.old_defaults, self.update)]
            return [new]
        if not self.edited(yours, ident):
            return [yours if not self.shipped_changed(ident) else new]
        if not self.shipped_changed(ident):
            self._kept_edit(yours, new, ident)  # your edit, of a cell that did not change
            return [yours]
        if cell_hash(yours) == cell_hash(new):
            return [yours]  # you made the same change
        kept = json.loads(json.dumps(yours))
        kept["id"] = f"{str(ident)[:40]}-yours-{uuid.uuid4().hex[:8]}"
        kept["metadata"]["infoview"] = {"kept_edit_of": ident}
        if kept["cell_type"] == "code" and not kept["source"].startswith(KEPT_NOTE):
            kept["source"] = f"{KEPT_NOTE}\n{kept['source']}"
        self.update.kept_edits.append(str(ident))
        return [kept, new]

    def _kept_edit(self, yours: Mapping[str, Any], new: Mapping[str, Any], ident: Any) -> None:
        if _is_parameters(new):
            defaults = _assignments(text_of(new["source"]))[0]
            self.update.kept_parameters = [k for k, v in _assignments(text_of(yours["source"]))[0].items()
                                           if defaults.get(k) != v]
        else:
            self.update.kept_edits.append(str(ident))
