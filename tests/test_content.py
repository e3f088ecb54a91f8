"""The shipped record itself: the Scaling Laws Debate thread, sourced, dated and labelled.

These tests read the built site (what readers get) and the content files (what contributors
write); they fail when content drifts from the Ledger's sourcing rules.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest

from ledger.model import PartialDate
from ledger.schema import SOURCE_KINDS
from ledger.values import parse_partial_date

from .helpers import SHIPPED, follow, html, text
from .test_export import round_trip_problems

THREAD = "scaling-laws-debate"
SEEDS = {
    "seed-gpt5-scaling-wall-reality-check": "000",
    "seed-exobrain-scaling-wall": "001",
    "seed-china-daily-brief-cracks": "002",
    "seed-shtefai-scaling-mirage": "004",
}
# Claims that appear only in the seed articles (or rest on anonymous sourcing) and could not be
# verified: wherever a body mentions one, the sentence must cite a source carrying a reliability note.
UNVERIFIED_CLAIMS = (
    "Liang et al.",
    "Scaling Laws in the Wild",
    "PRISM",
    "IEEE Spectrum",
    "Noam Brown",
    "100,000 times",
    "memo",
    "downgrade",  # of GPT-5.5, per seed 002 (GPT-5.5 itself was released on 23 April 2026)
    '"bug"',
    "north of $200 million",
    "1% of the cost",
    "admitted privately",
)


@pytest.fixture(scope="module")
def ledger(shipped_site: Path) -> dict:
    return json.loads((shipped_site / "data/ledger.json").read_text(encoding="utf-8"))


def thread_controversies(ledger: dict) -> list[dict]:
    return [c for c in ledger["controversies"] if c["thread"] == THREAD]


def test_the_thread_has_at_least_six_controversies(shipped_site: Path, ledger: dict) -> None:
    assert len(thread_controversies(ledger)) >= 7  # the reference page and at least six more
    page = html(shipped_site / f"threads/{THREAD}/index.html")
    rows = page.xpath("//table[@class='controversies']/tbody/tr")
    assert len(rows) == len(thread_controversies(ledger))


@pytest.mark.parametrize("slug", sorted(p.stem for p in (SHIPPED / "controversies").glob("*.md")))
def test_every_controversy_is_complete_and_every_position_sourced(shipped_site: Path, slug: str) -> None:
    page = html(shipped_site / f"controversies/{slug}/index.html")
    headings = [text(h) for h in page.xpath("//article/h2")]
    assert headings[:3] == ["Context", "Key Tensions", "Status"]
    assert page.xpath("//article/p/sup[@class='cite']"), "the body cites its sources inline"
    positions = page.xpath("//section[@class='position']")
    assert 2 <= len(positions) <= 4
    for section in positions:
        assert section.xpath(".//ul[@class='position-sources']/li"), section.get("id")
        assert section.xpath(".//a[@class='chip']"), section.get("id")
        assert section.xpath(".//*[contains(@class, 'badge') and contains(@class, 'confidence')]"), section.get("id")
    assert page.xpath("//section[@class='see-also']//a")
    links = page.xpath("//section[@class='see-also']//a/@href")
    assert slug == "scaling-laws-hitting-a-wall" or "../../controversies/scaling-laws-hitting-a-wall/" in links


def test_the_reference_controversy_links_every_other_one_both_ways(shipped_site: Path, ledger: dict) -> None:
    page = html(shipped_site / "controversies/scaling-laws-hitting-a-wall/index.html")
    linked = {h.split("/")[-2] for h in page.xpath("//section[@class='see-also']//a/@href")}
    assert linked == {c["slug"] for c in thread_controversies(ledger)} - {"scaling-laws-hitting-a-wall"}


def test_every_source_has_title_kind_and_a_date_or_an_explicit_undated_marker(shipped_site: Path) -> None:
    page = html(shipped_site / "sources/index.html")
    entries = page.xpath("//ol[@class='bibliography']/li")
    assert len(entries) >= 40
    for li in entries:
        assert text(li.xpath(".//*[@class='ref-title']")[0]), li.get("id")
        (kind,) = li.xpath(".//span[contains(@class, 'kind')]/text()")
        assert kind in SOURCE_KINDS
        dated = li.xpath(".//span[@class='ref-details']/time")
        undated = li.xpath(".//span[@class='ref-details']/abbr[@class='undated']")
        assert len(dated) + len(undated) == 1, li.get("id")
        assert "not yet cited" not in text(li), li.get("id")


def test_undated_seed_articles_say_so_instead_of_inventing_a_date(ledger: dict, shipped_site: Path) -> None:
    for sid in SEEDS:
        source = ledger["sources"][sid]
        assert "date" not in source, sid
        assert source["undated"], sid
    page = html(shipped_site / "sources/index.html")
    (shtef,) = page.xpath("//li[@id='source-seed-shtefai-scaling-mirage']")
    assert "ShtefAI blog, n.d. (The page shows no publication date)." in text(shtef)


def test_seed_articles_are_recorded_as_press_or_opinion_with_a_reliability_label(
    ledger: dict, shipped_site: Path
) -> None:
    bibliography = html(shipped_site / "sources/index.html")
    for sid, number in SEEDS.items():
        source = ledger["sources"][sid]
        assert source["kind"] in ("press", "opinion"), sid
        assert f"Seed article {number}" in source["note"]
        assert source["reliability"], sid
        (entry,) = bibliography.xpath(f"//li[@id='source-{sid}']")
        assert text(entry.xpath(".//span[@class='reliability']")[0]) == f"Reliability: {source['reliability']}"


def test_every_page_citing_a_labelled_source_shows_the_label(shipped_site: Path, ledger: dict) -> None:
    labelled = {sid for sid, s in ledger["sources"].items() if "reliability" in s}
    assert set(SEEDS) <= labelled
    seen = 0
    for record in ledger["controversies"]:
        page = html(shipped_site / f"controversies/{record['slug']}/index.html")
        for number, sid in enumerate(record["references"], start=1):
            if sid in labelled:
                (li,) = page.xpath(f"//li[@id='ref-{number}']")
                assert li.xpath(".//span[@class='reliability']"), (record["slug"], sid)
                seen += 1
    assert seen >= len(SEEDS)


def sentences(markdown: str) -> list[str]:
    """The body's sentences (roughly), each with its citations."""
    flat = re.sub(r"\s+", " ", markdown)
    return re.split(r"(?<=[.!?])\s+(?=[A-Z*\"“])|(?<=\])\s+(?=[A-Z*\"“])", flat)


