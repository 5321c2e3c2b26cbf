"""Safe YAML reading that remembers where every value stood.

Values are built from the parser's event stream with an explicit stack rather
than by PyYAML's composer: libyaml's composer recurses in C and crashes the
interpreter on deeply nested input, and the pure-Python one raises
RecursionError. Only JSON-shaped data comes out: mappings with string keys,
sequences, strings, numbers, booleans and null. Timestamps stay strings, so a
noun file means the same thing as the equivalent JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Positions", "YamlDocument", "read_yaml"]

MAX_BYTES = 1 << 20  # a noun file is hand-written; a megabyte is already absurd
MAX_DEPTH = 64
MAX_NODES = 100_000  # counted after alias expansion, which is how alias bombs blow up

Path = tuple[str | int, ...]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = f"{_TAG}timestamp"
_MERGE = f"{_TAG}merge"
_SEQ, _MAP = f"{_TAG}seq", f"{_TAG}map"
_constructor = SafeConstructor()


@dataclass(frozen=True)
class Positions:
    """1-based (line, column) of values and of mapping keys, by path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path`` (its key, when ``key``), else of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for cut in range(len(path), -1, -1):
            where = self.values.get(path[:cut])
            if where is not None:
                return where
        return (1, 1)


@dataclass
class YamlDocument:
    file: str
    data: Any
    positions: Positions
    screened: bool | None = None  # whether the language schema's screen passed it, once run


