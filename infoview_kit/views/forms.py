"""The machinery every step's widgets share (forms, status lines, the person picker) and the start page's forms."""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets

from infoview_kit.base.errors import InfoviewError
from infoview_kit.find.people import matching, most_relevant_first, searchable

if TYPE_CHECKING:
    import pandas as pd

    from infoview_kit.workbook import Workbook

log = logging.getLogger("infoview_kit")

_LAYOUT = {"width": "28rem"}
_STYLE = {"description_width": "9rem"}


def _text(description: str, placeholder: str = "") -> w.Text:
    return w.Text(description=description, placeholder=placeholder, layout=_LAYOUT, style=_STYLE)


_OK = '<span style="color:#00703c">{}</span>'
_ERROR = '<span style="color:#b00020">{}</span>'


def run_with_status(status: w.HTML, action: Callable[[], str]) -> None:
    """Run what a button does and show the outcome in `status`, escaped: its message, the
    InfoviewError's message, or for a bug the unexpected error (also logged). In JupyterLab an
    exception in a widget callback is otherwise lost silently."""
    try:
        message = action()
    except InfoviewError as exc:
        status.value = _ERROR.format(html.escape(str(exc)))
    except Exception as exc:
        log.exception("a widget's action failed")
        status.value = _ERROR.format(html.escape(f"Unexpected error: {type(exc).__name__}: {exc}"))
    else:
        status.value = _OK.format(html.escape(message))


def watch(root: w.Widget, wb: Workbook, reload: Callable[[], object]) -> Callable[[], None]:
    """Subscribe `reload` to every change of `wb` (:meth:`Workbook.on_change`) for as long as `root`
    is shown; return a function that ends it for good.

    ipywidgets keeps every widget alive, so a form drawn by a cell that was run again would
    otherwise go on reloading after every write. The front end counts the views of `root`
    (``_view_count``): when the last one goes (the cell was re-run or cleared) the form stops
    listening, and when it is shown again it re-reads and listens again. Headless (papermill,
    tests), no view is ever counted and the form listens from the start.
    """
    state: dict[str, Callable[[], None] | None] = {"unsubscribe": wb.on_change(reload)}
    ended = False

    def seen(change: dict[str, Any]) -> None:
        if ended:
            return
        if not change["new"] and state["unsubscribe"] is not None:
            state["unsubscribe"]()
            state["unsubscribe"] = None
        elif change["new"] and state["unsubscribe"] is None:
            state["unsubscribe"] = wb.on_change(reload)
            reload()  # what changed while it was not shown

    def end() -> None:
        nonlocal ended
        ended = True
        if state["unsubscribe"] is not None:
            state["unsubscribe"]()
            state["unsubscribe"] = None

    if root._view_count is None:
        root._view_count = 0
    root.observe(seen, names="_view_count")
    return end


def download_link(name: str, data: bytes, mime: str = "application/octet-stream") -> Any:
    """A link that saves `data` as the file `name` from the browser, in JupyterLab and in the app
    (a ``data:`` link: nothing is written on the machine). Returns an ``IPython.display.HTML``."""
    import base64

    from IPython.display import HTML

    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return HTML(f'<a download="{html.escape(name, quote=True)}" href="{html.escape(href, quote=True)}" '
                f'style="color:#0b57d0;text-decoration:underline">Download {html.escape(name)}</a>')


def take_away(name: str, data: bytes, mime: str, out_dir: str | os.PathLike[str] | None = None) -> Any:
    """A file to take away: written into `out_dir` when one is given (a report run), else offered as
    a :func:`download_link` (JupyterLab, the app). Returns what to show, an ``IPython.display.HTML``."""
    from pathlib import Path

    from IPython.display import HTML

    if not out_dir:
        return download_link(name, data, mime)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return HTML(f"Written: <code>{html.escape(name)}</code>, beside the report.")


