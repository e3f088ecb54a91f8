"""``build.py serve`` in Chromium: the page reloads itself on a save, under the pages' strict CSP.

livereload injects an inline script; the dev server widens the page's policy by that script's hash
only, so live reload works while everything else the policy forbids stays forbidden.
"""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from .test_security import WATCH


def test_a_saved_change_reloads_the_open_page_with_no_policy_violation(browser: Browser, server) -> None:
    base, content = server
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
