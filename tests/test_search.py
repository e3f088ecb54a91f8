"""The search index step: built into the site before it is published, skipped loudly when Pagefind is missing."""

from __future__ import annotations

import gzip
import json
import stat
from pathlib import Path

import pytest

from ledger.pipeline import Options, build
from ledger.reuse import search
from ledger.reuse.search import index_site, pagefind_executable

from .helpers import SHIPPED, make_content, tree_digest


def _pages_indexed(site: Path) -> int:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_build_indexes_controversies_threads_proponents_and_sources(shipped_site: Path) -> None:
    assert pagefind_executable() is not None, "pagefind[bin] is a dependency: its binary must be installed"
    assert (shipped_site / "pagefind" / "pagefind.js").is_file()
    # Marked data-pagefind-body: every controversy, thread and proponent page; the sources, methodology, timeline
    # and updates pages (not the thread timelines: their events are on the timeline already).
    pages = sum(
        len(list((shipped_site / kind).glob("*/index.html"))) for kind in ("controversies", "threads", "proponents")
    )
    assert _pages_indexed(shipped_site) == pages + 4


def test_the_cli_reports_the_index(tmp_path: Path, run) -> None:
    make_content(tmp_path / "content")
    code, out, err = run(tmp_path, "build", "--content", "content", "--out", "site")
    assert code == 0, err
    # 2 controversies, 1 thread, 2 proponents; the sources, methodology, timeline and updates pages
    assert "search index: 9 pages" in out
    assert "search skipped" not in err


@pytest.mark.parametrize("binary", ["missing", "failing"])
def test_without_a_working_pagefind_the_build_succeeds_and_says_search_was_skipped(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, binary: str
) -> None:
    fake = tmp_path / "pagefind"
    if binary == "failing":
        fake.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nmkdir -p \"$2/pagefind\"\nexit 3\n")
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    make_content(tmp_path / "content")
    code, out, err = run(tmp_path, "build", "--content", "content", "--out", "site")
    assert code == 0
    assert "into site/" in out
    expected = "the Pagefind binary was not found" if binary == "missing" else "exit code 3: Error: something broke"
    skipped = [line for line in err.splitlines() if line.startswith("search skipped: ")]
    assert len(skipped) == 1 and expected in skipped[0], err
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "search" / "index.html").is_file()  # the page explains search is unavailable
    assert not (tmp_path / "site" / "pagefind").exists()


def test_index_site_never_raises_and_leaves_no_partial_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path))  # a folder, not a program
    result = index_site(tmp_path)
    assert not result.built and result.message.startswith("search skipped")


def test_the_search_index_is_byte_identical_across_builds(tmp_path: Path) -> None:
    digests = []
    for name in ("one", "two"):
        build(Options(content=SHIPPED, out=tmp_path / name))
        digests.append({path: digest for path, digest in tree_digest(tmp_path / name).items() if "pagefind" in path})
    assert digests[0] == digests[1]
    assert len(digests[0]) > 5


def test_search_can_be_turned_off(tmp_path: Path) -> None:
    report = build(Options(content=make_content(tmp_path / "content"), out=tmp_path / "site", search=False))
    assert report.search is None
    assert not (tmp_path / "site" / "pagefind").exists()


def _bundle(site: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_digest(site).items() if path.startswith("pagefind/")}


def test_a_reused_index_is_the_one_pagefind_writes_and_an_edit_indexes_again(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path / "content"), tmp_path / "cache"
    first = build(Options(content=content, out=tmp_path / "first", cache=cache))
    assert first.search is not None and first.search.message == "search index: 9 pages"
    # a fresh output folder (a pull request's build with its cache restored): nothing indexed changed
    again = build(Options(content=content, out=tmp_path / "again", cache=cache))
    assert again.search is not None and again.search.message == "search index: 9 pages (unchanged, reused)"
    build(Options(content=content, out=tmp_path / "scratch"))
    assert _bundle(tmp_path / "again") == _bundle(tmp_path / "scratch") != {}

    page = content / "controversies" / "first.md"
    page.write_text(page.read_text().replace("## Context\n", "## Context\n\nA zyzzyva clause. [@paper-one]\n\n", 1))
    edited = build(Options(content=content, out=tmp_path / "edited", cache=cache))
    assert edited.search is not None and edited.search.message == "search index: 9 pages"
    build(Options(content=content, out=tmp_path / "edited-scratch"))
    assert _bundle(tmp_path / "edited") == _bundle(tmp_path / "edited-scratch") != _bundle(tmp_path / "scratch")
    assert len(list((cache / "search").iterdir())) == search.KEPT


def test_filter_indexes_are_rewritten_sorted_and_read_back_to_the_same_bytes(shipped_site: Path) -> None:
    bundle = shipped_site / "pagefind"
    files = [*bundle.glob("*.pf_meta"), *bundle.glob("filter/*.pf_filter"), *bundle.glob("index/*.pf_index")]
    assert len(files) > 5
    for path in files:  # the CBOR reader and writer are exact on everything Pagefind writes in that format
        raw = gzip.decompress(path.read_bytes())
        value, end = search._decode(raw, len(search.MAGIC))
        assert end == len(raw) and search.MAGIC + b"".join(search._encode(value)) == raw, path
    filters = {}
    for path in bundle.glob("filter/*.pf_filter"):
        name, values = search._read(path)
        assert values == sorted(values) and all(pages == sorted(set(pages)) for _, pages in values)
        filters[name] = [value for value, _ in values]
    assert filters == {
        "kind": ["Controversy", "Methodology", "Proponent", "Source", "Thread", "Timeline", "Updates"],
        "thread": ["The Scaling Laws Debate: Will Bigger Always Mean Better?"],
        "status": ["Contested", "Leaning"],
        "confidence": ["High", "Low", "Medium"],
    }
