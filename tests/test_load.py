"""Reading the content folder: a build's one listing of it gives what reading the folders gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.load import RawContent, load
from ledger.reuse.cache import Cache, Kept
from ledger.reuse.incremental import content_files
from ledger.reuse.read import CachedReader
from ledger.reuse.unchanged import StatCache

from .helpers import make_content


def summary(raw: RawContent) -> tuple[object, ...]:
    return (
        [str(e) for e in raw.errors],
        [(d.path, d.digest) for d in raw.controversies],
        [(d.path, d.digest) for d in raw.threads],
        raw.unreadable,
        raw.digests,
    )


@pytest.mark.parametrize("memory", [False, True], ids=["build", "serve"])
def test_loading_from_the_builds_listing_reads_what_the_folders_hold(tmp_path: Path, memory: bool) -> None:
    """Files, odd entries and all: a subfolder, a nested page, a backup, a dot file, a symlink, a non-page."""
    content = make_content(tmp_path / "content")
    pages = content / "controversies"
    page = next(pages.glob("*.md"))
    (pages / "nested").mkdir()
    (pages / "nested" / "deeper.md").write_text(page.read_text())
    (pages / "notes.txt").write_text("not a page")
    (pages / ".draft.md").write_text("hidden")
    (pages / "backup.md~").write_text("editor backup")
    (pages / "linked.md").symlink_to(page)
    (pages / "broken.md").write_text("no front matter")
    (content / "threads" / "stray.yaml").write_text("x: 1")

    cache = Cache(tmp_path / "cache", Kept() if memory else None)
    reader = CachedReader(cache, StatCache() if memory else None)
    from_folders = summary(load(content, reader))
    from_listing = summary(load(content, reader, files=content_files(content)))
    assert summary(load(content)) == from_folders  # read and parsed here, with nothing kept
    assert from_listing == from_folders
    errors = "\n".join(from_folders[0])
    assert "controversies/nested:1: warning: unexpected file" in errors
    assert "deeper" not in errors and "draft" not in errors and "backup" not in errors
    assert "controversies/linked.md:1: not a regular file" in errors
    assert "controversies/broken.md:1: missing front matter" in errors
    assert "threads/stray.yaml:1: warning: unexpected file" in errors
