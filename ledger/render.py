"""Stage 4: turn the linked site into output files: ``{path: Job}``, each job making one file; pure, no I/O.

Links inside pages are relative (``../../threads/x/``) so the site works at any base path and
from any static server; only canonical URLs, feeds and the sitemap use the absolute ``base_url``.
The 404 page is the exception: it is served at arbitrary paths, so its links are absolute.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.exceptions import UndefinedError
from jinja2.runtime import Context

from . import csp, export, feeds, github, history, projections, shows, timeline
from .cache import tree_fingerprint
from .charts import step_chart
from .deps import Dep
from .fragments import Fragments
from .link import Links, PageRefs
from .markdown import render_body
from .matrix import thread_matrix
from .model import Controversy, Event, PartialDate, Proponent, Site, SiteConfig, Source, Thread
from .projections import Row
from .recall import ONCE, Recall
from .revisions import Revision, history_url
from .schema import CONFIDENCE, STATUS

Made = str | bytes | Iterator[bytes]
"""What a job makes: text, bytes, or bytes in pieces to be written as they come (the largest files)."""


def file_bytes(made: Made) -> bytes:
    """The whole file ``made`` stands for, as bytes."""
    if isinstance(made, str):
        return made.encode("utf-8")
    return made if isinstance(made, bytes) else b"".join(made)


@dataclass(frozen=True)
class Page:
    """Where a page lives and how it introduces itself to browsers and link previews."""

    path: str
    """Site-relative directory URL (``controversies/x/``) or file name (``404.html``)."""
    title: str
    description: str

    @property
    def file(self) -> str:
        return self.path + "index.html" if self.path.endswith("/") or not self.path else self.path


def _up(page_path: str) -> str:
    """``../`` once per folder the page at ``page_path`` is in."""
    base = page_path if page_path.endswith("/") or not page_path else posixpath.dirname(page_path) + "/"
    return "../" * base.count("/")


def relative_url(target: str, page_path: str) -> str:
    """URL of site path ``target`` as seen from the page at ``page_path``."""
    return _up(page_path) + target or "./"


@pass_context
def _url(context: Context, target: str) -> str:
    page: Page = context["page"]
    if context.get("absolute_urls"):
        return context["site"].config.base_url.rstrip("/") + "/" + target
    return relative_url(target, page.path)


def url_for(page: Page, base_url: str | None = None) -> Callable[[str], str]:
    """``url()`` as seen from ``page`` (absolute from ``base_url`` if given), without a context lookup per link.

    Pages get it in their context, where it stands for the global ``url`` (thousands of calls a page).
    """
    if base_url is not None:
        prefix = base_url.rstrip("/") + "/"
        return lambda target: prefix + target
    up = _up(page.path)
    return lambda target: up + target or "./"


def _with_article(word: str) -> str:
    """``A multi-axis``, ``An empirical``: a sentence-initial article chosen by the first letter."""
    return ("An " if word[:1].lower() in "aeiou" else "A ") + word


def _in_thread(title: str) -> str:
    """``the`` before a thread title unless the title brings its own (fixes "in the The …")."""
    return "" if title.lower().startswith("the ") else "the "


def environment(templates: Path, bytecode: Path | None = None) -> Environment:
    """The Jinja environment: autoescaping everything, failing on undefined names.

    ``bytecode``: a folder where compiled templates are kept for the next process.
    """
    if bytecode is not None:
        bytecode.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        bytecode_cache=FileSystemBytecodeCache(str(bytecode)) if bytecode is not None else None,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        url=_url,
        confidence_levels=CONFIDENCE,
        confidence_trajectory=history.confidence_trajectory,
        status_trajectory=history.status_trajectory,
        step_chart=step_chart,
        status_levels=STATUS,
        history_url=history_url,
        github=github,
        content_security_policy=csp.META_POLICY,
        fragment=Fragments(env, remember=False),
    )
    env.filters.update(with_article=_with_article, in_thread=_in_thread, long_date=lambda d: PartialDate.of(d).display)
    return env


@lru_cache(maxsize=4)
def remembered(env: Environment) -> Fragments:
    """``serve``'s ``fragment()`` for pages made with ``env``: kept while the environment is (``fragments.py``)."""
    return Fragments(env, remember=True)


