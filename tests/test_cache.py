"""The engine's fingerprint: what makes every cache entry and snapshot of an older engine a miss."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ledger.reuse import cache as cache_module
from ledger.reuse.cache import LIBRARIES, Cache, Kept, _installed_versions, _normalized

from .helpers import PROJECT


def test_library_versions_are_the_ones_importlib_reports() -> None:
    """Read from dist-info folder names (fast); they must agree with the standard answer."""
    installed = _installed_versions()
    for name in LIBRARIES:
        assert installed.get(_normalized(name)) == metadata.version(name), name


def test_serve_forgets_entries_no_build_used_since_the_last(tmp_path: Path) -> None:
    """A long ``serve`` session keeps in memory what its latest build used, not every version of every file."""
    kept = Kept()
    cache = Cache(tmp_path, kept)
    cache.put("parse", "first-version", "a")
    cache.put("parse", "unchanged", "b")
    cache.forget_unused()
    assert cache.get("parse", "unchanged") == "b"  # from memory, or from disk: the same value
    cache.forget_unused()  # "first-version" was not used by this build (its file was edited)
    assert ("parse", "first-version") not in kept.entries
    assert ("parse", "unchanged") in kept.entries
    assert cache.get("parse", "first-version") == "a"  # still on disk, for a later build that wants it


def test_a_damaged_database_is_started_afresh(tmp_path: Path) -> None:
    (tmp_path / cache_module.DATABASE).write_bytes(b"not a database, e.g. a disk error" * 100)
    cache = Cache(tmp_path)
    assert cache.get("parse", "k") is None
    cache.put("parse", "k", {"parsed": 1})
    assert cache.get("parse", "k") == {"parsed": 1}


def test_prune_removes_entries_unused_for_long(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("parse", "old", 1)
    cache.prune(max_age=-1)  # everything counts as unused
    assert cache.get("parse", "old") is None


def test_values_are_kept_out_of_the_key_index(tmp_path: Path) -> None:
    """In a ``WITHOUT ROWID`` table SQLite read a whole large value to compare a key with it: once the sources
    of 10,000 controversies were stored (10 MB), each of 10,000 lookups took over a millisecond."""
    Cache(tmp_path).put("yaml", "k", b"v")
    connection = sqlite3.connect(tmp_path / cache_module.DATABASE)
    (table,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchone()
    assert "WITHOUT ROWID" not in table.upper()
    plan = " ".join(row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + cache_module.LOOKUP, ("p", "k")))
    assert "USING INDEX" in plan  # the key's own index (keys and row ids), then the row


AT_EXIT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from ledger.reuse.cache import Cache, Kept
cache = Cache(Path(sys.argv[2]), Kept())
cache.put_at_exit("snapshot", "first", "written at exit")
cache.put_at_exit("snapshot", "second", "older")
cache.put("snapshot", "second", "newer")  # written now: exiting must not put the older one back
assert Cache(Path(sys.argv[2])).get("snapshot", "first") is None  # not on disk yet
"""


def test_serve_writes_its_last_snapshot_when_it_exits(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", AT_EXIT, str(PROJECT), str(tmp_path)], check=True)
    assert Cache(tmp_path).get("snapshot", "first") == "written at exit"
    assert Cache(tmp_path).get("snapshot", "second") == "newer"
