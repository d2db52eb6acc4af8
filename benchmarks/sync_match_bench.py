"""Time ik.match_conversations (50,000 messages against 30,000 contacts) beside a plain pandas merge on address.

A workbook of 30,000 invented contacts (imported from a generated LinkedIn export, with emails) and 300
open drafts and 300 messages marked sent; a table of 50,000 messages to the contract of
``ik.read_conversations``: a fifth of them exchanged with contacts (the sent copies of the drafts, answers in
their threads and with new subjects, automatic replies, bounces, LinkedIn messages from profile links), the
rest with strangers.

Prints, best of N, side by side in the same run:
- the baseline: explode the addresses of every message and merge them with the contacts' emails (pandas),
  nothing classified: who each message concerns, and no more;
- ``match_conversations``: the same plus reading the workbook, threads, drafts, replies, bounces, the
  evidence in words; target <= 2 s;
then, once each, applying every finding, matching again (nothing new) and undoing the sync;
and the ratio, and the peak memory of the process (resource.getrusage).

Run: .venv/bin/python benchmarks/sync_match_bench.py [--repeat N] [--messages N] [--contacts N]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from infoview_kit.sync.apply import apply_matches, undo_sync
from infoview_kit.sync.match import match_conversations
from infoview_kit.workbook import Workbook

SEED = 20261204
ME = "me@example.org"
COLUMNS = ["channel", "source", "folder", "position", "outgoing", "message_id", "in_reply_to", "references",
           "thread", "date", "from_addr", "from_name", "to_addrs", "cc_addrs", "subject", "snippet", "auto_reply",
           "bounce_for"]


def make_workbook(path: Path, contacts: int, rng: random.Random) -> tuple[Workbook, list[str]]:
    """A workbook of `contacts` invented people with emails and profile links, 300 drafts, 300 sent."""
    rows = [{"First Name": f"First{i}", "Last Name": f"Last{i}", "URL": f"https://www.linkedin.com/in/person-{i}",
             "Email Address": f"person{i}@example{i % 97}.com", "Company": f"Company {i % 500}",
             "Position": "Analyst", "Connected On": "01 Mar 2026"} for i in range(contacts)]
    export = path.with_suffix(".csv")
    pd.DataFrame(rows).to_csv(export, index=False)
    wb = Workbook.open(path, keep_backups=0)
    wb.set_profile(name="Me", email=ME, timezone="UTC", country="US")
    wb.import_contacts(export)
    ids = wb.contacts()[["id", "email"]].sort_values("id")
    chosen = rng.sample(list(ids.itertuples(index=False)), 600)
    for n, (cid, _email) in enumerate(chosen):
        mid = wb.save_draft(int(cid), "outreach", f"Question {n} about your work", f"Hi, question {n}.",
                            at="2026-03-01")
        if n >= 300:
            wb.mark_sent(mid, at="2026-03-02")
    return wb, [str(e) for _c, e in chosen]


def make_table(n: int, contacts: int, drafted: list[str], rng: random.Random) -> pd.DataFrame:
    """`n` messages: a fifth with contacts (sendings of drafts and answers among them), the rest with strangers."""
    rows = []
    base = pd.Timestamp("2026-03-03", tz="UTC")
    for i in range(n):
        date = base + pd.Timedelta(minutes=i)
        mid = f"m{i}@bench.example"
        row = {"channel": "mail", "source": "bench.mbox", "folder": "INBOX", "position": i, "outgoing": False,
               "message_id": mid, "in_reply_to": "", "references": (), "thread": "", "date": date,
               "from_addr": f"stranger{i}@else.example", "from_name": "", "to_addrs": (ME,), "cc_addrs": (),
               "subject": f"Newsletter {i}", "snippet": "News", "auto_reply": False, "bounce_for": ""}
        kind = i % 10
        if kind == 0 and i // 10 < len(drafted):  # the sending of a draft, then its answer
            k = i // 10
            row.update(outgoing=True, folder="Sent", from_addr=ME, to_addrs=(drafted[k],),
                       subject=f"Question {k} about your work")
        elif kind == 1 and (i - 1) // 10 < len(drafted):
            k = (i - 1) // 10
            row.update(from_addr=drafted[k], subject=f"Re: Question {k} about your work",
                       in_reply_to=f"m{i - 1}@bench.example", references=(f"m{i - 1}@bench.example",))
        elif kind == 2:
            row.update(from_addr=f"person{rng.randrange(contacts)}@example{0}.com", subject="Hello again")
        elif kind == 3:
            c = rng.randrange(contacts)
            row.update(channel="linkedin", message_id=f"linkedin:{i}",
                       from_addr=f"https://www.linkedin.com/in/person-{c}", subject="", snippet="Thanks!")
        elif kind == 4 and i % 100 == 4:
            c = rng.randrange(contacts)
            row.update(from_addr="mailer-daemon@example.org", subject="Undelivered",
                       bounce_for=f"person{c}@example{c % 97}.com")
        elif kind == 5 and i % 50 == 5:
            c = rng.randrange(contacts)
            row.update(from_addr=f"person{c}@example{c % 97}.com", subject="Out of office", auto_reply=True)
        rows.append(row)
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["date"] = pd.to_datetime(df["date"], utc=True)
    return df


def baseline(wb: Workbook, table: pd.DataFrame) -> pd.DataFrame:
    """Who each message concerns by email, and no more: a plain pandas merge on address."""
    contacts = wb.contacts()[["id", "email"]].dropna()
    contacts["email"] = contacts["email"].str.lower()
    addr = table["to_addrs"].where(table["outgoing"], table["from_addr"].map(lambda a: (a,))).explode()
    pairs = pd.DataFrame({"row": addr.index, "email": addr.to_numpy()})
    return pairs.merge(contacts, on="email", how="inner")


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--contacts", type=int, default=30_000)
    args = ap.parse_args(argv)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        wb, drafted = make_workbook(Path(tmp) / "bench.sqlite", args.contacts, rng)
        table = make_table(args.messages, args.contacts, drafted, rng)
        print(f"set-up: {args.contacts} contacts, {len(table)} messages in {time.perf_counter() - start:.1f} s")
        t_base, pairs = best_of(lambda: baseline(wb, table), args.repeat)
        t_match, found = best_of(lambda: match_conversations(wb, table), args.repeat)
        assert isinstance(found, pd.DataFrame) and isinstance(pairs, pd.DataFrame)
        counts = found["action"].value_counts().to_dict()
        print(f"baseline (pandas merge on address): {t_base:6.3f} s  ({len(pairs)} message-contact pairs)")
        print(f"match_conversations:                {t_match:6.3f} s  ({len(found)} findings: {counts})")
        print(f"ratio match / baseline: {t_match / t_base:5.1f}x   target: match <= 2 s "
              f"({'met' if t_match <= 2 else 'NOT met'})")
        start = time.perf_counter()
        apply_matches(wb, found)
        t_apply = time.perf_counter() - start
        t_again, again = best_of(lambda: match_conversations(wb, table), 1)
        assert isinstance(again, pd.DataFrame)
        start = time.perf_counter()
        undo_sync(wb)
        print(f"apply_matches of the {len(found)} findings: {t_apply:.3f} s; a second match: {t_again:.3f} s "
              f"({len(again)} new); undo_sync: {time.perf_counter() - start:.3f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024**2)
        print(f"peak memory of the process: {peak:.0f} MB")
        wb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
