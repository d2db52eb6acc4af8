"""Time building every widget of notebooks 01-05 and every button's action on a 30,000-contact workbook.

The budget (issue 12): on the workbook that `report_bench.build` makes, building any widget takes at
most 300 ms, and so does any button's action. Each figure is the best of N, printed beside two
baselines timed in the same process:

* the floor: `pd.read_sql("SELECT * FROM contacts", con)` on the same file;
* the old way: an `ipywidgets.Dropdown` of every contact on the outreach list ("First Last
  (Company) · stage", from `wb.contacts()`), which is how the composer chose a person before (the
  whole composer then took 625 ms to build; the Dropdown alone is this baseline).

Widgets are timed as a page, as the notebook shows them: all the page's widgets alive together,
since every widget re-reads after every write (`Workbook.on_change`), so a click's time includes
every widget of the page re-reading. Between pages every widget is closed
(`ipywidgets.Widget.close_all()`). A page is built N times, each time on a newly opened Workbook (a
new kernel: no cached directory), and each widget's build is timed in the notebook's order; the
buttons are then clicked on the last page built, each action N times on a fresh subject (another
person, another meeting, another follow-up). Every action is checked to have succeeded (its status
line), so a fast error cannot pass for a fast action.

The benchmark writes: it works on a throw-away copy of the workbook. The workbook of report_bench
lacks employers and merges: they are added first (employers synced, the merge fixtures imported).

Run: .venv/bin/python benchmarks/widget_bench.py [--workbook PATH] [--repeat N] [--pages 01,04]
     [--profile '04:Save log' ...]   (cProfile of an action's last repetition, left out of its timing)
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import pstats
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as W
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import report_bench  # noqa: E402

from infoview_kit.find.targets import rank_people  # noqa: E402
from infoview_kit.interview.schedule import arrange_meeting  # noqa: E402
from infoview_kit.store.employers import sync_employers  # noqa: E402
from infoview_kit.views.find import ContactForm, EmployerRater, ImportForm, MergeReview, TargetPicker  # noqa: E402
from infoview_kit.views.followup import FollowupBoard  # noqa: E402
from infoview_kit.views.forms import ProfileForm  # noqa: E402
from infoview_kit.views.interview import MeetingPicker, QuestionPlanEditor, ScheduleForm  # noqa: E402
from infoview_kit.views.meeting import MeetingLogForm, MeetingTimer, ThankYouPanel  # noqa: E402
from infoview_kit.views.outreach import Composer  # noqa: E402
from infoview_kit.views.research import ResearchForm, ResearchSummary  # noqa: E402
from infoview_kit.workbook import Workbook  # noqa: E402

BUDGET = 0.300
MERGE = ROOT / "tests" / "fixtures" / "merge"
TODAY = report_bench.TODAY
TZ = ZoneInfo("America/Chicago")
NOW = dt.datetime.combine(TODAY, dt.time(12, 0), TZ)
OK = "#00703c"  # the colour of a success in a status line (widgets._OK)


class Clock:
    """A clock moved by hand (the meeting timer and the stamps of page 04)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


