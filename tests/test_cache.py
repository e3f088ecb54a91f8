"""The engine's fingerprint: what makes every cache entry and snapshot of an older engine a miss."""

from __future__ import annotations

from importlib import metadata

from ledger.cache import LIBRARIES, _installed_versions, _normalized


def test_library_versions_are_the_ones_importlib_reports() -> None:
    """Read from dist-info folder names (fast); they must agree with the standard answer."""
    installed = _installed_versions()
    for name in LIBRARIES:
        assert installed.get(_normalized(name)) == metadata.version(name), name
