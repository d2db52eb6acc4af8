"""Pages for people: a notebook run as HTML with code hidden, forms drawn, no machine path, ready to print."""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import tempfile
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infoview_kit.reports.widgets_static import CSS as WIDGET_CSS
from infoview_kit.reports.widgets_static import static_widgets

#: The print style sheet every page of a report carries (A4 and Letter alike: the margins fit both).
PRINT_CSS = """
@page{size:auto;margin:15mm 14mm}
@media print{
  html,body{background:#fff!important}
  body{font-size:10.5pt;margin:0 auto!important}
  .jp-Notebook,main{padding:0!important;margin:0!important}
  .jp-Cell{padding:0!important;margin:0 0 .35rem 0!important}
  .jp-OutputArea-output img,figure,table,.jp-RenderedImage,.ivk-static-widget,.ivk-brief,
  .jp-RenderedHTMLCommon table,.ivk-w-field{break-inside:avoid;page-break-inside:avoid}
  .jp-RenderedImage img,.jp-OutputArea-output img{max-width:100%!important;height:auto!important}
  h1,h2,h3{break-after:avoid;page-break-after:avoid}
  .jp-RenderedHTMLCommon table{font-size:9pt}
  .jp-OutputArea-output pre{white-space:pre-wrap;word-break:break-word}
  .ivk-static-note,.ivk-screen-only,a.anchor-link,.jp-InputPrompt,.jp-OutputPrompt{display:none!important}
  a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em;color:#555}
}
"""


def display_paths(out_dir: Path, *, workbook: Path | None = None, source: Path | None = None,
                  root: Path | None = None, more: Mapping[str, str] | None = None) -> dict[str, str]:
    """What each absolute path of this machine is called on a page, longest first.

    The report's own folder and its ``files/`` become relative (``files/…``), the workbook its file
    name, the notebooks' folder ``notebooks``; the project, this Python, the temporary folder and the
    home folder become a word in square brackets or ``~`` (no character HTML would read as markup,
    since the names replace text inside HTML outputs too).
    """
    names: dict[str, str] = dict(more or {})
    if workbook is not None:
        names[str(workbook)] = workbook.name
        names[str(workbook.parent)] = "[workbook folder]"
    names.update({str(out_dir / "files"): "files", str(out_dir): "."})
    if source is not None:
        names[str(source)] = "notebooks"
    if root is not None:
        names[str(root)] = "[project]"
    names.update({sys.prefix: "[python]", sys.base_prefix: "[python]", tempfile.gettempdir(): "[tmp]",
                  str(Path.home()): "~"})
    variants: dict[str, str] = {}
    for path, name in names.items():
        if len(path) > 1:  # never "/"
            for form in (path, os.path.realpath(path)):
                for shown in ("file://" + urllib.parse.quote(form), "file://" + form, urllib.parse.quote(form), form):
                    variants.setdefault(shown, name)
    return dict(sorted(variants.items(), key=lambda kv: -len(kv[0])))


def scrub(text: str, paths: Mapping[str, str]) -> str:
    """Replace each absolute path of `paths` in `text` by its name for the page (whole path segments
    only: ``/tmp`` is not replaced inside ``/tmpfiles`` or ``example.org/tmp``)."""
    if not paths:
        return text
    pattern, names = _pattern(tuple(paths.items()))
    return pattern.sub(lambda m: names[m.group(0)], text)


@functools.lru_cache(maxsize=8)
def _pattern(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    names = dict(items)
    alternatives = "|".join(re.escape(path) for path in sorted(names, key=len, reverse=True))
    # not inside a word or a web address ("example.org/tmp"), but after "../" (a relative path up to it)
    return re.compile(rf"(?<![\w-])(?<!\w\.)(?:{alternatives})(?![\w.-])"), names


def scrub_notebook(nb: Any, paths: Mapping[str, str]) -> None:
    """Scrub every cell's source and every text of every output (tracebacks too) in place."""
    for cell in nb.cells:
        cell.source = scrub(cell.source, paths)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = scrub(_joined(output["text"]), paths)
            if "traceback" in output:
                output["traceback"] = [scrub(line, paths) for line in output["traceback"]]
            if "evalue" in output:
                output["evalue"] = scrub(output["evalue"], paths)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") or mime in ("application/json", "image/svg+xml"):
                    output["data"][mime] = scrub(_joined(value), paths) if isinstance(value, str | list) else value


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


_OFFLINE_TEMPLATE = """{%- extends "index.html.j2" -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def to_html(notebook: Path, *, show_code: bool = False, paths: Mapping[str, str] | None = None) -> Path:
    """Convert an executed notebook to a self-contained HTML page beside it (images embedded).

    The page is for people: code cells are hidden unless `show_code`; every widget is drawn as it
    stood (:func:`widgets_static.static_widgets`); each path of `paths` (see :func:`display_paths`)
    is replaced by its name; and a print style sheet keeps figures and tables whole on A4 or Letter.
    The executed ``.ipynb`` beside it is left as it ran.
    """
    import nbformat
    from nbconvert import HTMLExporter

    from jinja2 import DictLoader

    # the lab template without the scripts it fetches from a CDN (require.js, MathJax, Mermaid): the page shows
    # no widget (each is drawn as it stood), no maths and no diagram, so it works offline and loads nothing
    offline = DictLoader({"infoview_page.html.j2": _OFFLINE_TEMPLATE})
    exporter = HTMLExporter(template_name="lab", extra_loaders=[offline], template_file="infoview_page.html.j2")
    exporter.log.setLevel(logging.ERROR)  # not "alternative text is missing" for every chart
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_input = not show_code
    nb = nbformat.read(notebook, as_version=4)
    title = _title(nb, notebook)
    static_widgets(nb)
    scrub_notebook(nb, paths or {})
    # the page's <title> (the browser tab, a bookmark): the notebook's own heading, not "Notebook"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    style = f'<style type="text/css">{WIDGET_CSS}{PRINT_CSS}</style>\n'
    body = body.replace("</head>", style + "</head>", 1)
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def _title(nb: Any, notebook: Path) -> str:
    """The notebook's own title: the first heading of its first cell, else its file name."""
    cells = nb.cells
    first = cells[0].source.splitlines()[0] if cells and cells[0].source else ""
    return first.lstrip("# ").strip() or notebook.stem


def notebook_title(notebook: Path) -> str:
    """The title of a notebook file (its first heading, else its file name)."""
    import nbformat

    return _title(nbformat.read(notebook, as_version=4), notebook)
