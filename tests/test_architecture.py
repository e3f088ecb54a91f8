"""The layers of docs/architecture.md, as ``import-linter`` contracts (``[tool.importlinter]`` in pyproject.toml)."""

from __future__ import annotations

import tomllib

import pytest
from importlinter.cli import lint_imports

from .helpers import PROJECT


def test_imports_follow_the_layers_and_form_no_cycle(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """No stage imports the reuse layer or a later stage, nothing imports a command, no two modules import
    each other (``TYPE_CHECKING`` imports included)."""
    monkeypatch.chdir(PROJECT)
    monkeypatch.syspath_prepend(str(PROJECT))
    code = lint_imports(config_filename=str(PROJECT / "pyproject.toml"), no_cache=True)
    assert code == 0, capsys.readouterr().out


def test_the_contract_sees_every_module() -> None:
    """A module missing from every layer would escape the contract."""
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = config["contracts"][0]["layers"]
    listed = {name.strip() for layer in layers for name in layer.split(":")}
    modules = {p.stem for p in (PROJECT / "ledger").glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in (PROJECT / "ledger").iterdir() if (p / "__init__.py").is_file()}
    assert modules - listed == set()
