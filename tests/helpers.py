"""Small helpers shared by the tests: content trees, CLI runs, parsed HTML and a link checker."""

from __future__ import annotations

import hashlib
import posixpath
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"
SHIPPED = PROJECT / "content"


def make_content(
    dest: Path, base: Path = MINIMAL, overlay: Path | None = None, files: dict[str, str] | None = None
) -> Path:
    """A content folder at ``dest``: ``base`` copied, then ``overlay``'s files and ``files`` written over it."""
    shutil.copytree(base, dest)
    if overlay is not None:
        for file in overlay.rglob("*"):
            if file.is_file() and file.name != "expected.txt":
                target = dest / file.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(file, target)
    for name, text in (files or {}).items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(text, encoding="utf-8")
    return dest


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, keyed by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def text(element: lxml.html.HtmlElement) -> str:
    """Visible text with whitespace collapsed, as a reader would see it."""
    return " ".join(element.text_content().split())


def page_file(site: Path, url_path: str) -> Path:
    """The file a static server returns for site-relative ``url_path``."""
    target = site / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def follow(site: Path, page_url: str, href: str, base_path: str = "/") -> Path | None:
    """The file a browser on ``page_url`` (site-relative, e.g. ``/a/b/``) reaches by ``href``.

    ``None`` for external links; a root-relative link must stay under ``base_path``.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page_file(site, page_url)
    if parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return site / "__outside_base_path__"
        return page_file(site, "/" + parts.path[len(base_path) :])
    directory = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    resolved = posixpath.normpath(posixpath.join(directory, parts.path))
    if resolved.startswith(".."):
        return site / "__above_site_root__"
    return page_file(site, resolved + ("/" if parts.path.endswith("/") else ""))


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link (href/src) in the site's HTML that does not resolve to a file and anchor.

    ``base_path`` is the URL path the site is published under, for root-relative links.
    """
    broken: list[str] = []
    trees = {page: html(page) for page in sorted(site.rglob("*.html"))}  # each page parsed once
    ids: dict[Path, set[str]] = {}

    def ids_of(file: Path) -> set[str]:
        if file not in ids:
            tree = trees.get(file) if file in trees else (html(file) if file.suffix == ".html" else None)
            ids[file] = set(tree.xpath("//@id")) if tree is not None else set()
        return ids[file]

    for page, tree in trees.items():
        page_url = "/" + page.relative_to(site).as_posix()
        for _element, _attribute, link, _ in tree.iterlinks():
            target = follow(site, page_url, link, base_path)
            fragment = urlsplit(link).fragment
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{page_url}: {link} (no file)")
            elif fragment and fragment not in ids_of(target):
                broken.append(f"{page_url}: {link} (no id '{fragment}')")
    return broken


# --- A running `build.py serve` (tests/conftest.py's `server` fixture starts one) ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
