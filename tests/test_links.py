"""``build.py links`` against a local HTTP server that answers every way a real one can; never the internet."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from ledger.links import Pacer

from .helpers import make_content

TIMEOUT = "1.5"
"""Seconds before a page counts as not answering: ample for the local server, even on a loaded machine."""
FAST = ["--timeout", TIMEOUT, "--retries", "1", "--backoff", "0.01", "--per-host", "0"]
"""Options that keep a run to a few seconds (the slow page's two timeouts), yet give a loaded machine time."""
WAYBACK = "https://web.archive.org/web/20240913230723/https://example.org/post"
ARCHIVE_PH = "https://archive.ph/AbCdE"


class Handler(BaseHTTPRequestHandler):
    """Each path answers one way; ``hits`` counts (method, path) so tests see retries and the cache."""

    hits: ClassVar[Counter[tuple[str, str]]] = Counter()
    agents: ClassVar[set[str]] = set()
    released: ClassVar[threading.Event] = threading.Event()

    def answer(self) -> None:
        self.hits[(self.command, self.path)] += 1
        self.agents.add(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/slow":
            self.released.wait(5)  # answers only once the test is over
        if path == "/flaky" and self.hits[(self.command, path)] == 1:
            status = 503
        elif path == "/busy" and self.hits[(self.command, path)] == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            status = {"/missing": 404, "/gone": 410, "/broken": 500}.get(path, 200)
        if path == "/no-head" and self.command == "HEAD":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    do_HEAD = do_GET = answer

    def log_message(self, *args: object) -> None:  # quiet test output
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (the timeout tests) is expected: no traceback on stderr."""


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections anywhere but this machine are refused before any name lookup: no test reaches the internet."""
    connect = socket.create_connection

    def local_only(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"test: {address[0]} is not this machine")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)


@pytest.fixture
def origin() -> Iterator[str]:
    Handler.hits.clear()
    Handler.agents.clear()
    Handler.released.clear()
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        Handler.released.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: connections to it are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def content(tmp_path: Path, origin: str, closed_port: int) -> Path:
    sources = f"""\
paper-one:
  title: The First Paper
  date: 2020-01-23
  url: {origin}/ok
  kind: paper

post-two:
  title: A Second Post
  url: {origin}/missing
  archived: {WAYBACK}
  kind: blog

book-three:
  title: A Third Book
  url: {origin}/gone
  kind: report

moved-four:
  title: Moved
  url: {origin}/moved
  kind: blog

broken-five:
  title: Broken
  url: {origin}/broken
  kind: blog

no-head-six:
  title: No HEAD
  url: {origin}/no-head
  kind: blog

slow-seven:
  title: Slow
  url: {origin}/slow
  kind: blog

closed-eight:
  title: Closed
  url: http://127.0.0.1:{closed_port}/
  kind: blog

flaky-nine:
  title: Flaky
  url: {origin}/flaky
  kind: blog

dead-ten:
  title: Known dead
  url: {origin}/missing?known
  archived: {ARCHIVE_PH}
  url_status: dead
  kind: blog

busy-eleven:
  title: Busy
  url: {origin}/busy
  kind: blog
"""
    proponents = (
        f"alice:\n  name: Alice\n  kind: person\n  url: {origin}/ok\n\nbig-lab:\n  name: Big Lab\n  kind: group\n"
    )
    root = make_content(tmp_path / "content", files={"sources.yaml": sources, "proponents.yaml": proponents})
    thread = root / "threads/main-thread.md"
    thread.write_text(thread.read_text() + f"\nSee [the notes]({origin}/gone) and <{origin}/ok>.\n")
    return root


def lines_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line]


def test_every_way_a_url_can_fail_is_reported_at_its_line(tmp_path: Path, origin, closed_port, run) -> None:
    root = content(tmp_path, origin, closed_port)
    code, out, err = run(tmp_path, "links", "--content", "content", "--no-cache", *FAST)
    assert code == 1
    thread_line = len((root / "threads/main-thread.md").read_text().splitlines())
    assert lines_of(err) == [
        f"content/sources.yaml:9: {origin}/missing answered 404 (archived copy: {WAYBACK})",
        f"content/sources.yaml:10: {WAYBACK} refused the connection (this is the archived copy)",
        f"content/sources.yaml:15: {origin}/gone answered 410 (archived copy: none — add archived:)",
        f"content/sources.yaml:20: note: {origin}/moved moved permanently to {origin}/ok: consider updating the URL",
        f"content/sources.yaml:25: {origin}/broken answered 500 (archived copy: none — add archived:)",
        f"content/sources.yaml:35: {origin}/slow timed out after {TIMEOUT} s (archived copy: none — add archived:)",
        f"content/sources.yaml:40: http://127.0.0.1:{closed_port}/ refused the connection "
        "(archived copy: none — add archived:)",
        f"content/sources.yaml:51: {ARCHIVE_PH} refused the connection (this is the archived copy)",
        f"content/threads/main-thread.md:{thread_line}: {origin}/gone answered 410",
    ]
    assert lines_of(out) == [
        "links: 12 URLs in 15 places (0 known to work from the last 7 days, not asked again): "
        "8 failing, 1 moved permanently"
    ]


