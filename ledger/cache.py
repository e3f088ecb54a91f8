"""An on-disk, content-addressed cache (``.ledger-cache/``) of work worth keeping between builds.

Every key hashes the bytes of the inputs with the engine's fingerprint (its own source code, the
versions of the libraries whose output it keeps, and Python's), so an edited file, a new version
of the engine or of markdown-it simply misses: nothing is ever invalidated by hand, and a stale
entry can only cost a miss. Entries are pickles written atomically; a damaged entry reads as a
miss. Entries nobody has used for ``MAX_AGE`` are pruned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

ENGINE = Path(__file__).resolve().parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "Jinja2", "MarkupSafe", "feedgen", "python-frontmatter")
"""Libraries whose behaviour shapes what is cached or published."""
MAX_AGE = 30 * 24 * 3600
"""Seconds an entry may go unused before ``prune`` removes it."""


def digest(*parts: bytes | str) -> str:
    """A hex digest of ``parts`` (length-prefixed, so ``("ab", "c")`` and ``("a", "bc")`` differ)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@cache
def engine_fingerprint() -> str:
    """Changes whenever the engine's code or a library it relies on changes."""
    installed = _installed_versions()
    parts: list[bytes | str] = [sys.version]
    for name in LIBRARIES:
        version = installed.get(_normalized(name))
        parts.append(f"{name}=={version}" if version else f"{name} missing")
    for file in sorted(ENGINE.glob("*.py")):
        parts += [file.name, file.read_bytes()]
    return digest(*parts)


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _installed_versions() -> dict[str, str]:
    """Version of each distribution on ``sys.path``, from its ``<name>-<version>.dist-info`` folder name.

    What ``importlib.metadata.version`` answers, without building a distribution object per query
    (that took a fifth of a build with nothing to do); the first one on the path wins, as for imports.
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in sorted(names):
            stem = folder.removesuffix(".dist-info")
            if stem != folder and stem.count("-") == 1:
                name, version = stem.split("-")
                found.setdefault(_normalized(name), version)
    return found


def tree_fingerprint(root: Path) -> str:
    """Names and bytes of every file under ``root`` (templates, static assets)."""
    parts: list[bytes | str] = []
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            parts += [file.relative_to(root).as_posix(), file.read_bytes()]
    return digest(*parts)


_memory: dict[tuple[str, str, str], Any] = {}
"""Entries this process already read or wrote, by (root, kind, key): ``serve`` rebuilds skip the disk."""
_used: set[tuple[str, str, str]] = set()
"""Entries of ``_memory`` read or written since the last ``forget_unused``."""


class Cache:
    """Pickled values under ``root/<kind>/<key[:2]>/<key>``; a ``None`` root caches nothing.

    Values are shared, not copied: callers treat them as read-only.
    """

    def __init__(self, root: Path | None, memory: bool = False) -> None:
        self.root = root
        self.memory = memory and root is not None
        """Also keep entries in this process (``serve``): its next build reads no file."""

    def key(self, *parts: bytes | str) -> str:
        """The key of an entry made from ``parts`` by this engine ("" when caching nothing: no need to hash)."""
        return digest(engine_fingerprint(), *parts) if self.root is not None else ""

    def _file(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> Any | None:
        if self.root is None:
            return None
        if self.memory and (str(self.root), kind, key) in _memory:
            _used.add((str(self.root), kind, key))
            return _memory[str(self.root), kind, key]
        file = self._file(kind, key)
        try:
            value = pickle.loads(file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(file)  # recently used: spared by prune
        if self.memory:
            _memory[str(self.root), kind, key] = value
            _used.add((str(self.root), kind, key))
        return value

    def remember(self, kind: str, key: str, value: Any) -> None:
        """Keep ``value`` for this process's next build (``serve``) without writing it (a worker did)."""
        if self.memory:
            _memory[str(self.root), kind, key] = value
            _used.add((str(self.root), kind, key))

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.root is None:
            return
        self.remember(kind, key, value)
        file = self._file(kind, key)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, file)
        except OSError:
            return  # a cache that cannot be written only costs time

    def forget_unused(self) -> None:
        """Drop this cache's in-memory entries no build used since the last call: the parses of a file's
        earlier versions, say; ``serve`` calls it after each build, so a long session does not grow."""
        root = str(self.root)
        for entry in [entry for entry in _memory if entry[0] == root and entry not in _used]:
            del _memory[entry]
        _used.difference_update([entry for entry in _used if entry[0] == root])

    def prune(self, max_age: float = MAX_AGE) -> None:
        """Remove entries unused for ``max_age`` seconds (a build keeps touching the ones it reads); once a day."""
        if self.root is None or not self.root.is_dir():
            return
        stamp = self.root / "pruned"
        with contextlib.suppress(OSError):
            if time.time() - stamp.stat().st_mtime < 24 * 3600:
                return
        stamp.touch()
        cutoff = time.time() - max_age
        for folder, folders, files in os.walk(self.root):
            if folder == str(self.root) and "spare" in folders:
                folders.remove("spare")  # a whole site, not entries (``write.publish``): its files are dated 1980
            for name in files:
                file = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    if os.stat(file).st_mtime < cutoff:
                        os.unlink(file)
