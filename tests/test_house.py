"""The house's rules, kept by a test: small modules and functions, no import cycles, thin notebooks.

The layers themselves are import-linter contracts (pyproject.toml, run by `make lint`); this file holds
what import-linter does not measure. docs/architecture.md explains the house.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from .conftest import ROOT

PACKAGE = ROOT / "infoview_kit"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MAX_CELL_LINES = 8
STEP_NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
SETUP_LINE = "wb, today, now = ik.setup(workbook, today)"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_longer_than_600_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in _modules()}
    long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not long, f"split these modules (at most {MAX_MODULE_LINES} lines): {long}"


def test_no_function_is_longer_than_80_lines():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_there_are_no_import_cycles_between_modules_counting_imports_inside_functions():
    graph = grimp.build_graph("infoview_kit", cache_dir=None)  # every import: top level, in functions, TYPE_CHECKING
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def _python(source: str) -> ast.Module:
    """A cell's code as Python, IPython's magics (``%matplotlib inline``) turned into calls as IPython does."""
    return ast.parse(TransformerManager().transform_cell(source))


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_starts_with_the_one_setup_call_and_imports_only_the_package(path):
    cells = _code_cells(path)
    assert any(SETUP_LINE in c.source.splitlines() for c in cells), f"{path.name}: no `{SETUP_LINE}`"
    for cell in cells:
        for node in ast.walk(_python(cell.source)):
            if isinstance(node, ast.Import):
                assert [(a.name, a.asname) for a in node.names] == [("infoview_kit", "ik")], ast.unparse(node)
            elif isinstance(node, ast.ImportFrom):
                assert node.module == "IPython.display", f"{path.name}: {ast.unparse(node)}: use ik.<name>"


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_are_short_and_hold_no_logic(path):
    for cell in _code_cells(path):
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(lines) <= MAX_CELL_LINES, f"{path.name}: a cell of {len(lines)} lines:\n{cell.source}"
        tree = _python(cell.source)
        for node in tree.body:
            assert not isinstance(node, ast.If | ast.For | ast.While | ast.Try | ast.With), \
                f"{path.name}: top-level {type(node).__name__} belongs in the package:\n{cell.source}"
        guards = [n for n in ast.walk(tree) if isinstance(n, ast.IfExp)
                  and isinstance(n.orelse, ast.Constant) and n.orelse.value is None]
        assert not guards, f"{path.name}: `... if x else None` guard; let the step accept nothing:\n{cell.source}"


def test_docs_architecture_names_every_module_of_every_room():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(ROOT)) for p in _modules()
               if p.name != "__init__.py" and f"- `{p.stem}`:" not in doc]
    assert not missing, f"say what these modules are for in docs/architecture.md: {missing}"


def test_readme_lists_every_name_the_notebooks_use():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    api = readme[readme.index("## The public API"):readme.index("## Layout")]
    used = set()
    for path in STEP_NOTEBOOKS:
        for cell in _code_cells(path):
            used |= set(re.findall(r"\bik\.(?:(?:find|research|outreach|interview|followup|reports|views)\.)?(\w+)",
                                   cell.source))
    missing = sorted(name for name in used if f"`{name}`" not in api)
    assert not missing, f"list these in README's public API: {missing}"
