"""How the Ledger works (/methodology/): what each level and status means, stated from the schema, and every
badge on the site linking to its meaning."""

from __future__ import annotations

from pathlib import Path

from ledger.markdown import SYNTHESIS_NOTE
from ledger.schema import CONFIDENCE_MEANINGS, SOURCE_KIND_MEANINGS, STATUS_MEANINGS

from .helpers import follow, html, page_file, text


def _meaning(page, anchor: str) -> str:
    (term,) = page.xpath(f"//dt[@id='{anchor}']")
    return text(term.getnext())


def test_the_page_states_each_level_status_and_kind_as_the_schema_defines_it(shipped_site: Path) -> None:
    page = html(page_file(shipped_site, "methodology/"))
    assert text(page.xpath("//h1")[0]) == "How the Ledger works"
    for level, meaning in CONFIDENCE_MEANINGS.items():
        assert _meaning(page, f"confidence-{level}") == meaning
        assert text(page.xpath(f"//dt[@id='confidence-{level}']")[0]) == f"Confidence: {level.capitalize()}"
    for status, meaning in STATUS_MEANINGS.items():
        assert _meaning(page, f"status-{status}") == meaning
    kinds = [text(dt) for dt in page.xpath("//dl[contains(@class, 'kinds')]/dt")]
    assert kinds == list(SOURCE_KIND_MEANINGS)
    body = text(page)
    for heading in ("How they move", "Sources", "Markers in the text", "Contributing"):
        assert heading in [text(h) for h in page.xpath("//h2")], heading
    assert "[citation needed]" in body and "[Ledger synthesis]" in body and SYNTHESIS_NOTE in body
    assert page.xpath("//a[contains(@href, 'CONTRIBUTING.md')]")


def test_every_confidence_and_status_badge_links_to_its_meaning(shipped_site: Path) -> None:
    checked = 0
    for url in [
        "controversies/data-wall-synthetic-data/",
        "controversies/scaling-laws-hitting-a-wall/",
        "proponents/gary-marcus/",
    ]:
        page = html(page_file(shipped_site, url))
        badges = page.xpath(
            "//main//*[contains(@class, 'badge') and (contains(@class, 'confidence') or contains(@class, 'status'))]"
        )
        assert badges, url
        for badge in badges:
            assert badge.tag == "a", (url, text(badge))
            href = badge.get("href")
            level = text(badge).split(":")[1].strip().lower()
            kind = "confidence" if "confidence" in badge.get("class") else "status"
            assert href.endswith(f"methodology/#{kind}-{level}"), href
            assert follow(shipped_site, "/" + url, href) == page_file(shipped_site, "methodology/")
            checked += 1
    assert checked > 10
    footer = html(page_file(shipped_site, "sources/")).xpath(
        "//footer[@class='site-footer']//a[.='How the Ledger works']"
    )
    assert len(footer) == 1


def test_the_page_explains_why_a_position_has_its_level(shipped_site: Path) -> None:
    page = html(page_file(shipped_site, "methodology/"))
    (why,) = page.xpath("//p[@id='why-this-level']")
    assert why.xpath("preceding-sibling::h2[1]/@id") == ["confidence"]
    said = text(why)
    assert "“Why medium: …”" in said and "numbered reference" in said and "never cites the Ledger itself" in said