def test_seed_claims_are_attributed_never_stated_as_fact(ledger: dict) -> None:
    labelled = {sid for sid, s in ledger["sources"].items() if "reliability" in s}
    attribution = re.compile(
        r"\b(asserted|asserts|claimed|claims|said|says|reported|reports|relayed|attributed|speculated|"
        r"called|predicted|likened|described|argued|wrote|cited|according to)\b"
    )
    checked = 0
    bodies = [(c["slug"], c["body_markdown"]) for c in ledger["controversies"]]
    bodies += [(e["id"], e["description"]) for e in ledger["events"]]
    for where, body in bodies:
        for sentence in sentences(body):
            cited = set(re.findall(r"@([a-z0-9-]+)", sentence))
            if cited & set(SEEDS):
                checked += 1
                assert attribution.search(sentence), f"{where}: {sentence}"
            for claim in UNVERIFIED_CLAIMS:
                if claim in sentence:
                    assert cited & labelled, f"{where}: '{claim}' without a labelled source: {sentence}"
    assert checked >= len(SEEDS)


def test_timeline_is_in_date_order_and_links_both_ways(shipped_site: Path, ledger: dict) -> None:
    page = html(shipped_site / "timeline/index.html")
    dates = [parse_partial_date(d) for d in page.xpath("//li[@class='event']//time/@datetime")]
    assert len(dates) >= 15
    assert all(isinstance(d, PartialDate) for d in dates)
    assert [d.key for d in dates] == sorted(d.key for d in dates)
    for year in page.xpath("//section[@class='timeline-year']"):
        heading = int(text(year.xpath("./h2")[0]))
        assert {int(t[:4]) for t in year.xpath(".//time/@datetime")} == {heading}
    for event in page.xpath("//li[@class='event']"):
        links = event.xpath(".//p[@class='event-controversies']/a/@href")
        assert links, event.get("id")
        for href in links:
            controversy = html(follow(shipped_site, "/timeline/", href))
            assert f"../../timeline/#{event.get('id')}" in controversy.xpath("//section[@id='events']//a/@href")
    thread = html(shipped_site / f"timeline/{THREAD}/index.html")
    assert len(thread.xpath("//li[@class='event']")) == len(ledger["events"])


def confidence_moves(ledger: dict) -> list[tuple[dict, dict]]:
    return [(c, e) for c in ledger["controversies"] for e in c["history"] if "confidence" in e]


def test_a_confidence_change_shows_on_the_page_and_in_the_feed(shipped_site: Path, ledger: dict) -> None:
    moves = confidence_moves(ledger)
    assert len(moves) >= 6
    feed = feedparser.parse((shipped_site / "feed.xml").read_bytes())
    assert not feed.bozo
    entries = {e.id: e for e in feed.entries}
    for controversy, entry in moves:
        move = entry["confidence"]
        words = f"Position {entry['position']}: confidence {move['from'].capitalize()} → {move['to'].capitalize()}"
        page = html(shipped_site / f"controversies/{controversy['slug']}/index.html")
        (li,) = page.xpath(f"//li[@id='{entry['id']}']")
        assert words in text(li)
        short = f"Position {entry['position']}: {move['from']} → {move['to']}"
        assert entries[entry["url"]].title == f"{short} — {controversy['title']}"
    # And each position's current confidence is where its trajectory ends.
    for controversy in ledger["controversies"]:
        for position in controversy["positions"]:
            assert position["confidence_history"][-1]["level"] == position["confidence"]


def test_the_json_export_round_trips_against_the_shipped_pages(shipped_site: Path) -> None:
    assert round_trip_problems(shipped_site) == []


def test_an_inconsistent_confidence_in_shipped_content_is_a_located_error(tmp_path: Path, run) -> None:
    content = tmp_path / "content"
    shutil.copytree(SHIPPED, content)
    page = content / "controversies" / "efficiency-substitute-for-scale.md"
    lines = page.read_text().splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.strip() == "confidence: high")
    lines[line - 1] = lines[line - 1].replace("high", "medium")
    page.write_text("\n".join(lines) + "\n")

    code, _, err = run(tmp_path, "check", "--content", "content")

    assert code == 1
    assert re.search(
        rf"^content/controversies/efficiency-substitute-for-scale.md:\d+: position B's last recorded confidence "
        rf"is 'high' but the position says 'medium' \(line {line}\)$",
        err,
        re.MULTILINE,
    ), err
