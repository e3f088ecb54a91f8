"""``.pre-commit-config.yaml``: the content check before each commit, on the staged content files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .helpers import PROJECT, make_content
from .test_diff import edit, git


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PYTHONPATH": ""}
    command = [str(Path(sys.executable).parent / "pre-commit"), "run"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)


def test_the_hook_checks_staged_content_and_answers_only_for_those_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("build.py", ".pre-commit-config.yaml"):
        shutil.copy(PROJECT / name, repo / name)
    (repo / "ledger").symlink_to(PROJECT / "ledger")
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the hook's entry: .venv/bin/python
    make_content(repo / "content")  # both controversies were last updated in 2024: stale, a warning each
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "build.py", ".pre-commit-config.yaml", "content")
    git(repo, "commit", "-q", "-m", "base")

    edit(repo, "controversies/first.md", "proponents: [alice]", "proponents: [alicia]")
    git(repo, "add", "content")
    result = pre_commit(repo, tmp_path / "home")
    assert result.returncode == 1
    assert "content/controversies/first.md:14: unknown proponent 'alicia' (did you mean 'alice'?)" in result.stdout

    edit(repo, "controversies/first.md", "proponents: [alicia]", "proponents: [alice]")
    edit(repo, "proponents.yaml", "A researcher.", "A researcher of scaling.")
    git(repo, "add", "content")
    result = pre_commit(repo, tmp_path / "home")
    assert result.returncode == 0, (
        result.stdout
    )  # the stale pages were not staged: their warnings are not this commit's
    assert "Passed" in result.stdout
