"""Stage 5: the only module that touches the output folder.

The site is written into a fresh sibling folder and swapped in with renames, so readers (and
``serve``) never see a half-written site and a failed build leaves the previous one intact.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

FIXED_MTIME = 315532800  # 1980-01-01: file times carry no build clock into the output


class UnsafePath(ValueError):
    """An output path that would land outside the output folder (a bug or a hostile slug)."""


def _target(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise UnsafePath(f"refusing to write outside the output folder: {relative!r}")
    return root.joinpath(*pure.parts)


def write_tree(root: Path, files: Mapping[str, str | bytes], static: Path | None) -> None:
    """Write ``files`` (and a copy of ``static`` as ``static/``) under the empty folder ``root``."""
    if static is not None and static.is_dir():
        shutil.copytree(static, root / "static", symlinks=False)
    for relative in sorted(files):
        data = files[relative]
        path = _target(root, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    _fix_times(root)


def _fix_times(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def publish(
    out: Path,
    files: Mapping[str, str | bytes],
    static: Path | None,
    after_write: Callable[[Path], None] | None = None,
) -> None:
    """Replace the folder ``out`` with exactly ``files`` + static assets, atomically per rename.

    ``after_write(staging)`` runs once everything is written and before the swap, for build steps
    that read the written pages (the search index); what it adds is published with them.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        write_tree(staging, files, static)
        if after_write is not None:
            after_write(staging)
            _fix_times(staging)
        staging.chmod(0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(retired / out.name)
            staging.rename(out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
