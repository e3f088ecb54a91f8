"""Stage 5: the only module that touches the output folder.

The site is written into a fresh sibling folder and swapped in with one atomic rename
(``renameat2(RENAME_EXCHANGE)`` on Linux), so readers and ``serve`` never see a half-written site,
a failed or killed build leaves the previous one intact, and concurrent builds queue on a lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

FIXED_MTIME = 315532800  # 1980-01-01: file times carry no build clock into the output


class UnsafePath(ValueError):
    """An output path that would land outside the output folder (a bug or a hostile slug)."""


def _target(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in relative:
        raise UnsafePath(f"refusing to write outside the output folder: {relative!r}")
    return root.joinpath(*pure.parts)


target = _target
"""Where a site-relative path lands under ``root``; raises ``UnsafePath`` for one that escapes it."""


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

    ``fill`` is ``emit.emit`` (in parallel, reusing unchanged files of the current ``out``).
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
