"""Stage 4, what to make: every output file of a site as a ``render.Job``, listed by one small function per kind.

``jobs`` walks ``KINDS`` in order; each function lists the files of one kind of page (or feed, or data
file) from a ``Listing`` of the build, with what each shows (``shows.py``). Adding a kind of page is
adding a function to the list. Nothing is rendered here: a job renders its file when it is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import cite, export, feeds, history, projections, quotes, schema, shows, timeline
from .deps import Dep
from .digests import tree_fingerprint
from .fragments import Fragments
from .link import Links, PageRefs
from .lint import STALE_AFTER
from .markdown import SYNTHESIS_NOTE, render_body, render_reason
from .matrix import thread_matrix
from .model import Controversy, Event, Site, Source, Thread
from .projections import Row
from .recall import ONCE, Recall
from .render import Build, Job, Page, Recipe, Registries, compiled, page_made
from .revisions import Revision

EVERY = frozenset({Dep.CONTROVERSY.every, Dep.THREAD.every, Dep.PROPONENT.every, Dep.SOURCE.every, Dep.EVENT.every})
"""A file showing every record of every kind (the sitemap, ``ledger.json``)."""


class Rows:
    """Controversies' ``Row``s, each made the first time a page listing it is rendered in a process."""

    def __init__(self, site: Site, links: Links) -> None:
        self._site, self._links = site, links
        self._rows: dict[str, Row] = {}

    def row(self, c: Controversy) -> Row:
        if (found := self._rows.get(c.slug)) is None:
            found = self._rows[c.slug] = projections.row(c)
        return found

    def __call__(self) -> dict[str, Row]:
        """Every controversy's row, by slug."""
        return {slug: self.row(c) for slug, c in self._site.controversies.items()}

    def of(self, controversies: tuple[Controversy, ...]) -> tuple[Row, ...]:
        return tuple(map(self.row, controversies))

    def by_thread(self) -> dict[str, tuple[Row, ...]]:
        """Each thread's rows, newest first (as ``link`` orders its controversies)."""
        return {slug: self.of(controversies) for slug, controversies in self._links.thread_controversies.items()}

    def holding_counts(self) -> dict[str, int]:
        """How many positions each proponent holds (from ``Row.holders``)."""
        counts = dict.fromkeys(self._site.proponents, 0)
        for row in self().values():
            for holders in row.holders:
                for slug in dict.fromkeys(holders):
                    counts[slug] += 1
        return counts


@dataclass(frozen=True, slots=True)
class Listing:
    """What the kinds of page of one build are listed from."""

    site: Site
    links: Links
    build: Build
    rows: Rows
    revisions: Mapping[str, Revision]
    events_of: dict[str, tuple[Event, ...]]
    """Each controversy's events, in timeline order."""
    recall: Recall
    """Keeps a controversy's recipe, data file and deps, and the deps of lists, by the records they show."""
    listed: dict[str, Job]
    """Every job listed so far: all of them by the time any is made (the sitemap lists the pages)."""


def _page(
    listing: Listing,
    template: str,
    page: Page,
    deps: set[str] | frozenset[str] | tuple[str, ...],
    lazy: Mapping[str, Callable[[], Any]] | None = None,
    **context: Any,
) -> Job:
    recipe = Recipe(template, page, deps if isinstance(deps, tuple) else shows.keys(deps), context, lazy or {})
    return _job(recipe, listing.build)


def _job(recipe: Recipe, build: Build) -> Job:
    return Job(recipe.page.file, partial(page_made, recipe, build), recipe.deps)


def _index(listing: Listing) -> Iterator[Job]:
    config = listing.site.config
    page = Page("", config.title, config.description or config.tagline)
    rows = {"rows_by_thread": listing.rows.by_thread}
    yield _page(listing, "index.html", page, {Dep.THREAD.every, Dep.ROW.every}, rows)


def _threads(listing: Listing) -> Iterator[Job]:
    """Each thread's page and feed."""
    site, links = listing.site, listing.links
    for slug, thread in site.threads.items():
        refs = links.refs[f"thread:{slug}"]
        controversies = links.thread_controversies[slug]
        events = timeline.of_thread(site, slug)
        lazy = {
            "matrix": partial(thread_matrix, site, links, slug),
            "body": partial(render_body, thread.body),
            "rows": partial(listing.rows.of, controversies),
        }
        page = Page(f"threads/{slug}/", thread.title, thread.summary)
        deps = shows.thread(slug, refs, controversies, events, listing.recall)
        revision = listing.revisions.get(f"threads/{slug}.md")
        yield _page(
            listing, "thread.html", page, deps, lazy, thread=thread, refs=refs, events=events, revision=revision
        )
        feed = f"threads/{slug}/feed.xml"
        yield Job(
            feed,
            partial(feeds.thread_feed, site, links, slug, listing.build.fragments),
            shows.thread_feed(slug, controversies, listing.recall),
        )


