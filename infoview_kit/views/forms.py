"""Forms for the human path (ipywidgets): views only; every button calls a Workbook method."""

from __future__ import annotations

import html
import json
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets

from infoview_kit.base.errors import InfoviewError
from infoview_kit.base.text import HOW_KNOWN
from infoview_kit.store import RESEARCH_KINDS

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


def _everyone(df: pd.DataFrame) -> Any:
    return df["id"] >= 0


class ContactForm(_Form):
    """Add a person, or edit or delete one: :meth:`Workbook.add_contact`,
    :meth:`Workbook.update_contact`, :meth:`Workbook.forget`.

    *Add a new person* clears the form after a save; *Edit someone* opens the person chosen in
    the picker (every field) and stays on them. A save whose details are someone else's (same
    email, same profile link, or same name and company: :meth:`Workbook.same_person`) asks
    first and writes nothing until answered. Status lines are read back from the workbook.
    """

    _FIELDS = ("first_name", "last_name", "company", "position", "email", "how_known", "where_found",
               "profile_url", "notes")
    ADD, EDIT = "Add a new person", "Edit someone"

    def __init__(self, wb: Workbook, *, mode: str = ADD) -> None:
        self._wb = wb
        self.last_id: int | None = None
        self._mode = w.ToggleButtons(options=[self.ADD, self.EDIT], value=mode, style={"button_width": "auto"})
        self._picker_w: PersonPicker | None = None  # built when first needed: Add needs none
        self._picker_box = w.VBox()
        self._first = _text("First name")
        self._last = _text("Last name")
        self._company = _text("Company")
        self._position = _text("Position", "e.g. Data Analyst, Technical Recruiter")
        self._email = _text("Email")
        self._how = w.Dropdown(description="How you know them", options=[("-", None), *((h, h) for h in HOW_KNOWN)],
                               value="friend of a friend", layout=_LAYOUT, style=_STYLE)
        self._where = _text("Where found", "e.g. alumni event, Mastodon, cousin's wedding")
        self._url = _text("Profile link")
        self._notes = w.Textarea(description="Notes", layout=_LAYOUT, style=_STYLE)
        self._controls: dict[str, w.ValueWidget] = dict(zip(self._FIELDS, (
            self._first, self._last, self._company, self._position, self._email, self._how, self._where,
            self._url, self._notes), strict=True))
        self._loaded: dict[str, Any] = self._values()
        self._record: int | None = None  # the person whose stored record the form shows (Edit)
        self._drafts: dict[str, tuple[int | None, dict[str, Any], dict[str, Any]]] = {}  # unsaved, per mode
        super().__init__("Add or edit a person you know", [self._mode, self._picker_box, *self._controls.values()],
                         "Add contact", extra={"Clear": self.clear, "Delete…": self.ask_delete})
        self._confirm = _Confirm(self._run)
        buttons = self._root.children[-2]
        self._clear_button, self._delete_button = buttons.children[1], buttons.children[2]
        self._root.children = (*self._root.children[:-1], self._confirm, self._root.children[-1])
        self._mode.observe(self._mode_changed, names="value")
        self._mode_changed()
        self._watch(wb)

    @property
    def _picker(self) -> PersonPicker:
        """Whom to edit: a :class:`PersonPicker` over everyone (excluded people too)."""
        if self._picker_w is None:
            self._picker_w = PersonPicker(self._wb, self._wb.current()["contact_id"], description="Whom to edit",
                                          where=_everyone, follow_current=False)
            self._picker_w.observe(self._picked, names="value")
            self._picker_box.children = (self._picker_w,)
        return self._picker_w

    # ------------------------------------------------------------ what the form holds
    def _values(self) -> dict[str, Any]:
        return {k: c.value for k, c in self._controls.items()}

    def _fields(self) -> dict[str, str | None]:
        return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in self._values().items()}

    def _fill(self, values: dict[str, Any]) -> None:
        for k, c in self._controls.items():
            v = values.get(k)
            if k == "how_known":
                c.value = v if v in HOW_KNOWN else None
            else:
                c.value = "" if v is None else str(v)
        self._loaded = self._values()

    @property
    def dirty(self) -> bool:
        """True if something typed is not saved yet."""
        return self._values() != self._loaded

    def _editing(self) -> int | None:
        return self._picker.value if self._mode.value == self.EDIT else None

    def _mode_changed(self, change: dict[str, Any] | None = None) -> None:
        """Switch between Add and Edit. Unsaved text of the mode left is kept for when you come
        back to it (nothing typed is dropped), never carried into the other mode."""
        if change is not None and self.dirty:
            self._drafts[change["old"]] = (self._record, self._values(), self._loaded)
        elif change is not None:
            self._drafts.pop(change["old"], None)
        edit = self._mode.value == self.EDIT
        _show(self._picker_box, edit)
        _show(self._delete_button, edit)
        self._button.description = "Save changes" if edit else "Add contact"
        self._confirm.dismiss()
        draft = self._drafts.pop(self._mode.value, None)
        target = self._picker.value if edit else None
        if draft is not None and draft[0] == target:
            self._record = draft[0]
            for k, c in self._controls.items():
                c.value = draft[1][k]
            self._loaded = draft[2]
        elif target is not None:
            self._open(target)
        else:
            self._record = None
            self._fill(self._blank())

    def _blank(self) -> dict[str, Any]:
        return {"how_known": "friend of a friend"}

    def _picked(self, change: dict[str, Any]) -> None:
        new = change["new"]
        if new is None or self._mode.value != self.EDIT or new == self._record:
            return
        if self.dirty and self._record is not None:  # changes to the person shown: ask before dropping them
            old = self._record
            self._confirm.ask(f"Your changes to {self._wb._name_of(old)} are not saved. Open "
                              f"{self._wb._name_of(new)} anyway?",
                              {"Open them (drop my changes)": lambda: self._switch(int(new)),
                               "Keep editing": lambda: self._stay(old)})
            return
        self._switch(int(new))

    def _switch(self, contact_id: int) -> str:
        self._confirm.dismiss()
        self._open(contact_id)
        self._wb.set_current(contact_id=contact_id)
        return f"Opened {person_line(self._wb, contact_id)}."

    def _stay(self, contact_id: int) -> str:
        self._picker.choose(contact_id)
        return f"Still editing {self._wb._name_of(contact_id)}: nothing saved yet."

    def _open(self, contact_id: int, *, keep_typed: bool = False) -> None:
        """Show the stored record of `contact_id`; with `keep_typed`, what was typed (non-empty) stays on top."""
        typed = {k: v for k, v in self._values().items() if isinstance(v, str) and v.strip()}
        self._fill(self._wb.contact(contact_id))
        self._record = contact_id
        if keep_typed:
            for k, v in typed.items():
                if k != "how_known":
                    self._controls[k].value = v

    def reload(self) -> None:
        """Re-read the record being edited, unless something typed is not saved yet."""
        cid = self._editing()
        if cid is None or self.dirty or self._confirm.asking:
            return
        try:
            self._open(cid)
        except InfoviewError:  # deleted elsewhere
            self._fill(self._blank())

    # ------------------------------------------------------------ actions
    def submit(self) -> str:
        """Add the person (Add) or save every field of the person being edited (Edit); asks first
        when the details are someone else's."""
        f = self._fields()
        cid = self._editing()
        if self._mode.value == self.EDIT and cid is None:
            raise InfoviewError("choose whom to edit first: type part of their name above")
        from infoview_kit.base.text import clean_contact_fields

        clean_contact_fields(**{k: v for k, v in f.items() if k != "how_known"})  # bad input: say so, write nothing
        other = self._wb.same_person(f["first_name"], f["last_name"], email=f["email"], company=f["company"],
                                     profile_url=f["profile_url"], exclude=cid)
        if other is not None:
            oid, why = other
            who = self._wb._name_of(oid)
            self._confirm.ask(
                f"This is {who}, already in your workbook (contact {oid}: {why}). Open them to edit, with what "
                "you typed on top?", {"Open them to edit": lambda: self.open_existing(oid), "Cancel": self.cancel})
            return f"Nothing saved yet: this is {who} (contact {oid}: {why}). Choose below."
        if cid is None:
            self.last_id = self._wb.add_contact(
                f["first_name"] or "", f["last_name"] or "", company=f["company"], position=f["position"],
                email=f["email"], how_known=f["how_known"], where_found=f["where_found"],
                profile_url=f["profile_url"], notes=f["notes"])
            self._fill(self._blank())
            return f"Added {person_line(self._wb, self.last_id)}."
        changed = self._wb.update_contact(cid, **f)
        self.last_id = cid
        self._open(cid)
        if not changed:
            return f"Nothing changed: {person_line(self._wb, cid)}."
        names = ", ".join(k.replace("_", " ") for k in changed)
        return f"Saved {person_line(self._wb, cid)}: changed {names}."

    def open_existing(self, contact_id: int) -> str:
        """Edit `contact_id`, keeping what was typed on top of their stored record."""
        typed = {k: v for k, v in self._values().items() if isinstance(v, str) and v.strip() and k != "how_known"}
        self._loaded = self._values()  # what was typed is carried over, not dropped: no question
        self._picker.choose(contact_id)
        self._mode.value = self.EDIT
        self._fill(self._wb.contact(contact_id))
        self._record = contact_id
        for k, v in typed.items():
            self._controls[k].value = v
        self._wb.set_current(contact_id=contact_id)
        return (f"Opened {person_line(self._wb, contact_id)} with what you typed on top: "
                "check the fields and press Save changes.")

    def cancel(self) -> str:
        """Answer No to a question: nothing is saved."""
        return "Nothing saved."

    def clear(self) -> str:
        """Empty the form (Add) or show the stored record again (Edit)."""
        self._confirm.dismiss()
        cid = self._editing()
        if cid is not None:
            self._open(cid)
            return "Back to what is stored."
        self._fill(self._blank())
        return "Cleared."

    def ask_delete(self) -> str:
        """Show what deleting the person being edited removes (:meth:`Workbook.forget`, dry run), and ask."""
        cid = self._editing()
        if cid is None:
            raise InfoviewError("choose whom to delete first (Edit someone)")
        plan = self._wb.forget(cid, dry_run=True)
        self._confirm.ask(f"{plan}\nDelete them for good?", {"Yes, delete": lambda: self.delete(cid),
                                                              "Cancel": self.cancel})
        return "Nothing deleted yet: read what would go, then choose below."

    def delete(self, contact_id: int) -> str:
        """Delete the person for good (:meth:`Workbook.forget`)."""
        done = self._wb.forget(contact_id)
        self._fill(self._blank())
        self._record = None
        self._picker.choose(None)
        return str(done).splitlines()[0]


