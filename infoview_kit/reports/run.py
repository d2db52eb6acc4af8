"""Reports: run the notebooks with papermill against a workbook and write them as HTML with an index."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infoview_kit.base.errors import NotebookRunError
from infoview_kit.base.paths import project_root
from infoview_kit.reports.kernels import KernelPipeline, warm_code
from infoview_kit.reports.pages import PRINT_CSS, display_paths, notebook_title, to_html
from infoview_kit.reports.since import since_last_time

log = logging.getLogger("infoview_kit")

NOTEBOOKS = ("01_find_contacts.ipynb", "02_research.ipynb", "03_draft_emails.ipynb",
             "04_log_interviews.ipynb", "05_follow_up_progress.ipynb")


@dataclass
class RunResult:
    """What a report run wrote."""

    out_dir: Path
    index: Path
    notebooks: list[Path] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    #: Seconds by phase: kernel_start and imports (summed over the kernels, mostly hidden behind the
    #: notebook before), kernel_wait (what the notebooks waited for a kernel), cells (executing),
    #: html (writing the pages, beside the next notebook), html_wait (after the last one), index.
    phases: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("kernel_start", "imports", "kernel_wait", "cells", "html", "html_wait", "index"), 0.0))


def notebooks_dir() -> Path:
    """Return the folder of the workbook's notebooks (``notebooks/`` in the project)."""
    return project_root() / "notebooks"


def run_notebooks(workbook: str | os.PathLike[str] | None, today: dt.date, out_dir: str | os.PathLike[str], *,
                  notebooks: Sequence[str] = NOTEBOOKS, extra: Mapping[str, Mapping[str, Any]] | None = None,
                  progress: bool = True, title: str = "Informational interviews: report",
                  source: str | os.PathLike[str] | None = None, relative_out: bool = False,
                  show_code: bool = False, names: Mapping[str, str] | None = None) -> RunResult:
    """Execute notebooks with papermill against a workbook, convert them to HTML, write an index.

    The pages are for people (:func:`pages.to_html`): code hidden unless `show_code`, every form
    drawn as it stood, no path of this machine, a print style sheet. While one notebook runs, the
    next one's kernel starts and loads its imports (:class:`kernels.KernelPipeline`), and the page
    of the one before is written in a second thread.

    Parameters
    ----------
    workbook
        The workbook every notebook reads and writes (passed as its ``workbook`` parameter);
        None for notebooks that take none (the coach's cohort report).
    today
        The date the run is for (the ``today`` parameter): the same date gives the same report.
    out_dir
        Where the executed notebooks, their HTML and ``index.html`` go; files the notebooks
        write for the user (drafts, calendar files) go to ``out_dir/files``.
    notebooks
        Which notebooks of ``notebooks/`` (or of `source`) to run, in order.
    extra
        More parameters per notebook name, e.g. ``{"01_find_contacts.ipynb": {"contacts_file": ...}}``.
    source
        The folder the notebooks are in, and run from (default: ``notebooks/``).
    relative_out
        Give the notebooks their ``out_dir`` relative to the folder they run from, so the executed
        notebooks too (not only the pages) do not show where on your machine the report was written.
    show_code
        Show the notebooks' code cells on the pages (hidden by default).
    names
        More absolute paths the pages must not show, and what to call them there (e.g. the coach's
        cohort folder by its name); the workbook, the report folder, the project, the home and the
        temporary folder are always replaced.

    Raises
    ------
    NotebookRunError
        If a notebook fails: the message names the notebook and the failing cell; the partial
        output notebook is kept in `out_dir`.
    """
    started = time.perf_counter()
    out = Path(out_dir).resolve()
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    src_dir = Path(source).resolve() if source is not None else notebooks_dir()
    wb_path = Path(workbook).resolve() if workbook is not None else None
    result = RunResult(out_dir=out, index=out / "index.html")
    shown_out = os.path.relpath(files, src_dir) if relative_out else str(files)
    paths = display_paths(out, workbook=wb_path, source=src_dir, root=project_root(),
                          more={**dict(names or {}), shown_out: "files"})
    base = {**({"workbook": str(wb_path)} if wb_path is not None else {}), "today": today.isoformat(),
            "out_dir": shown_out}
    runs = [(name, {**base, **dict((extra or {}).get(name, {}))}) for name in notebooks]
    _execute_all(runs, src_dir, out, result, paths=paths, show_code=show_code, progress=progress)
    mark = time.perf_counter()
    write_index(result, today=today, title=title)
    result.phases["index"] = time.perf_counter() - mark
    result.seconds = time.perf_counter() - started
    return result


