"""``build.py docs`` and ``build.py schema``: files generated from ``schema.py`` and checked in.

Both write into the project (``docs/content-format.md``, ``schemas/*.schema.json``); with
``--check`` they write nothing and exit 1 if a checked-in file differs from what the schema
makes, which is how CI and the tests keep them current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .pipeline import PROJECT

DOCS_FILE = Path("docs/content-format.md")
SCHEMAS_DIR = Path("schemas")


def generated(what: str, project: Path = PROJECT) -> dict[Path, str]:
    """Each generated file (relative to the project) and the text it must hold."""
    from .docs import content_format  # imported here: building and checking never need them
    from .schema_export import exported

    if what == "docs":
        return {DOCS_FILE: content_format(project)}
    return {SCHEMAS_DIR / name: text for name, text in exported().items()}


def stale(what: str, project: Path = PROJECT) -> list[Path]:
    """Generated files that are missing or differ from what the schema makes (and schemas no longer made)."""
    files = generated(what, project)
    out = [p for p, text in files.items() if not (project / p).is_file() or (project / p).read_text("utf-8") != text]
    if what == "schema" and (project / SCHEMAS_DIR).is_dir():
        extra = (p.relative_to(project) for p in (project / SCHEMAS_DIR).glob("*.schema.json"))
        out += [p for p in extra if p not in files]
    return sorted(out)


def add_commands(commands: Any) -> None:
    for name, help in (
        ("docs", f"regenerate {DOCS_FILE} from ledger/schema.py"),
        ("schema", f"regenerate {SCHEMAS_DIR}/*.schema.json from ledger/schema.py"),
    ):
        sub = commands.add_parser(name, help=help)
        sub.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files are out of date")


def run(args: argparse.Namespace, project: Path = PROJECT) -> int:
    what = args.command
    if args.check:
        outdated = stale(what, project)
        for path in outdated:
            print(f"{path}: out of date; run: python build.py {what}", file=sys.stderr)
        return 1 if outdated else 0
    files = generated(what, project)
    if what == "schema":
        for old in (project / SCHEMAS_DIR).glob("*.schema.json"):
            if old.relative_to(project) not in files:
                old.unlink()
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 0