def fact_line(item: dict[str, Any] | Any) -> str:
    """Return how a research fact is named in a list or a status line: 'accomplishment: "Won the
    Data Prize" (Cobalt, 2021-2023)'."""
    def get(key: str) -> str:
        v = item.get(key) if isinstance(item, dict) else item[key]
        return "" if v is None or _isna(v) else str(v)

    span = "-".join(x for x in (get("start"), get("end")) if x)
    more = ", ".join(x for x in (get("organization"), get("outlet"), span) if x)
    return f'{get("kind")}: "{get("title")}"' + (f" ({more})" if more else "")


class ResearchForm(_Form):
    """Add, edit or delete researched facts about a person: :meth:`Workbook.add_research`,
    :meth:`Workbook.update_research`, :meth:`Workbook.delete_research`.

    The person is the picker's (it opens on the workbook's current person and a save does not
    switch it). Choose *(a new fact)* to add one (the form clears after the save), or a fact of
    the list to edit it (the form stays on it) or delete it (asks first).
    """

    NEW = "(a new fact)"

    def __init__(self, wb: Workbook, contact_id: int | None = None) -> None:
        self._wb = wb
        self.last_id: int | None = None
        self._person = PersonPicker(wb, contact_id, description="Person")
        self._facts = w.Select(description="Facts", options=[(self.NEW, None)], value=None, rows=5,
                               layout={"width": "44rem"}, style=_STYLE)
        self._kind = w.Dropdown(description="Kind", options=RESEARCH_KINDS, value="accomplishment",
                                layout=_LAYOUT, style=_STYLE)
        self._title = _text("Title or fact", "role, degree, accomplishment, article title...")
        self._org = _text("Organization")
        self._outlet = _text("Outlet", "for an article or talk: journal, blog, conference")
        self._start = _text("From / date", "2021, 2021-03, 2025-03-04 or Mar 2021")
        self._end = _text("To", "for a role or degree; empty if current")
        self._url = _text("Link", "paste the article's or profile's link")
        self._relation = w.Dropdown(description="Article is", options=[("-", None), ("by them", "by"),
                                                                       ("about them", "about")],
                                    layout=_LAYOUT, style=_STYLE)
        self._notes = w.Textarea(description="Notes", layout=_LAYOUT, style=_STYLE)
        self._controls: dict[str, w.ValueWidget] = {
            "kind": self._kind, "title": self._title, "organization": self._org, "outlet": self._outlet,
            "start": self._start, "end": self._end, "link": self._url, "relation": self._relation,
            "notes": self._notes}
        self._loaded = self._values()
        super().__init__("Research notes", [self._person, self._facts, *self._controls.values()], "Add fact",
                         extra={"New fact": self.new_fact, "Delete fact…": self.ask_delete})
        self._confirm = _Confirm(self._run)
        self._delete_button = self._root.children[-2].children[2]
        self._root.children = (*self._root.children[:-1], self._confirm, self._root.children[-1])
        self._shown_person = self._person.value
        self._fact_shown: int | None = None
        self._list_facts()
        self._person.observe(self._person_changed, names="value")
        self._facts.observe(self._fact_chosen, names="value")
        self._open_fact(None)
        self._watch(wb)

    @property
    def contact_id(self) -> int | None:
        """The person whose facts the form shows."""
        return self._person.value

    @property
    def fact_id(self) -> int | None:
        """The fact being edited (None: adding a new one)."""
        return self._fact_shown

    # ------------------------------------------------------------ what the form holds
    def _values(self) -> dict[str, Any]:
        return {k: c.value for k, c in self._controls.items()}

    @property
    def dirty(self) -> bool:
        """True if something typed is not saved yet."""
        return self._values() != self._loaded

    def _fill(self, item: dict[str, Any] | None) -> None:
        item = item or {}
        for k, c in self._controls.items():
            v = item.get("source_url" if k == "link" else k)
            if k == "link" and not v:
                v = item.get("url")
            if k == "kind":
                c.value = v or "accomplishment"
            elif k == "relation":
                c.value = v if v in ("by", "about") else None
            else:
                c.value = "" if v is None else str(v)
        self._loaded = self._values()

    def _list_facts(self, keep: int | None = None) -> None:
        cid = self._person.value
        facts = self._wb.research(cid) if cid is not None else None
        options: list[tuple[str, int | None]] = [(self.NEW, None)]
        if facts is not None:
            options += [(f"{fact_line(r)}", int(r["id"])) for r in facts.to_dict("records")]
        self._listing = True
        try:
            self._facts.options = options
            self._facts.value = keep if keep in [o[1] for o in options] else None
        finally:
            self._listing = False

    def _person_changed(self, _change: object = None) -> None:
        if self._person.value == self._shown_person:
            return
        self._shown_person = self._person.value
        kept = self.dirty
        self._list_facts()
        self._open_fact(None, fill=not kept)  # what was typed stays, as a new fact for this person
        if kept and self._person.value is not None:
            self._status.value = _OK.format(html.escape(
                f"What you typed is kept: press Add fact to record it for {self._wb._name_of(self._person.value)}, "
                "or New fact to clear the form."))

    def _fact_chosen(self, _change: object = None) -> None:
        if getattr(self, "_listing", False):
            return
        rid, prev = self._facts.value, self._fact_shown
        if rid == prev:
            return
        if self.dirty:  # ask before what was typed is replaced
            self._confirm.ask("What you typed is not saved. Open the fact you clicked anyway?" if rid is not None
                              else "What you typed is not saved. Start a new fact anyway?",
                              {"Open it (drop what I typed)": lambda: self._open_fact(rid),
                               "Keep what I typed": lambda: self._keep_fact(prev)})
            return
        self._open_fact(rid)

    def _open_fact(self, rid: int | None, *, fill: bool = True) -> str:
        """Show fact `rid` (None: a new fact) and the buttons that go with it."""
        self._confirm.dismiss()
        self._fact_shown = rid
        if self._facts.value != rid:
            self._list_facts(keep=rid)
        if fill:
            self._fill(self._wb.research_item(rid) if rid is not None else None)
        self._button.description = "Add fact" if rid is None else "Save changes"
        _show(self._delete_button, rid is not None)
        return "Type a new fact and press Add fact." if rid is None else f"Editing fact {rid}."

    def _keep_fact(self, rid: int | None) -> str:
        self._list_facts(keep=rid)
        return "Kept what you typed: nothing saved yet."

    def reload(self) -> None:
        """Re-read the person's facts (and the fact being edited, unless something typed is not saved)."""
        if self._person.value != self._shown_person:
            self._person_changed()
            return
        rid = self._fact_shown
        self._list_facts(keep=rid)
        if rid is not None and self._facts.value is None:  # deleted elsewhere: what was typed stays
            self._open_fact(None, fill=not self.dirty)
        elif rid is not None and not self.dirty and not self._confirm.asking:
            self._fill(self._wb.research_item(rid))

    # ------------------------------------------------------------ actions
    def submit(self) -> str:
        """Add the fact (then clear the form), or save the edited fact (and stay on it)."""
        cid = self._person.value
        if cid is None:
            raise InfoviewError("choose a person first: type part of their name above")
        v = {k: (x.strip() or None) if isinstance(x, str) else x for k, x in self._values().items()}
        link = v.pop("link")
        who = f"{self._wb._name_of(cid)} (contact {cid}"
        rid = self._fact_shown
        if rid is None:
            self.last_id = self._wb.add_research(
                cid, str(v["kind"]), v["title"] or "", organization=v["organization"], outlet=v["outlet"],
                start=v["start"], end=v["end"], url=link if v["kind"] == "article" else None, source_url=link,
                relation=v["relation"], notes=v["notes"])
            item = self._wb.research_item(self.last_id)
            self._list_facts()
            self._open_fact(None)
            return f"Added {fact_line(item)} for {who}; fact {item['id']})."
        fields = dict(v, source_url=link)
        if v["kind"] == "article":
            fields["url"] = link
        changed = self._wb.update_research(rid, **fields)
        item = self._wb.research_item(rid)
        self.last_id = rid
        self._list_facts(keep=rid)
        self._fill(item)
        if not changed:
            return f"Nothing changed: {fact_line(item)} (fact {rid})."
        return f"Saved {fact_line(item)} for {who}; fact {rid}): changed {', '.join(changed)}."

    def new_fact(self) -> str:
        """Stop editing: an empty form for a new fact (what was typed is dropped: this is the Clear)."""
        return self._open_fact(None)

    def ask_delete(self) -> str:
        """Ask before deleting the fact being edited."""
        rid = self._fact_shown
        if rid is None:
            raise InfoviewError("choose the fact to delete in the list first")
        item = self._wb.research_item(rid)
        self._confirm.ask(f"Delete {fact_line(item)} (fact {rid})?",
                          {"Yes, delete": lambda: self.delete(rid), "Cancel": lambda: "Nothing deleted."})
        return "Nothing deleted yet: choose below."

    def delete(self, research_id: int) -> str:
        """Delete a fact (:meth:`Workbook.delete_research`)."""
        item = self._wb.delete_research(research_id)
        self._list_facts()
        self._open_fact(None)
        return f"Deleted {fact_line(item)} (fact {research_id})."


