from __future__ import annotations

from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import SHIPPED


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content, built once into a temp folder."""
    out = tmp_path_factory.mktemp("shipped") / "site"
    build(Options(content=SHIPPED, out=out))
    return out


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``build.py`` in-process from a folder: returns (exit code, stdout, stderr)."""
    from ledger.cli import main

    def runner(cwd: Path, *argv: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return runner
