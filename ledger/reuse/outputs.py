"""Rendered files kept in the cache by the versions of what they show, so a fresh output folder is filled, not rendered.

A pull request's build starts from a fresh checkout: the cache is restored, the output folder is empty,
and the previous site (what ``incremental.reusable`` links from) is not there. So every file a build
makes is also kept in ``.ledger-cache/outputs/<configuration>/``, named by its *input key*: a digest of
the file's name and of the version (``incremental.versions``) of every record it shows (``Job.deps``;
``Dep.X.every`` by the versions of every record of kind X). The configuration, which every file shows,
is the engine, the templates, the site's settings (``incremental.render_key``) and the static assets. A
later build's job with the same input key makes the same bytes (the premise of every incremental build
here, checked against scratch builds by ``tests/test_incremental.py``), so its kept file is linked into
the new site instead of being rendered.

Kept files are hard links to the site's files: a copy of every file costs about four times as much,
for a build whose point is to be quick (reflinks would be free, but most CI disks are ext4). Sharing an
inode with the site is safe because nothing of the engine writes into a file: ``write`` makes every
file anew (unlinked, then created; ``serve`` renames a new file over it), so a later build or a ``serve``
patch of the site leaves the kept file as it was, and keeping a file never writes into one either. What
else might (a tool post-processing the site in place, a damaged or foreign cache) is caught: the digest
of each file's bytes is recorded when it is made (``Manifest``) and checked every time the kept file
is used (``write.emit``); a kept file that does not match is refused, reported (``BuildReport.notes``),
removed and rendered again. So a build filled from the cache has the bytes of a build from scratch, or
says why not. A cache made with another engine, Python or dependencies is started afresh as a whole
(``cache.prepare``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from ..deps import changed, every_of
from ..digests import digest
from .cache import Cache

FOLDER = "outputs"
"""Under the cache folder: one folder per configuration (``Store.folder``)."""
CONFIGURATIONS = 2
"""Configurations whose files are kept: the latest ones used (CI keeps the site as deployed and as a pull
request builds it; a template edit is a new configuration, and must not leave a whole site behind for long)."""
USED = "used"
"""A file in a configuration's folder, touched by every build that keeps files there."""

Manifest = dict[str, tuple[str, int]]
"""Input key → (digest of the kept file's bytes, ``content_digest``; its size), for the files of the latest build."""


def content_digest() -> hashlib._Hash:
    """The hash a kept file's bytes are recorded and checked with (fed as the file is written or read): SHA-256,
    which processors compute in hardware, about twice as fast as BLAKE2 for a whole site's bytes."""
    return hashlib.sha256()


def file_digest(path: str | Path) -> tuple[str, int]:
    """``content_digest`` of the file at ``path``, and its size.

    A fresh output folder checks every kept file it links (6,567 on the 1,000 corpus): read in one piece of the
    size the file has (a second read finds its end, or what was appended since), not through a file object and
    ``hashlib.file_digest``'s buffer, which cost more than the hashing for files this small.
    """
    found, size = content_digest(), 0
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        piece = os.fstat(fd).st_size + 1
        while data := os.read(fd, piece):
            found.update(data)
            size += len(data)
    finally:
        os.close(fd)
    return found.hexdigest(), size


def input_keys(
    configuration: str,
    deps: Mapping[str, tuple[str, ...]],
    versions: Mapping[str, str],
    earlier: Earlier | None = None,
) -> dict[str, str]:
    """Each file's input key: its name, and the version of every record it shows (``deps``, ``Job.deps`` by file),
    under ``configuration``.

    A record missing from ``versions`` (deleted) counts as a version of its own; ``Dep.X.every`` stands for
    the versions of every record of kind X, so a file listing them all changes key when any is added,
    removed or edited (``deps.changed`` treats it the same way).

    ``earlier``: the keys an earlier build found under the same configuration. A file that shows the same
    records as then, none of them changed since (nor, for ``Dep.X.every``, any record of kind X), hashes the
    same tokens, so it keeps its key: a pull request's build hashes the few files its edit touched, not all.
    """
    known: Mapping[str, str] = {}
    before: Mapping[str, tuple[str, ...]] = {}
    edited: set[str] = set()
    if earlier is not None and earlier.configuration == configuration:
        known, before, edited = earlier.keys, earlier.deps, changed(earlier.versions, versions)
    found: dict[str, str] = {}
    todo: dict[str, tuple[str, ...]] = {}
    for file, keys in deps.items():
        key = known.get(file)
        if key is not None and edited.isdisjoint(keys) and _same(before.get(file), keys):
            found[file] = key
        else:
            todo[file] = keys
    if not todo:
        return found
    kinds: dict[str, list[str]] = {}
    for key in sorted(versions):
        kinds.setdefault(every_of(key), []).append(f"{key}\0{versions[key]}")
    tokens = _Tokens({key: f"{key}\0{version}" for key, version in versions.items()})
    tokens |= {kind: f"{kind}\0{digest(*entries)}" for kind, entries in kinds.items()}
    shown = tokens.__getitem__
    # dependencies are listed from sets: their order differs from one process to the next
    found |= {file: digest(configuration, file, "\0".join(map(shown, sorted(keys)))) for file, keys in todo.items()}
    return found


