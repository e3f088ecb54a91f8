"""An on-disk, content-addressed cache (``.ledger-cache/``) of work worth keeping between builds.

Every key hashes the bytes of the inputs with the engine's fingerprint (its own source code, the
versions of the libraries whose output it keeps, and Python's), so an edited file, a new version
of the engine or of markdown-it simply misses: nothing is ever invalidated by hand, and a stale
entry can only cost a miss. Entries are pickles in one SQLite database (transactions make each write
whole); a damaged entry reads as a miss, a damaged database is started afresh. Entries nobody has
used for ``MAX_AGE`` are pruned.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import platform
import shutil
import sqlite3
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from ..digests import digest

ENGINE = Path(__file__).resolve().parent.parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "Jinja2", "MarkupSafe", "feedgen", "python-frontmatter")
"""Libraries whose behaviour shapes what is cached or published."""
MAX_AGE = 30 * 24 * 3600
"""Seconds an entry may go unused before ``prune`` removes it."""


@cache
def engine_fingerprint() -> str:
    """Changes whenever the engine's code or a library it relies on changes."""
    installed = _installed_versions()
    parts: list[bytes | str] = [sys.version]
    for name in LIBRARIES:
        version = installed.get(_normalized(name))
        parts.append(f"{name}=={version}" if version else f"{name} missing")
    for file in sorted(ENGINE.rglob("*.py")):
        parts += [file.relative_to(ENGINE).as_posix(), file.read_bytes()]
    return digest(*parts)


ENVIRONMENT = "environment"
"""The file in a cache folder naming the environment its entries were made in (``environment_fingerprint``)."""
FOLDERS = ("jinja", "spare", "outputs")
"""What builds keep in a cache folder besides the database: ``prepare`` removes these, never anything else."""
LOCK_FILE = ENGINE.parent / "requirements" / "lock.txt"


@cache
def environment_fingerprint() -> str:
    """The engine (its code, Python, the libraries whose output it keeps), the platform, and the locked
    dependencies (``requirements/lock.txt``, in a checkout; elsewhere every installed distribution's version):
    what a cache folder's entries are valid for."""
    parts: list[bytes | str] = [engine_fingerprint(), sys.platform, platform.machine(), sys.byteorder]
    if LOCK_FILE.is_file():
        parts.append(LOCK_FILE.read_bytes())
    else:
        parts += sorted(f"{name}=={version}" for name, version in _installed_versions().items())
    return digest(*parts)


def prepare(root: Path) -> str | None:
    """Make ``root`` a cache folder of this environment; what was done about it, if anything.

    Every entry's key holds the engine's fingerprint already, so a foreign entry would only miss; but a
    cache restored on another machine, or kept across an upgrade of Python or a dependency, is started
    afresh as a whole (the database and ``FOLDERS`` removed), so that nothing made elsewhere is ever read
    and nothing stale takes room. The templates and static assets are not part of this: the rendered files kept in the
    cache are keyed by them (``outputs.py``), and a template edit must not throw away every parse.
    """
    root = root.absolute()
    stamp = root / ENVIRONMENT
    expected = environment_fingerprint()
    try:
        found = stamp.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        found = None
    if found == expected:
        return None
    if (connection := _connections.pop((os.getpid(), str(root)), None)) is not None:
        connection.close()
    ours = (DATABASE, DATABASE + "-wal", DATABASE + "-shm", "pruned", *FOLDERS)
    stale = [root / name for name in ours if (root / name).exists()]
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    with contextlib.suppress(OSError):  # read-only: then every entry is made anew, as without a cache
        root.mkdir(parents=True, exist_ok=True)
        temporary = root / f".{ENVIRONMENT}-{os.getpid()}"
        temporary.write_text(expected + "\n", encoding="utf-8")
        temporary.replace(stamp)
    if not stale:
        return None
    why = "another engine, Python or set of dependencies" if found else "an engine that did not record its environment"
    return f"{root}: this build cache was made by {why}; started it afresh"


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _installed_versions() -> dict[str, str]:
    """Version of each distribution on ``sys.path``, from its ``<name>-<version>.dist-info`` folder name.

    What ``importlib.metadata.version`` answers, without building a distribution object per query
    (a large part of a build with nothing to do); the first one on the path wins, as for imports.
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


DATABASE = "cache.sqlite3"
"""Every entry of a cache folder, in one SQLite file: a thousand parses were a thousand files to create,
each a slow operation on some file systems, and slower than parsing them."""
LOOKUP = "SELECT value, used FROM entries WHERE kind = ? AND key = ?"
_connections: dict[tuple[int, str], sqlite3.Connection | None] = {}
"""This process's connection to each cache database (``None``: it cannot be used); forked workers open their own."""


