"""Hostile content and an inspector for built sites: does any output carry executable markup?

``hostile_content`` writes a complete content folder with one payload in every field a contributor
controls; ``unsafe_output`` parses every file of a built site (HTML, feeds and the HTML inside
them, sitemap, robots.txt, JSON, the decompressed Pagefind fragments) and lists whatever a browser
or feed reader could execute or follow to a non-web scheme.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
import lxml.etree
import lxml.html
import rispy
import yaml
from bibtexparser.bparser import BibTexParser

from .helpers import FIXTURES

PAYLOADS = json.loads((FIXTURES / "xss" / "payloads.json").read_text(encoding="utf-8"))

OWN_SCRIPTS = {
    "static/ledger.js",
    "static/preview.js",
    "static/search.js",
    "static/sources.js",
    "static/highlight.js",
}
"""The only scripts a page may load (by path under the site root)."""
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "cite",
    "manifest",
    "ping",
    "xmlns",
    "{http://www.w3.org/1999/xlink}href",
}
FORBIDDEN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "style",
    "template",
    "portal",
    "animate",
    "set",
    "foreignobject",
    "textarea",
    "math",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
EVALUATED = ("1337", "TPL-RAN")
"""What the template payloads (``{{ 7*191 }}``, ``{% set x = "TPL" ~ "-RAN" %}``) print if they are ever evaluated."""

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_OR_SPACE = "".join(chr(i) for i in range(0x21))


def browser_scheme(url: str) -> str | None:
    """The scheme a browser sees in an attribute value (after its own clean-up), or None for a relative URL."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_C0_OR_SPACE))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def url_problem(url: str, where: str) -> str | None:
    """Why ``url`` is unsafe in an href/src, or None: only web, mail and same-site relative links are safe."""
    scheme = browser_scheme(url)
    if scheme is not None:
        return None if scheme in SAFE_SCHEMES else f"{where}: unsafe scheme in {url!r}"
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_C0_OR_SPACE))
    if cleaned[:2] in ("//", "\\\\", "/\\", "\\/"):
        return f"{where}: protocol-relative URL {url!r} leaves the site"
    return None


def _json_ld(element: lxml.html.HtmlElement) -> bool:
    """A JSON-LD data block: never run (the CSP's script-src does not apply to data), and whole JSON, so no
    text inside it ended it early."""
    if dict(element.attrib) != {"type": "application/ld+json"} or len(element):
        return False
    try:
        json.loads(element.text or "")
    except ValueError:
        return False
    return True


def html_problems(root: lxml.html.HtmlElement, where: str, base_url: str = "", page: bool = True) -> list[str]:
    """Executable markup in parsed HTML: foreign scripts, handlers, unsafe URLs, refreshes, frames, templates.

    A page may load the site's own scripts (relative, or under ``base_url`` as on the 404 page).
    """
    problems: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag == "script":
            src = element.get("src", "")
            local_src = src.removeprefix(base_url) if base_url else src
            own = page and element.text is None and local_src.lstrip("./") in OWN_SCRIPTS
            if not own and not _json_ld(element):
                problems.append(f"{where}: script element {lxml.html.tostring(element)[:120]!r}")
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"{where}: <{tag}> element")
        if tag == "meta" and element.get("http-equiv") and element.get("http-equiv") != "Content-Security-Policy":
            problems.append(f"{where}: <meta http-equiv={element.get('http-equiv')!r}>")
        if tag == "form" and (problem := url_problem(element.get("action", ""), where)):
            problems.append(problem)
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(f"{where}: event handler attribute {name}={value!r} on <{tag}>")
            if local == "style":
                problems.append(f"{where}: style attribute on <{tag}>")
            if name in URL_ATTRIBUTES or local in URL_ATTRIBUTES:
                for url in value.split(",") if local == "srcset" else [value]:
                    if problem := url_problem(url.strip().split(" ")[0] if local == "srcset" else url, where):
                        problems.append(problem)
    return problems


