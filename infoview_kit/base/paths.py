"""Where things live: the project root, the default workbook, and the meaning of `today`."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from infoview_kit.base.errors import InputFormatError

#: The demo's story is frozen in time: its scripted history ends the day before this date.
DEMO_TODAY = dt.date(2026, 11, 25)
ENV_WORKBOOK = "INFOVIEW_WORKBOOK"
#: The file that marks a folder as someone's private copies of the notebooks, naming their workbook.
WORKSPACE_MANIFEST = ".infoview-workspace.json"


def project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """Return the nearest folder at or above `start` (default: cwd) holding ``notebooks/`` and
    ``data/sample/``, or the package checkout it was installed from, or `start` itself."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "data" / "sample").is_dir():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "notebooks").is_dir() and (checkout / "data" / "sample").is_dir():
        return checkout
    return here


def workspace_workbook(folder: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the workbook whose private copies of the notebooks `folder` (default: cwd) holds, or None.

    A workspace (``infoview init``, ``infoview lab``) names its workbook in its manifest, relative
    to itself, so a notebook run from there finds that workbook whoever started the kernel.
    """
    here = Path(folder or os.getcwd())
    try:
        data = json.loads((here / WORKSPACE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    named = data.get("workbook") if isinstance(data, dict) else None
    if not isinstance(named, str) or not named.strip():
        return None
    return (here / Path(named).expanduser()).resolve()


def default_workbook() -> Path:
    """Return the workbook an empty ``workbook`` parameter means.

    In order: the workbook of the private workspace the current folder is (a notebook copied by
    ``infoview init`` runs there), ``$INFOVIEW_WORKBOOK`` if set, else
    ``<project>/data/private/workbook.sqlite``.
    """
    own = workspace_workbook()
    if own is not None:
        return own
    env = os.environ.get(ENV_WORKBOOK, "").strip()
    if env:
        return Path(env).expanduser()
    return project_root() / "data" / "private" / "workbook.sqlite"


def demo_workbook() -> Path:
    """Return the path of the demo workbook, ``<project>/data/demo/workbook.sqlite``."""
    return project_root() / "data" / "demo" / "workbook.sqlite"


def resolve_workbook(value: str | os.PathLike[str] | None) -> Path:
    """Return the workbook path a notebook parameter means: empty means the default."""
    if value is None or not str(value).strip():
        return default_workbook()
    return Path(value).expanduser()


def resolve_today(value: str | dt.date | None) -> dt.date:
    """Return the date a ``today`` parameter means: an ISO date, or the real today when empty.

    Raises
    ------
    InputFormatError
        If `value` is not an ISO date such as ``2026-11-25``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputFormatError(f"today = {value!r}: expected an ISO date such as 2026-11-25, "
                               "or empty for the real today") from None


def moment(today: str | dt.date | None, tz: str | None = None) -> dt.datetime:
    """Return the time a notebook run stands at: noon of `today` in `tz` when `today` is given
    (so a rerun with the same date writes the same timestamps), else the real now."""
    from zoneinfo import ZoneInfo

    if today is None or (isinstance(today, str) and not today.strip()):
        return dt.datetime.now(dt.UTC)
    return dt.datetime.combine(resolve_today(today), dt.time(12, 0), tzinfo=ZoneInfo(tz or "UTC"))


def zone_named(name: str) -> ZoneInfo:
    """Return the time zone called `name`, or raise InputFormatError saying what is expected.

    Every module that takes a time zone from the user checks it here: besides unknown names,
    ``ZoneInfo`` raises OSError for a folder of the zone database ("US", "Europe") and
    ValueError or TypeError for malformed ones.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise InputFormatError(f"time zone {name!r}: expected an IANA name such as 'America/Chicago' or "
                               "'Europe/London'") from None
