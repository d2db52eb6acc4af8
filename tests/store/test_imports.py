"""The store stores: it imports only the leaves (infoview_kit.base), itself, the standard library and pandas/numpy,
never a step, a view, a report, the workbook facade or the face; every import counts, including imports inside
functions and under TYPE_CHECKING."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import infoview_kit.store

STORE = Path(infoview_kit.store.__file__).parent
MODULES = sorted(STORE.glob("*.py"))
ALLOWED_PACKAGE = ("infoview_kit.base", "infoview_kit.store")
ALLOWED_THIRD_PARTY = {"pandas", "numpy"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the module at `path`, wherever it stands."""
    package = "infoview_kit.store"  # every module of the store, __init__ included, lives in this package
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved from the store package
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module == "infoview_kit":  # from infoview_kit import cli: the name is the module
                found += [(node.lineno, f"infoview_kit.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def _allowed(module: str) -> bool:
    if module == "infoview_kit" or module.startswith("infoview_kit."):
        return any(module == p or module.startswith(p + ".") for p in ALLOWED_PACKAGE)
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top == "__future__"


def test_the_store_has_modules_to_check():
    names = {p.stem for p in MODULES}
    assert {"__init__", "schema", "core", "store", "backups", "forget"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_store_module_imports_only_base_itself_stdlib_pandas_and_numpy(path):
    wrong = [f"{path.name}:{line}: {module}" for line, module in _imports(path) if not _allowed(module)]
    assert not wrong, "the store reaches above itself:\n" + "\n".join(wrong)


@pytest.mark.parametrize("source, expected", [
    ("from infoview_kit.find.contacts import is_recruiter", False),
    ("def f():\n    from infoview_kit.followup.rules import DUE_HOUR", False),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from infoview_kit.workbook import Workbook", False),
    ("from infoview_kit import views", False),
    ("import infoview_kit.cli", False),
    ("from ..reports import redact", False),
    ("from infoview_kit.base.keys import company_key", True),
    ("from .schema import utc_iso", True),
    ("import pandas as pd", True),
    ("import tqdm", False),
])
def test_the_check_catches_what_it_should(tmp_path, source, expected):
    module = tmp_path / "example.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert all(_allowed(m) for _, m in _imports(module)) is expected
