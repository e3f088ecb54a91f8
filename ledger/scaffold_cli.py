"""``build.py new controversy|position|source|proponent``: the arguments, and what is printed afterwards."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from .schema import PROPONENT_KINDS, SOURCE_KINDS


def add_kinds(new: argparse.ArgumentParser) -> None:
    """Give the CLI's ``new`` command its kinds: ``new controversy|position|source|proponent``."""
    kinds = new.add_subparsers(dest="what", metavar="{controversy,position,source,proponent}", required=True)

    def sub(name: str, help: str) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=help)
        parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
        return parser

    c = sub("controversy", "create content/controversies/<slug>.md")
    c.add_argument("title", help="the contested question, e.g. 'Are Scaling Laws Hitting a Wall?'")
    c.add_argument("--thread", required=True, help="slug of the thread it belongs to (a file in content/threads/)")
    c.add_argument("--slug", help="file name without .md (default: derived from the title)")
    c.add_argument("--today", type=dt.date.fromisoformat, help="date written as 'updated' (default: today)")
    p = sub("position", "add the next lettered position to a controversy")
    p.add_argument("controversy", help="the controversy's slug (or its file)")
    s = sub("source", "add an entry to content/sources.yaml")
    s.add_argument("title", help="the exact published title")
    s.add_argument(
        "--id", dest="source_id", metavar="ID", help="the id to cite it by (default: derived from the title)"
    )
    s.add_argument("--kind", choices=SOURCE_KINDS)
    s.add_argument("--url", help="where to read it (http or https)")
    s.add_argument("--author", action="append", dest="authors", metavar="NAME", help="an author (repeat for each)")
    s.add_argument("--venue", help="journal, conference, publisher or site")
    s.add_argument("--date", help="publication date: YYYY-MM-DD, YYYY-MM or YYYY")
    r = sub("proponent", "add an entry to content/proponents.yaml")
    r.add_argument("name", help="display name, e.g. 'NVIDIA'")
    r.add_argument("--slug", help="the slug positions use (default: derived from the name)")
    r.add_argument("--kind", choices=PROPONENT_KINDS)
    r.add_argument("--url", help="official page (http or https)")
    r.add_argument("--description", help="one neutral line")


def _date_value(text: str | None) -> Any:
    """A date option as YAML writes it unquoted: a date for YYYY-MM-DD, an int for YYYY, else the text."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else int(text) if len(text) == 4 else text
    except ValueError:
        return text


def run(args: argparse.Namespace) -> int:
    """Run a ``new`` command: print where the entry was written and what to do next; 1 when refused."""
    from .scaffold import NEXT_STEPS, ScaffoldError, new_controversy, new_position, new_proponent, new_source

    try:
        if args.what == "controversy":
            added = new_controversy(args.content, args.thread, args.title, args.slug, args.today or dt.date.today())
            print(f"{added.path}: created controversy '{added.id}' with positions A and B; {NEXT_STEPS}")
        elif args.what == "position":
            added = new_position(args.content, args.controversy)
            updated = f" on line {added.updated_line}" if added.updated_line else ""
            print(
                f"{added.path}:{added.line}: added position {added.id}; {NEXT_STEPS}\n"
                f"Also set 'updated:'{updated} to today's date, {dt.date.today().isoformat()}."
            )
        elif args.what == "source":
            added = new_source(
                args.content,
                args.title,
                args.source_id,
                kind=args.kind,
                url=args.url,
                authors=args.authors,
                venue=args.venue,
                date=_date_value(args.date),
            )
            print(
                f"{added.path}:{added.line}: added source '{added.id}' (cite it as [@{added.id}]); {added.next_steps}"
            )
        else:
            added = new_proponent(
                args.content, args.name, args.slug, kind=args.kind, url=args.url, description=args.description
            )
            print(f"{added.path}:{added.line}: added proponent '{added.id}'; {added.next_steps}")
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
