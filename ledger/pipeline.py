"""The whole build: load → validate → link → render → write, with timings.

Commands (build, check, serve) and tests call these functions; none of them prints or exits.
With a cache folder, a build keeps what the next one can reuse (``cache.py``, ``incremental.py``):
parsed files, and a snapshot of what it published, so a rebuild renders only what changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, digest, tree_fingerprint
from .errors import ContentError, ContentErrors
from .parallel import cpu_count
from .revisions import Revision, revisions

if TYPE_CHECKING:  # stages are imported where they run: `check` never loads the renderer, a no-change build no parser
    from .incremental import ContentFiles, Snapshot
    from .load import RawContent
    from .model import Site
    from .render import Job, Output
    from .search import SearchIndex

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
    cache: Path | None = None
    """Folder for what builds keep between runs (``.ledger-cache``); ``None``: every build starts from scratch."""
    jobs: int = 0
    """Worker processes for parsing and rendering; 0: one per core."""
    memory: bool = False
    """Keep parsed files in memory for the next build in this process, and let that build write the few
    files an edit touched straight into the site it published (``serve``; ``patch.py``)."""


@dataclass
class BuildReport:
    """What a build did: the files it published, warnings, and seconds spent per stage."""

    files: list[str]
    """Every file published, static assets and search index excepted."""
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    search: SearchIndex | None = None
    """The search index step's outcome; ``None`` when not asked for (``Options.search``)."""
    rendered: int = 0
    """Files this build made; the others were reused from the previous build (0: nothing had changed)."""
    patched: bool = False
    """The files were written into the published folder in place (``serve``): its search index is the old one."""


def tune_garbage_collector() -> None:
    """Collect cycles after 100,000 new objects rather than 700: a build keeps millions of objects alive
    (the whole record, parsed), and with the default thresholds CPython rescans them all every few
    thousand allocations. Halves a ``serve`` rebuild's linking; costs ~10 MB. For the commands, once per process.
    """
    gc.set_threshold(100_000, 50, 1000)


class OutputRefused(Exception):
    """``--out`` names a folder that must not be replaced (the project, content, or unrelated files)."""


class TemplateError(Exception):
    """A template that cannot be compiled: ``path:line: template error: message``."""


def check(
    options: Options, raw: RawContent | None = None, cache: Cache | None = None
) -> tuple[Site, list[ContentError]]:
    """Load, validate and lint; raises ``ContentErrors`` with every problem (and warnings, if strict)."""
    from .lint import lint
    from .load import load
    from .validate import validate

    site, warnings = validate(raw or load(options.content), cache)
    warnings = sorted([*warnings, *lint(site, options.today or dt.date.today())])
    if options.strict and warnings:
        raise ContentErrors(warnings)
    if options.base_url is not None:
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=options.base_url))
    return site, warnings


@dataclass
class Plan:
    """Everything read and resolved, and the job making each output file (nothing rendered yet)."""

    versions: dict[str, str]
    """A digest per record (``incremental.versions``): the parsed files themselves are not kept."""
    site: Site
    warnings: list[ContentError]
    jobs: dict[str, Job]
    revisions: dict[str, Revision]


def plan(
    options: Options,
    revised: dict[str, Revision],
    cache: Cache,
    timings: dict[str, float],
    previous: Snapshot | None = None,
    files: ContentFiles | None = None,
) -> Plan:
    """Load (from the cache where it can), validate, link, and list the jobs (``previous``: the last build's;
    ``files``: its listing of the content folder, if the build made one)."""
    from .load import load

    start = time.perf_counter()
    raw = load(options.content, cache, options.jobs or cpu_count(), files)
    site, warnings = check(options, raw, cache)
    timings["load+validate"] = time.perf_counter() - start
    start = time.perf_counter()
    from .incremental import versions

    found = versions(raw, site, revised, previous and previous.versions)
    del raw  # its YAML trees are all but garbage now: their memory goes to linking, not on top of it
    from jinja2 import TemplateSyntaxError

    from .link import link
    from .render import jobs

    try:
        bytecode = options.cache / "jinja" if options.cache is not None else None
        planned = jobs(site, link(site), options.templates, revised, bytecode, options.memory)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    timings["link"] = time.perf_counter() - start
    return Plan(found, site, warnings, planned, revised)


def render(options: Options) -> Output:
    """Every output file, in memory, made in this process: the whole build except writing."""
    made = plan(options, revisions(options.content), Cache(None), {})
    from .render import file_bytes

    return {file: file_bytes(job.make()) for file, job in made.jobs.items()}


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


_published: dict[Path, int] = {}
"""Output folders this process published (with their inode): only those may be patched in place, since
another process may have left a folder and snapshot that disagree (killed between writing the two)."""


_unwritten: dict[Path, Callable[[], None]] = {}
"""What the last patch of each output folder left to write after the browser's reload (``patch.Patch``)."""


def _write_unwritten(out: Path) -> None:
    """Write what the latest patch of ``out`` left for later, unless done already (a callback scheduled by an
    earlier patch then writes the latest one's files, never older ones)."""
    if (finish := _unwritten.pop(out, None)) is not None:
        finish()


def at_once(callback: Callable[[], None]) -> None:
    """Run ``callback`` now (where a caller could schedule it for later)."""
    callback()


