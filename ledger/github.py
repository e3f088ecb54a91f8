"""Where content meets GitHub: links to a content file in the repository, and workflow annotations.

Annotations are GitHub's workflow commands (``::error file=…,line=…::message``): printed by
``check --format github`` in a pull request's workflow, they appear on the diff line at fault.
Their escaping follows @actions/core's ``command.ts``: ``%``, CR and LF in the message; also
``:`` and ``,`` in property values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .errors import ContentError, printable

if TYPE_CHECKING:  # the CLI imports this module to print annotations: no need for the model
    from .model import SiteConfig

CONTENT_IN_REPO = "content"
"""The content folder's path in the repository; links point there whatever ``--content`` a build used."""


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: ContentError) -> str:
    """``::error file=content/x.md,line=3::message`` (or ``::warning``, or ``::notice`` for a note) for one problem."""
    command = {"warning": "warning", "note": "notice"}.get(problem.severity, "error")
    properties = f"file={printable(_escape_property(problem.path))},line={problem.line}"
    return f"::{command} {properties}::{printable(_escape_data(problem.message))}"


def _repo(config: SiteConfig) -> str:
    return config.repo_url.rstrip("/").removesuffix(".git")


def _content_path(relative: str) -> str:
    return quote(f"{CONTENT_IN_REPO}/{relative}")


def file_url(config: SiteConfig, relative: str, first: int | None = None, last: int | None = None) -> str:
    """The GitHub page showing ``content/<relative>`` as source, lines ``first``–``last`` highlighted.

    ``?plain=1`` keeps Markdown files as source (rendered Markdown has no line anchors).
    """
    url = f"{_repo(config)}/blob/{quote(config.repo_branch)}/{_content_path(relative)}"
    if relative.endswith(".md"):
        url += "?plain=1"
    if first:
        url += f"#L{first}" + (f"-L{last}" if last and last != first else "")
    return url


def edit_url(config: SiteConfig, relative: str) -> str:
    """GitHub's web editor for ``content/<relative>``: it forks the repository and opens a pull request."""
    return f"{_repo(config)}/edit/{quote(config.repo_branch)}/{_content_path(relative)}"


def repo_file_url(config: SiteConfig, path: str) -> str:
    """A file of the repository (outside content/) on GitHub, e.g. ``docs/data-format.md``; the branch is quoted."""
    return f"{_repo(config)}/blob/{quote(config.repo_branch)}/{quote(path)}"


def guide_url(config: SiteConfig, anchor: str = "") -> str:
    """CONTRIBUTING.md on GitHub, at ``anchor``."""
    return repo_file_url(config, "CONTRIBUTING.md") + (f"#{anchor}" if anchor else "")
