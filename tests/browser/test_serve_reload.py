"""``build.py serve`` in Chromium: the page reloads itself on a save, under the pages' strict CSP.

livereload injects an inline script; the dev server widens the page's policy by that script's hash
only, so live reload works while everything else the policy forbids stays forbidden.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..helpers import PROJECT, make_content
from ..test_serve import fetch, free_port, wait_for
from .test_security import WATCH


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    content = make_content(tmp_path / "content")
    port = free_port()
    command = [sys.executable, str(PROJECT / "build.py"), "serve", "--content", "content", "--out", "site"]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            wait_for(lambda: fetch(base)[0] == 200)
            yield base, content
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_saved_change_reloads_the_open_page_with_no_policy_violation(browser: Browser, served) -> None:
    base, content = served
    page = browser.new_context().new_page()
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with page.expect_websocket(timeout=15_000) as connection:  # opened by livereload.js, loaded by the snippet
        page.goto(base + "controversies/first/", wait_until="load")
    connection.value.wait_for_event("framereceived", timeout=15_000)  # the server's hello: it will notify us
    expect(page.locator("h1")).to_have_text("Is the First Question Settled?")
    page.wait_for_timeout(3_000)  # livereload ignores changes within ~3 s of its start (its burst guard)

    first = content / "controversies" / "first.md"
    first.write_text(first.read_text().replace("Is the First Question Settled?", "Is It Settled Now?"))
    expect(page.locator("h1")).to_have_text("Is It Settled Now?", timeout=20_000)  # no reload() called here
    assert page.evaluate("window.__violations") == []
    assert errors == []
