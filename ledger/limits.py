"""Bounds on what a content file may hold, so hostile or broken input fails fast with ``path:line``.

Content arrives by pull request from strangers. Every stage is linear in these bounds, so no file
can make a build hang, exhaust memory, crash the YAML parser or write characters that HTML and
XML forbid. The limits are far above anything real content needs (the shipped record's longest
line is ~1,200 characters, its longest body ~6,000, its longest list 31 items).
"""

from __future__ import annotations

import re

from .errors import ContentError

MAX_LINE_CHARS = 10_000
"""Longest line in a content file: a paragraph typed on one line fits many times over."""
MAX_BODY_CHARS = 100_000
"""Longest Markdown body: Markdown parsing is slow on pathological text; this keeps any body to seconds."""
MAX_TEXT_CHARS = 5_000
"""Longest single text value (a title, claim, note) in YAML."""
MAX_LIST_ITEMS = 1_000
"""Most items in one list field (``see_also``, ``sources``, ``positions`` …)."""
MAX_SLUG_CHARS = 100
"""Longest slug or id: slugs become folder names, which file systems limit to 255 bytes."""

_ASCII = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_BMP = _ASCII + "\x80-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_NONCHARACTERS = "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0x10000, 0x110000, 0x10000))
FORBIDDEN_CHARS = re.compile(f"[{_BMP}{_NONCHARACTERS}]")
"""Control characters (but tab, LF, CR), surrogates and noncharacters: HTML forbids them, XML cannot hold
most of them, and in an error message they could drive the terminal of whoever reads it."""
_FORBIDDEN_ASCII, _FORBIDDEN_BMP = re.compile(f"[{_ASCII}]"), re.compile(f"[{_BMP}]")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def first_forbidden(text: str) -> re.Match[str] | None:
    """The first of ``FORBIDDEN_CHARS`` in ``text``, if any.

    The whole class is slow to match (its noncharacters beyond the BMP make every character a search
    of a list): 0.2 ms a page, a fifth of parsing it. Text of ASCII only, or of the BMP only (nearly
    all text), is searched with the part of the class it can hold.
    """
    if text.isascii():
        return _FORBIDDEN_ASCII.search(text)
    if _BEYOND_BMP.search(text) is None:
        return _FORBIDDEN_BMP.search(text)
    return FORBIDDEN_CHARS.search(text)


def forbidden_char_message(char: str) -> str:
    """Names the character by code point (printing it would be the problem)."""
    return f"contains the character U+{ord(char):04X}, which is not allowed (control characters must be removed)"


def text_problem(text: str, path: str, first_line: int = 1) -> ContentError | None:
    """The first forbidden character or over-long line of a file's ``text``, located; ``None`` if it has none."""
    found = first_forbidden(text)
    if found:
        line = first_line + text.count("\n", 0, found.start())
        return ContentError(path, line, f"line {forbidden_char_message(found.group())}")
    for number, line_text in enumerate(text.split("\n")):
        if len(line_text) > MAX_LINE_CHARS:
            return ContentError(
                path,
                first_line + number,
                f"line is {len(line_text):,} characters long; lines are limited to {MAX_LINE_CHARS:,} "
                "(break it into several lines)",
            )
    return None
