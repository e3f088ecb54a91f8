"""Archived copies of sources: the rules that tie ``archived``, ``accessed`` and ``url_status`` to ``url``.

Each field's own shape is the schema's (``schema.py``); what this module checks needs two fields at
once, so it runs on a source whose fields are each valid. A source failing here is not built, like
one with a bad field: one mistake, one message, and citations of it are not reported again.
"""

from __future__ import annotations

from typing import Any

from .errors import ContentError
from .yamltree import Map, line_of

NEEDS_URL = ("archived", "accessed", "url_status")
"""Fields that say something about ``url`` and mean nothing without it."""


def source_problems(raw: Map, clean: dict[str, Any], path: str) -> list[ContentError]:
    """What is wrong between one source's link fields (``clean`` holds its checked values)."""
    problems = []
    if "url" not in clean:
        for name in NEEDS_URL:
            if name in clean:
                message = f"'{name}' is about the source's 'url', which it does not have: add url: (the original)"
                problems.append(ContentError(path, line_of(raw, name), message))
        return problems
    accessed, published = clean.get("accessed"), clean.get("date")
    if accessed is not None and published is not None and accessed < published.first_day:
        message = (
            f"'accessed' {accessed.isoformat()} is before the source was published ({published.iso}): "
            "it is the day the URL was seen working"
        )
        problems.append(ContentError(path, line_of(raw, "accessed"), message))
    return problems