def _feed_problems(data: bytes, where: str) -> list[str]:
    """A feed must be well-formed XML; its links web URLs; the HTML inside entries safe as HTML."""
    tree = lxml.etree.fromstring(data)
    problems: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit("}", 1)[-1]
        if local == "script" or element.tag.startswith("{http://www.w3.org/1999/xhtml}"):
            problems.append(f"{where}: markup element <{element.tag}> in the feed")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{where}: event handler attribute {name} in the feed")
            if name == "href" and not value.startswith(("http://", "https://")):
                problems.append(f"{where}: feed link {value!r} is not a web URL")
        if local in ("link", "guid", "id", "loc", "docs") and element.text and element.text.strip():
            text = element.text.strip()
            if not text.startswith(("http://", "https://")):
                problems.append(f"{where}: <{local}> {text!r} is not a web URL")
        if _holds_html(element) and element.text and element.text.strip():
            fragment = lxml.html.fragment_fromstring(element.text, create_parent="div")
            problems += html_problems(fragment, f"{where} <{local}>", page=False)
    return problems


def _holds_html(element: lxml.etree._Element) -> bool:
    """Elements a feed reader renders as HTML: an RSS item's description and content:encoded, and Atom
    text constructs of type html/xhtml. The rest (titles, the channel's description, Atom text) are plain
    text by the RSS Best Practices Profile and RFC 4287, and a reader shows them as characters."""
    local = element.tag.rsplit("}", 1)[-1]
    parent = element.getparent()
    if local == "description" and parent is not None and parent.tag == "item":
        return True
    if element.tag == "{http://purl.org/rss/1.0/modules/content/}encoded":
        return True
    return element.tag.startswith("{http://www.w3.org/2005/Atom}") and element.get("type") in ("html", "xhtml")


def _json_problems(value: object, where: str, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _json_problems(v, where, k)]
    if isinstance(value, list):
        return [p for v in value for p in _json_problems(v, where, key)]
    if isinstance(value, str) and key.lower().endswith("url") and not value.startswith(("http://", "https://")):
        return [f"{where}: {key} {value!r} is not a web URL"]
    return []


def _bibliography_problems(text: str, suffix: str, where: str) -> list[str]:
    """A BibTeX or RIS export: no entry, field or URL smuggled in by a title (one entry per source id)."""
    if suffix == ".bib":
        parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False)
        entries = bibtexparser.loads(text, parser=parser).entries
        starts = [line for line in text.splitlines() if line.startswith("@")]
        urls = [e["url"] for e in entries if "url" in e]
    else:
        entries = rispy.loads(text)
        starts = [line for line in text.splitlines() if line.startswith("TY  - ")]
        urls = [u for e in entries for u in e.get("urls", [])]
        starts += [f"bad line {line!r}" for line in text.splitlines() if line and not _RIS_LINE.match(line)]
    problems = (
        [f"{where}: {len(entries)} entries parsed from {len(starts)} lines starting one"]
        if len(entries) != len(starts)
        else []
    )
    return problems + [
        f"{where}: url {u!r} is not a web URL" for u in urls if not u.startswith(("http://", "https://"))
    ]


_RIS_LINE = re.compile(r"[A-Z][A-Z0-9]  - ")


def pagefind_fragments(site: Path) -> list[dict]:
    """The search index's page records, as the search page receives them (gzip, then a signature, then JSON)."""
    records = []
    for file in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes())
        assert data.startswith(b"pagefind_dcd"), file
        records.append(json.loads(data[len(b"pagefind_dcd") :]))
    return records


def _fragment_problems(record: dict, where: str) -> list[str]:
    """What ``static/search.js`` takes from a record: the url (an href), anchors (hrefs) and meta (text)."""
    problems = []
    url = record["url"]
    if not url.startswith("/") or url.startswith("//") or url_problem(url, where):
        problems.append(f"{where}: result url {url!r} is not a path on the site")
    for anchor in record.get("anchors", []):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", anchor.get("id", "")):
            problems.append(f"{where}: anchor id {anchor.get('id')!r} is not a plain id")
    return problems


