"""The one hash the engine names things by: a file's version, a cache key, a record's version, a folder's."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    """A hex digest of ``parts`` (length-prefixed, so ``("ab", "c")`` and ``("a", "bc")`` differ)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_fingerprint(root: Path) -> str:
    """Names and bytes of every file under ``root`` (templates, static assets)."""
    parts: list[bytes | str] = []
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            parts += [file.relative_to(root).as_posix(), file.read_bytes()]
    return digest(*parts)
