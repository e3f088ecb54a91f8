"""Browser fixtures: the shipped site built with its search index, served on 127.0.0.1, read in Chromium.

The site is served under a sub-path (``/ledger/``, like the real project site) with a strict
Content-Security-Policy, so a page that relies on inline script or style, or on anything outside
the site, shows up as a console error or a failed request, and every test fails on those.
One Chromium per test session (per xdist worker); one fresh context per page opened.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from ledger import csp
from ledger.pipeline import Options, build

from ..helpers import PROJECT, SHIPPED

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
]
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts"
BASE_PATH = "/ledger/"
AXE_PATH = "/__test__/axe.min.js"
"""Where the test server serves axe-core from: same origin, so the strict CSP lets it load."""

CSP = csp.HEADER_POLICY
"""The policy the tests serve pages with as a header (the pages carry the same in a meta element)."""

PAGES = {
    "index": "",
    "thread": "threads/scaling-laws-debate/",
    "controversy": "controversies/scaling-laws-hitting-a-wall/",
    "proponents": "proponents/",
    "proponent": "proponents/gary-marcus/",
    "sources": "sources/",
    "methodology": "methodology/",
    "updates": "updates/",
    "search": "search/?q=gary+marcus",
    "404": "no-such-page/",
}
"""One page of every kind the site has, by kind."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files under ``BASE_PATH``, the site's 404 page for anything missing, a strict CSP."""

    site: Path
    policy: str | None = CSP
    """The Content-Security-Policy header, or ``None`` to rely on the pages' own meta element."""

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(BASE_PATH):
            return str(self.site / "__outside_base_path__")
        return super().translate_path("/" + url_path[len(BASE_PATH) :])

    def do_GET(self) -> None:
        if urlsplit(self.path).path == AXE_PATH:
            body = AXE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        if self.policy is not None:
            self.send_header("Content-Security-Policy", self.policy)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Site:
    """The served site: its folder and the URL of each page."""

    folder: Path
    root: str
    """``http://127.0.0.1:<port>/ledger/``"""

    def url(self, path: str) -> str:
        return self.root + path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.root)
        return f"{parts.scheme}://{parts.netloc}"

    def references(self, path: str) -> list[str]:
        """Ids of the References on the built page (read from the HTML, not the browser)."""
        return lxml.html.fromstring((self.folder / path / "index.html").read_bytes()).xpath(
            "//section[@class='references']//li/@id"
        )

    def holdings(self, proponent: str) -> set[str]:
        """Controversies where the proponent holds a position, from their built page."""
        page = lxml.html.fromstring((self.folder / "proponents" / proponent / "index.html").read_bytes())
        return {
            href.split("#")[0]
            for href in page.xpath("//li[contains(@class, 'holding')]//a[contains(@href, '#position-')]/@href")
        }


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The shipped content, built with its search index and served on a free port of 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser") / "site"
    handler = type("Handler", (_Handler,), {"site": folder})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    root = f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    report = build(Options(content=SHIPPED, out=folder, base_url=root))
    assert report.search is not None and report.search.built, report.search
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(folder, root)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded one), shared by every test of the session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (.ci/run does)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Problems:
    """Everything a page did wrong that a reader could notice or that hides a bug."""

    items: list[str] = field(default_factory=list)
    expected_statuses: dict[str, int] = field(default_factory=dict)

    def console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and not self._expected_load_error(message):
            self.items.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    def _expected_load_error(self, message: ConsoleMessage) -> bool:
        """Chromium logs the 404 status of a page we opened on purpose as a console error."""
        url = message.location.get("url", "")
        return message.text.startswith("Failed to load resource") and url in self.expected_statuses

    def page_error(self, error: Exception) -> None:
        self.items.append(f"uncaught exception: {error}")

    def failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # the page navigated away before the request finished (a test clicking on quickly)
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def response(self, response: Response) -> None:
        expected = self.expected_statuses.get(response.url, 200)
        if response.status >= 400 and response.status != expected:
            self.items.append(f"HTTP {response.status}: {response.url}")


@dataclass
class Reader:
    """Opens pages the way a reader would, recording every problem the page causes."""

    browser: Browser
    site: Site
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    def open(
        self,
        path: str,
        *,
        width: int = 1280,
        height: int = 900,
        scheme: str = "light",
        javascript: bool = True,
        status: int = 200,
        permissions: tuple[str, ...] = (),
        touch: bool = False,
    ) -> Page:
        context = self.browser.new_context(
            has_touch=touch,
            is_mobile=touch,
            viewport={"width": width, "height": height},
            color_scheme=scheme,  # type: ignore[arg-type]
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        if permissions:
            context.grant_permissions(list(permissions), origin=self.site.origin)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.problems.console)
        page.on("pageerror", self.problems.page_error)
        page.on("requestfailed", self.problems.failed)
        page.on("response", self.problems.response)
        url = self.site.url(path)
        self.problems.expected_statuses[url] = status
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == status, (url, response and response.status)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def reader(browser: Browser, site: Site) -> Iterator[Reader]:
    """Open pages in fresh contexts; at the end, fail on any console error or failed request."""
    reader = Reader(browser, site)
    yield reader
    reader.close()
    assert reader.problems.items == [], "\n".join(reader.problems.items)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the project folder (.ci/run does)")
    return AXE_PATH


@pytest.fixture(scope="session")
def artifacts() -> Callable[[str], Path]:
    """A path under test-artifacts/ (git-ignored), for screenshots and PDFs a person looks at."""

    def path(name: str) -> Path:
        target = ARTIFACTS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    return path