def _description(c: Controversy) -> str:
    return c.summary or f"{c.title} — {len(c.positions)} positions, {c.status}."


def _reasons(c: Controversy, refs: PageRefs) -> dict[str, Markup]:
    """Each position's ``confidence_reason`` as HTML, with its numbered citations (by position letter)."""
    return {p.id: render_reason(p.confidence_reason, refs.reasons[p.id]) for p in c.positions}


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
    context["data_version"] = export.SCHEMA_VERSION  # the Dataset's version in the page's JSON-LD
    context["recent"] = history.recent(c)
    context["stale_after_days"] = STALE_AFTER.days  # the browser says when the review is older (lint's rule)
    page = Page(f"controversies/{c.slug}/", c.title, _description(c))
    lazy = {"body": partial(render_body, c.body), "reasons": partial(_reasons, c, refs)}
    recipe = Recipe("controversy.html", page, page_deps, context, lazy)
    return recipe, f"data/controversies/{c.slug}.json", data_deps


def _controversies(listing: Listing) -> Iterator[Job]:
    """Each controversy's page, data file and feed."""
    site, links = listing.site, listing.links
    for slug, c in site.controversies.items():
        shown = (c, links.refs[slug], links.see_also[slug], site.threads[c.thread])
        revision, events = listing.revisions.get(f"controversies/{slug}.md"), listing.events_of[slug]
        recipe, data, data_deps = listing.recall.recall(
            "controversy recipe", (*shown, revision), events, partial(_controversy_recipe, *shown, revision, events)
        )
        yield _job(recipe, listing.build)
        yield Job(data, partial(export.controversy_file, site, links, c, events, listing.build.fragments), data_deps)
        yield Job(
            f"controversies/{slug}/feed.xml",
            partial(feeds.controversy_feed, site, slug, listing.build.fragments),
            shows.controversy_feed(slug),
        )


def _proponent_list(listing: Listing) -> Iterator[Job]:
    page = Page("proponents/", "Proponents", f"Everyone holding a position on {listing.site.config.title}.")
    counts = {"counts": listing.rows.holding_counts}
    yield _page(listing, "proponents.html", page, {Dep.PROPONENT.every, Dep.ROW.every}, counts)


def _proponents(listing: Listing) -> Iterator[Job]:
    """Each proponent's page and feed."""
    for slug, proponent in listing.site.proponents.items():
        description = proponent.description or f"Positions held by {proponent.name}."
        holdings = listing.links.holdings[slug]
        page = Page(f"proponents/{slug}/", proponent.name, description)
        deps = shows.proponent(slug, holdings, listing.recall)
        refs = listing.links.refs
        yield _page(listing, "proponent.html", page, deps, proponent=proponent, holdings=holdings, refs=refs)
        feed = partial(feeds.proponent_feed, listing.site, listing.links, slug, listing.build.fragments)
        yield Job(f"proponents/{slug}/feed.xml", feed, shows.proponent_feed(slug, holdings, listing.recall))


def _sources(listing: Listing) -> Iterator[Job]:
    """The bibliography: each source with every place citing it, quoted (``quotes.py``), and filters to narrow it.

    The filters' values (with how many sources have each) are written into the page; ``static/sources.js``
    shows them and hides what they leave out, so without JavaScript the page is the whole list.
    """
    site = listing.site
    page = Page("sources/", "Sources", f"Every source cited on {site.config.title}.")
    lazy = {
        "events_citing": partial(quotes.events_citing, site),
        "threads_citing": partial(quotes.threads_citing, site, listing.links),
        "cited_in": partial(quotes.cited_in, listing.links, listing.recall),
    }
    kinds = Counter(s.kind for s in site.sources.values())
    years = Counter(_source_year(s) for s in site.sources.values())
    filters = {
        "kinds": [(kind, kinds[kind]) for kind in schema.SOURCE_KINDS if kinds[kind]],
        "years": sorted(years.items(), key=lambda item: (item[0] != UNDATED, item[0]), reverse=True),
        "caveats": sum(1 for s in site.sources.values() if s.reliability),
    }
    # the quotes show the bodies' citing sentences, and the positions' claims and reasons and the history entries
    # and the threads whose bodies cite each source
    deps = {Dep.SOURCE.every, Dep.EVENT.every, Dep.CONTROVERSY.every, Dep.QUOTED.every, Dep.THREAD.every}
    yield _page(listing, "sources.html", page, deps, lazy, source_year=_source_year, **filters)