@lru_cache(maxsize=4)
def compiled(templates: Path, fingerprint: str, bytecode: Path | None = None) -> Environment:
    """An environment with every template compiled, reused by the builds of one process (``serve``).

    Keyed by the templates' ``fingerprint``, so an edited template gets a new environment.
    """
    env = environment(templates, bytecode)
    env.auto_reload = False  # the fingerprint already tells an edited template
    for name in env.list_templates():
        env.get_template(name)  # compiled once, here: forked workers inherit them
    return env


def _description(c: Controversy) -> str:
    return c.summary or f"{c.title} — {len(c.positions)} positions, {c.status}."


def _events_citing(site: Site) -> dict[str, tuple[Event, ...]]:
    """The events citing each source, in timeline order (one pass: sources × events took minutes at 20,000)."""
    citing: dict[str, list[Event]] = {sid: [] for sid in site.sources}
    for event in site.events:
        for sid in dict.fromkeys(event.sources):
            if sid in citing:  # always, once validated
                citing[sid].append(event)
    return {sid: tuple(events) for sid, events in citing.items()}


class Job(NamedTuple):
    """One output file: how to make it, and what it shows (``shows.py``: for rebuilding only what an edit touched).

    A named tuple: ``serve`` lists thousands after every save, and a frozen dataclass is slower to make.
    """

    file: str
    make: Callable[[], Made]
    deps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recipe:
    """A page apart from the build it is rendered in: its template, and what it is given beyond the site.

    ``serve`` keeps a controversy's recipe while its records are the very same objects (``memo.py``): a
    save then lists the jobs of a thousand unchanged pages without making their context again.
    """

    template: str
    page: Page
    deps: tuple[str, ...]
    context: Mapping[str, Any]
    lazy: Mapping[str, Callable[[], Any]]
    """Context computed only if the page is rendered."""


@dataclass(frozen=True, slots=True)
class Registries:
    """What every template is given as ``site``: the configuration and the registries, not the controversies.

    A page is given the controversies it shows, or their projections (``projections.py``), in its own context.
    """

    config: SiteConfig
    threads: Mapping[str, Thread]
    sources: Mapping[str, Source]
    proponents: Mapping[str, Proponent]


@dataclass(frozen=True, slots=True)
class Build:
    """What every page of one build is rendered with."""

    site: Registries
    env: Environment
    remember: bool


class Rows:
    """Every controversy's ``Row`` (``rows()``), made the first time a page listing them is rendered in a process."""

    def __init__(self, site: Site, links: Links) -> None:
        self._site, self._links = site, links
        self._rows: dict[str, Row] | None = None

    def __call__(self) -> dict[str, Row]:
        if self._rows is None:
            self._rows = {slug: projections.row(c) for slug, c in self._site.controversies.items()}
        return self._rows

    def by_thread(self) -> dict[str, tuple[Row, ...]]:
        """Each thread's rows, newest first (as ``link`` orders its controversies)."""
        rows = self()
        return {t: tuple(rows[c.slug] for c in cs) for t, cs in self._links.thread_controversies.items()}

    def cited_by(self) -> dict[str, tuple[tuple[Row, int], ...]]:
        """Each source's citing controversies, as (row, reference number) pairs (the number: in ``Row.cited``)."""
        rows = self()
        return {
            sid: tuple((rows[x.controversy.slug], x.number) for x in xs) for sid, xs in self._links.cited_by.items()
        }

    def holding_counts(self) -> dict[str, int]:
        """How many positions each proponent holds (from ``Row.holders``)."""
        counts = dict.fromkeys(self._site.proponents, 0)
        for row in self().values():
            for holders in row.holders:
                for slug in dict.fromkeys(holders):
                    counts[slug] += 1
        return counts


STREAMED = frozenset({"index.html", "proponents.html", "sources.html", "timeline.html", "updates.html"})
"""Templates of the pages that grow with the whole record: made in pieces (``in_pieces``), never whole."""