class ResearchSummary(w.VBox):
    """What the research on the person you are working on adds up to, re-read after every write:
    the common ground (strongest first, with the sentence to quote), the facts already online
    (not to ask about), and whether you are ready to write (:func:`research.readiness`).

    Follows the workbook's current person (:meth:`Workbook.current`), or shows `contact_id`.
    """

    def __init__(self, wb: Workbook, contact_id: int | None = None, *,
                 now: Callable[[], Any] | None = None) -> None:
        import datetime as dt

        self._wb = wb
        self._fixed = contact_id
        self._now = now
        self._html = w.HTML()
        # where you stand with them, and "They replied" when your newest message is unanswered
        self._standing = w.HTML()
        self._reply_on = w.DatePicker(description="They replied on", value=dt.date.today(), style=_STYLE)
        self._reply = w.Button(description="They replied", icon="reply",
                               tooltip="Record their answer to your newest message (closes the no-reply reminders)")
        self._reply_status = w.HTML()
        self._reply_row = w.HBox([self._reply_on, self._reply])
        super().__init__([self._standing, self._reply_row, self._reply_status, self._html])
        self._reply.on_click(lambda _b: run_with_status(self._reply_status, self.replied))
        self.reload()
        self._unwatch = watch(self, wb, self.reload)

    def replied(self) -> str:
        """Record that the person shown answered your newest message, on the day chosen:
        :func:`drafting.record_reply`; the message is read back from the workbook."""
        from infoview_kit.outreach.drafting import record_reply

        cid = self.contact_id
        if cid is None:
            raise InfoviewError("choose a person first")
        at = self._now() if self._now is not None else None
        mid = record_reply(self._wb, cid, self._reply_on.value, at=at)
        msg = self._wb.message(mid)
        return (f"Reply recorded: {person_line(self._wb, cid)} answered “{msg['subject']}” "
                f"on {str(msg['replied_at'])[:10]}.")

    def _show_standing(self, cid: int) -> None:
        msgs = self._wb.messages(cid)
        sent = msgs[msgs["status"] != "draft"].sort_values(["sent_at", "id"])
        people = self._wb.directory()  # kept up to date: cheap on any workbook
        reached = people.loc[people["id"] == cid, "stage"]
        stage = _STAGE_LABELS[int(reached.iloc[0])] if len(reached) and int(reached.iloc[0]) >= 0 else None
        if sent.empty:
            self._standing.value = ("<i>Nothing sent to them yet: write to them in notebook 03 once you are "
                                    "ready.</i>")
            self._reply_row.layout.display = "none"
            return
        last = sent.iloc[-1]
        state = "they replied" if last["status"] == "replied" else "no reply recorded yet"
        self._standing.value = (f"<b>Where you stand</b>: {html.escape(str(stage or ''))}; your last message, "
                                f"“{html.escape(str(last['subject']))}”, sent {last['sent_at']:%a %d %b}: "
                                f"{state}.")
        self._reply_row.layout.display = None if last["status"] == "sent" else "none"

    @property
    def contact_id(self) -> int | None:
        """The person shown."""
        return self._fixed if self._fixed is not None else self._wb.current()["contact_id"]

    def reload(self) -> None:
        """Re-read the person's research, common ground and readiness."""
        from infoview_kit.research.facts import online_facts, readiness

        cid = self.contact_id
        if cid is None:
            self._html.value = "<i>Choose a person above (or in notebook 01) to see your common ground.</i>"
            self._standing.value = ""
            self._reply_row.layout.display = "none"
            return
        self._show_standing(cid)
        who = html.escape(person_line(self._wb, cid))
        ground = self._wb.common_ground(cid)
        parts = [f"<h4 style='margin:0.3rem 0'>Common ground with {who}</h4>"]
        if ground.empty:
            parts.append("<i>None found yet: record where they studied or worked, and their interests.</i>")
        else:
            parts.append("<ol style='margin:0.2rem 0'>" + "".join(
                f"<li><b>{html.escape(str(k))}</b>: {html.escape(str(e))}. <i>“{html.escape(str(sen))}”</i></li>"
                for k, e, sen in zip(ground["kind"], ground["evidence"], ground["sentence"], strict=True))
                + "</ol>")
        facts = online_facts(self._wb.research(cid))
        parts.append("<h4 style='margin:0.3rem 0'>Already online: do not ask about these</h4>")
        parts.append("<ul style='margin:0.2rem 0'>" + "".join(f"<li>{html.escape(f)}</li>" for f in facts) + "</ul>"
                     if facts else "<i>No past roles or education recorded.</i>")
        row = readiness(self._wb, [cid]).iloc[0]
        parts.append("<h4 style='margin:0.3rem 0'>Ready to write?</h4>")
        parts.append("<span style='color:#00703c'>Ready: something they attained, common ground, and a way to "
                     "reach them.</span>" if row["ready"] else
                     f"<span style='color:#b26b00'>Not yet: {html.escape(str(row['missing']))}.</span>")
        self._html.value = "".join(parts)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = super()._repr_mimebundle_(**kwargs)
        if isinstance(data, dict):  # a static copy for reports (papermill, nbconvert) that draw no widgets
            data = {**data, "text/html": self._standing.value + self._html.value}
        return data


