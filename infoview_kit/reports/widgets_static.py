"""Widgets on a static page: each form drawn as it stood when the notebook ran, from the recorded widget state."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The line under each drawn form (hidden in print): what the reader sees is a picture of a live form.
NOTE = "Interactive in JupyterLab; shown here as it stood when the report ran."

_esc = html.escape
_BOXES = {"VBoxModel": "column", "BoxModel": "column", "GridBoxModel": "column", "HBoxModel": "row"}
_CHOICES = {"DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectionSliderModel"}
_MULTI = {"SelectMultipleModel", "SelectionRangeSliderModel"}
_TEXTS = {"TextModel", "ComboboxModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel",
          "BoundedFloatTextModel", "IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "ColorPickerModel"}
#: Interactive only: nothing of them is drawn on a page.
_SKIP = {"ButtonModel", "FileUploadModel", "PlayModel", "ControllerModel", "PasswordModel"}


def static_widgets(nb: Any) -> int:
    """Replace every widget output of an executed notebook by a static HTML drawing of it; return how many.

    The drawing comes from the widget state papermill stored in the notebook's metadata: boxes, HTML and
    labels as they were, each field with its label and value, each choice with the chosen option, an
    Output widget's outputs. Buttons and uploads are left out. Text is escaped; an HTML widget's value
    is kept as the product wrote it (it escapes what it shows). The state itself is removed, so the page
    loads no widget script. A widget with nothing to draw becomes the one line :data:`NOTE`.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    drawn = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            body = _draw(state, str(view.get("model_id", "")), set())
            output["data"] = {"text/html": f'<div class="ivk-static-widget">{body}'
                                           f'<p class="ivk-static-note">{_esc(NOTE)}</p></div>',
                              "text/plain": NOTE}
            drawn += 1
    nb.metadata.pop("widgets", None)
    return drawn


def _ref(value: Any) -> str:
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else ""


def _hidden(models: Mapping[str, Any], s: Mapping[str, Any]) -> bool:
    layout = models.get(_ref(s.get("layout")), {}).get("state", {})
    return layout.get("display") == "none" or layout.get("visibility") == "hidden"


def _draw(models: Mapping[str, Any], model_id: str, seen: set[str]) -> str:
    """Draw one widget (and its children) as HTML; '' for what is hidden, interactive only or unknown."""
    model = models.get(model_id)
    if model is None or model_id in seen:
        return ""
    seen.add(model_id)
    name, s = model.get("model_name", ""), model.get("state", {})
    if name in _SKIP or _hidden(models, s):
        return ""
    if name in _BOXES or name in ("AccordionModel", "TabModel", "StackModel"):
        return _box(models, name, s, seen)
    draw = _LEAVES.get(name) or _field_for(name)
    return draw(s) if draw is not None else ""


def _box(models: Mapping[str, Any], name: str, s: Mapping[str, Any], seen: set[str]) -> str:
    children = [_ref(c) for c in s.get("children", [])]
    titles = list(s.get("titles", [])) + [""] * len(children)
    if name == "StackModel":
        index = s.get("selected_index")
        children = [children[index]] if isinstance(index, int) and 0 <= index < len(children) else []
    parts = []
    for child, title in zip(children, titles, strict=False):
        inner = _draw(models, child, seen)
        if inner:
            heading = f'<div class="ivk-w-title">{_esc(str(title))}</div>' if title and name != "StackModel" else ""
            parts.append(heading + inner)
    if not parts:
        return ""
    return f'<div class="ivk-w-{_BOXES.get(name, "column")}">{"".join(parts)}</div>'


def _label(s: Mapping[str, Any]) -> str:
    text = str(s.get("description") or "")
    return f'<span class="ivk-w-label">{_esc(text)}</span>' if text else ""


def _field(s: Mapping[str, Any], value: str, *, block: bool = False) -> str:
    cls = "ivk-w-value ivk-w-block" if block else "ivk-w-value"
    return f'<div class="ivk-w-field">{_label(s)}<span class="{cls}">{_esc(value)}</span></div>'


def _html(s: Mapping[str, Any]) -> str:
    value = str(s.get("value") or "")
    return f'<div class="ivk-w-html">{_label(s)}{value}</div>' if value or s.get("description") else ""


def _text_value(s: Mapping[str, Any]) -> str:
    value = s.get("value")
    return "" if value is None else str(value)