def _same(before: tuple[str, ...] | None, now: tuple[str, ...]) -> bool:
    """Whether a file shows the same records as before (listed from sets: in another order in another process)."""
    return before is not None and (before == now or (len(before) == len(now) and set(before) == set(now)))


class Earlier(NamedTuple):
    """The input keys of an earlier build (``Snapshot.keys``), and what it made them from."""

    configuration: str
    keys: Mapping[str, str]
    deps: Mapping[str, tuple[str, ...]]
    versions: Mapping[str, str]


class _Tokens(dict[str, str]):
    """A dependency and its version, as hashed into input keys: one string per record, made once per build."""

    def __missing__(self, key: str) -> str:
        return f"{key}\0-"  # a record no longer there (or a kind with none): a version of its own


class Kept(NamedTuple):
    """A kept file a job may be filled from: where it is and what its bytes must be (a named tuple: thousands)."""

    path: str
    digest: str
    size: int


class Store:
    """The kept files of one configuration in one cache folder, and their ``Manifest`` (kept in the cache database).

    Only the latest build's files are kept: a build that rendered anything replaces the manifest with its
    own and removes the files no longer in it, so the store holds one site per configuration.
    """

    def __init__(self, cache: Cache, configuration: str) -> None:
        assert cache.root is not None
        self.cache, self.configuration = cache, configuration
        self.folder = cache.root.absolute() / FOLDER / configuration[:24]
        self._prefix = str(self.folder) + os.sep
        self._manifest_key = cache.key("outputs", configuration)
        found = cache.get("outputs", self._manifest_key)
        self.manifest: Manifest = found if isinstance(found, dict) else {}

    def path(self, key: str) -> str:
        return f"{self._prefix}{key[:2]}{os.sep}{key}"

    def kept(self, keys: Mapping[str, str], skip: Iterable[str] = ()) -> dict[str, Kept]:
        """The files of ``keys`` (file → input key) kept by an earlier build, but those in ``skip``."""
        skipped = set(skip)
        found = {}
        for file, key in keys.items():
            if file not in skipped and (entry := self.manifest.get(key)) is not None:
                found[file] = Kept(self.path(key), *entry)
        return found

    def save(self, keys: Mapping[str, str], made: Mapping[str, tuple[str, int]]) -> None:
        """Record this build's files: ``made`` (file → digest and size) were rendered and kept, or checked and
        linked, now; the others keep their entries if they had one (files linked from the previous site).
        Kept files of the previous manifest that are not this build's are removed."""
        old = self.manifest
        new: Manifest = {}
        for file, key in keys.items():
            if file in made:
                new[key] = made[file]
            elif key in old:
                new[key] = old[key]
        for key in old.keys() - new.keys():
            with contextlib.suppress(OSError):
                os.unlink(self.path(key))
        self.manifest = new
        if new != old:
            self.cache.put("outputs", self._manifest_key, new)
        with contextlib.suppress(OSError):
            (self.folder / USED).touch()
            self._forget_other_configurations()

    def _forget_other_configurations(self) -> None:
        """Remove the kept files of all but the ``CONFIGURATIONS`` configurations used last."""

        def used(folder: Path) -> int:
            try:
                return (folder / USED).stat().st_mtime_ns
            except OSError:
                return 0

        folders = sorted((f for f in self.folder.parent.iterdir() if f.is_dir()), key=used, reverse=True)
        for folder in folders[CONFIGURATIONS:]:
            if folder != self.folder:
                shutil.rmtree(folder, ignore_errors=True)
