"""Everything a build does before writing: load → validate → lint → link → list the jobs.

The stages transform; what they may reuse from earlier builds comes in as one ``Reuse`` (the on-disk
cache, and a ``serve`` session's memos) and one reader (``reuse/read.py``). ``pipeline`` imports this
module only once it knows there is something to build: a build with nothing to do loads no stage.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2 import TemplateSyntaxError

from .digests import tree_fingerprint
from .errors import ContentError, ContentErrors
from .link import link
from .lint import lint
from .load import RawContent, load
from .model import Site
from .options import Options, TemplateError
from .pages import jobs
from .recall import ONCE, Recall
from .render import Job, compiled
from .reuse.incremental import ContentFiles, Snapshot, versions
from .reuse.parallel import cpu_count
from .reuse.read import CachedReader
from .reuse.session import Reuse
from .revisions import Revision
from .validate import check_early, validate


def check(options: Options, raw: RawContent | None = None, recall: Recall = ONCE) -> tuple[Site, list[ContentError]]:
    """Load, validate and lint; raises ``ContentErrors`` with every problem (and warnings, if strict)."""
    site, warnings = validate(raw or load(options.content), recall)
    warnings = sorted([*warnings, *lint(site, options.today or dt.date.today(), recall)])
    if options.strict and warnings:
        raise ContentErrors(warnings)
    if options.base_url is not None:
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=options.base_url))
    return site, warnings


def _compiled(templates: Path, bytecode: Path | None) -> None:
    """Compile the templates (``render.compiled``, kept for ``pages.jobs``) while the pages are parsed elsewhere:
    otherwise a core idles while this process compiles. A template's error is reported where ``jobs`` asks for
    them, after the content's problems."""
    with contextlib.suppress(Exception):  # whatever it is, ``jobs`` raises it again (nothing failed is kept)
        compiled(templates, tree_fingerprint(templates), bytecode)


@dataclass
class Plan:
    """Everything read and resolved, and the job making each output file (nothing rendered yet)."""

    versions: dict[str, str]
    """A digest per record (``incremental.versions``): the parsed files themselves are not kept. Empty for a build
    with neither a cache nor a session: no later build compares them."""
    site: Site
    warnings: list[ContentError]
    jobs: dict[str, Job]
    revisions: dict[str, Revision]


def plan(
    options: Options,
    revised: dict[str, Revision],
    reuse: Reuse,
    timings: dict[str, float],
    previous: Snapshot | None = None,
    files: ContentFiles | None = None,
) -> Plan:
    """Load (from the cache where it can), validate, link, and list the jobs (``previous``: the last build's
    snapshot; ``files``: its listing of the content folder, if the build made one)."""
    session = reuse.session
    start = time.perf_counter()
    reader = CachedReader(reuse.cache, session.stat if session else None, options.jobs or cpu_count())
    bytecode = options.cache / "jinja" if options.cache is not None else None
    raw = load(options.content, reader, files, partial(_compiled, options.templates, bytecode), check_early)
    site, warnings = check(options, raw, reuse)
    timings["load+validate"] = time.perf_counter() - start
    start = time.perf_counter()
    # what the next build compares (the cache's snapshot, a session's patches): without either, nothing reads them
    keeps = options.cache is not None or session is not None
    found = versions(raw, site, revised, previous and previous.versions, reuse) if keeps else {}
    del raw  # its YAML trees are all but garbage now: their memory goes to linking, not on top of it
    links = link(site, reuse, session.links if session else None)
    if session is not None:
        session.links = (site, links)
    try:
        planned = jobs(site, links, options.templates, revised, bytecode, reuse)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    timings["link"] = time.perf_counter() - start
    return Plan(found, site, warnings, planned, revised)
