"""``build.py serve``: build, serve on 127.0.0.1 with livereload, rebuild on every change.

The server never shows a half-built site: each rebuild goes through the normal atomic build, which
re-renders only the pages an edit touched (``incremental.py``) and keeps parses in memory.
When the content is broken the problems are printed and every page request gets an error page
listing them (livereload's script is injected, so the page reloads itself once the file is
fixed); the last good site stays on disk untouched.
"""

from __future__ import annotations

import dataclasses
import html
import sys
import threading
from pathlib import Path

from livereload import Server
from livereload.handlers import StaticFileHandler

from .errors import ContentErrors
from .pipeline import Options, OutputRefused, TemplateError, build


class DevState:
    """The outcome of the latest build, shared with the request handler."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.problems: list[str] = []

    def rebuild(self, options: Options) -> bool:
        """Build once; remember and print the problems. True when the site was replaced."""
        try:
            report = build(options)
        except ContentErrors as exc:
            problems = [str(e) for e in exc.errors]
        except (OutputRefused, TemplateError) as exc:
            problems = [f"error: {exc}"]
        else:
            problems = []
            for warning in report.warnings:
                print(warning, file=sys.stderr)
            seconds = sum(report.timings.values())
            print(f"Rebuilt {len(report.files)} files ({report.rendered} rendered) in {seconds:.2f}s", file=sys.stderr)
            if report.search is not None and not report.search.built:
                print(report.search.message, file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        with self.lock:
            self.problems = problems
        return not problems

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


def handler_for(state: DevState) -> type[StaticFileHandler]:
    """A static file handler that answers page requests with the error page while the build is broken."""

    class Handler(StaticFileHandler):  # type: ignore[misc]
        def get(self, path: str, include_body: bool = True) -> object:
            page = state.error_page()
            if page is not None and (path == "" or path.endswith("/") or path.endswith(".html")):
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(page)
                return None
            return super().get(path, include_body)

    return Handler


def serve(options: Options, port: int = 8000, host: str = "127.0.0.1") -> int:
    """Serve until interrupted; always exits 0 (content errors are shown, not fatal)."""
    options = dataclasses.replace(options, base_url=options.base_url or f"http://{host}:{port}/", memory=True)
    state = DevState()
    state.rebuild(options)
    Path(options.out).mkdir(parents=True, exist_ok=True)
    server = Server()
    server.SFH = handler_for(state)
    for folder in (options.content, options.templates, options.static):
        server.watch(str(folder), lambda: state.rebuild(options), delay=0.2)
    server.serve(port=port, host=host, root=str(options.out), open_url_delay=None, restart_delay=0)
    return 0
