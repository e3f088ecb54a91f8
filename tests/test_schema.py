"""One source of truth: the schema's fields are the model's fields."""

from __future__ import annotations

import dataclasses

import pytest

from ledger import model, schema
from tests.helpers import broken_links


@pytest.mark.parametrize(
    ("record", "cls", "engine_fields"),
    [
        (schema.SITE, model.SiteConfig, set()),
        (schema.THREAD, model.Thread, {"slug", "path", "body"}),
        (schema.CONTROVERSY, model.Controversy, {"slug", "path", "body", "lines"}),
        (schema.POSITION, model.Position, {"line", "lines"}),
        (schema.SOURCE, model.Source, {"id", "line"}),
        (schema.PROPONENT, model.Proponent, {"slug", "line"}),
        (schema.HISTORY_ENTRY, model.HistoryEntry, {"anchor", "line", "lines"}),
        (schema.CONFIDENCE_MOVE, model.Move, set()),
        (schema.STATUS_MOVE, model.Move, set()),
        (schema.EVENT, model.Event, {"line", "lines"}),
    ],
)
def test_schema_fields_match_model_fields(record, cls, engine_fields) -> None:
    # ``from`` is a Python keyword: the model spells it ``from_``.
    assert {f.name for f in record.fields} == {f.name.rstrip("_") for f in dataclasses.fields(cls)} - engine_fields


def test_link_checker_finds_missing_files_and_anchors(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#there">ok</a><a href="b/">no</a><a href="#nope">no</a>'
    )
    (tmp_path / "a" / "index.html").write_text('<p id="there"><a href="../">up</a><a href="../../x">above</a></p>')
    assert broken_links(tmp_path) == [
        "/a/index.html: ../../x (no file)",
        "/index.html: b/ (no file)",
        "/index.html: #nope (no id 'nope')",
    ]