class YamlProblem(Exception):
    """A file that cannot be read as safe, JSON-shaped YAML.

    ``path`` is where in the document it happened (``("ServiceCustomer", "properties")``),
    when known.
    """

    def __init__(
        self,
        message: str,
        line: int,
        column: int,
        hint: str | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint
        self.path = path


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


# Scalars already read, by text, tag and style: noun files repeat the same few words
# (string, optional, true, 0) thousands of times. Only immutable values are kept.
_READ: dict[tuple[str, str | None, Any], Any] = {}
_READ_LIMIT = 4096


def _scalar(loader: Any, event: Any) -> Any:
    key = (event.value, event.tag, event.implicit)
    try:
        return _READ[key]
    except KeyError:
        pass
    value = _read_scalar(loader, event)
    if len(_READ) >= _READ_LIMIT:
        _READ.clear()
    _READ[key] = value  # str, int, float, bool or None: safe to share
    return value


def _read_scalar(loader: Any, event: Any) -> Any:
    where = _mark(event)
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _TIMESTAMP:
        return event.value
    if tag not in _SCALAR_TAGS:
        raise _tag_problem(event.tag or tag, where)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = SafeConstructor.yaml_constructors[tag](_constructor, node)
    except (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError) as exc:
        # An explicit tag on a value it does not fit (`!!bool maybe`), or an integer too
        # long for Python to read (more than 4,300 digits).
        shown = event.value if len(event.value) <= 40 else event.value[:37] + "..."
        raise YamlProblem(
            f"cannot read {shown!r} as {tag[len(_TAG) :]}",
            *where,
            hint="drop the `!!` tag; plain YAML values need none"
            if event.tag not in (None, "!")
            else "write a shorter number, or quote it to make it a string",
        ) from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlProblem(
            f"{event.value!r} is not a JSON number",
            *where,
            hint="numbers in noun files are finite; leave the key out for no limit",
        )
    return value


def _tag_problem(tag: str, where: tuple[int, int]) -> YamlProblem:
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    hint = "noun files take plain YAML only: strings, numbers, booleans, null, lists and mappings"
    if shown.startswith("!!python/"):
        hint = "Python tags would build Python objects (or run code) and are never read; " + hint
    return YamlProblem(f"tag {shown} is not allowed", *where, hint=hint)


class _MergeKey:
    def __repr__(self) -> str:
        return "<<"


_MERGE_KEY: Any = _MergeKey()


class _Frame:
    """A mapping or sequence being built, and the key waiting for its value."""

    __slots__ = ("anchor", "container", "key", "key_where", "path", "seen", "start")

    def __init__(self, container: Any, path: Path, anchor: str | None, start: int) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.start = start
        self.key: Any = None  # None: the next value is a key
        self.key_where = (1, 1)
        self.seen: dict[str, tuple[int, int]] = {}

    def wants_key(self) -> bool:
        return isinstance(self.container, dict) and self.key is None

    def child_path(self) -> Path:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        return self.path if self.key is _MERGE_KEY else (*self.path, self.key)


class _Builder:
    """Turns one document's events into plain values, counting expanded nodes."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}  # value, node count after expansion
        self.nodes = 0
        self.stack: list[_Frame] = []

    def _count(self, n: int, where: tuple[int, int]) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise YamlProblem(
                f"the document expands to more than {MAX_NODES:,} values",
                *where,
                hint="aliases (*name) that repeat large anchors multiply; write the "
                "definitions out or split the file",
            )

    def build(self, events: Iterator[Any]) -> Any:
        try:
            return self._build(events)
        except YamlProblem as exc:
            if exc.path is None and self.stack:
                frame = self.stack[-1]
                exc.path = frame.path if frame.wants_key() else frame.child_path()
            raise

    def _build(self, events: Iterator[Any]) -> Any:
        root: Any = None
        done = False
        stack = self.stack
        # Dispatch on the exact event class: this loop runs once per node of every file.
        for event in events:
            kind = type(event)
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            frame = stack[-1] if stack else None
            if kind is _SCALAR:
                if frame is not None and frame.key is None and type(frame.container) is dict:
                    self._key(frame, event, where)
                    continue
                value = _scalar(self.loader, event)
                self._count(1, where)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                self._check_tag(event)
                if frame is not None and frame.wants_key():
                    raise YamlProblem("a mapping key must be a plain scalar", *where)
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        f"nesting deeper than {MAX_DEPTH} levels",
                        *where,
                        hint="noun definitions need only a few levels; close the brackets "
                        "you opened",
                    )
                path = frame.child_path() if frame is not None else ()
                self.values.setdefault(path, where)
                self._count(1, where)
                empty: Any = [] if kind is _SEQUENCE_START else {}
                stack.append(_Frame(empty, path, event.anchor, self.nodes))
                continue
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                done_frame = stack.pop()
                value = done_frame.container
                where = self.values.get(done_frame.path, where)
                if done_frame.anchor:
                    self.anchors[done_frame.anchor] = (value, self.nodes - done_frame.start + 1)
                frame = stack[-1] if stack else None
            elif kind is _ALIAS:
                if frame is not None and frame.wants_key():
                    raise YamlProblem("a mapping key must be a plain scalar", *where)
                if any(open_frame.anchor == event.anchor for open_frame in stack):
                    raise YamlProblem(
                        f"alias *{event.anchor} is inside its own anchor &{event.anchor} "
                        "(a recursive structure)",
                        *where,
                        hint="noun files hold trees, not cycles; write the inner part out",
                    )
                if event.anchor not in self.anchors:
                    raise YamlProblem(
                        f"alias *{event.anchor} refers to no anchor &{event.anchor} before it",
                        *where,
                        hint="define `&name` on a value first; an alias may only follow it",
                    )
                value, size = self.anchors[event.anchor]
                self._count(size, where)
            elif kind is yaml.DocumentStartEvent and done:
                raise YamlProblem(
                    "more than one YAML document in the file",
                    *where,
                    hint="put all nouns of a file in one document (no second '---')",
                )
            else:
                continue
            if frame is None:
                root, done = value, True
            else:
                self._place(frame, value, where)
        return root

    def _key(self, frame: _Frame, event: Any, where: tuple[int, int]) -> None:
        self._check_tag(event)
        self._count(1, where)
        # Keys are names: "on", "no" or "null" mean themselves, not YAML 1.1 values; only
        # a plain << is resolved, as the merge key.
        value = event.value
        if value == "<<":
            tag = event.tag or self.loader.resolve(yaml.ScalarNode, value, event.implicit)
            frame.key = _MERGE_KEY if tag == _MERGE else value
        else:
            frame.key = value
        frame.key_where = where

    def _place(self, frame: _Frame, value: Any, where: tuple[int, int]) -> None:
        container = frame.container
        if isinstance(container, list):
            self.values.setdefault((*frame.path, len(container)), where)
            container.append(value)
            return
        key, key_where = frame.key, frame.key_where
        frame.key = None
        if key is _MERGE_KEY:
            self._merge(container, value, frame.path, where)
            return
        if key in frame.seen:
            line, col = frame.seen[key]
            raise YamlProblem(
                f"duplicate key {key!r} (first written at line {line}, column {col})",
                *key_where,
                hint="a mapping holds each key once; merge the two entries",
                path=(*frame.path, key),
            )
        frame.seen[key] = key_where
        sub = (*frame.path, key)
        self.keys[sub] = key_where
        self.values.setdefault(sub, where)
        container[key] = value

    def _check_tag(self, event: Any) -> None:
        tag = event.tag
        if tag is None:
            return
        if isinstance(event, yaml.SequenceStartEvent):
            fine: tuple[str | None, ...] = (None, "!", _SEQ)
        elif isinstance(event, yaml.MappingStartEvent):
            fine = (None, "!", _MAP)
        else:
            fine = (None, "!", f"{_TAG}str")
        if tag in fine:
            return
        raise _tag_problem(tag, _mark(event))

    def _merge(
        self, target: dict[str, Any], value: Any, path: Path, where: tuple[int, int]
    ) -> None:
        for source in value if isinstance(value, list) else [value]:
            if not isinstance(source, dict):
                raise YamlProblem("'<<' merges mappings only", *where)
            for key, item in source.items():
                # Keys written in the mapping itself win over merged ones, whatever the order.
                if key not in target:
                    target[key] = item
                    self.values.setdefault((*path, key), where)


def read_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document safely; raise YamlProblem with a position when it cannot."""
    text = _decoded(text)
    loader = _Loader(text)
    builder = _Builder(loader)
    try:
        data = builder.build(iter(loader.get_event, None))
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}", 1, 1) from exc
    finally:
        loader.dispose()
    return YamlDocument(file, data, Positions(builder.values, builder.keys))