class _Form:
    """A form: controls, a button, and a status line that shows the result or the error."""

    def __init__(self, title: str, controls: list[w.Widget], button: str,
                 extra: dict[str, Callable[[], str]] | None = None) -> None:
        self._button = w.Button(description=button, button_style="primary", icon="check", layout={"width": "auto"})
        self._status = w.HTML()
        buttons = [self._button]
        for label, action in (extra or {}).items():
            b = w.Button(description=label, layout={"width": "auto"})
            b.on_click(lambda _b, act=action: self._run(act))
            buttons.append(b)
        self._root = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), *controls, w.HBox(buttons), self._status])
        self._button.on_click(lambda _b: self._run(self.submit))

    def _run(self, action: Callable[[], str]) -> None:
        run_with_status(self._status, action)

    def _watch(self, wb: Workbook) -> None:
        """Re-read what the form shows after any write to `wb`, from any view or call
        (:meth:`Workbook.on_change`): call once the controls exist."""
        self._unwatch = watch(self._root, wb, self.reload)

    def reload(self) -> None:
        """Re-read from the workbook whatever the form shows (options, counts, stored values)."""

    def submit(self) -> str:
        """Do what the button does; return the message for the status line."""
        raise NotImplementedError

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return self._status.value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._root._repr_mimebundle_(**kwargs)


def _show(widget: w.Widget, shown: bool) -> None:
    widget.layout.display = "" if shown else "none"


def person_line(wb: Workbook, contact_id: int) -> str:
    """Return how a contact is named in a status line, read from the workbook:
    "Tanya Brookes, Data Analyst at Cobalt (contact 16)"."""
    c = wb.contact(contact_id)
    name = " ".join(str(x) for x in (c["first_name"], c["last_name"]) if x) or c["email"] or "?"
    job = " at ".join(str(x) for x in (c["position"], c["company"]) if x)
    return f"{name}{', ' + job if job else ''} (contact {c['id']})"


class _Confirm(w.VBox):
    """A question under a form's buttons with a button per answer; hidden until asked."""

    def __init__(self, run: Callable[[Callable[[], str]], None]) -> None:
        self._run = run
        self._question = w.HTML()
        self._buttons = w.HBox()
        super().__init__([self._question, self._buttons],
                         layout={"display": "none", "border": "1px solid #b26b00", "padding": "0.4rem",
                                 "margin": "0.3rem 0", "width": "fit-content"})
        self.answers: dict[str, w.Button] = {}

    def ask(self, question: str, answers: dict[str, Callable[[], str]]) -> None:
        """Show `question` (plain text, escaped here) and one button per answer; an answer closes it."""
        self._question.value = (f'<div style="white-space:pre-wrap;max-width:44rem">'
                                f"{html.escape(question)}</div>")
        self.answers = {}
        for i, (label, action) in enumerate(answers.items()):
            b = w.Button(description=label, button_style="warning" if i == 0 else "", layout={"width": "auto"})
            b.on_click(lambda _b, act=action: self._answer(act))
            self.answers[label] = b
        self._buttons.children = tuple(self.answers.values())
        _show(self, True)

    def _answer(self, action: Callable[[], str]) -> None:
        self.dismiss()
        self._run(action)

    def dismiss(self) -> None:
        """Take the question away."""
        self.answers = {}
        self._buttons.children = ()
        _show(self, False)

    @property
    def asking(self) -> bool:
        """True while a question waits for an answer."""
        return bool(self.answers)


