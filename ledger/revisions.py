"""When each content file last changed, from ``git log`` (no network), and its history on GitHub.

One ``git rev-parse`` and one ``git log`` for the whole content folder, however many files: the
log lists commits newest first with the files each touched, so a file's first appearance is its
last change. Outside a git checkout, or without git, the answer is simply empty and pages show
nothing; the same checkout always gives the same answer, whatever the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

MARK = "\x1e"
"""Starts each commit's header line in our log format (a byte that cannot be in a path git prints)."""


@dataclass(frozen=True, slots=True)
class Revision:
    """The last commit touching a content file."""

    date: dt.date
    """Committer date (``%cs``): the day the change landed."""
    path: str
    """The file's path in the repository, e.g. ``content/controversies/x.md``."""


def _git(args: list[str], cwd: Path) -> str | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {"LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


Logs = dict[tuple[str, str], dict[str, Revision]]
"""Answers by (content folder, commit): the log of a commit never changes."""


def revisions(content: Path, logs: Logs | None = None) -> dict[str, Revision]:
    """Last revision of every committed file under ``content``, keyed by its path relative to ``content``.

    ``logs``: earlier answers (a build session's: ``serve`` asks at every save), kept up to date; then one
    ``git rev-parse`` per build instead of a ``git log`` that grows with the history, and the same object
    is the answer until the next commit. Read-only.
    """
    content = content.resolve()
    if not content.is_dir() or not _in_a_checkout(content):
        return {}
    answer = _git(["rev-parse", "--show-toplevel", "HEAD"], content)
    if not answer or len(answer.split("\n")) < 2:  # not a checkout, or no commit yet
        return {}
    top, head = answer.split("\n")[:2]
    if logs is not None and (str(content), head) in logs:
        return logs[str(content), head]
    try:
        prefix = PurePosixPath(content.relative_to(Path(top.strip()).resolve()).as_posix())
    except ValueError:
        return {}
    log = _git(["log", f"--format={MARK}%cs", "--name-only", "--no-renames", "--", "."], content)
    if log is None:
        return {}
    found: dict[str, Revision] = {}
    day: dt.date | None = None
    for line in log.split("\n"):  # not splitlines(): it splits on the \x1e mark too
        if line.startswith(MARK):
            day = dt.date.fromisoformat(line[1:].strip())
        elif line and day is not None:
            path = PurePosixPath(line)
            key = path.relative_to(prefix).as_posix() if prefix.parts else path.as_posix()
            found.setdefault(key, Revision(day, path.as_posix()))
    if logs is not None:
        logs.clear()
        logs[str(content), head] = found
    return found


def _in_a_checkout(folder: Path) -> bool:
    """Whether ``folder`` or a folder above it has a ``.git`` (without one, git is not asked: a build
    of a content folder outside any checkout spends no time starting it)."""
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


def history_url(repo_url: str, branch: str, revision: Revision) -> str:
    """``<repo>/commits/<branch>/<path>``: GitHub's list of commits touching the file."""
    return f"{repo_url.rstrip('/')}/commits/{quote(branch)}/{quote(revision.path)}"
