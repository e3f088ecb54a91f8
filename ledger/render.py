"""Stage 4: turn the linked site into output files, as ``{path: text}``; pure, no I/O.

Links inside pages are relative (``../../threads/x/``) so the site works at any base path and
from any static server; only canonical URLs, feeds and the sitemap use the absolute ``base_url``.
The 404 page is the exception: it is served at arbitrary paths, so its links are absolute.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from . import export, feeds, github, history, timeline
from .charts import step_chart
from .link import Links
from .markdown import render_body
from .matrix import thread_matrix
from .model import Controversy, PartialDate, Site
from .revisions import Revision, history_url
from .schema import CONFIDENCE, STATUS

Output = dict[str, str | bytes]


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


def relative_url(target: str, page_path: str) -> str:
    """URL of site path ``target`` as seen from the page at ``page_path``."""
    base = page_path if page_path.endswith("/") or not page_path else posixpath.dirname(page_path) + "/"
    depth = base.count("/")
    url = "../" * depth + target
    return url or "./"


@pass_context
def _url(context: Context, target: str) -> str:
    page: Page = context["page"]
    if context.get("absolute_urls"):
        return context["site"].config.base_url.rstrip("/") + "/" + target
    return relative_url(target, page.path)


def _with_article(word: str) -> str:
    """``A multi-axis``, ``An empirical``: a sentence-initial article chosen by the first letter."""
    return ("An " if word[:1].lower() in "aeiou" else "A ") + word


def _in_thread(title: str) -> str:
    """``the`` before a thread title unless the title brings its own (fixes "in the The …")."""
    return "" if title.lower().startswith("the ") else "the "


def environment(templates: Path) -> Environment:
    """The Jinja environment: autoescaping everything, failing on undefined names."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
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
    )
    env.filters.update(with_article=_with_article, in_thread=_in_thread, long_date=lambda d: PartialDate.of(d).display)
    return env


def _description(c: Controversy) -> str:
    return c.summary or f"{c.title} — {len(c.positions)} positions, {c.status}."


def render_site(site: Site, links: Links, templates: Path, revisions: Mapping[str, Revision] | None = None) -> Output:
    """Every output file of the site, keyed by its path under the output folder.

    ``revisions`` (from git, keyed by path under content/) adds "last changed" lines; without it pages omit them.
    """
    env = environment(templates)
    config = site.config
    out: Output = {}
    revisions = revisions or {}
    events_of = timeline.by_controversy(site)

    def page(template: str, page: Page, **context: Any) -> None:
        html = env.get_template(template).render(site=site, links=links, page=page, **context)
        out[page.file] = html

    page("index.html", Page("", config.title, config.description or config.tagline))
    for slug, thread in site.threads.items():
        refs = links.refs[f"thread:{slug}"]
        page(
            "thread.html",
            Page(f"threads/{slug}/", thread.title, thread.summary),
            thread=thread,
            body=render_body(thread.body),
            refs=refs,
            controversies=links.thread_controversies[slug],
            matrix=thread_matrix(site, links, slug),
            events=timeline.of_thread(site, slug),
            revision=revisions.get(f"threads/{slug}.md"),
        )
    for slug, c in site.controversies.items():
        refs = links.refs[slug]
        page(
            "controversy.html",
            Page(f"controversies/{slug}/", c.title, _description(c)),
            controversy=c,
            thread=site.threads[c.thread],
            body=render_body(c.body),
            refs=refs,
            see_also=links.see_also[slug],
            events=events_of[slug],
            revision=revisions.get(f"controversies/{slug}.md"),
        )
    page("proponents.html", Page("proponents/", "Proponents", f"Everyone holding a position on {config.title}."))
    for slug, proponent in site.proponents.items():
        description = proponent.description or f"Positions held by {proponent.name}."
        page(
            "proponent.html",
            Page(f"proponents/{slug}/", proponent.name, description),
            proponent=proponent,
            holdings=links.holdings[slug],
        )
    page(
        "sources.html",
        Page("sources/", "Sources", f"Every source cited on {config.title}."),
        events_citing={sid: tuple(e for e in site.events if sid in e.sources) for sid in site.sources},
    )
    for path, title, description, context in timeline.pages(site):
        page("timeline.html", Page(path, title, description), **context)
    page(
        "updates.html",
        Page("updates/", "Updates", f"Every change on the record of {config.title}, newest first."),
        updates=history.updates(site.controversies.values()),
    )
    page("search.html", Page("search/", "Search", f"Search {config.title}."))
    page("404.html", Page("404.html", "Page not found", "This page does not exist."), absolute_urls=True)

    out.update(feeds.render_feeds(site, links))
    out.update(export.data_files(site, links))
    lastmod = {f"controversies/{slug}/": c.updated.isoformat() for slug, c in site.controversies.items()}
    unlisted = {"search/index.html"}  # a search form is no page for search engines (it is noindex too)
    pages = sorted(
        path.removesuffix("index.html") for path in out if path.endswith("index.html") and path not in unlisted
    )
    out["sitemap.xml"] = env.get_template("sitemap.xml").render(site=site, pages=[(p, lastmod.get(p)) for p in pages])
    out["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {config.base_url.rstrip('/')}/sitemap.xml\n"
    return out
