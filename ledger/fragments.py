"""Pieces of pages that ``serve`` renders once and reuses while they are made of the very same objects.

A reworded claim re-renders the pages of the dozen proponents holding its positions. Each lists every
position its proponent holds (dozens, in a large record), all but one
unchanged, and rendering those items is most of a proponent page's millisecond. Templates call
``fragment('holding', …)`` for such an item: a macro of ``_fragments.html``, whose output depends on its
arguments alone (the file is imported without context). ``serve`` keeps each piece keyed by the identity
of its arguments (strings by value), as ``reuse/memo.py`` does: records an edit did not touch are the very
same objects in the next build, so a page is re-rendered around the one piece that changed. A build
that runs once calls the macro every time: nothing would be reused, and every worker would hold copies.
"""

from __future__ import annotations

import os

from jinja2 import Environment
from markupsafe import Markup

TEMPLATE = "_fragments.html"
MOST_KEPT = 20_000
"""Pieces kept at most (about 20 MB); then all are dropped, and made again as pages are rendered.

Pieces of edited records stay until then: a piece is kept by its arguments' identity, so it can never be
reused for another record, only outlive its own."""


class Fragments:
    """``fragment(name, *args)`` in templates: the output of the macro ``name`` of ``_fragments.html``."""

    def __init__(self, env: Environment, remember: bool) -> None:
        self._env = env
        self._pid = os.getpid() if remember else None
        """Only this process remembers: forked workers render each page once."""
        self._made: dict[tuple[object, ...], tuple[tuple[object, ...], Markup]] = {}
        self._macros: object = None

    def _module(self) -> object:
        """The template's macros (looked up once unless the environment reloads edited templates)."""
        if self._macros is not None:
            return self._macros
        macros = self._env.get_template(TEMPLATE).module
        if not self._env.auto_reload:
            self._macros = macros
        return macros

    def __call__(self, name: str, *args: object) -> Markup:
        macro = getattr(self._module(), name)
        if self._pid != os.getpid():
            return macro(*args)
        key = (name, *(arg if isinstance(arg, str) else id(arg) for arg in args))
        entry = self._made.get(key)
        if entry is None:
            if len(self._made) >= MOST_KEPT:
                self._made.clear()
            # the arguments are kept with the piece, so their ids cannot be reused by other objects
            entry = self._made[key] = (args, macro(*args))
        return entry[1]
