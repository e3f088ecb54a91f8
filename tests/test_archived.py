"""Archived copies of sources: what readers see beside a link, and what the data export carries.

Mistakes in ``archived``/``accessed``/``url_status`` are in ``fixtures/invalid/bad-archived``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import html, make_content, text

WAYBACK = "https://web.archive.org/web/20240913230723/https://arxiv.org/abs/2001.00001"

SOURCES = f"""\
paper-one:
  title: The First Paper
  date: 2020-01-23
  url: https://arxiv.org/abs/2001.00001
  archived: {WAYBACK}
  accessed: 2024-09-14
  kind: paper

post-two:
  title: A Second Post
  date: 2024-09
  url: https://example.org/post
  archived: https://archive.ph/AbCdE
  url_status: dead
  kind: blog

book-three:
  title: A Third Book
  date: 2019
  kind: report
  note: No URL at all.

gone-four:
  title: A Fourth Page
  url: https://example.org/gone
  url_status: dead
  kind: blog

taken-five:
  title: A Fifth Page
  url: https://squatted.example/page
  archived: https://web.archive.org/web/20190101000000/https://squatted.example/page
  url_status: usurped
  kind: blog
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archived")
    out = root / "site"
    build(Options(content=make_content(root / "content", files={"sources.yaml": SOURCES}), out=out, search=False))
    return out


def entry(site: Path, page: str, xpath: str):
    (li,) = html(site / page).xpath(xpath)
    return li


def source_entry(site: Path, source_id: str):
    return entry(site, "sources/index.html", f"//li[@id='source-{source_id}']")


def reference(site: Path, title: str):
    return entry(site, "controversies/first/index.html", f"//section[@class='references']//li[.//*[text()='{title}']]")


def test_a_live_link_keeps_its_url_and_offers_the_archived_copy_and_access_date(site: Path) -> None:
    for li in (source_entry(site, "paper-one"), reference(site, "The First Paper")):
        assert li.xpath(".//a[@class='ref-title']/@href") == ["https://arxiv.org/abs/2001.00001"]
        (archived,) = li.xpath(".//a[@class='archived-link']")
        assert archived.get("href") == WAYBACK and text(archived) == "archived copy"
        status = text(li.xpath(".//span[@class='link-status']")[0])
        assert status == "(accessed 14 September 2024; archived copy of 13 September 2024)"
        assert li.xpath(".//span[@class='link-status']/time/@datetime") == ["2024-09-14", "2024-09-13"]


def test_a_dead_link_gives_way_to_its_archived_copy_and_is_shown_dead(site: Path) -> None:
    for li in (source_entry(site, "post-two"), reference(site, "A Second Post")):
        assert li.xpath(".//a[@class='ref-title']/@href") == ["https://archive.ph/AbCdE"]
        assert li.xpath(".//a[@class='dead-link']/@href") == ["https://example.org/post"]
        assert text(li.xpath(".//span[@class='link-status']")[0]) == "(archived copy; the original is dead)"
        assert not li.xpath(".//a[@class='archived-link']")


def test_a_dead_link_without_a_copy_stays_linked_and_says_so(site: Path) -> None:
    li = source_entry(site, "gone-four")
    assert li.xpath(".//a[@class='ref-title']/@href") == ["https://example.org/gone"]
    assert text(li.xpath(".//span[@class='link-status']")[0]) == "(dead link)"


def test_a_usurped_address_is_never_linked(site: Path) -> None:
    li = source_entry(site, "taken-five")
    assert li.xpath(".//a[@class='ref-title']/@href") == [
        "https://web.archive.org/web/20190101000000/https://squatted.example/page"
    ]
    assert "squatted.example/page" not in " ".join(h for h in li.xpath(".//a/@href") if "web.archive.org" not in h)
    assert text(li.xpath(".//span[@class='link-status']")[0]) == (
        "(archived copy of 1 January 2019; the original address now serves something else)"
    )


def test_a_source_with_nothing_to_say_about_its_link_shows_no_status(site: Path) -> None:
    assert not source_entry(site, "book-three").xpath(".//span[@class='link-status']")


def test_the_data_export_carries_the_archive_fields(site: Path) -> None:
    sources = json.loads((site / "data/ledger.json").read_text(encoding="utf-8"))["sources"]
    assert sources["paper-one"]["archived"] == WAYBACK
    assert sources["paper-one"]["accessed"] == "2024-09-14"
    assert "url_status" not in sources["paper-one"]
    assert sources["post-two"]["url_status"] == "dead"
    first = json.loads((site / "data/controversies/first.json").read_text(encoding="utf-8"))
    assert first["sources"]["post-two"]["archived"] == "https://archive.ph/AbCdE"
