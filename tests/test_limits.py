"""Limits: oversized or pathological content fails fast with ``path:line: message``, never hangs or crashes.

Each case runs ``build.py`` in its own process, so a crash of the interpreter (libyaml's composer
recursing in C used to segfault on deep nesting) shows as a signal, not as a lost test worker. The
timeout only guards against hangs; the seconds each case took are printed, not asserted.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.limits import (
    FORBIDDEN_CHARS,
    MAX_BODY_CHARS,
    MAX_LINE_CHARS,
    MAX_LIST_ITEMS,
    MAX_TEXT_CHARS,
    first_forbidden,
)
from ledger.load import MAX_FILE_BYTES, MAX_REGISTRY_BYTES
from ledger.yamltree import MAX_DEPTH

from .helpers import PROJECT, make_content, tree_digest

LINE = re.compile(r"^\S.*:\d+: (warning: )?\S.*$")
HANG = 120
"""Seconds after which a case counts as hung (each takes well under a few seconds)."""


def append(file: str, text: str):
    def change(content: Path) -> None:
        with (content / file).open("a", encoding="utf-8") as f:
            f.write(text)

    return change


def replace(file: str, old: str, new: str):
    def change(content: Path) -> None:
        path = content / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def wrapped(text: str, width: int = 5_000) -> str:
    """``text`` over lines of ``width`` characters (flow YAML may span lines), to stay under the line limit."""
    return "\n  ".join(text[i : i + width] for i in range(0, len(text), width))


BILLION_LAUGHS = "".join(
    [
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
        *(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
    ]
)
CASES = {
    "huge page": (
        append("controversies/second.md", "padding\n" * (MAX_FILE_BYTES // 8 + 10)),
        "controversies/second.md:1: file is",
    ),
    "huge registry": (
        append("sources.yaml", "# padding\n" * (MAX_REGISTRY_BYTES // 10 + 10)),
        "sources.yaml:1: file is",
    ),
    "billion laughs": (append("sources.yaml", "\n" + BILLION_LAUGHS), "too many YAML values"),
    "deep flow nesting (crashed libyaml)": (
        append("sources.yaml", "\ndeep: " + wrapped("[" * 300_000 + "]" * 300_000) + "\n"),
        f"sources.yaml:22: YAML nested more than {MAX_DEPTH} levels deep",
    ),
    "deep mapping nesting": (
        append("proponents.yaml", "\ndeep: " + wrapped("{a: " * 50_000 + "1" + "}" * 50_000) + "\n"),
        f"proponents.yaml:11: YAML nested more than {MAX_DEPTH} levels deep",
    ),
    "deep block nesting": (
        append("proponents.yaml", "\ndeep:\n" + "".join(" " * i + "- \n" for i in range(1, 200))),
        "levels deep",
    ),
    "enormous list": (
        replace("controversies/first.md", "see_also: [second]", "see_also: [" + wrapped("second, " * 100_000) + "]"),
        f"first.md:22: 'see_also' has 100,000 items; lists are limited to {MAX_LIST_ITEMS:,}",
    ),
    "enormous block list": (
        replace(
            "controversies/first.md",
            "see_also: [second]",
            "see_also:\n" + "".join(f"  - c-{i}\n" for i in range(100_000)),
        ),
        f"first.md:22: 'see_also' has 100,000 items; lists are limited to {MAX_LIST_ITEMS:,}",
    ),
    "very long body line": (
        append("controversies/first.md", "\n" + "word " * 40_000 + "\n"),
        f"first.md:33: line is 200,000 characters long; lines are limited to {MAX_LINE_CHARS:,}",
    ),
    "very long YAML line": (
        replace("sources.yaml", "  title: The First Paper", "  title: The First Paper" + " and more" * 5_000),
        "sources.yaml:2: line is 45,024 characters long",
    ),
    "very long body": (
        append("controversies/first.md", "\n" + "A line of body text, repeated.\n" * 5_000),
        f"first.md:23: the body is 155,118 characters long; bodies are limited to {MAX_BODY_CHARS:,}",
    ),
    "very long text value": (
        replace("sources.yaml", "  title: The First Paper", "  title: >-\n" + "    many words here\n" * 400),
        f"sources.yaml:2: 'title' is 6,399 characters long; at most {MAX_TEXT_CHARS:,} are allowed",
    ),
    "very long slug": (
        append("proponents.yaml", "\n" + "a" * 300 + ":\n  name: N\n  kind: person\n"),
        "must be lowercase letters, digits and hyphens (at most 100 characters)",
    ),
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    make_content(tmp_path / "content")
    subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--content", "content", "--out", "site"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    return tmp_path


def build_in(workspace: Path) -> subprocess.CompletedProcess[str]:
    """``build.py`` on the workspace's content, in its own process (a crash or hang cannot take pytest down)."""
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--content", "content", "--out", "site"],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )


