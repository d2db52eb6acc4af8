"""Participant set-up (``infoview init``): a private workbook and its profile, from prompts or a file."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infoview_kit.base.errors import InputFormatError, ProfileExistsError, SetupCancelledError
from infoview_kit.base.paths import default_workbook, resolve_workbook

if TYPE_CHECKING:
    import pandas as pd

    from infoview_kit.workbook import Workbook
    from infoview_kit.workspace import Workspace

log = logging.getLogger("infoview_kit")

#: A profile file bigger than this is not a profile (and not worth parsing).
MAX_PROFILE_BYTES = 64 * 1024
#: The template a coach hands out, shipped with the package (``infoview init --print-template``).
TEMPLATE_NAME = "profile-template.yaml"

#: What the terminal asks for each profile field, in order, with a hint of what is expected.
QUESTIONS: dict[str, tuple[str, str]] = {
    "name": ("Your name", "as you sign your emails"),
    "email": ("Your email", "the From line of your drafts"),
    "status": ("Status", "graduate or working"),
    "school_status": ("You are currently", "e.g. a recent Economics graduate of Lakeside University"),
    "current_employer": ("Working at", "where you work now, if you do"),
    "target_industry": ("Target industry", "e.g. data analytics"),
    "target_roles": ("Target roles", "comma-separated, e.g. Data Analyst, BI Analyst"),
    "change_wanted": ("The change you want", "e.g. get into the data analytics industry"),
    "schools": ("Schools", "comma-separated"),
    "employers": ("Former employers", "comma-separated"),
    "city": ("City", ""),
    "region": ("Region", "e.g. Midwest"),
    "interests": ("Interests", "comma-separated: common ground for your first email"),
    "groups": ("Groups", "comma-separated: clubs, meetups, alumni networks"),
    "signature": ("Email signature", r"one line; \n for a line break"),
    "country": ("Country", "ISO code for public holidays, e.g. US, GB, DE"),
    "timezone": ("Time zone", "IANA name, e.g. America/Chicago, Europe/London"),
}
#: Typed at a prompt to empty a field that has a default.
CLEAR = "-"


@dataclass
class InitResult:
    """What ``infoview init`` did."""

    path: Path
    created: bool
    profile: dict[str, Any]
    empty_fields: list[str] = field(default_factory=list)
    tightened: bool = False  # an existing file was readable by others and was made private
    workspace: Workspace | None = None  # your private copies of the notebooks, made or brought up to date
    workspace_problem: str | None = None  # why there are none (e.g. no shipped notebooks here)


# ---------------------------------------------------------------- a profile from a file
def profile_template() -> str:
    """Return the text of the profile template shipped with the package (YAML, commented)."""
    return resources.files("infoview_kit").joinpath("data", TEMPLATE_NAME).read_text(encoding="utf-8")


def load_profile_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a profile file (YAML or JSON: a mapping of profile fields).

    Fields the file leaves out are not in the result; an empty field is None (or [] for a list).

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` file (as :func:`profile_template` writes) or a ``.json`` file.

    Returns
    -------
    dict
        Field name to the value the store will keep.

    Raises
    ------
    InputFormatError
        Naming the file, the line where known, the field and what was expected.
    """
    p = Path(path).expanduser()
    try:
        size = p.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise InputFormatError(f"{p}: {size} bytes is too big for a profile (at most {MAX_PROFILE_BYTES}); "
                                   "expected a short YAML or JSON file such as 'infoview init --print-template' "
                                   "writes", path=p)
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        from infoview_kit.base.errors import NotFoundError

        raise NotFoundError(f"{p}: no such profile file; 'infoview init --print-template > profile.yaml' "
                            "writes one to fill in", path=p) from None
    except IsADirectoryError:
        raise InputFormatError(f"{p} is a folder; expected a YAML or JSON profile file", path=p) from None
    except UnicodeDecodeError:
        raise InputFormatError(f"{p}: not UTF-8 text; expected a YAML or JSON profile file", path=p) from None
    data = _parse(p, text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputFormatError(f"{p}: expected a mapping of profile fields (name: ..., timezone: ...), "
                               f"found a {_kind(data)}", path=p)
    from infoview_kit.store import PROFILE_FIELDS, clean_profile_value

    clean: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, str(key))
        where = f"{p}, line {line}" if line else str(p)
        if key not in PROFILE_FIELDS:
            near = difflib.get_close_matches(str(key), PROFILE_FIELDS, n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise InputFormatError(f"{where}: field {key!r} is unknown; {hint}expected one of "
                                   + ", ".join(PROFILE_FIELDS), path=p, line=line)
        value = _plain(where, key, value, PROFILE_FIELDS[key], p, line)
        try:
            clean[key] = clean_profile_value(key, value)
        except InputFormatError as exc:
            raise InputFormatError(f"{where}: field {key!r}: {exc}", path=p, line=line) from None
    return clean


def _parse(p: Path, text: str) -> Any:
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFormatError(f"{p}, line {exc.lineno}: not valid JSON ({exc.msg}); expected a JSON object "
                                   "of profile fields", path=p, line=exc.lineno) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f"{p}, line {line}" if line else str(p)
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise InputFormatError(f"{where}: not valid YAML ({problem}); expected 'field: value' lines as in "
                               "'infoview init --print-template'", path=p, line=line) from None


def _line_of(text: str, key: str) -> int | None:
    """The 1-based line where a top-level `key` is written (YAML ``key:`` or JSON ``"key":``)."""
    pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*:""")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _kind(value: Any) -> str:
    return {bool: "yes/no value", int: "number", float: "number", list: "list", dict: "mapping",
            str: "text"}.get(type(value), type(value).__name__)


def _plain(where: str, key: str, value: Any, kind: str, p: Path, line: int | None) -> Any:
    """Turn what YAML/JSON read into what the store takes; refuse what it would misread."""
    if isinstance(value, bool):
        raise InputFormatError(f"{where}: field {key!r}: got a yes/no value ({value}); YAML reads bare yes, no, "
                               f"on, off as true/false: put the text in quotes, e.g. {key}: \"NO\"", path=p, line=line)
    if isinstance(value, int | float | dt.date):
        value = str(value)
    if kind == "list":
        if isinstance(value, list):
            bad = [v for v in value if not isinstance(v, str | int | float) or isinstance(v, bool)]
            if bad:
                raise InputFormatError(f"{where}: field {key!r}: expected a list of text, found a {_kind(bad[0])} "
                                       "in it", path=p, line=line)
            return [str(v) for v in value]
        if value is not None and not isinstance(value, str):
            raise InputFormatError(f"{where}: field {key!r}: expected a list of text (or one comma-separated "
                                   f"line), found a {_kind(value)}", path=p, line=line)
        return value
    if value is not None and not isinstance(value, str):
        raise InputFormatError(f"{where}: field {key!r}: expected text, found a {_kind(value)}", path=p, line=line)
    return value


# ---------------------------------------------------------------- a profile from the terminal
def guess_timezone() -> str | None:
    """Return this computer's IANA time zone name ($TZ or /etc/localtime), or None if unknown."""
    from infoview_kit.base.paths import zone_named

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and "/" in name:
            try:
                zone_named(name)
            except InputFormatError:
                continue
            return name
    return None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value).replace("\n", r"\n")


