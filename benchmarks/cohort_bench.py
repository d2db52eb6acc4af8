"""Time the coach's cohort report data on 200 participant workbooks against merely opening and reading them.

Generates (once; pass --folder to keep and reuse it) 200 workbooks of realistic sizes, fast: a few
template workbooks are built through the public API by the demo builder (`build_demo`) from
variations of the invented sample data: the demo's Connections.csv plus 150 to 400 more invented
connections, its scripted history cut short at a different step (so participants are at different
stages, some of them quiet for weeks) and shifted back by whole weeks. Each template is then copied
to 200 / templates participant files, which is what a coach's folder of workbooks looks like to the
reader. Building a workbook through the API takes about 2 s, so 200 of them would take minutes.

Then prints, best of N:
- the baseline: open each workbook read-only and read the tables a summary reads into pandas
  (profile, contacts, events, follow-ups, meetings, messages), nothing computed;
- `cohort.load_folder` (each workbook opened read-only and summarized with `progress_summary`, in
  one process per core from `cohort.PARALLEL_FROM` workbooks on) and the four cohort tables
  (`table`, `funnel`, `weekly`, `stalled`) from it: the cohort report's data, target <= 10 s;
- the same from 200 JSON summaries written by `share-progress`.
Peak memory: the script prints its own (resource.getrusage); or run it under `/usr/bin/time -v`.

Run: .venv/bin/python benchmarks/cohort_bench.py [--repeat N] [--participants N] [--folder PATH]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from infoview_kit.demo import build_demo, sample_dir
from infoview_kit.reports import cohort, summary
from infoview_kit.store.readmodel import snapshot
from infoview_kit.workbook import Workbook

TODAY = dt.date(2026, 11, 25)
SEED = 20261125
TEMPLATES = 8
_FIRST = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Indigo", "Jules", "Kai", "Logan", "Morgan",
          "Noor", "Oakley", "Parker", "Quinn", "Reese", "Sasha", "Tatum", "Umi", "Val", "Wren", "Yael", "Zion"]
_LAST = ["Ashdown", "Brightwater", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Greystone", "Hollins", "Ivers",
         "Jessup", "Kingsley", "Lockridge", "Merriweather", "Northcott", "Oakhurst", "Pennington", "Quarry", "Rowntree"]
_COMPANIES = ["Acme Analytics", "Bright Retail", "Copper Health", "Delta Freight", "Evergreen Bank", "Fjord Media",
              "Granite Insurance", "Harbor Logistics", "Iris Labs", "Juniper Foods", "Keystone Consulting"]
_ROLES = ["Data Analyst", "Senior Data Analyst", "Analytics Manager", "Data Scientist", "BI Developer",
          "Technical Recruiter", "Software Engineer", "Product Manager", "Operations Analyst", "Consultant"]


def _shift(value: str, days: int) -> str:
    return (dt.datetime.fromisoformat(value) - dt.timedelta(days=days)).isoformat(timespec="minutes")


def make_sample(folder: Path, rng: random.Random, *, extra: int, steps: int, weeks_back: int) -> Path:
    """Write a variation of data/sample in `folder`: more connections, history cut at `steps` and shifted."""
    src = sample_dir()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "profile.json", folder / "profile.json")
    text = (src / "Connections.csv").read_text(encoding="utf-8").rstrip("\n")
    rows = []
    for i in range(extra):
        first, last = rng.choice(_FIRST), f"{rng.choice(_LAST)}{i}"
        connected = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3900))
        rows.append([first, last, f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}",
                     f"{first.lower()}.{last.lower()}@example.org" if i % 3 else "", rng.choice(_COMPANIES),
                     rng.choice(_ROLES), connected.strftime("%d %b %Y")])
    with open(folder / "Connections.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(text + "\n")
        csv.writer(fh, lineterminator="\n").writerows(rows)
    days = 7 * weeks_back
    with open(sample_dir() / "history.jsonl", encoding="utf-8") as fh, \
            open(folder / "history.jsonl", "w", encoding="utf-8") as out:
        for line in [ln for ln in fh if ln.strip()][:steps]:
            step = json.loads(line)
            for key in ("at", "start", "end") if step["do"] in ("schedule", "held") else ("at",):
                if key in step:
                    step[key] = _shift(step[key], days)
            out.write(json.dumps(step, ensure_ascii=False) + "\n")
    return folder


def generate(folder: Path, participants: int, seed: int = SEED) -> list[Path]:
    """Write `participants` workbooks into `folder` (TEMPLATES built through the API, then copied)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    templates = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(TEMPLATES):
            sample = make_sample(Path(tmp) / f"sample-{k}", rng, extra=rng.randint(150, 400),
                                 steps=rng.randint(40, 132), weeks_back=rng.choice([0, 0, 1, 2, 4]))
            templates.append(build_demo(Path(tmp) / f"template-{k}.sqlite", sample=sample))
        paths = []
        for i in range(participants):
            target = folder / f"participant-{i:03d}.sqlite"
            shutil.copy(templates[i % TEMPLATES], target)
            paths.append(target)
    return paths


def read_only(paths: list[Path]) -> None:
    """The baseline: open each workbook read-only and read the tables a summary reads, nothing else."""
    for path in paths:
        with Workbook.open(path, read_only=True) as wb:
            snap = snapshot(wb)
            for table in ("profile", "contacts", "events", "followups", "meetings", "messages"):
                getattr(snap, table)()


def report_data(folder: Path) -> None:
    """What the cohort report computes: every participant summarized, then the four tables."""
    people, _problems = cohort.load_folder(folder, TODAY)
    cohort.table(people, TODAY)
    cohort.funnel(people)
    cohort.weekly(people)
    cohort.stalled(people, TODAY)


def best(fn: Callable[[], object], repeat: int) -> float:
    """Return the best wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--folder", type=Path, help="generate the workbooks here, or reuse them if it holds any")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "cohort"
        paths = sorted(folder.glob("*.sqlite")) if folder.is_dir() else []
        if not paths:
            started = time.perf_counter()
            paths = generate(folder, args.participants)
            print(f"generated {len(paths)} workbooks in {folder} in {time.perf_counter() - started:.1f} s "
                  f"({TEMPLATES} built through the API, then copied)")
        sizes = []
        for path in paths[:TEMPLATES]:
            with Workbook.open(path, read_only=True) as wb:
                sizes.append(wb.table_counts())
        print("per workbook: contacts " + ", ".join(str(s["contacts"]) for s in sizes) + "; events "
              + ", ".join(str(s["events"]) for s in sizes) + f" (the {len(sizes)} templates)")
        report_data(folder)  # warm: imports, holiday calendars, as a coach's second run in a session
        t_base = best(lambda: read_only(paths), args.repeat)
        t_data = best(lambda: report_data(folder), args.repeat)
        summaries = Path(tmp) / "summaries"
        summaries.mkdir()
        people, problems = cohort.load_folder(folder, TODAY)
        assert not problems, problems
        for i, p in enumerate(people):
            summary.write_summary(p.summary, summaries / f"participant-{i:03d}.json")
        t_json = best(lambda: report_data(summaries), args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(paths)
    print(f"\nbaseline: open {n} workbooks read-only and read their tables   {t_base:6.2f} s")
    print(f"cohort report data from {n} workbooks (summarize + 4 tables)  {t_data:6.2f} s   "
          f"({t_data / t_base:.2f}x the baseline; target <= 10 s)")
    print(f"cohort report data from {n} JSON summaries                     {t_json:6.2f} s")
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
