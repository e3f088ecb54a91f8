"""The one configured Markdown parser, with the ``[@source-id]`` citation syntax.

Bodies are parsed and rendered once, at load time, into HTML plus their citations (so validation can
name the line of an unknown id). A body's citations are the first its page numbers (``numbering.Numbering``),
so their reference numbers are known before linking, and a parsed body is a small value worth caching.
Raw HTML is an error and never passed through, and links may only point at http(s), mailto or the site itself;
images only at the site itself (the pages' Content-Security-Policy would block any other).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from .citing import citation_needed, render_citation_needed
from .errors import ContentError
from .model import Body, Citation, Reason
from .numbering import CiteMark, Numbering
from .rawhtml import escaped, raw_html_errors
from .schema import EDITORIAL

CITATION_RE = re.compile(r"\[@([^\[\]\s;]+)((?:\s*;\s*@[^\[\]\s;]+)*)\]")
"""Ids stop at ``[``: a match attempt never scans past the next citation (``[@a[@a…`` stays linear)."""
SAFE_SCHEMES = ("http", "https", "mailto")


def _cited(match: re.Match[str]) -> list[str]:
    """The ids of one ``[@a; @b]``, in order."""
    return [match.group(1), *re.findall(r"@([^\[\]\s;]+)", match.group(2))]


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``[@id]`` or ``[@a; @b]`` becomes one token per id: ``citation``, or ``editorial`` for it."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        for source_id in _cited(match):
            token = state.push("editorial" if source_id == EDITORIAL else "citation", "", 0)
            token.meta = {"id": source_id, "offset": state.pos}
    state.pos = match.end()
    return True


def _render_citation_mark(number: object, anchor: str) -> str:
    return f'<sup class="cite"><a href="#ref-{number}" id="{anchor}">[{number}]</a></sup>'


def _render_citation(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    return _render_citation_mark(*env["citations"][tokens[idx].meta["index"]])


SYNTHESIS_NOTE = "The Ledger's own synthesis of the cited sources: it adds no fact of its own"


def _render_editorial(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    """``[@editorial]``: a label, never a numbered reference (its text explains it to screen readers too)."""
    return (
        f'<small class="synthesis" title="{SYNTHESIS_NOTE}">[Ledger synthesis'
        f'<span class="visually-hidden">: {SYNTHESIS_NOTE}</span>]</small>'
    )


def _heading_slug(title: str) -> str:
    """Deterministic ASCII ids for headings: ``Key Tensions`` → ``key-tensions``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"


def _heading_ids(state: StateCore) -> None:
    """An id on each ``##``/``###`` heading from its text, made unique in the body: ``x``, ``x-1``, ``x-2`` …

    (mdit-py-plugins' anchors plugin gives the same ids, but retries every suffix from 1 for each
    duplicate: thousands of identical headings took minutes.)
    """
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        title = "".join(c.content for c in state.tokens[i + 1].children or () if c.type in ("text", "code_inline"))
        base = slug = _heading_slug(title)
        suffix = next_suffix.get(base, 1)
        while slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        next_suffix[base] = suffix
        taken.add(slug)
        token.attrSet("id", slug)


@cache
def parser() -> MarkdownIt:
    """The shared MarkdownIt instance (CommonMark + tables + strikethrough + heading anchors)."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])
    md.add_render_rule("html_block", escaped)  # recognised only to be reported (``rawhtml.py``), never passed on
    md.add_render_rule("html_inline", escaped)
    md.validateLink = lambda url: True  # unsafe links are reported (and dropped) by parse_body instead
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("editorial", _render_editorial)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.core.ruler.push("citation_needed", citation_needed)
    md.add_render_rule("citation_needed", render_citation_needed)
    return md


def is_safe_link(url: str) -> bool:
    """Links in bodies may be web or mail links, or relative links within the site."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme in SAFE_SCHEMES
    return not url.startswith("//")  # protocol-relative URLs leave the site with the page's scheme


def _link_problem(child: Token, inline: Token, path: str, block_line: int) -> ContentError | None:
    """The error for a link or image ``child`` of ``inline`` that pages may not have (its target is then ``#``)."""
    attr = "href" if child.type == "link_open" else "src"
    url = str(child.attrGet(attr) or "")
    if not is_safe_link(url):
        at = inline.content.find(url.split(":", 1)[0] + ":")
        message = f"link to '{url}' is not allowed: use an http(s) URL or a relative link"
    elif child.type == "image" and urlsplit(url).netloc:
        at = inline.content.find(url.split("/", 1)[0])
        message = (
            f"image '{url}' is on another site: pages load images from the site only "
            "(its Content-Security-Policy); link to it instead, [text](url)"
        )
    else:
        return None
    child.attrSet(attr, "#")
    return ContentError(path, block_line + inline.content[: max(at, 0)].count("\n"), message)


def parse_body(text: str, path: str, first_line: int) -> tuple[Body, list[ContentError]]:
    """Parse a Markdown body that starts on ``first_line`` of ``path``.

    Returns the HTML, the citations in reading order, what cites nothing (``citing.py``), and errors
    for raw HTML (``rawhtml.py``), unsafe links and top-level headings (the page title is the
    document's only ``<h1>``).
    """
    env: dict[str, list[int]] = {}
    tokens = parser().parse(text, env)
    citations: list[Citation] = []
    errors = raw_html_errors(tokens, path, first_line)
    section = ""
    block_line = first_line
    for i, token in enumerate(tokens):
        if token.map:
            block_line = first_line + token.map[0]
        if token.type == "heading_open":
            if token.tag == "h1":
                errors.append(
                    ContentError(
                        path, block_line, "use '##' headings in the body; the title comes from the front matter"
                    )
                )
            section = tokens[i + 1].content
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            line = block_line + token.content[: child.meta.get("offset", 0)].count("\n") if child.meta else block_line
            if child.type == "citation":
                child.meta["index"] = len(citations)
                citations.append(Citation(child.meta["id"], line, section))
            elif child.type in ("link_open", "image") and (problem := _link_problem(child, token, path, block_line)):
                errors.append(problem)
    marks = Numbering().body(tuple(citations))
    html = parser().renderer.render(tokens, parser().options, {"citations": marks})
    uncited = tuple(first_line + line for line in env["uncited"])
    quotes = tuple(first_line + line for line in env["uncited_quotes"])
    return Body(html, tuple(citations), text, uncited, quotes), errors


PLACE = "\x00{}{}\x00"
"""Where a reason's citation goes in its HTML, until its page numbers it: ``N``/``A`` (number, anchor) and an index.
NUL never reaches HTML otherwise: the parser replaces it, and the plain path takes no control character."""
PLACE_RE = re.compile("\x00([NA])(\\d+)\x00")
PLAIN_RE = re.compile(r"[^\x00-\x1f\x7f*_`<>&\\!\[\]~]*")
"""Text with nothing Markdown would read as syntax (emphasis, code, links, HTML, entities, escapes, line breaks)."""


def _plain_reason(text: str) -> tuple[str, list[str]] | None:
    """(HTML with placeholders, cited ids) of a reason that is plain text and citations, else ``None``.

    Most reasons are: this skips the parser (a large record has thousands) and gives its output byte for byte
    (``tests/test_markdown.py`` compares the two).
    """
    html: list[str] = []
    ids: list[str] = []
    at = 0
    for match in [*CITATION_RE.finditer(text), None]:
        between = text[at : match.start() if match else len(text)]
        if not PLAIN_RE.fullmatch(between):
            return None
        html.append(escapeHtml(between))
        if match is None:
            break
        for source_id in _cited(match):
            if source_id == EDITORIAL:
                return None
            html.append(_render_citation_mark(PLACE.format("N", len(ids)), PLACE.format("A", len(ids))))
            ids.append(source_id)
        at = match.end()
    return "".join(html), ids


def _markdown_reason(text: str, path: str, line: int, name: str, errors: list[ContentError]) -> tuple[str, list[str]]:
    """(HTML with placeholders, cited ids) of a reason read by the parser; its problems are added to ``errors``."""
    tokens = parser().parseInline(text, {})
    errors += [
        replace(e, message=e.message.replace(" in a body", f" in '{name}'"))
        for e in raw_html_errors(tokens, path, line)
    ]
    ids: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "citation":
                child.meta["index"] = len(ids)
                ids.append(child.meta["id"])
            elif child.type == "editorial":
                ids.append(EDITORIAL)  # an error: the reason is not rendered
            elif child.type in ("link_open", "image") and (problem := _link_problem(child, token, path, line)):
                errors.append(problem)
    places = [(PLACE.format("N", i), PLACE.format("A", i)) for i in range(len(ids))]
    return parser().renderer.render(tokens, parser().options, {"citations": places}), ids


def parse_reason(text: str, path: str, line: int, name: str = "confidence_reason") -> tuple[Reason, list[ContentError]]:
    """A position's ``confidence_reason`` (inline Markdown on ``line``) with its citations, and its problems.

    The same rules as a body (no raw HTML, safe links), and two more: it cites at least one source, and never
    ``[@editorial]`` (a confidence is the evidence's, so the reason rests on sources, not on the Ledger's word).
    Its HTML is made here, each citation a placeholder that ``render_reason`` fills in with its page's numbers.
    """
    errors: list[ContentError] = []
    html, ids = (
        plain if (plain := _plain_reason(text)) is not None else _markdown_reason(text, path, line, name, errors)
    )
    if EDITORIAL in ids:
        message = f"'{name}' may not use [@{EDITORIAL}]: a confidence rests on sources; cite them, [@source-id]"
        errors.append(ContentError(path, line, message))
    elif not ids:
        message = (
            f"'{name}' cites no source: add [@source-id] for the evidence it states "
            "(one of the position's 'sources', as a rule)"
        )
        errors.append(ContentError(path, line, message))
    citations = tuple(Citation(source, line, "") for source in ids if source != EDITORIAL)
    return Reason(text, citations, html), errors


def render_reason(reason: Reason, marks: Sequence[CiteMark]) -> Markup:
    """The reason as HTML, its citations rendered as ``marks`` (their numbers on its page, in order)."""
    return Markup(PLACE_RE.sub(lambda m: str(marks[int(m[2])][m[1] == "A"]), reason.html))


CITED_RE = re.compile(r'\s*<sup class="cite">.*?</sup>', re.S)


def reason_text(reason: Reason) -> str:
    """The reason as plain text without its citations: what a position's preview on another page shows (a link's
    ``data-reason``), where the page's numbers for the citations do not exist; the link leads to them."""
    return Markup(CITED_RE.sub("", reason.html)).striptags()


SECTION_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


def sections(html: str) -> tuple[tuple[str, str], ...]:
    """(id, plain text) of each ``##`` heading of a rendered body: a page's contents list links to them."""
    return tuple((anchor, Markup(title).striptags()) for anchor, title in SECTION_RE.findall(html))


def render_body(body: Body) -> Markup:
    """The body's HTML, marked safe for templates (it was escaped and checked when parsed)."""
    return Markup(body.html)