def in_pieces(text: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """``text`` (a template's output as it is generated) in UTF-8 pieces of about ``size`` characters."""
    batch: list[str] = []
    length = 0
    for piece in text:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def _page_made(recipe: Recipe, build: Build) -> Made:
    """The page ``recipe`` describes, rendered in ``build``.

    A page listing every record (``STREAMED``) is made in pieces: whole, the 20,000-source
    bibliography is a 28 MB string made of a million small ones, on top of all a worker holds.
    """
    site, context = build.site, recipe.context
    url = url_for(recipe.page, site.config.base_url if context.get("absolute_urls") else None)
    computed = {name: compute() for name, compute in recipe.lazy.items()}
    values = dict(site=site, page=recipe.page, url=url, **context, **computed)
    if build.remember:
        values["fragment"] = remembered(build.env)
    template = build.env.get_template(recipe.template)
    if recipe.template in STREAMED:
        return _named_undefined(in_pieces(template.generate(values)), recipe.template)
    try:
        return template.render(values)
    except UndefinedError as exc:
        raise _undefined_error(exc, recipe.template) from None


def _undefined_error(exc: UndefinedError, page_template: str) -> UndefinedError:
    """``exc`` saying where: the template and line that reached for a name or field its page was not given."""
    where, tb = page_template, exc.__traceback__
    while tb is not None:  # jinja runs a template's code under the template's file name and line numbers
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return UndefinedError(
        f"{where}: template error: {exc.message} (rendering {page_template}; a page shows only what it is given:"
        " a controversy's projection lacks the fields other pages do not show, see ledger/projections.py)"
    )


def _named_undefined(pieces: Iterator[bytes], page_template: str) -> Iterator[bytes]:
    try:
        yield from pieces
    except UndefinedError as exc:
        raise _undefined_error(exc, page_template) from None


def _controversy_recipe(
    c: Controversy,
    refs: PageRefs,
    see_also: tuple[Controversy, ...],
    thread: Thread,
    revision: Revision | None,
    events: tuple[Event, ...],
) -> tuple[Recipe, str, tuple[str, ...]]:
    neighbours = tuple(map(projections.neighbour, see_also))
    page_deps, data_deps = shows.controversy(c, refs, neighbours, events)
    context = dict(controversy=c, thread=thread, refs=refs, see_also=neighbours, events=events, revision=revision)
    page = Page(f"controversies/{c.slug}/", c.title, _description(c))
    recipe = Recipe("controversy.html", page, page_deps, context, {"body": partial(render_body, c.body)})
    return recipe, f"data/controversies/{c.slug}.json", data_deps


def _rows_of(rows: Rows, controversies: tuple[Controversy, ...]) -> tuple[Row, ...]:
    every = rows()
    return tuple(every[c.slug] for c in controversies)


def jobs(
    site: Site,
    links: Links,
    templates: Path,
    revisions: Mapping[str, Revision] | None = None,
    bytecode: Path | None = None,
    recall: Recall = ONCE,
) -> dict[str, Job]:
    """Every output file of the site, keyed by its path under the output folder, not yet made.

    ``revisions`` (from git, keyed by path under content/) adds "last changed" lines; without it pages omit them.
    ``bytecode``: where compiled templates are kept between processes.
    ``recall``: keeps a controversy's recipe, data file and deps, by the records they show; when it keeps
    them for a next build (``serve``), jobs may keep what that build can reuse.
    """
    remember = recall.kept
    env = compiled(templates, tree_fingerprint(templates), bytecode)
    config = site.config
    out: dict[str, Job] = {}
    revisions = revisions or {}
    events_of = timeline.by_controversy(site)

    build = Build(Registries(config, site.threads, site.sources, site.proponents), env, remember)
    rows = Rows(site, links)

    def add(recipe: Recipe) -> None:
        file = recipe.page.file
        out[file] = Job(file, partial(_page_made, recipe, build), recipe.deps)

    def page(
        template: str,
        page: Page,
        deps: set[str] | frozenset[str] | tuple[str, ...],
        lazy: Mapping[str, Callable[[], Any]] | None = None,
        **context: Any,
    ) -> None:
        add(Recipe(template, page, deps if isinstance(deps, tuple) else shows.keys(deps), context, lazy or {}))

    every = {Dep.CONTROVERSY.every, Dep.THREAD.every, Dep.PROPONENT.every, Dep.SOURCE.every, Dep.EVENT.every}
    shows.new_pass()
    page(
        "index.html",
        Page("", config.title, config.description or config.tagline),
        {Dep.THREAD.every, Dep.ROW.every},
        lazy={"rows_by_thread": rows.by_thread},
    )
    for slug, thread in site.threads.items():
        refs = links.refs[f"thread:{slug}"]
        controversies = links.thread_controversies[slug]
        events = timeline.of_thread(site, slug)
        page(
            "thread.html",
            Page(f"threads/{slug}/", thread.title, thread.summary),
            shows.thread(slug, refs, controversies, events),
            thread=thread,
            lazy={
                "matrix": partial(thread_matrix, site, links, slug),
                "body": partial(render_body, thread.body),
                "rows": partial(_rows_of, rows, controversies),
            },
            refs=refs,
            events=events,
            revision=revisions.get(f"threads/{slug}.md"),
        )
        out[f"threads/{slug}/feed.xml"] = Job(
            f"threads/{slug}/feed.xml",
            partial(feeds.thread_feed, site, links, slug),
            shows.thread_feed(slug, controversies),
        )
    for slug, c in site.controversies.items():
        shown = (c, links.refs[slug], links.see_also[slug], site.threads[c.thread])
        revision, events = revisions.get(f"controversies/{slug}.md"), events_of[slug]
        recipe, data, data_deps = recall.recall(
            "controversy recipe", (*shown, revision), events, partial(_controversy_recipe, *shown, revision, events)
        )
        add(recipe)
        out[data] = Job(data, partial(export.controversy_file, site, links, c, events), data_deps)
    page(
        "proponents.html",
        Page("proponents/", "Proponents", f"Everyone holding a position on {config.title}."),
        {Dep.PROPONENT.every, Dep.ROW.every},
        lazy={"counts": rows.holding_counts},
    )
    for slug, proponent in site.proponents.items():
        description = proponent.description or f"Positions held by {proponent.name}."
        holdings = links.holdings[slug]
        page(
            "proponent.html",
            Page(f"proponents/{slug}/", proponent.name, description),
            shows.proponent(slug, holdings),
            proponent=proponent,
            holdings=holdings,
            refs=links.refs,
        )
    page(
        "sources.html",
        Page("sources/", "Sources", f"Every source cited on {config.title}."),
        {Dep.SOURCE.every, Dep.ROW.every, Dep.EVENT.every},
        lazy={"events_citing": partial(_events_citing, site), "cited_by": rows.cited_by},
    )
    on_timeline = {Dep.EVENT.every, Dep.THREAD.every} | {Dep.SOURCE(s) for e in site.events for s in e.sources}
    on_timeline |= {Dep.ROW(slug) for e in site.events for slug in e.controversies}
    for path, title, description, context in timeline.pages(site):
        page("timeline.html", Page(path, title, description), on_timeline, lazy={"rows": rows}, **context)
    page(
        "updates.html",
        Page("updates/", "Updates", f"Every change on the record of {config.title}, newest first."),
        {Dep.CONTROVERSY.every},
        lazy={"updates": partial(history.updates, site.controversies.values())},
    )
    page("search.html", Page("search/", "Search", f"Search {config.title}."), set())
    page("404.html", Page("404.html", "Page not found", "This page does not exist."), set(), absolute_urls=True)

    for kind, file in feeds.FEED_FILES.items():
        out[file] = Job(file, partial(feeds.site_feed, site, kind), shows.keys([Dep.ENTRY.every]))
    out["data/ledger.json"] = Job(
        "data/ledger.json",
        partial(export.ledger_file, site, links, events_of, recall),
        shows.keys(every | {Dep.BODY.every}),
    )

    def sitemap() -> str:  # every page but the search form: no page for search engines (it is noindex too)
        lastmod = {f"controversies/{slug}/": row.updated.isoformat() for slug, row in rows().items()}
        listed = (path for path in out if path.endswith("index.html") and path != "search/index.html")
        pages = sorted(path.removesuffix("index.html") for path in listed)
        return env.get_template("sitemap.xml").render(site=build.site, pages=[(p, lastmod.get(p)) for p in pages])

    out["sitemap.xml"] = Job("sitemap.xml", sitemap, shows.keys(every - {Dep.CONTROVERSY.every} | {Dep.ROW.every}))
    robots = f"User-agent: *\nAllow: /\nSitemap: {config.base_url.rstrip('/')}/sitemap.xml\n"
    out["robots.txt"] = Job("robots.txt", lambda: robots, ())
    return out
