"""Make a build's files inside the staging folder: render jobs on every core, reuse what did not change.

Forked workers each render a share of the jobs and write those files themselves, so no page
crosses between processes. Files the previous build published and that would come out the same
(``incremental.reusable``) are hard-linked from it: no rendering, no copying, and the previous
site stays untouched until ``write.publish`` swaps the new one in.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .parallel import fork_map
from .write import FIXED_MTIME, target

if TYPE_CHECKING:
    from ..render import Job

PARALLEL_FROM = 200
"""Fewer files to render than this are rendered in-process: forking costs more than it saves."""


def _write(root: Path, jobs: list[Job]) -> int:
    made = set()
    for job in jobs:
        data = job.make()
        path = target(root, job.file)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with contextlib.suppress(FileNotFoundError):  # never write into a file: it may be a link to the live site's
            os.unlink(path)
        with open(path, "wb") as stream:
            if isinstance(data, str | bytes):
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                stream.writelines(data)  # a large file in pieces: never the whole of it in memory
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return len(jobs)


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
) -> int:
    """Write every job's file under ``root``, linking ``reuse`` from ``previous``; returns how many were rendered.

    ``root`` is empty, or holds an older site to be brought up to date (``_tidy``)."""
    kept = _tidy(root, jobs.keys(), reuse, previous) if any(root.iterdir()) else set()
    if static is not None and static.is_dir():
        shutil.copytree(static, root / "static", symlinks=False)
    if previous is not None and reuse:
        _link(previous, root, set(reuse) - kept)
    pending = [job for file, job in sorted(jobs.items()) if file not in reuse]
    rendered = sum(
        fork_map(lambda chunk: _write(root, chunk), pending, workers if len(pending) >= PARALLEL_FROM else 1)
    )
    for folder, _, files in os.walk(root):
        for name in files if folder.startswith(str(root / "static")) else ():
            os.utime(os.path.join(folder, name), (FIXED_MTIME, FIXED_MTIME))
        os.utime(folder, (FIXED_MTIME, FIXED_MTIME))
    return rendered
