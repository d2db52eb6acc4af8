"""Time the forms of notebooks 01 and 02 on the 30,000-contact workbook of benchmarks/report_bench.py.

Not collected by pytest (timings on a shared machine are no test). Run from the project root:

    python tests/bench_forms.py /tmp/big.sqlite    # built on a throw-away copy; the file is changed

Each figure is the best of 3. "Page 01" holds ProfileForm, ImportForm, MergeReview, ContactForm,
EmployerRater and TargetPicker, as notebook 01 does; "page 02" holds ResearchForm and
ResearchSummary. A click's time includes every widget of the page re-reading (on_change).
"""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as W

from infoview_kit.store import Workbook
from infoview_kit.targets import rank_people
from infoview_kit.widgets import (
    ContactForm,
    EmployerRater,
    ImportForm,
    MergeReview,
    ProfileForm,
    ResearchForm,
    ResearchSummary,
    TargetPicker,
)

MERGE = Path(__file__).resolve().parent / "fixtures" / "merge"


def fresh() -> None:
    """Close every widget (a closed form stops re-reading) before the next page."""
    W.Widget.close_all()
    gc.collect()


def best(label: str, fn: Callable[[], object], n: int = 3, *, build: bool = False, wb: Workbook | None = None) -> None:
    times = []
    for _ in range(n):
        if build:
            fresh()
            if wb is not None:  # a cold start: the first picker of a kernel reads the directory
                wb.__dict__.pop("_directory_cache", None)
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:48s} {min(times) * 1000:7.1f} ms")


def main(path: Path) -> None:
    if not path.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
        import report_bench

        report_bench.build(path)
    work = Path(tempfile.mkdtemp()) / "big.sqlite"
    shutil.copy(path, work)
    wb = Workbook.open(work)
    with wb.transaction() as c:  # the benchmark writes contacts directly: list their companies as an import does
        wb._sync_employers(c)
    for name in ("linkedin_three_people.csv", "google_same_people.csv", "vcard_same_email.vcf"):
        wb.import_contacts(MERGE / name)
    print(f"{len(wb.directory())} contacts, {len(wb.employers())} employers, {len(wb.merges())} merges")
    cid = int(wb.directory()["id"].iloc[100])
    wb.set_current(contact_id=cid)
    for label, make in [("ContactForm (Add)", lambda: ContactForm(wb)),
                        ("ContactForm (Edit: with its PersonPicker)", lambda: ContactForm(wb, mode=ContactForm.EDIT)),
                        ("ResearchForm", lambda: ResearchForm(wb)), ("ResearchSummary", lambda: ResearchSummary(wb)),
                        ("EmployerRater", lambda: EmployerRater(wb)), ("ImportForm", lambda: ImportForm(wb)),
                        ("MergeReview", lambda: MergeReview(wb))]:
        best(f"build {label}", make, build=True, wb=wb)
    ranked = rank_people(wb.contacts(), wb.profile(), top=15)
    best("build TargetPicker (ranked list given)", lambda: TargetPicker(wb, ranked), build=True)

    fresh()
    page01(wb, cid, ranked, n=[0])
    fresh()  # another notebook, another kernel: page 01 is gone
    page02(wb, n=[1000])


def page01(wb: Workbook, cid: int, ranked: Any, n: list[int]) -> None:
    print("page 01, ContactForm in Add mode:")
    page = [ProfileForm(wb), ImportForm(wb), MergeReview(wb), ContactForm(wb), EmployerRater(wb),
            TargetPicker(wb, ranked)]
    _, _, review, form, rater, target = page

    def add() -> None:
        n[0] += 1
        form._first.value, form._last.value, form._company.value = "Bench", f"Person{n[0]}", "Bench Co"
        form._button.click()
        assert "Added" in form.status, form.status
    best("  click Add contact", add)

    def collide() -> None:
        form._first.value, form._last.value, form._company.value = "Bench", "Person1", "Bench Co"
        form._button.click()
        assert form._confirm.asking, form.status
        form._confirm.answers["Cancel"].click()
    best("  click Add contact on someone there (asks)", collide)

    def rate() -> None:
        rater._motivation.value = ((rater._motivation.value or 0) + 1) % 4
        rater._posting.value = 2
        rater._button.click()
        assert "Saved" in rater.status, rater.status
    best("  click Save rating", rate)
    best("  type in the employer search", lambda: setattr(rater._search, "value", rater._search.value + "a"))
    ids = list(review.buttons)

    def undo() -> None:
        review.buttons[ids.pop(0)].click()
        assert "two people" in review.status, review.status
    best("  click Undo (a merge)", undo, n=min(3, len(ids)))
    best("  click Contact this person", lambda: target._button.click())

    print("page 01, ContactForm in Edit mode:")
    form._mode.value = ContactForm.EDIT
    form._picker.choose(cid)

    def edit() -> None:
        n[0] += 1
        form._position.value = f"Analyst {n[0]}"
        form._button.click()
        assert "Saved" in form.status, form.status
    best("  click Save changes", edit)

    def ask_delete() -> None:
        form._delete_button.click()
        assert form._confirm.asking
        form._confirm.answers["Cancel"].click()
    best("  click Delete… (dry run shown) then Cancel", ask_delete)
    best("  type in Whom to edit", lambda: setattr(form._picker.search, "value", "a" * (n[0] % 3 + 1)))
    n[0] += 1



def page02(wb: Workbook, n: list[int]) -> None:
    print("page 02:")
    research, _summary = ResearchForm(wb), ResearchSummary(wb)

    def add_fact() -> None:
        n[0] += 1
        research._title.value = f"Fact {n[0]}"
        research._button.click()
        assert "Added" in research.status, research.status
    best("  click Add fact", add_fact)

    def edit_fact() -> None:
        research._facts.value = research._facts.options[-1][1]
        n[0] += 1
        research._title.value = f"Fact edited {n[0]}"
        research._button.click()
        assert "Saved" in research.status, research.status
    best("  click Save changes (a fact)", edit_fact)

    def delete_fact() -> None:
        research._facts.value = research._facts.options[-1][1]
        research._delete_button.click()
        research._confirm.answers["Yes, delete"].click()
        assert "Deleted" in research.status, research.status
    best("  click Delete fact… then Yes, delete", delete_fact)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big-forms.sqlite"))
