"""Make a build's files inside the staging folder: render jobs on every core, reuse what did not change.

Forked workers each render a share of the jobs and write those files themselves, so no page
crosses between processes. Files the previous build published and that would come out the same
(``incremental.reusable``) are hard-linked from it: no rendering, no copying, and the previous
site stays untouched until ``write.publish`` swaps the new one in.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .parallel import fork_map
from .write import FIXED_MTIME, target

if TYPE_CHECKING:
    from .render import Job

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


def emit(
    root: Path,
    jobs: Mapping[str, Job],
    static: Path | None,
    workers: int = 1,
    previous: Path | None = None,
    reuse: Collection[str] = (),
) -> int:
    """Write every job's file under the empty folder ``root``, linking ``reuse`` from ``previous``.

    Returns how many files were rendered."""
    if static is not None and static.is_dir():
        shutil.copytree(static, root / "static", symlinks=False)
    if previous is not None and reuse:
        _link(previous, root, reuse)
    pending = [job for file, job in sorted(jobs.items()) if file not in reuse]
    rendered = sum(
        fork_map(lambda chunk: _write(root, chunk), pending, workers if len(pending) >= PARALLEL_FROM else 1)
    )
    for folder, _, files in os.walk(root):
        for name in files if folder.startswith(str(root / "static")) else ():
            os.utime(os.path.join(folder, name), (FIXED_MTIME, FIXED_MTIME))
        os.utime(folder, (FIXED_MTIME, FIXED_MTIME))
    return rendered
