"""Time `due` and the chart data functions on a large workbook against reading its tables into pandas.

Builds (once; pass --workbook to keep and reuse it) a workbook with 30,000 contacts and about
50,000 events over two years, in realistic proportions: monthly imports, a few thousand people
chosen and researched, first emails and the 3-and-7-business-day routine, 30% replies, meetings,
thank-yous (some late), updates, check-ins and introductions. The rows are what the public API
writes, inserted in one `wb.transaction()` for speed.

Then prints, best of N: `followups.due`, all chart data together (`charts.chart_data`, one read
of each table) and each data function alone, beside the floor: `pd.read_sql` of the same tables
from the file, and the same tables read through the Workbook API. Each is also timed with the
tables already read, which is the computing alone; `due` on a Workbook reads only the rows and
columns it needs (`Workbook.due_inputs`), timed alone too. Peak memory: run it under `/usr/bin/time -v`.

Run: .venv/bin/python benchmarks/report_bench.py [--repeat N] [--workbook PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from infoview_kit.base.bizdays import nudge_schedule
from infoview_kit.followup import due
from infoview_kit.reports.charts import DATA_FUNCTIONS, chart_data
from infoview_kit.store import utc_iso
from infoview_kit.store.readmodel import Snapshot
from infoview_kit.workbook import Workbook

CONTACTS = 30_000
TODAY = dt.date(2026, 11, 25)
START = dt.datetime(2024, 11, 25, 9, 0)
TZ = ZoneInfo("America/Chicago")
SEED = 20261125
TABLES = ("contacts", "events", "followups", "meetings", "messages")
_ROLES = ["Data Analyst", "Senior Data Analyst", "Analytics Manager", "Data Scientist", "BI Developer",
          "Technical Recruiter", "Software Engineer", "Product Manager", "Operations Analyst", "Consultant"]


class _Log:
    """Rows to insert, with ids handed out as the API would."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | None, int | None, str | None]] = []
        self.messages: list[tuple[object, ...]] = []
        self.followups: list[list[object]] = []
        self.meetings: list[tuple[object, ...]] = []

    def event(self, at: dt.datetime, what: str, cid: int | None, ref: int | None = None, /,
              **detail: object) -> None:
        self.events.append((utc_iso(at), what, cid, ref, json.dumps(detail, sort_keys=True) if detail else None))

    def message(self, cid: int, kind: str, drafted: dt.datetime, sent: dt.datetime | None,
                replied: dt.datetime | None = None) -> int:
        mid = len(self.messages) + 1
        status = "replied" if replied else "sent" if sent else "draft"
        self.messages.append((mid, cid, kind, kind, f"{kind} subject", f"{kind} body", status, utc_iso(drafted),
                              utc_iso(sent) if sent else None, utc_iso(replied) if replied else None))
        self.event(drafted, "email_drafted", cid, mid, kind=kind)
        if sent:
            self.event(sent, "email_sent" if kind == "outreach" else f"{kind}_sent", cid, mid)
        if replied:
            self.event(replied, "reply_received", cid, mid, kind=kind)
        return mid

    def followup(self, cid: int, kind: str, due_at: dt.datetime, reason: str, message_id: int | None = None,
                 meeting_id: int | None = None) -> list[object]:
        row: list[object] = [len(self.followups) + 1, cid, kind, utc_iso(due_at), reason, message_id, meeting_id,
                             None]
        self.followups.append(row)
        return row


