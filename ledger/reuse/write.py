"""The only module that touches the output folder: staging and swapping a site, linking what did not
change, and ``serve``'s in-place patches.

A build writes the site into a fresh sibling folder and swaps it in with one atomic rename
(``renameat2(RENAME_EXCHANGE)`` on Linux), so readers and ``serve`` never see a half-written site,
a failed or killed build leaves the previous one intact, and concurrent builds queue on a lock
(``publish``). Inside the staging folder, forked workers each render a share of the jobs and write
those files themselves, and files the previous build published that would come out the same
(``incremental.reusable``) are hard-linked from it (``emit``). ``serve``, the only writer of its
output folder while it runs, instead renders the few files an edit touched, in memory, and only then
replaces each one atomically (``patch``): the pages first, the other files (data, feeds, sitemap) once
the browser was told to reload (``Patch.write_rest``), since no page loads them. Either way the bytes
are the full build's.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import outputs
from .fill import FIXED_MTIME, Emitted, UnsafePath, fill, target
from .parallel import Counter, Progress, fork_map

__all__ = ["FIXED_MTIME", "Emitted", "UnsafePath", "emit", "patch", "publish", "target"]

if TYPE_CHECKING:
    from ..render import Job, Made

Listing = dict[str, tuple[int, int, int]]
"""Output file → (size, mtime in ns, inode), to tell a file that is still as published (``incremental.listing``)."""


def _fix_times(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the OS cannot (then the caller renames twice)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def exchange(new: Path, old: Path) -> None:
    """Put ``new`` where ``old`` is, atomically where the OS can; ``new`` then holds (or is) the old one."""
    if not old.exists():
        new.rename(old)
    elif not _exchange(new, old):
        retired = new.with_name(new.name + ".old")
        old.rename(retired)
        new.rename(old)
        shutil.rmtree(retired, ignore_errors=True)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output's parent folder so two builds take turns (no lock file left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_leftovers(out: Path) -> None:
    """Staging folders of builds that were killed before they finished (safe: we hold the lock)."""
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _retire(previous: Path, spare: Path | None) -> None:
    """Keep the site just replaced as the next build's staging folder, or delete it."""
    if spare is not None:
        with contextlib.suppress(OSError):
            spare.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(spare, ignore_errors=True)
            previous.rename(spare)
            return
    shutil.rmtree(previous, ignore_errors=True)


def publish(
    out: Path,
    fill: Callable[[Path], None],
    after_write: Callable[[Path], None] | None = None,
    spare: Path | None = None,
) -> None:
    """Replace the folder ``out`` with what ``fill(staging)`` writes into a staging folder, in one atomic step.

    ``fill`` is ``emit`` (in parallel, reusing unchanged files of the current ``out``).
    ``after_write(staging)`` runs once everything is written and before the swap, for build steps that
    read the written pages (the search index); what it adds is published with them. With ``spare`` (a
    folder in the build cache), the site swapped out is kept there instead of deleted, and the next build
    stages in it: ``fill`` then finds an older site to bring up to date, not an empty folder, and no
    folder is deleted and made again (on some disks, deleting and making folders is slow).
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out.parent):
        _remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        if spare is not None and spare.is_dir():
            with contextlib.suppress(OSError):  # e.g. on another file system: then the staging folder is empty
                spare.rename(staging)  # replaces the empty folder
        try:
            fill(staging)
            if after_write is not None:
                after_write(staging)
                _fix_times(staging)
            staging.chmod(0o755)
            if not out.exists():
                staging.rename(out)
            elif _exchange(staging, out):
                _retire(staging, spare)  # it now holds the previous site
            else:
                retired = staging.with_name(staging.name.replace(".new-", ".old-"))
                out.rename(retired)
                staging.rename(out)
                _retire(retired, spare)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


# Rendering a build into its staging folder

PARALLEL_FROM = 200
"""Fewer files to render than this are rendered in-process: forking costs more than it saves."""


def _write_made(path: Path, data: Made, hashed: bool) -> tuple[str, int]:
    """Write ``data`` as a new file at ``path`` (never into a file: it may be a link to the live site's, or a kept
    one); the digest of its bytes and their size, if ``hashed``."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    found = outputs.content_digest() if hashed else None
    size = 0
    with open(path, "wb") as stream:
        pieces = [data.encode("utf-8") if isinstance(data, str) else data] if isinstance(data, str | bytes) else data
        for piece in pieces:  # a large file in pieces: never the whole of it in memory
            stream.write(piece)
            size += len(piece)
            if found is not None:
                found.update(piece)
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return (found.hexdigest() if found is not None else "", size)


