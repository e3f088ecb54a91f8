"""``serve``'s rebuild: update the published folder in place, file by file, instead of staging a whole site.

A command-line build stages every file in a fresh folder and swaps it in (``write.publish``):
linking and deleting thousands of files, for an edit that changed three. ``serve`` is the only
writer of its output folder while it runs, so it renders the few files an edit touched, in memory,
and only then replaces each one atomically (a temporary file renamed over the old): a content or
template error leaves every file as it was, and a browser never reads a half-written page. The
result is byte for byte the full build's (tests prove it).

The pages go first; the other files (data, feeds, sitemap) may be made and written a moment later,
once the browser was told to reload (``Patch.write_rest``): no page loads them, and making and
writing ``data/ledger.json``, which grows with the whole record, takes longer than the rest of a
paragraph's rebuild. Nothing in them can fail on content that passed validation; if making them
fails anyway, they stay as they were, unlisted, and the next build makes them again.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .write import FIXED_MTIME, target

if TYPE_CHECKING:
    from ..render import Job, Made
    from .incremental import Listing

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
        return _write(self.out, {file: job.make() for file, job in rest.items()})


def patch(out: Path, jobs: Mapping[str, Job], stale: Collection[str], removed: Collection[str]) -> Patch:
    """Make the pages among the ``stale`` files, write them over their old versions, delete ``removed``.

    Every page is made before the first write, so an exception leaves ``out`` untouched.
    """
    pages = {file: jobs[file].make() for file in sorted(stale) if is_page(file)}
    done = Patch(out, _write(out, pages), {file: jobs[file] for file in sorted(stale) if not is_page(file)})
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


def _write(out: Path, made: Mapping[str, Made]) -> Listing:
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
