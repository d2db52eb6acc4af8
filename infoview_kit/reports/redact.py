"""Stable placeholders for redacted reports: the same real value always gets the same stand-in."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infoview_kit.base.errors import InputFormatError, WorkbookError
from infoview_kit.base.keys import company_key, name_key
from infoview_kit.base.text import HOW_KNOWN
from infoview_kit.store import MESSAGE_KINDS, PROFILE_FIELDS, PROFILE_STATUSES, RESEARCH_KINDS, STAGES, Store

if TYPE_CHECKING:
    from infoview_kit.reports.run import RunResult

log = logging.getLogger("infoview_kit")

#: Profile fields a redacted copy keeps as they are: none of them names or describes anyone
#: (status only when it is "graduate" or "working").
KEPT_PROFILE_FIELDS = frozenset({"status", "country", "timezone"})
#: Where contacts come from: the only `source` values a redacted copy keeps ("manual" otherwise).
SOURCES = frozenset({"linkedin", "google", "outlook", "vcard", "csv", "xlsx", "manual", "referral", "import",
                     "undo merge"})
#: How a merge matched: the only `matched_by` values a redacted copy keeps.
MATCHED_BY = frozenset({"email", "profile link", "name and company", "source", "key"})
#: Why a follow-up is due, per kind, in words that name nobody.
REASONS = {
    "thank_you": "Thank-you note within 24 hours of the meeting.",
    "second_contact": "No reply after 3 business days: write to a second person at the same employer.",
    "nudge": "No reply after 7 business days: send one short follow-up, the last attempt.",
}
#: The marker a redacted run leaves in its output folder, so a later redacted run may reuse it.
MARKER = ".infoview-redacted"
_DATE_LIKE = re.compile(r"[0-9]{1,4}(?:[-/.][0-9]{1,2}){0,2}")


def _safe_words() -> frozenset[str]:
    """Every word the package itself writes into event details (kinds, fields, sources)."""
    return frozenset({*MESSAGE_KINDS, *RESEARCH_KINDS, *PROFILE_FIELDS, *STAGES, *HOW_KNOWN, *SOURCES,
                      *MATCHED_BY, *REASONS})


class Pseudonyms:
    """Hand out placeholders ("Person 7", "person7@example.invalid", "Company 3", "[redacted note]").

    One instance serves one redacted copy: within it, the same real value (compared without case,
    accents or legal-form words, as the matching of contacts does) always maps to the same placeholder.
    """

    def __init__(self) -> None:
        self._people: dict[str, int] = {}
        self._emails: dict[str, str] = {}
        self._orgs: dict[str, str] = {}
        self._tags: dict[tuple[str, str], str] = {}
        self._safe = _safe_words()
        self._questions: list[tuple[re.Pattern[str], str]] | None = None

    def person_number(self, first: str | None, last: str | None) -> int:
        """Return the number of the person with this name (a new number for a new name)."""
        key = name_key(first or "", last or "") or f"#anonymous-{len(self._people)}"
        return self._people.setdefault(key, len(self._people) + 1)

    def person(self, first: str | None, last: str | None) -> tuple[str, str]:
        """Return the placeholder first and last name, e.g. ("Person", "7")."""
        return "Person", str(self.person_number(first, last))

    def email(self, value: str | None, number: int) -> str | None:
        """Return ``person<number>@example.invalid`` for an address (None stays None)."""
        if value is None:
            return None
        key = value.strip().casefold()
        if key not in self._emails:
            taken = set(self._emails.values())
            candidate, n = f"person{number}@example.invalid", 1
            while candidate in taken:
                n += 1
                candidate = f"person{number}.{n}@example.invalid"
            self._emails[key] = candidate
        return self._emails[key]

    def org(self, value: str | None, label: str = "Company") -> str | None:
        """Return "Company 3" (or "School 3"...) for an organization name; companies and schools
        share one numbering, so "same employer" and "same school" still match after redaction."""
        if value is None:
            return None
        key = company_key(value) or value.strip().casefold()
        if key not in self._orgs:
            self._orgs[key] = f"{label} {len(self._orgs) + 1}"
        return self._orgs[key]

    def tag(self, value: str | None, label: str) -> str | None:
        """Return "City 2", "Interest 4", "Role 1"... for any other short value (None stays None)."""
        if value is None:
            return None
        key = (label, " ".join(value.casefold().split()))
        if key not in self._tags:
            self._tags[key] = f"{label} {sum(1 for k in self._tags if k[0] == label) + 1}"
        return self._tags[key]

    @staticmethod
    def text(value: str | None, what: str = "note") -> str | None:
        """Return "[redacted note]" for free text (None and empty stay as they are)."""
        return value if not value else f"[redacted {what}]"

    @staticmethod
    def date(value: str | None) -> str | None:
        """Keep a value that is only a date or a year ("2019", "2019-06"); anything else is dropped."""
        return value if value and _DATE_LIKE.fullmatch(value.strip()) else None

    def word(self, value: Any) -> Any:
        """Keep a value the package writes itself (a kind, a field name, a number); redact the rest."""
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            return value if value in self._safe else "[redacted]"
        if isinstance(value, list):
            return [self.word(v) for v in value]
        if isinstance(value, dict):
            return {str(k) if str(k) in self._safe or str(k).isidentifier() else "[redacted]":
                    self._forgotten(v) if k == "anonymized" else self.word(v) for k, v in value.items()}
        return "[redacted]"

    def _forgotten(self, value: Any) -> Any:
        """A forgotten person's pseudonym (random, naming no one) becomes "Forgotten N": still one
        per person, so the funnel of a redacted report counts them as the real one does."""
        return self.tag(value, "Forgotten") if isinstance(value, str) else self.word(value)

    def detail(self, value: str | None) -> str | None:
        """Redact an event's JSON detail: keys and the package's own words stay, the rest goes."""
        if value is None:
            return None
        try:
            data = json.loads(value)
        except ValueError:
            return json.dumps("[redacted]")
        return json.dumps(self.word(data), sort_keys=True)

    def question(self, text: str, number: int) -> str:
        """Keep a question from the built-in bank (its filled-in company or role replaced by a
        placeholder); any other question becomes "[redacted question N]"."""
        if self._questions is None:
            from infoview_kit.interview.questions import PLACEHOLDER_RE, load_bank

            self._questions = []
            for q in load_bank().questions:
                for variant in (q.text, *q.fallbacks):
                    parts = PLACEHOLDER_RE.split(variant)
                    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}_{i}>.+?)"
                                      for i, p in enumerate(parts))
                    self._questions.append((re.compile(pattern, re.S), variant))
        for compiled, variant in self._questions:
            m = compiled.fullmatch(text)
            if m is None:
                continue
            values = {name.rsplit("_", 1)[0]: found for name, found in m.groupdict().items()}
            fills = {"company": str(self.org(values.get("company"))),
                     "role": str(self.tag(values.get("role"), "Role")),
                     "a_role": f"a {self.tag(values.get('a_role'), 'Role')}",
                     "move": "[redacted career move]", "article": "[redacted article]"}
            for name, fill in fills.items():
                variant = variant.replace("{" + name + "}", fill)
            return variant
        return f"[redacted question {number}]"


#: What a redacted copy keeps of each table it knows: these columns stay as they are (ids, dates,
#: counts, kinds); the others listed in ``_REWRITE`` are rewritten. Any other column is cleared
#: and any other table emptied, so a column added later cannot leak into a shared report.
_KEEP: dict[str, frozenset[str]] = {t: frozenset(c.split()) for t, c in {
    "profile": "key",
    "employers": "id motivation posting advocacy pinned excluded origin",
    "contacts": "id referred_by is_recruiter pinned excluded checkin_days created_at connected_on",
    "contact_sources": "contact_id line",
    "research": "id contact_id kind relation added_at",
    "messages": "id contact_id kind status meeting_id drafted_at sent_at replied_at",
    "meetings": "id contact_id uid sequence starts_at timezone duration_min status actual_start actual_end",
    "questions": "id meeting_id position minutes must_ask",
    "followups": "id contact_id due_at message_id meeting_id done_at snoozed_until skipped",
    "events": "id at kind contact_id ref_id",
    "merges": "id contact_id score at undone_at",
    "state": "key value",  # ids and change counters only
    "contact_changes": "seq contact_id",
    "sync_runs": "id applied_at undone_at",
    "synced": "id run_id channel action contact_id message_id at incoming skipped undone_at",
    "bounced_addresses": "contact_id at synced_id",
    "sync_state": "uidvalidity last_uid updated_at",
}.items()}
_REWRITE: dict[str, frozenset[str]] = {t: frozenset(c.split()) for t, c in {
    "profile": "value",
    "employers": "name name_key notes",
    "contacts": "person_key first_name last_name email company position profile_url how_known where_found notes",
    "contact_sources": "source source_key file data",
    "research": "title organization start end outlet url source_url notes",
    "messages": "template subject body",
    "meetings": "place notes advice next_steps resources",
    "questions": "theme text answer",
    "followups": "kind reason",
    "events": "detail",
    "merges": "source source_key matched_by filled",
    "state": "",
    "contact_changes": "",
    "sync_runs": "sources",
    "synced": "source_id evidence undo",
    "bounced_addresses": "address",
    "sync_state": "account folder",
}.items()}
#: Profile fields whose values become numbered tags ("City 2"), and the tag's label.
_PROFILE_TAGS = {"city": "City", "region": "Region", "interests": "Interest", "groups": "Group",
                 "target_industry": "Industry", "target_roles": "Role"}
#: Profile fields that name you, and what a redacted copy says instead.
_PROFILE_FILLS: dict[str, Any] = {"name": "Job Seeker", "email": "me@example.invalid", "signature": "Job Seeker"}


def redacted_copy(wb: Store, dest: str | os.PathLike[str]) -> Path:
    """Write a copy of the workbook with every personal value replaced by a placeholder.

    For sharing a report with a coach or mentor: names become "Person 7", emails
    "person7@example.invalid", companies and schools "Company 3", free text (notes, research,
    message subjects and bodies, meeting notes and answers, reasons, event details) "[redacted
    note]"; links, places and the files contacts came from are dropped. The same real value always
    gets the same placeholder within one copy. Your own name and email become "Job Seeker" and
    "me@example.invalid"; only your status, country and time zone are kept. Dates, counts, kinds
    and stages are kept, so the charts and tables tell the same story. A table this code does not
    know is emptied, and a column it does not know is cleared, so nothing new slips through. The
    activity log's append-only guards are dropped in the copy only.

    Parameters
    ----------
    wb
        The workbook (it is only read).
    dest
        The new file (it must not exist); created readable by its owner only.

    Returns
    -------
    Path
        `dest`.

    Raises
    ------
    WorkbookError
        If `dest` exists already.
    """
    target = Path(dest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise WorkbookError(f"{target} exists already; a redacted copy needs a new file name",
                            path=target) from None
    try:
        conn = sqlite3.connect(target, isolation_level=None)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise WorkbookError(f"{target}: cannot write the redacted copy ({exc})", path=target) from exc
    try:
        wb.copy_into(conn)
        _redact_copy(conn)
    except BaseException:
        conn.close()
        target.unlink(missing_ok=True)
        raise
    conn.close()
    return target


def _redact_copy(conn: sqlite3.Connection) -> None:
    """Redact the copy open on `conn` in one transaction, then compact it so no old value lingers."""
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA secure_delete = ON")  # overwritten values do not linger in free pages
    # the copy only: guards such as the activity log's append-only triggers (whatever their names)
    guards = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                          "AND sql LIKE '%RAISE(%'").fetchall()
    conn.execute("BEGIN IMMEDIATE")
    for (name,) in guards:
        conn.execute(f'DROP TRIGGER "{name}"')
    logged = conn.execute("SELECT max(seq) FROM contact_changes").fetchone()[0] or 0
    _redact_rows(conn)
    # the change log is for views of this file between writes: redacting is no change to show
    conn.execute("DELETE FROM contact_changes WHERE seq > ?", (logged,))
    conn.execute("COMMIT")
    conn.execute("VACUUM")


def _redact_rows(c: sqlite3.Connection) -> None:
    """Rewrite every personal value of the workbook open on `c` (a copy) with placeholders, inside
    the caller's transaction; see :func:`redacted_copy`."""
    p = Pseudonyms()
    _clear_unknown(c)
    _redact_contacts(c, p)
    _redact_merges(c, _redact_sources(c, p))
    _redact_employers(c, p)
    _redact_profile(c, p)
    _redact_research(c, p)
    _redact_messages_and_meetings(c)
    _redact_questions(c, p)
    _redact_followups(c)
    _redact_sync(c)
    details = c.execute("SELECT id, detail FROM events WHERE detail IS NOT NULL").fetchall()
    c.executemany("UPDATE events SET detail = ? WHERE id = ?", [(p.detail(d), eid) for eid, d in details])


