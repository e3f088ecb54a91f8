"""``build.py new …`` on a copy of the shipped content: the result passes ``check`` once filled in,
every line that was there before is byte-identical, and a placeholder left behind fails ``check``."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from ledger.scaffold import derive_slug, next_letter, yaml_value

from .helpers import SHIPPED, make_content

CONTROVERSY = "scaling-laws-hitting-a-wall"
TODAY = ("--today", "2026-03-01")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(tmp_path / "content", base=SHIPPED)


def added_lines(before: bytes, after: bytes) -> tuple[int, list[bytes]]:
    """(0-based index, lines) of the one block inserted into ``before``; fails if anything else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert len(ops) == 1 and ops[0][0] == "insert", f"expected one inserted block, got {ops}"
    _, i1, _, j1, j2 = ops[0]
    return i1, new[j1:j2]


def fill(file: Path, replacements: dict[str, str]) -> None:
    """Replace each placeholder line of ``key:`` with ``key: value`` (or delete it for value None)."""
    lines = []
    for line in file.read_text(encoding="utf-8").splitlines(keepends=True):
        key = line.strip().removeprefix("- ").split(":", 1)[0]
        if "TODO:" in line and key in replacements:
            if replacements[key] is None:
                continue
            line = line[: line.index(key)] + f"{key}: {replacements[key]}\n"
        lines.append(line)
    file.write_text("".join(lines), encoding="utf-8")


def unlocated(err: str) -> set[str]:
    """``check``'s warnings with their line numbers aside: an inserted block moves the lines below it."""
    return {re.sub(r":\d+: ", ": ", line, count=1) for line in err.splitlines()}


def test_new_position_inserts_after_the_last_and_changes_nothing_else(content: Path, run) -> None:
    file = content / "controversies" / f"{CONTROVERSY}.md"
    before = file.read_bytes()

    code, out, err = run(content.parent, "new", "position", CONTROVERSY)

    assert (code, err) == (0, "")
    at, block = added_lines(before, file.read_bytes())
    assert before.splitlines()[at - 1].strip().startswith(b"crux: Repeated field studies")  # after position D
    assert block[0] == b"  - id: E\n"
    assert all(line.startswith(b"    ") for line in block[1:])
    assert out.startswith(f"content/controversies/{CONTROVERSY}.md:{at + 1}: added position E;")
    assert "Also set 'updated:' on line 9 to today's date" in out


def test_new_position_left_as_is_fails_check_naming_each_placeholder(content: Path, run) -> None:
    run(content.parent, "new", "position", CONTROVERSY)

    code, _, err = run(content.parent, "check")

    assert code == 1
    lines = (content / "controversies" / f"{CONTROVERSY}.md").read_text(encoding="utf-8").splitlines()
    at = lines.index("  - id: E") + 1  # the new position's line: each placeholder is located below it
    assert err.splitlines() == [
        f"content/controversies/{CONTROVERSY}.md:{at + n}: '{key}' is still a TODO placeholder: {hint}"
        for n, key, hint in [
            (1, "claim", "replace it"),
            (2, "confidence", "replace it"),
            (3, "confidence_reason", "replace it"),
            (4, "proponents", "replace it"),
            (5, "sources", "replace it or delete the line"),
            (6, "crux", "replace it or delete the line"),
        ]
    ] + ["6 errors; nothing was written."]


def test_new_position_filled_in_passes_check_and_shows_on_the_page(content: Path, run) -> None:
    file = content / "controversies" / f"{CONTROVERSY}.md"
    _, _, warned = run(content.parent, "check", *TODAY)  # what the shipped content warns of (nothing, once cited)
    run(content.parent, "new", "position", CONTROVERSY)
    fill(
        file,
        {
            "claim": "Data, not compute, is the binding constraint",
            "confidence": "low",
            "confidence_reason": "Low because it rests on one essay's argument [@marcus-2022-hitting-a-wall].",
            "proponents": "[gary-marcus]",
            "sources": "[marcus-2022-hitting-a-wall]",
            "crux": None,
        },
    )

    code, out, err = run(content.parent, "check", *TODAY)
    assert code == 0 and unlocated(err) <= unlocated(warned), err
    assert out.startswith(f"content: OK — {len(list((content / 'controversies').glob('*.md')))} controversies")
    code, _, _ = run(content.parent, "build", "--out", "site", *TODAY)
    assert code == 0
    page = (content.parent / "site" / "controversies" / CONTROVERSY / "index.html").read_text()
    assert 'id="position-e"' in page and "Data, not compute, is the binding constraint" in page


