"""The Content-Security-Policy every page carries, in a ``<meta http-equiv>`` (GitHub Pages sets no headers).

Pages load only the site's own files: no inline script or style, no plugins, forms and ``<base>``
only to the site. Even if hostile text ever slipped past escaping, a browser would refuse to run
it. Search needs two allowances: Pagefind compiles its WebAssembly engine (``'wasm-unsafe-eval'``,
which allows no JavaScript ``eval``) and runs it in a worker (``worker-src 'self'``).
"""

from __future__ import annotations

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)

META_POLICY = "; ".join(DIRECTIVES)
"""For ``<meta http-equiv="Content-Security-Policy">`` in every page."""

HEADER_POLICY = "; ".join([*DIRECTIVES, "frame-ancestors 'none'"])
"""For servers that can send headers: the same, plus what a meta element cannot say (no framing)."""


def with_inline_script(policy: str, sha256: str) -> str:
    """``policy`` that also runs one inline script, by its hash (the dev server's live-reload snippet)."""
    return policy.replace("script-src 'self'", f"script-src 'self' 'sha256-{sha256}'", 1)