def _clear_unknown(c: sqlite3.Connection) -> None:
    """Fail closed: empty a table this code does not know, and clear a column it does not know."""
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        if table not in _KEEP:
            log.info("redacted copy: table %s emptied (unknown to the redaction)", table)
            c.execute(f'DELETE FROM "{table}"')
            continue
        for _, col, _, notnull, _, pk in c.execute(f'PRAGMA table_info("{table}")').fetchall():
            if col not in _KEEP[table] | _REWRITE[table]:
                log.info("redacted copy: column %s.%s cleared (unknown to the redaction)", table, col)
                setter = "'[redacted ' || rowid || ']'" if notnull or pk else "NULL"
                c.execute(f'UPDATE "{table}" SET "{col}" = {setter} WHERE "{col}" IS NOT NULL')


def _redact_contacts(c: sqlite3.Connection, p: Pseudonyms) -> None:
    """People become "Person N" with a made-up address; their company, role and notes are replaced."""
    rows = c.execute("SELECT id, first_name, last_name, email, company, position, how_known, where_found, "
                     "notes, is_recruiter FROM contacts ORDER BY id").fetchall()
    for cid, first, last, email, company, position, how, where, notes, recruiter in rows:
        n = p.person_number(first, last)
        c.execute("UPDATE contacts SET person_key = ?, first_name = 'Person', last_name = ?, email = ?, company = ?, "
                  "position = ?, profile_url = NULL, how_known = ?, where_found = ?, notes = ? WHERE id = ?",
                  (f"redacted:{cid}", str(n), p.email(email, n), p.org(company),
                   "Recruiter" if recruiter and position else p.tag(position, "Role"),
                   how if how in HOW_KNOWN else None, p.text(where, "place"), p.text(notes), cid))