def _choice(s: Mapping[str, Any]) -> str:
    labels, index = list(s.get("_options_labels", [])), s.get("index")
    if isinstance(index, int) and 0 <= index < len(labels):
        return _field(s, str(labels[index]))
    return _field(s, "")


def _multi(s: Mapping[str, Any]) -> str:
    labels = list(s.get("_options_labels", []))
    picked = [str(labels[i]) for i in s.get("index") or [] if isinstance(i, int) and 0 <= i < len(labels)]
    return _field(s, "; ".join(picked))


def _date(s: Mapping[str, Any]) -> str:
    v = s.get("value")
    if not isinstance(v, Mapping):
        return _field(s, "")
    try:  # ipywidgets sends JavaScript's month, counted from 0
        return _field(s, dt.date(int(v["year"]), int(v["month"]) + 1, int(v["date"])).strftime("%a %d %b %Y"))
    except (KeyError, TypeError, ValueError):
        return _field(s, "")


def _time(s: Mapping[str, Any]) -> str:
    v = s.get("value")
    if not isinstance(v, Mapping):
        return _field(s, "")
    return _field(s, f"{int(v.get('hours', 0)):02d}:{int(v.get('minutes', 0)):02d}")


def _check(s: Mapping[str, Any]) -> str:
    return _field(s, "yes" if s.get("value") else "no")


def _progress(s: Mapping[str, Any]) -> str:
    low, high, value = s.get("min", 0) or 0, s.get("max", 100) or 100, s.get("value", 0) or 0
    share = 0.0 if high == low else max(0.0, min(1.0, (value - low) / (high - low)))
    return _field(s, f"{share:.0%}")


def _output(s: Mapping[str, Any]) -> str:
    return "".join(_one_output(o) for o in s.get("outputs", []) if isinstance(o, Mapping))


def _one_output(o: Mapping[str, Any]) -> str:
    kind = o.get("output_type")
    if kind == "stream":
        return f'<pre class="ivk-w-pre">{_esc(_joined(o.get("text")))}</pre>'
    if kind == "error":
        return f'<pre class="ivk-w-pre">{_esc(str(o.get("ename", "")))}: {_esc(str(o.get("evalue", "")))}</pre>'
    data = o.get("data", {})
    if "text/html" in data:
        return f'<div class="ivk-w-html">{_joined(data["text/html"])}</div>'
    if "image/png" in data:
        return f'<img alt="" src="data:image/png;base64,{_esc(_joined(data["image/png"]).strip())}">'
    if "text/plain" in data:
        return f'<pre class="ivk-w-pre">{_esc(_joined(data["text/plain"]))}</pre>'
    return ""


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _field_for(name: str) -> Callable[[Mapping[str, Any]], str] | None:
    if name in _CHOICES:
        return _choice
    if name in _MULTI:
        return _multi
    if name in _TEXTS:
        return lambda s: _field(s, _text_value(s))
    return None


_LEAVES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "HTMLModel": _html, "HTMLMathModel": _html,
    "LabelModel": lambda s: _field(s, _text_value(s)),
    "TextareaModel": lambda s: _field(s, _text_value(s), block=True),
    "CheckboxModel": _check, "ToggleButtonModel": _check, "ValidModel": _check,
    "DatePickerModel": _date, "TimeModel": _time,
    "IntProgressModel": _progress, "FloatProgressModel": _progress,
    "OutputModel": _output,
}

#: The look of the drawn forms (added to each page's style sheet).
CSS = """
.ivk-static-widget{border:1px solid #d0d7de;border-radius:4px;padding:.5rem .75rem;margin:.25rem 0}
.ivk-w-column{display:flex;flex-direction:column;gap:.3rem}
.ivk-w-row{display:flex;flex-direction:row;flex-wrap:wrap;gap:.3rem .75rem;align-items:baseline}
.ivk-w-field{display:flex;gap:.5rem;align-items:baseline}
.ivk-w-label{color:#57606a;min-width:6rem}
.ivk-w-value{border-bottom:1px solid #d0d7de;min-width:4rem;padding:0 .2rem}
.ivk-w-block{display:block;white-space:pre-wrap;border:1px solid #d0d7de;padding:.3rem;flex:1}
.ivk-w-title{font-weight:600;margin-top:.4rem}
.ivk-w-pre{white-space:pre-wrap;margin:0}
.ivk-static-note{color:#57606a;font-size:.85em;margin:.4rem 0 0}
"""