class TargetPicker(_Form):
    """Choose whom to contact next from a ranked list: calls :meth:`Workbook.set_target` and makes
    them the person you are working on (:meth:`Workbook.set_current`); pin or exclude a person
    with :meth:`Workbook.set_contact_flags`.

    The list is :func:`targets.rank_people` of the workbook (`top` people), ranked again whenever a
    contact, a funnel step or the profile changed (an import, a person added, someone chosen), so
    it never lists what was before. `ranked`, if given, is the first list shown.
    """

    def __init__(self, wb: Workbook, ranked: pd.DataFrame | None = None, *, top: int = 15) -> None:
        self._wb = wb
        self._top = top
        self._seen: tuple[Any, ...] | None = None
        self._pick = w.Dropdown(description="Person", options=[], layout={"width": "44rem"}, style=_STYLE)
        super().__init__("Choose whom to contact next", [self._pick], "Contact this person",
                         extra={"Pin": self.pin, "Exclude": self.exclude})
        self._fill(ranked)
        self._watch(wb)

    def _fill(self, ranked: pd.DataFrame | None = None) -> None:
        seen = (*self._wb.changes(), json.dumps(self._wb.profile(), sort_keys=True))
        if ranked is None:
            if seen == self._seen:
                return  # nothing the ranking reads changed
            import numpy as np
            import pandas as pd

            from infoview_kit.find.targets import rank_people
            from infoview_kit.store import STAGES

            people = self._wb.directory()  # kept up to date, so cheap on any workbook
            stages = np.array([*STAGES, None], dtype=object)  # index -1 (no stage yet) reads as missing
            people["stage"] = pd.array(stages[people["stage"].to_numpy()], dtype="string")
            ranked = rank_people(people, self._wb.profile(), top=self._top)
        self._seen = seen
        labels = ranked[["name", "company", "why"]].astype(object).fillna("?")
        options = [(f"{n} · {c} · {why}", int(i)) for i, n, c, why in zip(
            ranked["id"], labels["name"], labels["company"], labels["why"], strict=True)]
        keep = self._pick.value
        self._pick.options = options
        ids = [v for _, v in options]
        self._pick.value = keep if keep in ids else (ids[0] if ids else None)

    def reload(self) -> None:
        """Rank again if a contact, a funnel step or the profile changed."""
        self._fill()

    def _chosen(self) -> int:
        if self._pick.value is None:
            raise InfoviewError("the ranked list is empty: import contacts first")
        return int(self._pick.value)

    def submit(self) -> str:
        """Mark the chosen person as someone to contact (funnel stage 'identified') and make them
        the person you are working on."""
        cid = self._chosen()
        new = self._wb.set_target(cid)
        self._wb.set_current(contact_id=cid)
        who = person_line(self._wb, cid)
        return (f"Added {who} to your outreach list" if new else f"{who} is already on your outreach list") + \
            ": you are now working on them (notebook 02 opens on them)."

    def pin(self) -> str:
        """Keep the chosen person at the top of your lists."""
        cid = self._chosen()
        self._wb.set_contact_flags(cid, pinned=True)
        return f"Pinned {person_line(self._wb, cid)}: they stay at the top of your lists."

    def exclude(self) -> str:
        """Leave the chosen person out of rankings from now on."""
        cid = self._chosen()
        self._wb.set_contact_flags(cid, excluded=True)
        return f"Excluded {person_line(self._wb, cid)}: they no longer appear in rankings."


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