UNDATED = "n.d."


def _source_year(source: Source) -> str:
    """The year a source is filed under on the sources page ("n.d." for an undated one)."""
    return str(source.date.year) if source.date is not None else UNDATED


def _timelines(listing: Listing) -> Iterator[Job]:
    """The timeline, and each thread's: given the rows of the controversies its events bear on, and no other."""
    site = listing.site
    on_events = tuple(dict.fromkeys(slug for e in site.events for slug in e.controversies))
    shown = {Dep.EVENT.every, Dep.THREAD.every} | {Dep.SOURCE(s) for e in site.events for s in e.sources}
    deps = shows.keys(shown | {Dep.ROW(slug) for slug in on_events})
    lazy = {"rows": partial(_rows_by_slug, listing.rows, tuple(site.controversies[slug] for slug in on_events))}
    for path, title, description, context in timeline.pages(site):
        yield _page(listing, "timeline.html", Page(path, title, description), deps, lazy, **context)


def _rows_by_slug(rows: Rows, controversies: tuple[Controversy, ...]) -> dict[str, Row]:
    return {c.slug: rows.row(c) for c in controversies}


def _update_filters(site: Site) -> dict[str, tuple[Controversy, ...]]:
    """Each thread's controversies with a recorded change, by title: the choices of ``/updates/``'s filter."""
    changed = sorted((c for c in site.controversies.values() if c.history), key=lambda c: (c.title, c.slug))
    return {slug: tuple(c for c in changed if c.thread == slug) for slug in site.threads}


def _updates(listing: Listing) -> Iterator[Job]:
    """``/updates/``: every change, newest first, on one page with a filter by thread and controversy.

    One page and a filter (``static/ledger.js``), not a page per thread and per controversy: a controversy's
    own changes already have a page (its History section) and a feed, the two choices combine, the filter
    keeps its choice in the address (``?thread=…&controversy=…``) so it can be shared, and the output stays
    one file however many controversies there are. Without JavaScript the filter is not shown and the whole
    list is, as before.
    """
    site = listing.site
    page = Page("updates/", "Updates", f"Every change on the record of {site.config.title}, newest first.")
    # each entry is tagged with its thread's title for search (``data-pagefind-filter``)
    lazy = {"updates": partial(history.updates, site.controversies.values()), "filters": partial(_update_filters, site)}
    yield _page(listing, "updates.html", page, {Dep.CONTROVERSY.every, Dep.THREAD.every}, lazy)


def _methodology(listing: Listing) -> Iterator[Job]:
    """How the Ledger works: what levels and statuses mean (from the schema, the one place they are defined)."""
    page = Page(
        "methodology/",
        "How the Ledger works",
        "What confidence levels and statuses mean, how they move, "
        "how sources are chosen and labelled, and how to contribute.",
    )
    meanings = dict(
        confidence_meanings=schema.CONFIDENCE_MEANINGS,
        status_meanings=schema.STATUS_MEANINGS,
        source_kinds=schema.SOURCE_KIND_MEANINGS,
        synthesis_note=SYNTHESIS_NOTE,
    )
    yield _page(listing, "methodology.html", page, set(), **meanings)


SEARCH_KINDS = ("Controversy", "Thread", "Proponent", "Source", "Timeline", "Updates", "Methodology")
"""The kinds of page search finds: each indexed template tags its pages ``data-pagefind-filter="kind:…"``."""


def _search(listing: Listing) -> Iterator[Job]:
    """The search page, with its filters' values in the order readers know them (``static/search.js`` counts them)."""
    site = listing.site
    filters = (
        ("kind", "Kind of page", SEARCH_KINDS),
        ("thread", "Thread", tuple(t.title for t in site.threads.values())),
        ("status", "Status", tuple(s.capitalize() for s in schema.STATUS)),
        ("confidence", "Confidence of a position", tuple(c.capitalize() for c in schema.CONFIDENCE)),
    )
    page = Page("search/", "Search", f"Search {site.config.title}.")
    yield _page(listing, "search.html", page, {Dep.THREAD.every}, filters=filters)


def _not_found(listing: Listing) -> Iterator[Job]:
    page = Page("404.html", "Page not found", "This page does not exist.")
    yield _page(listing, "404.html", page, set(), absolute_urls=True)


