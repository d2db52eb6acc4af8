"""The ``infoview`` command: build the demo, import contacts, run the notebooks as a report."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# Heavy modules (pandas, papermill) are imported inside the commands, so `infoview --help` is quick.


_REDACT_HELP = ("replace names, emails, companies and free text with placeholders (Person 7, Company 3), to share "
                "the report with a coach or mentor; your workbook is left as it is")


_WB_HELP = "the workbook (default: $INFOVIEW_WORKBOOK or data/private/workbook.sqlite)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="infoview",
        description="A Jupyter workbook for informational interviews: find contacts, research them, "
                    "draft the email, keep the meeting, follow up, and chart your progress.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log what is being done")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    _report_commands(sub)
    _setup_commands(sub)
    _coach_commands(sub)
    _care_commands(sub)
    _sync_command(sub)
    return p


def _options(p: argparse.ArgumentParser, *, workbook: str | None = _WB_HELP, today: str | None = None,
             out: str | None = None, quiet: bool = False, redact: bool = False,
             show_code: bool = False) -> argparse.ArgumentParser:
    """Add the options commands share, each with its own help text (None: the command has no such option)."""
    if workbook:
        p.add_argument("--workbook", type=Path, help=workbook)
    if today:
        p.add_argument("--today", help=today)
    if out:
        p.add_argument("--out", type=Path, help=out)
    if quiet:
        p.add_argument("--quiet", action="store_true", help="no progress bar")
    if redact:
        p.add_argument("--redact", action="store_true", help=_REDACT_HELP)
    if show_code:
        p.add_argument("--show-code", action="store_true",
                       help="show the notebooks' code cells on the pages (hidden by default: the pages are for people)")
    return p


def _report_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = sub.add_parser("demo", help="build the demo workbook from the invented sample data")
    d.add_argument("--out", type=Path, help="where to write it (default: data/demo/workbook.sqlite)")
    _options(sub.add_parser("run", help="run all five notebooks against a workbook and write an HTML report"),
             workbook="the workbook (default: the demo workbook, built if missing)",
             today="the date the report is for, as YYYY-MM-DD (default: today; for the demo, the day its story "
                   "ends)", out="output folder (default: reports/<today>/)", quiet=True, redact=True, show_code=True)
    u = _options(sub.add_parser("due", help="print what is due (overdue, today, the coming week) as a table"),
                 today="the date to judge by, as YYYY-MM-DD (default: today)")
    u.add_argument("--days", type=int, default=7, help="how many days ahead to look (default: 7)")
    _options(sub.add_parser("report", help="run notebook 05 alone and write a dated HTML report: what is due, "
                                           "the drafts, the charts"),
             today="the date the report is for, as YYYY-MM-DD (default: today)",
             out="output folder (default: reports/<today>-follow-up/)", quiet=True, redact=True, show_code=True)


def _setup_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    i = _options(sub.add_parser("import", help="import a contacts export (LinkedIn, Google, Outlook, vCard, CSV)"))
    i.add_argument("file", type=Path)
    n = _options(sub.add_parser("init", help="set up your private workbook and your private copies of the "
                                             "notebooks, and fill in your profile (in the terminal, or from a "
                                             "profile file your coach gave you)"),
                 workbook="the workbook to create (default: $INFOVIEW_WORKBOOK or data/private/workbook.sqlite)")
    n.add_argument("--profile", type=Path, metavar="FILE",
                   help="take the profile from this YAML or JSON file instead of asking (see --print-template)")
    n.add_argument("--force", action="store_true", help="replace the profile of a workbook that already has one")
    n.add_argument("--print-template", action="store_true",
                   help="print a commented profile template (YAML) to fill in, and exit")
    for name, help_text in (
            ("lab", "open JupyterLab on your private copies of the notebooks (made beside your workbook by "
                    "'infoview init', brought up to date first)"),
            ("app", "open the notebooks without code (Voila): the same forms, your workbook")):
        s = _options(sub.add_parser(name, help=help_text))
        s.add_argument("--port", type=int, default=0, help="the port on 127.0.0.1 (default: a free one)")
        s.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the address")


def _coach_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    h = _options(sub.add_parser("share-progress", help="write your progress as counts only (no names, emails, "
                                                       "companies or notes) to a small JSON file you can hand to "
                                                       "your coach"),
                 workbook=_WB_HELP + "; only read, never written",
                 today="the date the summary is for, as YYYY-MM-DD (default: today)",
                 out="the file to write (default: progress-[ALIAS-]<today>.json here)")
    h.add_argument("--alias", help="the name your coach sees (default: 'participant'; your own name only if you "
                                   "put it here)")
    c = sub.add_parser("cohort-report", help="for coaches: an HTML report of a workshop cohort from a folder of "
                                             "participants' summaries (.json) or workbooks (.sqlite, read only)")
    c.add_argument("folder", type=Path, help="the folder of summaries and/or workbooks")
    _options(c, workbook=None, today="the date the report is for, as YYYY-MM-DD (default: today)",
             out="output folder (default: reports/<today>-cohort/)", quiet=True, show_code=True)


def _care_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = _options(sub.add_parser("backup", help="write a consistent copy of your workbook into its backups folder "
                                               "(<stem>.backups/ beside it; the newest 10 are kept)"))
    b.add_argument("--list", action="store_true", help="only list the backups there are")
    s = sub.add_parser("restore", help="replace your workbook with a backup (lists the backups when none is "
                                       "named); what it held before is backed up first")
    s.add_argument("backup", nargs="?", help="a backup file, or its name in the backups folder")
    _options(s).add_argument("--yes", action="store_true", help="do not ask for confirmation")
    x = _options(sub.add_parser("export", help="export every table of your workbook as xlsx, csv or json, "
                                               "readable without this package"),
                 out="the file, or for csv the folder (default: beside the workbook, <stem>-export-<date>)")
    x.add_argument("--format", dest="fmt", choices=["xlsx", "csv", "json"],
                   help="xlsx: a sheet per table; csv: a folder, one file per table; json: one document "
                        "(default: from --out, else xlsx)")
    f = sub.add_parser("forget", help="remove a person and everything about them from your workbook (shows "
                                      "what will go and asks first)")
    f.add_argument("contact", help="the contact's id, or their full name")
    _options(f).add_argument("--yes", action="store_true", help="do not ask for confirmation")
    f.add_argument("--drop-backups", action="store_true", help="also delete the backups that still hold them")


def _sync_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    y = _options(sub.add_parser("sync", help="read your mailbox (mbox, Maildir, .eml folder, IMAP) and LinkedIn's "
                                             "data archive, and print what they say happened (drafts sent, replies, "
                                             "bounces) as a table to review; --yes applies it"))
    y.add_argument("sources", nargs="*", metavar="SOURCE", help="mailbox files or folders, LinkedIn's ZIP or folder")
    y.add_argument("--imap", metavar="HOST", help="also read this IMAP server, read-only (TLS, port 993)")
    y.add_argument("--user", help="the IMAP login name (the password comes from the keyring or a prompt)")
    y.add_argument("--port", type=int, default=993, help="the IMAP port (default: 993)")
    y.add_argument("--dry-run", action="store_true", help="only print the proposals; change nothing")
    y.add_argument("--yes", action="store_true", help="apply every proposal without asking")
    y.add_argument("--undo", action="store_true", help="take back the last sync that was applied")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``infoview`` command; return its exit status (2 for bad input, 1 for a failed run)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(message)s")
    if args.version:
        from infoview_kit.base.version import __version__

        print(f"infoview_kit {__version__}")
        return 0
    if args.command is None:
        _parser().print_help()
        return 0
    from infoview_kit.base.errors import InfoviewError, NotebookRunError

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
    from infoview_kit.demo import build_demo

    print(build_demo(args.out))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from infoview_kit.base.paths import DEMO_TODAY, demo_workbook, project_root, resolve_today
    from infoview_kit.demo import build_demo, demo_parameters
    from infoview_kit.reports.run import run_notebooks

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
            from infoview_kit.base.errors import NotFoundError

            raise NotFoundError(f"{workbook}: no such workbook; create one in notebook 01 or with "
                                "'infoview import FILE --workbook PATH'", path=workbook)
        today = resolve_today(args.today)
    out = args.out or project_root() / "reports" / f"{today.isoformat()}{'-redacted' if args.redact else ''}"
    if args.redact:  # the demo's extra parameters name people: not passed
        from infoview_kit.reports.redact import run_redacted

        result = run_redacted(workbook, today, out, progress=not args.quiet, show_code=args.show_code)
    else:
        result = run_notebooks(workbook, today, out, extra=extra, progress=not args.quiet, show_code=args.show_code)
    print(f"report written in {result.seconds:.1f} s: {result.index}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from infoview_kit.workbook import Workbook

    with Workbook.open(args.workbook) as wb:
        report = wb.import_contacts(args.file, progress=sys.stderr.isatty())
        print(f"{report}  ->  {wb.path}")
        for w in report.to_frame().itertuples():
            print(f"  line {w.line}: {w.kind}: {w.message}")
    return 0


def _existing_workbook(path: Path | None) -> Path:
    from infoview_kit.base.errors import NotFoundError
    from infoview_kit.base.paths import resolve_workbook

    workbook = resolve_workbook(path)
    if not workbook.exists():
        raise NotFoundError(f"{workbook}: no such workbook; pass --workbook PATH, or create one in notebook 01 "
                            "or with 'infoview import FILE --workbook PATH'", path=workbook)
    return workbook


def _cmd_due(args: argparse.Namespace) -> int:
    import shutil

    from infoview_kit.followup.due import due, due_table
    from infoview_kit.workbook import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False) as wb:
        items = due(wb, args.today, horizon_days=args.days)
        width = shutil.get_terminal_size((120, 24)).columns
        print(due_table(items, width=max(width, 80), horizon_days=args.days))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from infoview_kit.base.paths import project_root, resolve_today
    from infoview_kit.reports.run import run_notebooks

    workbook = _existing_workbook(args.workbook)
    today = resolve_today(args.today)
    out = args.out or project_root() / "reports" / f"{today.isoformat()}-follow-up{'-redacted' if args.redact else ''}"
    from infoview_kit.reports.redact import run_redacted

    runner = run_redacted if args.redact else run_notebooks  # redacted: against a redacted copy of the workbook
    result = runner(workbook, today, out, notebooks=["05_follow_up_progress.ipynb"], progress=not args.quiet,
                    title=f"Follow-up and progress, {today.isoformat()}", show_code=args.show_code)
    print(f"report written in {result.seconds:.1f} s: {result.html[0]}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from infoview_kit import onboarding

    if args.print_template:
        print(onboarding.profile_template(), end="")
        return 0
    current = onboarding.check_can_init(args.workbook, force=args.force)  # refuse before asking anything
    if args.profile is not None:
        profile = onboarding.load_profile_file(args.profile)
    else:
        defaults = {"timezone": onboarding.guess_timezone(), **{k: v for k, v in current.items() if v}}
        try:
            with onboarding.nothing_written(args.workbook):
                profile = onboarding.prompt_profile(defaults)
        except KeyboardInterrupt:
            print("\ninfoview init: cancelled; nothing was written", file=sys.stderr)
            return 130
    result = onboarding.init_workbook(args.workbook, profile, force=args.force)
    print(onboarding.next_steps(result))
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    from infoview_kit.app import serve_lab

    return serve_lab(args.workbook, port=args.port, open_browser=not args.no_browser)


def _cmd_app(args: argparse.Namespace) -> int:
    from infoview_kit.app import serve

    return serve(args.workbook, port=args.port, open_browser=not args.no_browser)


def _cmd_share_progress(args: argparse.Namespace) -> int:
    from infoview_kit.base.paths import resolve_today
    from infoview_kit.reports.summary import check_alias, default_summary_name, progress_summary, write_summary
    from infoview_kit.workbook import Workbook

    alias = check_alias(args.alias)  # a bad alias is refused before the workbook is read
    with Workbook.open(_existing_workbook(args.workbook), read_only=True) as wb:
        summary = progress_summary(wb, resolve_today(args.today) if args.today else None, alias=alias)
    out = args.out or Path(default_summary_name(alias, resolve_today(summary["today"])))
    write_summary(summary, out)
    t = summary["totals"]
    print(f"{out}: counts only, as '{alias}' for {summary['today']}: {t['emails_sent']} first emails, "
          f"{t['meetings_held']} meetings held, {t['overdue_followups']} follow-ups overdue. Check it, then hand "
          "it in.")
    return 0


def _cmd_cohort_report(args: argparse.Namespace) -> int:
    from infoview_kit.base.paths import project_root, resolve_today
    from infoview_kit.reports.cohort import run_report

    today = resolve_today(args.today)
    out = args.out or project_root() / "reports" / f"{today.isoformat()}-cohort"
    result = run_report(args.folder, today, out, progress=not args.quiet, show_code=args.show_code)
    for problem in result.problems:
        print(f"warning: {problem.problem}; left out of the report", file=sys.stderr)
    print(f"cohort report written in {result.seconds:.1f} s: {result.html}")
    return 0


def _confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but yes (or no terminal at all) is no."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


def _print_backups(frame: object, folder: Path) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    if frame.empty:
        print(f"no backups yet in {folder}")
        return
    print(f"backups in {folder}, newest first:")
    for r in frame.itertuples():
        print(f"  {r.name}  {r.taken_at:%Y-%m-%d %H:%M:%S} UTC  {r.reason}  {r.size / 1024:.0f} KiB")


def _cmd_backup(args: argparse.Namespace) -> int:
    from infoview_kit.workbook import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False) as wb:
        if not args.list:
            print(f"backed up {wb.path} to {wb.backup('manual')}")
        _print_backups(wb.backups(), wb.backup_dir)
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from infoview_kit.base.errors import NotFoundError
    from infoview_kit.base.paths import resolve_workbook
    from infoview_kit.store import backup_dir
    from infoview_kit.workbook import Workbook

    workbook = resolve_workbook(args.workbook)
    if args.backup is None:
        with Workbook.open(_existing_workbook(args.workbook), create=False, read_only=True) as wb:
            _print_backups(wb.backups(), wb.backup_dir)
        print("restore one with: infoview restore NAME")
        return 0
    source = Path(args.backup).expanduser()
    if not source.exists() and (backup_dir(workbook) / args.backup).exists():
        source = backup_dir(workbook) / args.backup
    if not source.exists():
        raise NotFoundError(f"{args.backup}: no such backup file, nor one of that name in {backup_dir(workbook)}; "
                            "run 'infoview restore' to list them", path=source)
    info = Workbook.check_backup(source)
    print(f"{source}: intact, schema {info['schema_version']}, "
          + ", ".join(f"{n} {t}" for t, n in info["tables"].items() if t in ("contacts", "messages", "meetings",
                                                                                "events")))
    if not args.yes and not _confirm(f"Replace everything in {workbook} with this backup? (what it holds now is "
                                     "backed up first)"):
        print("nothing changed")
        return 1
    with Workbook.open(workbook) as wb:
        before = wb.restore(source)
        print(f"restored {wb.path} from {source}; what it held before is in {before}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from infoview_kit.reports.export import export_workbook
    from infoview_kit.workbook import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False, read_only=True) as wb:
        print(f"exported every table of {wb.path} to {export_workbook(wb, args.out, fmt=args.fmt)}")
    return 0


def _cmd_forget(args: argparse.Namespace) -> int:
    from infoview_kit.workbook import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False) as wb:
        text = args.contact.strip()
        cid = int(text) if text.isascii() and text.isdigit() else wb.find_contact(text)
        plan = wb.forget(cid, dry_run=True, drop_backups=args.drop_backups)
        print(plan)
        if not args.yes and not _confirm("Forget them for good?"):
            print("nothing changed")
            return 1
        print(wb.forget(cid, drop_backups=args.drop_backups))
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from infoview_kit.base.errors import InputFormatError
    from infoview_kit.sync.apply import applied_line, apply_matches, undo_sync
    from infoview_kit.sync.imap import Imap
    from infoview_kit.sync.review import proposals_text, propose
    from infoview_kit.workbook import Workbook

    with Workbook.open(_existing_workbook(args.workbook), create=False) as wb:
        if args.undo:
            print(applied_line(wb, undo_sync(wb)))
            return 0
        if not args.sources and not args.imap:
            raise InputFormatError("nothing to read: name a mailbox or LinkedIn archive, or --imap HOST --user NAME")
        if args.imap and not args.user:
            raise InputFormatError("--imap needs --user NAME (the login name)")
        imap = Imap(host=args.imap, user=args.user, port=args.port) if args.imap else None
        proposals = propose(wb, args.sources, imap=imap)
        print(proposals_text(proposals, wb.profile().get("timezone") or "UTC"))
        if args.dry_run or not len(proposals):
            return 0
        if not args.yes and not _confirm(f"Apply all {len(proposals)}?"):
            print("nothing changed")
            return 1
        print(applied_line(wb, apply_matches(wb, proposals)))
    return 0


_COMMANDS = {"demo": _cmd_demo, "run": _cmd_run, "import": _cmd_import, "due": _cmd_due, "report": _cmd_report,
             "init": _cmd_init, "lab": _cmd_lab, "app": _cmd_app, "share-progress": _cmd_share_progress,
             "cohort-report": _cmd_cohort_report, "backup": _cmd_backup, "restore": _cmd_restore,
             "export": _cmd_export, "forget": _cmd_forget, "sync": _cmd_sync}


if __name__ == "__main__":
    sys.exit(main())
