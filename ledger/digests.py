"""The one hash the engine names things by: a file's version, a cache key, a record's version."""

from __future__ import annotations

import hashlib


def digest(*parts: bytes | str) -> str:
    """A hex digest of ``parts`` (length-prefixed, so ``("ab", "c")`` and ``("a", "bc")`` differ)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()
