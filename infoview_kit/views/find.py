"""The widgets of step 1, find contacts (notebook 01): import, merges, contacts, employers, whom to ask."""

from __future__ import annotations

import html
import json
import os
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InfoviewError
from infoview_kit.base.text import HOW_KNOWN, clean_contact_fields, is_missing
from infoview_kit.find.headless import import_upload, report_lines
from infoview_kit.find.people import matching
from infoview_kit.find.targets import employers_to_rate, left_out_line, rank_everyone
from infoview_kit.views.forms import (
    _LAYOUT,
    _STYLE,
    PersonPicker,
    _Confirm,
    _Form,
    _show,
    _text,
    person_line,
    run_with_status,
    watch,
)

if TYPE_CHECKING:
    from infoview_kit.find.importing import ImportReport
    from infoview_kit.workbook import Workbook


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
    _BLANK: dict[str, Any] = {"how_known": "friend of a friend"}  # what an empty form shows

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
                                          where=lambda df: df["id"] >= 0, follow_current=False)
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
            self._fill(self._BLANK)

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

    def _open(self, contact_id: int) -> None:
        """Show the stored record of `contact_id`."""
        self._fill(self._wb.contact(contact_id))
        self._record = contact_id

    def reload(self) -> None:
        """Re-read the record being edited, unless something typed is not saved yet."""
        cid = self._editing()
        if cid is None or self.dirty or self._confirm.asking:
            return
        try:
            self._open(cid)
        except InfoviewError:  # deleted elsewhere
            self._fill(self._BLANK)

    # ------------------------------------------------------------ actions
    def submit(self) -> str:
        """Add the person (Add) or save every field of the person being edited (Edit); asks first
        when the details are someone else's."""
        f = self._fields()
        cid = self._editing()
        if self._mode.value == self.EDIT and cid is None:
            raise InfoviewError("choose whom to edit first: type part of their name above")
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
            self._fill(self._BLANK)
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
        self._fill(self._BLANK)
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
        self._fill(self._BLANK)
        self._record = None
        self._picker.choose(None)
        return str(done).splitlines()[0]


class ImportForm(_Form):
    """Import a contacts export by upload or by path: :meth:`Workbook.import_contacts`.

    An upload (CSV from LinkedIn, Google or Outlook, vCard, XLSX) is written to a private
    temporary folder under its own name (so the report and the sources name the file), imported,
    and removed. The report shows the counts read back: added, merged, skipped with line numbers.
    `report`, if given, is an import done before the form was drawn (a headless run's file), shown
    as if just done.
    """

    ACCEPT = ".csv,.vcf,.xlsx"

    def __init__(self, wb: Workbook, report: ImportReport | None = None) -> None:
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
        if report is not None:  # an import done before the form was drawn (a headless run's file)
            self._run(lambda: self._shown(report))

    def submit(self) -> str:
        """Import the uploaded file, else the file at the path; show the report."""
        upload = list(self._upload.value or ())
        if upload:
            report = import_upload(self._wb, str(upload[0]["name"]), bytes(upload[0]["content"]))
            self._upload.value = ()
        elif self._path.value.strip():
            report = self._wb.import_contacts(os.path.expanduser(self._path.value.strip()))
        else:
            raise InfoviewError("choose a file to upload, or type its path")
        return self._shown(report)

    def _shown(self, report: ImportReport) -> str:
        """Show `report`'s skipped lines, warnings and merges; return its summary for the status line."""
        self.report = report
        total = len(self._wb.directory()) if report.added or report.merged else None
        self._details.value = _report_html(report)
        return (f"Imported {report.file}: {report.added} added, {report.merged} merged, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.skipped)} skipped, {len(report.repaired)} repaired"
                + (f"; your workbook now holds {total} contacts." if total is not None else "."))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = super()._repr_mimebundle_(**kwargs)
        if isinstance(data, dict) and self.report is not None:  # a static copy for reports (a headless import)
            data = {**data, "text/html": self._status.value + self._details.value}
        return data


def _report_html(report: ImportReport) -> str:
    """The skipped lines, warnings and merges of an import as an escaped HTML list."""
    rows = report_lines(report)
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
            where = f"{m['file'] or m['source']}" + ("" if is_missing(m["line"]) else f" line {int(m['line'])}")
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
        self._table = employers_to_rate(self._wb)

    def _label(self, row: Any) -> str:
        rating = "" if not row["rated"] else " · " + ", ".join(
            f"{k} {'?' if is_missing(row[k]) else int(row[k])}" for k in ("motivation", "posting"))
        n = int(row["contacts"])
        return f"{row['name']} · {n} contact{'' if n == 1 else 's'}{rating}{' · pinned' if row['pinned'] else ''}"

    def _list(self, keep: int | None) -> None:
        assert self._table is not None
        found = matching(self._table, self._search.value)
        top = found.head(self._limit)
        if keep is not None and keep in found.index and keep not in top.index:
            top = pd.concat([found.loc[[keep]], top.head(self._limit - 1)])
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
        self._motivation.value = None if is_missing(row["motivation"]) else int(row["motivation"])
        self._posting.value = None if is_missing(row["posting"]) else int(row["posting"])
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
    return (is_missing(a) and is_missing(b)) or (not is_missing(a) and not is_missing(b) and a == b)


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
        self._count = w.HTML()
        super().__init__("Choose whom to contact next", [self._pick, self._count], "Contact this person",
                         extra={"Pin": self.pin, "Exclude": self.exclude})
        self._fill(ranked)
        self._watch(wb)

    def _fill(self, ranked: pd.DataFrame | None = None) -> None:
        seen = (*self._wb.changes(), json.dumps(self._wb.profile(), sort_keys=True))
        if ranked is None:
            if seen == self._seen:
                return  # nothing the ranking reads changed
            ranked = rank_everyone(self._wb, top=self._top)
        self._seen = seen
        labels = ranked[["name", "company", "why"]].astype(object).fillna("?")
        options = [(f"{n} · {c} · {why}", int(i)) for i, n, c, why in zip(
            ranked["id"], labels["name"], labels["company"], labels["why"], strict=True)]
        keep = self._pick.value
        self._count.value = f"<small>{html.escape(left_out_line(ranked))}</small>"
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