class EmployerRater(_Form):
    """Rate employers the LAMP way, quickly: :meth:`Workbook.rate_employer`,
    :meth:`Workbook.clear_rating` and :meth:`Workbook.add_employer`.

    Type to find an employer (thousands are fine: only `limit` matches are listed, the one being
    rated first); the list and the counts are read again after every write, and the employer
    just rated stays chosen.
    """

    def __init__(self, wb: Workbook, *, limit: int = 8) -> None:
        self._wb = wb
        self._limit = limit
        self._table: pd.DataFrame | None = None
        self._syncing = False
        self._search = w.Text(description="Employer", placeholder="type part of a name", continuous_update=True,
                              layout=_LAYOUT, style=_STYLE)
        self._employer = w.Select(options=[], rows=min(limit, 6), layout={"width": "28rem", "margin": "0 0 0 9.5rem"})
        self._more = w.HTML(layout={"margin": "0 0 0 9.5rem"})
        self._shown = w.HTML()
        toggles = {"description_width": "9rem", "button_width": "6.5rem"}
        self._motivation = w.ToggleButtons(description="Motivation", options=[("0", 0), ("1", 1), ("2", 2),
                                                                              ("3", 3)], value=None, style=toggles,
                                           tooltips=["none", "a little", "quite", "dream employer"])
        self._posting = w.ToggleButtons(description="Posting", options=[("none", 1), ("some", 2),
                                                                        ("target role", 3)], value=None, style=toggles)
        self._new = _text("Or add one", "a dream employer, one with postings")
        super().__init__("Rate your target employers",
                         [self._search, self._employer, self._more, self._shown, self._motivation, self._posting,
                          self._new], "Save rating",
                         extra={"Clear rating": self.clear, "Pin": self.pin, "Exclude": self.exclude})
        self._load()
        self._list(keep=None)
        self._search.observe(lambda _c: self._list(keep=self._employer.value), names="value")
        self._employer.observe(self._chosen, names="value")
        self._show()
        self._watch(wb)

    def _load(self) -> None:
        df = self._wb.employers()
        df = df[~df["excluded"]]
        rated = df["motivation"].notna() | df["posting"].notna()
        df = df.assign(rated=rated, hay=df["name"].str.lower().astype(object))
        self._table = df.sort_values(["pinned", "rated", "motivation", "posting", "contacts", "name_key"],
                                     ascending=[False, False, False, False, False, True], na_position="last",
                                     kind="stable").set_index("id", drop=False)

    def _label(self, row: Any) -> str:
        rating = "" if not row["rated"] else " · " + ", ".join(
            f"{k} {'?' if _isna(row[k]) else int(row[k])}" for k in ("motivation", "posting"))
        n = int(row["contacts"])
        return f"{row['name']} · {n} contact{'' if n == 1 else 's'}{rating}{' · pinned' if row['pinned'] else ''}"

    def _list(self, keep: int | None) -> None:
        assert self._table is not None
        found = self._table
        for token in self._search.value.lower().split():
            found = found[found["hay"].str.contains(token, regex=False)]
        top = found.head(self._limit)
        if keep is not None and keep in found.index and keep not in top.index:
            top = pd_concat(found.loc[[keep]], top.head(self._limit - 1))
        options = [(self._label(r), int(i)) for i, r in top.iterrows()]
        if keep not in [o[1] for o in options]:
            keep = options[0][1] if options else None
        self._syncing = True
        try:
            self._employer.options = options
            self._employer.value = keep if keep in [o[1] for o in options] else None
        finally:
            self._syncing = False
        extra = len(found) - len(options)
        self._more.value = (f"<small>{extra} more match: type more to narrow the list.</small>" if extra > 0 else
                            "<small>No employer matches: add it below.</small>" if not options else "")
        self._show()

    def _chosen(self, _change: object = None) -> None:
        if not self._syncing:
            self._show()

    def _show(self) -> None:
        """Show the chosen employer's stored ratings."""
        eid = self._employer.value
        assert self._table is not None
        if eid is None or eid not in self._table.index:
            self._shown.value = ""
            self._motivation.value = self._posting.value = None
            return
        row = self._table.loc[eid]
        self._motivation.value = None if _isna(row["motivation"]) else int(row["motivation"])
        self._posting.value = None if _isna(row["posting"]) else int(row["posting"])
        self._shown.value = ("<small style='margin-left:9.5rem'>Stored: " + html.escape(
            self._label(row).removeprefix(str(row["name"]) + " · ")) + ("" if row["rated"] else " · not rated yet")
            + "</small>")

    @property
    def employer(self) -> int | None:
        """The chosen employer's id."""
        return self._employer.value

    def choose(self, employer: int | str) -> None:
        """Show `employer` (an id or a name) as the chosen one."""
        eid = self._wb.employer_id(employer)
        self._search.value = ""
        self._list(keep=eid)

    def reload(self) -> None:
        """Re-read the employers (counts, ratings) keeping the chosen one."""
        self._load()
        self._list(keep=self._employer.value)

    def _read_back(self, eid: int) -> str:
        self.reload()
        assert self._table is not None
        if eid not in self._table.index:
            return f"employer {eid}"
        return self._label(self._table.loc[eid])

    def _require(self) -> int:
        if self._employer.value is None:
            raise InfoviewError("choose an employer first: type part of its name")
        return int(self._employer.value)

    def submit(self) -> str:
        """Save the rating (adding the employer typed in "Or add one", if any); the rated employer
        stays chosen."""
        if self._new.value.strip():
            eid = self._wb.add_employer(self._new.value, motivation=self._motivation.value,
                                        posting=self._posting.value)
            self._new.value = ""
            self._search.value = ""
            self._list(keep=eid)
            return f"Added employer {self._read_back(eid)}."
        eid = self._require()
        before = self._table.loc[eid] if self._table is not None else None
        self._wb.rate_employer(eid, motivation=self._motivation.value, posting=self._posting.value)
        self.reload()
        after = self._table.loc[eid] if self._table is not None and eid in self._table.index else None
        if before is not None and after is not None and all(
                _same(before[k], after[k]) for k in ("motivation", "posting")):
            return f"Nothing changed: {self._label(after)}."
        return f"Saved: {self._read_back(eid)}."

    def clear(self) -> str:
        """Take back the chosen employer's rating."""
        eid = self._require()
        cleared = self._wb.clear_rating(eid)
        label = self._read_back(eid)
        return f"Cleared the rating of {label}." if cleared else f"Nothing changed: {label} had no rating."

    def pin(self) -> str:
        """Keep the chosen employer at the top of the list."""
        eid = self._require()
        self._wb.rate_employer(eid, pinned=True)
        return f"Pinned {self._read_back(eid)}."

    def exclude(self) -> str:
        """Leave the chosen employer out of the list."""
        eid = self._require()
        name = str(self._table.loc[eid, "name"]) if self._table is not None else str(eid)
        self._wb.rate_employer(eid, excluded=True)
        self.reload()
        return f"Excluded {name}: it is no longer listed."


