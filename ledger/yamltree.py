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
from .limits import first_forbidden, forbidden_char_message
from .yamlhints import syntax_error

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

    A dict and its key strings per record add up in a large record. Records of a kind
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
        return _Builder(path, first_line, max(MAX_NODES, len(text))).run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml 0.2.6+ (PyYAML 6.0.4) stops deep flow nesting in its scanner
            raise YamlError(ContentError(path, line, f"YAML nested more than {MAX_DEPTH} levels deep")) from None
        raise YamlError(syntax_error(exc, text, path, first_line)) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + text[: exc.position].count("\n")
        message = f"character {exc.character!r} is not allowed in YAML (control characters must be removed)"
        raise YamlError(ContentError(path, line, message)) from None
    except yaml.YAMLError as exc:
        raise YamlError(ContentError(path, first_line, f"YAML error: {exc}")) from None


_STR = "tag:yaml.org,2002:str"
_NO_KEY = object()
"""A mapping's frame between entries: the next value built is a key."""


class _Frame:
    """A collection being built: its value, where it started, and (for a mapping) the key awaiting its value."""

    __slots__ = ("anchor", "count", "height", "key", "key_line", "line", "value")

    def __init__(self, value: Map | Seq, line: int, anchor: str | None) -> None:
        self.value, self.line, self.anchor = value, line, anchor
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.count = 1
        """Values built in it (itself included), aliases counted as expanded: the alias budget."""
        self.height = 1
        """Collections nested in it, itself included (aliases may not nest past ``MAX_DEPTH`` either)."""