class Bench:
    """Timings, best of `repeat`, and the table they make."""

    def __init__(self, repeat: int, profile: list[str] | None = None) -> None:
        self.repeat = repeat
        self.profile = profile or []
        self.profiles: list[tuple[str, str]] = []
        self.wb: Workbook | None = None  # the workbook of the page being clicked
        self.rows: list[tuple[str, str, str, float]] = []  # page, what, build/action, seconds
        self.times: dict[tuple[str, str, str], list[float]] = {}
        self.floor = self.dropdown = 0.0

    def add(self, page: str, what: str, kind: str, seconds: float) -> None:
        key = (page, what, kind)
        if key not in self.times:
            self.times[key] = []
            self.rows.append((page, what, kind, 0.0))
        self.times[key].append(seconds)

    @contextmanager
    def timing(self, page: str, what: str, kind: str = "action") -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.add(page, what, kind, time.perf_counter() - start)

    def action(self, page: str, what: str, fn: Callable[[], object], check: Callable[[], str] | None = None,
               expect: str = OK) -> None:
        """Time `fn` once; then assert `expect` is in what `check` returns (a status line).

        An action named by --profile is run under cProfile on its last repetition, which is not timed;
        its repetition before is timed as usual, with the time of each re-read it causes."""
        key = (page, what, "action")
        done = len(self.times.get(key, ()))
        profiled = any(f"{page}:{what}".startswith(name) for name in self.profile)
        if profiled and done == self.repeat - 2 and self.wb is not None:
            with self.timing(page, what), listener_times(self.wb) as spent:
                fn()
            total = self.times[key][-1]
            lines = [f"  {sec * 1000:7.1f} ms {sec / total:4.0%}  {who}"
                     for who, sec in sorted(spent.items(), key=lambda kv: -kv[1])]
            self.profiles.append((f"{page} {what}: the re-reads it caused, of {total * 1000:.0f} ms in all "
                                  "(wall time, not profiled)", "\n".join(lines)))
        elif profiled and done == self.repeat - 1 > 0:
            profiler = cProfile.Profile()
            profiler.runcall(fn)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            self.profiles.append((f"{page} {what}", out.getvalue()))
        else:
            with self.timing(page, what):
                fn()
        if check is not None:
            status = check()
            assert expect in status, f"{page} {what}: {status}"

    def best(self, key: tuple[str, str, str]) -> float:
        return min(self.times[key])

    def table(self) -> None:
        ms = 1000
        print(f"\n{'page':4} {'':6} {'what':56} {'ms':>7} {'x floor':>8} {'x dropdown':>10}  budget")
        print(f"{'':4} {'':6} {'floor: pd.read_sql contacts':56} {self.floor * ms:7.1f} {1:8.2f} "
              f"{self.floor / self.dropdown:10.2f}")
        print(f"{'':4} {'':6} {'old way: Dropdown of the outreach list':56} {self.dropdown * ms:7.1f} "
              f"{self.dropdown / self.floor:8.2f} {1:10.2f}")
        for page, what, kind, _ in self.rows:
            sec = self.best((page, what, kind))
            print(f"{page:4} {kind:6} {what:56} {sec * ms:7.1f} {sec / self.floor:8.2f} {sec / self.dropdown:10.2f}"
                  f"  {'ok' if sec <= BUDGET else 'OVER'}")

    def print_profiles(self) -> None:
        for what, text in self.profiles:
            if "Ordered by" in text:
                print(f"\n---- cProfile of {what} (its last repetition, not timed above)")
                print(text.split("Ordered by", 1)[-1])
            else:
                print(f"\n---- {what}\n{text}")

    def summary(self) -> None:
        figures = [(self.best((p, w, k)), p, w, k) for p, w, k, _ in self.rows]
        within = sum(sec <= BUDGET for sec, *_ in figures)
        builds = [f for f in figures if f[3] == "build"]
        actions = [f for f in figures if f[3] == "action"]
        slowest = max(figures)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of this process: {peak:.0f} MB")
        print(f"{within} of {len(figures)} within {BUDGET * 1000:.0f} ms "
              f"(builds {sum(f[0] <= BUDGET for f in builds)}/{len(builds)}, "
              f"actions {sum(f[0] <= BUDGET for f in actions)}/{len(actions)}); slowest: page {slowest[1]} "
              f"{slowest[3]} {slowest[2]!r} {slowest[0] * 1000:.0f} ms (best of {self.repeat})")


# ------------------------------------------------------------------ the workbook and the baselines


def prepare(source: Path, work: Path) -> None:
    """Copy the bench workbook and add what it lacks: employers listed, a few merges."""
    shutil.copy(source, work)
    with Workbook.open(work) as wb:
        with wb.transaction() as c:  # report_bench writes contacts directly: list their companies as an import does
            sync_employers(c)
        for name in ("linkedin_three_people.csv", "google_same_people.csv", "vcard_same_email.vcf"):
            wb.import_contacts(MERGE / name)
        print(f"{len(wb.directory()):,} contacts, {len(wb.employers()):,} employers, {len(wb.merges())} merges, "
              f"{len(wb.meetings())} meetings")


