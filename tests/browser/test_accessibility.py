"""Accessibility in a real browser: axe-core on every page kind (light and dark), keyboard use."""

from __future__ import annotations

import json

import pytest

from .conftest import ARTIFACTS, PAGES, Reader

SERIOUS = ("serious", "critical")


def axe_violations(page, axe_url: str) -> list[dict]:
    """axe-core's WCAG 2.x A/AA and best-practice violations for the page as it is now."""
    page.add_script_tag(url=axe_url)
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
          });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " — " + n.failureSummary),
          }));
        }"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_serious_or_critical_violations(reader: Reader, axe_source: str, kind: str, scheme: str) -> None:
    page = reader.open(PAGES[kind], scheme=scheme, status=404 if kind == "404" else 200)
    if kind == "search":
        page.locator(".search-result").first.wait_for()
    violations = axe_violations(page, axe_source)
    report = ARTIFACTS / "axe" / f"{kind}-{scheme}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(violations, indent=2) + "\n", encoding="utf-8")
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], json.dumps(serious, indent=2)


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            tag: el.tagName.toLowerCase(), text: el.textContent.trim().slice(0, 60), href: el.getAttribute("href"),
            inMain: !!el.closest("main"), outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            visible: box.width > 0 && box.height > 0 && box.top >= -1 && box.bottom <= innerHeight + 1
                     && box.left >= -1 && box.right <= innerWidth + 1,
          };
        }"""
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_skip_link_is_the_first_stop_and_jumps_to_the_content(reader: Reader, width: int) -> None:
    page = reader.open(PAGES["controversy"], width=width)
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["text"] == "Skip to content" and skip["href"] == "#main", skip
    assert skip["visible"] and skip["outline"] != "none" and skip["outlineWidth"] >= 2, skip
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    after = _focused(page)
    assert after["inMain"], f"the next Tab after the skip link should land in the content, not {after}"


def test_every_keyboard_stop_shows_a_visible_focus_ring(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    count = page.evaluate("document.querySelectorAll('a[href], button, input, [tabindex]').length")
    seen = []
    for _ in range(count):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] == "body":
            break
        seen.append(focused)
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused
        assert focused["visible"], f"focused element scrolled out of view: {focused}"
    tags = {f["tag"] for f in seen}
    assert {"a", "input", "button"} <= tags, tags
    assert len(seen) >= 30


def test_a_chip_can_be_reached_and_followed_with_the_keyboard(reader: Reader) -> None:
    page = reader.open(PAGES["controversy"])
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Gary Marcus":
            break
    else:
        pytest.fail("the Gary Marcus chip is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/proponents/gary-marcus/")
    assert page.locator("h1").inner_text() == "Gary Marcus"
