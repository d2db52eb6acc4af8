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

from infoview_kit.base.paths import project_root
from infoview_kit.base.errors import NotebookRunError

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


def notebooks_dir() -> Path:
    """Return the folder of the workbook's notebooks (``notebooks/`` in the project)."""
    return project_root() / "notebooks"


def run_notebooks(workbook: str | os.PathLike[str] | None, today: dt.date, out_dir: str | os.PathLike[str], *,
                  notebooks: Sequence[str] = NOTEBOOKS, extra: Mapping[str, Mapping[str, Any]] | None = None,
                  progress: bool = True, title: str = "Informational interviews: report",
                  source: str | os.PathLike[str] | None = None, relative_out: bool = False) -> RunResult:
    """Execute notebooks with papermill against a workbook, convert them to HTML, write an index.

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
        Give the notebooks their ``out_dir`` relative to the folder they run from, so a report
        meant for someone else does not show where on your machine it was written (which often
        holds your user name).

    Raises
    ------
    NotebookRunError
        If a notebook fails: the message names the notebook and the failing cell; the partial
        output notebook is kept in `out_dir`.
    """
    import papermill as pm
    from tqdm.auto import tqdm

    started = time.perf_counter()
    out = Path(out_dir).resolve()
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    src_dir = Path(source).resolve() if source is not None else notebooks_dir()
    result = RunResult(out_dir=out, index=out / "index.html")
    # Each notebook is converted to HTML in a second thread while the next one runs in its kernel
    # (another process), so the two cores both work; the notebooks themselves run one after another,
    # in order, because a later step may read what an earlier one wrote.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="to_html") as pool, \
            tempfile.TemporaryDirectory(prefix="ivk-") as sockets:  # mode 0700; short: a socket path has a limit
        pages = []
        for name in tqdm(notebooks, desc="notebooks", unit="nb", disable=not progress):
            target = out / name
            shown_out = os.path.relpath(files, src_dir) if relative_out else str(files)
            params = {**({"workbook": str(Path(workbook).resolve())} if workbook is not None else {}),
                      "today": today.isoformat(), "out_dir": shown_out, **dict((extra or {}).get(name, {}))}
            try:
                pm.execute_notebook(str(src_dir / name), str(target), parameters=params, cwd=str(src_dir),
                                    progress_bar=False, kernel_name="python3", log_output=False,
                                    config=_kernel_config(sockets))
            except pm.PapermillExecutionError as exc:
                raise NotebookRunError(
                    f"{name} failed at cell {exc.cell_index} (In [{exc.exec_count}]): {exc.ename}: "
                    f"{exc.evalue.splitlines()[0] if exc.evalue else ''}; partial output kept in {target}",
                    path=target) from None
            result.notebooks.append(target)
            pages.append(pool.submit(to_html, target))
        result.html.extend(page.result() for page in pages)
    write_index(result, today=today, title=title)
    result.seconds = time.perf_counter() - started
    return result


def _kernel_config(sockets: str) -> Any:
    """Kernel settings for headless runs: on POSIX, talk to the kernel over Unix sockets in
    `sockets` (a private temporary folder) rather than TCP ports on 127.0.0.1, which also spares
    the terminal ipykernel's warning about unencrypted TCP for every notebook."""
    from traitlets.config import Config

    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(sockets, "kernel")  # socket files: <ip>-<n>
    return config


def to_html(notebook: Path) -> Path:
    """Convert an executed notebook to a self-contained HTML page beside it (images embedded)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.log.setLevel(logging.ERROR)  # not "alternative text is missing" for every chart
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb = nbformat.read(notebook, as_version=4)
    # the page's <title> (the browser tab, a bookmark): the notebook's own heading, not "Notebook"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(notebook)}})
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def _title(notebook: Path) -> str:
    """The notebook's own title: the first heading of its first cell, else its file name."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    first = cells[0].source.splitlines()[0] if cells and cells[0].source else ""
    return first.lstrip("# ").strip() or notebook.stem


def write_index(result: RunResult, *, today: dt.date, title: str) -> Path:
    """Write ``index.html`` linking each notebook's page and every file the notebooks wrote."""
    out = result.out_dir
    esc = html.escape
    items = "\n".join(f'<li><a href="{esc(h.name)}">{esc(_title(nb))}</a></li>'
                      for nb, h in zip(result.notebooks, result.html, strict=True))
    extra = sorted(p for p in (out / "files").rglob("*") if p.is_file())
    listed = "\n".join(f'<li><a href="{esc(p.relative_to(out).as_posix())}">'
                       f'{esc(p.relative_to(out / "files").as_posix())}</a></li>' for p in extra)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} ({today.isoformat()})</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5}} h1{{font-size:1.5rem}} li{{margin:.2rem 0}}</style></head>
<body><h1>{esc(title)}</h1><p>For {today.strftime("%A %d %B %Y")}.</p>
<h2>Notebooks</h2><ul>
{items}
</ul>
<h2>Files to take away</h2>
{f"<ul>{listed}</ul>" if listed else "<p>None this time.</p>"}
</body></html>
"""
    result.index.write_text(page, encoding="utf-8")
    return result.index
