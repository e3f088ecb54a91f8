"""Controversy pages say what they are to reference managers: Highwire ``citation_*`` tags and schema.org JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ledger.export import SCHEMA_VERSION
from ledger.pipeline import Options, build

from .helpers import FIXTURES, follow, html, make_content, text
from .safety import unsafe_output

HOSTILE_TITLE = '</script><script>alert(1)</script><!-- "x" & y'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("linked")
    content = make_content(root / "content", overlay=FIXTURES / "recorded")
    with (content / "site.yaml").open("a", encoding="utf-8") as site_yaml:
        site_yaml.write(f"license: CC BY 4.0\nlicense_url: {LICENCE}\n")
    build(Options(content=content, out=root / "site", jobs=1))
    return root / "site"


LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def test_without_a_licence_in_site_yaml_none_is_claimed(tmp_path: Path) -> None:
    build(Options(content=make_content(tmp_path / "content"), out=tmp_path / "site", search=False, jobs=1))
    page = html(tmp_path / "site" / "controversies" / "first" / "index.html")
    assert all("license" not in node for node in json_ld(page)["@graph"])
    assert not page.xpath("//a[@rel='license']") and "licen" not in text(page.xpath("//footer")[0]).lower()


def meta(page, name: str) -> list[str]:
    return page.xpath(f"//head/meta[@name='{name}']/@content")


def json_ld(page) -> dict[str, Any]:
    (block,) = page.xpath("//script[@type='application/ld+json']")
    return json.loads(block.text)


def by_type(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert graph["@context"] == "https://schema.org"
    return {node["@type"]: node for node in graph["@graph"]}


def test_every_controversy_page_carries_highwire_tags(site: Path) -> None:
    for folder in (site / "controversies").iterdir():
        page = html(folder / "index.html")
        record = json.loads((site / "data" / "controversies" / f"{folder.name}.json").read_text())["controversy"]
        assert meta(page, "citation_title") == [text(page.xpath("//h1")[0])]
        assert meta(page, "citation_author") == page.xpath("//meta[@property='og:site_name']/@content")
        assert meta(page, "citation_publication_date") == [record["opened"].replace("-", "/")]
        assert meta(page, "citation_online_date") == [record["updated"].replace("-", "/")]
        assert meta(page, "citation_public_url") == page.xpath("//link[@rel='canonical']/@href")


def test_json_ld_describes_the_article_its_citations_and_the_dataset(site: Path) -> None:
    sources = json.loads((site / "data" / "ledger.json").read_text())["sources"]
    for folder in (site / "controversies").iterdir():
        page = html(folder / "index.html")
        record = json.loads((site / "data" / "controversies" / f"{folder.name}.json").read_text())["controversy"]
        nodes = by_type(json_ld(page))
        assert set(nodes) == {"Article", "Dataset"}
        article, dataset = nodes["Article"], nodes["Dataset"]
        canonical = page.xpath("//link[@rel='canonical']/@href")[0]
        assert (article["url"], article["headline"]) == (canonical, text(page.xpath("//h1")[0]))
        assert (article["datePublished"], article["dateModified"]) == (record["opened"], record["updated"])
        assert (
            article["author"]["@type"] == "Organization"
            and article["author"]["name"] == meta(page, "citation_author")[0]
        )
        cited = [
            a.split("#source-")[1] for a in page.xpath("//section[@class='references']//a/@href") if "#source-" in a
        ]
        assert [c["name"] for c in article["citation"]] == [sources[sid]["title"] for sid in dict.fromkeys(cited)]
        for work, sid in zip(article["citation"], dict.fromkeys(cited), strict=True):
            source = sources[sid]
            assert work["@type"] in {
                "ScholarlyArticle",
                "Report",
                "NewsArticle",
                "BlogPosting",
                "Dataset",
                "CreativeWork",
            }
            assert work.get("url") == source.get("url") and work.get("datePublished") == source.get("date")
            assert [a["name"] for a in work.get("author", [])] == source.get("authors", [])
            assert all(a["@type"] in {"Person", "Organization"} for a in work.get("author", []))
        assert {"name", "description", "version", "distribution", "url"} <= set(dataset)
        # The licence site.yaml declares, on the data and the page, and the footer's rel=license link to it.
        (footer_licence,) = page.xpath("//footer//a[@rel='license']/@href")
        assert (
            dataset["license"] == article["license"] == footer_licence == "https://creativecommons.org/licenses/by/4.0/"
        )
        assert dataset["version"] == str(SCHEMA_VERSION)
        downloads = {d["contentUrl"]: d["encodingFormat"] for d in dataset["distribution"]}
        assert downloads[dataset["url"]] == "application/json"
        base = canonical.removesuffix(f"controversies/{folder.name}/")
        for url in downloads:
            assert follow(site, "/", "/" + url.removeprefix(base)) is not None, url


def test_a_title_cannot_end_the_json_ld_block(tmp_path: Path) -> None:
    first = FIXTURES / "minimal" / "controversies" / "first.md"
    hostile = first.read_text(encoding="utf-8").replace(
        "title: Is the First Question Settled?", "title: '" + HOSTILE_TITLE + "'"
    )
    content = make_content(tmp_path / "content", files={"controversies/first.md": hostile})
    build(Options(content=content, out=tmp_path / "site", search=False, jobs=1))
    page = html(tmp_path / "site" / "controversies" / "first" / "index.html")
    # The site's own script files and the one data block: the hostile title adds no script of its own.
    inline = page.xpath("//script[not(@src)]")
    assert [s.get("type") for s in inline] == ["application/ld+json"]
    assert all("/static/" in s.get("src") for s in page.xpath("//script[@src]"))
    assert by_type(json_ld(page))["Article"]["headline"] == HOSTILE_TITLE
    assert meta(page, "citation_title") == [HOSTILE_TITLE]
    assert "</script><script>" not in (tmp_path / "site" / "controversies" / "first" / "index.html").read_text()
    assert unsafe_output(tmp_path / "site") == []