def unsafe_output(site: Path) -> list[str]:
    """Every place in the built ``site`` where executable markup or an unsafe URL survived."""
    problems: list[str] = []
    sitemap = (site / "robots.txt").read_text(encoding="utf-8").rsplit("Sitemap: ", 1)[-1].strip()
    base_url = sitemap.removesuffix("sitemap.xml")
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        where = file.relative_to(site).as_posix()
        if where.startswith("static/") or where.startswith("pagefind/"):
            continue  # the project's own files, and the index (checked below, decompressed)
        data = file.read_bytes()
        text = data.decode("utf-8")
        problems += [f"{where}: a template payload was evaluated ({m!r})" for m in EVALUATED if m in text]
        if file.suffix == ".html":
            problems += html_problems(lxml.html.fromstring(data), where, base_url)
        elif file.suffix == ".xml":
            problems += _feed_problems(data, where)
        elif file.suffix == ".json":
            problems += _json_problems(json.loads(text), where)
        elif file.suffix in (".bib", ".ris"):
            problems += _bibliography_problems(text, file.suffix, where)
        elif file.name == "robots.txt":
            lines = text.splitlines()
            if len(lines) != 3 or not re.fullmatch(r"Sitemap: https?://\S+/sitemap\.xml", lines[2]):
                problems.append(f"{where}: unexpected lines {lines!r}")
        else:
            problems.append(f"{where}: an output file of unexpected kind")
    for record in pagefind_fragments(site) if (site / "pagefind").is_dir() else []:
        where = f"pagefind fragment {record['url']}"
        problems += _fragment_problems(record, where)
        problems += [f"{where}: template payload evaluated" for m in EVALUATED if m in json.dumps(record)]
    return problems


# --- Hostile content ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """A place a contributor writes text: the file, and how to find it in the built site."""

    file: str
    field: str


TEXT_FIELDS = (
    Spot("site.yaml", "title"),
    Spot("site.yaml", "tagline"),
    Spot("site.yaml", "description"),
    Spot("site.yaml", "repo_branch"),
    Spot("sources.yaml", "title"),
    Spot("sources.yaml", "label"),
    Spot("sources.yaml", "authors"),
    Spot("sources.yaml", "venue"),
    Spot("sources.yaml", "note"),
    Spot("sources.yaml", "reliability"),
    Spot("sources.yaml", "undated"),
    Spot("proponents.yaml", "name"),
    Spot("proponents.yaml", "description"),
    Spot("events.yaml", "title"),
    Spot("events.yaml", "description"),
    Spot("threads/main.md", "title"),
    Spot("threads/main.md", "summary"),
    Spot("controversies/hostile.md", "title"),
    Spot("controversies/hostile.md", "kind"),
    Spot("controversies/hostile.md", "summary"),
    Spot("controversies/hostile.md", "positions.claim"),
    Spot("controversies/hostile.md", "positions.crux"),
    Spot("controversies/hostile.md", "history.change"),
    Spot("controversies/hostile.md", "history.reason"),
)
"""Every text field of the schema (YAML), as the hostile site fills them."""

MARKDOWN_SPOTS = (
    "paragraph",
    "heading",
    "link text",
    "link title",
    "image alt",
    "emphasis",
    "code span",
    "blockquote",
    "list item",
    "table cell",
    "code block info string",
    "next to a citation",
)
"""Where a payload goes in each Markdown body (the thread's and the controversy's)."""


def markdown_body(p: str) -> str:
    """A body with ``p`` in every spot of ``MARKDOWN_SPOTS``, in that order."""
    return "\n".join(
        [
            "",
            f"Before {p} after.",
            "",
            f"## {p}",
            "",
            f"See [{p}](https://example.org/link).",
            "",
            f'A [titled link](https://example.org/titled "{p}").',
            "",
            f"![{p}](../../static/favicon.svg)",
            "",
            f"Some *{p}* emphasis.",
            "",
            f"Code `{p}` span.",
            "",
            f"> {p}",
            "",
            f"- {p}",
            "",
            "| Column |",
            "| --- |",
            f"| {p} |",
            "",
            f"```{p}",
            "code",
            "```",
            "",
            f"{p} [@src-b]",
            "",
        ]
    )


