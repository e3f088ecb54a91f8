"""A project site: built for https://example.org/ledger/, served under /ledger/, every link works.

Besides the static link checker, the site is served by a real HTTP server under ``/ledger/`` and
crawled from its front page: every internal link (and every absolute link into the base URL,
such as the 404 page's) must answer 200, and every fragment must name an element on its page.
"""

from __future__ import annotations

import functools
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pytest

from ledger.pipeline import Options, build

from .helpers import SHIPPED, broken_links, make_content

BASE_URL = "https://example.org/ledger/"
MAX_PAGES = 500


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("subpath")
    build(Options(content=SHIPPED, out=root / "ledger", base_url=BASE_URL))
    return root / "ledger"


@pytest.fixture(scope="module")
def server(project_site: Path) -> Iterator[str]:
    """http://127.0.0.1:<port>/ serving the folder that holds ``ledger/``."""
    handler = functools.partial(QuietHandler, directory=str(project_site.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_static_link_check_under_the_sub_path(project_site: Path) -> None:
    assert broken_links(project_site, base_path="/ledger/") == []


def test_absolute_links_stay_under_the_base_url(project_site: Path) -> None:
    for page in project_site.rglob("*.html"):
        for _, _, link, _ in lxml.html.fromstring(page.read_bytes()).iterlinks():
            if urlsplit(link).netloc == "example.org":
                assert link.startswith(BASE_URL), f"{page}: {link}"
    assert f"{BASE_URL}sitemap.xml" in (project_site / "robots.txt").read_text()


def test_every_link_answers_when_served_under_the_sub_path(project_site: Path, server: str) -> None:
    start = urljoin(server, "ledger/")

    def local(link: str, page: str) -> str | None:
        """The local URL a link on ``page`` reaches, or None if it leaves the site."""
        url = urljoin(page, link)
        if url.startswith(BASE_URL):
            url = start + url[len(BASE_URL) :]
        return url if url.startswith(server) else None

    seen: dict[str, lxml.html.HtmlElement | None] = {}
    queue = [start, urljoin(start, "404.html")]
    fragments: list[tuple[str, str, str]] = []
    broken: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop()
        if url in seen:
            continue
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body, kind = response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            broken.append(f"{url}: {exc.code}")
            seen[url] = None
            continue
        seen[url] = lxml.html.fromstring(body) if kind == "text/html" else None
        if seen[url] is None:
            continue
        for _, _, link, _ in seen[url].iterlinks():
            target = local(link, url)
            if target is None:
                continue
            assert target.startswith(start), f"{url}: {link} leaves /ledger/"
            page, fragment = urldefrag(target)
            if fragment:
                fragments.append((url, page, fragment))
            queue.append(page)

    assert broken == []
    assert len(seen) < MAX_PAGES
    assert len(seen) > 20  # the crawl really went through the site: pages, feeds, styles
    for origin, page, fragment in fragments:
        assert seen.get(page) is not None and seen[page].xpath(f"//*[@id='{fragment}']"), f"{origin}: #{fragment}"


def test_404_page_links_use_the_base_path(project_site: Path) -> None:
    page = lxml.html.fromstring((project_site / "404.html").read_bytes())
    hrefs = [
        link
        for element, _, link, _ in page.iterlinks()
        if not link.startswith(("https://github.com", "#")) and element.get("rel") != "license"  # external by design
    ]
    assert hrefs and all(link.startswith(BASE_URL) for link in hrefs)


def test_minimal_site_at_a_deep_sub_path(tmp_path: Path) -> None:
    root = tmp_path / "www"
    build(Options(content=make_content(tmp_path / "content"), out=root / "a" / "b", base_url="https://x.org/a/b/"))
    assert broken_links(root / "a" / "b", base_path="/a/b/") == []
    shutil.rmtree(root)
