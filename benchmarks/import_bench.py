"""Time read_contacts against pandas.read_csv on large generated LinkedIn exports."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from infoview_kit.contacts import read_contacts

SIZES = (30_000, 100_000)
REPEATS = 3
SEED = 20240312

_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or "
    'download their email address using this setting https://www.linkedin.com/psettings/privacy/email."\n'
    "\n"
)
_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
_FIRST = ["Amélie", "Bruno", "Chiara", "Dmitri", "Élodie", "Farid", "Greta", "Hiroshi", "Ines", "João",
          "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "小明", "Zoë"]
_LAST = ["Abara", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fontaine", "García", "Hoffmann", "Ivanova",
         "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novák", "O'Neill", "Petrov", "Quist", "Rossi", "王"]
_COMPANIES = ["Acme, Inc.", "Globex", "Initech LLC", "Umbrella Labs", "Hooli", "Vandelay Industries",
              "Wayne Enterprises", "Stark Industries, Ltd.", "Tyrell Corp", "Soylent GmbH"]
_POSITIONS = ["Data Analyst", "Software Engineer", "Product Manager", "Technical Recruiter",
              "Head of Talent Acquisition", "UX Designer", "Marketing Lead, EMEA", "Founder"]


def make_linkedin_export(path: Path, rows: int, seed: int = SEED) -> Path:
    """Write a current-layout LinkedIn Connections.csv with ``rows`` invented people."""
    rng = random.Random(seed)
    start = dt.date(2012, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(_NOTES)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(_HEADER)
        for i in range(rows):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            slug = f"person-{i:06d}-{rng.randrange(16**6):06x}"
            email = f"person{i}@example.org" if rng.random() < 0.3 else ""
            day = start + dt.timedelta(days=rng.randrange(4500))
            writer.writerow([first, last, f"https://www.linkedin.com/in/{slug}", email,
                             rng.choice(_COMPANIES), rng.choice(_POSITIONS), day.strftime("%d %b %Y")])
    return path


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best wall-clock time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_read(path: Path) -> tuple[float, float]:
    """Time pandas.read_csv of the file (preamble skipped) and read_contacts; best of 3 each."""
    t_pandas = best_of(lambda: pd.read_csv(path, skiprows=3))
    t_ours = best_of(lambda: read_contacts(path))
    return t_pandas, t_ours


# ---- HOOK for the store engineer: fill in the full Workbook.import_contacts timing here. ----
def bench_import(path: Path) -> float | None:
    """Time ``Workbook.import_contacts(path)`` into a fresh temporary workbook (best of 3).

    Returns None (and says so) while ``infoview_kit.store`` has no ``import_contacts``.
    """
    try:
        from infoview_kit import store
    except ImportError:
        store = None
    workbook = getattr(store, "Workbook", None)
    if workbook is None or not hasattr(workbook, "import_contacts"):
        print("import_contacts: not yet available")
        return None
    print("import_contacts: hook not filled in yet (see bench_import in benchmarks/import_bench.py)")
    return None
# ---- end of hook ----


def main() -> int:
    print(f"{'rows':>8} {'MB':>6} {'pandas.read_csv':>16} {'read_contacts':>14} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in SIZES:
            path = make_linkedin_export(Path(tmp) / f"Connections_{rows}.csv", rows)
            t_pandas, t_ours = bench_read(path)
            size = path.stat().st_size / 1e6
            print(f"{rows:>8} {size:>6.1f} {t_pandas * 1000:>13.1f} ms {t_ours * 1000:>11.1f} ms "
                  f"{t_ours / t_pandas:>5.2f}x")
        bench_import(Path(tmp) / f"Connections_{SIZES[0]}.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
