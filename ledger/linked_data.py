"""What reference managers and search engines read from a controversy page: schema.org JSON-LD.

Zotero's advice is that "the best translator is no translator": a page should say what it is itself.
The Highwire ``citation_*`` tags are in ``templates/_cite_meta.html``; the JSON-LD, made here, describes the
page as an ``Article`` citing its sources and the record it belongs to as a ``Dataset``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

import orjson
from markupsafe import Markup

from .cite import author_name
from .model import Controversy, SiteConfig, Source

WORK_TYPES = {
    "paper": "ScholarlyArticle",
    "report": "Report",
    "press": "NewsArticle",
    "blog": "BlogPosting",
    "dataset": "Dataset",
}
"""A source's schema.org type by kind; other kinds are a ``CreativeWork``."""

DOWNLOADS = (
    ("data/ledger.json", "application/json"),
    ("data/sources.bib", "application/x-bibtex"),
    ("data/sources.ris", "application/x-research-info-systems"),
    ("data/sources.csl.json", "application/vnd.citationstyles.csl+json"),
)

_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
"""JSON escapes that keep a ``<script>`` data block's text from ending it (``</script>``) or opening a comment."""


def _organisation(config: SiteConfig) -> dict[str, str]:
    return {"@type": "Organization", "name": config.title, "url": config.base_url}


def _author(author: str, venue: str | None) -> dict[str, str]:
    name = author_name(author, venue)
    return {"@type": "Person" if name.literal is None else "Organization", "name": author}


def _work(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": WORK_TYPES.get(source.kind, "CreativeWork"), "name": source.title}
    if source.authors:
        work["author"] = [_author(a, source.venue) for a in source.authors]
    if source.date is not None:
        work["datePublished"] = source.date.iso
    if source.url:
        work["url"] = source.url
    return work


class Pieces(Protocol):
    """Where a source's description is made once and reused by every page citing it (``fragments.Fragments``)."""

    def piece(self, make: Callable[[Source], dict[str, Any]], source: Source, /) -> dict[str, Any]: ...


def page_graph(
    c: Controversy, sources: Iterable[Source], config: SiteConfig, data_version: int, pieces: Pieces | None = None
) -> dict[str, Any]:
    """The page as an ``Article`` citing ``sources`` (its references), and the whole record as a ``Dataset``.

    Both carry the licence of site.yaml's ``license_url`` when one is set (quotations stay their authors';
    the footer says so). ``pieces``: each source's description made once for every page of the build citing it.
    """
    base = config.base_url.rstrip("/") + "/"
    url = f"{base}controversies/{c.slug}/"
    article: dict[str, Any] = {
        "@type": "Article",
        "@id": url,
        "url": url,
        "headline": c.title,
        "name": c.title,
        "datePublished": c.opened.isoformat(),
        "dateModified": c.updated.isoformat(),
        "inLanguage": config.language,
        "author": _organisation(config),
        "publisher": _organisation(config),
        "citation": [pieces.piece(_work, s) if pieces else _work(s) for s in sources],
    }
    if c.summary:
        article["description"] = c.summary
    dataset = {
        "@type": "Dataset",
        "@id": f"{base}data/ledger.json",
        "name": f"{config.title}: the record as data",
        "description": config.description or config.tagline,
        "url": f"{base}data/ledger.json",
        "version": str(data_version),
        "creator": _organisation(config),
        "distribution": [
            {"@type": "DataDownload", "contentUrl": base + path, "encodingFormat": media} for path, media in DOWNLOADS
        ],
    }
    if config.license_url:
        article["license"] = dataset["license"] = config.license_url
    return {"@context": "https://schema.org", "@graph": [article, dataset]}


def script_json(value: dict[str, Any]) -> Markup:
    """``value`` as the text of a ``<script type="application/ld+json">``: JSON that no title can end early."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    for char, escaped in _SCRIPT_SAFE.items():  # each a search in C; ``str.translate`` looks up every character
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def page_json_ld(
    c: Controversy, sources: Iterable[Source], config: SiteConfig, data_version: int, pieces: Pieces | None = None
) -> Markup:
    """What templates call (``pieces``: their ``fragment``): the page's JSON-LD, ready to place in its data block."""
    return script_json(page_graph(c, sources, config, data_version, pieces))