def build(path: Path, seed: int = SEED) -> Path:
    """Write the large workbook at `path` (replacing it); return the path."""
    rng = random.Random(seed)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    days = (dt.datetime.combine(TODAY, dt.time()) - START).days
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=TZ)

    def when(day: float, hour: float = 9.0) -> dt.datetime:
        return (START + dt.timedelta(days=day, hours=hour - 9)).replace(tzinfo=TZ)

    log = _Log()
    contacts = []
    imports = sorted(rng.uniform(0, days - 30) for _ in range(24))
    for i in range(CONTACTS):
        added = when(imports[i % 24], 9)
        connected = (dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(4000))).isoformat()
        contacts.append([i + 1, f"bench-{i}", f"First{i}", f"Last{i}", f"p{i}@example.org" if i % 3 else None,
                         f"Company {rng.randrange(2500)}", rng.choice(_ROLES), connected, None, utc_iso(added)])
        log.event(added, "contact_added", i + 1, None, source="import")
    chosen = rng.sample(range(1, CONTACTS + 1), 3200)
    spare = [c for c in range(1, CONTACTS + 1) if c not in set(chosen)]
    meeting_id = 0
    for cid in chosen:
        day = rng.uniform(0, days - 3)
        log.event(when(day, 9.5), "targeted", cid)
        if rng.random() < 0.85:
            for k in range(rng.randint(1, 2)):
                log.event(when(day + 0.2, 10 + k), "research_added", cid, None, kind="experience")
        if rng.random() > 0.8:
            continue
        sent = when(day + rng.uniform(1, 6), 9 + rng.random() * 8)
        if sent > now:
            continue
        routine = [log.followup(cid, kind, due_at, f"{kind} routine")
                   for kind, due_at in nudge_schedule(sent, country="US", tz="America/Chicago")]
        replied = sent + dt.timedelta(days=rng.expovariate(1 / 4)) if rng.random() < 0.3 else None
        replied = replied if replied and replied < now else None
        mid = log.message(cid, "outreach", sent - dt.timedelta(minutes=10), sent, replied)
        for row in routine:
            row[5] = mid
        if replied is None:
            if rng.random() < 0.6 and routine[1][3] < utc_iso(now):  # the nudge, on day 7 or a little later
                at = dt.datetime.fromisoformat(str(routine[1][3])) + dt.timedelta(hours=rng.uniform(-2, 30))
                log.message(cid, "nudge", at - dt.timedelta(minutes=5), at)
                routine[1][7] = utc_iso(at)
            if rng.random() < 0.5 and routine[0][3] < utc_iso(now):
                at = dt.datetime.fromisoformat(str(routine[0][3])) + dt.timedelta(days=rng.uniform(-0.2, 4))
                routine[0][7] = utc_iso(at)
                log.event(at, "followup_done", cid, int(str(routine[0][0])), kind="second_contact")
            continue
        for row in routine:
            if row[7] is None:
                row[7] = utc_iso(replied)
        if rng.random() > 0.7:
            continue
        meeting_id += 1
        start = (replied + dt.timedelta(days=rng.uniform(4, 16))).replace(minute=0, second=0, microsecond=0)
        planned = rng.choice([20, 20, 30, 30, 30, 45])
        held = start < now - dt.timedelta(hours=2) and rng.random() < 0.92
        actual = planned + rng.randint(-6, 12)
        log.meetings.append((meeting_id, cid, f"bench-{meeting_id}@infoview-kit.local", utc_iso(start),
                             "America/Chicago", planned, "held" if held else "confirmed",
                             utc_iso(start) if held else None,
                             utc_iso(start + dt.timedelta(minutes=actual)) if held else None))
        log.event(replied + dt.timedelta(hours=1), "meeting_scheduled", cid, meeting_id)
        if not held:
            continue
        end = start + dt.timedelta(minutes=actual)
        log.event(end, "meeting_held", cid, meeting_id)
        thanks = log.followup(cid, "thank_you", end + dt.timedelta(hours=24),
                              "Thank-you note within 24 hours of the meeting.", meeting_id=meeting_id)
        if rng.random() < 0.9:
            at = end + dt.timedelta(hours=rng.uniform(2, 40))
            if at < now:
                thanks[5] = log.message(cid, "thank_you", at - dt.timedelta(minutes=5), at)
                thanks[7] = utc_iso(at)
        if rng.random() < 0.25 and spare:  # an introduction to someone new
            new = spare.pop()
            at = end + dt.timedelta(hours=2)
            contacts[new - 1][8] = cid
            contacts[new - 1][9] = utc_iso(at)
            log.event(at, "contact_added", new, None, source="referral", referred_by=cid)
        if rng.random() < 0.45:
            at = end + dt.timedelta(days=rng.uniform(14, 60))
            if at < now:
                log.message(cid, "update", at - dt.timedelta(minutes=5), at)
        if rng.random() < 0.3:
            at = end + dt.timedelta(days=rng.uniform(30, 90))
            if at < now:
                log.message(cid, "checkin", at - dt.timedelta(minutes=5), at)
    log.events.sort(key=lambda e: e[0])
    with Workbook.open(path) as wb:
        wb.set_profile(name="Bench Mark", timezone="America/Chicago", country="US",
                       target_industry="data analytics", at=when(0, 8))
        with wb.transaction() as c:
            c.executemany("INSERT INTO contacts (id, person_key, first_name, last_name, email, company, position, "
                          "connected_on, referred_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", contacts)
            c.executemany("INSERT INTO messages (id, contact_id, kind, template, subject, body, status, drafted_at, "
                          "sent_at, replied_at) VALUES (?,?,?,?,?,?,?,?,?,?)", log.messages)
            c.executemany("INSERT INTO meetings (id, contact_id, uid, starts_at, timezone, duration_min, status, "
                          "actual_start, actual_end) VALUES (?,?,?,?,?,?,?,?,?)", log.meetings)
            c.executemany("INSERT INTO followups (id, contact_id, kind, due_at, reason, message_id, meeting_id, "
                          "done_at) VALUES (?,?,?,?,?,?,?,?)", log.followups)
            c.executemany("INSERT INTO events (at, kind, contact_id, ref_id, detail) VALUES (?,?,?,?,?)",
                          log.events)
    return path


