"""The pages' own Content-Security-Policy (meta) and hostile content, in Chromium.

Served with no CSP header at all, so what protects a page is its ``<meta http-equiv>`` alone: search
must still work under it, and inline script must not run. A site built from the XSS corpus is then
read page by page and searched: no dialog opens, no policy violation is reported (escaping let
nothing through for the policy to stop) and the live DOM holds no script or handler from content.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ledger.pipeline import Options, build

from ..safety import hostile_content
from .conftest import BASE_PATH, Site, _Handler

HOSTILE = (
    "\"><svg onload=alert(1)> <img src=x onerror=alert(2)> </title><script>alert(3)</script> ' onmouseover='alert(4)"
)
"""Several corpus payloads in one text, so one site exercises them all in every field."""

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
"""Runs before any page script (init scripts are the browser's, outside the page's policy)."""

DOM_CHECK = """
() => {
  // a JSON-LD data block is never run; it must be whole JSON (no text in it ended it early)
  const jsonLd = (s) => {
    if (s.type !== "application/ld+json" || s.src || s.attributes.length !== 1) return false;
    try { JSON.parse(s.text); return true; } catch { return false; }
  };
  const problems = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) problems.push(`${el.tagName} ${attr.name}`);
      const url = ["href", "src", "action", "xlink:href"].includes(attr.name);
      if (url && /^\\s*(javascript|data|vbscript):/i.test(attr.value))
        problems.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const s of document.scripts) {
    const own = /\\/static\\/(ledger|search|preview|sources|highlight)\\.js$/.test(s.src)
      || s.src.includes("/pagefind/");
    if (!own && !jsonLd(s)) problems.push(`script ${s.src || s.text}`);
  }
  return problems;
}
"""


@contextlib.contextmanager
def served(folder: Path, policy: str | None) -> Iterator[str]:
    """``folder`` on a free port of 127.0.0.1 under ``BASE_PATH``, with ``policy`` as CSP header (or none)."""
    handler = type("Handler", (_Handler,), {"site": folder, "policy": policy})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def meta_only(site: Site) -> Iterator[str]:
    """The shipped site again, served with no CSP header: the meta element is the only policy."""
    with served(site.folder, policy=None) as root:
        yield root


def open_page(browser: Browser, url: str, dialogs: list[str]) -> Page:
    page = browser.new_context().new_page()
    page.add_init_script(WATCH)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load")
    return page


def test_search_works_under_the_meta_policy_alone(browser: Browser, meta_only: str) -> None:
    dialogs: list[str] = []
    page = open_page(browser, meta_only + "search/?q=gary+marcus", dialogs)
    expect(page.locator(".search-result").first).to_be_visible()
    expect(page.locator(".search-result .result-title").first).to_have_text("Gary Marcus")
    assert page.evaluate("window.__violations") == []
    assert "Content-Security-Policy" in page.locator("meta[http-equiv]").get_attribute("http-equiv")


def test_the_meta_policy_blocks_inline_script_and_foreign_scripts(browser: Browser, meta_only: str) -> None:
    page = open_page(browser, meta_only + "controversies/scaling-laws-hitting-a-wall/", [])
    page.evaluate(
        """() => {
          const inline = document.createElement("script");
          inline.textContent = "window.__ran = true";
          document.body.append(inline);
          const foreign = document.createElement("script");
          foreign.src = "https://evil.example/x.js";
          document.body.append(foreign);
          document.body.insertAdjacentHTML("beforeend", "<img src=x onerror='window.__ran = true'>");
        }"""
    )
    # polled from here: wait_for_function's string predicate is eval'd in the page, which this policy forbids
    deadline = time.monotonic() + 10
    while page.evaluate("window.__violations.length") < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    violations = page.evaluate("window.__violations")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src-elem") and "inline" in v for v in violations), violations
    assert any("evil.example" in v for v in violations), violations
    assert any(v.startswith("script-src-attr") for v in violations), violations


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "site"
    # Raw HTML in a body is refused (test_markdown): there its '<' are escaped, as a contributor would write them.
    content = hostile_content(root / "content", HOSTILE, markdown_text=HOSTILE.replace("<", "\\<"))
    with served(folder, policy=None) as url:
        report = build(Options(content=content, out=folder, base_url=url))
        assert report.search is not None and report.search.built, report.search
        yield url


@pytest.mark.parametrize(
    "path",
    [
        "",
        "threads/main/",
        "controversies/hostile/",
        "controversies/other/",
        "proponents/",
        "proponents/alice/",
        "sources/",
        "timeline/",
        "updates/",
        "no-such-page/",
    ],
)
def test_hostile_content_runs_nothing_on_any_page(browser: Browser, hostile_site: str, path: str) -> None:
    dialogs: list[str] = []
    page = open_page(browser, hostile_site + path, dialogs)
    page.mouse.move(200, 200)  # hover handlers, had any survived
    page.mouse.move(400, 300)
    assert dialogs == []
    assert page.evaluate("window.__violations") == []
    assert page.evaluate(DOM_CHECK) == []
    if path == "controversies/hostile/":
        expect(page.locator("h1")).to_have_text(" ".join(HOSTILE.split()))
        assert page.title().startswith(" ".join(HOSTILE.split()))


def test_hostile_content_found_by_search_is_shown_as_text(browser: Browser, hostile_site: str) -> None:
    """Pagefind's index holds the raw characters; the search page must render them as text."""
    dialogs: list[str] = []
    page = open_page(browser, hostile_site + "search/?q=onerror+alert", dialogs)
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    assert results.count() >= 3
    titles = page.locator(".result-title").all_inner_texts()
    assert " ".join(HOSTILE.split()) in [" ".join(t.split()) for t in titles], titles
    expect(page.locator(".result-excerpt").first).to_contain_text(re.compile("onerror|alert"))
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__violations") == []
    assert page.evaluate(DOM_CHECK) == []
