"""Pieces of pages rendered once and reused while they are made of the very same objects.

Some pieces recur: a source's entry in the References list of every page citing it, the back-links of
a reference cited in the same places (the lists are interned, ``numbering.py``), a position on each
page of its proponents. Templates call ``fragment('name', …)`` for such a piece: a macro of
``_fragments.html``, whose output depends on its arguments alone (the file is imported without context).
A piece is kept by the identity of its arguments (strings by value), as ``reuse/memo.py`` does, so a
build renders each piece once per process and joins it into every page showing it. ``serve`` keeps
its ``Fragments`` from build to build (``pages.jobs`` asks the reuse layer for it): records an edit did
not touch are the very same objects in the next build, so a page is re-rendered around the one piece
that changed. ``remember=False`` (the environment's own ``fragment``) calls the macro every time: the
reference the reused pieces are tested against (``tests/test_fragments.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from jinja2 import Environment
from markupsafe import Markup

T = TypeVar("T")

TEMPLATE = "_fragments.html"
MOST_KEPT = 20_000
"""Pieces kept at most (about 20 MB); then all are dropped, and made again as pages are rendered.

Pieces of edited records stay until then: a piece is kept by its arguments' identity, so it can never be
reused for another record, only outlive its own."""


class Fragments:
    """``fragment(name, *args)`` in templates: the output of the macro ``name`` of ``_fragments.html``."""

    def __init__(self, env: Environment, remember: bool) -> None:
        self._env = env
        self._remember = remember
        self._made: dict[tuple[object, ...], tuple[tuple[object, ...], object]] = {}
        """Each process its own: a forked worker adds the pieces of its share of the pages to what it inherited."""
        self._macros: object = None

    def _module(self) -> object:
        """The template's macros (looked up once unless the environment reloads edited templates)."""
        if self._macros is not None:
            return self._macros
        macros = self._env.get_template(TEMPLATE).module
        if not self._env.auto_reload:
            self._macros = macros
        return macros

    @property
    def kept(self) -> int:
        """Pieces kept (in this process)."""
        return len(self._made)

    def __call__(self, name: str, *args: object) -> Markup:
        return cast(Markup, self._kept(name, args))

    def piece(self, make: Callable[..., T], *args: object) -> T:
        """``make(*args)``, a piece made in Python (a controversy's entry in every feed listing it), kept alike."""
        return cast(T, self._kept(make, args))

    def _kept(self, make: str | Callable[..., object], args: tuple[object, ...]) -> object:
        """The macro ``make`` of ``_fragments.html``, or the function ``make``, called with ``args`` once for the same
        arguments (by identity; strings by value)."""
        key = (make, *[arg if type(arg) is str else id(arg) for arg in args])
        entry = self._made.get(key)
        if entry is None:
            function = getattr(self._module(), make) if isinstance(make, str) else make
            if not self._remember:
                return function(*args)
            if len(self._made) >= MOST_KEPT:
                self._made.clear()
            # the arguments are kept with the piece, so their ids cannot be reused by other objects
            entry = self._made[key] = (args, function(*args))
        return entry[1]
