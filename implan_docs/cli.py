"""The ``implan`` command: new, check, schedule, build, handoff, collect, diff.

Every problem a user can cause is one line on stderr and exit code 1 (usage errors: 2); a traceback
appears only with ``--debug``. An unexpected crash prints one line and saves the traceback to a file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from datetime import date
from pathlib import Path

from . import __version__
from .errors import ImplanError, Location


class UsageError(ImplanError):
    """Wrong arguments: exit 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="implan", description="Implementation plan workbook -> Word document, and back.")
    p.add_argument("--version", action="version", version=f"implan-docs {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("new", help="write a ready-to-fill plan workbook")
    s.add_argument("path", nargs="?", default="plan.xlsx", type=Path)
    s.add_argument("--example", action="store_true", help="write the bundled example plan instead")
    s.add_argument("--language", choices=["en", "zh-TW"], default="en")
    s.add_argument("--force", action="store_true", help="overwrite an existing file")

    s = sub.add_parser("check", help="validate a plan workbook and list errors and findings")
    s.add_argument("workbook", type=Path)
    s.add_argument("--strict", action="store_true", help="findings (warnings) fail the check too")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--status-date", type=_date, help="progress as of this date (default: Project Status date)")
    s.add_argument("--template", type=Path, help="also check a Word template (placeholders, styles, safety)")
    s.add_argument("--notebooks", type=Path, action="append", default=[],
                   help="also check your own section notebooks in this folder (parameters cell); may repeat")
    s.add_argument("--keep-links", action="store_true",
                   help="with --template: ordinary web and mail hyperlinks are kept, so not reported")

    s = sub.add_parser("schedule", help="compute the schedule and write the filled workbook")
    s.add_argument("workbook", type=Path)
    s.add_argument("-o", "--output", type=Path, help="filled workbook to write (.xlsx)")
    s.add_argument("--status-date", type=_date)
    s.add_argument("--format", choices=["text", "json"], default="text",
                   help="json: print finish, confidence (Monte Carlo), earned value, milestones and tasks")
    s.add_argument("--force", action="store_true",
                   help="replace an existing file that implan did not write (never the input itself)")

    s = sub.add_parser("build", help="build the plan document (.docx), filled workbook, charts and optionally the PDF")
    s.add_argument("workbooks", nargs="+", type=Path, metavar="WORKBOOK",
                   help="one plan, or several (a portfolio: each goes to OUT/<name>/)")
    s.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    s.add_argument("--template", type=Path, help="Word template (.docx) with the section placeholders")
    s.add_argument("--status-date", type=_date, help="progress as of this date (default: Project Status date)")
    s.add_argument("--pdf", action="store_true", help="also convert to PDF with LibreOffice")
    s.add_argument("--jobs", type=int, default=0, help="notebooks run at once (default: number of cores)")
    s.add_argument("--sections", help="comma-separated section names to build (default: all)")
    s.add_argument("--notebooks", type=Path, action="append", default=[],
                   help="folder with your own section notebooks (NN-name.ipynb); may repeat")
    s.add_argument("--since", type=Path, help="older version of the workbook: adds 'Changes since version X'")
    s.add_argument("--force", action="store_true",
                   help="replace files and folders in OUT that implan did not write (never an input)")
    s.add_argument("--keep-links", action="store_true",
                   help="keep the template's ordinary web and mail hyperlinks (other external references are always removed)")

    s = sub.add_parser("handoff", help="build the document and a review package (.zip) for reviewers")
    s.add_argument("workbook", type=Path)
    s.add_argument("-o", "--output", type=Path, required=True, help="output folder (build and package)")
    s.add_argument("--reviewer", action="append", default=[], metavar='"NAME <EMAIL>"',
                   help="a reviewer, named in the reviewer guide and the manifest; may repeat")
    s.add_argument("--due", type=_date, help="date comments are due (YYYY-MM-DD)")
    s.add_argument("--template", type=Path, help="Word template (.docx) with the section placeholders")
    s.add_argument("--status-date", type=_date, help="progress as of this date (default: Project Status date)")
    s.add_argument("--no-pdf", action="store_true", help="leave the PDFs out (no LibreOffice needed)")
    s.add_argument("--force", action="store_true",
                   help="replace files and folders in OUT that implan did not write (never an input)")
    s.add_argument("--keep-links", action="store_true",
                   help="keep the template's ordinary web and mail hyperlinks (other external references are always removed)")

    s = sub.add_parser("collect", help="read comments and tracked changes of reviewed copies into the Review sheet")
    s.add_argument("workbook", type=Path)
    s.add_argument("reviewed", nargs="+", type=Path, metavar="REVIEWED.docx")
    s.add_argument("-o", "--output", type=Path, help="updated workbook to write (.xlsx)")
    s.add_argument("--in-place", action="store_true",
                   help="update the workbook itself (locked and atomic; through a symbolic link, its target; keeps a "
                        "backup <name>.bak.xlsx, or <name>.bak-2.xlsx ... if that exists)")
    s.add_argument("--force", action="store_true", help="overwrite an existing output file")

    s = sub.add_parser("diff", help="what changed between two versions of a plan workbook")
    s.add_argument("old", type=Path, metavar="OLD.xlsx")
    s.add_argument("new", type=Path, metavar="NEW.xlsx")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--status-date", type=_date, help="schedule both versions as of this date")
    return p


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so every staging folder and temporary file is removed."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    import signal
    import threading

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv, debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupted(code: int, what: str) -> int:
    """After Ctrl-C or SIGTERM: whatever is still running is stopped; one line; 130 or 143."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        from .processes import kill_descendants

        kill_descendants()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _on_sigterm)
    print(f"implan: {what}; nothing of this run was published", file=sys.stderr)
    return code


def _main(argv: list[str], debug: bool) -> int:
    try:
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except ImplanError as exc:
        if debug:
            traceback.print_exc()
        print(f"implan: {_one_line(str(exc))}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        return _interrupted(130, "interrupted")
    except Terminated:
        return _interrupted(143, "terminated")
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except MemoryError:
        print("implan: out of memory (is the input unreasonably large?)", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `implan schedule --format json | head`: the reader has what it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 0
    except Exception as exc:  # a bug, or input we did not foresee: one line, traceback kept in a file
        if debug:
            traceback.print_exc()
            return 1
        log = _save_traceback()
        print(f"implan: internal error: {type(exc).__name__}: {_one_line(str(exc))} (details: {log})",
              file=sys.stderr)
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _save_traceback() -> str:
    fd, name = tempfile.mkstemp(prefix="implan-crash-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        traceback.print_exc(file=fh)
    return name


def _dispatch(args) -> int:
    return {"new": cmd_new, "check": cmd_check, "schedule": cmd_schedule, "build": cmd_build,
            "handoff": cmd_handoff, "collect": cmd_collect, "diff": cmd_diff}[args.command](args)


# -- commands -------------------------------------------------------------------------------------------


def cmd_new(args) -> int:
    from .xlsx.new import write_new_workbook

    path = write_new_workbook(args.path, language=args.language, example=args.example, force=args.force)
    print(f"wrote {path}")
    return 0


def cmd_check(args) -> int:
    from .phases import check_plan

    result = check_plan(args.workbook, args.status_date)
    errors, warnings = result.errors, result.warnings
    if args.template:
        from .docx.template import check_template

        found = check_template(args.template, keep_links=args.keep_links)
        errors = errors + [f for f in found if f.is_error]
        warnings = warnings + [f for f in found if not f.is_error]
    if args.notebooks:
        from .notebooks import notebook_findings

        errors = errors + notebook_findings(args.notebooks)  # every notebook breaking the contract, located
    extra = [f for f in errors + warnings if f not in result.findings]  # the template's and notebooks'
    if args.format == "json":
        doc = {
            "file": str(args.workbook),
            "ok": not errors and not (args.strict and warnings),
            "errors": len(errors),
            "warnings": len(warnings),
            "findings": [f.as_dict() for f in extra + list(result.findings)],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for f in extra + list(result.findings):
            print(str(f))
        print(_summary(args.workbook.name, len(errors), len(warnings)))
    return 1 if errors or (args.strict and warnings) else 0


def _summary(name: str, errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return f"{name}: OK, no errors or findings"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    parts.append(f"{warnings} finding{'s' if warnings != 1 else ''}")
    return f"{name}: " + ", ".join(parts)


def cmd_schedule(args) -> int:
    from .phases import check_plan
    from .publish import claim_file, record_file

    if args.output is None and args.format != "json":
        raise UsageError("give -o FILLED.xlsx, or --format json to print the schedule")
    output = None
    if args.output is not None:
        if args.output.suffix.lower() != ".xlsx":
            raise UsageError("the filled workbook must be an .xlsx file", Location(file=str(args.output)))
        _refuse_overwriting_input(args.workbook, args.output)
        output = Path(os.path.abspath(args.output))
        claim_file(output, force=args.force, inputs=[args.workbook])
    result = check_plan(args.workbook, args.status_date)
    if result.errors:
        for f in result.errors:
            print(str(f), file=sys.stderr)
        raise ImplanError(f"{len(result.errors)} error(s); nothing written", Location(file=args.workbook.name))
    from .forecast import forecast

    s = result.schedule
    fc = forecast(result.plan, s)
    summary = f"{len(s.tasks)} tasks, {s.start.isoformat()} to {s.finish.isoformat()}"
    if output is not None:
        from .xlsx.filled import write_filled_workbook

        write_filled_workbook(result.source or args.workbook, result.plan, result.schedule, output, forecast=fc)
        record_file(output)
        summary = f"wrote {args.output}: {summary}"
    if args.format == "json":
        print(json.dumps(fc.as_json(), ensure_ascii=False, indent=2))
        if output is not None:
            print(summary, file=sys.stderr)
    else:
        print(summary)
    return 0


def _refuse_overwriting_input(src: Path, dst: Path) -> None:
    try:
        same = dst.exists() and src.exists() and os.path.samefile(src, dst)
    except OSError:
        same = False
    if same:
        raise UsageError("the output would overwrite the input workbook; choose another -o", Location(file=str(dst)))



def cmd_build(args) -> int:
    from .progress import BuildProgress

    if args.jobs < 0:
        raise UsageError("--jobs must be 1 or more")
    sections = [s.strip() for s in args.sections.split(",") if s.strip()] if args.sections else None
    portfolio = len(args.workbooks) > 1
    names = _portfolio_names(args.workbooks)
    failures = 0
    results = []
    for workbook, name in zip(args.workbooks, names):
        out = args.output / name if portfolio else args.output
        with BuildProgress(workbook.name) as progress:
            try:
                if portfolio and (out.is_symlink() or (out.exists() and not out.is_dir())) and not args.force:
                    from .publish import CollisionError

                    raise CollisionError("already exists and is not a folder implan made; use --force, or "
                                         "choose another -o", Location(file=str(out)))
                result = _build_one(args, workbook, out, sections, progress)
            except ImplanError as exc:
                if not portfolio:
                    raise
                failures += 1
                results.append((workbook, None, _one_line(str(exc))))
                print(f"implan: {_one_line(str(exc))}", file=sys.stderr)
                continue
        results.append((workbook, result, ""))
        _report(result)
    if portfolio:
        print(f"\n{len(results) - failures} of {len(results)} plans built" + (f", {failures} failed:" if failures else ""))
        for workbook, result, error in results:
            if error:
                print(f"  FAILED {workbook}: {error}")
    return 1 if failures else 0


def _portfolio_names(workbooks: list[Path]) -> list[str]:
    """``OUT/<name>/`` per plan: the file's stem, made unique (a/plan.xlsx, b/plan.xlsx -> plan, plan-2)."""
    names: list[str] = []
    for workbook in workbooks:
        name, n = workbook.stem, 1
        while name in names:
            n += 1
            name = f"{workbook.stem}-{n}"
        names.append(name)
    return names


def _build_one(args, workbook: Path, out: Path, sections, progress):
    from .build import build_plan
    from .errors import ValidationFailed

    try:
        return build_plan(workbook, out, template=args.template, status_date=args.status_date, pdf=args.pdf,
                          jobs=args.jobs or None, sections=sections, notebooks=args.notebooks, since=args.since,
                          progress=progress.event, force=args.force, keep_links=args.keep_links)
    except ValidationFailed as exc:
        progress.stop()
        raise _plan_errors(exc, workbook, "nothing was built") from exc


def _plan_errors(exc, workbook: Path, consequence: str) -> ImplanError:
    """Print every error of a plan that failed validation, and the one-line summary to raise."""
    errors = [f for f in exc.findings if f.is_error]
    for f in errors:
        print(str(f), file=sys.stderr)
    return ImplanError(f"{len(errors)} error(s) in the plan; {consequence}", Location(file=workbook.name))


def _report(result) -> None:
    warnings = [f for f in result.findings if not f.is_error]
    for f in result.template_findings:
        print(str(f))
    print(f"wrote {result.docx}")
    print(f"wrote {result.workbook}")
    if result.pdf:
        print(f"wrote {result.pdf}")
    if result.note:
        print(result.note)
    if warnings:
        print(f"{len(warnings)} open question(s) listed in the appendix (run implan check to see them)")
    print(f"built in {result.seconds:.1f} s")


# -- review round trip: handoff, collect, diff ----------------------------------------------------------


def cmd_handoff(args) -> int:
    from .handoff import make_handoff, parse_reviewer
    from .progress import BuildProgress

    from .errors import ValidationFailed

    reviewers = [parse_reviewer(text) for text in args.reviewer]
    with BuildProgress(args.workbook.name) as progress:
        try:
            result = make_handoff(args.workbook, args.output, reviewers=reviewers, due=args.due,
                                  template=args.template, status_date=args.status_date, pdf=not args.no_pdf,
                                  progress=progress.event, force=args.force, keep_links=args.keep_links)
        except ValidationFailed as exc:
            progress.stop()
            raise _plan_errors(exc, args.workbook, "no review package was made") from exc
    print(("reused " if result.reused else "built ") + str(result.build.docx))
    print(f"wrote {result.package} ({len(result.manifest['files'])} files)")
    return 0


def cmd_collect(args) -> int:
    from .xlsx.review_rows import collect_into

    if not args.in_place and args.output is None:
        raise UsageError("give -o UPDATED.xlsx, or --in-place to update the workbook itself")
    if args.in_place and args.output is not None:
        raise UsageError("give either -o or --in-place, not both")
    if args.output is not None:
        _refuse_overwriting_input(args.workbook, args.output)
    result = collect_into(args.workbook, args.reviewed, output=args.output, in_place=args.in_place,
                          force=args.force)
    for line in result.summary_lines():
        print(line)
    return 0


def cmd_diff(args) -> int:
    from .diff import diff_plans

    d = diff_plans(args.old, args.new, status_date=args.status_date)
    if args.format == "json":
        print(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_diff(d)
    return 0



def print_diff(d, console=None) -> None:
    """Print a :class:`implan_docs.diff.PlanDiff` as rich tables (plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    c = d.counts
    console.print(f"[bold]{d.old_file}[/] (version {d.old_version or '?'}) -> [bold]{d.new_file}[/] "
                  f"(version {d.new_version or '?'})")
    if d.empty:
        console.print("No changes.")
    else:
        console.print(f"{c['added']} row(s) added, {c['removed']} removed, {c['changed']} changed"
                      + (f"; forecast finish {_signed(d.finish_slip)} working day(s)" if d.finish_slip else ""))
    for s in d.sheets:
        table = Table(title=s.sheet, title_justify="left", show_lines=False)
        for col in ("", "Row", "Column", "Old", "New"):
            table.add_column(col, overflow="fold")
        for r in s.added:
            table.add_row("[green]+[/]", _key_label(r.key, r.label), "", "", "")
        for r in s.removed:
            table.add_row("[red]-[/]", _key_label(r.key, r.label), "", "", "")
        for r in s.changed:
            for i, ch in enumerate(r.changes):
                table.add_row("[yellow]~[/]" if i == 0 else "", _key_label(r.key, r.label) if i == 0 else "",
                              ch.column, _short(ch.old), _short(ch.new))
        console.print(table)
    if d.slips:
        table = Table(title="Schedule (forecast finish)", title_justify="left")
        for col in ("Kind", "Item", "Old", "New", "Working days"):
            table.add_column(col, overflow="fold")
        for s in d.slips:
            table.add_row(s.kind, _key_label(s.id, s.name), _iso(s.old), _iso(s.new), _signed(s.days))
        console.print(table)
    if d.risks:
        table = Table(title="Risk scores", title_justify="left")
        for col in ("Risk", "Old", "New"):
            table.add_column(col, overflow="fold")
        for r in d.risks:
            table.add_row(_key_label(r.id, r.risk), f"{r.old_score} {r.old_rating}", f"{r.new_score} {r.new_rating}")
        console.print(table)
    if d.budget:
        table = Table(title=f"Budget ({d.currency})", title_justify="left")
        for col in ("Item", "Old", "New", "Change"):
            table.add_column(col, justify="right" if col != "Item" else "left")
        for b in d.budget:
            table.add_row(b.item, _money(b.old), _money(b.new),
                          _money(b.delta, signed=True) if b.delta is not None else "")
        console.print(table)
    for note in d.notes:
        console.print(f"[dim]note: {note}[/]")


def _key_label(key: str, label: str) -> str:
    return f"{key} {_short(label, 60)}" if label and label != key else key


def _short(value: str, n: int = 80) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= n else value[: n - 1] + "…"


def _signed(n: int) -> str:
    return f"{n:+d}"


def _iso(d: date | None) -> str:
    return d.isoformat() if d else "–"


def _money(v: float | None, signed: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:+,.0f}" if signed else f"{v:,.0f}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
