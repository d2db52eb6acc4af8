"""Time read_conversations against a plain stdlib ``mailbox.mbox`` loop, its peak memory, and an IMAP re-sync.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/sync_read_bench.py [--messages 50000] [--no-imap]``.

1. A synthetic mbox of 50,000 invented messages (plain, quoted-printable, HTML-only, multipart with a small
   attachment, replies with References, auto-replies, bounces): ``read_conversations`` beside a loop of
   ``mailbox.mbox`` that parses every message and reads the same headers. Target: at most 2x.
2. Peak memory (the child process's peak RSS, interpreter and pandas included) of reading that mbox and a
   larger one (fewer messages, large attachments: ~1 GB). Target: at most 300 MB whatever the size.
3. An incremental IMAP re-sync of an unchanged 5,000-message folder from a local Dovecot (needs Dovecot and
   root, as the tests do), beside a bare login + select + logout. Target: at most 1 s.
"""

from __future__ import annotations

import argparse
import base64
import mailbox
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
           "X-Gmail-Labels", "X-GM-THRID", "Content-Type")
_FIRST = ["Amélie", "Bruno", "Chiara", "Dmitri", "Farid", "Greta", "Hiroshi", "Ines", "João", "Kwame", "Lena",
          "Mateo", "Nadia", "Oskar", "Priya", "Rosa", "Søren", "Tomás", "Zoë", "Aarav"]
