"""Time read_contacts against pandas.read_csv on large generated LinkedIn exports."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from infoview_kit.find.contacts import read_contacts

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
          "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "小明",
          "Zoë", "Aarav", "Bea", "Chen", "Dalia", "Emeka", "Fatima", "Goran", "Hana", "Ilse", "Jonas",
          "Keiko", "Luis"]
_SYLLABLES = ["ab", "ber", "cas", "dor", "el", "fon", "gar", "hof", "iv", "jen", "kow", "lind", "mor", "nov",
              "os", "pet", "quist", "ros", "sa", "ter", "ul", "van", "wen", "yil", "zur", "é", "ñ"]
_COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Wayne", "Stark", "Tyrell",
                  "Soylent", "Cyberdyne", "Wonka", "Oscorp", "Aperture", "Monarch", "Gringotts", "Duff",
                  "Krusty", "Nakatomi", "Pied Piper", "Massive Dynamic", "Blue Sun", "Virtucon", "Zorg"]
_COMPANY_KINDS = ["Labs", "Analytics", "Health", "Bank", "Logistics", "Energy", "Media", "Robotics", "Foods",
                  "Consulting", "Software", "Insurance", "Retail", "Capital", "Games"]
_COMPANY_SUFFIXES = ["", "", "", " Inc.", ", Inc.", " LLC", " GmbH", " Ltd", ", Ltd.", " plc", " SA"]
_SENIORITY = ["", "", "Junior ", "Senior ", "Lead ", "Principal ", "Head of ", "VP "]
_ROLES = ["Data Analyst", "Software Engineer", "Product Manager", "Technical Recruiter", "Talent Acquisition",
          "UX Designer", "Marketing Lead", "Data Scientist", "Sales Manager", "Account Executive",
          "Operations", "Finance", "Engineering Manager", "Researcher", "Consultant"]
_TEAMS = ["", "", "", ", EMEA", ", Platform", " (Payments)", ", Growth", " – Cloud", ", Public Sector"]


def _person_name(rng: random.Random) -> tuple[str, str]:
    last = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return rng.choice(_FIRST), last


def make_linkedin_export(path: Path, rows: int, seed: int = SEED, *, older: bool = False) -> Path:
    """Write a current-layout LinkedIn Connections.csv with ``rows`` invented people.

    Invented names (syllable soup), a few thousand distinct companies and positions, about a
    third with an email, dates over 12 years as LinkedIn writes them ("12 Mar 2024"). With
    ``older``, dates as older exports write them ("3/12/24, 9:30 AM": month-first, with a time),
    and one row in a hundred with an unquoted comma in its company ("Acme Labs, Inc.").
    """
    rng = random.Random(seed)
    start = dt.date(2012, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(_NOTES)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(_HEADER)
        for i in range(rows):
            first, last = _person_name(rng)
            ascii_last = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode().lower()
            slug = f"{ascii_last}-{i:06d}-{rng.randrange(16**6):06x}"  # LinkedIn URLs are ASCII
            email = f"{ascii_last}.{i}@example.org" if rng.random() < 0.3 else ""
            company = (f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_KINDS)}"
                       f"{rng.choice(_COMPANY_SUFFIXES)}")
            position = f"{rng.choice(_SENIORITY)}{rng.choice(_ROLES)}{rng.choice(_TEAMS)}"
            day = start + dt.timedelta(days=rng.randrange(4500))
            if not older:
                writer.writerow([first, last, f"https://www.linkedin.com/in/{slug}", email, company, position,
                                 day.strftime("%d %b %Y")])
                continue
            when = f"{day.month}/{day.day}/{day:%y}, {rng.randint(1, 12)}:{rng.randrange(60):02d} {rng.choice('AP')}M"
            row = [first, last, f"https://www.linkedin.com/in/{slug}", email, company, position, when]
            if i % 100 == 7:  # as a hand-edited file has them: a company with a comma, unquoted
                fh.write(",".join([first, last, row[2], email, "Acme Labs, Inc.", position.replace(",", ""),
                                   f'"{when}"']) + "\n")
            else:
                writer.writerow(row)
    return path


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best wall-clock time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_read(path: Path, **baseline: object) -> tuple[float, float, float]:
    """Time pandas.read_csv of the file (preamble skipped; default, and all-text as read_contacts
    reads it; ``baseline`` passed on, e.g. on_bad_lines="skip") and read_contacts; best of 3 each, in seconds."""
    t_pandas = best_of(lambda: pd.read_csv(path, skiprows=3, **baseline))  # type: ignore[call-overload]
    t_text = best_of(lambda: pd.read_csv(path, skiprows=3, dtype=str, keep_default_na=False,
                                         **baseline))  # type: ignore[call-overload]
    t_ours = best_of(lambda: read_contacts(path))
    return t_pandas, t_text, t_ours


# ---- HOOK for the store engineer: the full Workbook.import_contacts timing lives here. ----
def bench_import(path: Path) -> float:
    """Time ``Workbook.import_contacts(path)`` into a fresh workbook, and again into the populated
    one (every row matched against the people already there: the merge path), best of 3 each.
    Prints both and returns the fresh-import time in seconds."""
    from infoview_kit.workbook import Workbook

    fresh, again = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEATS):
            with Workbook.open(Path(tmp) / f"bench_{i}.sqlite") as wb:
                t0 = time.perf_counter()
                wb.import_contacts(path)
                fresh.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                wb.import_contacts(path)
                again.append(time.perf_counter() - t0)
    print(f"import_contacts ({path.name}) into a new workbook: {min(fresh):6.2f} s; "
          f"again into the populated one: {min(again):6.2f} s (best of {REPEATS})")
    return min(fresh)


# ---- end of hook ----


def main() -> int:
    print(f"{'rows':>8} {'MB':>5} {'pandas.read_csv':>16} {'read_csv(str)':>14} {'read_contacts':>14} "
          f"{'ratio':>6} {'ratio(str)':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in SIZES:
            path = make_linkedin_export(Path(tmp) / f"Connections_{rows}.csv", rows)
            t_pandas, t_text, t_ours = bench_read(path)
            size = path.stat().st_size / 1e6
            print(f"{rows:>8} {size:>5.1f} {t_pandas * 1000:>13.1f} ms {t_text * 1000:>11.1f} ms "
                  f"{t_ours * 1000:>11.1f} ms {t_ours / t_pandas:>5.2f}x {t_ours / t_text:>9.2f}x")
        older = make_linkedin_export(Path(tmp) / "Connections_older.csv", SIZES[0], older=True)
        t_pandas, t_text, t_ours = bench_read(older, on_bad_lines="skip")
        print(f"{'older':>8} {older.stat().st_size / 1e6:>5.1f} {t_pandas * 1000:>13.1f} ms {t_text * 1000:>11.1f} ms "
              f"{t_ours * 1000:>11.1f} ms {t_ours / t_pandas:>5.2f}x {t_ours / t_text:>9.2f}x   "
              "(M/D/YY with time, 1% unquoted commas: the careful path)")
        for rows in SIZES:  # targets: <= 2 s for 30,000 rows, <= 10 s for 100,000
            bench_import(Path(tmp) / f"Connections_{rows}.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
