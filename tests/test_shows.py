"""What each output file shows (``Job.deps``): every record a page links to is one it depends on,
so that editing that record remakes the page (``incremental.py``)."""

from __future__ import annotations

import re

import pytest

from ledger import pages, render, shows
from ledger.deps import Dep
from ledger.link import link
from ledger.pipeline import PROJECT, Options
from ledger.plan import check


@pytest.fixture(scope="module")
def made() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every page of the shipped site: (its HTML, its deps)."""
    site, _ = check(Options(content=PROJECT / "content"))
    jobs = pages.jobs(site, link(site), PROJECT / "templates")
    return {
        file: (render.file_bytes(job.make()).decode("utf-8"), job.deps)
        for file, job in jobs.items()
        if file.startswith(("controversies/", "proponents/", "threads/"))
        and file.endswith("index.html")
        and file.count("/") == 2
    }


LINKED = {"controversies": Dep.CONTROVERSY, "proponents": Dep.PROPONENT, "threads": Dep.THREAD}


def test_every_record_a_page_links_to_is_one_it_depends_on(made) -> None:
    checked = 0
    for file, (page, deps) in made.items():
        own = file.removesuffix("/index.html")
        for folder, slug in set(re.findall(r'href="(?:\.\./)+(controversies|proponents|threads)/([a-z0-9-]+)/"', page)):
            if f"{folder}/{slug}" == own:
                continue
            key = LINKED[folder](slug)
            # a See also link needs only its ``projections.Neighbour`` (``Dep.NEIGHBOUR``)
            near = Dep.NEIGHBOUR(slug) in deps and f'href="../../controversies/{slug}/">' in see_also_section(page)
            assert key in deps or LINKED[folder].every in deps or near, (file, key)
            checked += 1
    assert checked > 100


def see_also_section(page: str) -> str:
    start = page.find('<section class="see-also"')
    return page[start : page.index("</section>", start)] if start >= 0 else ""


def test_a_see_also_neighbour_is_shown_by_its_title_alone(made) -> None:
    """What ``Dep.NEIGHBOUR`` covers: its link and title, nothing of its positions (those need ``c:``)."""
    page, deps = made["controversies/scaling-laws-hitting-a-wall/index.html"]
    section = see_also_section(page)
    neighbours = re.findall(r'<li><a href="../../controversies/([a-z0-9-]+)/">([^<]+)</a></li>', section)
    assert len(neighbours) >= 2
    assert {Dep.NEIGHBOUR(slug) for slug, _ in neighbours} <= set(deps)
    assert re.sub(r"<li><a [^>]+>[^<]+</a></li>|<[^>]+>|\s", "", section) == "Seealso"


def test_a_pages_sources_are_among_its_deps(made) -> None:
    page, deps = made["controversies/scaling-laws-hitting-a-wall/index.html"]
    cited = set(re.findall(r'href="[^"]*sources/#source-([a-z0-9-]+)"', page))
    assert len(cited) > 5, "the reference page cites its sources"
    assert {Dep.SOURCE(sid) for sid in cited} <= set(deps)


def test_keys_are_unique_and_shared_between_jobs() -> None:
    first, second = shows.keys(["c:a", "s:b", "c:a"]), shows.keys(["s:" + "b", "c:a"])
    assert first == ("c:a", "s:b")
    assert first[1] is second[0]  # interned: one string however many files name it