def _dump(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)


def _page(meta: dict, body: str) -> str:
    return f"---\n{_dump(meta)}---\n{body}"


def hostile_content(
    dest: Path,
    text: str = "Plain text",
    urls: dict[str, str] | None = None,
    body: str | None = None,
    markdown: bool = True,
    markdown_text: str | None = None,
) -> Path:
    """A complete content folder with ``text`` in every text field and (if ``markdown``) every Markdown spot.

    ``urls`` overrides URL fields (``base_url``, ``repo_url``, ``source``, ``proponent``); ``body`` replaces
    the controversy's Markdown body; ``markdown_text`` goes in the Markdown spots instead of ``text``.
    """
    urls = urls or {}
    p = text
    inline = markdown_text if markdown_text is not None else p if markdown else "Plain text"
    md = markdown_body(inline)
    dest.mkdir(parents=True)
    (dest / "threads").mkdir()
    (dest / "controversies").mkdir()
    files = {
        "site.yaml": _dump(
            {
                "title": p,
                "tagline": p,
                "base_url": urls.get("base_url", "https://example.org/"),
                "repo_url": urls.get("repo_url", "https://github.com/example/ledger"),
                "language": "en",
                "description": p,
                "repo_branch": p,
            }
        ),
        "sources.yaml": _dump(
            {
                "src-a": {
                    "title": p,
                    "kind": "paper",
                    "label": p,
                    "authors": [p, "Ada Author"],
                    "venue": p,
                    "date": "2020-01-02",
                    "url": urls.get("source", "https://example.org/a"),
                    "note": p,
                    "reliability": p,
                },
                "src-b": {"title": p, "kind": "report", "undated": p},
            }
        ),
        "proponents.yaml": _dump(
            {
                "alice": {
                    "name": p,
                    "kind": "person",
                    "description": p,
                    "url": urls.get("proponent", "https://example.org/alice"),
                }
            }
        ),
        "events.yaml": _dump(
            [
                {
                    "id": "ev-1",
                    "date": "2024-02",
                    "title": p,
                    "description": p,
                    "sources": ["src-a"],
                    "controversies": ["hostile"],
                }
            ]
        ),
        "threads/main.md": _page({"title": p, "summary": p, "opened": "2020-01-01"}, md + "\nCited [@src-a].\n"),
        "controversies/hostile.md": _page(
            {
                "title": p,
                "thread": "main",
                "kind": p,
                "status": "contested",
                "opened": "2024-01-01",
                "updated": "2024-06-01",
                "summary": p,
                "positions": [
                    {
                        "id": "A",
                        "claim": p,
                        "confidence": "high",
                        "confidence_reason": f"{inline} [@src-a]",  # a Markdown spot too
                        "proponents": ["alice"],
                        "sources": ["src-a"],
                        "crux": p,
                    },
                    {
                        "id": "B",
                        "claim": p,
                        "confidence": "low",
                        "confidence_reason": "Plain reason [@src-a].",
                        "proponents": ["alice"],
                    },
                ],
                "see_also": ["other"],
                "history": [
                    {
                        "date": "2024-03",
                        "position": "A",
                        "confidence": {"from": "low", "to": "high"},
                        "change": p,
                        "reason": p,
                        "sources": ["src-b"],
                    }
                ],
            },
            md if body is None else body,
        ),
        "controversies/other.md": _page(
            {
                "title": "Another question",
                "thread": "main",
                "kind": "empirical",
                "status": "leaning",
                "opened": "2024-01-01",
                "updated": "2024-06-01",
                "positions": [
                    {
                        "id": "A",
                        "claim": "Plain claim.",
                        "confidence": "medium",
                        "confidence_reason": "Plain reason [@src-a].",
                        "proponents": ["alice"],
                    }
                ],
                "see_also": ["hostile"],
            },
            "\nPlain body [@src-a].\n",
        ),
    }
    for name, content in files.items():
        (dest / name).write_text(content, encoding="utf-8")
    return dest