def _same(a: Any, b: Any) -> bool:
    return (_isna(a) and _isna(b)) or (not _isna(a) and not _isna(b) and a == b)


def pd_concat(*frames: pd.DataFrame) -> pd.DataFrame:
    """pandas.concat, imported late (widgets import pandas only when drawn)."""
    import pandas as pd

    return pd.concat(frames)


class ImportForm(_Form):
    """Import a contacts export by upload or by path: :meth:`Workbook.import_contacts`.

    An upload (CSV from LinkedIn, Google or Outlook, vCard, XLSX) is written to a private
    temporary folder under its own name (so the report and the sources name the file), imported,
    and removed. The report shows the counts read back: added, merged, skipped with line numbers.
    """

    ACCEPT = ".csv,.vcf,.xlsx"

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self.report: Any = None
        self._upload = w.FileUpload(accept=self.ACCEPT, multiple=False, description="Choose file",
                                    layout={"width": "14rem"})
        self._path = _text("Or a path", "e.g. ~/Downloads/Connections.csv")
        self._details = w.HTML()
        label = w.HTML('<div style="text-align:right;padding-right:0.5rem">Upload a file</div>',
                       layout={"width": "9.5rem"})
        super().__init__("Import your contacts", [w.HBox([label, self._upload]), self._path], "Import")
        self._root.children = (*self._root.children, self._details)

    def submit(self) -> str:
        """Import the uploaded file, else the file at the path; show the report."""
        import os
        import shutil
        import tempfile

        upload = list(self._upload.value or ())
        if upload:
            item = upload[0]
            name = os.path.basename(str(item["name"])) or "upload.csv"
            folder = tempfile.mkdtemp(prefix="infoview-upload-")  # readable by you only (0700)
            try:
                path = os.path.join(folder, name)
                with open(path, "wb") as fh:
                    fh.write(bytes(item["content"]))
                report = self._wb.import_contacts(path)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            self._upload.value = ()
        elif self._path.value.strip():
            report = self._wb.import_contacts(os.path.expanduser(self._path.value.strip()))
        else:
            raise InfoviewError("choose a file to upload, or type its path")
        self.report = report
        total = len(self._wb.directory()) if report.added or report.merged else None
        self._details.value = _report_html(report)
        return (f"Imported {report.file}: {report.added} added, {report.merged} merged, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
                + (f"; your workbook now holds {total} contacts." if total is not None else "."))