def prompt_profile(defaults: Mapping[str, Any] | None = None, *, ask: Callable[[str], str] | None = None,
                   tell: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Ask for every profile field in the terminal and return the answers, checked.

    Enter keeps the default shown in brackets; ``-`` empties it. An answer the store would refuse
    (an unknown time zone or country...) is explained and asked again. Nothing is written
    anywhere: the caller stores the result in one go.

    Parameters
    ----------
    defaults
        Values to offer (e.g. the current profile, or a guessed time zone).
    ask, tell
        How to read an answer and show a line (default: ``input`` and ``print``, the terminal).

    Raises
    ------
    EOFError, KeyboardInterrupt
        When the person presses Ctrl-D or Ctrl-C: stop, with nothing written.
    """
    ask = ask or input
    tell = tell or print
    defaults = dict(defaults or {})
    answers: dict[str, Any] = {}
    tell(f"Your profile: press Enter to keep what is in [brackets], type {CLEAR} to leave a field empty.")
    from infoview_kit.store import clean_profile_value

    for key, (label, hint) in QUESTIONS.items():
        default = _shown(defaults.get(key))
        question = f"{label}" + (f" ({hint})" if hint else "") + (f" [{default}]" if default else "") + ": "
        while True:
            raw = ask(question).strip()
            if raw == CLEAR:
                raw = ""
            elif not raw:
                raw = default
            if key == "signature":
                raw = raw.replace(r"\n", "\n")
            try:
                answers[key] = clean_profile_value(key, raw)
            except InputFormatError as exc:
                tell(f"  {exc}. Try again.")
                continue
            break
    return answers


# ---------------------------------------------------------------- the workbook
def _has_profile(profile: Mapping[str, Any]) -> bool:
    return any(v for v in profile.values())


def current_profile(path: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """Return the profile of the workbook at `path` without changing the file, or None if there is
    no workbook yet.

    Raises
    ------
    WorkbookError
        If the file exists but is not a workbook (it is left untouched).
    """
    from infoview_kit.workbook import Workbook

    p = resolve_workbook(path)
    if not p.exists():
        return None
    with Workbook.open(p, read_only=True) as wb:
        return wb.profile()


def check_can_init(path: str | os.PathLike[str] | None = None, *, force: bool = False) -> dict[str, Any]:
    """Return the workbook's current profile (empty for a new workbook), or refuse to go on.

    Raises
    ------
    ProfileExistsError
        If the workbook already has a profile and `force` is false.
    """
    p = resolve_workbook(path)
    profile = current_profile(p) or {}
    if _has_profile(profile) and not force:
        who = profile.get("name") or "someone"
        raise ProfileExistsError(f"{p} already has a profile (for {who}); nothing was changed. Pass --force to "
                                 "replace it, or edit it in notebook 01 ('infoview lab' opens your notebooks)",
                                 path=p)
    return profile


def init_workbook(path: str | os.PathLike[str] | None, profile: Mapping[str, Any], *,
                  force: bool = False, at: dt.datetime | str | None = None, workspace: bool = True) -> InitResult:
    """Create the workbook if needed (readable by its owner only) and store `profile` in one transaction.

    Fields `profile` leaves out are left as they are. If anything fails, a workbook this call
    created is removed again, so nothing half-written is left behind. Then, with `workspace`, the
    private copies of the notebooks beside it are made or brought up to date
    (:func:`infoview_kit.workspace.prepare_workspace`); if that cannot be done, the workbook stays
    and ``workspace_problem`` says why.

    Raises
    ------
    ProfileExistsError
        If the workbook already has a profile and `force` is false.
    InputFormatError
        If a value is refused by :meth:`Workbook.set_profile`.
    """
    from infoview_kit.workbook import Workbook

    p = resolve_workbook(path)
    created = not p.exists()
    try:
        with Workbook.open(p) as wb:
            if not force and _has_profile(wb.profile()):
                raise ProfileExistsError(f"{p} already has a profile; nothing was changed. Pass --force to "
                                         "replace it", path=p)
            stored = wb.set_profile(at=at, **dict(profile))
    except BaseException:
        if created:
            for extra in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{p}{extra}")
        raise
    tightened = _make_private(p)
    empty = [k for k, v in stored.items() if not v]
    log.info("workbook %s ready (%s)", p, "created" if created else "updated")
    result = InitResult(path=p, created=created, profile=stored, empty_fields=empty, tightened=tightened)
    if workspace:
        from infoview_kit.base.errors import InfoviewError
        from infoview_kit.workspace import prepare_workspace

        try:
            result.workspace = prepare_workspace(p)
        except InfoviewError as exc:
            log.warning("no private copies of the notebooks: %s", exc)
            result.workspace_problem = str(exc)
    return result


def _make_private(p: Path) -> bool:
    """Make the workbook (and its WAL files) readable by its owner only; True if that changed anything."""
    changed = False
    for name in (str(p), f"{p}-wal", f"{p}-shm"):
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
                changed = True
    return changed


def next_steps(result: InitResult) -> str:
    """Return what to tell the participant once the workbook is ready: where it is, what to open next."""
    import shlex

    from infoview_kit.reports.run import notebooks_dir

    path = result.path.absolute()
    lines = [f"Workbook {'created' if result.created else 'updated'}: {path} (readable by you only)."]
    if result.tightened:
        lines.append("It was readable by others: it is now readable by you only.")
    if result.empty_fields:
        lines.append("Left empty: " + ", ".join(result.empty_fields) + " (fill them in later in notebook 00 or 01).")
    app, lab = "infoview app", "infoview lab"
    if not _is_default(path):
        lines.append("Other commands use it when INFOVIEW_WORKBOOK names it (or pass --workbook): "
                     f"export INFOVIEW_WORKBOOK={shlex.quote(str(path))}")
        app += f" --workbook {shlex.quote(str(path))}"
        lab += f" --workbook {shlex.quote(str(path))}"
    if result.workspace is not None:
        lines.append(result.workspace.summary())
        start = _shown_path(result.workspace.start)
        lines += ["Next steps:",
                  f"  - in JupyterLab: {lab} (opens {start}; work there, not in notebooks/, so what JupyterLab "
                  "saves stays private)",
                  f"  - without code: {app}"]
    else:
        if result.workspace_problem:
            lines.append(f"No private copies of the notebooks: {result.workspace_problem}")
        start = _shown_path(notebooks_dir() / "00_start_here.ipynb")
        lines += ["Next steps:",
                  f"  - in JupyterLab: open {start} (jupyter lab {shlex.quote(start)})",
                  f"  - without code: {app}"]
    return "\n".join(lines)


def _shown_path(path: Path) -> str:
    """`path` relative to the current folder when it is inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def _is_default(path: Path) -> bool:
    return path.resolve() == default_workbook().resolve()


@contextlib.contextmanager
def nothing_written(path: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn Ctrl-D (end of input) during the prompts into a SetupCancelledError saying nothing was written."""
    try:
        yield
    except EOFError:
        raise SetupCancelledError(f"cancelled (end of input); nothing was written to {resolve_workbook(path)}",
                                  path=resolve_workbook(path)) from None


# ---------------------------------------------------------------- notebook 00: is everything in place?
#: Packages whose versions notebook 00 shows: the widget front end is the usual missing piece.
SETUP_PACKAGES = ("pandas", "ipywidgets", "jupyterlab_widgets", "jupyterlab", "voila")


def check_setup(wb: Workbook) -> pd.DataFrame:
    """Check what the notebooks need: Python, packages, the workbook (where, private, writable), the profile.

    Returns
    -------
    DataFrame
        One row per check: ``check``, ``value``, ``ok`` (bool), ``next`` (what to do when not ok).
    """
    import platform
    import sys
    from importlib.metadata import PackageNotFoundError, version

    import pandas as pd

    from infoview_kit.base.errors import WorkbookError
    from infoview_kit.base.version import __version__

    rows: list[tuple[str, str, bool, str]] = []
    py_ok = sys.version_info >= (3, 11)
    rows.append(("Python", platform.python_version(), py_ok, "" if py_ok else "install Python 3.11 or newer"))
    rows.append(("infoview_kit", __version__, True, ""))
    for name in SETUP_PACKAGES:
        try:
            rows.append((name, version(name), True, ""))
        except PackageNotFoundError:
            rows.append((name, "missing", False, f"pip install {name} (or: pip install -e . in the project)"))
    rows.append(("workbook", str(wb.path), wb.path.exists(), "" if wb.path.exists() else "infoview init"))
    mode = stat.S_IMODE(wb.path.stat().st_mode) if wb.path.exists() else 0
    private = not mode & 0o077
    rows.append(("readable by you only", f"{mode:04o}", private, "" if private else f"chmod 600 {wb.path}"))
    try:
        with wb.transaction():
            pass  # takes the write lock and changes nothing
        writable, why = True, ""
    except WorkbookError as exc:
        writable, why = False, str(exc)
    rows.append(("can be saved to", "yes" if writable else "no", writable, why))
    profile = wb.profile()
    filled = [k for k, v in profile.items() if v]
    has_basics = bool(profile.get("name")) and bool(profile.get("timezone"))
    rows.append(("profile", f"{len(filled)} of {len(profile)} fields", has_basics,
                 "" if has_basics else "fill in your profile below (or: infoview init)"))
    contacts = wb.table_counts().get("contacts", 0)
    rows.append(("contacts", str(contacts), True, "" if contacts else "import your connections in notebook 01"))
    return pd.DataFrame(rows, columns=["check", "value", "ok", "next"])
