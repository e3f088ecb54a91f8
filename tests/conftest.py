from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ledger.pipeline import Options, build

from .helpers import PROJECT, SHIPPED, fetch, free_port, make_content, wait_for


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content, built once into a temp folder."""
    out = tmp_path_factory.mktemp("shipped") / "site"
    build(Options(content=SHIPPED, out=out))
    return out


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's commands (in-process or ``build.py`` in a subprocess) keep their cache apart: none reads a
    cache another test, or a developer's build by an older engine, left in the checkout's ``.ledger-cache``."""
    monkeypatch.setenv("LEDGER_CACHE", str(tmp_path_factory.mktemp("cache") / ".ledger-cache"))


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


@pytest.fixture
def server(tmp_path: Path):
    content = make_content(tmp_path / "content")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe: a full pipe would block the server
    process = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "build.py"),
            "serve",
            "--content",
            "content",
            "--out",
            "site",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base)[0] == 200)
        yield base, content
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
