"""Hostile input: the XSS corpus in every field a contributor controls, checked in every output.

Each payload of ``fixtures/xss/payloads.json`` is built into a complete site (``safety.hostile_content``)
and every output file is parsed (``safety.unsafe_output``): HTML pages, RSS/Atom feeds and the HTML
inside their entries, the sitemap, robots.txt, the JSON export and the decompressed search index.
Text must come out as the same visible characters and nothing else; unsafe URLs and forbidden
characters must be refused with ``path:line``.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import ContentError, ContentErrors
from ledger.pipeline import Options, build
from ledger.plan import check
from ledger.serve import DevState

from .helpers import html, text
from .safety import (
    MARKDOWN_SPOTS,
    PAYLOADS,
    TEXT_FIELDS,
    hostile_content,
    html_problems,
    pagefind_fragments,
    unsafe_output,
)

URL_FIELDS = ("base_url", "repo_url", "source", "proponent")
URL_KEYS = {"base_url": "base_url:", "repo_url": "repo_url:", "source": "  url:", "proponent": "  url:"}
URL_FILES = {"base_url": "site.yaml", "repo_url": "site.yaml", "source": "sources.yaml", "proponent": "proponents.yaml"}
MARKDOWN_LINKS = {
    "inline link": "See [the link]({url}).",
    "pointy link": "See [the link](<{url}>).",
    "image": "![a picture]({url})",
    "reference link": "See [the link][ref].\n\n[ref]: {url}",
    "autolink": "See <{url}>.",
}


BODY_ERRORS = ("link to", "image '", "use '##' headings", "raw HTML")
"""What a payload can make of a Markdown body: a link or image to refuse, a '#' heading, raw HTML."""


def normalized(value: str) -> str:
    return " ".join(value.split())


def _ids(values: list[str]) -> list[str]:
    return [f"{i:02d}-{v[:24]!r}" for i, v in enumerate(values)]


def test_the_corpus_covers_every_field_and_every_kind_of_payload() -> None:
    """The figure the closing note reports, and a guard against the corpus shrinking unnoticed."""
    placements = len(TEXT_FIELDS) + 2 * len(MARKDOWN_SPOTS)  # every Markdown spot in two bodies
    tried = (
        (len(PAYLOADS["text"]) + len(PAYLOADS["control"])) * placements
        + len(PAYLOADS["text"]) * 4  # as YAML keys
        + len(PAYLOADS["unsafe_urls"]) * (len(URL_FIELDS) + len(MARKDOWN_LINKS))
        + len(PAYLOADS["odd_urls"]) * (len(URL_FIELDS) + len(MARKDOWN_LINKS) - 1)
    )
    print(f"XSS corpus: {tried} payload × field placements")
    assert len(PAYLOADS["text"]) >= 50 and len(PAYLOADS["unsafe_urls"]) >= 10
    assert tried > 3000


def test_the_inspector_finds_each_kind_of_executable_markup() -> None:
    """``unsafe_output``'s HTML check can fail: each planted problem is found."""
    page = lxml.html.fromstring(
        "<html><head><meta http-equiv=refresh content='0;url=x'></head><body>"
        "<script>alert(1)</script><script src='https://evil.example/x.js'></script>"
        "<img src=x onerror=alert(1)><a href=' java\tscript:alert(1)'>a</a><a href='//evil.example/'>b</a>"
        "<iframe src='data:text/html,x'></iframe><svg><a xlink:href='javascript:alert(1)'>c</a></svg>"
        "<form action='javascript:alert(1)'></form><p style='color:red'>d</p>"
        "<script src='static/ledger.js'></script><a href='https://example.org/'>fine</a><a href='#ref-1'>fine</a>"
        "</body></html>"
    )
    found = html_problems(page, "planted.html")
    assert len(found) == 11, "\n".join(found)
    assert not any("fine" in problem or "ledger.js" in problem for problem in found)