_WORDS = ["thanks", "for", "your", "time", "yesterday", "I", "learned", "a", "lot", "about", "how", "team", "works",
          "and", "would", "love", "to", "stay", "in", "touch", "the", "role", "we", "discussed", "next", "week",
          "maybe", "coffee"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _person(rng: random.Random, n: int) -> tuple[str, str]:
    first = rng.choice(_FIRST)
    return f"{first} Example{n}", f"{first.lower().encode('ascii', 'ignore').decode() or 'x'}.{n}@example.com"


def _message(rng: random.Random, i: int, attachment: int) -> bytes:
    name, addr = _person(rng, rng.randrange(3000))
    kind = i % 10
    mine = kind == 0
    head = [f"From: {'Maya Ortiz <maya@example.org>' if mine else f'{name} <{addr}>'}",
            f"To: {f'{name} <{addr}>' if mine else 'maya@example.org'}",
            f"Subject: {'Re: ' if kind in (1, 2) else ''}Question {i % 977}",
            f"Date: Mon, {1 + i % 28:02d} Nov 2026 {i % 24:02d}:{i % 60:02d}:00 +0100",
            f"Message-ID: <m{i}@bench.example>", "MIME-Version: 1.0",
            f"X-Gmail-Labels: {'Sent' if mine else 'Inbox'},Opened", f"X-GM-THRID: {1750000000000000000 + i // 3}"]
    if kind in (1, 2):
        head += [f"In-Reply-To: <m{i - 1}@bench.example>",
                 f"References: <m{i - 2}@bench.example> <m{i - 1}@bench.example>"]
    if kind == 3:
        head.append("Auto-Submitted: auto-replied")
    body = _text(rng, 60)
    if attachment or kind == 4:
        blob = base64.encodebytes(rng.randbytes(attachment or 3000)).decode()
        head.append('Content-Type: multipart/mixed; boundary="b1"')
        text = (f"--b1\nContent-Type: text/plain; charset=utf-8\n\n{body}\n--b1\nContent-Type: application/pdf\n"
                "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=cv.pdf\n\n"
                f"{blob}--b1--\n")
    elif kind == 5:
        head += ["Content-Type: text/html; charset=utf-8"]
        text = f"<html><body><p>{body}</p><p>Maya</p></body></html>\n"
    elif kind == 6:
        head += ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"]
        text = body.replace("time", "t=E9l=E9") + "=\n more\n"
    else:
        head.append("Content-Type: text/plain; charset=utf-8")
        text = f"{body}\n\nOn Mon wrote:\n> {_text(rng, 20)}\n"
    return ("\n".join(head) + "\n\n" + text).encode()


def make_mbox(path: Path, messages: int, attachment: int = 0, seed: int = 15) -> Path:
    """Write an mbox of invented messages (`attachment` bytes of random PDF to each, base64)."""
    rng = random.Random(seed)
    with open(path, "wb") as fh:
        for i in range(messages):
            fh.write(b"From MAILER-DAEMON Mon Nov  2 09:00:00 2026\n")
            fh.write(_message(rng, i, attachment).replace(b"\nFrom ", b"\n>From "))
            fh.write(b"\n")
    return path


def stdlib_loop(path: Path) -> int:
    """The baseline: the stdlib ``mailbox.mbox`` parsing every message and reading the same headers."""
    count = 0
    for msg in mailbox.mbox(path):
        values = [msg.get(h) for h in HEADERS]
        count += values[0] is not None
    return count


def ours(path: Path) -> int:
    from infoview_kit.sync.read import read_conversations

    return len(read_conversations(path))


def _side_by_side(path: Path, repeats: int) -> tuple[float, float]:
    """Best CPU seconds of the baseline and of ours, run alternately (the machine is shared: CPU time, and
    the best of several runs, are what stays put under load)."""
    base, mine = [], []
    for _ in range(repeats):
        for fn, times in ((stdlib_loop, base), (ours, mine)):
            start = time.process_time()
            fn(path)
            times.append(time.process_time() - start)
    return min(base), min(mine)


def peak_rss_mb(path: Path) -> float:
    """Peak RSS (VmHWM) of a fresh process that reads `path` (interpreter, pandas and the table included)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child would report its parent's
    code = ("import re,sys; from infoview_kit.sync.read import read_conversations; "
            "df = read_conversations(sys.argv[1]); "
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
            "print(int(hwm) / 1024, len(df))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    return float(out.stdout.split()[0])


def bench_files(messages: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_mbox(Path(tmp) / "bench.mbox", messages)
        size = path.stat().st_size / 2**20
        ours(path)  # imports (pandas) out of the timing
        base, mine = _side_by_side(path, repeats)
        print(f"mbox of {messages:,} messages ({size:.0f} MB), CPU seconds, best of {repeats}: stdlib mailbox.mbox "
              f"loop {base:.2f} s, read_conversations {mine:.2f} s, ratio {mine / base:.2f}x (target <= 2x)")
        print(f"  peak RSS of reading it: {peak_rss_mb(path):.0f} MB (target <= 300 MB)")
        path.unlink()
        big = make_mbox(Path(tmp) / "big.mbox", 4000, attachment=190_000)
        print(f"  peak RSS of reading a {big.stat().st_size / 2**20:,.0f} MB mbox (4,000 messages with "
              f"attachments): {peak_rss_mb(big):.0f} MB")
        big.unlink()
        many = make_mbox(Path(tmp) / "many.mbox", 4 * messages)
        print(f"  peak RSS of reading {4 * messages:,} messages ({many.stat().st_size / 2**20:,.0f} MB): "
              f"{peak_rss_mb(many):.0f} MB (the table itself: about 1 KB a message)")


def bench_imap(messages: int = 5000) -> None:
    import imapclient

    from infoview_kit.sync.imap import Imap
    from infoview_kit.sync.read import read_conversations
    from tests.sync.imap_server import PASSWORD, dovecot, missing_reason

    reason = missing_reason()
    if reason:
        print(f"IMAP re-sync: skipped ({reason})")
        return
    rng = random.Random(15)
    with dovecot() as server:
        account = Imap(server.host, server.new_user(), port=server.port, ssl=False, password=PASSWORD)
        with imapclient.IMAPClient(server.host, port=server.port, ssl=False) as client:
            client.login(account.user, PASSWORD)
            batch = [_message(rng, i, 0).replace(b"\n", b"\r\n") for i in range(messages)]
            for start in range(0, messages, 500):
                client.multiappend("INBOX", batch[start:start + 500])
        start = time.perf_counter()
        first = read_conversations(account)
        full = time.perf_counter() - start
        state = first.attrs["report"]["imap_state"]
        times, bare = [], []
        for _ in range(5):
            start = time.perf_counter()
            again = read_conversations(account, since=state)
            times.append(time.perf_counter() - start)
            assert again.empty
            start = time.perf_counter()
            with imapclient.IMAPClient(server.host, port=server.port, ssl=False) as client:
                client.login(account.user, PASSWORD)
                client.select_folder("INBOX", readonly=True)
            bare.append(time.perf_counter() - start)
        print(f"IMAP, {len(first):,} messages in INBOX: first read {full:.2f} s; re-sync of the unchanged folder "
              f"{min(times) * 1000:.0f} ms (target <= 1 s), beside a bare login+select+logout "
              f"{min(bare) * 1000:.0f} ms")


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package and tests
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-imap", action="store_true")
    args = parser.parse_args()
    bench_files(args.messages, args.repeats)
    if not args.no_imap:
        bench_imap()
    print(f"(this process's own peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