class ProfileForm(_Form):
    """Your profile, which every later step reads: calls :meth:`Workbook.set_profile`."""

    _LABELS = {
        "name": "Your name", "email": "Your email", "status": "Status",
        "school_status": "You are currently", "current_employer": "Working at", "target_industry": "Target industry",
        "target_roles": "Target roles", "change_wanted": "The change you want", "schools": "Schools",
        "employers": "Former employers", "city": "City", "region": "Region", "interests": "Interests",
        "groups": "Groups", "signature": "Email signature", "country": "Country (holidays)",
        "timezone": "Time zone",
    }
    _HINTS = {
        "school_status": "a recent Economics graduate of Lakeside University",
        "change_wanted": "get into the data analytics industry", "target_roles": "comma-separated",
        "schools": "comma-separated", "employers": "comma-separated", "interests": "comma-separated",
        "groups": "comma-separated", "country": "ISO code, e.g. US, GB, DE", "timezone": "e.g. America/Chicago",
    }

    def __init__(self, wb: Workbook) -> None:
        from infoview_kit.store import PROFILE_FIELDS, PROFILE_STATUSES

        self._wb = wb
        profile = wb.profile()
        self._fields: dict[str, w.ValueWidget] = {}
        for key, kind in PROFILE_FIELDS.items():
            value = profile.get(key)
            text = ", ".join(value or []) if kind == "list" else (value or "")
            if key == "status":
                ctl = w.Dropdown(options=[*((s, s) for s in PROFILE_STATUSES), ("-", "")],
                                 value=text if text in PROFILE_STATUSES else "")
            elif key == "signature":
                ctl = w.Textarea(value=text)
            else:
                ctl = w.Text(value=text, placeholder=self._HINTS.get(key, ""))
            ctl.description, ctl.layout, ctl.style = self._LABELS[key], w.Layout(**_LAYOUT), _STYLE
            self._fields[key] = ctl
        super().__init__("Your profile", list(self._fields.values()), "Save profile")

    def submit(self) -> str:
        """Save every field of the form (lists are comma-separated)."""
        before = self._wb.profile()
        after = self._wb.set_profile(**{k: c.value for k, c in self._fields.items()})
        for key, ctl in self._fields.items():  # show what is stored (trimmed, lower-cased email, lists)
            value = after.get(key)
            ctl.value = ", ".join(value or []) if isinstance(value, list) else (value or "")
        changed = [self._LABELS[k] for k in after if after[k] != before.get(k)]
        if not changed:
            return "Nothing changed."
        return f"Profile saved: {', '.join(changed)}."


