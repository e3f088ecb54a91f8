"""``python build.py [build|check|serve]``: parse arguments, run a command, choose the exit code.

Content problems are printed one per line as ``path:line: message`` on stderr and exit 1;
misuse of the command exits 2. Nothing here is needed by tests, which call ``main(argv)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import generate, review
from .errors import ContentError, ContentErrors
from .github import annotation
from .options import default_cache, template_problem
from .pipeline import Options, OutputRefused, build, tune_garbage_collector


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build The Ledger from content/ into site/.")
    commands = parser.add_subparsers(dest="command", metavar="{build,check,serve,new,diff,docs,schema,links}")

    def common(sub: argparse.ArgumentParser, out: bool = True) -> None:
        sub.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
        if out:
            sub.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
            sub.add_argument("--base-url", help="override base_url from site.yaml")
            sub.add_argument(
                "--cache",
                type=Path,
                default=default_cache(),
                help="folder kept between builds so a rebuild redoes only what changed (default: $LEDGER_CACHE, "
                "else the project's .ledger-cache)",
            )
            sub.add_argument("--no-cache", action="store_true", help="build everything from scratch, keep nothing")
            sub.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
            sub.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument(
            "--format",
            choices=("text", "github"),
            default="text",
            help="problems as 'path:line: message' (text) or as GitHub workflow annotations (github)",
        )
        sub.add_argument(
            "--today", type=dt.date.fromisoformat, help="date to judge stale pages against, YYYY-MM-DD (default: today)"
        )

    common(commands.add_parser("build", help="build the site (the default)"))
    checking = commands.add_parser("check", help="validate content without writing anything")
    common(checking, out=False)
    checking.add_argument(
        "--since",
        metavar="BASE",
        help="also fail on confidence or status changes and new positions since git revision BASE that have no new "
        "history entry",
    )
    checking.add_argument(
        "--only-files",
        nargs="*",
        metavar="FILE",
        help="report (and, with --strict, fail on) "
        "warnings only in these files, e.g. a pull request's; errors are always reported",
    )
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on changes")
    common(serve)
    serve.add_argument("--port", type=int, default=8000)
    new = commands.add_parser("new", help="start a controversy, position, source or proponent with placeholders")
    if command == "new":  # its arguments come from the schema: other commands need not import it
        from . import scaffold_cli

        scaffold_cli.add_kinds(new)
    review.add_command(commands)
    generate.add_commands(commands)
    checking_links = commands.add_parser("links", help="check that every external URL still answers (uses the network)")
    common(checking_links, out=False)
    if command == "links":  # it loads the stages and the network modules: other commands need not import it
        from . import links

        links.add_arguments(checking_links)
    return parser


def _report(problems: Sequence[ContentError], fmt: str = "text") -> None:
    """Problems on stderr as ``path:line: message``, or as annotations on stdout, where GitHub reads them."""
    for problem in problems:
        if fmt == "github":
            print(annotation(problem))
        else:
            print(problem, file=sys.stderr)


def _options(args: argparse.Namespace) -> Options:
    return Options(
        content=args.content,
        out=getattr(args, "out", Path("site")),
        base_url=getattr(args, "base_url", None),
        strict=args.strict,
        today=args.today,
        cache=None if getattr(args, "no_cache", True) else args.cache,
        jobs=getattr(args, "jobs", 0),
        search=not getattr(args, "no_search", False),
    )


PROGRESS_AFTER = 2.0
"""Seconds a build runs before it shows how far it is (a quicker one shows nothing)."""


class Progress:
    """'1,234 of 6,567 files made', rewritten in place on a terminal once a build has run ``PROGRESS_AFTER``
    seconds, and wiped when it ends. Made only for a terminal: a CI log gets no progress lines."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.start, self.shown = stream, time.monotonic(), False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.start >= PROGRESS_AFTER:
            self.stream.write(f"\r{done:,} of {total:,} files made")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")  # the line, cleared for what is printed next
            self.stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    tune_garbage_collector()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = _parser(argv[0]).parse_args(argv)
    if args.command == "new":
        from . import scaffold_cli

        return scaffold_cli.run(args)
    if args.command in ("docs", "schema"):
        return generate.run(args)
    if args.command == "diff":
        return review.run_diff(args)
    options = _options(args)
    try:
        if args.command == "check":
            site, warnings = review.check(options, args.only_files, args.since)
            _report(warnings, args.format)
            print(
                f"{options.content}: OK — {len(site.controversies)} controversies, {len(site.sources)} sources, "
                f"{len(site.proponents)} proponents, {len(warnings)} warnings"
            )
            return 0
        if args.command == "links":
            from . import links

            checked = links.check_links(options, links.settings(args))
            _report(checked.problems, args.format)
            print(checked.summary)
            return 1 if checked.failed else 0
        if args.command == "serve":
            from .serve import serve

            return serve(options, port=args.port)
        progress = Progress(sys.stderr) if sys.stderr.isatty() else None
        try:
            report = build(options, progress=progress)
        finally:
            if progress is not None:
                progress.close()
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        _report(report.warnings, args.format)
        seconds = sum(report.timings.values())
        if "unchanged" not in report.timings:
            print(f"Built {len(report.files)} files ({report.rendered} rendered) into {options.out}/ in {seconds:.2f}s")
        else:
            print(f"Nothing changed: {options.out}/ is up to date ({len(report.files)} files, {seconds:.2f}s)")
        if report.search is not None:
            print(report.search.message, file=sys.stdout if report.search.built else sys.stderr)
        return 0
    except ContentErrors as exc:
        _report(exc.errors, args.format)
        count = sum(e.severity == "error" for e in exc.errors)
        if count:
            print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
        else:
            count = len(exc.errors)
            print(f"{count} warning{'s' if count != 1 else ''} and --strict; nothing was written.", file=sys.stderr)
        return 1
    except (OutputRefused, review.BaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a template's mistake is told as a located problem; anything else is a bug
        if (problem := template_problem(exc, options.templates)) is None:
            raise
        print(problem, file=sys.stderr)
        return 2
