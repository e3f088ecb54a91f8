"""``build.py diff [BASE]`` and ``check --since BASE``: the record a pull request starts from, and what it changed.

The base record is read from git, with no network: ``git archive`` of the revision's content
folder, unpacked into a temporary folder and loaded and validated like any other. Problems in it
are reported as ``BASE:content/x.md:3: message`` so they are not mistaken for the branch's.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from .errors import ContentError, ContentErrors
from .model import Site
from .pipeline import Options


class BaseUnavailable(Exception):
    """The base revision or folder cannot be read (not a git checkout, unknown revision, no content there)."""


def _git(cwd: Path, *args: str) -> str | None:
    """``git args`` run in ``cwd``: its output, or ``None`` if it failed."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def default_base(content: Path) -> str:
    """``origin/main`` if the checkout has it, else where the branch left ``main``, else ``HEAD``."""
    folder = content if content.is_dir() else Path.cwd()
    if _git(folder, "rev-parse", "--verify", "--quiet", "origin/main^{commit}") is not None:
        return "origin/main"
    base = _git(folder, "merge-base", "HEAD", "main")
    return _git(folder, "rev-parse", "--short", base) or base if base else "HEAD"


def export(revision: str, content: Path, into: Path) -> Path:
    """The content folder as it was at ``revision``, unpacked under ``into``; returns its path there."""
    folder = content.resolve()
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        raise BaseUnavailable(f"{content} is not inside a git checkout: give --against DIR instead of a revision")
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        raise BaseUnavailable(f"unknown revision '{revision}' (fetch it, or give a branch, tag or commit)")
    prefix = folder.relative_to(Path(top).resolve()).as_posix()
    result = subprocess.run(
        ["git", "archive", "--format=tar", revision, "--", prefix], cwd=top, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise BaseUnavailable(f"{revision} has no {prefix}/ folder: {result.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into / prefix


def record(content: Path, shown: str) -> Site:
    """The validated record in ``content``; its problems are raised with ``content`` shown as ``shown``."""
    from .load import load
    from .validate import validate

    try:
        return validate(load(content))[0]
    except ContentErrors as exc:
        prefix = str(content)
        raise ContentErrors(
            dataclasses.replace(e, path=shown + e.path[len(prefix) :] if e.path.startswith(prefix) else e.path)
            for e in exc.errors
            if e.severity == "error"
        ) from None


def base_record(content: Path, base: str | None, against: Path | None) -> tuple[Site, str]:
    """The record to compare with, and how to name it: the folder ``against``, or ``content`` at revision ``base``."""
    if against is not None:
        if not against.is_dir():
            raise BaseUnavailable(f"{against}: no such folder")
        return record(against, str(against)), str(against)
    revision = base or default_base(content)
    with tempfile.TemporaryDirectory(prefix="ledger-base-") as tmp:
        folder = export(revision, content, Path(tmp))
        return record(folder, f"{revision}:{content.as_posix().rstrip('/')}"), revision


def check(options: Options, only_files: list[str] | None, since: str | None) -> tuple[Site, list[ContentError]]:
    """``plan.check``, with ``--only-files`` (warnings elsewhere are neither shown nor, with ``--strict``,
    fatal: a pull request answers for the files it touched) and ``--since`` (each change of confidence or
    status, and each new position, since that revision needs its new history entry)."""
    from .diff import unrecorded_moves
    from .plan import check  # here: `build` with nothing to do never loads the stages

    if only_files is None and since is None:
        return check(options)
    only = {os.path.normpath(f) for f in only_files} if only_files is not None else None

    def shown(problems: list[ContentError]) -> list[ContentError]:
        return [p for p in problems if only is None or p.severity == "error" or os.path.normpath(p.path) in only]

    try:
        site, warnings = check(dataclasses.replace(options, strict=False))
    except ContentErrors as exc:
        raise ContentErrors(shown(exc.errors)) from None
    warnings = shown(warnings)
    errors = unrecorded_moves(base_record(options.content, since, None)[0], site, since) if since else []
    if errors or (options.strict and warnings):
        raise ContentErrors([*errors, *warnings])
    return site, warnings


def add_command(commands: Any) -> None:
    sub = commands.add_parser("diff", help="what changed in the record since a git revision (for reviewers)")
    sub.add_argument("base", nargs="?", help="git revision to compare with (default: origin/main, or the merge base)")
    sub.add_argument("--against", type=Path, help="compare with this content folder instead of a revision")
    sub.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub.add_argument("--format", choices=("text", "markdown"), default="text", help="plain text, or Markdown")


def run_diff(args: argparse.Namespace) -> int:
    """Print the changes; 1 (with ``path:line: message`` lines) if a record has errors; 2 if the base is unreadable."""
    from .diff import changes
    from .diff_text import markdown, text

    try:
        old, label = base_record(args.content, args.base, args.against)
        new = record(args.content, str(args.content))
    except ContentErrors as exc:
        for problem in exc.errors:
            print(problem, file=sys.stderr)
        print(f"{len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''}; no diff.", file=sys.stderr)
        return 1
    except BaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    render = markdown if args.format == "markdown" else text
    sys.stdout.write(render(changes(old, new), label, f"{args.content.as_posix().rstrip('/')}/"))
    return 0
