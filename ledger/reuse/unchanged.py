"""Files this process read before and that have not changed since, told by ``stat`` alone, as git's index does.

``serve`` rebuilds after every save; reading and hashing a thousand unchanged pages to find the one
that changed cost more than rebuilding it. A file whose size, modification and change times and
inode are what they were when it was read is taken as unchanged. Not when it was modified less than
``RACY_NS`` before that reading: a second write within the file system's clock tick could leave the
same times (git's "racily clean" entries), so such a file is read again until it is old enough.
Only a build session (``serve``) keeps a ``StatCache``: a one-off build reads everything.
"""

from __future__ import annotations

import os
import time

Signature = tuple[int, int, int, int]
RACY_NS = 2_000_000_000
"""A file modified this close to when it was read is read again next time (coarse clocks, FAT's 2 s)."""


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def now() -> int:
    """The clock ``remember`` compares modification times with (the file system's clock)."""
    return time.time_ns()


class StatCache:
    """(purpose, path) → (signature when read, what was derived from the bytes: a digest or cache key)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[Signature, str]] = {}

    def recalled(self, purpose: str, path: str, st: os.stat_result) -> str | None:
        """What ``remember`` stored for ``path``, if the file is provably as it was then."""
        entry = self._seen.get((purpose, path))
        return entry[1] if entry is not None and entry[0] == signature(st) else None

    def remember(self, purpose: str, path: str, st: os.stat_result, value: str, read_at: int) -> None:
        """Store ``value`` (derived from the bytes read at ``read_at``, a ``now()``) unless the file was racy."""
        if read_at - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self._seen[purpose, path] = (signature(st), value)
        else:
            self._seen.pop((purpose, path), None)
