"""Broken input, generated: whatever a contributor's editor saves, the outcome is a clean build or
exit 1 with ``path:line: message`` lines — never a traceback, never a partially written site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.pipeline import Options, build

from .helpers import MINIMAL, tree_digest

FILES = sorted(str(p.relative_to(MINIMAL)) for p in MINIMAL.rglob("*") if p.is_file())
LINE = re.compile(r"^\S.*:\d+: (warning: )?\S.*$")
SUMMARY = re.compile(r"^\d+ errors?; nothing was written\.$")


def truncate(data: bytes, at: int, _: bytes) -> bytes:
    return data[: at % (len(data) + 1)]


def insert(data: bytes, at: int, noise: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + noise + data[at:]


def overwrite(data: bytes, at: int, noise: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + noise + data[at + len(noise) :]


def invalid_utf8(data: bytes, at: int, _: bytes) -> bytes:
    return insert(data, at, b"\xff\xfe\xc3")


def bom(data: bytes, _: int, __: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def crlf(data: bytes, _: int, __: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def tabs(data: bytes, _: int, __: bytes) -> bytes:
    return data.replace(b"  ", b"\t")


def drop_fence(data: bytes, _: int, __: bytes) -> bytes:
    return data.replace(b"---\n", b"", 1)


def wrong_type(data: bytes, at: int, noise: bytes) -> bytes:
    """Replace the value of one ``key: value`` line with another YAML type."""
    lines = data.split(b"\n")
    keyed = [i for i, line in enumerate(lines) if re.match(rb"^\s*-?\s*\w+: \S", line)]
    if not keyed:
        return data
    i = keyed[at % len(keyed)]
    key = lines[i].split(b":", 1)[0]
    replacement = [b"[1, 2]", b"{a: b}", b"42", b"true", b"null", b"2024-01-01", b'"' + noise.hex().encode() + b'"'][
        at % 7
    ]
    lines[i] = key + b": " + replacement
    return b"\n".join(lines)


MUTATIONS = [truncate, insert, overwrite, invalid_utf8, bom, crlf, tabs, drop_fence, wrong_type]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("robust")
    build(Options(content=MINIMAL, out=root / "site"))
    return root


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file=st.sampled_from(FILES),
    mutations=st.lists(
        st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000), st.binary(min_size=1, max_size=12)),
        min_size=1,
        max_size=3,
    ),
)
def test_any_mutation_builds_or_reports_located_errors(workspace: Path, run, file, mutations) -> None:
    content = workspace / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(MINIMAL, content)
    data = (content / file).read_bytes()
    for mutate, at, noise in mutations:
        data = mutate(data, at, noise)
    (content / file).write_bytes(data)
    before = tree_digest(workspace / "site")

    code, _, err = run(workspace, "build", "--content", "content", "--out", "site")

    assert code in (0, 1), err
    assert "Traceback" not in err
    if code == 1:
        lines = err.splitlines()
        assert SUMMARY.match(lines[-1]), err
        assert lines[:-1] and all(LINE.match(line) for line in lines[:-1]), err
        assert tree_digest(workspace / "site") == before
    else:
        assert (workspace / "site" / "index.html").is_file()
    assert sorted(p.name for p in workspace.iterdir()) == ["content", "site"]
