"""A build session: what the builds of one process keep for each other (``serve``), in one object.

``serve`` makes one and passes it to every ``pipeline.build``; a one-off build has none, and every
test that wants one makes its own, so nothing outlives it. It holds every memo of the stages'
derived values (``memo.Memo``, one per name, each starting a new pass with every build), the cache
entries kept in memory, the stat cache, the previous links, the index of what each published file
shows and the writes a patch left for after the browser's reload. ``Reuse`` is what a build hands
the stages (``recall.Recall``): the session's memos, and the on-disk cache between processes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import Cache, Kept
from .memo import Memo
from .unchanged import StatCache

if TYPE_CHECKING:
    from ..link import Links
    from ..model import Site
    from ..revisions import Revision
    from .incremental import ShownIndex

V = TypeVar("V")


class BuildSession:
    """What one process's builds reuse from each other; its presence is what "serve mode" means."""

    def __init__(self) -> None:
        self.kept = Kept()
        """Cache entries read or written, so the next build reads no file (``cache.Cache``)."""
        self.stat = StatCache()
        """Content files provably unchanged since read (``unchanged.py``)."""
        self.memos: dict[str, tuple[Memo[Any], int]] = {}
        """Each memo, and the build it was last used in."""
        self.builds = 0
        """Builds started: a memo starts a new pass when first used in a build (one it is not used in keeps it)."""
        self.links: tuple[Site, Links] | None = None
        """The previous build's site and links: ``link`` relinks only what changed."""
        self.shown: dict[str, ShownIndex] = {}
        """Which files show each record, by output folder (``incremental.ShownIndex``)."""
        self.published: dict[Path, int] = {}
        """Output folders this session published (with their inode): only those may be patched in place."""
        self.unwritten: dict[Path, Callable[[], None]] = {}
        """What the last patch of each output folder left to write after the browser's reload."""
        self.git_logs: dict[tuple[str, str], dict[str, Revision]] = {}
        """``revisions`` by (content folder, commit): the log of a commit never changes."""

    def memo(self, name: str) -> Memo[Any]:
        """The memo ``name``; used first in this build, it keeps only what the build before used."""
        memo, build = self.memos.get(name) or (Memo(), -1)
        if build != self.builds:
            memo.new_pass()
            self.memos[name] = (memo, self.builds)
        return memo

    def new_build(self) -> None:
        self.builds += 1


class Reuse:
    """``recall.Recall`` for one build: the session's memos (if any) and the on-disk cache."""

    def __init__(self, cache: Cache, session: BuildSession | None = None) -> None:
        self.cache = cache
        self.session = session
        self.kept = session is not None

    def recall(self, name: str, objects: tuple[object, ...], extra: Hashable, make: Callable[[], V]) -> V:
        if self.session is None:
            return make()
        return self.session.memo(name).get(objects, extra, make)

    def stored(self, kind: str, digest: str, make: Callable[[], V]) -> V:
        key = self.cache.key(kind, digest) if digest else ""
        if not key:
            return make()
        hit = self.cache.get(kind, key)
        if hit is None:
            hit = make()
            self.cache.put(kind, key, hit)
        return hit
