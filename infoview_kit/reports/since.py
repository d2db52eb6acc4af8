"""Since last time: what changed since the newest earlier dated report in the same folder, from their chart data."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(.*)$")
_CHART_DATA = ("files", "chart-data")


@dataclass
class Changes:
    """What changed since the previous report: its folder and day (None for a first report), and one line per change."""

    previous: Path | None
    previous_day: dt.date | None
    lines: list[str] = field(default_factory=list)

    def to_html(self, here: Path) -> str:
        """The index's "Since last time" section (escaped), linking the previous report relatively from `here`."""
        esc = html.escape
        if self.previous is None or self.previous_day is None:
            return "<p>This is the first report in this folder: there is nothing to compare with yet.</p>"
        link = (Path("..") / self.previous.name / "index.html").as_posix() if here.parent == self.previous.parent \
            else None
        named = f"the report of {self.previous_day:%A %d %B %Y}"
        named = f'<a href="{esc(link)}">{esc(named)}</a>' if link else esc(named)
        if not self.lines:
            return f"<p>Since {named}: nothing new in the numbers.</p>"
        items = "".join(f"<li>{esc(line)}</li>" for line in self.lines)
        return f"<p>Since {named}:</p><ul>{items}</ul>"


def previous_report(out_dir: str | Path, today: dt.date) -> tuple[Path, dt.date] | None:
    """The newest report folder beside `out_dir` dated before it (``YYYY-MM-DD`` plus the same suffix,
    e.g. ``-redacted``) that holds chart data, and its date; None if there is none.

    A folder not named by a date is dated by `today` and compared with plain dated folders.
    """
    here = Path(out_dir).resolve()
    found = _DATED.match(here.name)
    day, suffix = (_parse(found.group(1)), found.group(2)) if found else (today, "")
    best: tuple[Path, dt.date] | None = None
    for sibling in here.parent.iterdir() if here.parent.is_dir() else []:
        m = _DATED.match(sibling.name)
        when = _parse(m.group(1)) if m else None
        if (m is None or when is None or m.group(2) != suffix or day is None or when >= day or sibling == here
                or not sibling.joinpath(*_CHART_DATA).is_dir()):
            continue
        if best is None or when > best[1]:
            best = (sibling, when)
    return best


def _parse(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def since_last_time(out_dir: str | Path, today: dt.date) -> Changes:
    """Compare this report's chart data with the previous report's (see :func:`previous_report`).

    Lines, each only when its number is not zero: new replies, meetings held (with names), thank-yous
    and emails sent, people added to the outreach list, introductions, follow-ups done, newly overdue
    and overdue ones cleared.
    """
    here = Path(out_dir).resolve()
    found = previous_report(here, today)
    if found is None or not here.joinpath(*_CHART_DATA).is_dir():
        return Changes(None, None)
    before, now = _read(found[0]), _read(here)
    lines = [*_replies(before, now), *_meetings(before, now), *_activity(before, now), *_people(before, now),
             *_followups(before, now)]
    return Changes(found[0], found[1], lines)


def _read(report: Path) -> dict[str, pd.DataFrame]:
    folder = report.joinpath(*_CHART_DATA)
    frames = {}
    for name in ("responses", "meeting_minutes", "activity", "funnel", "network", "followup_health"):
        path = folder / f"{name}.csv"
        frames[name] = pd.read_csv(path) if path.is_file() and path.stat().st_size else pd.DataFrame()
    return frames


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _replies(before: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    def replied(df: pd.DataFrame) -> set[int]:
        if df.empty or "replied_at" not in df:
            return set()
        return set(df.loc[df["replied_at"].notna(), "message_id"].astype(int))

    new = len(replied(now["responses"]) - replied(before["responses"]))
    # responses.csv holds first emails only (the response-rate chart's data): say so, rather than "your emails"
    return [f"{_plural(new, 'new reply', 'new replies')} to your first emails"] if new else []


def _meetings(before: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    df, old = now["meeting_minutes"], before["meeting_minutes"]
    if df.empty or "meeting_id" not in df:
        return []
    seen = set(old["meeting_id"].astype(int)) if "meeting_id" in old else set()
    new = df[~df["meeting_id"].astype(int).isin(seen)]
    if new.empty:
        return []
    return [f"{_plural(len(new), 'meeting')} held: {', '.join(str(n) for n in new['name'])}"]


def _total(df: pd.DataFrame, column: str) -> int:
    return int(pd.to_numeric(df[column], errors="coerce").fillna(0).sum()) if column in df else 0


def _activity(before: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    lines = []
    for column, one, many in (("thank-yous", "thank-you sent", "thank-yous sent"),
                              ("emails", "email sent", "emails sent"),
                              ("updates", "progress update sent", "progress updates sent")):
        n = _total(now["activity"], column) - _total(before["activity"], column)
        if n > 0:
            lines.append(_plural(n, one, many))
    return lines


def _last(df: pd.DataFrame, column: str) -> int:
    return int(df[column].iloc[-1]) if column in df and len(df) else 0


def _stage(df: pd.DataFrame, stage: str) -> int:
    if df.empty or "stage" not in df:
        return 0
    row = df.loc[df["stage"] == stage, "people"]
    return int(row.iloc[0]) if len(row) else 0


def _people(before: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    lines = []
    added = _stage(now["funnel"], "identified") - _stage(before["funnel"], "identified")
    if added > 0:
        lines.append(f"{_plural(added, 'person', 'people')} added to your outreach list")
    introduced = _last(now["network"], "introduced_total") - _last(before["network"], "introduced_total")
    if introduced > 0:
        lines.append(f"{_plural(introduced, 'person', 'people')} introduced to you")
    return lines


def _followups(before: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    old, new = before["followup_health"], now["followup_health"]
    if new.empty or "week" not in new:
        return []
    done = (_total(new, "on_time") + _total(new, "late")) - (_total(old, "on_time") + _total(old, "late"))
    overdue_then = old.set_index("week")["overdue"] if "overdue" in old else pd.Series(dtype=int)
    overdue_now = new.set_index("week")["overdue"] if "overdue" in new else pd.Series(dtype=int)
    weeks = overdue_then.index.union(overdue_now.index)
    delta = overdue_now.reindex(weeks, fill_value=0) - overdue_then.reindex(weeks, fill_value=0)
    lines = [_plural(done, "follow-up done", "follow-ups done")] if done > 0 else []
    newly, cleared = int(delta.clip(lower=0).sum()), int((-delta).clip(lower=0).sum())
    if newly:
        lines.append(f"{_plural(newly, 'follow-up')} newly overdue")
    if cleared:
        lines.append(f"{_plural(cleared, 'overdue follow-up')} cleared")
    # no total here: the chart counts every follow-up never done by the week it fell due, page 05's list what is
    # overdue today (left-to-rest follow-ups and ones superseded are not on it); two different totals would
    # read as one number that disagrees with itself
    return lines
