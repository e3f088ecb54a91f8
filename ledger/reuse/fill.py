"""Where an output file lands (never outside the output folder), and a staging folder filled with the files the
cache keeps (``outputs.py``) instead of rendering them, by threads once the build knows which. Part of the writer
(``write.py``, which calls it): nothing else writes here.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import outputs
from .parallel import POLL_SECONDS, Counter, chunked

FIXED_MTIME = 315532800  # 1980-01-01: file times carry no build clock into the output


class UnsafePath(ValueError):
    """An output path that would land outside the output folder (a bug or a hostile slug)."""


def _target(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in relative:
        raise UnsafePath(f"refusing to write outside the output folder: {relative!r}")
    return root.joinpath(*pure.parts)


def checked(relative: str) -> str:
    """``relative``, if ``target`` would accept it (the same rule, on the string: thousands of files are filled)."""
    parts = relative.split("/")
    if relative.startswith("/") or ".." in parts or "\\" in relative or all(p in ("", ".") for p in parts):
        raise UnsafePath(f"refusing to write outside the output folder: {relative!r}")
    return relative


target = _target
"""Where a site-relative path lands under ``root``; raises ``UnsafePath`` for one that escapes it."""


@dataclass
class Emitted:
    """What ``emit`` wrote: how many files it rendered, and the bytes of those it rendered or filled from the store."""

    rendered: int = 0
    made: dict[str, tuple[str, int]] = field(default_factory=dict)
    """File → (``outputs.content_digest`` of its bytes, size): rendered (and kept) or filled from a kept file."""
    refused: list[str] = field(default_factory=list)
    """Files whose kept copy did not have the bytes recorded for it (then rendered): reported, never used."""

    def add(self, other: Emitted) -> None:
        self.rendered += other.rendered
        self.made |= other.made
        self.refused += other.refused


def _filled(path: str, kept: outputs.Kept) -> bool | None:
    """Link the kept file ``kept`` at ``path`` if its bytes are the ones recorded for it; ``False`` (and the kept
    file removed) if they are not, ``None`` if it is gone."""
    try:
        found = outputs.file_digest(kept.path)
    except OSError:  # gone (a store emptied by hand): rendered instead
        return None
    if found != (kept.digest, kept.size):
        with contextlib.suppress(OSError):
            os.unlink(kept.path)
        return False
    try:
        try:
            os.link(kept.path, path)
        except FileNotFoundError:
            raise
        except OSError:  # another file system, or links not supported
            shutil.copyfile(kept.path, path)
            os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    except FileNotFoundError:  # removed since it was checked (another build's store, tidied)
        return None
    return True


def fill(root: Path, kept: Mapping[str, outputs.Kept], workers: int, counter: Counter) -> Emitted:
    """Link the ``kept`` files at their places under ``root``, each checked first, by ``workers`` threads: making
    folders, reading and hashing release the interpreter's lock, and threads fork nothing. Each folder's files go
    to one thread, which makes the folder. What is not filled is left to render."""
    done = Emitted()
    if not kept:
        return done
    base = str(root)
    folders: dict[str, list[str]] = {}
    for file in sorted(kept):
        path = os.path.join(base, checked(file))
        folders.setdefault(os.path.dirname(path), []).append(file)

    def share_filled(share: list[tuple[str, list[str]]]) -> Emitted:
        part = Emitted()
        for folder, files in share:
            os.makedirs(folder, exist_ok=True)
            for file in files:
                entry = kept[file]
                if (filled := _filled(os.path.join(base, file), entry)) is True:
                    part.made[file] = (entry.digest, entry.size)
                    counter.tick()
                elif filled is False:
                    part.refused.append(file)
        return part

    with concurrent.futures.ThreadPoolExecutor(max(1, workers)) as pool:
        running = [pool.submit(share_filled, share) for share in chunked(list(folders.items()), max(1, workers))]
        while concurrent.futures.wait(running, timeout=POLL_SECONDS).not_done:
            counter.poll()
    for future in running:
        done.add(future.result())
    return done
