"""Where an output file lands (never outside the output folder), and a staging folder filled with the files the
cache keeps (``outputs.py``) instead of rendering them: by threads once the build knows which, or by a forked
process while it plans (``Prefill``). Part of the writer (``write.py``, which calls it): nothing else writes here.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Collection, Mapping
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


def remove(root: Path, files: Collection[str]) -> None:
    """Remove ``files`` from under ``root``, and the folders that leaves empty."""
    for file in sorted(files, reverse=True):
        path = os.path.join(str(root), checked(file))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        folder = os.path.dirname(path)
        while folder != str(root):
            try:
                os.rmdir(folder)
            except OSError:  # not empty
                break
            folder = os.path.dirname(folder)


class Prefill:
    """The kept files of the previous build linked, by a forked process, into a staging folder beside ``out`` while
    this one reads and plans the build: a fresh output folder's filling then overlaps the planning, on another core.

    Forked before the planning, while this process is small, so forking is cheap; the child only makes folders,
    reads, hashes and links (``fill``) and hands back what it did through a pipe. ``emit`` keeps the files whose
    input key did not change since (the build says which) and removes the others.
    """

    def __init__(self, out: Path, kept: Mapping[str, outputs.Kept], keys: Mapping[str, str], workers: int) -> None:
        out = out.absolute()
        self.keys = keys
        """The input key of each file, as the previous build made it (``outputs.input_keys``)."""
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.fill-{os.getpid()}-", dir=out.parent))
        self._result: Emitted | None = None
        read, written = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: fill, report, and leave without running this process's exit handlers
            code = 1
            try:
                os.close(read)
                done = fill(self.folder, kept, workers, Counter(len(kept), None))
                with os.fdopen(written, "wb") as stream:
                    pickle.dump(done, stream, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(written)
        self._pid, self._read = pid, read

    def result(self) -> Emitted | None:
        """What the child linked (waiting for it), or ``None`` if it failed (then nothing it did is used)."""
        if self._pid:
            with os.fdopen(self._read, "rb") as stream:
                data = stream.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            with contextlib.suppress(pickle.UnpicklingError, EOFError):
                self._result = pickle.loads(data) if status == 0 and data else None
        return self._result

    def discard(self) -> None:
        """Wait for the child and remove its folder (a build that failed, or did not use it)."""
        self.result()
        shutil.rmtree(self.folder, ignore_errors=True)
