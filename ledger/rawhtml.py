"""Raw HTML in a body: refused with what to write instead, never published (not even escaped, as junk text).

The parser recognises HTML as CommonMark does (``html_block``, ``html_inline``), so ``a < b``, ``<5%``,
autolinks (``<https://…>``) and code spans are text, not tags; every tag it finds is a content error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from .errors import ContentError

TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")

INSTEAD = {
    "b": "**bold**",
    "strong": "**bold**",
    "i": "*italics*",
    "em": "*italics*",
    "cite": "*italics*",
    "a": "a link, [text](https://…)",
    "img": "an image, ![what it shows](/static/…)",
    "br": "a blank line to start a new paragraph",
    "p": "a blank line between paragraphs",
    "ul": "a list, one '- ' line per item",
    "ol": "a numbered list, one '1. ' line per item",
    "li": "a list item, a line starting with '- '",
    "blockquote": "a quotation block, lines starting with '> '",
    "code": "`code` in backticks",
    "pre": "a code block between two ``` lines",
    "hr": "a line of three hyphens, ---",
    "s": "~~struck through~~",
    "del": "~~struck through~~",
    "strike": "~~struck through~~",
    "table": "a Markdown table, | a | b |",
    **{f"h{n}": "a '## ' or '### ' heading" for n in range(1, 7)},
}
"""Tags Markdown has its own syntax for."""
REMOVE = frozenset(
    """script style iframe frame frameset object embed applet form input button select textarea link meta base
    svg math canvas video audio source track template portal noscript""".split()
)
"""Tags that run, load or embed something: nothing to write instead."""


def raw_html_message(html: str) -> str:
    """What to tell a contributor who wrote ``html`` (one tag, or a block starting with one) in a body."""
    if html.lstrip().startswith("<!--"):
        return (
            "raw HTML comment <!-- … --> is not allowed in a body: remove it "
            "(notes for editors belong in the pull request)"
        )
    match = TAG_RE.search(html)
    if match is None:
        return f"raw HTML {html.strip()[:40]!r} is not allowed in a body: remove it"
    tag = match.group(2).lower()
    shown = f"<{match.group(1)}{tag}>"
    if tag in REMOVE:
        return f"raw HTML {shown} is not allowed in a body: remove it"
    if tag in INSTEAD:
        return f"raw HTML {shown} is not allowed in a body: write {INSTEAD[tag]} instead"
    return (
        f"raw HTML {shown} is not allowed in a body: write Markdown, plain text, "
        f"or, to show the tag as text, put it in backticks: `{shown}`"
    )


def raw_html_errors(tokens: list[Token], path: str, first_line: int) -> list[ContentError]:
    """An error for each HTML block and tag in a parsed body; a closing tag only if its opening one was not reported."""
    errors: list[ContentError] = []
    opened: set[str] = set()
    for token in tokens:
        line = first_line + token.map[0] if token.map else first_line
        if token.type == "html_block":
            errors.append(ContentError(path, line, raw_html_message(token.content)))
            opened.update(m.group(2).lower() for m in TAG_RE.finditer(token.content) if not m.group(1))
        elif token.type == "inline":
            cursor = 0
            for child in token.children or ():
                if child.type != "html_inline":
                    continue
                at = token.content.find(child.content, cursor)
                cursor = max(at, cursor)
                match = TAG_RE.match(child.content)
                if match and match.group(1) and match.group(2).lower() in opened:
                    continue
                if match and not match.group(1):
                    opened.add(match.group(2).lower())
                where = line + token.content[:cursor].count("\n")
                errors.append(ContentError(path, where, raw_html_message(child.content)))
    return errors


def escaped(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]) -> str:
    """Render rule for HTML a body holds (an error already): as text, never as markup."""
    return escapeHtml(tokens[idx].content)
