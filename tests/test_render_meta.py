"""What every page tells browsers and link previews, and what keeps it working under a strict CSP."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from .helpers import html, text

CONTROVERSY = "controversies/scaling-laws-hitting-a-wall/index.html"
BASE = "https://the-ledger.github.io/ledger/"


def _pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) > 10
    return pages


def test_every_page_has_a_title_description_canonical_url_and_open_graph_tags(shipped_site: Path) -> None:
    for file in _pages(shipped_site):
        page = html(file)
        path = file.relative_to(shipped_site).as_posix().removesuffix("index.html")

        def meta(key: str, page: lxml.html.HtmlElement = page) -> str:
            (value,) = page.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")
            return value

        title = text(page.xpath("//title")[0])
        assert title.endswith("The Ledger"), file
        assert meta("description") and meta("og:description") == meta("description"), file
        assert meta("og:title") and meta("og:site_name") == "The Ledger", file
        assert meta("og:type") in ("website", "article", "profile"), file
        if path == "404.html":
            assert not page.xpath("//link[@rel='canonical']"), "the 404 page is served at many URLs"
            continue
        assert page.xpath("//link[@rel='canonical']/@href") == [BASE + path], file
        assert meta("og:url") == BASE + path, file


def test_a_controversy_is_an_article_with_breadcrumbs_and_dates(shipped_site: Path) -> None:
    page = html(shipped_site / CONTROVERSY)
    assert text(page.xpath("//title")[0]) == "Are Scaling Laws Hitting a Wall? — The Ledger"
    assert page.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert page.xpath("//meta[@property='article:modified_time']/@content") == ["2026-12-06"]
    (crumbs,) = page.xpath("//nav[@aria-label='Breadcrumb']")
    assert [text(li) for li in crumbs.xpath(".//li")] == [
        "The Ledger",
        "The Scaling Laws Debate: Will Bigger Always Mean Better?",
        "Are Scaling Laws Hitting a Wall?",
    ]
    assert crumbs.xpath(".//a/@href") == ["../../", "../../threads/scaling-laws-debate/"]
    assert crumbs.xpath(".//*[@aria-current='page']")


def test_position_summary_links_each_position_with_its_confidence(shipped_site: Path) -> None:
    page = html(shipped_site / CONTROVERSY)
    (summary,) = page.xpath("//nav[contains(@class, 'position-summary')]")
    items = summary.xpath(".//li")
    assert [li.xpath(".//a/@href")[0] for li in items] == ["#position-a", "#position-b", "#position-c", "#position-d"]
    assert [text(li.xpath(".//*[contains(@class, 'confidence')]")[0]) for li in items] == [
        "Confidence: Medium",
        "Confidence: Medium",
        "Confidence: Low",
        "Confidence: Medium",
    ]


@pytest.mark.parametrize("attribute", ["style", "onclick", "onload", "onerror", "onsubmit", "oninput"])
def test_pages_need_no_inline_style_or_event_handlers(shipped_site: Path, attribute: str) -> None:
    for file in _pages(shipped_site):
        assert not html(file).xpath(f"//*[@{attribute}]"), f"{file}: {attribute}= breaks a strict CSP"


def test_pages_load_scripts_and_styles_only_from_files(shipped_site: Path) -> None:
    for file in _pages(shipped_site):
        page = html(file)
        assert not page.xpath("//style"), file
        # a JSON-LD data block is never run (script-src does not apply to data); anything else inline would be
        inline = page.xpath("//script[not(@src) and not(@type='application/ld+json')]")
        assert not inline, f"{file}: inline script breaks a strict CSP"
        for block in page.xpath("//script[@type='application/ld+json']"):
            assert not block.get("src") and json.loads(block.text), file
        assert not page.xpath("//*[starts-with(normalize-space(@href), 'javascript:')]"), file
        for src in page.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
            own = "//" not in src or src.startswith(BASE)  # the 404 page links absolutely (it is served anywhere)
            assert "static/" in src and own, f"{file}: {src} is not one of the site's own files"


def test_the_search_page_is_left_out_of_the_sitemap_and_search_engines(shipped_site: Path) -> None:
    assert "/search/" not in (shipped_site / "sitemap.xml").read_text()
    page = html(shipped_site / "search/index.html")
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.xpath("//form[@role='search']/@action") == ["./"]
    assert "needs JavaScript" in text(page.xpath("//noscript")[0])


def test_header_search_box_submits_to_the_search_page(shipped_site: Path) -> None:
    page = html(shipped_site / CONTROVERSY)
    (form,) = page.xpath("//header//form[@role='search']")
    assert form.get("action") == "../../search/" and form.get("method") == "get"
    assert form.xpath(".//input[@type='search']/@name") == ["q"]
    (label,) = form.xpath(".//label")
    assert label.get("for") == form.xpath(".//input/@id")[0]