@pytest.mark.parametrize("payload", PAYLOADS["text"], ids=_ids(PAYLOADS["text"]))
def test_text_payload_in_every_field_comes_out_as_the_same_text_and_nothing_else(tmp_path: Path, payload: str) -> None:
    site = tmp_path / "site"
    try:
        report = build(Options(content=hostile_content(tmp_path / "content", payload), out=site))
    except ContentErrors as exc:
        # Markdown syntax inside a payload is Markdown in a body: refused there (and only there), with its line.
        assert all(e.path.endswith(".md") and e.message.startswith(BODY_ERRORS) for e in exc.errors), exc
        content = hostile_content(tmp_path / "content-yaml-only", payload, markdown=False)
        report = build(Options(content=content, out=site))
    assert report.search is not None and report.search.built, report.search

    assert unsafe_output(site) == []

    shown = normalized(payload)
    page = html(site / "controversies" / "hostile" / "index.html")
    assert text(page.xpath("//h1")[0]) == shown
    assert text(page.xpath("//section[@class='position']//h2")[0]) == f"Position A: {shown}"
    (linked,) = page.xpath("//script[@type='application/ld+json']")  # the title cannot end the block
    assert json.loads(linked.text)["@graph"][0]["headline"] == payload.strip()
    assert shown in text(page.xpath("//ol[@class='history-log']")[0])
    assert text(html(site / "proponents" / "alice" / "index.html").xpath("//h1")[0]) == shown
    assert text(html(site / "index.html").xpath("//p[@class='site-title']/a")[0]) == shown
    assert shown in text(html(site / "sources" / "index.html").xpath("//*[@id='source-src-a']")[0])
    rss = lxml.etree.fromstring((site / "feed.xml").read_bytes())
    titles = rss.xpath("//item[link='https://example.org/controversies/hostile/']/title/text()")
    assert titles == [payload.strip()]
    data = json.loads((site / "data" / "controversies" / "hostile.json").read_text())
    assert data["controversy"]["title"] == payload.strip()
    assert data["sources"]["src-a"]["note"] == payload.strip()
    indexed = {r["url"]: r for r in pagefind_fragments(site)}
    assert normalized(indexed["/controversies/hostile/"]["meta"]["title"]) == shown


@pytest.mark.parametrize("payload", PAYLOADS["control"], ids=_ids(PAYLOADS["control"]))
def test_forbidden_characters_are_refused_in_every_file_with_a_line(tmp_path: Path, payload: str) -> None:
    content = hostile_content(tmp_path / "content", payload)
    with pytest.raises(ContentErrors) as caught:
        check(Options(content=content))
    reported = {Path(e.path).relative_to(content).as_posix(): e for e in caught.value.errors}
    assert set(reported) == {spot.file for spot in TEXT_FIELDS}
    for file, error in reported.items():
        assert "is not allowed" in error.message and "U+" in error.message, error
        assert str(error).isprintable()
        line = (content / file).read_text(encoding="utf-8").split("\n")[error.line - 1]
        assert any(c in line for c in payload if not c.isprintable()) or "\\" in line, (file, error, line)


@pytest.mark.parametrize("url", PAYLOADS["unsafe_urls"], ids=_ids(PAYLOADS["unsafe_urls"]))
def test_unsafe_urls_in_url_fields_are_refused_at_their_lines(tmp_path: Path, url: str) -> None:
    content = hostile_content(tmp_path / "content", urls=dict.fromkeys(URL_FIELDS, url))
    with pytest.raises(ContentErrors) as caught:
        check(Options(content=content))
    reported = {(Path(e.path).name, e.line) for e in caught.value.errors}
    for field in URL_FIELDS:
        lines = (content / URL_FILES[field]).read_text(encoding="utf-8").split("\n")
        line = next(i + 1 for i, text_line in enumerate(lines) if text_line.startswith(URL_KEYS[field]))
        assert (URL_FILES[field], line) in reported, (field, caught.value.errors)
    assert all("URL" in e.message for e in caught.value.errors)


@pytest.mark.parametrize("placement", MARKDOWN_LINKS)
@pytest.mark.parametrize("url", PAYLOADS["unsafe_urls"], ids=_ids(PAYLOADS["unsafe_urls"]))
def test_unsafe_urls_in_markdown_are_refused_or_stay_inert_text(tmp_path: Path, url: str, placement: str) -> None:
    """Whatever Markdown makes a link of is refused at its line; what it leaves as text links nowhere."""
    body = "\nFirst paragraph.\n\n" + MARKDOWN_LINKS[placement].format(url=url) + "\n"
    content = hostile_content(tmp_path / "content", markdown=False, body=body)
    try:
        build(Options(content=content, out=tmp_path / "site"))
    except ContentErrors as exc:
        assert [(Path(e.path).name, e.line) for e in exc.errors] == [("hostile.md", body_line(content, url))]
        assert "is not allowed" in exc.errors[0].message
        assert not (tmp_path / "site").exists()
        return
    assert unsafe_output(tmp_path / "site") == []


def body_line(content: Path, url: str) -> int:
    """The line of ``hostile.md`` holding the URL's link (its first line, for a reference link)."""
    lines = (content / "controversies" / "hostile.md").read_text(encoding="utf-8").split("\n")
    return next(i + 1 for i, line in enumerate(lines) if "See [" in line or "![" in line or f"<{url}" in line)