def _execute_all(runs: Sequence[tuple[str, dict[str, Any]]], src_dir: Path, out: Path, result: RunResult, *,
                 paths: Mapping[str, str], show_code: bool, progress: bool) -> None:
    """Run each notebook in a warm kernel, one after another (a later step reads what an earlier one
    wrote), each page written in a second thread while the next notebook runs; record the phases."""
    from tqdm.auto import tqdm

    phases = result.phases
    with tempfile.TemporaryDirectory(prefix="ivk-") as sockets, \
            KernelPipeline(src_dir, sockets, [warm_code(src_dir / name) for name, _ in runs]) as pipeline, \
            concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="to_html") as pool:
        pages = []
        bar = tqdm(runs, desc="notebooks", unit="nb", disable=not progress)
        for (name, params), km in zip(bar, pipeline.kernels(), strict=True):
            target = out / name
            mark = time.perf_counter()
            execute_notebook(src_dir / name, target, params, km)
            phases["cells"] += time.perf_counter() - mark
            result.notebooks.append(target)
            pages.append(pool.submit(_timed_page, target, show_code, paths))
        mark = time.perf_counter()
        for page in pages:
            html_file, seconds = page.result()
            result.html.append(html_file)
            phases["html"] += seconds
        phases["html_wait"] = time.perf_counter() - mark
        phases.update(kernel_start=pipeline.start_s, imports=pipeline.imports_s, kernel_wait=pipeline.waited_s)


def execute_notebook(source: Path, target: Path, parameters: Mapping[str, Any], km: Any) -> None:
    """Run one notebook in the started kernel `km` with its parameters injected, and write it to `target`.

    papermill injects the parameters (its ``injected-parameters`` cell, after the ``parameters`` one);
    nbclient runs the cells and records the widgets' state; the notebook is written once, at the end
    (papermill's own runner rewrites it twice for every cell).

    Raises
    ------
    NotebookRunError
        If a cell fails: names the notebook, the cell and the error; the partial notebook is written.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(source)), dict(parameters), kernel_name="python3")
    client = NotebookClient(nb, km=km, kernel_name="python3", timeout=None,
                            resources={"metadata": {"path": str(source.parent)}})
    index = -1
    try:
        with client.setup_kernel():
            assert client.kc is not None
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None:
                nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            client.set_widgets_metadata()
    except CellExecutionError as exc:
        nbformat.write(nb, target)
        first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
        raise NotebookRunError(
            f"{source.name} failed at cell {index} (In [{nb.cells[index].get('execution_count')}]): "
            f"{exc.ename}: {first}; partial output kept in {target}", path=target) from None
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    nbformat.write(nb, target)


def _timed_page(notebook: Path, show_code: bool, paths: Mapping[str, str]) -> tuple[Path, float]:
    mark = time.perf_counter()
    page = to_html(notebook, show_code=show_code, paths=paths)
    return page, time.perf_counter() - mark


def write_index(result: RunResult, *, today: dt.date, title: str) -> Path:
    """Write ``index.html``: what changed since the previous dated report beside it (:mod:`reports.since`),
    then links to each notebook's page and to every file the notebooks wrote, all relative."""
    out = result.out_dir
    esc = html.escape
    items = "\n".join(f'<li><a href="{esc(h.name)}">{esc(notebook_title(nb))}</a></li>'
                      for nb, h in zip(result.notebooks, result.html, strict=True))
    extra = sorted(p for p in (out / "files").rglob("*") if p.is_file())
    listed = "\n".join(f'<li><a href="{esc(p.relative_to(out).as_posix())}">'
                       f'{esc(p.relative_to(out / "files").as_posix())}</a></li>' for p in extra)
    since = since_last_time(out, today).to_html(out)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} ({today.isoformat()})</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5}} h1{{font-size:1.5rem}} li{{margin:.2rem 0}}
{PRINT_CSS}</style></head>
<body><h1>{esc(title)}</h1><p>For {today.strftime("%A %d %B %Y")}.</p>
<h2>Since last time</h2>
{since}
<h2>Notebooks</h2><ul>
{items}
</ul>
<h2>Files to take away</h2>
{f"<ul>{listed}</ul>" if listed else "<p>None this time.</p>"}
</body></html>
"""
    result.index.write_text(page, encoding="utf-8")
    return result.index
