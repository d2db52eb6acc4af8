"""What happened since last time (ipywidgets): the path of a mailbox or LinkedIn archive, Review, then one row
per finding with Apply or Skip, Apply all, and Undo the last sync. Views only: every button is a call into
:mod:`infoview_kit.sync`."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.sync.apply import applied_line, apply_matches, undo_sync
from infoview_kit.sync.classify import PROPOSAL_COLUMNS
from infoview_kit.sync.review import ACTION_LABELS, counts_line, propose
from infoview_kit.views.forms import _STYLE, run_with_status

if TYPE_CHECKING:
    from infoview_kit.workbook import Workbook

_COLOUR = {"sent": "#0b57d0", "replied": "#00703c", "auto_reply": "#6b6b6b", "bounced": "#b00020",
           "interaction": "#6b6b6b"}


class SyncReview:
    """Review what a mailbox (mbox, Maildir, a folder of ``.eml`` files) and LinkedIn's data archive say
    happened, and apply it: :func:`sync.propose` on **Review**, one row per finding with **Apply**
    (:func:`sync.apply_matches` of that row) and **Skip** (recorded, so it is not proposed again), **Apply
    all**, and **Undo last sync** (:func:`sync.undo_sync`). Every status line is read back from the workbook.

    Parameters
    ----------
    wb
        The workbook.
    source
        Paths to read, separated by ``;`` (a notebook's ``mailbox`` parameter); reviewed at once when given.
    limit
        At most this many rows are shown (Apply all applies every one).
    """

    def __init__(self, wb: Workbook, source: str = "", *, limit: int = 50) -> None:
        self._wb = wb
        self._limit = limit
        self._proposals = pd.DataFrame(columns=PROPOSAL_COLUMNS)
        self._rows_by_key: dict[int, w.HBox] = {}
        # controls
        self._path = w.Text(value=source, description="Mailbox or archive", style=_STYLE, layout={"width": "44rem"},
                            placeholder="the path of an mbox, a Maildir, a folder of .eml files or LinkedIn's ZIP "
                                        "(several: separate with ;)")
        self._review = w.Button(description="Review", button_style="primary", icon="search")
        self._apply_all = w.Button(description="Apply all", icon="check", disabled=True)
        self._undo = w.Button(description="Undo last sync", icon="undo")
        self._status = w.HTML()
        self._status.add_class("infoview-status")
        self._title = w.HTML()
        self._rows = w.VBox()
        self._more = w.HTML()
        # layout
        self._root = w.VBox([self._path, w.HBox([self._review, self._apply_all, self._undo]), self._status,
                             self._title, self._rows, self._more])
        self._root.add_class("infoview-sync")
        # observers
        self._review.on_click(lambda _b: self._run(self.review))
        self._apply_all.on_click(lambda _b: self._run(self.apply_all))
        self._undo.on_click(lambda _b: self._run(self.undo))
        if source.strip():
            self._run(self.review)
        else:
            self._status.value = ("Type the path of your mailbox or LinkedIn archive, then Review. Nothing is "
                                  "changed until you apply.")

    # ------------------------------------------------------------------ what it holds
    @property
    def proposals(self) -> pd.DataFrame:
        """The findings still to review (the columns of :func:`sync.match_conversations`)."""
        return self._proposals

    @property
    def status(self) -> str:
        """The status line's text (HTML)."""
        return str(self._status.value)

    def buttons(self, key: int) -> dict[str, w.Button]:
        """The buttons of the row for `key` (an index of :attr:`proposals`), by label."""
        row = self._rows_by_key.get(int(key))
        if row is None:
            raise InputFormatError(f"no row {key} to review")
        return {b.description: b for b in row.children[1].children}

    # ------------------------------------------------------------------ what the buttons do
    def review(self) -> str:
        """Read the paths typed and list what they say happened; return the message for the status line."""
        paths = [p.strip() for p in self._path.value.split(";") if p.strip()]
        if not paths:
            raise InputFormatError("Mailbox or archive: type the path of an mbox, a Maildir, a folder of .eml "
                                   "files or LinkedIn's ZIP")
        proposals = propose(self._wb, paths)
        proposals.attrs["report"].pop("imap_state", None)  # files only here: no read marks to keep
        self._proposals = proposals
        self._draw()
        return counts_line(proposals)

    def apply(self, key: int) -> str:
        """Apply one finding; return what the workbook now holds."""
        row = self._take(key)
        return self._applied(apply_matches(self._wb, row, sources=self._sources()), row)

    def skip(self, key: int) -> str:
        """Skip one finding (recorded, so a later sync does not propose it again)."""
        row = self._take(key)
        run = apply_matches(self._wb, row.iloc[:0], skipped=row, sources=self._sources())
        stored = self._wb.synced(run)
        if not stored["skipped"].all() or stored.empty:
            raise InputFormatError("not recorded as skipped; this is a bug in infoview_kit")
        self._proposals = self._proposals.drop(index=row.index)
        self._draw()
        return f"Skipped: {row['evidence'].iloc[0]} (not proposed again)."

    def apply_all(self) -> str:
        """Apply every finding still to review."""
        if self._proposals.empty:
            raise InputFormatError("Nothing to apply: Review first")
        rows = self._proposals
        run = apply_matches(self._wb, rows, sources=self._sources())
        self._proposals = self._proposals.iloc[:0]
        self._draw()
        return applied_line(self._wb, run)

    def undo(self) -> str:
        """Take back the last sync applied (from here, the command line or a notebook)."""
        run = undo_sync(self._wb)
        line = applied_line(self._wb, run)
        self._proposals = self._proposals.iloc[:0]
        self._draw()
        return f"{line} Review again to see it proposed."

    # ------------------------------------------------------------------ drawing
    def _run(self, action: Any) -> None:
        run_with_status(self._status, action)

    def _sources(self) -> list[str]:
        return [str(s) for s in self._proposals.attrs.get("report", {}).get("sources", [])]

    def _take(self, key: int) -> pd.DataFrame:
        if int(key) not in self._proposals.index:
            raise InputFormatError(f"row {key}: reviewed already")
        row = self._proposals.loc[[int(key)]]
        row.attrs = {"report": {"sources": self._sources()}}
        return row

    def _applied(self, run: int, row: pd.DataFrame) -> str:
        stored = self._wb.synced(run)
        if stored.empty or stored["skipped"].any():
            raise InputFormatError("not applied; this is a bug in infoview_kit")
        self._proposals = self._proposals.drop(index=row.index)
        self._draw()
        what = ACTION_LABELS[str(stored["action"].iloc[0])]
        return f"{what}: {stored['evidence'].iloc[0]}. {applied_line(self._wb, run)}"

    def _draw(self) -> None:
        shown = self._proposals.head(self._limit)
        rows: dict[int, w.HBox] = {}
        for key, item in shown.iterrows():
            rows[int(key)] = self._rows_by_key.get(int(key)) or self._row(int(key), item)
        for key, row in self._rows_by_key.items():
            if key not in rows:
                row.close()
        self._rows_by_key = rows
        self._rows.children = tuple(rows.values())
        left = len(self._proposals) - len(shown)
        self._more.value = f"<i>and {left} more (Apply all applies them too).</i>" if left else ""
        self._title.value = (f"<b>What happened since last time</b>: {len(self._proposals)} to review"
                             if len(self._proposals) else "")
        self._apply_all.disabled = self._proposals.empty

    def _row(self, key: int, item: pd.Series) -> w.HBox:
        zone = self._wb.profile().get("timezone") or "UTC"
        when = pd.Timestamp(item["at"]).tz_convert(zone)
        action = str(item["action"])
        text = w.HTML(f'<span style="color:{_COLOUR[action]};font-weight:bold">{html.escape(ACTION_LABELS[action])}'
                      f"</span> &middot; {html.escape(str(item['name']))} &middot; {when:%a %d %b %Y}<br>"
                      f'<span style="color:#444">{html.escape(str(item["evidence"]))}</span>',
                      layout={"width": "40rem"})
        apply = w.Button(description="Apply", button_style="success", layout={"width": "6rem"})
        skip = w.Button(description="Skip", layout={"width": "6rem"})
        apply.on_click(lambda _b: self._run(lambda: self.apply(key)))
        skip.on_click(lambda _b: self._run(lambda: self.skip(key)))
        row = w.HBox([text, w.HBox([apply, skip])])
        row.add_class(f"infoview-sync-row-{key}")
        return row

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._root._repr_mimebundle_(**kwargs)