@pytest.mark.parametrize("url", PAYLOADS["odd_urls"], ids=_ids(PAYLOADS["odd_urls"]))
def test_web_urls_carrying_markup_are_kept_exactly_and_stay_attribute_values(tmp_path: Path, url: str) -> None:
    # A '>' ends a pointy link or an autolink early: what follows is raw HTML, refused (test_markdown).
    early = ("pointy link", "autolink") if ">" in url else ()
    links = [template.format(url=url) for name, template in MARKDOWN_LINKS.items() if name not in ("image", *early)]
    content = hostile_content(tmp_path / "content", urls=dict.fromkeys(URL_FIELDS, url), body="\n\n".join(links))
    site = tmp_path / "site"
    build(Options(content=content, out=site))
    assert unsafe_output(site) == []
    assert html(site / "sources" / "index.html").xpath("//*[@id='source-src-a']//a[@href=$u]", u=url)
    assert html(site / "proponents" / "alice" / "index.html").xpath("//a[@href=$u]", u=url)
    page = html(site / "controversies" / "hostile" / "index.html")
    assert page.xpath("//link[@rel='canonical']/@href") == [url.rstrip("/") + "/controversies/hostile/"]
    body_urls = [unquote(u) for u in page.xpath("//article//p//a/@href")]
    assert body_urls.count(url) >= 2, body_urls  # inline and reference links (percent-encoded by Markdown)


@pytest.mark.parametrize("payload", PAYLOADS["text"], ids=_ids(PAYLOADS["text"]))
def test_payloads_as_yaml_keys_are_reported_as_plain_located_lines_and_escaped_in_serve(
    tmp_path: Path, payload: str
) -> None:
    """Ids and field names are the one place content text reaches error messages (and serve's error page)."""
    content = hostile_content(tmp_path / "content")
    dump = lambda value: json.dumps(value, ensure_ascii=False)  # JSON is YAML: any key, quoted  # noqa: E731
    with (content / "sources.yaml").open("a") as f:
        f.write(f"{dump(payload)}: {{title: t, kind: paper}}\n")
    with (content / "proponents.yaml").open("a") as f:
        f.write(f"{dump(payload)}: {{name: n, kind: person}}\n")
    with (content / "site.yaml").open("a") as f:
        f.write(f"{dump(payload)}: x\n")
    page = content / "controversies" / "hostile.md"
    page.write_text(page.read_text().replace("---\n", f"---\n{dump(payload)}: x\n", 1))

    with pytest.raises(ContentErrors) as caught:
        check(Options(content=content))
    errors: list[ContentError] = caught.value.errors
    assert sorted(Path(e.path).name for e in errors) == sorted(
        ["sources.yaml", "proponents.yaml", "site.yaml", "hostile.md"]
    ), errors
    assert all(str(e).isprintable() and "\n" not in str(e) for e in errors)

    state = DevState()
    state.problems = [str(e) for e in errors]
    error_page = state.error_page()
    assert error_page is not None
    parsed = lxml.html.fromstring(error_page)
    own_style = "serve error page: style attribute on <body>"  # the dev server's own page, not content
    assert [p for p in html_problems(parsed, "serve error page") if p != own_style] == []
    assert len(parsed.xpath("//li/code")) == 4


TOKENS = [
    "<",
    ">",
    '"',
    "'",
    "`",
    "&",
    "#",
    ";",
    "/",
    "\\",
    "=",
    " ",
    "script",
    "svg",
    "img",
    "onload",
    "onerror=alert(1)",
    "javascript:",
    "data:",
    "href",
    "src=",
    "]]>",
    "<!--",
    "-->",
    "{{",
    "}}",
    "{%",
    "%}",
    "&lt;",
    "&#x3c;",
    "\u2028",
    "\u00a0",
    "é",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "!",
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=24).map("".join))
def test_generated_markup_soup_in_every_field_never_becomes_markup(
    tmp_path_factory: pytest.TempPathFactory, payload: str
) -> None:
    """Hypothesis assembles payloads from the characters and words XSS is made of."""
    if not payload.strip():
        return
    root = tmp_path_factory.mktemp("soup")
    site = root / "site"
    try:
        build(Options(content=hostile_content(root / "content", payload), out=site, search=False))
    except ContentErrors as exc:
        assert all(e.path.endswith(".md") and e.message.startswith(BODY_ERRORS) for e in exc.errors), exc
        build(Options(content=hostile_content(root / "content2", payload, markdown=False), out=site, search=False))
    assert unsafe_output(site) == []
    assert text(html(site / "controversies" / "hostile" / "index.html").xpath("//h1")[0]) == normalized(payload)
