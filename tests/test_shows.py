"""What each output file shows (``Job.deps``): every record a page links to is one it depends on,
so that editing that record remakes the page (``incremental.py``)."""

from __future__ import annotations

import re

import pytest

from ledger import render, shows
from ledger.link import link
from ledger.pipeline import PROJECT, Options, check


@pytest.fixture(scope="module")
def made() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every page of the shipped site: (its HTML, its deps)."""
    site, _ = check(Options(content=PROJECT / "content"))
    jobs = render.jobs(site, link(site), PROJECT / "templates")
    return {
        file: (render.file_bytes(job.make()).decode("utf-8"), job.deps)
        for file, job in jobs.items()
        if file.startswith(("controversies/", "proponents/", "threads/"))
        and file.endswith("index.html")
        and file.count("/") == 2
    }


LINKED = {"controversies": "c", "proponents": "p", "threads": "t"}


def test_every_record_a_page_links_to_is_one_it_depends_on(made) -> None:
    checked = 0
    for file, (page, deps) in made.items():
        own = file.removesuffix("/index.html")
        for folder, slug in set(re.findall(r'href="(?:\.\./)+(controversies|proponents|threads)/([a-z0-9-]+)/"', page)):
            if f"{folder}/{slug}" == own:
                continue
            key = f"{LINKED[folder]}:{slug}"
            assert key in deps or f"{LINKED[folder]}:*" in deps, (file, key)
            checked += 1
    assert checked > 100


def test_a_pages_sources_are_among_its_deps(made) -> None:
    page, deps = made["controversies/scaling-laws-hitting-a-wall/index.html"]
    cited = set(re.findall(r'href="[^"]*sources/#source-([a-z0-9-]+)"', page))
    assert len(cited) > 5, "the reference page cites its sources"
    assert {f"s:{sid}" for sid in cited} <= set(deps)


def test_keys_are_unique_and_shared_between_jobs() -> None:
    first, second = shows.keys(["c:a", "s:b", "c:a"]), shows.keys(["s:" + "b", "c:a"])
    assert first == ("c:a", "s:b")
    assert first[1] is second[0]  # interned: one string however many files name it