@pytest.mark.parametrize("case", CASES)
def test_oversized_content_is_refused_quickly_with_a_located_message(workspace: Path, case: str) -> None:
    change, expected = CASES[case]
    change(workspace / "content")
    before = tree_digest(workspace / "site")
    start = time.perf_counter()
    result = build_in(workspace)
    seconds = time.perf_counter() - start
    print(f"{case}: exit {result.returncode} in {seconds:.2f}s")
    assert result.returncode == 1, f"exit {result.returncode} (negative: killed by a signal)\n{result.stderr[-2000:]}"
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert all(LINE.match(line) for line in lines[:-1]), result.stderr[-2000:]
    assert any(expected in line for line in lines), result.stderr[-2000:]
    assert len(lines) <= 5, "one problem, one message (not one per list item)"
    assert tree_digest(workspace / "site") == before


PATHOLOGICAL = {
    "unclosed citations": "[@a" * 30_000,
    "unclosed links": "[a" * 45_000,
    "nested brackets": "[" * 45_000 + "a" + "]" * 45_000,
    "emphasis openers": "*a " * 30_000,
    "identical headings": "## a\n" * 18_000,
    "images": "![" * 45_000,
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_pathological_markdown_within_the_limits_builds_without_hanging(workspace: Path, case: str) -> None:
    """Inputs that are slow for Markdown parsers, each just under the body limit (wrapped to short lines)."""
    text = PATHOLOGICAL[case]
    body = "\n".join(text[i : i + 5_000] for i in range(0, len(text), 5_000))
    assert len(body) < MAX_BODY_CHARS
    page = workspace / "content" / "controversies" / "first.md"
    page.write_text(page.read_text() + "\n" + body + "\n")
    start = time.perf_counter()
    result = build_in(workspace)
    print(f"{case}: exit {result.returncode} in {time.perf_counter() - start:.2f}s")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_thousands_of_unknown_ids_against_a_large_registry_do_not_hang(workspace: Path) -> None:
    """Each "did you mean" compares an id with the whole registry: 5,000 × 20,000 once took over 5 minutes."""
    with (workspace / "content" / "sources.yaml").open("a") as f:
        source = "s{i:05d}:\n  title: T\n  kind: paper\n  url: https://example.org/{i}\n"
        f.write("".join(source.format(i=i) for i in range(20_000)))
    refs = ", ".join(f"x{i:05d}" for i in range(1_000))
    positions = "".join(
        f"  - id: {letter}\n    claim: c\n    confidence: low\n    confidence_reason: Low [@paper-one].\n"
        f"    proponents: [alice]\n    sources: [{refs}]\n"
        for letter in "CDEFG"
    )
    replace("controversies/first.md", "positions:\n", "positions:\n" + positions)(workspace / "content")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "check", "--content", "content"],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    print(f"5,000 unknown ids, 20,000 sources: exit {result.returncode} in {time.perf_counter() - start:.2f}s")
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert lines[-1] == "5000 errors; nothing was written."
    assert all(LINE.match(line) and "unknown source 'x" in line for line in lines[:-1])
    assert 0 < sum("did you mean" in line for line in lines) <= 20


def test_the_quick_search_for_forbidden_characters_finds_what_the_whole_class_finds() -> None:
    """``first_forbidden`` searches ASCII and BMP text with part of the class: never with another answer."""
    rng = random.Random(39)
    alphabet = ["a", " ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\x85", "é", "—", "\ud800", "\ufdd0", "\ufffe"]
    alphabet += ["\U0001f600", "\U0001fffe", "\U0010ffff", "\U000e0001"]
    checked = set()
    for _ in range(3000):
        text = "".join(rng.choices(alphabet[:4] * 20 + alphabet, k=rng.randint(0, 12)))
        found, expected = first_forbidden(text), FORBIDDEN_CHARS.search(text)
        assert (found and (found.start(), found.group())) == (expected and (expected.start(), expected.group())), text
        checked.add((text.isascii(), any(ord(c) > 0xFFFF for c in text), expected is not None))
    assert len(checked) == 6  # every path, with and without a forbidden character (ASCII, BMP, beyond)
