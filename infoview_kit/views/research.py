"""The widgets of step 2, research (notebook 02): facts about a person, where you stand, what is missing."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from infoview_kit.base.errors import InfoviewError
from infoview_kit.base.text import is_missing
from infoview_kit.outreach.drafting import record_reply
from infoview_kit.research.facts import common_ground_with, online_facts, readiness, standing
from infoview_kit.store import RESEARCH_KINDS
from infoview_kit.views.forms import (
    _LAYOUT,
    _OK,
    _STAGE_LABELS,
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
    from infoview_kit.workbook import Workbook


def fact_line(item: dict[str, Any] | Any) -> str:
    """Return how a research fact is named in a list or a status line: 'accomplishment: "Won the
    Data Prize" (Cobalt, 2021-2023)'."""
    def get(key: str) -> str:
        v = item.get(key) if isinstance(item, dict) else item[key]
        return "" if v is None or is_missing(v) else str(v)

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
        cid = self.contact_id
        if cid is None:
            raise InfoviewError("choose a person first")
        at = self._now() if self._now is not None else None
        mid = record_reply(self._wb, cid, self._reply_on.value, at=at)
        msg = self._wb.message(mid)
        return (f"Reply recorded: {person_line(self._wb, cid)} answered “{msg['subject']}” "
                f"on {str(msg['replied_at'])[:10]}.")

    def _show_standing(self, cid: int) -> None:
        where = standing(self._wb, cid)
        stage = _STAGE_LABELS[where["stage"]] if where["stage"] >= 0 else None
        last = where["last_sent"]
        if last is None:
            self._standing.value = ("<i>Nothing sent to them yet: write to them in notebook 03 once you are "
                                    "ready.</i>")
            self._reply_row.layout.display = "none"
            return
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
        cid = self.contact_id
        if cid is None:
            self._html.value = "<i>Choose a person above (or in notebook 01) to see your common ground.</i>"
            self._standing.value = ""
            self._reply_row.layout.display = "none"
            return
        self._show_standing(cid)
        who = html.escape(person_line(self._wb, cid))
        ground = common_ground_with(self._wb, cid)
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
