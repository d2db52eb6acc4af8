"""The ``infoview`` command: build the demo, import contacts, run the notebooks as a report."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# Heavy modules (pandas, papermill) are imported inside the commands, so `infoview --help` is quick.


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="infoview",
        description="A Jupyter workbook for informational interviews: find contacts, research them, "
                    "draft the email, keep the meeting, follow up, and chart your progress.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log what is being done")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="build the demo workbook from the invented sample data")
    d.add_argument("--out", type=Path, help="where to write it (default: data/demo/workbook.sqlite)")

    r = sub.add_parser("run", help="run all five notebooks against a workbook and write an HTML report")
    r.add_argument("--workbook", type=Path,
                   help="the workbook (default: the demo workbook, built if missing)")
    r.add_argument("--today", help="the date the report is for, as YYYY-MM-DD (default: today; for the "
                                   "demo, the day its story ends)")
    r.add_argument("--out", type=Path, help="output folder (default: reports/<today>/)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")

    i = sub.add_parser("import", help="import a contacts export (LinkedIn, Google, Outlook, vCard, CSV)")
    i.add_argument("file", type=Path)
    i.add_argument("--workbook", type=Path, help="the workbook (default: $INFOVIEW_WORKBOOK or "
                                                  "data/private/workbook.sqlite)")

    u = sub.add_parser("due", help="print what is due (overdue, today, the coming week) as a table")
    u.add_argument("--workbook", type=Path, help="the workbook (default: $INFOVIEW_WORKBOOK or "
                                                  "data/private/workbook.sqlite)")
    u.add_argument("--today", help="the date to judge by, as YYYY-MM-DD (default: today)")
    u.add_argument("--days", type=int, default=7, help="how many days ahead to look (default: 7)")

    o = sub.add_parser("report", help="run notebook 05 alone and write a dated HTML report: what is due, "
                                      "the drafts, the charts")
    o.add_argument("--workbook", type=Path, help="the workbook (default: $INFOVIEW_WORKBOOK or "
                                                  "data/private/workbook.sqlite)")
    o.add_argument("--today", help="the date the report is for, as YYYY-MM-DD (default: today)")
    o.add_argument("--out", type=Path, help="output folder (default: reports/<today>-follow-up/)")
    o.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``infoview`` command; return its exit status (2 for bad input, 1 for a failed run)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(message)s")
    if args.version:
        from . import __version__

        print(f"infoview_kit {__version__}")
        return 0
    if args.command is None:
        _parser().print_help()
        return 0
    from .exceptions import InfoviewError, NotebookRunError

    try:
        return _COMMANDS[args.command](args)
    except NotebookRunError as exc:
        print(f"infoview {args.command}: {exc}", file=sys.stderr)
        return 1
    except InfoviewError as exc:
        print(f"infoview {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import build_demo

    print(build_demo(args.out))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from ._paths import DEMO_TODAY, demo_workbook, project_root, resolve_today
    from .demo import build_demo, demo_parameters
    from .report import run_notebooks

    extra = {}
    if args.workbook is None:
        workbook = demo_workbook()
        if not workbook.exists():
            build_demo(workbook)
        today = resolve_today(args.today) if args.today else DEMO_TODAY
        extra = demo_parameters()
    else:
        workbook = args.workbook
        if not workbook.exists():
            from .exceptions import NotFoundError

            raise NotFoundError(f"{workbook}: no such workbook; create one in notebook 01 or with "
                                "'infoview import FILE --workbook PATH'", path=workbook)
        today = resolve_today(args.today)
    out = args.out or project_root() / "reports" / today.isoformat()
    result = run_notebooks(workbook, today, out, extra=extra, progress=not args.quiet)
    print(f"report written in {result.seconds:.1f} s: {result.index}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from .store import Workbook

    with Workbook.open(args.workbook) as wb:
        report = wb.import_contacts(args.file, progress=sys.stderr.isatty())
        print(f"{report}  ->  {wb.path}")
        for w in report.to_frame().itertuples():
            print(f"  line {w.line}: {w.kind}: {w.message}")
    return 0


def _existing_workbook(path: Path | None) -> Path:
    from ._paths import resolve_workbook
    from .exceptions import NotFoundError

    workbook = resolve_workbook(path)
    if not workbook.exists():
        raise NotFoundError(f"{workbook}: no such workbook; pass --workbook PATH, or create one in notebook 01 "
                            "or with 'infoview import FILE --workbook PATH'", path=workbook)
    return workbook


def _cmd_due(args: argparse.Namespace) -> int:
    import shutil

    from .followups import due, due_table
    from .store import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False) as wb:
        items = due(wb, args.today, horizon_days=args.days)
        width = shutil.get_terminal_size((120, 24)).columns
        print(due_table(items, width=max(width, 80), horizon_days=args.days))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from ._paths import project_root, resolve_today
    from .report import run_notebooks

    workbook = _existing_workbook(args.workbook)
    today = resolve_today(args.today)
    out = args.out or project_root() / "reports" / f"{today.isoformat()}-follow-up"
    result = run_notebooks(workbook, today, out, notebooks=["05_follow_up_progress.ipynb"], progress=not args.quiet,
                           title=f"Follow-up and progress, {today.isoformat()}")
    print(f"report written in {result.seconds:.1f} s: {result.html[0]}")
    return 0


_COMMANDS = {"demo": _cmd_demo, "run": _cmd_run, "import": _cmd_import, "due": _cmd_due, "report": _cmd_report}

if __name__ == "__main__":
    sys.exit(main())
