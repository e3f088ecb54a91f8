"""``build.py serve``: build, serve on 127.0.0.1 with livereload, rebuild on every change.

The server never shows a half-written page: a rebuild renders only the pages an edit touched
(``reuse/incremental.py``), all of them before writing any, then replaces each file atomically in the
folder it published (``write.patch``); the data files, feeds and sitemap it touched are made and written
in the event loop's next turn, once the browser was told to reload. An edit that touches most pages
gets a normal staged build.
When the content is broken the problems are printed and every page request gets an error page
listing them (livereload's script is injected, so the page reloads itself once the file is
fixed); the last good site stays on disk untouched.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import gc
import hashlib
import html
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from livereload import Server
from livereload.handlers import StaticFileHandler
from markupsafe import escape
from tornado.ioloop import IOLoop

from . import csp
from .errors import ContentErrors
from .options import template_problem
from .pipeline import Options, OutputRefused, TemplateError, at_once, build
from .reuse.search import refresh_index
from .reuse.session import BuildSession


class SearchRefresher:
    """Brings the search index up to date in the background after pages were patched in place.

    Pagefind reads every page (seconds, in a large record): the browser reloads without
    waiting for it, and search answers from the previous index until the new one is swapped in.
    Requests made while it runs are served by one more run.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Path | None = None
        self.running = False

    def request(self, site: Path) -> None:
        with self.lock:
            self.pending = site
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._run, name="search-index", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.lock:
                site, self.pending = self.pending, None
                if site is None:
                    self.running = False
                    return
            result = refresh_index(site)
            print(result.message, file=sys.stderr)

    def wait(self, timeout: float = 60) -> None:
        """Until no run is pending (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.running:
                    return
            time.sleep(0.02)


@contextlib.contextmanager
def collection_deferred(resume: Callable[[Callable[[], None]], object] | None = None) -> Iterator[None]:
    """The cyclic garbage collector paused for a rebuild, and resumed by ``resume`` (default: at once).

    A rebuild allocates a few million short-lived objects, which the collector would scan many times
    over during the rebuild. ``serve`` resumes it in the next turn of its event loop, once
    livereload has told the browser to reload: the objects are then scanned once, off the wait.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            (resume or at_once)(gc.enable)


class DevState:
    """The outcome of the latest build, shared with the request handler."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.search = SearchRefresher()
        self.resume: Callable[[Callable[[], None]], object] | None = None
        """Runs a callback after the browser was told to reload (``collection_deferred``); ``None``: at once."""
        self.session = BuildSession()
        """What each rebuild reuses from the ones before."""

    def rebuild(self, options: Options) -> bool:
        """Build once; remember and print the problems. True when the site was replaced."""
        try:
            with collection_deferred(self.resume):
                report = build(options, self.session, self._after_reload if self.resume else None)
        except ContentErrors as exc:
            problems = [str(e) for e in exc.errors]
        except OutputRefused as exc:
            problems = [f"error: {exc}"]
        except (TemplateError, jinja2.TemplateError) as exc:  # a template being edited: shown like content problems
            problems = [template_problem(exc, options.templates) or str(exc)]
        except OSError as exc:  # e.g. the output's disk is full; the last good site stays
            problems = [f"error: could not write the site: {exc}"]
        else:
            problems = []
            for warning in report.warnings:
                print(warning, file=sys.stderr)
            seconds = sum(report.timings.values())
            print(f"Rebuilt {len(report.files)} files ({report.rendered} rendered) in {seconds:.2f}s", file=sys.stderr)
            if report.patched and options.search:
                self.search.request(options.out.absolute())
            if report.search is not None and not report.search.built:
                print(report.search.message, file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        with self.lock:
            self.problems = problems
        return not problems

    def _after_reload(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` (writing the files no page loads) through ``resume``; a failure is printed, and
        the next rebuild makes those files again (``pipeline.build``)."""

        def run() -> None:
            try:
                callback()
            except OSError as exc:
                print(f"error: could not write the site: {exc}", file=sys.stderr)

        assert self.resume is not None
        self.resume(run)

    def error_page(self) -> str | None:
        with self.lock:
            if not self.problems:
                return None
            items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in self.problems)
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed — The Ledger</title></head>"
            "<body style='font-family:system-ui,sans-serif;max-width:80ch;margin:2rem auto;padding:0 1rem'>"
            "<h1>The site could not be rebuilt</h1>"
            f"<p>Fix these problems and save; this page reloads by itself.</p><ul>{items}</ul>"
            "</body></html>"
        )


def _live_script_hash(transforms: list[type]) -> str | None:
    """sha256 (base64) of the inline script livereload injects into pages, for the pages' CSP."""
    for transform in transforms:
        script = getattr(transform, "script", None)
        if isinstance(script, bytes) and (m := re.fullmatch(rb"<script[^>]*>(.*)</script>", script, re.DOTALL)):
            return base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
    return None


def handler_for(state: DevState) -> type[StaticFileHandler]:
    """A static file handler that answers page requests with the error page while the build is broken.

    Pages are served with their Content-Security-Policy widened by exactly one hash: that of the
    live-reload snippet, so the strict policy stays on while editing and reloading still works.
    """

    class Handler(StaticFileHandler):  # type: ignore[misc]
        def get(self, path: str, include_body: bool = True) -> object:
            is_page = path == "" or path.endswith("/") or path.endswith(".html")
            page = state.error_page()
            if page is not None and is_page:
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(page)
                return None
            file = Path(self.root, path)
            file = file / "index.html" if file.is_dir() else file
            sha = _live_script_hash(self.application.transforms)
            if is_page and sha and file.is_file() and Path(self.root).resolve() in file.resolve().parents:
                policy = str(escape(csp.META_POLICY))  # as Jinja wrote it into the page
                widened = str(escape(csp.with_inline_script(csp.META_POLICY, sha)))
                self.absolute_path = str(file)  # tornado's etag reads it
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(file.read_text(encoding="utf-8").replace(policy, widened, 1))
                return None
            return super().get(path, include_body)

    return Handler


def serve(options: Options, port: int = 8000, host: str = "127.0.0.1") -> int:
    """Serve until interrupted; always exits 0 (content errors are shown, not fatal)."""
    options = dataclasses.replace(options, base_url=options.base_url or f"http://{host}:{port}/")
    state = DevState()
    state.rebuild(options)
    Path(options.out).mkdir(parents=True, exist_ok=True)
    server = Server()
    server.SFH = handler_for(state)
    state.resume = lambda callback: IOLoop.current().add_callback(callback)  # rebuilds run in the server's loop
    for folder in (options.content, options.templates, options.static):
        server.watch(str(folder), lambda: state.rebuild(options), delay=0.2)
    server.serve(port=port, host=host, root=str(options.out), open_url_delay=None, restart_delay=0)
    return 0
