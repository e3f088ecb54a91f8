"""The thread page's proponent × controversy matrix: a real table that links every cell to a position."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import FIXTURES, follow, html, make_content, text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("matrix")
    content = make_content(root / "content", overlay=FIXTURES / "recorded")
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text().replace("thread: other-thread", "thread: main-thread"))
    out = root / "site"
    build(Options(content=content, out=out))
    return out


def test_matrix_is_a_table_with_row_and_column_headers(site: Path) -> None:
    page = html(site / "threads/main-thread/index.html")
    (table,) = page.xpath("//table[@class='matrix']")
    assert table.xpath("./caption")
    columns = [text(th) for th in table.xpath("./thead//th[@scope='col']")]
    # newest last recorded change first: the first's (1 June 2024) before the second's opening (1 February)
    assert columns == ["Proponent", "Is the First Question Settled?", "A Second Question?"]
    rows = {
        text(tr.xpath("./th[@scope='row']")[0]): [text(td) for td in tr.xpath("./td")]
        for tr in table.xpath("./tbody/tr")
    }
    assert rows == {
        "Alice Example": ["Position A High Position B Low", "—"],
        "Big Lab": ["Position B Low Position C Medium", "Position A Medium"],
    }
    assert list(rows) == ["Alice Example", "Big Lab"]  # by name


def test_every_cell_links_to_the_position_held(site: Path) -> None:
    page = html(site / "threads/main-thread/index.html")
    for tr in page.xpath("//table[@class='matrix']/tbody/tr"):
        proponent = follow(site, "/threads/main-thread/", tr.xpath("./th/a/@href")[0])
        holdings = html(proponent).xpath("//li[@class='holding']/a/@href")
        for link in tr.xpath("./td/a"):
            target = follow(site, "/threads/main-thread/", link.get("href"))
            anchor = link.get("href").split("#")[1]
            (section,) = html(target).xpath(f"//section[@id='{anchor}']")
            assert text(link) in text(section.xpath(".//h2")[0])
            # …and the proponent's own page lists the same position.
            assert "../../" + link.get("href").removeprefix("../../") in holdings


def test_matrix_is_readable_without_javascript_and_scrolls_on_its_own(site: Path) -> None:
    page = html(site / "threads/main-thread/index.html")
    (wrap,) = page.xpath("//div[@class='matrix-wrap']")
    assert wrap.get("role") == "region" and wrap.get("tabindex") == "0"
    assert wrap.get("aria-labelledby") == "matrix-title"
    assert all(script.get("src") for script in page.xpath("//script"))  # no inline script; reading needs none