def _feeds_page(listing: Listing) -> Iterator[Job]:
    """``/feeds/``: how to subscribe, and every feed (the site's, each thread's, controversy's and proponent's)."""
    page = Page("feeds/", "Feeds", f"Follow changes to {listing.site.config.title} in a feed reader.")
    rows = {"rows_by_thread": listing.rows.by_thread}
    yield _page(listing, "feeds.html", page, {Dep.THREAD.every, Dep.ROW.every, Dep.PROPONENT.every}, rows)


def _site_feeds(listing: Listing) -> Iterator[Job]:
    for kind, file in feeds.FEED_FILES.items():
        made = partial(feeds.site_feed, listing.site, kind, listing.build.fragments)
        yield Job(file, made, shows.keys([Dep.ENTRY.every]))


def _ledger_data(listing: Listing) -> Iterator[Job]:
    made = partial(export.ledger_file, listing.site, listing.links, listing.events_of, listing.recall)
    yield Job("data/ledger.json", made, shows.keys(EVERY | {Dep.BODY.every}))


def _citations(listing: Listing) -> Iterator[Job]:
    """The bibliography for reference managers (``cite.FORMATS``), whole and per controversy (its references)."""
    site = listing.site
    every = shows.keys([Dep.SOURCE.every])
    pieces = listing.build.fragments  # each source's entry, made once for every file listing it
    for suffix, made in cite.FORMATS.items():
        yield Job(f"data/sources{suffix}", partial(made, site.sources.values(), pieces), every)
    for slug in site.controversies:
        sources = tuple(r.source for r in listing.links.refs[slug].references)
        deps = shows.keys([Dep.CONTROVERSY(slug), *(Dep.SOURCE(s.id) for s in sources)])
        for suffix, made in cite.FORMATS.items():
            yield Job(f"data/controversies/{slug}{suffix}", partial(made, sources, pieces), deps)


def _sitemap_xml(listing: Listing) -> str:
    """Every page but the search form (no page for search engines: it is noindex too), with a controversy's date."""
    lastmod = {f"controversies/{slug}/": row.updated.isoformat() for slug, row in listing.rows().items()}
    pages = (path for path in listing.listed if path.endswith("index.html") and path != "search/index.html")
    paths = sorted(path.removesuffix("index.html") for path in pages)
    template = listing.build.env.get_template("sitemap.xml")
    return template.render(site=listing.build.site, pages=[(p, lastmod.get(p)) for p in paths])


def _sitemap(listing: Listing) -> Iterator[Job]:
    deps = shows.keys(EVERY - {Dep.CONTROVERSY.every} | {Dep.ROW.every})
    yield Job("sitemap.xml", partial(_sitemap_xml, listing), deps)


def _robots(listing: Listing) -> Iterator[Job]:
    robots = f"User-agent: *\nAllow: /\nSitemap: {listing.site.config.base_url.rstrip('/')}/sitemap.xml\n"
    yield Job("robots.txt", partial(str, robots), ())


KINDS: tuple[tuple[str, Callable[[Listing], Iterator[Job]]], ...] = (
    ("index", _index),
    ("threads", _threads),
    ("controversies", _controversies),
    ("proponent list", _proponent_list),
    ("proponents", _proponents),
    ("sources", _sources),
    ("timelines", _timelines),
    ("updates", _updates),
    ("methodology", _methodology),
    ("search", _search),
    ("not found", _not_found),
    ("feeds page", _feeds_page),
    ("site feeds", _site_feeds),
    ("ledger data", _ledger_data),
    ("citations", _citations),
    ("sitemap", _sitemap),
    ("robots", _robots),
)
"""Each kind of output file, by name, and the function listing its jobs; in the order they are listed."""


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
    ``recall``: keeps what listing the jobs derived from records, by the records; when it keeps them for a
    next build (``serve``), jobs may keep what that build can reuse.
    """
    env = compiled(templates, tree_fingerprint(templates), bytecode)
    fragments = recall.recall("fragments", (env,), None, partial(Fragments, env, True))  # a build's own, or serve's
    build = Build(Registries(site.config, site.threads, site.sources, site.proponents), env, fragments)
    listed: dict[str, Job] = {}
    events_of = timeline.by_controversy(site)
    listing = Listing(site, links, build, Rows(site, links), revisions or {}, events_of, recall, listed)
    for _, kind in KINDS:
        for job in kind(listing):
            listed[job.file] = job
    return listed
