"""YAML parsed into plain values that remember the line each key and item came from.

PyYAML's ``safe_load`` forgets positions; contributors need ``path:line`` for every problem, so we
compose the node graph (with the C parser when available) and construct the values ourselves.
Aliases are expanded against a node budget so a "billion laughs" file fails fast and clearly, and
nesting is measured on the event stream before composing (libyaml's composer recurses in C: a few
hundred thousand ``[`` would crash the interpreter, not raise).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from .errors import ContentError
from .limits import FORBIDDEN_CHARS, forbidden_char_message

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 200_000
"""More values than any real content file has; past this the file is refused, not expanded.

A file longer than this many characters may hold one value per character: only aliases expanding
beyond the text itself are refused (a registry of 20,000 sources has about 300,000 values)."""
MAX_DEPTH = 64
"""Content nests three levels deep; deeper is a mistake or an attack."""


class Map(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]


class Seq(list[Any]):
    """A YAML sequence with the 1-based line of the sequence and of each item."""

    line: int
    item_lines: list[int]


class YamlError(Exception):
    """A file that is not valid YAML (or is too large to be content); carries the located error."""

    def __init__(self, error: ContentError) -> None:
        self.error = error
        super().__init__(str(error))


def line_of(container: Map | Seq, key: str | int) -> int:
    """Line of ``container[key]``, falling back to the container's own line."""
    if isinstance(container, Map) and isinstance(key, str):
        return container.key_lines.get(key, container.line)
    if isinstance(container, Seq) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", 1)


class Lines(Mapping[str, int]):
    """Line of each key of a record, kept for messages long after its YAML is gone: compactly.

    A dict and its key strings per record were 30 MB at 10,000 controversies. Records of a kind
    mostly have the same keys (``positions.0``, ``positions.1`` …), so the keys and their index
    are shared by every record laid out alike (``_layouts``), and the lines are an array.
    """

    __slots__ = ("_index", "_lines")

    def __init__(self, lines: dict[str, int]) -> None:
        keys = tuple(lines)
        index = _layouts.get(keys)
        if index is None:
            index = _layouts[keys] = {sys.intern(key): i for i, key in enumerate(keys)}
        self._index = index
        self._lines = array("L", lines.values())

    def __getitem__(self, key: str) -> int:
        return self._lines[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else self._lines[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"Lines({dict(self)!r})"

    def __reduce__(self) -> tuple[type[Lines], tuple[dict[str, int]]]:
        return Lines, (dict(self),)


_layouts: dict[tuple[str, ...], dict[str, int]] = {}
"""Index of each key, by the keys of a record in order: one per distinct layout, however many records."""


def field_lines(mapping: Map) -> Lines:
    """Line of each key, and of each list item as ``key.index``, for precise cross-reference errors."""
    lines = dict(mapping.key_lines)
    for key, value in mapping.items():
        if isinstance(value, Seq):
            lines.update({f"{key}.{i}": line for i, line in enumerate(value.item_lines)})
    return Lines(lines)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) into Map/Seq/scalars.

    An empty document gives ``None``. Raises ``YamlError`` with the offending line.
    """
    try:
        _check_depth(text, path, first_line)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml 0.2.6+ (PyYAML 6.0.4) stops deep flow nesting in its scanner
            raise YamlError(ContentError(path, line, f"YAML nested more than {MAX_DEPTH} levels deep")) from None
        raise YamlError(ContentError(path, line, f"YAML syntax error: {problem}")) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + text[: exc.position].count("\n")
        message = f"character {exc.character!r} is not allowed in YAML (control characters must be removed)"
        raise YamlError(ContentError(path, line, message)) from None
    except yaml.YAMLError as exc:  # e.g. a second document in a front matter block
        raise YamlError(ContentError(path, first_line, f"YAML error: {exc}")) from None
    if node is None:
        return None
    return _Builder(path, first_line, max(MAX_NODES, len(text))).build(node, 0)


def _check_depth(text: str, path: str, first_line: int) -> None:
    """Raise ``YamlError`` at the first collection nested deeper than ``MAX_DEPTH`` (the parser does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = first_line + event.start_mark.line
                raise YamlError(ContentError(path, line, f"YAML nested more than {MAX_DEPTH} levels deep"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Builder:
    """Turns a composed node graph into values, counting nodes to stop alias bombs."""

    def __init__(self, path: str, first_line: int, budget: int = MAX_NODES) -> None:
        self.path = path
        self.first_line = first_line
        self.budget = budget
        self.constructor = yaml.SafeLoader("")

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def fail(self, node: yaml.Node, message: str) -> YamlError:
        return YamlError(ContentError(self.path, self.line(node), message))

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(node, "too many YAML values for the file's length; is an alias expanding endlessly?")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"YAML nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            return self.build_map(node, depth)
        if isinstance(node, yaml.SequenceNode):
            seq = Seq(self.build(item, depth + 1) for item in node.value)
            seq.line = self.line(node)
            seq.item_lines = [self.line(item) for item in node.value]
            return seq
        if isinstance(node.value, str) and (found := FORBIDDEN_CHARS.search(node.value)):
            raise self.fail(node, f"value {forbidden_char_message(found.group())}")  # written as an escape
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # left as text so validation can say which part of the date is wrong
            raise self.fail(node, f"invalid YAML value {node.value!r}") from None
        except yaml.YAMLError as exc:
            raise self.fail(node, f"invalid YAML value {node.value!r}: {exc}") from None

    def build_map(self, node: yaml.MappingNode, depth: int) -> Map:
        result = Map()
        result.line = self.line(node)
        result.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "YAML merge keys ('<<') are not supported in content files")
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str):
                raise self.fail(key_node, f"keys must be text, got {key!r}")
            if key in result:
                raise self.fail(key_node, f"duplicate key '{key}' (first on line {result.key_lines[key]})")
            result[key] = self.build(value_node, depth + 1)
            result.key_lines[key] = self.line(key_node)
        return result