def test_new_position_keeps_comments_crlf_and_unusual_indentation(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    file = content / "controversies" / "second.md"
    text = (
        "---\r\ntitle: A Second Question?\r\nthread: main-thread\r\nkind: multi-axis\r\nstatus: leaning\r\n"
        "opened: 2024-02-01\r\nupdated: 2024-07-01\r\npositions:\r\n"
        "-   id: A\r\n    claim: Perhaps.   # a trailing comment\r\n    confidence: medium\r\n"
        "    proponents: [big-lab]\r\n    sources: [book-three]\r\n    # a comment that belongs to A\r\n\r\n"
        "# a comment about see_also, at the left margin\r\nsee_also: [first]\r\n---\r\n## Context\r\n\r\nShort.\r\n"
    )
    file.write_bytes(text.encode())

    code, _, err = run(tmp_path, "new", "position", "second")

    assert (code, err) == (0, "")
    at, block = added_lines(text.encode(), file.read_bytes())
    assert text.encode().splitlines(keepends=True)[at - 1] == b"    # a comment that belongs to A\r\n"
    assert block[0] == b"-   id: B\r\n" and block[1].startswith(b"    claim: ")
    assert all(line.endswith(b"\r\n") for line in block)


def test_new_position_refuses_a_broken_file_without_touching_it(content: Path, run) -> None:
    file = content / "controversies" / f"{CONTROVERSY}.md"
    file.write_text(file.read_text().replace("status: contested", "status: [contested"))
    before = file.read_bytes()

    code, _, err = run(content.parent, "new", "position", CONTROVERSY)

    assert code == 1
    assert err.startswith(f"error: content/controversies/{CONTROVERSY}.md:")
    assert "YAML syntax error" in err and "fix that first" in err
    assert file.read_bytes() == before


def test_new_position_for_an_unknown_controversy_suggests_the_closest(content: Path, run) -> None:
    code, _, err = run(content.parent, "new", "position", "scaling-laws-hitting-a-wal")
    assert code == 1
    assert err == (
        "error: no controversy 'scaling-laws-hitting-a-wal' in content/controversies "
        "(did you mean 'scaling-laws-hitting-a-wall'?)\n"
    )


def test_next_letter_follows_the_last_used() -> None:
    assert next_letter([]) == "A"
    assert next_letter(["A", "B", "D"]) == "E"
    assert next_letter(["A", "Z"]) == "B"


def test_new_source_appends_an_entry_that_passes_check(content: Path, run) -> None:
    file = content / "sources.yaml"
    before = file.read_bytes()
    _, _, warned = run(content.parent, "check", *TODAY)

    code, out, err = run(
        content.parent,
        *("new", "source", "Attention Is All You Need: a title with a colon", "--kind", "paper"),
        *("--url", "https://arxiv.org/abs/1706.03762", "--author", "Ashish Vaswani", "--author", "Noam Shazeer"),
        *("--date", "2017-06-12", "--id", "vaswani-2017-attention"),
    )

    assert (code, err) == (0, "")
    at, block = added_lines(before, file.read_bytes())
    assert at == len(before.splitlines())
    assert block == [
        b"\n",
        b"vaswani-2017-attention:\n",
        b"  title: 'Attention Is All You Need: a title with a colon'\n",
        b"  kind: paper\n",
        b"  authors: [Ashish Vaswani, Noam Shazeer]\n",
        b"  venue: 'TODO: Journal, conference, publisher or site (or delete this line)'\n",
        b"  date: 2017-06-12\n",
        b"  url: https://arxiv.org/abs/1706.03762\n",
    ]
    assert out.startswith(f"content/sources.yaml:{at + 2}: added source 'vaswani-2017-attention'")
    code, _, err = run(content.parent, "check")
    assert code == 1
    assert err.splitlines()[0] == (
        f"content/sources.yaml:{at + 6}: 'venue' is still a TODO placeholder: replace it or delete the line"
    )
    fill(file, {"venue": "arXiv (1706.03762)"})
    code, _, err = run(content.parent, "check", *TODAY)
    assert code == 0 and unlocated(err) <= unlocated(warned), err


def test_new_source_id_is_derived_from_the_title_and_must_be_free(content: Path, run) -> None:
    code, out, _ = run(content.parent, "new", "source", "Sparks of Artificial General Intelligence: Early experiments")
    assert code == 0
    assert "added source 'sparks-of-artificial-general-intelligence-early-experiments'" in out
    code, _, err = run(content.parent, "new", "source", "Learning to Reason with LLMs")
    assert code == 1
    assert re.fullmatch(
        r"error: content/sources\.yaml:\d+: 'learning-to-reason-with-llms' already exists; "
        r"cite it, or choose another id with --id/--slug\n",
        err,
    )
    assert (
        derive_slug("A Very Long Title: With Many, Many Words in It Indeed") == "a-very-long-title-with-many-many-words"
    )


def test_new_proponent_with_every_option_passes_check(content: Path, run) -> None:
    file = content / "proponents.yaml"
    before = file.read_bytes()

    code, out, err = run(
        content.parent,
        *("new", "proponent", "Yann LeCun", "--kind", "person", "--url", "https://yann.lecun.com/"),
        *("--description", "Chief AI scientist at Meta; argues LLMs alone will not reach human-level AI."),
    )

    assert (code, err) == (0, "")
    line = before.count(b"\n") + 2  # after a blank line at the end of the file
    assert out == f"content/proponents.yaml:{line}: added proponent 'yann-lecun'; then run: python build.py check\n"
    _, block = added_lines(before, file.read_bytes())
    assert block[:3] == [b"\n", b"yann-lecun:\n", b"  name: Yann LeCun\n"]
    code, _, err = run(content.parent, "check", *TODAY)
    assert code == 0
    assert "warning: proponent 'yann-lecun' is not used by any position" in err


def test_new_registry_entry_goes_after_a_file_without_final_newline(tmp_path: Path, run) -> None:
    content = make_content(tmp_path / "content")
    (content / "proponents.yaml").write_bytes(b"alice:\n  name: Alice Example\n  kind: person")

    code, _, _ = run(tmp_path, "new", "proponent", "Bob", "--kind", "person")

    assert code == 0
    assert (
        (content / "proponents.yaml")
        .read_bytes()
        .startswith(b"alice:\n  name: Alice Example\n  kind: person\n\nbob:\n  name: Bob\n  kind: person\n")
    )


def test_new_controversy_is_well_formed_and_passes_check_once_filled(content: Path, run) -> None:
    _, _, warned = run(content.parent, "check", *TODAY)
    code, out, err = run(
        content.parent, "new", "controversy", "--thread", "scaling-laws-debate", "Is Training Data Running Out?", *TODAY
    )

    assert (code, err) == (0, "")
    file = content / "controversies" / "is-training-data-running-out.md"
    assert out.startswith(f"{file.relative_to(content.parent)}: created controversy 'is-training-data-running-out'")
    text = file.read_text()
    assert text.startswith("---\ntitle: Is Training Data Running Out?\nthread: scaling-laws-debate\n")
    assert "updated: 2026-03-01\n" in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Context",
        "## Key Tensions",
        "## Status",
    ]
    code, _, err = run(content.parent, "check")
    assert code == 1
    assert (
        f"content/controversies/{file.name}:27: this line is still a TODO placeholder: replace it with your text" in err
    )
    assert f"content/controversies/{file.name}:5: 'status' is still a TODO placeholder: replace it" in err

    fill(
        file,
        {
            "kind": "empirical",
            "status": "contested",
            "opened": "2024-06-01",
            "summary": None,
            "claim": "A claim",
            "confidence": "low",
            "confidence_reason": "Low because it rests on one essay's argument [@marcus-2022-hitting-a-wall].",
            "proponents": "[gary-marcus]",
            "sources": "[marcus-2022-hitting-a-wall]",
            "crux": None,
        },
    )
    file.write_text(re.sub(r"TODO: [^\n]*", "Some text [@marcus-2022-hitting-a-wall].", file.read_text()))
    code, _, err = run(content.parent, "check", *TODAY)
    assert code == 0 and unlocated(err) <= unlocated(warned), err


def test_new_controversy_needs_a_known_thread_and_a_free_slug(content: Path, run) -> None:
    code, _, err = run(content.parent, "new", "controversy", "--thread", "scaling-law-debate", "Anything?")
    assert code == 1
    assert err == (
        "error: unknown thread 'scaling-law-debate' (did you mean 'scaling-laws-debate'?); "
        "threads: scaling-laws-debate\n"
    )
    code, _, err = run(
        content.parent, "new", "controversy", "--thread", "scaling-laws-debate", "Walls?", "--slug", CONTROVERSY
    )
    assert code == 1
    assert "already exists: add a position to it with 'python build.py new position scaling-laws-hitting-a-wall'" in err
    assert not list(content.glob("controversies/*.md.*"))


def test_yaml_values_are_quoted_only_when_needed() -> None:
    assert yaml_value("Plain title") == "Plain title"
    assert yaml_value("Title: with colon") == "'Title: with colon'"
    assert yaml_value("It's #1") == "'It''s #1'"
    assert yaml_value(["a, b", "c"]) == "['a, b', c]"
    assert yaml_value("yes") == "'yes'"