def _connect(root: Path) -> sqlite3.Connection | None:
    """A connection to ``root``'s database, made on first use in this process; ``None`` if it cannot be had.

    WAL with ``synchronous=NORMAL``: writers do not block readers and a commit does not wait for the
    disk; a crash may lose the last entries, never corrupt the file. A damaged file is started afresh.
    """
    root = root.absolute()  # a relative root means another folder after a chdir (tests run builds in-process)
    key = (os.getpid(), str(root))
    if key in _connections:
        return _connections[key]
    connection = None
    for attempt in range(2):
        try:
            root.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(root / DATABASE, timeout=30, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(  # a rowid table: the key's index holds keys only, values stay out of lookups
                "CREATE TABLE IF NOT EXISTS entries"
                " (kind TEXT, key TEXT, value BLOB, used REAL, PRIMARY KEY (kind, key))"
            )
            break
        except sqlite3.DatabaseError:  # not a database (damaged, or something else under that name)
            connection = None
            if attempt == 0:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        (root / (DATABASE + suffix)).unlink()
        except (OSError, sqlite3.Error):  # read-only or full disk: build without a cache
            connection = None
            break
    _connections[key] = connection
    return connection


class Kept:
    """Cache entries kept in memory by a build session (``serve``), so its next build reads no file; and the
    entries it writes to disk only when the process exits (``Cache.put_at_exit``)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Any] = {}
        """By (kind, key)."""
        self.used: set[tuple[str, str]] = set()
        """Entries read or written since the last ``forget_unused``."""
        self.pending: dict[tuple[str, str], Cache] = {}
        """Entries to write when this process exits, and the cache to write them to."""

    def write_pending(self) -> None:
        for (kind, key), owner in list(self.pending.items()):
            if (kind, key) in self.entries:
                owner.put(kind, key, self.entries[kind, key])
        self.pending.clear()


class Cache:
    """Pickled values in ``root/cache.sqlite3``, by (kind, key); a ``None`` root caches nothing.

    Values are shared, not copied: callers treat them as read-only.
    """

    def __init__(self, root: Path | None, kept: Kept | None = None) -> None:
        self.root = root
        self.kept = kept if root is not None else None
        """Entries also kept in this process (a build session's, ``serve``): its next build reads no file."""

    def key(self, *parts: bytes | str) -> str:
        """The key of an entry made from ``parts`` by this engine ("" when caching nothing: no need to hash)."""
        return digest(engine_fingerprint(), *parts) if self.root is not None else ""

    def get(self, kind: str, key: str) -> Any | None:
        if self.root is None:
            return None
        if self.kept is not None and (kind, key) in self.kept.entries:
            self.kept.used.add((kind, key))
            return self.kept.entries[kind, key]
        connection = _connect(self.root)
        if connection is None:
            return None
        try:
            row = connection.execute(LOOKUP, (kind, key)).fetchone()
            if row is None:
                return None
            value = pickle.loads(row[0])
            if row[1] < time.time() - MAX_AGE / 4:  # used again: spared by prune (not at every read: a write)
                connection.execute("UPDATE entries SET used = ? WHERE kind = ? AND key = ?", (time.time(), kind, key))
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            return None
        self.remember(kind, key, value)
        return value

    def remember(self, kind: str, key: str, value: Any) -> None:
        """Keep ``value`` for this process's next build (``serve``) without writing it (a worker did)."""
        if self.kept is not None:
            self.kept.entries[kind, key] = value
            self.kept.used.add((kind, key))

    def put_at_exit(self, kind: str, key: str, value: Any) -> None:
        """``put``, but written to disk when this process exits (``serve``, which keeps it in memory meanwhile).

        For the snapshot after each save: pickling it is a large part of a rebuild. If the process is killed
        first, the next build finds the snapshot before, which only costs it time (``incremental.reusable``
        remakes every file that differs from what that snapshot says it published).
        """
        if self.kept is None:
            self.put(kind, key, value)
            return
        self.remember(kind, key, value)
        if not self.kept.pending:
            atexit.register(self.kept.write_pending)  # (a second registration finds nothing left to write)
        self.kept.pending[kind, key] = self

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.root is None:
            return
        if self.kept is not None:
            self.kept.pending.pop((kind, key), None)  # written now: a later exit must not write an older one
        self.remember(kind, key, value)
        connection = _connect(self.root)
        if connection is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(sqlite3.Error):  # a cache that cannot be written only costs time
            connection.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", (kind, key, data, time.time()))

    def forget_unused(self) -> None:
        """Drop this cache's in-memory entries no build used since the last call: the parses of a file's
        earlier versions, say; ``serve`` calls it after each build, so a long session does not grow."""
        if self.kept is None:
            return
        kept = self.kept
        for entry in [entry for entry in kept.entries if entry not in kept.used]:
            del kept.entries[entry]
        kept.used.clear()

    def prune(self, max_age: float = MAX_AGE) -> None:
        """Remove entries unused for ``max_age`` seconds (reading an entry marks it used); once a day."""
        if self.root is None or not self.root.is_dir():
            return
        stamp = self.root / "pruned"
        with contextlib.suppress(OSError):
            if time.time() - stamp.stat().st_mtime < 24 * 3600:
                return
        stamp.touch()
        connection = _connect(self.root)
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("DELETE FROM entries WHERE used < ?", (time.time() - max_age,))
