"""The whole build: load → validate → link → render → write, with timings; and what it keeps for the next.

Commands (build, check, serve) and tests call ``build``; it neither prints nor exits. A build ends in
one of three ways, decided here and nowhere else: nothing changed (return at once), a few files
changed in a folder a ``serve`` session published (patch them in place), or anything else (stage a
whole site and swap it in, hard-linking unchanged files from the previous one). With a cache folder,
it keeps what the next one can reuse (``reuse/cache.py``, ``reuse/incremental.py``); with a ``BuildSession``
(``serve``), what the next build in this process can reuse, in memory.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .digests import digest, tree_fingerprint
from .errors import ContentErrors
from .options import PROJECT, BuildReport, Options, OutputRefused, TemplateError
from .reuse import incremental, outputs
from .reuse.cache import Cache, prepare
from .reuse.incremental import ContentFiles, Snapshot
from .reuse.parallel import Progress, cpu_count
from .reuse.session import BuildSession, Reuse
from .reuse.write import MOST_FILES, Emitted, emit, patch, publish
from .revisions import Revision, revisions

if TYPE_CHECKING:
    from .plan import Plan


def tune_garbage_collector() -> None:
    """Collect cycles after 100,000 new objects rather than 700: a build keeps millions of objects alive
    (the whole record, parsed), and with the default thresholds CPython rescans them all every few
    thousand allocations. For the commands, once per process.

    A one-off build goes further (``build``): the collector is paused while it plans, since what planning
    makes (the record, linked, and the jobs) lives until the build ends, and collections there found next to
    nothing (39 objects in a pull request's build on the 1,000 corpus, for 0.15 s of CPU); then what
    planning made is frozen (``gc.freeze``), so the collections while the files are made, here and in
    the forked workers, do not scan it again (nor write into its memory, which the workers share
    copy-on-write). It is unfrozen when the build returns: a process running many builds (the tests)
    still collects their cycles.
    """
    gc.set_threshold(100_000, 50, 1000)


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


def at_once(callback: Callable[[], None]) -> None:
    """Run ``callback`` now (where a caller could schedule it for later)."""
    callback()


@dataclass
class Inputs:
    """What a build found before reading any content: the previous build's snapshot and what changed since."""

    out: Path
    cache: Cache
    snapshot_key: str
    previous: Snapshot | None
    revised: dict[str, Revision]
    inputs: str
    """Digest of every input byte (``incremental.inputs_digest``); "" without a cache folder."""
    files: ContentFiles | None
    day: str
    notes: list[str]
    """About the cache folder (``cache.prepare``)."""

    def unchanged(self) -> bool:
        """Whether the previous build read these very inputs and its site is still as it published it."""
        previous = self.previous
        return (
            previous is not None
            and (previous.inputs, previous.day) == (self.inputs, self.day)
            and incremental.listing(self.out) == previous.listing
        )


def _inputs(options: Options, session: BuildSession | None) -> Inputs:
    notes = [note] if options.cache is not None and (note := prepare(options.cache)) else []
    cache = Cache(options.cache, session.kept if session else None)
    out = options.out.absolute()
    snapshot_key = digest("snapshot", str(out))
    previous: Snapshot | None = cache.get("snapshot", snapshot_key) if options.cache else None
    revised = revisions(options.content, session.git_logs if session else None)
    inputs, files = "", None
    if options.cache is not None:
        settings = repr((str(options.content), options.base_url, options.search))
        files = incremental.content_files(options.content)
        inputs = incremental.inputs_digest(
            options.content,
            options.templates,
            options.static,
            settings,
            revised,
            files,
            session.stat if session else None,
            Reuse(cache, session),
        )
    return Inputs(out, cache, snapshot_key, previous, revised, inputs, files, incremental.today(options.today), notes)


def build(
    options: Options,
    session: BuildSession | None = None,
    after_reload: Callable[[Callable[[], None]], object] | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site into ``options.out``, replacing it only if everything succeeded.

    With ``options.cache``, a rebuild reuses the previous build's unchanged files, and returns at
    once when no input changed at all (the site on disk is already the one it would make). With a
    ``session`` too (``serve``), a small edit's files replace their old versions one by one: the pages
    at once, the other files through ``after_reload`` (``serve``: once livereload has told the browser
    to reload; default: at once). Until written they are not in the snapshot's listing, so a build
    that comes first (or a new process, if ``serve`` stopped) makes them again. ``progress`` is told how
    many files a staged build has made of how many, now and then (``cli``: on a terminal).
    """
    guard_output(options)
    start = time.perf_counter()
    if session is not None:
        session.new_build()
        session.unwritten.pop(options.out.absolute(), None)  # unlisted: this build makes them again
    found = _inputs(options, session)
    if found.unchanged():
        assert found.previous is not None
        return _unchanged(options, found, found.previous, session, start)
    from .plan import plan  # here, once there is something to build: a build with nothing to do loads no stage

    # finding the inputs (cache, snapshot, git log, digests) and importing the stages (outside a checkout: mostly that)
    timings = {"inputs": time.perf_counter() - start}
    paused = session is None and gc.isenabled()  # (``serve`` defers the collector itself)
    if paused:
        gc.disable()
    try:
        made = plan(options, found.revised, Reuse(found.cache, session), timings, found.previous, found.files)
        if paused:
            gc.freeze()
            gc.enable()
        key = incremental.render_key(options.templates, made.site)
        static = tree_fingerprint(options.static)
        if session is not None and (report := _patched(found, made, key, static, timings, session, after_reload)):
            return report
        return _staged(options, found, made, key, static, timings, session, progress)
    finally:
        if paused:
            gc.unfreeze()
            gc.enable()


def _unchanged(
    options: Options, found: Inputs, previous: Snapshot, session: BuildSession | None, start: float
) -> BuildReport:
    """Nothing to do: the site on disk is the one this build would make."""
    if options.strict and previous.warnings:
        raise ContentErrors(previous.warnings)
    if session is not None and found.out.stat().st_ino == previous.folder:  # the session may patch it from now on
        session.published[found.out] = previous.folder
        # and reads, checks and links the record now, so that the first save finds it all in memory
        from .plan import plan

        made = plan(options, found.revised, Reuse(found.cache, session), {}, previous, found.files)
        deps = {file: job.deps for file, job in made.jobs.items()}
        if deps == previous.deps:  # as it must be; the jobs' own tuples, which the next build's reuse
            previous.deps = deps
        _shown(session, found.out).follow(previous.deps)
    return BuildReport(previous.files, previous.warnings, {"unchanged": time.perf_counter() - start}, previous.search)


def _shown(session: BuildSession, out: Path) -> incremental.ShownIndex:
    return session.shown.setdefault(str(out), incremental.ShownIndex())


def _snapshot(
    found: Inputs, made: Plan, key: str, listing: incremental.Listing, report: BuildReport, folder: int, static: str
) -> Snapshot:
    """What the next build of this output folder needs to know of this one."""
    deps = {file: job.deps for file, job in made.jobs.items()}
    snapshot = Snapshot(found.inputs, found.day, key, made.versions, deps, listing, made.warnings, report.search)
    snapshot.files, snapshot.folder, snapshot.static = report.files, folder, static
    return snapshot


def _patched(
    found: Inputs,
    made: Plan,
    key: str,
    static: str,
    timings: dict[str, float],
    session: BuildSession,
    after_reload: Callable[[Callable[[], None]], object] | None,
) -> BuildReport | None:
    """The few files an edit touched, written in place into the folder this session published; ``None`` when
    that folder is not as published or most files changed (then a staged build is as quick)."""
    start = time.perf_counter()
    out, previous = found.out, found.previous
    if not session.published.get(out) or not incremental.patchable(previous, key, static, out):
        return None
    assert previous is not None
    stale = incremental.to_remake(made.jobs, previous, made.versions, _shown(session, out))
    if len(stale) > MOST_FILES:
        return None
    removed = previous.listing.keys() & (previous.deps.keys() - made.jobs.keys())
    done = patch(out, made.jobs, stale, removed)
    timings["render+write"] = time.perf_counter() - start
    report = BuildReport(sorted(made.jobs), made.warnings, timings, notes=found.notes)
    report.rendered, report.search, report.patched = len(stale), previous.search, True
    # the files left to write are not listed until written: a snapshot saved before they are
    # (serve stopped at that moment) makes the next build remake them
    unlisted = removed | done.rest.keys()
    listing = {f: entry for f, entry in previous.listing.items() if f not in unlisted} | done.written
    snapshot = _snapshot(found, made, key, listing, report, previous.folder, static)
    found.cache.put_at_exit("snapshot", found.snapshot_key, snapshot)
    found.cache.forget_unused()

    def write_rest() -> None:
        snapshot.listing |= done.write_rest()

    def write_unwritten() -> None:
        """Write what the latest patch of ``out`` left for later, unless done already (a callback scheduled by
        an earlier patch then writes the latest one's files, never older ones)."""
        if (finish := session.unwritten.pop(out, None)) is not None:
            finish()

    session.unwritten[out] = write_rest
    (after_reload or at_once)(write_unwritten)
    return report


def _staged(
    options: Options,
    found: Inputs,
    made: Plan,
    key: str,
    static: str,
    timings: dict[str, float],
    session: BuildSession | None,
    progress: Progress | None = None,
) -> BuildReport:
    """A whole new site, staged beside the old one (in its spare, reusing its unchanged files) and swapped in.

    With a cache, files neither the old site nor an edit changed are linked from the cache's store when the
    old site is not there (a fresh checkout's empty output folder), and the files rendered are kept there.
    """
    out, previous = found.out, found.previous
    report = BuildReport(sorted(made.jobs), made.warnings, timings, notes=found.notes)
    start = time.perf_counter()
    store = outputs.Store(found.cache, digest(key, static)) if options.cache is not None else None
    keys: dict[str, str] = {}
    emitted = Emitted()

    def fill(staging: Path) -> None:
        nonlocal emitted
        reuse = incremental.reusable(made.jobs, previous, key, made.versions, out)
        kept, keep_as = {}, {}
        if store is not None:
            deps = {file: job.deps for file, job in made.jobs.items()}
            keys.update(outputs.input_keys(store.configuration, deps, made.versions, _earlier(previous)))
            kept = store.kept(keys, reuse)
            keep_as = {file: store.path(k) for file, k in keys.items() if file not in reuse}
        workers = options.jobs or cpu_count()
        emitted = emit(staging, made.jobs, options.static, workers, out, reuse, kept, keep_as, progress)
        report.rendered = emitted.rendered
        report.notes += [f"{file}: {REFUSED}" for file in emitted.refused]
        timings["render+write"] = time.perf_counter() - start

    def index_search(staging: Path) -> None:
        from .reuse.search import index_site  # here: a build without the search index does not load it

        search_start = time.perf_counter()
        report.search = index_site(staging, options.cache)
        timings["search"] = time.perf_counter() - search_start

    spare = options.cache / "spare" / found.snapshot_key if options.cache is not None else None
    publish(out, after_write=index_search if options.search else None, fill=fill, spare=spare)
    timings["swap"] = time.perf_counter() - start - timings["render+write"] - timings.get("search", 0.0)
    if options.cache is not None:
        assert store is not None
        store.save(keys, emitted.made)
        snapshot = _snapshot(found, made, key, incremental.listing(out), report, out.stat().st_ino, static)
        snapshot.keys = keys
        found.cache.put("snapshot", found.snapshot_key, snapshot)
        found.cache.prune()
        if session is not None:
            session.published[out] = snapshot.folder
            found.cache.forget_unused()
            _shown(session, out).follow(snapshot.deps)
    return report


def _earlier(previous: Snapshot | None) -> outputs.Earlier | None:
    """The input keys the previous build recorded: ``input_keys`` keeps those of the files an edit did not touch."""
    if previous is None:
        return None
    return outputs.Earlier(digest(previous.key, previous.static), previous.keys, previous.deps, previous.versions)


REFUSED = "its copy in the build cache no longer had the bytes recorded for it; ignored, and rendered again"


__all__ = ["BuildReport", "ContentErrors", "Options", "OutputRefused", "TemplateError", "build"]
