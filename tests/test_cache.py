"""The engine's fingerprint: what makes every cache entry and snapshot of an older engine a miss."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from ledger import cache as cache_module
from ledger.cache import LIBRARIES, Cache, _installed_versions, _normalized


def test_library_versions_are_the_ones_importlib_reports() -> None:
    """Read from dist-info folder names (fast); they must agree with the standard answer."""
    installed = _installed_versions()
    for name in LIBRARIES:
        assert installed.get(_normalized(name)) == metadata.version(name), name


def test_serve_forgets_entries_no_build_used_since_the_last(tmp_path: Path) -> None:
    """A long ``serve`` session keeps in memory what its latest build used, not every version of every file."""
    cache = Cache(tmp_path, memory=True)
    cache.put("parse", "first-version", "a")
    cache.put("parse", "unchanged", "b")
    cache.forget_unused()
    assert cache.get("parse", "unchanged") == "b"  # from memory, or from disk: the same value
    cache.forget_unused()  # "first-version" was not used by this build (its file was edited)
    assert (str(tmp_path), "parse", "first-version") not in cache_module._memory
    assert (str(tmp_path), "parse", "unchanged") in cache_module._memory
    assert cache.get("parse", "first-version") == "a"  # still on disk, for a later build that wants it
