"""Validated output: the W3C Nu HTML Checker, feed readers' view of dates and guids, and every link.

The Nu checker is the npm package ``vnu-jar`` (committed in package.json and its lockfile) run
with the machine's Java; ``.ci/run`` installs both. The link checks cover the shipped content and a
synthetic 1,000-controversy corpus (``benchmarks/make_corpus.py``), built once per session.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import pytest
import yaml

from ledger.pipeline import Options, build

from .helpers import FIXTURES, PROJECT, SHIPPED, broken_links, html, make_content, page_file
from .safety import hostile_content

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} [+-]\d{4}"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
ATOM = "{http://www.w3.org/2005/Atom}"


def java() -> str:
    found = shutil.which("java")
    if found is None:
        pytest.fail("java is missing: install a JRE (apt-get install -y default-jre-headless; .ci/run does)")
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `npm ci` in the project folder (.ci/run does)")
    return found


def nu_errors(*folders: Path) -> list[dict]:
    """Every error the Nu HTML Checker reports for the HTML files under ``folders`` (one JVM for all)."""
    command = [java(), "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", *map(str, folders)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    return report["messages"]


def test_every_page_passes_the_nu_html_checker(shipped_site: Path, tmp_path: Path) -> None:
    """The shipped site, and a site of hostile text (escaping must keep documents valid too)."""
    hostile = tmp_path / "hostile"
    payload = '"><svg onload=alert(1)> </title> & ]]>'
    # Raw HTML in a body is refused (test_markdown): there its '<' are escaped, as a contributor would write them.
    content = hostile_content(tmp_path / "content", payload, markdown_text=payload.replace("<", "\\<"))
    build(Options(content=content, out=hostile))
    pages = len(list(shipped_site.rglob("*.html"))) + len(list(hostile.rglob("*.html")))
    errors = nu_errors(shipped_site, hostile)
    print(f"Nu HTML Checker: {pages} pages, {len(errors)} errors")
    assert pages > 45
    assert errors == [], "\n".join(f"{e.get('url')}:{e.get('lastLine')}: {e.get('message')}" for e in errors)


def test_the_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The check can fail: a page with a stray end tag and a duplicate id is reported."""
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">x</div><p id="a"></p></body></html>'
    )
    assert len(nu_errors(tmp_path)) >= 2


def feeds_of(site: Path) -> list[Path]:
    per_page = sorted(site.glob("threads/*/feed.xml")) + sorted(site.glob("controversies/*/feed.xml"))
    return [site / "feed.xml", site / "atom.xml", *per_page, *sorted(site.glob("proponents/*/feed.xml"))]


def test_feeds_parse_without_bozo_and_carry_dates_with_time_zones(shipped_site: Path) -> None:
    for file in feeds_of(shipped_site):
        parsed = feedparser.parse(file.read_bytes())
        assert not parsed.bozo, (file, parsed.get("bozo_exception"))
        assert parsed.entries, file
        tree = lxml.etree.fromstring(file.read_bytes())
        if tree.tag == "rss":
            dates = tree.xpath("//pubDate/text() | //lastBuildDate/text()")
            assert dates and all(RFC822.fullmatch(d) for d in dates), (file, dates)
            assert all(email.utils.parsedate_to_datetime(d).tzinfo is not None for d in dates)
        else:
            dates = tree.xpath("//a:updated/text() | //a:published/text()", namespaces={"a": ATOM[1:-1]})
            assert dates and all(RFC3339.fullmatch(d) for d in dates), (file, dates)
            assert all(dt.datetime.fromisoformat(d).tzinfo is not None for d in dates)
        for entry in parsed.entries:
            assert entry.get("published_parsed") or entry.get("updated_parsed"), (file, entry.get("id"))


def guids(site: Path) -> dict[str, dict[str, str]]:
    """For each feed, every entry's guid (RSS) or id (Atom) → its title."""
    found = {}
    for file in feeds_of(site):
        tree = lxml.etree.fromstring(file.read_bytes())
        entries = tree.xpath("//item") or tree.findall(f"{ATOM}entry")
        ids = {}
        for entry in entries:
            guid = entry.findtext("guid") or entry.findtext(f"{ATOM}id")
            assert guid not in ids, f"{file}: guid {guid} twice"
            ids[guid] = entry.findtext("title") or entry.findtext(f"{ATOM}title")
        found[file.relative_to(site).as_posix()] = ids
    return found


