"""The whole build: load → validate → link → render → write, with timings.

Commands (build, check, serve) and tests call these functions; none of them prints or exits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, ContentErrors
from .link import Links, link
from .lint import lint
from .load import load
from .model import Site
from .render import Output, render_site
from .revisions import revisions
from .search import SearchIndex, index_site
from .validate import validate
from .write import publish

PROJECT = Path(__file__).resolve().parent.parent
"""The checkout holding ``templates/`` and ``static/`` (the defaults for every build)."""


@dataclass(frozen=True)
class Options:
    """What to build from and where to."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT / "templates"
    static: Path = PROJECT / "static"
    base_url: str | None = None
    """Overrides ``base_url`` from site.yaml (e.g. for a preview or a project site)."""
    strict: bool = False
    """Warnings fail like errors, before anything is written."""
    today: dt.date | None = None
    """The date warnings about stale pages are judged against (default: the clock's); never affects output."""
    search: bool = True
    """Build the Pagefind search index into the site (skipped, with a message, if Pagefind is missing)."""


@dataclass
class BuildReport:
    """What a build did: the files it wrote, warnings, and seconds spent per stage."""

    site: Site
    files: Output
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    search: SearchIndex | None = None
    """The search index step's outcome; ``None`` when not asked for (``Options.search``)."""


class OutputRefused(Exception):
    """``--out`` names a folder that must not be replaced (the project, content, or unrelated files)."""


def check(options: Options) -> tuple[Site, list[ContentError]]:
    """Load, validate and lint; raises ``ContentErrors`` with every problem (and warnings, if strict)."""
    site, warnings = validate(load(options.content))
    warnings = sorted([*warnings, *lint(site, options.today or dt.date.today())])
    if options.strict and warnings:
        raise ContentErrors(warnings)
    if options.base_url is not None:
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=options.base_url))
    return site, warnings


def render(options: Options) -> BuildReport:
    """Every output file, in memory: the whole build except writing."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    site, warnings = check(options)
    timings["load+validate"] = time.perf_counter() - start
    start = time.perf_counter()
    links: Links = link(site)
    timings["link"] = time.perf_counter() - start
    start = time.perf_counter()
    revised = revisions(options.content)
    timings["git"] = time.perf_counter() - start
    start = time.perf_counter()
    files = render_site(site, links, options.templates, revised)
    timings["render"] = time.perf_counter() - start
    return BuildReport(site, files, warnings, timings)


def guard_output(options: Options) -> None:
    """Refuse to replace a folder that is not a previous build (``--out .`` must not wipe a project)."""
    out = options.out.absolute()
    for precious in (options.content, options.templates, options.static, PROJECT):
        precious = precious.absolute()
        if out == precious or out in precious.parents:
            raise OutputRefused(f"refusing to build into {options.out}: it holds {precious}")
    if options.content.absolute() in out.parents:
        raise OutputRefused(f"refusing to build into {options.out}: it is inside the content folder")
    if out.is_symlink():  # the atomic swap would replace the link, not the folder it points to
        raise OutputRefused(f"refusing to build into {options.out}: it is a symbolic link; give the real folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").is_file())):
        raise OutputRefused(
            f"refusing to replace {options.out}: it is not empty and not a previous build (no index.html)"
        )


def build(options: Options) -> BuildReport:
    """Build the site into ``options.out``, replacing it only if everything succeeded."""
    guard_output(options)
    report = render(options)
    start = time.perf_counter()

    def index_search(staging: Path) -> None:
        search_start = time.perf_counter()
        report.search = index_site(staging)
        report.timings["search"] = time.perf_counter() - search_start

    publish(options.out, report.files, options.static, after_write=index_search if options.search else None)
    report.timings["write"] = time.perf_counter() - start - report.timings.get("search", 0.0)
    return report


__all__ = ["BuildReport", "ContentErrors", "Options", "OutputRefused", "build", "check", "render"]
