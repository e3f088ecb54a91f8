"""YAML mistakes contributors make, reported where they began and with what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.errors import ContentErrors
from ledger.load import load
from ledger.validate import validate

from .helpers import make_content

FIRST = "controversies/first.md"


def problems(tmp_path: Path, name: str, old: str, new: str) -> list[str]:
    """The problems ``check`` reports once ``old`` is replaced by ``new`` in the minimal content's ``name``."""
    content = make_content(tmp_path / "content")
    text = (content / name).read_text()
    assert old in text
    (content / name).write_text(text.replace(old, new, 1))
    with pytest.raises(ContentErrors) as caught:
        validate(load(content))
    return [str(e) for e in caught.value.errors if e.severity == "error"]


def test_an_unclosed_quote_is_reported_at_the_opening_quote(tmp_path: Path) -> None:
    errors = problems(
        tmp_path, FIRST, "title: Is the First Question Settled?", 'title: "Is the First Question Settled?'
    )
    # the front matter's closing --- is line 23, where the parser gave up
    assert errors == [
        f'{tmp_path}/content/{FIRST}:2: YAML syntax error: the value quoted with " here is never closed '
        '(the parser reached line 23 looking for the closing ")'
    ]


def test_a_tab_in_the_indentation_is_named(tmp_path: Path) -> None:
    errors = problems(tmp_path, "proponents.yaml", "\n  name: Alice", "\n\tname: Alice")
    assert errors == [
        f"{tmp_path}/content/proponents.yaml:2: YAML syntax error: a tab at the start of the line: "
        "YAML does not allow tabs for indentation: use spaces"
    ]


def test_an_unquoted_value_with_a_colon_gets_the_quoted_line_to_write(tmp_path: Path) -> None:
    errors = problems(tmp_path, FIRST, "claim: No, it is not.", 'claim: No: it is "not".')
    assert errors == [
        f"{tmp_path}/content/{FIRST}:17: YAML syntax error: mapping values are not allowed in this context: "
        'a value containing ": " must be quoted: claim: "No: it is \\"not\\"."'
    ]


def test_other_errors_name_where_the_token_began_too(tmp_path: Path) -> None:
    errors = problems(tmp_path, "sources.yaml", "  title: The First Paper\n", "  title: The First Paper\n  kind\n")
    assert errors == [
        f"{tmp_path}/content/sources.yaml:4: YAML syntax error: could not find expected ':' "
        "(while scanning a simple key on line 3)"
    ]