def _redact_sources(c: sqlite3.Connection, p: Pseudonyms) -> dict[tuple[str, str], tuple[str, str]]:
    """Redact every source record as its person was; return the new (source, source_key) of each old one."""
    keys: dict[tuple[str, str], tuple[str, str]] = {}
    for rowid, cid, source, key, data in c.execute("SELECT rowid, contact_id, source, source_key, data "
                                                   "FROM contact_sources ORDER BY rowid").fetchall():
        new = (source if source in SOURCES else "manual", f"redacted:{cid}:{rowid}")
        keys[(source, key)] = new
        record = json.loads(data) if data else None
        if isinstance(record, dict):
            n = p.person_number(record.get("first_name"), record.get("last_name"))
            record = {"first_name": "Person", "last_name": str(n), "email": p.email(record.get("email"), n),
                      "company": p.org(record.get("company")), "position": p.tag(record.get("position"), "Role"),
                      "profile_url": None, "connected_on": p.date(record.get("connected_on"))}
        c.execute("UPDATE contact_sources SET source = ?, source_key = ?, file = CASE WHEN file IS NULL THEN NULL "
                  "ELSE 'contacts file' END, data = ? WHERE rowid = ?",
                  (*new, json.dumps(record) if data else None, rowid))
    return keys


def _redact_merges(c: sqlite3.Connection, keys: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Merges point at the redacted source records; what they filled in is only named."""
    for mid, source, key, matched_by, filled in c.execute(
            "SELECT id, source, source_key, matched_by, filled FROM merges").fetchall():
        moved = keys.get((source, key), ("manual", f"redacted:merge:{mid}"))
        fields = json.loads(filled) if filled else None
        c.execute("UPDATE merges SET source = ?, source_key = ?, matched_by = ?, filled = ? WHERE id = ?",
                  (*moved, matched_by if matched_by in MATCHED_BY else "[redacted]",
                   json.dumps({str(k): "[redacted]" for k in fields}) if isinstance(fields, dict) else None, mid))


def _redact_employers(c: sqlite3.Connection, p: Pseudonyms) -> None:
    """Employers become "Company N", numbered as the contacts' companies are."""
    for eid, name, notes in c.execute("SELECT id, name, notes FROM employers ORDER BY id").fetchall():
        new_name = p.org(name) or f"Company #{eid}"
        c.execute("UPDATE employers SET name = ?, name_key = ?, notes = ? WHERE id = ?",
                  (new_name, company_key(new_name) or new_name.casefold(), p.text(notes), eid))


def _redact_profile(c: sqlite3.Connection, p: Pseudonyms) -> None:
    """Your profile keeps only status, country and time zone; the rest is replaced or dropped."""
    profile = dict(c.execute("SELECT key, value FROM profile").fetchall())
    for key, raw in profile.items():
        value: Any = json.loads(raw)
        if key in KEPT_PROFILE_FIELDS and (key != "status" or value in PROFILE_STATUSES):
            continue
        if value in (None, "", []):
            continue
        if key not in PROFILE_FIELDS:
            c.execute("DELETE FROM profile WHERE key = ?", (key,))
            continue
        c.execute("UPDATE profile SET value = ? WHERE key = ?", (json.dumps(_profile_value(p, key, value)), key))


def _profile_value(p: Pseudonyms, key: str, value: Any) -> Any:
    """The placeholder of one profile field's value (a list stays a list)."""
    if key in _PROFILE_FILLS:
        return _PROFILE_FILLS[key]
    if key in ("schools", "employers", "current_employer"):
        label = "School" if key == "schools" else "Company"
        return [p.org(v, label) for v in value] if isinstance(value, list) else p.org(str(value), label)
    if key in _PROFILE_TAGS:
        tag = _PROFILE_TAGS[key]
        return [p.tag(str(v), tag) for v in value] if isinstance(value, list) else p.tag(str(value), tag)
    return [p.text(str(v), key) for v in value] if isinstance(value, list) else p.text(str(value), key)


def _redact_research(c: sqlite3.Connection, p: Pseudonyms) -> None:
    """Facts keep their kind and dates; what they say, where and links are replaced."""
    research = c.execute("SELECT id, kind, title, organization, start, end, outlet, url, source_url, notes "
                         "FROM research").fetchall()
    for rid, kind, title, org, start, end, outlet, url, source_url, notes in research:
        new_title = p.tag(title, "Interest") if kind == "interest" else f"[redacted {kind} {rid}]"
        c.execute("UPDATE research SET title = ?, organization = ?, start = ?, end = ?, outlet = ?, url = ?, "
                  "source_url = ?, notes = ? WHERE id = ?",
                  (new_title, p.org(org, "School" if kind == "education" else "Company"), p.date(start), p.date(end),
                   p.text(outlet, "outlet"), url and "https://example.invalid/redacted",
                   source_url and "https://example.invalid/redacted", p.text(notes), rid))


def _redact_messages_and_meetings(c: sqlite3.Connection) -> None:
    """Messages keep their kind and built-in template; meetings their times. Their text goes."""
    from infoview_kit.outreach.templates import BUILTIN_KINDS as _BUILTIN_KINDS

    c.execute("UPDATE messages SET subject = '[redacted subject]', body = '[redacted message]', "
              f"template = CASE WHEN template IN ({', '.join('?' * len(_BUILTIN_KINDS))}) THEN template "
              "WHEN template IS NULL THEN NULL ELSE 'seed' END", list(_BUILTIN_KINDS))
    for col in ("place", "notes", "advice", "next_steps", "resources"):
        c.execute(f"UPDATE meetings SET {col} = '[redacted {col.replace('_', ' ')}]' "
                  f"WHERE {col} IS NOT NULL AND {col} != ''")


def _redact_questions(c: sqlite3.Connection, p: Pseudonyms) -> None:
    """Questions from the built-in bank stay (filled in with placeholders), their answers go."""
    from infoview_kit.interview.questions import load_bank

    themes = set(load_bank().themes)
    for qid, theme, text, answer in c.execute("SELECT id, theme, text, answer FROM questions").fetchall():
        c.execute("UPDATE questions SET theme = ?, text = ?, answer = ? WHERE id = ?",
                  (theme if theme in themes else None, p.question(text, qid), p.text(answer, "answer"), qid))


def _redact_followups(c: sqlite3.Connection) -> None:
    """Follow-ups keep a kind the package knows, with its reason in words that name nobody."""
    kinds = {*REASONS, *MESSAGE_KINDS, "second_contact"}
    for fid, kind in c.execute("SELECT id, kind FROM followups").fetchall():
        safe = kind if kind in kinds else f"other-{fid}"
        c.execute("UPDATE followups SET kind = ?, reason = ? WHERE id = ?",
                  (safe, REASONS.get(safe, "[redacted reason]"), fid))


def _redact_sync(c: sqlite3.Connection) -> None:
    """What a sync of the mailbox recorded: which findings, when, for whom stay (keep-in-touch reads them);
    the source messages' ids, the evidence (names, addresses, subjects), the bounced addresses, and the
    names of IMAP accounts and folders go."""
    c.execute("UPDATE sync_runs SET sources = '[]'")
    c.execute("UPDATE synced SET source_id = 'synced-' || id, evidence = '[redacted evidence]', undo = NULL")
    c.execute("UPDATE bounced_addresses SET address = 'bounced' || rowid || '@example.invalid'")
    c.execute("UPDATE sync_state SET account = 'imap://account' || rowid || '@example.invalid', "
              "folder = 'folder' || rowid")


@contextlib.contextmanager
def redacted_workbook(workbook: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield the path of a redacted copy of `workbook` in a private temporary folder, removed after.

    The workbook itself is opened read-only and never written.
    """
    folder = Path(tempfile.mkdtemp(prefix="infoview-redacted-"))  # mode 0700
    try:
        with Store.open(workbook, read_only=True) as wb:
            copy = redacted_copy(wb, folder / "workbook.sqlite")
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_output_folder(out: str | os.PathLike[str]) -> Path:
    """Make sure a redacted report does not share its folder with an unredacted one; return it.

    A new or empty folder gets the redaction marker; a folder with the marker (an earlier
    redacted report) is reused.

    Raises
    ------
    InputFormatError
        If the folder already holds files of a report that was not redacted.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputFormatError(f"{folder}: expected an output folder for the redacted report, found a file",
                               path=folder)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise InputFormatError(f"{folder}: this folder holds files that were not redacted; pass --out with a "
                               "new or empty folder for the redacted report", path=folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("This folder holds a redacted report.\n", encoding="utf-8")
    return folder


def run_redacted(workbook: str | os.PathLike[str], today: dt.date, out_dir: str | os.PathLike[str], *,
                 notebooks: Sequence[str] | None = None, progress: bool = True,
                 title: str = "Informational interviews: report", show_code: bool = False) -> RunResult:
    """Run notebooks as :func:`report.run_notebooks` does, against a redacted copy of `workbook`.

    The copy lives in a private temporary folder and is deleted afterwards; the workbook itself is
    only read. No extra notebook parameters are passed (they would name people), the notebooks get
    their output folder as a relative path (an absolute one often names the user), and the index
    title says "redacted".

    Raises
    ------
    InputFormatError
        If `out_dir` holds files of a report that was not redacted.
    NotebookRunError
        If a notebook fails.
    """
    from infoview_kit.reports.run import NOTEBOOKS, run_notebooks

    folder = check_output_folder(out_dir)
    with redacted_workbook(workbook) as copy:
        return run_notebooks(copy, today, folder, notebooks=notebooks or NOTEBOOKS, progress=progress,
                             title=f"{title} (redacted)", relative_out=True, show_code=show_code)