def best(fn: Callable[[], object], repeat: int) -> float:
    """Return the best wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def read_tables(path: Path) -> None:
    """The floor: the same tables read into pandas with nothing else done."""
    con = sqlite3.connect(path)
    try:
        for table in TABLES:
            pd.read_sql(f"SELECT * FROM {table}", con)
    finally:
        con.close()


def warm(wb: Workbook) -> Snapshot:
    """A snapshot with every table read, so what is timed next is the computing alone."""
    snap = Snapshot(wb)
    for table in (*TABLES, "profile"):
        getattr(snap, table)()
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workbook", type=Path, help="build it here, or reuse it if it exists")
    args = parser.parse_args()
    n = args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        path = args.workbook or Path(tmp) / "large.sqlite"
        if not path.exists():
            started = time.perf_counter()
            build(path)
            print(f"built {path} in {time.perf_counter() - started:.1f} s")
        with Workbook.open(path) as wb:
            counts = wb.table_counts()
            print(f"contacts {counts['contacts']:,}  events {counts['events']:,}  followups {counts['followups']:,}  "
                  f"meetings {counts['meetings']:,}  messages {counts['messages']:,}")
            due(wb, TODAY)  # warm the holiday calendars and imports, as any second call in a session
            floor = best(lambda: read_tables(path), n)
            reads = {t: best(lambda t=t: getattr(wb, t)(), n) for t in TABLES}
            t_due = best(lambda: due(wb, TODAY), n)
            t_due_compute = computing(wb, lambda s: due(s, TODAY), n)
            cut = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(), TZ)
            t_due_read = best(lambda: wb.due_inputs(cut), n)
            t_charts = best(lambda: chart_data(wb, TODAY), n)
            t_charts_compute = computing(wb, lambda s: chart_data(s, TODAY), n)
            per = {name: best(lambda fn=fn: fn(wb, TODAY), n) for name, fn in DATA_FUNCTIONS.items()}
            rows = len(due(wb, TODAY))
    ms = 1000
    print(f"\nfloor: the 5 tables read with pd.read_sql      {floor * ms:7.1f} ms")
    print("the same tables through the Workbook API:      " + ", ".join(f"{t} {v * ms:.0f}" for t, v in reads.items())
          + f" = {sum(reads.values()) * ms:.0f} ms")
    print(f"due, from the workbook ({rows} rows)            {t_due * ms:7.1f} ms   (target <= 100 ms)")
    print(f"  of which its lean read (Workbook.due_inputs) {t_due_read * ms:7.1f} ms")
    print(f"  computing, from the whole tables read before {t_due_compute * ms:7.1f} ms")
    print(f"all chart data, one snapshot, from the workbook {t_charts * ms:7.1f} ms   (target <= 1000 ms)")
    print(f"  of which computing (tables already read)     {t_charts_compute * ms:7.1f} ms")
    print("each chart data function alone, from the workbook:")
    for name, sec in per.items():
        print(f"  {name:<24} {sec * ms:7.1f} ms")


def computing(wb: Workbook, fn: Callable[[Snapshot], object], repeat: int) -> float:
    """The best time of `fn` on a snapshot whose tables are already read (a new one each time)."""
    times = []
    for _ in range(repeat):
        snap = warm(wb)
        start = time.perf_counter()
        fn(snap)
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    main()
