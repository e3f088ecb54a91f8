"""``build.py serve``: serves the site, shows content errors in the browser, recovers on fix."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import PROJECT, make_content


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


@pytest.fixture
def server(tmp_path: Path):
    content = make_content(tmp_path / "content")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "build.py"),
            "serve",
            "--content",
            "content",
            "--out",
            "site",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base)[0] == 200)
        yield base, content
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_shows_errors_and_recovers(server) -> None:
    base, content = server
    page = base + "controversies/first/"
    status, body = fetch(page)
    assert status == 200 and "Is the First Question Settled?" in body
    assert "livereload.js" in body

    first = content / "controversies" / "first.md"
    good = first.read_text()
    first.write_text(good.replace("confidence: high", "confidence: hgih"))
    wait_for(lambda: fetch(page)[0] == 500)
    status, body = fetch(page)
    assert "content/controversies/first.md:12: &#x27;confidence&#x27; must be one of low, medium, high" in body
    assert fetch(base + "static/style.css")[0] == 200  # assets of the last good site still load

    first.write_text(good.replace("Yes, it is.", "Yes, it is now."))
    wait_for(lambda: fetch(page)[0] == 200)
    assert "Yes, it is now." in fetch(page)[1]