def build(options: Options, after_reload: Callable[[Callable[[], None]], object] | None = None) -> BuildReport:
    """Build the site into ``options.out``, replacing it only if everything succeeded.

    With ``options.cache``, a rebuild reuses the previous build's unchanged files, and returns at
    once when no input changed at all (the site on disk is already the one it would make). With
    ``options.memory`` too (``serve``), a small edit's files replace their old versions one by one:
    the pages at once, the other files through ``after_reload`` (``serve``: once livereload has told
    the browser to reload; default: at once). Until written they are not in the snapshot's listing,
    so a build that comes first (or a new process, if ``serve`` stopped) makes them again.
    """
    from . import incremental

    guard_output(options)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    cache = Cache(options.cache, memory=options.memory)
    out = options.out.absolute()
    _unwritten.pop(out, None)  # an earlier patch's files, not yet written: unlisted, this build makes them again
    snapshot_key = digest("snapshot", str(out))
    previous: Snapshot | None = cache.get("snapshot", snapshot_key) if options.cache else None
    revised = revisions(options.content)
    inputs, files = "", None
    if options.cache is not None:
        settings = repr((str(options.content), options.base_url, options.search))
        files = incremental.content_files(options.content)
        inputs = incremental.inputs_digest(
            options.content, options.templates, options.static, settings, revised, options.memory, files
        )
    day = incremental.today(options.today)
    if previous and (previous.inputs, previous.day) == (inputs, day) and incremental.listing(out) == previous.listing:
        if options.strict and previous.warnings:
            raise ContentErrors(previous.warnings)
        if options.memory and out.stat().st_ino == previous.folder:  # serve may patch it from now on
            _published[out] = previous.folder
            # and reads, checks and links the record now, so that the first save finds it all in memory
            # (otherwise the first rebuild after starting on an up-to-date site does it: 5 s at 10,000)
            made = plan(options, revised, cache, {}, previous, files)
            deps = {file: job.deps for file, job in made.jobs.items()}
            if deps == previous.deps:  # as it must be; the jobs' own tuples, which the next build's reuse
                previous.deps = deps
            incremental.shown_index(out).follow(previous.deps)
        timings["unchanged"] = time.perf_counter() - start
        return BuildReport(previous.files, previous.warnings, timings, previous.search)
    timings["git"] = time.perf_counter() - start
    from .emit import emit  # here: a build with nothing to do needs none of these
    from .patch import MOST_FILES, patch
    from .search import index_site
    from .write import publish

    made = plan(options, revised, cache, timings, previous, files)
    key = incremental.render_key(options.templates, made.site)
    versions = made.versions
    report = BuildReport(sorted(made.jobs), made.warnings, timings)
    start = time.perf_counter()
    static = tree_fingerprint(options.static)
    if options.memory and _published.get(out) and incremental.patchable(previous, key, static, out):
        assert previous is not None
        stale = incremental.to_remake(made.jobs, previous, versions, out)
        if len(stale) <= MOST_FILES:  # serve, after a small edit: write just those files, in place
            removed = previous.listing.keys() & (previous.deps.keys() - made.jobs.keys())
            done = patch(out, made.jobs, stale, removed)
            timings["render+write"] = time.perf_counter() - start
            # the files left to write are not listed until written: a snapshot saved before they are
            # (serve stopped at that moment) makes the next build remake them
            unlisted = removed | done.rest.keys()
            listing = {f: entry for f, entry in previous.listing.items() if f not in unlisted} | done.written
            report.rendered, report.search, report.patched = len(stale), previous.search, True
            deps = {file: job.deps for file, job in made.jobs.items()}
            snapshot = incremental.Snapshot(inputs, day, key, versions, deps, listing, made.warnings, previous.search)
            snapshot.files, snapshot.folder, snapshot.static = report.files, previous.folder, static
            cache.put_at_exit("snapshot", snapshot_key, snapshot)
            cache.forget_unused()

            def write_rest() -> None:
                snapshot.listing |= done.write_rest()

            _unwritten[out] = write_rest
            (after_reload or at_once)(partial(_write_unwritten, out))
            return report

    def fill(staging: Path) -> None:
        reuse = incremental.reusable(made.jobs, previous, key, versions, out)
        workers = options.jobs or cpu_count()
        report.rendered = emit(staging, made.jobs, options.static, workers, out, reuse)
        timings["render+write"] = time.perf_counter() - start

    def index_search(staging: Path) -> None:
        search_start = time.perf_counter()
        report.search = index_site(staging)
        timings["search"] = time.perf_counter() - search_start

    spare = options.cache / "spare" / snapshot_key if options.cache is not None else None
    publish(out, {}, None, after_write=index_search if options.search else None, fill=fill, spare=spare)
    timings["swap"] = time.perf_counter() - start - timings["render+write"] - timings.get("search", 0.0)
    if options.cache is not None:
        deps = {file: job.deps for file, job in made.jobs.items()}
        published = incremental.listing(out)
        snapshot = incremental.Snapshot(inputs, day, key, versions, deps, published, made.warnings, report.search)
        snapshot.files, snapshot.folder, snapshot.static = report.files, out.stat().st_ino, static
        _published[out] = snapshot.folder
        cache.put("snapshot", snapshot_key, snapshot)
        cache.prune()
        if options.memory:
            cache.forget_unused()
            incremental.shown_index(out).follow(deps)
    return report


__all__ = ["BuildReport", "ContentErrors", "Options", "OutputRefused", "build", "check", "render"]