def _keep(path: Path, kept_as: str) -> None:
    """Keep the file just written at ``path`` in the store as ``kept_as`` (``outputs.Store``), a hard link."""
    with contextlib.suppress(OSError):  # a store that cannot be written only costs the next fresh build time
        os.makedirs(os.path.dirname(kept_as), exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(kept_as)
        os.link(path, kept_as)


def _render_into(root: Path, jobs: list[Job], keep_as: Mapping[str, str], tick: Callable[[], None]) -> Emitted:
    done = Emitted()
    made = set()
    for job in jobs:
        path = target(root, job.file)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        kept_as = keep_as.get(job.file)
        written = _write_made(path, job.make(), kept_as is not None)
        if kept_as is not None:
            _keep(path, kept_as)
            done.made[job.file] = written
        done.rendered += 1
        tick()
    return done


def weight(job: Job) -> tuple[int, int]:
    """What sorts jobs by their cost, heaviest first: a page of the whole site (a dependency on every record of
    a kind, ``*``) first, the most such kinds first (the sources page takes a thousand controversy pages'
    time), then by how many records a page shows (a thread's matrix, then a controversy page)."""
    return sum(dep.endswith(":*") for dep in job.deps), len(job.deps)


def _link(previous: Path, root: Path, files: Collection[str]) -> None:
    made = set()
    for file in sorted(files):
        path = target(root, file)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        try:
            os.link(target(previous, file), path)
        except OSError:  # another file system, or links not supported
            shutil.copy2(target(previous, file), path)


def _tidy(root: Path, files: Collection[str], keep: Collection[str], previous: Path | None) -> set[str]:
    """Make a folder holding an older site (a spare, ``write.publish``) hold only what the new one keeps.

    Removes every file but those in ``keep`` that are already the very file (same inode) the previous
    site has, and every folder none of the new site's ``files`` is in; returns the files kept. Folders are what
    this saves: on some disks (mounted with ``discard``), deleting and recreating folders is slow.
    """
    kept: set[str] = set()
    needed = {""} | {parent for file in files for parent in _parents(file)}
    for folder, folders, files in os.walk(root, topdown=False):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        relative = "" if relative == "." else relative
        for name in files:
            file = f"{relative}/{name}" if relative else name
            path = os.path.join(folder, name)
            if previous is not None and file in keep and _same_file(path, target(previous, file)):
                kept.add(file)
            else:
                os.unlink(path)
        for name in folders:
            sub = f"{relative}/{name}" if relative else name
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)
            elif sub not in needed:
                os.rmdir(path)
    return kept


def _parents(file: str) -> list[str]:
    parts = file.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _same_file(a: str, b: Path) -> bool:
    try:
        return os.path.samestat(os.lstat(a), os.lstat(b))
    except OSError:
        return False