def _report_html(report: Any) -> str:
    """The skipped lines, warnings and merges of an import as an escaped HTML list."""
    rows = [f"line {s.get('line', '?')}: skipped: {s.get('reason', '')}" for s in report.skipped]
    rows += [f"line {m.get('line', '?')}: merged into contact {m.get('contact_id') or 'new'} "
             f"(same {str(m.get('matched_by', '')).removeprefix('same ')})" for m in report.merges]
    rows += [f"line {x.get('line', '?')}: {x.get('field', '')}: {x.get('message', '')}".replace(": : ", ": ")
             for x in report.warnings]
    if not rows:
        return ""
    shown = "".join(f"<li>{html.escape(r)}</li>" for r in rows[:30])
    more = f"<li>… and {len(rows) - 30} more (see report.to_frame())</li>" if len(rows) > 30 else ""
    return f"<ul style='margin:0.2rem 0'>{shown}{more}</ul>"


class MergeReview(w.VBox):
    """The records joined to someone already in the workbook (:meth:`Workbook.merges`), newest
    first, each with an **Undo** button (:meth:`Workbook.undo_merge`); re-read after any write."""

    def __init__(self, wb: Workbook, *, limit: int = 15) -> None:
        self._wb = wb
        self._limit = limit
        self._rows = w.VBox()
        self._status = w.HTML()
        self.buttons: dict[int, w.Button] = {}
        super().__init__([w.HTML("<b>Review merges</b>"), self._rows, self._status])
        self.reload()
        self._unwatch = watch(self, wb, self.reload)

    def reload(self) -> None:
        """Re-read the merges not undone."""
        df = self._wb.merges()
        df = df[df["undone_at"].isna()]
        self.buttons = {}
        rows: list[w.Widget] = []
        for m in df.head(self._limit).to_dict("records"):
            where = f"{m['file'] or m['source']}" + ("" if _isna(m["line"]) else f" line {int(m['line'])}")
            filled = f"; it filled in {m['filled']}" if m["filled"] else ""
            text = (f"{m['name'] or '?'} (contact {m['contact_id']}): the record from {where} was joined to them "
                    f"({m['matched_by']}, score {m['score']:.0f}){filled}.")
            b = w.Button(description="Undo", icon="undo", layout={"width": "auto"}, tooltip=f"merge {m['id']}")
            b.on_click(lambda _b, mid=int(m["id"]): run_with_status(self._status, lambda: self.undo(mid)))
            self.buttons[int(m["id"])] = b
            rows.append(w.HBox([b, w.HTML(html.escape(text))]))
        if not rows:
            rows = [w.HTML("<i>No merges to review.</i>")]
        elif len(df) > self._limit:
            rows.append(w.HTML(f"<small>{len(df) - self._limit} older merges not shown.</small>"))
        self._rows.children = tuple(rows)

    def undo(self, merge_id: int) -> str:
        """Split merge `merge_id` back into two people; say who they are, read back."""
        merges = self._wb.merges()
        row = merges[merges["id"] == merge_id]
        new = self._wb.undo_merge(merge_id)
        if new is None or row.empty:
            return f"Merge {merge_id} was already undone."
        old = int(row["contact_id"].iloc[0])
        return f"Undone: {person_line(self._wb, old)} and {person_line(self._wb, new)} are two people again."

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return self._status.value


