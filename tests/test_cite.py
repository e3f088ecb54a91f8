"""The bibliography exports parse in the parsers reference managers' users reach for, and say what the sources say."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.bparser import BibTexParser

from ledger import cite
from ledger.model import PartialDate, Source
from ledger.pipeline import Options, build
from ledger.schema import SOURCE_KINDS

from .helpers import FIXTURES, PROJECT, SHIPPED, html, make_content, tree_digest

CSL_SCHEMA = json.loads((FIXTURES / "csl" / "csl-data-subset.json").read_text(encoding="utf-8"))
HOSTILE = r"Braces {a} }b{ 100% & $5 #1 snake_case ~tilde ^caret back\slash </script> “quoted”"
HOSTILE_SOURCE = f"""
hostile-title:
  title: '{HOSTILE}'
  authors: [OpenAI, ARC Prize Foundation, Diego de Las Casas, Ada Lovelace]
  venue: 'Journal of {{Odd}} & Co'
  date: 2024-11
  url: https://example.org/a_b%20c?x=1&y={{2}}
  accessed: 2025-01-02
  kind: paper
"""


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False)
    return {entry["ID"]: entry for entry in bibtexparser.loads(text, parser=parser).entries}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cite")
    content = make_content(root / "content", overlay=FIXTURES / "recorded")
    with (content / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write(HOSTILE_SOURCE)
    build(Options(content=content, out=root / "site", search=False, jobs=1))
    return root / "site"


def sources_of(site: Path) -> dict[str, dict]:
    return json.loads((site / "data" / "ledger.json").read_text(encoding="utf-8"))["sources"]


def test_every_kind_of_source_has_a_type_in_each_format() -> None:
    assert set(cite.TYPES) == set(SOURCE_KINDS)
    assert {t.csl for t in cite.TYPES.values()} <= set(CSL_SCHEMA["items"]["properties"]["type"]["enum"])
    assert {t.ris for t in cite.TYPES.values()} <= set(rispy.TYPE_OF_REFERENCE_MAPPING)


def test_bibtex_export_parses_with_every_source_and_field(site: Path) -> None:
    entries = parse_bibtex((site / "data" / "sources.bib").read_text(encoding="utf-8"))
    sources = sources_of(site)
    assert sorted(entries) == sorted(sources)
    for sid, source in sources.items():
        entry = entries[sid]
        assert entry["ENTRYTYPE"] == cite.TYPES[source["kind"]].bibtex
        assert entry["title"] == cite.bibtex_text(source["title"])
        assert entry.get("url") == (cite.bibtex_url(source["url"]) if "url" in source else None)
        assert entry.get("urldate") == source.get("accessed")
        assert entry.get("date") == source.get("date")
    first = entries["paper-one"]
    assert first["author"] == "Author, Ada and Writer, Bo" and first["journal"] == "arXiv"
    assert (first["year"], first["month"]) == ("2020", "1")


def test_bibtex_escapes_every_special_character_and_keeps_organisations_whole(site: Path) -> None:
    entry = parse_bibtex((site / "data" / "sources.bib").read_text(encoding="utf-8"))["hostile-title"]
    title = entry["title"]
    assert title.count("{") == title.count("}")  # BibTeX counts braces, escaped or not
    for raw, escaped in [("%", r"\%"), ("&", r"\&"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_")]:
        assert title.count(escaped) == HOSTILE.count(raw)
    assert r"{\textbraceleft}a{\textbraceright}" in title and r"back{\textbackslash}slash" in title
    assert "{\\textasciitilde}tilde" in title and "{\\textasciicircum}caret" in title
    assert entry["author"] == "{OpenAI} and {ARC Prize Foundation} and de Las Casas, Diego and Lovelace, Ada"
    assert entry["journal"] == r"Journal of {\textbraceleft}Odd{\textbraceright} \& Co"
    assert entry["url"] == "https://example.org/a_b%20c?x=1&y=%7B2%7D"  # read verbatim: only braces encoded
    assert (entry["date"], entry["urldate"]) == ("2024-11", "2025-01-02")


def test_ris_export_parses_with_every_source(site: Path) -> None:
    records = {r["id"]: r for r in rispy.loads((site / "data" / "sources.ris").read_text(encoding="utf-8"))}
    sources = sources_of(site)
    assert sorted(records) == sorted(sources)
    for sid, source in sources.items():
        assert records[sid]["type_of_reference"] == cite.TYPES[source["kind"]].ris
        assert records[sid]["title"] == " ".join(source["title"].split())
        assert records[sid].get("urls") == ([source["url"]] if "url" in source else None)
    hostile = records["hostile-title"]
    assert hostile["title"] == HOSTILE
    assert hostile["authors"] == ["OpenAI", "ARC Prize Foundation", "de Las Casas, Diego", "Lovelace, Ada"]
    assert (hostile["date"], hostile["access_date"]) == ("2024/11//", "2025/01/02/")


def test_csl_json_export_is_valid_csl_data(site: Path) -> None:
    items = json.loads((site / "data" / "sources.csl.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [item["id"] for item in items] == sorted(sources_of(site))
    hostile = next(item for item in items if item["id"] == "hostile-title")
    assert hostile["title"] == HOSTILE and hostile["URL"] == "https://example.org/a_b%20c?x=1&y={2}"
    assert hostile["author"][:3] == [
        {"literal": "OpenAI"},
        {"literal": "ARC Prize Foundation"},
        {"family": "de Las Casas", "given": "Diego"},
    ]
    assert hostile["issued"] == {"date-parts": [[2024, 11]]} and hostile["accessed"] == {"date-parts": [[2025, 1, 2]]}


def test_a_controversy_exports_exactly_its_references(site: Path) -> None:
    for page in (site / "controversies").iterdir():
        cited = {
            a.get("href").split("#source-")[1]
            for a in html(page / "index.html").xpath("//section[@class='references']//a[contains(@href, '#source-')]")
        }
        base = site / "data" / "controversies" / page.name
        assert set(parse_bibtex(base.with_suffix(".bib").read_text(encoding="utf-8"))) == cited
        assert {r["id"] for r in rispy.loads(base.with_suffix(".ris").read_text(encoding="utf-8"))} == cited
        items = json.loads(Path(f"{base}.csl.json").read_text(encoding="utf-8"))
        jsonschema.validate(items, CSL_SCHEMA)
        assert {item["id"] for item in items} == cited


def test_cite_this_page_offers_bibtex_and_ris_of_the_page(site: Path) -> None:
    page = next((site / "controversies").iterdir())
    root = html(page / "index.html")
    canonical = root.xpath("//link[@rel='canonical']/@href")[0]
    title = root.xpath("//h1")[0].text_content().strip()
    ledger = root.xpath("//meta[@property='og:site_name']/@content")[0]
    entry = parse_bibtex(root.xpath("//pre[@class='cite-bibtex']")[0].text_content())[f"ledger-{page.name}"]
    assert entry["url"] == canonical and entry["author"] == "{" + ledger + "}"
    assert entry["title"] == cite.bibtex_text(title)
    (record,) = rispy.loads(root.xpath("//pre[@class='cite-ris']")[0].text_content())
    assert (record["urls"], record["authors"], record["title"]) == ([canonical], [ledger], title)
    links = root.xpath("//p[@class='cite-files']/a/@href")
    assert f"../../data/controversies/{page.name}.bib" in links and "../../data/sources.csl.json" in links


def test_author_names() -> None:
    assert cite.author_name("Tom B. Brown") == cite.Name(family="Brown", given="Tom B.")
    assert cite.author_name("George van den Driessche").family == "van den Driessche"
    assert cite.author_name("DeepSeek-AI").literal == "DeepSeek-AI"
    assert cite.author_name("Epoch AI").literal == "Epoch AI"
    assert cite.author_name("China Daily Brief", venue="China Daily Brief").literal == "China Daily Brief"


def test_exports_are_sorted_and_independent_of_the_order_of_sources() -> None:
    a = Source("b-id", "B", "press", date=PartialDate(2024), accessed=dt.date(2024, 1, 2))
    b = Source("a-id", "A", "talk", authors=("Some One",))
    for made in cite.FORMATS.values():
        assert made([a, b]) == made([b, a])
    assert cite.bibtex_file([a, b]).index("@misc{a-id") < cite.bibtex_file([a, b]).index("@article{b-id")


def test_renaming_a_source_remakes_its_exports_in_an_incremental_build(tmp_path: Path) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED, content)
    shutil.copytree(PROJECT / "templates", templates)
    options = Options(content=content, out=tmp_path / "site", templates=templates, search=False, cache=tmp_path / "c")
    build(options)
    before = tree_digest(tmp_path / "site")
    sources = content / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    build(options)
    after = tree_digest(tmp_path / "site")
    changed = {file for file in after if after[file] != before[file]}
    assert {"data/sources.bib", "data/sources.ris", "data/sources.csl.json"} <= changed
    assert any(f.startswith("data/controversies/") and f.endswith(".bib") for f in changed)
    assert "title = {Renamed " in (tmp_path / "site" / "data" / "sources.bib").read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "expected", ignore_errors=True)
    build(Options(content=content, out=tmp_path / "expected", templates=templates, search=False, jobs=1))
    assert after == tree_digest(tmp_path / "expected")