def test_guids_are_stable_when_other_content_changes(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", overlay=FIXTURES / "recorded")
    build(Options(content=content, out=tmp_path / "before"))
    second = content / "controversies" / "second.md"
    second.write_text(second.read_text().replace("claim: Perhaps.", "claim: Perhaps, on reflection."))
    (content / "controversies" / "third.md").write_text(
        second.read_text().replace("title: A Second Question?", "title: A Third Question?").replace("see_also:", "x:")
    )
    sources = content / "sources.yaml"
    sources.write_text(sources.read_text().replace("title: The First Paper", "title: The First Paper, Revised"))
    build(Options(content=content, out=tmp_path / "after"))

    before, after = guids(tmp_path / "before"), guids(tmp_path / "after")
    for feed, entries in before.items():
        assert set(entries) <= set(after[feed]), f"{feed}: guids changed or vanished"
        assert all(urlsplit(guid).scheme == "https" for guid in entries)
    new = set(after["feed.xml"]) - set(before["feed.xml"])
    assert new == {"https://example.org/controversies/third/"}
    assert len(before["feed.xml"]) > 3  # controversies and their history entries


def linked_urls(site: Path) -> list[tuple[str, str]]:
    """(file, absolute URL) for every link in the sitemap and the feeds."""
    urls = [
        ("sitemap.xml", loc)
        for loc in lxml.etree.parse(str(site / "sitemap.xml")).xpath("//*[local-name()='loc']/text()")
    ]
    for file in feeds_of(site):
        tree = lxml.etree.fromstring(file.read_bytes())
        name = file.relative_to(site).as_posix()
        urls += [(name, u) for u in tree.xpath("//link/text() | //guid/text()")]
        urls += [(name, u) for u in tree.xpath("//a:link/@href | //a:id/text()", namespaces={"a": ATOM[1:-1]})]
    return urls


def broken_absolute_links(site: Path, base_url: str) -> list[str]:
    """Sitemap and feed URLs under ``base_url`` that do not reach a file (and id) of the site."""
    broken = []
    for file, url in linked_urls(site):
        if not url.startswith(base_url):
            broken.append(f"{file}: {url} is not under {base_url}")
            continue
        parts = urlsplit(url)
        target = page_file(site, "/" + url[len(base_url) :].split("#")[0])
        if not target.is_file():
            broken.append(f"{file}: {url} (no file)")
        elif parts.fragment and parts.fragment not in html(target).xpath("//@id"):
            broken.append(f"{file}: {url} (no id '{parts.fragment}')")
    return broken


def test_no_broken_links_in_the_shipped_site(shipped_site: Path) -> None:
    base_url = yaml.safe_load((SHIPPED / "site.yaml").read_text())["base_url"]
    broken = broken_links(shipped_site) + broken_absolute_links(shipped_site, base_url)
    print(f"shipped site: {len(broken)} broken links")
    assert broken == []


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic 1,000-controversy corpus of the benchmarks, built once per session (no search index).

    Strict: a warning fails the build (7,400 citation warnings once dominated the benchmark's timings).
    """
    root = tmp_path_factory.mktemp("corpus")
    script = PROJECT / "benchmarks" / "make_corpus.py"
    subprocess.run([sys.executable, str(script), "--n", "1000", "--out", str(root / "content")], check=True)
    review_day = dt.date(2026, 12, 6)  # pages are judged stale a year after their date; the corpus's are 2026's
    build(Options(content=root / "content", out=root / "site", search=False, strict=True, today=review_day))
    return root / "site"


def test_no_broken_links_in_a_1000_controversy_corpus(corpus_site: Path) -> None:
    pages = list(corpus_site.glob("controversies/*/index.html"))
    broken = broken_links(corpus_site) + broken_absolute_links(corpus_site, "https://example.org/")
    print(f"1,000-controversy corpus: {len(pages)} controversy pages, {len(broken)} broken links")
    assert len(pages) == 1000
    assert broken == [], "\n".join(broken[:20])


def test_the_link_checker_finds_a_missing_anchor_and_page(tmp_path: Path) -> None:
    """The check can fail: a page linking to a missing anchor and a missing page is reported."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<p id="x"><a href="a/">ok</a> <a href="#ref-3">no</a> <a href="b/">no</a></p>')
    (site / "a" / "index.html").write_text('<a href="../#x">ok</a>')
    assert broken_links(site) == ["/index.html: #ref-3 (no id 'ref-3')", "/index.html: b/ (no file)"]
