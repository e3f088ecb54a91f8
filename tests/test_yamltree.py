"""Line-aware YAML: values remember their lines; hostile YAML fails fast with a located error."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger.yamltree import Map, Seq, YamlError, field_lines, parse_yaml


def test_values_and_lines() -> None:
    value = parse_yaml("a: 1\nb:\n  - x\n  - y\nc: 2024-11-09\n", "f.yaml", first_line=10)
    assert isinstance(value, Map) and isinstance(value["b"], Seq)
    assert value == {"a": 1, "b": ["x", "y"], "c": dt.date(2024, 11, 9)}
    assert field_lines(value) == {"a": 10, "b": 11, "b.0": 12, "b.1": 13, "c": 14}


def test_impossible_dates_stay_text_for_the_validator() -> None:
    assert parse_yaml("d: 2024-02-30", "f.yaml") == {"d": "2024-02-30"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1\n", "f.yaml:2: YAML syntax error"),
        ("a: 1\na: 2\n", "f.yaml:2: duplicate key 'a' (first on line 1)"),
        ("? [1, 2]\n: x\n", "f.yaml:1: keys must be text"),
        ("a: !!python/object:os.system x\n", "f.yaml:1: invalid YAML value"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml:3: YAML merge keys"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64 levels"),
    ],
)
def test_bad_yaml_is_a_located_error(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    assert message in str(caught.value)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 10)
    ]
    with pytest.raises(YamlError) as caught:
        parse_yaml("\n".join(lines), "bomb.yaml")
    assert "too many YAML values" in str(caught.value)


def test_records_laid_out_alike_share_their_keys_and_keep_every_line() -> None:
    first = field_lines(parse_yaml("a: 1\nb: [x, y]\n", "f.yaml", first_line=3))
    second = field_lines(parse_yaml("a: 2\n\nb: [z, w]\n", "g.yaml"))
    assert first == {"a": 3, "b": 4, "b.0": 4, "b.1": 4} and second == {"a": 1, "b": 3, "b.0": 3, "b.1": 3}
    assert first._index is second._index  # one index for the layout, not a dict per record
    assert (first.get("c"), first.get("b.1"), second["b"], len(first), list(first)) == (None, 4, 3, 4, list(first))
    import pickle

    assert pickle.loads(pickle.dumps(first)) == first


def test_aliases_expand_to_the_anchored_value_with_its_lines() -> None:
    value = parse_yaml("a: &x {b: [1, 2]}\nc: *x\nd: [*x, 3]\n", "f.yaml")
    assert value == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}, "d": [{"b": [1, 2]}, 3]}
    assert value["c"].line == 1 and value["d"].item_lines == [1, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: *nowhere\n", "f.yaml:1: YAML syntax error: found undefined alias"),
        ("a: 1\na: 2\nb: *u\n", "f.yaml:3: YAML syntax error: found undefined alias"),  # the composer's comes first
        ("a: 1\n---\nb: 2\n", "f.yaml:2: YAML syntax error: but found another document"),
        ("a: 1\na: 2\nb: [\n", "f.yaml:4: YAML syntax error"),  # a syntax error anywhere comes first
        ("a: &x [1, *x]\n", "f.yaml:1: YAML nested more than 64 levels deep"),
        ("'<<': 1\nb: <<\n", "f.yaml:2: invalid YAML value '<<'"),  # a quoted key is text; a merge value is not
    ],
)
def test_problems_are_reported_in_the_order_a_composer_then_a_builder_finds_them(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    assert message in str(caught.value)