def emit(
    root: Path,
    jobs: Mapping[str, Job],
    static: Path | None,
    workers: int = 1,
    previous: Path | None = None,
    reuse: Collection[str] = (),
    kept: Mapping[str, outputs.Kept] | None = None,
    keep_as: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> Emitted:
    """Write every job's file under ``root``, linking ``reuse`` from ``previous`` and the ``kept`` files from the
    cache's store (each checked against its digest first); the files rendered are kept in the store as ``keep_as``
    says (file → path). ``progress``: told how many files are done of how many, now and then.

    ``root`` is empty, or holds an older site to be brought up to date (``_tidy``)."""
    kept, keep_as = kept or {}, keep_as or {}
    done_before = _tidy(root, jobs.keys(), reuse, previous) if any(root.iterdir()) else set()
    if static is not None and static.is_dir():
        shutil.copytree(static, root / "static", symlinks=False)
    if previous is not None and reuse:
        _link(previous, root, set(reuse) - done_before)
    pending = [job for file, job in sorted(jobs.items()) if file not in reuse]
    counter = Counter(len(pending), progress)
    done = fill(root, {job.file: kept[job.file] for job in pending if job.file in kept}, workers, counter)
    pending = [job for job in pending if job.file not in done.made]  # and those refused or gone from the store
    chunks = fork_map(
        lambda chunk: _render_into(root, chunk, keep_as, counter.tick),
        pending,
        workers if len(pending) >= PARALLEL_FROM else 1,
        counter.poll,
        weight,
    )
    for chunk in chunks:
        done.add(chunk)
    for folder, _, files in os.walk(root):
        for name in files if folder.startswith(str(root / "static")) else ():
            os.utime(os.path.join(folder, name), (FIXED_MTIME, FIXED_MTIME))
        os.utime(folder, (FIXED_MTIME, FIXED_MTIME))
    return done


# serve: replacing files in place

_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK
"""The mode a staged build's files get (``open`` applies the umask; ``mkstemp`` would leave 0o600)."""

MOST_FILES = 500
"""Above this many files to make, a full staged build is as quick and keeps nothing in memory."""


def is_page(file: str) -> bool:
    """Whether a browser may be showing ``file`` (and reloads it after a save)."""
    return file.endswith(".html")


@dataclass
class Patch:
    """A patch applied to the pages of a site; ``rest``, the jobs of its other files, not yet made."""

    out: Path
    written: Listing
    """The pages, as they are now on disk."""
    rest: dict[str, Job] = field(default_factory=dict)

    def write_rest(self) -> Listing:
        """Make and write the files of ``rest`` (once); their listing."""
        rest, self.rest = self.rest, {}
        return _replace(self.out, {file: job.make() for file, job in rest.items()})


def patch(out: Path, jobs: Mapping[str, Job], stale: Collection[str], removed: Collection[str]) -> Patch:
    """Make the pages among the ``stale`` files, write them over their old versions, delete ``removed``.

    Every page is made before the first write, so an exception leaves ``out`` untouched.
    """
    pages = {file: jobs[file].make() for file in sorted(stale) if is_page(file)}
    done = Patch(out, _replace(out, pages), {file: jobs[file] for file in sorted(stale) if not is_page(file)})
    folders: set[Path] = set()
    for file in sorted(removed):
        path = target(out, file)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        folders.add(path.parent)
        with contextlib.suppress(OSError):  # only if now empty (a deleted controversy's folder)
            path.parent.rmdir()
    _fix_folder_times(folders)
    return done


def _replace(out: Path, made: Mapping[str, Made]) -> Listing:
    """Write each file over its old version atomically, unless that is already these bytes; their listing."""
    folders: set[Path] = set()
    listing: Listing = {}
    for file, data in made.items():
        path = target(out, file)
        data = data.encode("utf-8") if isinstance(data, str) else data
        if isinstance(data, bytes) and (same := _as_made(path, data)) is not None:
            listing[file] = same
            continue
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True)
            folders.update(p for p in path.parent.parents if out in p.parents)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as stream:
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    stream.writelines(data)  # in pieces, as made: ledger.json is never whole in memory
        except BaseException:
            os.unlink(temp)
            raise
        os.chmod(temp, FILE_MODE)
        os.utime(temp, (FIXED_MTIME, FIXED_MTIME))
        os.replace(temp, path)
        folders.add(path.parent)
        st = os.lstat(path)
        listing[file] = (st.st_size, st.st_mtime_ns, st.st_ino)
    _fix_folder_times(folders)
    return listing


def _as_made(path: Path, data: bytes) -> tuple[int, int, int] | None:
    """The listing of the file at ``path`` if it is already ``data``, as a staged build leaves it; else ``None``.

    A page an edit touched may come out the same (a see-also neighbour whose claim was reworded shows
    only its title): left alone, it is neither written nor replaced, and a browser's copy stays valid.
    """
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data) or stat.S_IMODE(st.st_mode) != FILE_MODE:
        return None
    if st.st_mtime_ns != FIXED_MTIME * 10**9:
        return None
    try:
        with open(path, "rb") as stream:
            if stream.read() != data:
                return None
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _fix_folder_times(folders: Collection[Path]) -> None:
    for folder in folders:  # as a staged build leaves them
        with contextlib.suppress(FileNotFoundError):
            os.utime(folder, (FIXED_MTIME, FIXED_MTIME))