class PersonPicker(w.VBox):
    """Type to find a person: a search box over name, company, position and email, and under it
    the best matches, most relevant first (the person being worked on, people with something due,
    pinned people, people on your outreach list by latest activity, then everyone by name).

    Scales to tens of thousands of contacts: only `limit` matches are ever sent to the browser.
    ``value`` is the chosen contact id (observe it with ``picker.observe(f, names="value")``).
    Choosing someone makes them the workbook's current person (:meth:`Workbook.set_current`),
    and the picker follows the current person when another view changes it.

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
            def text(col: str) -> np.ndarray:
                values = df[col].astype(object).to_numpy()
                return np.where(pd.isna(values), "", values).astype(object)

            names, companies = text("name"), text("company")
            base = np.where(names == "", "?", names) + np.where(companies == "", "", " · " + companies)
            hay = pd.Series(names + " " + companies + " " + text("position") + " " + text("email")).str.lower()
            name_rank = np.unique(np.char.lower(names.astype(str)), return_inverse=True)[1].reshape(-1)
            static = (seen[0], df["id"].to_numpy(), base, hay.to_numpy(dtype=object), name_rank)
            if self._where is None:
                shared["static"] = static
        _, ids, base, hay_all, name_rank = static
        stages = df["stage"].to_numpy(dtype=np.int64)
        suffix = np.array(["", *(f" · {label}" for label in _STAGE_LABELS)], dtype=object)
        labels = base + suffix[stages + 1]
        active = df["last_event"].astype(object).to_numpy()
        active = np.where(pd.isna(active), "", active).astype(str)
        active_rank = np.unique(active, return_inverse=True)[1].reshape(-1)
        due = df["open_followups"].to_numpy() > 0
        pinned = df["pinned"].to_numpy(dtype=bool)
        # most relevant first: something due, pinned, on the outreach list, latest activity, then by name
        idx = np.lexsort((name_rank, -active_rank, ~(stages >= 0), ~pinned, ~due))
        self._people = pd.DataFrame({"id": ids[idx], "label": labels[idx],
                                     "hay": pd.Series(hay_all[idx], dtype=object)})
        if self._where is None:
            shared.update(seen=seen, people=self._people)

    def _matches(self) -> pd.DataFrame:
        assert self._people is not None
        df = self._people
        for token in self._search.value.lower().split():
            df = df[df["hay"].str.contains(token, regex=False)]
        return df

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
        if self._follow:
            current = self._wb.current()["contact_id"]
            if current is not None and current != keep:
                keep = current
                if keep not in self._matches()["id"].to_numpy():
                    self._search.value = ""  # shows the lists anew, with them first
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


def _isna(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    import pandas as pd

    return bool(pd.isna(value))


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
