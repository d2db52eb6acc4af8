"""Forms for the human path (ipywidgets): views only; every button calls a Workbook method."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._people import HOW_KNOWN
from .exceptions import InfoviewError
from .store import RESEARCH_KINDS

if TYPE_CHECKING:
    import pandas as pd

    from .store import Workbook

_LAYOUT = {"width": "28rem"}
_STYLE = {"description_width": "9rem"}


def _text(description: str, placeholder: str = "") -> w.Text:
    return w.Text(description=description, placeholder=placeholder, layout=_LAYOUT, style=_STYLE)


class _Form:
    """A form: controls, a button, and a status line that shows the result or the error."""

    def __init__(self, title: str, controls: list[w.Widget], button: str) -> None:
        self._button = w.Button(description=button, button_style="primary", icon="check")
        self._status = w.HTML()
        self._root = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), *controls, self._button, self._status])
        self._button.on_click(lambda _b: self._run(self.submit))

    def _run(self, action: Callable[[], str]) -> None:
        try:
            message = action()
        except InfoviewError as exc:  # shown, never lost in the kernel log
            self._status.value = f'<span style="color:#b00020">{html.escape(str(exc))}</span>'
        else:
            self._status.value = f'<span style="color:#00703c">{html.escape(message)}</span>'

    def submit(self) -> str:
        """Do what the button does; return the message for the status line."""
        raise NotImplementedError

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return self._status.value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._root._repr_mimebundle_(**kwargs)


class ContactForm(_Form):
    """Add a person from your own circles or social media: calls :meth:`Workbook.add_contact`."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self.last_id: int | None = None
        self._first = _text("First name")
        self._last = _text("Last name")
        self._company = _text("Company")
        self._position = _text("Position", "e.g. Data Analyst, Technical Recruiter")
        self._email = _text("Email")
        self._how = w.Dropdown(description="How you know them", options=HOW_KNOWN, value="friend of a friend",
                               layout=_LAYOUT, style=_STYLE)
        self._where = _text("Where found", "e.g. alumni event, Mastodon, cousin's wedding")
        self._url = _text("Profile link")
        self._notes = w.Textarea(description="Notes", layout=_LAYOUT, style=_STYLE)
        super().__init__("Add a person you know", [self._first, self._last, self._company, self._position,
                                                   self._email, self._how, self._where, self._url,
                                                   self._notes], "Add contact")

    def submit(self) -> str:
        """Add the contact from the form's fields."""
        self.last_id = self._wb.add_contact(
            self._first.value, self._last.value, company=self._company.value or None,
            position=self._position.value or None, email=self._email.value or None,
            how_known=self._how.value, where_found=self._where.value or None,
            profile_url=self._url.value or None, notes=self._notes.value or None)
        name = f"{self._first.value} {self._last.value}".strip()
        return f"Saved {name} (contact {self.last_id})."


class ResearchForm(_Form):
    """Record a researched fact about a contact: calls :meth:`Workbook.add_research`."""

    def __init__(self, wb: Workbook, contact_id: int | None = None) -> None:
        self._wb = wb
        self.last_id: int | None = None
        people = wb.contacts()
        names = people[["first_name", "last_name", "company"]].astype(object).fillna("")
        options = [(f"{f} {la} ({co or '?'})".strip(), int(i))
                   for i, f, la, co in zip(people["id"], names["first_name"], names["last_name"],
                                           names["company"], strict=True)]
        self._contact = w.Dropdown(description="Contact", options=options, value=contact_id,
                                   layout=_LAYOUT, style=_STYLE)
        self._kind = w.Dropdown(description="Kind", options=RESEARCH_KINDS, value="accomplishment",
                                layout=_LAYOUT, style=_STYLE)
        self._title = _text("Title or fact", "role, degree, accomplishment, article title...")
        self._org = _text("Organization")
        self._url = _text("Link", "paste the article's or profile's link")
        self._relation = w.Dropdown(description="Article is", options=[("-", None), ("by them", "by"),
                                                                       ("about them", "about")],
                                    layout=_LAYOUT, style=_STYLE)
        self._notes = w.Textarea(description="Notes", layout=_LAYOUT, style=_STYLE)
        super().__init__("Add a research note", [self._contact, self._kind, self._title, self._org,
                                                 self._url, self._relation, self._notes], "Save fact")

    def submit(self) -> str:
        """Record the fact from the form's fields; the link is kept as its source."""
        if self._contact.value is None:
            raise InfoviewError("choose a contact first")
        url = self._url.value.strip() or None
        self.last_id = self._wb.add_research(
            self._contact.value, self._kind.value, self._title.value, organization=self._org.value or None,
            url=url if self._kind.value == "article" else None, source_url=url,
            relation=self._relation.value, notes=self._notes.value or None)
        return f"Saved research note {self.last_id}."


class TargetPicker(_Form):
    """Choose whom to contact next from a ranked list: calls :meth:`Workbook.set_target`."""

    def __init__(self, wb: Workbook, ranked: pd.DataFrame) -> None:
        self._wb = wb
        labels = ranked[["name", "company", "why"]].astype(object).fillna("?")
        options = [(f"{n} · {c} · {why}", int(i)) for i, n, c, why in zip(
            ranked["id"], labels["name"], labels["company"], labels["why"], strict=True)]
        self._pick = w.Dropdown(description="Person", options=options, layout={"width": "44rem"}, style=_STYLE)
        super().__init__("Choose whom to contact next", [self._pick], "Contact this person")

    def submit(self) -> str:
        """Mark the chosen person as someone to contact (funnel stage 'identified')."""
        if self._pick.value is None:
            raise InfoviewError("the ranked list is empty: import contacts first")
        new = self._wb.set_target(self._pick.value)
        return "Added to your outreach list." if new else "Already on your outreach list."
