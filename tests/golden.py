"""The demo report's fingerprint: chart data, drafts, calendar files and stored messages.

The restructuring promised that behaviour does not change: `tests/fixtures/golden_demo.json` was
written by this module from the demo report *before* the package was rearranged, and
`tests/reports/test_golden.py` compares every later demo report with it. Regenerate it only for a change that
is meant to alter what the demo produces (`python -m tests.golden OUT_DIR WORKBOOK`).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import sqlite3
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "fixtures" / "golden_demo.json"
_STORED = {
    "messages": "id, contact_id, kind, template, status, subject, body, sent_at, replied_at",
    "followups": "id, contact_id, kind, due_at, reason, done_at, snoozed_until, skipped",
}
_VOLATILE_EML = {"date", "message-id"}
_VOLATILE_ICS = re.compile(r"^(DTSTAMP|UID|CREATED|LAST-MODIFIED|PRODID)[:;]")


def _eml(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    head = [f"{k}: {v}" for k, v in msg.items() if k.lower() not in _VOLATILE_EML]
    body = msg.get_body(preferencelist=("plain",))
    return "\n".join(head) + "\n\n" + (body.get_content() if body is not None else "")


def _ics(path: Path) -> str:
    text = path.read_text(encoding="utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    return "\n".join(line for line in text.splitlines() if not _VOLATILE_ICS.match(line))


def fingerprint(out_dir: Path, workbook: Path) -> dict[str, str]:
    """What a demo report produced, as text, with only the volatile stamps left out."""
    files = Path(out_dir) / "files"
    found: dict[str, str] = {}
    for path in sorted(files.rglob("*")):
        name = path.relative_to(files).as_posix()
        if path.suffix == ".csv":
            found[name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".eml":
            found[name] = _eml(path)
        elif path.suffix == ".ics":
            found[name] = _ics(path)
    with sqlite3.connect(workbook) as conn:
        for table, columns in _STORED.items():
            rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
            found[f"store/{table}"] = json.dumps(rows, indent=1)
    return found


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(fingerprint(Path(sys.argv[1]), Path(sys.argv[2])), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
