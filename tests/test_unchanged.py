"""``serve`` does not read again a file that provably did not change since it last did."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ledger.reuse import unchanged
from ledger.reuse.unchanged import StatCache

HOUR_NS = 3600 * 10**9


def read(seen: StatCache, path: Path, purpose: str = "test") -> str:
    """What a caller does: recall, or read the file and remember what it found."""
    st = os.lstat(path)
    if (known := seen.recalled(purpose, str(path), st)) is not None:
        return known
    read_at = unchanged.now()
    value = path.read_text()
    seen.remember(purpose, str(path), st, value, read_at)
    return value


@pytest.fixture
def seen() -> StatCache:
    """A fresh stat cache per test, as each build session has its own."""
    return StatCache()


def age(path: Path) -> None:
    old = time.time_ns() - HOUR_NS
    os.utime(path, ns=(old, old))


def test_a_file_whose_times_were_just_set_is_not_trusted(seen: StatCache, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("first")
    age(page)  # an old modification time, but its change time is now
    assert read(seen, page) == "first"
    assert seen.recalled("test", str(page), os.lstat(page)) is None


def test_a_rewrite_with_the_same_size_and_times_is_seen(seen: StatCache, tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("first")
    age(page)
    monkeypatch.setattr(unchanged, "now", lambda: time.time_ns() + HOUR_NS)  # as if read an hour later
    assert read(seen, page) == "first"
    assert seen.recalled("test", str(page), os.lstat(page)) == "first"
    before = os.lstat(page)
    page.write_text("other")  # same size; then the modification time is put back
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert read(seen, page) == "other"  # its change time moved: read again


def test_a_file_modified_just_before_it_was_read_is_read_again(seen: StatCache, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("first")
    assert read(seen, page) == "first"
    assert seen.recalled("test", str(page), os.lstat(page)) is None


def test_purposes_are_kept_apart(seen: StatCache, tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("first")
    monkeypatch.setattr(unchanged, "now", lambda: time.time_ns() + HOUR_NS)
    read(seen, page, "one")
    assert seen.recalled("two", str(page), os.lstat(page)) is None
