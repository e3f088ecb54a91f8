"""The pipeline's ``load.Reader``: parses kept between builds, the missing ones made on every core, bodies spilled.

A file's parse is cached by its bytes (``cache.py``); pages missing from the cache are parsed by
forked workers (``parallel.py``), which read the files and write their parses to the cache
themselves, so the texts never travel or pile up in this process: they come back spilled
(``spill.py``). In a build session (``serve``), files whose ``stat`` did not change since they were
last read are not read again (``unchanged.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from ..digests import digest
from ..load import Document, Page, Parsed, YamlRead, parse_document, parse_registry, read_bytes
from ..yamltree import YamlError
from . import spill, unchanged
from .cache import Cache
from .parallel import fork_map
from .unchanged import StatCache

PARALLEL_FROM = 64
"""Fewer unparsed files than this are parsed in-process: forking costs more than it saves."""


def spilled(parsed: Parsed) -> Parsed:
    """``parsed`` with its body's long texts moved to the spill file: few read them, later."""
    document, errors = parsed
    if document is None:
        return parsed
    body = spill.spilled(document.body)
    return parsed if body is document.body else (dataclasses.replace(document, body=body), errors)


class CachedReader:
    """Reads through ``cache`` (and ``stat``, a session's: files unchanged since read are not read again)."""

    def __init__(self, cache: Cache, stat: StatCache | None = None, workers: int = 1) -> None:
        self.cache, self.stat, self.workers = cache, stat, workers

    def registry(self, file: Path, shown: str, limit: int) -> tuple[str, YamlRead]:
        path, purpose, st = str(file), f"yaml {shown}", None
        if self.stat is not None:
            with contextlib.suppress(OSError):
                st = os.lstat(path)
        if st is not None and self.stat is not None and (known := self.stat.recalled(purpose, path, st)) is not None:
            file_digest, key = known.split(" ")
            if (hit := self.cache.get("yaml", key)) is not None:
                return file_digest, hit
        read_at = unchanged.now()
        data = read_bytes(file, shown, limit)
        file_digest, key = digest(shown, data), self.cache.key(shown, data)
        if st is not None and self.stat is not None:
            self.stat.remember(purpose, path, st, f"{file_digest} {key}", read_at)
        hit = self.cache.get("yaml", key)
        if hit is None:
            hit = parse_registry(data, shown)
            self.cache.put("yaml", key, hit)
        return file_digest, hit

    def pages(
        self, pages: list[Page], meanwhile: Callable[[], object], parsed_here: Callable[[Document], object]
    ) -> dict[str, Parsed]:
        parsed: dict[str, Parsed] = {}
        misses: list[tuple[str, str, Path]] = []
        for slug, shown, path, st in pages:
            try:
                key = self._parse_key(path, st, shown)
            except YamlError as exc:
                parsed[shown] = (None, [exc.error])
                continue
            hit = self.cache.get("parse", key)
            if hit is not None:
                parsed[shown] = spilled(hit)
                if parsed[shown] is not hit:  # a session keeps the spilled one for its next build
                    self.cache.remember("parse", key, parsed[shown])
            else:
                misses.append((slug, shown, Path(path)))
        parsed |= self._parse(misses, meanwhile, parsed_here)
        with contextlib.suppress(OSError):
            spill.hold()  # the bodies' files, open and removed: nothing is left on disk however this process ends
        return parsed

    def _parse(
        self,
        files: list[tuple[str, str, Path]],
        meanwhile: Callable[[], object],
        parsed_here: Callable[[Document], object],
    ) -> dict[str, Parsed]:
        """``parse_document`` of each (slug, shown path, file), by all cores, keyed by shown path; results are cached.
        ``meanwhile`` runs here while the workers parse, and ``parsed_here`` is given each document as it comes back.

        Workers read the files themselves, so the contents never travel or pile up in this process, and
        write their parses to the cache themselves (pickling them all here is slow).
        """
        cache = self.cache

        def parse_chunk(chunk: list[tuple[str, str, Path]]) -> list[tuple[str, str, Parsed]]:
            results = []
            for slug, shown, file in chunk:
                try:
                    data = read_bytes(file, shown)
                except YamlError as exc:  # changed since it was first read
                    results.append(("", shown, (None, [exc.error])))
                    continue
                key, result = cache.key(shown, data), parse_document(slug, shown, data)
                if key:
                    cache.put("parse", key, result)  # whole, and here: the body's texts never reach the parent
                results.append((key, shown, spilled(result)))
            return results

        with contextlib.suppress(OSError):  # (without one, bodies stay in memory)
            spill.prepare()  # one folder for every worker's bodies, removed when this process exits
        parsed: dict[str, Parsed] = {}

        def received(results: list[tuple[str, str, Parsed]]) -> None:
            for key, shown, result in results:
                parsed[shown] = result
                if key:
                    cache.remember("parse", key, result)  # a session: in this process too
                if result[0] is not None:
                    parsed_here(result[0])

        workers = self.workers if len(files) >= PARALLEL_FROM else 1
        fork_map(parse_chunk, files, workers, meanwhile=meanwhile, each=received)
        return parsed

    def _parse_key(self, path: str, st: os.stat_result | None, shown: str) -> str:
        """The cache key of the file's parse; a session does not read again a file unchanged since it last did.

        Without a cache folder there is no key ("") and the file is not read here: the worker parsing it reads it
        (and reports it if it cannot), so this process does not read every page first, a core idle meanwhile."""
        if self.stat is None:
            return self.cache.key(shown, read_bytes(Path(path), shown)) if self.cache.root is not None else ""
        if st is None:
            with contextlib.suppress(OSError):
                st = os.lstat(path)
        purpose = f"parse {shown}"
        if st is not None and (known := self.stat.recalled(purpose, path, st)) is not None:
            return known
        read_at = unchanged.now()
        key = self.cache.key(shown, read_bytes(Path(path), shown))
        if st is not None:
            self.stat.remember(purpose, path, st, key, read_at)
        return key
