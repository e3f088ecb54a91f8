"""What a build leaves for the next one, so that it redoes only what an edit changed.

A build records a ``Snapshot``: a version (digest) of every record it read, the records each
output file shows (``render.Job.deps``) and the files as it published them. The next build
compares versions: a file whose records did not change, made by the same engine, templates and
configuration, and still as published, is hard-linked from the previous site instead of being
rendered again. When nothing at all changed (same input bytes, same day for the warnings), there
is nothing to do. Every shortcut falls back to rendering, so the result is the full build's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .. import projections
from ..deps import Dep, changed
from ..digests import digest, tree_fingerprint
from ..errors import ContentError
from ..model import Body, Citation
from ..recall import ONCE, Recall
from . import unchanged
from .cache import engine_fingerprint
from .unchanged import StatCache
from .write import Listing

if TYPE_CHECKING:  # not at run time: a build with nothing to do never imports the renderer (nor the search)
    from ..load import RawContent
    from ..model import Controversy, Site
    from ..render import Job
    from ..revisions import Revision
    from .search import SearchIndex


@dataclass
class Snapshot:
    """A published build, as the next build of the same output folder needs it."""

    inputs: str
    """Digest of every input byte: equal means nothing to do."""
    day: str
    """The day warnings were judged against (``lint`` depends on it)."""
    key: str
    """Engine, templates and configuration: a different key means every file is made again."""
    versions: dict[str, str]
    deps: dict[str, tuple[str, ...]]
    listing: Listing
    warnings: list[ContentError] = field(default_factory=list)
    search: SearchIndex | None = None
    files: list[str] = field(default_factory=list)
    folder: int = 0
    """Inode of the output folder as published: another build swapping in its own changes it."""
    static: str = ""
    """Fingerprint of the static assets it copied."""
    keys: dict[str, str] = field(default_factory=dict)
    """Each file's input key in the cache's store (``outputs.input_keys``), if it was filled from or kept there."""


def inputs_digest(
    content: Path,
    templates: Path,
    static: Path,
    settings: str,
    revisions: Mapping[str, Revision],
    files: ContentFiles | None = None,
    seen: StatCache | None = None,
    recall: Recall = ONCE,
) -> str:
    """Digest of everything a build reads: content, templates and static files, settings and git dates.

    ``files``: ``content_files(content)``, if the caller has it. ``seen`` (a session's): content files
    unchanged since this process last read them are not read again. The git dates' part is recalled by
    answer (``revisions`` gives a session the same object until the next commit).
    """
    parts: list[bytes | str] = [engine_fingerprint(), settings, tree_fingerprint(templates), tree_fingerprint(static)]
    parts += recall.recall("revision parts", (revisions,), None, partial(_sorted_revisions, revisions))
    for name, path, st in content_files(content) if files is None else files:
        if stat.S_ISLNK(st.st_mode):
            parts += [name, "symlink", os.readlink(path)]
        elif stat.S_ISREG(st.st_mode):
            parts += [name, _file_digest(path, st, seen)]
    return digest(*parts)


def _sorted_revisions(revisions: Mapping[str, Revision]) -> list[str]:
    return sorted(f"{path}={revision}" for path, revision in revisions.items())


def _revisions_by_key(revisions: Mapping[str, Revision]) -> dict[str, str]:
    return {Dep.REVISION(path): repr(revision) for path, revision in revisions.items()}


def _file_digest(path: str, st: os.stat_result, seen: StatCache | None) -> str:
    if seen is not None and (known := seen.recalled("input", path, st)) is not None:
        return known
    read_at = unchanged.now()
    with open(path, "rb") as stream:
        found = digest(stream.read())
    if seen is not None:
        seen.remember("input", path, st, found, read_at)
    return found


ContentFiles = list[tuple[str, str, os.stat_result]]


def content_files(content: Path) -> ContentFiles:
    """(name relative to ``content``, path, ``lstat``) of every entry under it, folders included, sorted by
    name; symbolic links not followed.

    Made once per build: the inputs digest and ``load`` both read it, and listing and stating every page is
    a noticeable part of a ``serve`` rebuild. ``scandir`` and plain strings: pathlib costs more than reading them.
    """
    found: ContentFiles = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    found.append((prefix + entry.name, entry.path, entry.stat(follow_symlinks=False)))
                except FileNotFoundError:  # deleted since listed: as if it had not been there
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")

    if content.is_dir():
        walk(str(content), "")
    found.sort(key=lambda item: item[0])
    return found


def render_key(templates: Path, site: Site) -> str:
    """What every page depends on: a change here re-renders everything."""
    return digest(engine_fingerprint(), tree_fingerprint(templates), repr(site.config))


def versions(
    raw: RawContent,
    site: Site,
    revisions: Mapping[str, Revision],
    previous: Mapping[str, str] | None = None,
    recall: Recall = ONCE,
) -> dict[str, str]:
    """A digest per record (the keys of ``Job.deps``): pages by their file, registry entries by value.

    A controversy has five: ``Dep.BODY``, its whole file, for the few outputs that show its body (its
    page and its data); ``Dep.CONTROVERSY``, all but the body's prose, for those showing its positions
    (thread, proponents …); and the digest of each projection other pages are given of it
    (``projections.py``): its ``Row`` in lists of every controversy, its ``Neighbour`` under See also,
    its feed ``Entry``; and ``Dep.QUOTED``, the body's paragraphs that cite, for the bibliography (it quotes
    them). A paragraph edit remakes three files (four if the paragraph cites), a reworded claim a dozen,
    and not the neighbours' pages.
    ``previous`` versions are reused where what they were made from is unchanged: the controversy's file
    for all five, and for an ``Entry`` also its thread's file and the sources (``projections.entry``'s
    arguments). A registry's versions are recalled by registry (a session's: the same object while its
    file is unchanged).
    """
    previous = previous or {}
    found = {Dep.THREAD(doc.slug): doc.digest for doc in raw.threads if doc.slug in site.threads}
    sources = recall.recall(
        "registry versions", (site.sources,), "s", partial(_record_versions, Dep.SOURCE, site.sources)
    )
    sources_same = all(previous.get(key) == version for key, version in sources.items())
    from ..quotes import quoted_version  # here: a build with nothing to do never imports the stages

    b, cp, r, n, f = _CONTROVERSY_PREFIXES
    q = Dep.QUOTED("")
    for doc in raw.controversies:
        slug = doc.slug
        if slug not in site.controversies:
            continue
        body, listed, row, near, entry = b + slug, cp + slug, r + slug, n + slug, f + slug
        found[body] = doc.digest
        c = site.controversies[slug]
        same = previous.get(body) == doc.digest
        if same and listed in previous and row in previous and near in previous:
            found[listed], found[row], found[near] = previous[listed], previous[row], previous[near]
        else:
            found[listed] = listed_version(c)
            found[row] = digest(repr(projections.row(c)))
            found[near] = digest(repr(projections.neighbour(c)))
        quoted = q + slug
        found[quoted] = previous[quoted] if same and quoted in previous else quoted_version(c.body.html)
        thread = Dep.THREAD(c.thread)
        if same and sources_same and entry in previous and previous.get(thread) == found[thread]:
            found[entry] = previous[entry]
        else:
            found[entry] = digest(repr(projections.entry(c, site.threads[c.thread], site.sources)))
    found |= sources
    found |= recall.recall(
        "registry versions", (site.proponents,), "p", partial(_record_versions, Dep.PROPONENT, site.proponents)
    )
    found |= {Dep.EVENT(event.id): digest(repr(event)) for event in site.events}
    found |= recall.recall("revision versions", (revisions,), None, partial(_revisions_by_key, revisions))
    return found


CONTROVERSY_DEPS = (Dep.BODY, Dep.CONTROVERSY, Dep.ROW, Dep.NEIGHBOUR, Dep.ENTRY)
_CONTROVERSY_PREFIXES = tuple(dep("") for dep in CONTROVERSY_DEPS)
"""``b:``, ``c:`` …: a rebuild makes five keys per controversy, by concatenation."""


def _record_versions(kind: Dep, records: Mapping[str, object]) -> dict[str, str]:
    return {kind(key): digest(repr(record)) for key, record in records.items()}


def listed_version(c: Controversy) -> str:
    """Digest of what pages other than its own show of a controversy: everything but the body's prose.

    The body's citations stay in (in order, with their sections, not their lines): they number the
    page's references and make the sources page's "cited by".
    """
    cited = tuple(Citation(cite.source, 0, cite.section) for cite in c.body.citations)
    return digest(repr(dataclasses.replace(c, body=Body("", cited))))


def listing(root: Path) -> Listing:
    """(size, mtime, inode) of every file under ``root`` (read at every build: ``scandir``, no pathlib)."""
    found: Listing = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (st.st_size, st.st_mtime_ns, st.st_ino)

    if root.is_dir():
        walk(str(root), "")
    return found


def reusable(
    jobs: Mapping[str, Job],
    previous: Snapshot | None,
    key: str,
    new_versions: dict[str, str],
    out: Path,
) -> set[str]:
    """Files of the previous site that are exactly what ``jobs`` would make now.

    The output folder is listed again, to catch files changed by hand.
    """
    if previous is None or previous.key != key or not out.is_dir():
        return set()
    edited = changed(previous.versions, new_versions)
    current = listing(out)
    return {
        file
        for file, job in jobs.items()
        if file in previous.deps
        and edited.isdisjoint(job.deps)
        and edited.isdisjoint(previous.deps[file])
        and file in current
        and current[file] == previous.listing.get(file)
    }


class ShownIndex:
    """Which output files show each record: a snapshot's ``deps`` inverted, kept by ``serve`` between builds.

    Finding the files an edit touched by testing every file's dependencies against the edited records
    costs a scan of every file, for a handful of files. The index is brought up to date
    with the next snapshot by re-indexing only the files whose ``deps`` changed: one comparison per file,
    at once for the very tuples ``shows`` reuses for unchanged records.
    """

    def __init__(self) -> None:
        self.deps: Mapping[str, tuple[str, ...]] = {}
        """The ``deps`` the index describes."""
        self._files: dict[str, set[str]] = {}

    def follow(self, deps: Mapping[str, tuple[str, ...]]) -> None:
        """Make the index describe ``deps``."""
        indexed = self.deps
        for file, keys in deps.items():
            before = indexed.get(file)
            if before == keys:  # the very tuple, mostly (render reuses them), or an equal one
                continue
            if before is not None:
                self._drop(file, before)
            for key in keys:
                self._files.setdefault(key, set()).add(file)
        for file in indexed.keys() - deps.keys():
            self._drop(file, indexed[file])
        self.deps = deps

    def _drop(self, file: str, keys: tuple[str, ...]) -> None:
        for key in keys:
            files = self._files[key]
            files.discard(file)
            if not files:
                del self._files[key]

    def showing(self, keys: Iterable[str]) -> set[str]:
        """The files showing any of ``keys``."""
        found: set[str] = set()
        for key in keys:
            found |= self._files.get(key, set())
        return found


def to_remake(jobs: Mapping[str, Job], previous: Snapshot, new_versions: dict[str, str], index: ShownIndex) -> set[str]:
    """The files of ``jobs`` that ``reusable`` would not take from ``previous``, in a folder still as it
    published it (``patchable``), found through the output folder's ``ShownIndex`` instead of by a scan."""
    index.follow(previous.deps)
    edited = changed(previous.versions, new_versions)
    new_or_moved = {
        file
        for file, job in jobs.items()
        if (before := previous.deps.get(file)) is None
        or file not in previous.listing
        or (job.deps is not before and not edited.isdisjoint(job.deps))
    }
    return (index.showing(edited) & jobs.keys()) | new_or_moved


def patchable(previous: Snapshot | None, key: str, static: str, out: Path) -> bool:
    """Whether ``out`` is still the folder ``previous`` describes, made with the same engine, templates,
    configuration and static assets: then only the files an edit touched need writing (``write.patch``)."""
    try:
        folder = os.stat(out).st_ino
    except OSError:
        return False
    return previous is not None and (previous.key, previous.static, previous.folder) == (key, static, folder)


def today(day: dt.date | None) -> str:
    return (day or dt.date.today()).isoformat()