def test_head_refused_is_asked_again_with_get_and_transient_answers_are_retried(
    tmp_path: Path, origin, closed_port, run
) -> None:
    content(tmp_path, origin, closed_port)
    run(tmp_path, "links", "--content", "content", "--no-cache", *FAST)
    hits = Handler.hits
    assert hits[("HEAD", "/no-head")] == 1 and hits[("GET", "/no-head")] == 1
    assert hits[("HEAD", "/flaky")] == 2  # 503, then 200 on the retry: not reported
    assert hits[("HEAD", "/busy")] == 2  # 429 with Retry-After, then 200
    assert hits[("HEAD", "/broken")] == 2  # 500 twice: one retry, then reported
    assert hits[("HEAD", "/slow")] == 2  # a timeout is retried too
    assert hits[("HEAD", "/missing")] == 1  # a 404 is final: no retry
    assert hits[("HEAD", "/missing?known")] == 0  # marked dead: the record already says so
    assert hits[("HEAD", "/ok")] == 1  # used three times, asked once
    (agent,) = Handler.agents
    assert agent.startswith("TheLedger-links/1 (+https://github.com/")


def test_working_urls_are_remembered_and_not_asked_again(tmp_path: Path, origin, closed_port, run) -> None:
    content(tmp_path, origin, closed_port)
    cache = tmp_path / "cache"
    first = run(tmp_path, "links", "--content", "content", "--cache", str(cache), *FAST)
    stored = json.loads((cache / "links.json").read_text())
    assert sorted(stored) == sorted(f"{origin}{p}" for p in ("/ok", "/moved", "/no-head", "/flaky", "/busy"))
    assert stored[f"{origin}/moved"]["moved_to"] == f"{origin}/ok"
    Handler.hits.clear()
    second = run(tmp_path, "links", "--content", "content", "--cache", str(cache), *FAST)
    assert second[0] == 1 and second[2] == first[2]  # the same report
    asked = {path for _, path in Handler.hits}
    assert asked == {"/missing", "/gone", "/broken", "/slow"}  # failures only: the working ones came from the cache
    Handler.hits.clear()
    run(tmp_path, "links", "--content", "content", "--cache", str(cache), "--max-age", "0", *FAST)
    assert ("HEAD", "/ok") in Handler.hits  # too old to reuse


def test_github_format_annotates_the_lines(tmp_path: Path, origin, closed_port, run) -> None:
    content(tmp_path, origin, closed_port)
    code, out, _ = run(tmp_path, "links", "--content", "content", "--no-cache", "--format", "github", *FAST)
    assert code == 1
    assert (
        f"::error file=content/sources.yaml,line=15::{origin}/gone answered 410 (archived copy: none — add archived:)"
        in out
    )
    assert f"::notice file=content/sources.yaml,line=20::{origin}/moved moved permanently to {origin}/ok" in out


def test_a_record_whose_urls_all_work_exits_0(tmp_path: Path, origin, run) -> None:
    make_content(
        tmp_path / "content",
        files={
            "sources.yaml": f"book-three:\n  title: T\n  url: {origin}/ok\n  kind: blog\n",
            "proponents.yaml": "alice:\n  name: Alice\n  kind: person\n",
        },
    )
    for md in (tmp_path / "content/controversies").glob("*.md"):
        md.unlink()
    code, out, err = run(tmp_path, "links", "--content", "content", "--no-cache", *FAST)
    assert (code, err) == (0, "")
    assert out.startswith("links: 1 URLs in 1 places")


def test_invalid_content_is_reported_as_check_reports_it(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content", files={"sources.yaml": "x:\n  title: T\n  kind: blog\n  url: nope\n"})
    code, _, err = run(tmp_path, "links", "--content", "content", "--no-cache")
    assert code == 1
    assert "content/sources.yaml:4: 'url' must be an http:// or https:// URL, got 'nope'" in err


def test_the_pacer_spaces_requests_to_one_host_but_not_to_others() -> None:
    pacer = Pacer(0.2)
    start = time.monotonic()
    for _ in range(3):
        pacer.wait("http://a.example/1")
    assert time.monotonic() - start >= 0.4  # the 2nd and 3rd waited their turn
    start = time.monotonic()
    pacer.wait("http://b.example/1")
    assert time.monotonic() - start < 0.2  # another host need not wait for a.example