class PersonPicker(w.VBox):
    """Type to find a person: a search box over name, company, position and email, and under it
    the best matches, most relevant first (the person being worked on, people with something due,
    pinned people, people on your outreach list by latest activity, then everyone by name).

    Scales to tens of thousands of contacts: only `limit` matches are ever sent to the browser.
    ``value`` is the chosen contact id (observe it with ``picker.observe(f, names="value")``).
    Choosing someone makes them the workbook's current person (:meth:`Workbook.set_current`),
    and the picker follows the current person when another view changes it, unless something is typed in
    its search box: then the search and the choice made from it are the person's own, and a change made
    elsewhere (another form, or a notebook's later cells still opening) does not wipe them. Empty the
    search box and the picker follows again.

    Parameters
    ----------
    wb
        The workbook.
    value
        The contact shown first; default the workbook's current person.
    description
        The label in front of the search box.
    where
        Which people may be chosen: a function of :meth:`Workbook.directory` returning a boolean
        mask (default everyone not excluded).
    limit
        How many matches to list.
    follow_current
        Switch to the current person when another view changes it, and set it when chosen.
    """

    value = traitlets.Int(None, allow_none=True)

    def __init__(self, wb: Workbook, value: int | None = None, *, description: str = "Person",
                 where: Callable[[pd.DataFrame], Any] | None = None, limit: int = 8,
                 follow_current: bool = True) -> None:
        self._wb = wb
        self._where = where
        self._limit = limit
        self._follow = follow_current
        self._people: pd.DataFrame | None = None
        self._syncing = False
        self._search = w.Text(description=description, placeholder="type a name, company or email",
                              continuous_update=True, layout=_LAYOUT, style=_STYLE)
        self._list = w.Select(options=[], rows=min(limit, 6), layout={"width": "28rem", "margin": "0 0 0 9.5rem"})
        self._more = w.HTML(layout={"margin": "0 0 0 9.5rem"})
        super().__init__([self._search, self._list, self._more])
        self._load()
        start = value if value is not None else (wb.current()["contact_id"] if follow_current else None)
        self._show(keep=start)
        self._search.observe(lambda _c: self._show(keep=self.value), names="value")
        self._list.observe(self._chosen, names="value")
        self._unwatch = watch(self, wb, self.reload)

    def _load(self) -> None:
        import numpy as np
        import pandas as pd

        seen = self._wb.changes()
        if seen == getattr(self, "_seen", None) and None not in seen:
            return  # no contact, follow-up or funnel step changed: the list stands
        self._seen = seen
        shared: dict[str, Any] = self._wb.__dict__.setdefault("_picker_lists", {})
        if self._where is None and shared.get("seen") == seen and None not in seen:
            self._people = shared["people"]  # another picker of this page listed them after this write
            return
        df = self._wb.directory()
        if self._where is not None:
            df = df[pd.Series(self._where(df), index=df.index).astype(bool).to_numpy()]
        else:
            df = df[~df["excluded"].to_numpy()]
        # what depends on the contacts alone (the text searched, the name part of each label, the order by
        # name) is made once per change to the contacts and shared by the pickers of a page
        static = shared.get("static") if self._where is None else None
        if static is None or static[0] != seen[0] or None in seen or len(static[1]) != len(df):
            static = (seen[0], df["id"].to_numpy(), *searchable(df))
            if self._where is None:
                shared["static"] = static
        _, ids, base, hay_all, name_rank = static
        stages = df["stage"].to_numpy(dtype=np.int64)
        suffix = np.array(["", *(f" · {label}" for label in _STAGE_LABELS)], dtype=object)
        labels = base + suffix[stages + 1]
        idx = most_relevant_first(df, name_rank)
        self._people = pd.DataFrame({"id": ids[idx], "label": labels[idx],
                                     "hay": pd.Series(hay_all[idx], dtype=object)})
        if self._where is None:
            shared.update(seen=seen, people=self._people)

    def _matches(self) -> pd.DataFrame:
        assert self._people is not None
        return matching(self._people, self._search.value)

    def _show(self, keep: int | None) -> None:
        """List the best matches of the search, keeping `keep` (a contact id) first when it is one of them."""
        found = self._matches()
        top = found.head(self._limit)
        options = [(str(label), int(i)) for i, label in zip(top["id"], top["label"], strict=True)]
        if keep is not None and keep not in top["id"].to_numpy():
            row = found[found["id"] == keep]
            if not row.empty:
                options = [(str(row["label"].iloc[0]), int(keep)), *options[: self._limit - 1]]
        elif keep is not None:
            options.sort(key=lambda o: o[1] != keep)
        self._syncing = True
        try:
            self._list.options = options
            self._list.value = keep if keep in [o[1] for o in options] else None
        finally:
            self._syncing = False
        extra = len(found) - len(options)
        self._more.value = (f"<small>{extra} more match: type more to narrow the list.</small>" if extra > 0 else
                            "<small>Nobody matches: try part of a name or company.</small>" if not options
                            else "")
        self.value = self._list.value

    def _chosen(self, change: dict[str, Any]) -> None:
        if self._syncing or change["new"] is None:
            return
        self.value = int(change["new"])
        if self._follow:
            self._wb.set_current(contact_id=self.value)

    def reload(self) -> None:
        """Re-read the people (names, stages, what is due) and follow the current person."""
        self._load()
        keep = self.value
        if self._follow and not self._search.value.strip():  # a search being typed is the person's: kept
            current = self._wb.current()["contact_id"]
            if current is not None:
                keep = current
        self._show(keep=keep)

    def choose(self, contact_id: int | None) -> None:
        """Show `contact_id` as the chosen person (as clicking their name would)."""
        if contact_id is None:
            self._show(keep=None)
            return
        self._search.value = ""
        self._show(keep=int(contact_id))
        if self.value is not None and self._follow:
            self._wb.set_current(contact_id=self.value)

    @property
    def search(self) -> w.Text:
        """The search box (to type into)."""
        return self._search

    @property
    def matches(self) -> list[tuple[str, int]]:
        """The matches listed now, as (label, contact id)."""
        return list(self._list.options)


_STAGE_LABELS = ("chosen", "researched", "emailed", "replied", "met", "thanked", "kept in touch")


class WidgetCheck(_Form):
    """A button that shows widgets work here: the click reaches Python, which takes the workbook's
    write lock (changing nothing) and answers in the status line."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self.clicks = 0
        intro = w.HTML("Press the button. If a green line appears under it, forms work here and can save to "
                       "your workbook. If you see no button, or <i>Loading widget...</i>, see the note above.")
        super().__init__("Do forms work here?", [intro], "Check forms")

    def submit(self) -> str:
        """Check that the workbook takes a write (an empty transaction) and say so."""
        with self._wb.transaction():
            pass
        self.clicks += 1
        return f"Forms work, and your workbook ({self._wb.path.name}) can be saved to."
