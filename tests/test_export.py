"""The record as data: the JSON export matches the pages, and its documented shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ledger.export import SCHEMA_VERSION
from ledger.pipeline import Options, build

from .helpers import FIXTURES, PROJECT, follow, html, make_content, text


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    out = root / "site"
    build(Options(content=make_content(root / "content", overlay=FIXTURES / "recorded"), out=out))
    return out


def positions_in_html(page) -> set[tuple[Any, ...]]:
    """(letter, claim, confidence, proponent slugs, source ids) of every position a reader sees."""
    sources = {
        li.get("id"): li.xpath(".//a[contains(@href, '#source-')]/@href")[0].split("#source-")[1]
        for li in page.xpath("//section[@class='references']//li")
    }
    found = set()
    for section in page.xpath("//section[@class='position']"):
        letter = section.get("id").removeprefix("position-").upper()
        claim = text(section.xpath(".//h2")[0]).split(": ", 1)[1]
        confidence = (
            text(section.xpath(".//*[contains(@class, 'badge') and contains(@class, 'confidence')]")[0])
            .split(": ")[1]
            .lower()
        )
        proponents = tuple(a.get("href").rstrip("/").rsplit("/", 1)[1] for a in section.xpath(".//a[@class='chip']"))
        cited = tuple(sources[a.get("href")[1:]] for a in section.xpath(".//ul[@class='position-sources']//a"))
        found.add((letter, claim, confidence, proponents, cited))
    return found


def positions_in_json(record: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (p["id"], p["claim"], p["confidence"], tuple(p["proponents"]), tuple(p["sources"])) for p in record["positions"]
    }


def round_trip_problems(site: Path) -> list[str]:
    """Differences between each controversy page and its JSON, in both directions."""
    problems = []
    ledger = json.loads((site / "data/ledger.json").read_text(encoding="utf-8"))
    pages = sorted(p.name for p in (site / "controversies").iterdir())
    if sorted(c["slug"] for c in ledger["controversies"]) != pages:
        problems.append("ledger.json and the site list different controversies")
    for record in ledger["controversies"]:
        page_url = f"/controversies/{record['slug']}/"
        page = html(site / page_url.lstrip("/") / "index.html")
        (link,) = page.xpath("//p[@class='data']/a[text()='Download data']/@href")
        own = json.loads(follow(site, page_url, link).read_text(encoding="utf-8"))
        if own["controversy"] != record:
            problems.append(f"{record['slug']}: its own JSON differs from ledger.json")
        in_html, in_json = positions_in_html(page), positions_in_json(record)
        problems += [f"{record['slug']}: in HTML, not in JSON: {p}" for p in sorted(in_html - in_json)]
        problems += [f"{record['slug']}: in JSON, not in HTML: {p}" for p in sorted(in_json - in_html)]
        history_html = page.xpath("//section[@class='history']//li/@id")
        if history_html != [e["id"] for e in record["history"]]:
            problems.append(f"{record['slug']}: history differs")
        if text(page.xpath("//h1")[0]) != record["title"] or record["status"] not in text(page).lower():
            problems.append(f"{record['slug']}: title or status differs")
    return problems


def test_export_round_trips_against_the_html(recorded: Path) -> None:
    assert round_trip_problems(recorded) == []
    assert len(positions_in_html(html(recorded / "controversies/first/index.html"))) == 3


def test_round_trip_check_notices_a_difference(recorded: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(recorded, copy)
    page = copy / "controversies/first/index.html"
    page.write_text(page.read_text().replace("It depends.", "It depends a lot."))
    assert any("in HTML, not in JSON" in p for p in round_trip_problems(copy))
    assert any("in JSON, not in HTML" in p for p in round_trip_problems(copy))


def test_export_is_versioned_and_self_contained(recorded: Path) -> None:
    ledger = json.loads((recorded / "data/ledger.json").read_text())
    assert ledger["schema_version"] == SCHEMA_VERSION == 1
    assert ledger["site"]["url"] == "https://example.org/"
    assert [e["id"] for e in ledger["events"]] == ["a-book", "first-paper", "the-post", "later-that-month"]
    assert ledger["sources"]["undated-essay"]["undated"] == "The page carries no publication date."
    assert "date" not in ledger["sources"]["undated-essay"]
    first = json.loads((recorded / "data/controversies/first.json").read_text())
    record = first["controversy"]
    assert record["positions"][0]["confidence_history"] == [
        {"level": "low", "since": "2024-01-01"},
        {"level": "medium", "since": "2024-02"},
        {"level": "high", "since": "2024-06-01"},
    ]
    assert record["positions"][2]["added"] == "2024-03-15"
    assert record["history"][1]["confidence"] == {"from": "low", "to": "medium"}
    assert record["events"] == ["a-book", "first-paper", "the-post"]
    assert record["body_markdown"].startswith("## Context\n")
    # Every id the controversy mentions is resolved in the same file.
    assert set(first["sources"]) == {"paper-one", "post-two", "book-three", "note-four", "undated-essay"}
    assert set(first["proponents"]) == {"alice", "big-lab"}
    assert [e["id"] for e in first["events"]] == record["events"]


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def test_every_field_of_the_export_is_documented(recorded: Path) -> None:
    doc = (PROJECT / "docs/data-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", doc))
    ledger = json.loads((recorded / "data/ledger.json").read_text())
    ids = set(ledger["sources"]) | set(ledger["proponents"])  # keys that are ids, not fields
    one = json.loads((recorded / "data/controversies/first.json").read_text())
    one_ids = set(one["sources"]) | set(one["proponents"])
    undocumented = ((keys_of(ledger) - ids) | (keys_of(one) - one_ids)) - documented
    assert undocumented == set()
    assert f"schema_version`: {SCHEMA_VERSION}" in doc or f'"schema_version": {SCHEMA_VERSION}' in doc


def test_data_files_are_indented_json_as_the_standard_library_writes_it(shipped_site: Path) -> None:
    """The exporter uses orjson for speed; its bytes must stay those of ``json.dumps(indent=2)``."""
    files = sorted((shipped_site / "data").rglob("*.json"))
    assert len(files) > 1
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", file


def test_ledger_json_is_standard_json_whatever_the_text_says(tmp_path: Path) -> None:
    """``ledger.json`` is assembled record by record; text that looks like the seam must not move it."""
    content = make_content(tmp_path / "content")
    thread = next((content / "threads").glob("*.md"))
    text = thread.read_text(encoding="utf-8")
    start = text.index("summary:")
    end = text.index("\n", start)
    thread.write_text(text[:start] + 'summary: "(the controversies)"' + text[end:], encoding="utf-8")
    build(Options(content=content, out=tmp_path / "site", search=False))
    raw = (tmp_path / "site" / "data" / "ledger.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert data["threads"][0]["summary"] == "(the controversies)"
    assert [c["slug"] for c in data["controversies"]] == ["first", "second"]