def floor(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        pd.read_sql("SELECT * FROM contacts", con)
    finally:
        con.close()


def old_dropdown(wb: Workbook) -> W.Dropdown:
    """What the composer did before: every contact on the outreach list in one Dropdown."""
    c = wb.contacts()
    on = c[c["stage"].notna()]
    labels = [f"{first or ''} {last or ''} ({company or '?'}) · {stage}" for first, last, company, stage in
              zip(on["first_name"], on["last_name"], on["company"], on["stage"], strict=True)]
    return W.Dropdown(description="To", options=list(zip(labels, on["id"].astype(int), strict=True)))


def fresh() -> None:
    """Close every widget (a closed, collected widget stops re-reading) before the next page."""
    W.Widget.close_all()
    gc.collect()


@contextmanager
def listener_times(wb: Workbook) -> Iterator[dict[str, float]]:
    """Time each subscriber of `wb` (a widget's reload) while the block runs, by its class and method."""
    spent: dict[str, float] = defaultdict(float)

    def wrap(ref: Callable[[], Any]) -> Callable[[], Any]:
        def wrapped_ref() -> Callable[[], None] | None:
            callback = ref()
            if callback is None:
                return None
            owner = getattr(callback, "__self__", None)
            name = (f"{type(owner).__name__}.{callback.__name__}" if owner is not None
                    else getattr(callback, "__qualname__", repr(callback)))

            def timed() -> None:
                start = time.perf_counter()
                try:
                    callback()
                finally:
                    spent[name] += time.perf_counter() - start
            return timed
        return wrapped_ref

    original = list(wb._listeners)
    wrappers: dict[int, Callable[[], Any]] = {}
    wrapped = []
    for ref in original:
        w_ref = wrap(ref)
        wrappers[id(w_ref)] = ref
        wrapped.append(w_ref)
    wb._listeners[:] = wrapped
    try:
        yield spent
    finally:  # the originals back, less the dead; listeners added meanwhile kept
        wb._listeners[:] = [wrappers.get(id(r), r) for r in wb._listeners]


def listeners(wb: Workbook) -> int:
    return sum(ref() is not None for ref in wb._listeners)


def build_page(bench: Bench, page: str, path: Path, makers: list[tuple[str, Callable[[Workbook], Any]]],
               setup: Callable[[Workbook], None] | None = None) -> tuple[Workbook, list[Any]]:
    """Build the page `repeat` times, each on a newly opened workbook; return the last one and its widgets."""
    wb: Workbook | None = None
    widgets: list[Any] = []
    for _ in range(bench.repeat):
        widgets = []
        if wb is not None:
            wb.close()
        fresh()
        wb = Workbook.open(path)
        if setup is not None:
            setup(wb)
        assert listeners(wb) == 0
        bench.wb = wb
        for label, make in makers:
            with bench.timing(page, label, "build"):
                widgets.append(make(wb))
    assert wb is not None
    return wb, widgets


def people(wb: Workbook, stage: int, count: int, skip: int = 0) -> list[tuple[int, str]]:
    """`count` people at a funnel stage (index; -1: none), not excluded, with their names; ids of five
    digits, so that a name typed in a picker is the only one it matches ("First23141 Last23141")."""
    d = wb.directory()
    d = d[(d["stage"] == stage) & ~d["excluded"] & d["id"].between(10_001, 99_999)]
    rows = d.iloc[skip:skip + count]
    return [(int(i), str(n)) for i, n in zip(rows["id"], rows["name"], strict=True)]


def type_name(picker: Any, name: str, cid: int) -> None:
    """Type a name in a PersonPicker until its list shows them (the first keystroke after a change
    to the people may re-read them and start the search anew, as in the browser)."""
    for _ in range(2):
        picker.search.value = name
        if cid in [v for _, v in picker.matches]:
            return
    raise AssertionError((name, picker.matches))


def status_of(widget: Any) -> Callable[[], str]:
    return lambda: str(widget.status)


def clear(widget: Any) -> None:
    """Empty a status line, so that a stale success never passes for a new one."""
    status = getattr(widget, "_status", None)
    if status is not None:
        status.value = ""


# ------------------------------------------------------------------ page 01


def page01(bench: Bench, path: Path) -> None:
    p = "01"
    ranked: list[pd.DataFrame] = []

    def setup(wb: Workbook) -> None:
        ranked[:] = [rank_people(wb.contacts(), wb.profile(), top=15)]  # a cell of its own, before the picker

    wb, page = build_page(bench, p, path, [
        ("ProfileForm", ProfileForm), ("ImportForm", ImportForm), ("MergeReview", MergeReview),
        ("ContactForm (Add)", ContactForm), ("EmployerRater", EmployerRater),
        ("TargetPicker (ranked list given)", lambda wb: TargetPicker(wb, ranked[0]))], setup)
    for _ in range(bench.repeat):  # the form opened in Edit mode, beside the page, as the first picker of a kernel
        wb.__dict__.pop("_directory_cache", None)
        with bench.timing(p, "ContactForm (Edit: with its PersonPicker)", "build"):
            edit = ContactForm(wb, mode=ContactForm.EDIT)
        edit._unwatch()
        edit._picker._unwatch()
        del edit
    gc.collect()
    _, _, review, form, rater, target = page
    n = 0
    for _ in range(bench.repeat):
        n += 1
        form._first.value, form._last.value, form._company.value = "Bench", f"Person{n}", "Bench Co"
        clear(form)
        bench.action(p, "Add contact", form._button.click, status_of(form), "Added")
    for _ in range(bench.repeat):
        form._first.value, form._last.value, form._company.value = "Bench", "Person1", "Bench Co"
        clear(form)

        def collide() -> None:
            form._button.click()
            assert form._confirm.asking, form.status
        bench.action(p, "Add colliding contact (asks)", collide)
        form._confirm.answers["Cancel"].click()
    for _ in range(bench.repeat):
        rater._motivation.value = ((rater._motivation.value or 0) + 1) % 4
        rater._posting.value = 2
        clear(rater)
        bench.action(p, "Save rating", rater._button.click, status_of(rater), "Saved")
    for _ in range(bench.repeat):
        bench.action(p, "type in the employer search", lambda: setattr(rater._search, "value",
                                                                        rater._search.value + "a"))
    ids = list(review.buttons)
    for mid in ids[:bench.repeat]:
        bench.action(p, "Undo (a merge)", review.buttons[mid].click, status_of(review), "two people")
    options = [v for _, v in target._pick.options]
    for i in range(bench.repeat):
        target._pick.value = options[-1 - i]
        clear(target)
        bench.action(p, "Contact this person (TargetPicker)", target._button.click, status_of(target))
    form._mode.value = ContactForm.EDIT
    cid = int(wb.directory()["id"].iloc[100])
    form._picker.choose(cid)
    for _ in range(bench.repeat):
        n += 1
        form._position.value = f"Analyst {n}"
        clear(form)
        bench.action(p, "Save changes (Edit)", form._button.click, status_of(form), "Saved")
    for _ in range(bench.repeat):
        def ask_delete() -> None:
            form._delete_button.click()
            assert form._confirm.asking, form.status
        bench.action(p, "Delete… (dry run shown)", ask_delete)
        bench.action(p, "  then Cancel", form._confirm.answers["Cancel"].click)
    for i in range(bench.repeat):
        bench.action(p, "type in Whom to edit (PersonPicker search)",
                     lambda i=i: setattr(form._picker.search, "value", "ma"[: 1 + i % 2] + "r" * (i // 2)))
    wb.close()


# ------------------------------------------------------------------ page 02


def page02(bench: Bench, path: Path) -> None:
    p = "02"

    def setup(wb: Workbook) -> None:
        wb.set_current(contact_id=people(wb, 0, 1)[0][0])  # someone identified, to research

    wb, (research, _summary) = build_page(bench, p, path, [("ResearchForm", ResearchForm),
                                                           ("ResearchSummary", ResearchSummary)], setup)
    n = 0
    for _ in range(bench.repeat):
        n += 1
        research._title.value = f"Fact {n}"
        clear(research)
        bench.action(p, "Add fact", research._button.click, status_of(research), "Added")
    for _ in range(bench.repeat):
        research._facts.value = research._facts.options[-1][1]
        n += 1
        research._title.value = f"Fact edited {n}"
        clear(research)
        bench.action(p, "Save changes (a fact)", research._button.click, status_of(research), "Saved")
    for _ in range(bench.repeat):
        research._facts.value = research._facts.options[-1][1]
        research._delete_button.click()
        assert research._confirm.asking, research.status
        bench.action(p, "Delete fact… then Yes, delete (the Yes)", research._confirm.answers["Yes, delete"].click,
                     status_of(research), "Deleted")
    wb.close()


# ------------------------------------------------------------------ page 03


def unblank(c: Composer) -> None:
    """Fill the template's blanks, as a person would before Sent."""
    c._subject.value = c.subject.replace("[", "").replace("]", "")
    c._body.value = c.body.replace("[", "").replace("]", "")


def page03(bench: Bench, path: Path) -> None:
    p = "03"

    def setup(wb: Workbook) -> None:
        wb.set_current(contact_id=people(wb, -1, 1, skip=100)[0][0])

    wb, (c,) = build_page(bench, p, path, [("Composer", lambda wb: Composer(wb, now=lambda: NOW))], setup)
    for cid, name in people(wb, -1, bench.repeat, skip=200):
        assert c.picker is not None
        type_name(c.picker, name, cid)  # typed: then click the name
        bench.action(p, "choose another person (click in its PersonPicker)",
                     lambda cid=cid: setattr(c.picker._list, "value", cid))  # type: ignore[union-attr]
        assert c.contact_id == cid, (c.contact_id, cid)
        bench.action(p, "edit the body (live check)", lambda: setattr(c._body, "value", c.body + " Thanks."),
                     lambda: c.preview, "Thanks.")
        unblank(c)
        clear(c)
        bench.action(p, "Save draft", c._button.click, status_of(c), "Saved")
        clear(c)
        bench.action(p, "Sent", c._buttons["Sent"].click, status_of(c), "Marked sent")
        c._reply_on.value = TODAY
        clear(c)
        bench.action(p, "They replied", c._reply.click, status_of(c), "Reply recorded")
    wb.close()


# ------------------------------------------------------------------ page 04


def page04(bench: Bench, path: Path) -> None:
    p = "04"
    clock = Clock(NOW)
    first: list[int] = []

    def setup(wb: Workbook) -> None:
        if not first:  # a meeting with someone who replied, proposed before the page opens
            cid = people(wb, 3, 1)[0][0]
            first.append(arrange_meeting(wb, cid, "2026-12-01T10:00", at=NOW))
        wb.set_current(meeting_id=first[0])

    mid0 = lambda: first[0]  # noqa: E731
    wb, page = build_page(bench, p, path, [
        ("MeetingPicker", lambda wb: MeetingPicker(wb, mid0(), now=NOW)),
        ("ScheduleForm", lambda wb: ScheduleForm(wb, now=clock)),
        ("QuestionPlanEditor", lambda wb: QuestionPlanEditor(wb, mid0())),
        ("MeetingTimer", lambda wb: MeetingTimer(wb, mid0(), now=clock, tick_s=None)),
        ("MeetingLogForm", lambda wb: MeetingLogForm(wb, mid0(), now=clock)),
        ("ThankYouPanel (sent_here=False)", lambda wb: ThankYouPanel(wb, mid0(), now=clock, sent_here=False)),
        ("Composer (kind thank_you)", lambda wb: Composer(wb, kind="thank_you", now=clock))], setup)
    _picker, schedule, editor, timer, log, _panel, thanks = page
    for i, (cid, _name) in enumerate(people(wb, 3, bench.repeat, skip=10)):
        day = dt.date(2026, 12, 2 + i)
        clock.now = NOW
        schedule._meeting.value = 0
        # typing their name here is reset to the current person (ScheduleForm._follow_person calls
        # PersonPicker.choose(current), which empties the search): choose them as a click on a list would
        schedule._person.choose(cid)
        assert schedule._person.value == cid, (schedule._person.value, cid)
        schedule._person._list.value = cid
        schedule._date.value, schedule._time.value, schedule._minutes.value = day, dt.time(15, 0), 30
        schedule._place.value = "https://meet.example.org/bench"
        clear(schedule)
        bench.action(p, "Propose (ScheduleForm)", schedule._button.click, status_of(schedule), "Proposed")
        mid = schedule.meeting_id
        assert mid is not None and wb.current()["meeting_id"] == mid
        clear(schedule)
        bench.action(p, "Confirm", schedule._confirm.click, status_of(schedule), "Confirmed")
        schedule._time.value = dt.time(16, 0)
        clear(schedule)
        bench.action(p, "Move", schedule._move.click, status_of(schedule), "Moved")
        assert editor.meeting_id == mid and timer.meeting_id == mid and log.meeting_id == mid
        clear(editor)
        bench.action(p, "plan: move a question down", editor._rows.children[0].children[1].click,
                     status_of(editor), "Moved")
        clear(editor)
        bench.action(p, "plan: drop the last question", editor._rows.children[-1].children[2].click,
                     status_of(editor), "Deleted")
        editor._new.value = "What surprised you most in your first year here?"
        clear(editor)
        bench.action(p, "plan: add a question", editor._button.click, status_of(editor), "Added")
        clock.now = dt.datetime.combine(day, dt.time(16, 2), TZ)
        clear(timer)
        bench.action(p, "timer Start", timer._button.click, status_of(timer), "Started")
        clock.now += dt.timedelta(minutes=27)
        clear(timer)
        bench.action(p, "timer Stop", timer._stop.click, status_of(timer), "Stopped")
        log._advice.value = "Apply to the spring analyst cohort."
        log._next.value = "Me: sign up for the cohort alert. Them: share the date."
        log._names.value = f"Quinn Bench{i}, Meridian Insurance"
        clock.now += dt.timedelta(minutes=30)
        clear(log)
        bench.action(p, "Save log (with a referral)", log._button.click, status_of(log), "Thank-you draft ready")
        assert thanks.contact_id == cid, (thanks.contact_id, cid)
        if thanks.kind != "thank_you":  # it opened their newest message when they became current: choose the draft
            msgs = wb.messages(cid)
            draft = int(msgs[(msgs["kind"] == "thank_you") & (msgs["status"] == "draft")]["id"].iloc[-1])
            bench.action(p, "choose the thank-you draft (composer's Message list)",
                         lambda draft=draft: setattr(thanks._message, "value", draft), lambda: thanks.kind, "thank_you")
        unblank(thanks)
        clear(thanks)
        bench.action(p, "thank-you Sent (in the composer)", thanks._buttons["Sent"].click, status_of(thanks),
                     "Marked sent")
    wb.close()


# ------------------------------------------------------------------ page 05


def page05(bench: Bench, path: Path) -> None:
    p = "05"
    wb, (board,) = build_page(bench, p, path, [("FollowupBoard", lambda wb: FollowupBoard(wb, TODAY, now=NOW))])
    status = status_of(board)
    for _ in range(bench.repeat):
        keys = board.items["key"].tolist()
        bench.action(p, "Done", board.buttons(keys[0])["Done"].click, status, "Done on")
        keys = board.items["key"].tolist()
        bench.action(p, "Snooze", board.buttons(keys[0])["Snooze"].click, status, "Snoozed")
        keys = board.items["key"].tolist()
        bench.action(p, "Skip", board.buttons(keys[0])["Skip"].click, status, "Skipped")
        items = board.items
        key = items[items["kind"].isin(["second_contact", "nudge"])]["key"].iloc[0]
        board._reply_on.value = TODAY
        bench.action(p, "They replied", board.buttons(key)["They replied"].click, status, "Reply recorded")
        items = board.items
        key = items[items["template"].notna()]["key"].iloc[0]
        bench.action(p, "Draft (opens the composer)", board.buttons(key)["Draft"].click, status, "Draft")
        c = board.composer
        assert c is not None
        unblank(c)
        clear(c)
        bench.action(p, "Sent (in the board's composer)", c._buttons["Sent"].click, status_of(c), "Marked sent")
    board._unwatch()
    board.close_composer()
    wb.close()


# ------------------------------------------------------------------ main


PAGES = {"01": page01, "02": page02, "03": page03, "04": page04, "05": page05}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workbook", type=Path, help="build the 30k workbook here, or reuse it if it exists")
    parser.add_argument("--pages", default=",".join(PAGES), help="which pages, e.g. 03,05 (default: all)")
    parser.add_argument("--profile", action="append", default=[], metavar="PAGE:ACTION",
                        help="profile an action (its last repetition, left out of the timings), e.g. "
                             "'04:Propose'; may be repeated")
    args = parser.parse_args()
    bench = Bench(args.repeat, args.profile)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.workbook or Path(tmp) / "large.sqlite"
        if not source.exists():
            started = time.perf_counter()
            report_bench.build(source)
            print(f"built {source} in {time.perf_counter() - started:.1f} s")
        work = Path(tmp) / "work.sqlite"  # the benchmark writes: a throw-away copy
        prepare(source, work)
        with Workbook.open(work) as wb:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                floor(work)
                times.append(time.perf_counter() - start)
            bench.floor = min(times)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                old_dropdown(wb).close()
                times.append(time.perf_counter() - start)
            bench.dropdown = min(times)
        for name in args.pages.split(","):
            PAGES[name.strip()](bench, work)
        fresh()
    bench.table()
    bench.print_profiles()
    bench.summary()


if __name__ == "__main__":
    main()