def _decoded(text: str | bytes) -> str:
    if len(text) > MAX_BYTES:
        raise YamlProblem(
            f"file is {len(text):,} bytes; noun files are limited to {MAX_BYTES:,}",
            1,
            1,
            hint="split the nouns across several files",
        )
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = text.count(b"\n", 0, exc.start) + 1
        before = text[text.rfind(b"\n", 0, exc.start) + 1 : exc.start]  # valid UTF-8
        column = len(before.decode("utf-8")) + 1
        raise YamlProblem(
            f"not UTF-8 text: {exc.reason} (byte 0x{text[exc.start]:02x} at offset {exc.start})",
            line,
            column,
            hint="save the file as UTF-8",
        ) from exc


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """A parser error as a problem at the parser's position, naming where the construct began."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        context = exc.context
        began = exc.context_mark
        if began is not None and (began.line + 1, began.column + 1) != (line, col):
            context += f" that starts at line {began.line + 1}, column {began.column + 1}"
        message += f" ({context})"
    lines = text.splitlines()
    culprit = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    hint = None
    if "cannot start any token" in message and culprit:
        message = message.replace("found character", f"found character {culprit!r}")
        hint = (
            "YAML indents with spaces, not tabs"
            if culprit == "\t"
            else f"quote a value that starts with {culprit!r}"
        )
    elif "mapping values are not allowed" in message:
        hint = "quote a value that holds ': ', or start a new line for a nested mapping"
    elif "expected '-' indicator" in message:
        hint = "every item of a list starts with '- ' in the same column"
    elif "expected ',' or ']'" in message or "expected ',' or '}'" in message:
        hint = "close the bracket, or quote a value that holds [ ] { } or ,"
    elif "did not find expected key" in message or "expected <block end>" in message:
        hint = "check the indentation: keys of one mapping line up in one column"
    elif "unexpected end of stream" in message:
        hint = "close the quote"
    return YamlProblem(f"YAML syntax: {message}", line, col, hint=hint)