class _Builder:
    """Builds values straight from the parser's events: no node graph (many times the size of the values
    for a large registry), one pass for the depth limit and the values.

    Errors keep the order a composer then a builder would give: a syntax error or nesting too deep
    anywhere in the stream first, then the first composer error (undefined alias, second document),
    then the first problem with a value (duplicate key, bad value, alias expanding past the budget).
    Anchored values are shared where they are referred to, counted against the budget as if copied.
    """

    def __init__(self, path: str, first_line: int, budget: int = MAX_NODES) -> None:
        self.path = path
        self.first_line = first_line
        self.budget = budget
        self.constructor = yaml.SafeLoader("")
        self.resolver = yaml.resolver.Resolver()
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int, int] | None] = {}
        """Anchor → (value, line, values, height); ``None`` while its collection is being built."""
        self.documents = 0
        self.result: Any = None
        self.composer_error: yaml.YAMLError | None = None
        self.error: YamlError | None = None

    def run(self, events: Iterator[yaml.Event]) -> Any:
        handlers = {
            yaml.ScalarEvent: self.scalar_event,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias_event,
            yaml.DocumentStartEvent: self.document,
        }  # by exact class (the parser makes no others): a dictionary look-up, not five isinstance tests an event
        first_line = self.first_line
        for event in events:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event, first_line + event.start_mark.line)
        if self.composer_error is not None:
            raise self.composer_error
        if self.error is not None:
            raise self.error
        return self.result

    def fail(self, line: int, message: str) -> None:
        if self.error is None:
            self.error = YamlError(ContentError(self.path, line, message))

    def building(self) -> bool:
        return self.composer_error is None and self.error is None

    def start(self, event: yaml.CollectionStartEvent, line: int) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(ContentError(self.path, line, f"YAML nested more than {MAX_DEPTH} levels deep"))
        if self.anchored(event) and self.building() and self.spend(1, line):
            value: Map | Seq = Map() if isinstance(event, yaml.MappingStartEvent) else Seq()
            if isinstance(value, Map):
                value.key_lines = {}
            else:
                value.item_lines = []
            value.line = line
            self.stack.append(_Frame(value, line, event.anchor))
        else:
            self.stack.append(_Frame(Seq(), line, None))  # a placeholder: only depth counts now

    def end(self, event: yaml.CollectionEndEvent, line: int) -> None:
        frame = self.stack.pop()
        if self.building():
            if frame.anchor is not None:
                self.anchors[frame.anchor] = (frame.value, frame.line, frame.count, frame.height)
            self.add(frame.value, frame.line, frame.count, frame.height)

    def scalar_event(self, event: yaml.ScalarEvent, line: int) -> None:
        if event.anchor is None and self.error is None and self.composer_error is None and self.budget > 0:
            self.budget -= 1  # nearly every value: as below, with nothing to record or refuse
            value = self.scalar(event, line)
            if self.error is None:
                self.add(value, line, 1, 0)
            return
        if self.anchored(event) and self.building() and self.spend(1, line):
            value = self.scalar(event, line)
            if self.building():
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, line, 1, 0)
                self.add(value, line, 1, 0)

    def alias_event(self, event: yaml.AliasEvent, line: int) -> None:
        if self.composer_error is None:
            self.alias(event, line)

    def document(self, event: yaml.DocumentStartEvent, line: int) -> None:
        self.documents += 1
        self.anchors = {}
        if self.documents > 1 and self.composer_error is None:
            self.composer_error = yaml.composer.ComposerError(
                "expected a single document in the stream", None, "but found another document", event.start_mark
            )

    def anchored(self, event: yaml.NodeEvent) -> bool:
        """Record the event's anchor (a composer error if it was used before in this document)."""
        if event.anchor is None or self.composer_error is not None:
            return self.composer_error is None
        if event.anchor in self.anchors:
            message = f"found duplicate anchor {event.anchor!r}; first occurrence"
            self.composer_error = yaml.composer.ComposerError(message, None, "second occurrence", event.start_mark)
            return False
        self.anchors[event.anchor] = None
        return True

    def spend(self, values: int, line: int) -> bool:
        self.budget -= values
        if self.budget < 0:
            self.fail(line, "too many YAML values for the file's length; is an alias expanding endlessly?")
        return self.building()

    def alias(self, event: yaml.AliasEvent, line: int) -> None:
        if event.anchor not in self.anchors:
            problem = "found undefined alias"  # as libyaml's composer words it
            self.composer_error = yaml.composer.ComposerError(None, None, problem, event.start_mark)
            return
        anchored = self.anchors[event.anchor]
        if not self.building():
            return
        if anchored is None:  # refers to a collection it is inside of: endless if expanded
            frame = next(f for f in self.stack if f.anchor == event.anchor)
            self.fail(frame.line, f"YAML nested more than {MAX_DEPTH} levels deep")
            return
        value, anchored_line, count, height = anchored
        if len(self.stack) + height > MAX_DEPTH:
            self.fail(line, f"YAML nested more than {MAX_DEPTH} levels deep")
        elif self.spend(count, line):
            self.add(value, anchored_line, count, height)

    def scalar(self, event: yaml.ScalarEvent, line: int) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        frame = self.stack[-1] if self.stack else None
        if tag == "tag:yaml.org,2002:merge" and frame and isinstance(frame.value, Map) and frame.key is _NO_KEY:
            self.fail(line, "YAML merge keys ('<<') are not supported in content files")
            return None
        if found := first_forbidden(event.value):
            self.fail(line, f"value {forbidden_char_message(found.group())}")  # written as an escape
            return None
        if tag == _STR:  # most values: the constructor would return the text as it is
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            if tag == "tag:yaml.org,2002:timestamp":
                return event.value  # left as text so validation can say which part of the date is wrong
            self.fail(line, f"invalid YAML value {event.value!r}")
        except yaml.YAMLError as exc:
            self.fail(line, f"invalid YAML value {event.value!r}: {exc}")
        finally:
            self.constructor.constructed_objects.clear()
        return None

    def add(self, value: Any, line: int, count: int, height: int) -> None:
        """Put a finished value where it belongs: the document, a list, or a mapping's key or value."""
        if not self.stack:
            self.result = value
            return
        frame = self.stack[-1]
        frame.count += count
        frame.height = max(frame.height, height + 1)
        container = frame.value
        if isinstance(container, Seq):
            container.append(value)
            container.item_lines.append(line)
        elif frame.key is _NO_KEY:
            if not isinstance(value, str):
                self.fail(line, f"keys must be text, got {value!r}")
            elif value in container:
                self.fail(line, f"duplicate key '{value}' (first on line {container.key_lines[value]})")
            frame.key, frame.key_line = value, line
        else:
            container[frame.key] = value
            container.key_lines[frame.key] = frame.key_line
            frame.key = _NO_KEY
