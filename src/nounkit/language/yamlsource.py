"""Safe YAML reading that remembers where every value stood, and reports every problem.

Values are built from the parser's event stream with an explicit stack rather
than by PyYAML's composer: libyaml's composer recurses in C and crashes the
interpreter on deeply nested input, and the pure-Python one raises
RecursionError. Only JSON-shaped data comes out: mappings with string keys,
sequences, strings, numbers, booleans and null. Timestamps stay strings, so a
noun file means the same thing as the equivalent JSON.

A problem that leaves the rest of the document readable (a tag, an alias to
nothing, a key written twice, a value JSON cannot hold) is noted and reading
goes on: the value stands as :data:`~nounkit.language.grammar.BROKEN`, or the
first of two keys is kept. A problem that leaves the structure unknown (bad
syntax, nesting or expansion past the limits) ends the read; what was noted
before it is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from nounkit.language.codes import Code
from nounkit.language.grammar import BROKEN

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Positions",
    "YamlDocument",
    "YamlProblem",
    "read_yaml",
]

MAX_BYTES = 1 << 20  # a noun file is hand-written; a megabyte is already absurd
MAX_DEPTH = 64
MAX_NODES = 100_000  # counted after alias expansion, which is how alias bombs blow up

Path = tuple[str | int, ...]

_FAST: type[Any] | None = getattr(yaml, "CSafeLoader", None)
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT_START = yaml.DocumentStartEvent
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = f"{_TAG}timestamp"
_MERGE = f"{_TAG}merge"
_SEQ, _MAP = f"{_TAG}seq", f"{_TAG}map"
_constructor = SafeConstructor()


class Positions:
    """1-based (line, column) of values and of mapping keys, by path."""

    __slots__ = ("keys", "values")

    def __init__(
        self,
        values: dict[Path, tuple[int, int]] | None = None,
        keys: dict[Path, tuple[int, int]] | None = None,
    ) -> None:
        self.values = values if values is not None else {}
        self.keys = keys if keys is not None else {}

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path`` (its key, when ``key``), else of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for cut in range(len(path), -1, -1):
            where = self.values.get(path[:cut])
            if where is not None:
                return where
        return (1, 1)


class YamlProblem(Exception):
    """Something wrong with a file as safe, JSON-shaped YAML, and where.

    ``path`` is where in the document it happened (``("ServiceCustomer", "properties")``),
    when known.
    """

    def __init__(
        self,
        code: Code,
        message: str,
        line: int,
        column: int,
        hint: str | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column
        self.hint, self.path = hint, path


class YamlDocument:
    """One file as read: its values (BROKEN where a value was refused), where each stood,
    and every problem found. ``complete`` is False when a problem ended the read early;
    ``data`` is then None, and ``text`` is kept to tell its top-level names."""

    __slots__ = ("complete", "data", "file", "positions", "problems", "text")

    def __init__(
        self,
        file: str,
        data: Any,
        positions: Positions,
        problems: list[YamlProblem] | None = None,
        *,
        complete: bool = True,
        text: str | None = None,
    ) -> None:
        self.file, self.data, self.positions = file, data, positions
        self.problems = problems if problems is not None else []
        self.complete, self.text = complete, text

    def __repr__(self) -> str:
        return f"YamlDocument({self.file!r}, {len(self.problems)} problems)"


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


# Scalars already read, by text, tag and style: noun files repeat the same few words
# (string, optional, true, 0) thousands of times. Only immutable values of short texts
# are kept, so a long-running process holds at most a few hundred kilobytes here.
_READ: dict[tuple[str, str | None, Any], Any] = {}
_READ_LIMIT = 4096
_READ_LONGEST = 64


def _scalar(loader: Any, event: Any) -> Any:
    """The value of a scalar event; raises YamlProblem (a noted one) when it has none."""
    key = (event.value, event.tag, event.implicit)
    try:
        return _READ[key]
    except KeyError:
        pass
    value = _read_scalar(loader, event)
    if len(event.value) <= _READ_LONGEST:
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
            Code.UNREADABLE_VALUE,
            f"cannot read {shown!r} as {tag[len(_TAG) :]}",
            *where,
            hint="drop the `!!` tag; plain YAML values need none"
            if event.tag not in (None, "!")
            else "write a shorter number, or quote it to make it a string",
        ) from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlProblem(
            Code.UNREADABLE_VALUE,
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
    return YamlProblem(Code.TAG_NOT_ALLOWED, f"tag {shown} is not allowed", *where, hint=hint)


class _Special:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_MERGE_KEY: Any = _Special("<<")
_NOT_READ: Any = _Special("<not read yet>")
_SKIPPED_KEY: Any = _Special("<skipped key>")  # a key that was refused: its value is dropped


class _Frame:
    """A mapping or sequence being built, and the key waiting for its value."""

    __slots__ = (
        "anchor",
        "as_key",
        "broken",
        "container",
        "is_map",
        "key",
        "key_text",
        "key_where",
        "path",
        "start",
    )

    def __init__(self, container: Any, path: Path, anchor: str | None, start: int) -> None:
        self.container = container
        self.is_map = type(container) is dict
        self.path = path
        self.anchor = anchor
        self.start = start
        self.broken = False  # its tag was refused: it stands as BROKEN when done
        self.as_key = False  # a list or mapping written as a key: read, then dropped
        self.key: Any = None  # None: the next value is a key
        self.key_text = ""  # a refused key as written, for the paths below it
        self.key_where = (1, 1)

    def wants_key(self) -> bool:
        return self.is_map and self.key is None

    def child_path(self) -> Path:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        if self.key is _MERGE_KEY:
            return (*self.path, "<<")  # what is merged is found at the mapping's own place
        if self.key is _SKIPPED_KEY:
            return (*self.path, self.key_text)
        return (*self.path, self.key)


class _Builder:
    """Turns one document's events into plain values, counting expanded nodes."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}  # value, node count after expansion
        self.nodes = 0
        self.stack: list[_Frame] = []
        self.noted: list[YamlProblem] = []

    def note(self, problem: YamlProblem, path: Path) -> Any:
        if problem.path is None:
            problem.path = path
        self.noted.append(problem)
        return BROKEN

    def _count(self, n: int, where: tuple[int, int]) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise YamlProblem(
                Code.TOO_MANY_VALUES,
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
        values, keys, read = self.values, self.keys, _READ
        # Dispatch on the exact event class, with the common cases (a plain key, a plain
        # scalar already read once) first: this loop runs once per node of every file.
        for event in events:
            kind = type(event)
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            frame = stack[-1] if stack else None
            if kind is _SCALAR:
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    self._count(0, where)
                if frame is not None and frame.is_map and frame.key is None:
                    if event.tag is None and event.value != "<<":
                        frame.key, frame.key_where = event.value, where
                    else:
                        self._key(frame, event, where)
                    continue
                value = _NOT_READ
                if event.tag is None and not event.anchor:
                    value = read.get((event.value, None, event.implicit), _NOT_READ)
                if value is _NOT_READ:
                    try:
                        value = _scalar(self.loader, event)
                    except YamlProblem as exc:
                        value = self.note(exc, frame.child_path() if frame else ())
                    if event.anchor:
                        self.anchors[event.anchor] = (value, 1)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                as_key = frame is not None and frame.wants_key()
                if as_key:
                    assert frame is not None
                    self.note(
                        YamlProblem(
                            Code.COMPLEX_KEY,
                            "a mapping key must be a plain scalar",
                            *where,
                            hint="keys are names; a list or mapping cannot be one",
                        ),
                        frame.path,
                    )
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        Code.TOO_DEEP,
                        f"nesting deeper than {MAX_DEPTH} levels",
                        *where,
                        hint="noun definitions need only a few levels; close the brackets "
                        "you opened",
                    )
                if as_key:
                    assert frame is not None
                    path: Path = (*frame.path, "<key>")
                else:
                    path = frame.child_path() if frame is not None else ()
                    values.setdefault(path, where)
                self._count(1, where)
                empty: Any = [] if kind is _SEQUENCE_START else {}
                opened = _Frame(empty, path, event.anchor, self.nodes)
                opened.as_key = as_key
                if event.tag is not None:
                    problem = self._tag_of(event)
                    if problem is not None:
                        self.note(problem, path)
                        opened.broken = True
                stack.append(opened)
                continue
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                done_frame = stack.pop()
                value = BROKEN if done_frame.broken else done_frame.container
                where = values.get(done_frame.path, where)
                if done_frame.anchor:
                    self.anchors[done_frame.anchor] = (value, self.nodes - done_frame.start + 1)
                frame = stack[-1] if stack else None
                if (
                    done_frame.as_key and frame is not None
                ):  # refused as a key: its value is not read
                    frame.key, frame.key_text, frame.key_where = _SKIPPED_KEY, "<key>", where
                    continue
            elif kind is _ALIAS:
                if frame is not None and frame.wants_key():
                    self.note(
                        YamlProblem(
                            Code.COMPLEX_KEY,
                            "a mapping key must be a plain scalar, not an alias",
                            *where,
                            hint="write the key out",
                        ),
                        frame.path,
                    )
                    frame.key, frame.key_text, frame.key_where = _SKIPPED_KEY, "<key>", where
                    continue
                value = self._alias(event, where, frame)
            elif kind is _DOCUMENT_START and done:
                self.note(
                    YamlProblem(
                        Code.MANY_DOCUMENTS,
                        "more than one YAML document in the file",
                        *where,
                        hint="put all nouns of a file in one document (no second '---'); "
                        "only the first was read",
                    ),
                    (),
                )
                break
            else:
                continue
            if frame is None:
                root, done = value, True
                continue
            container = frame.container
            if not frame.is_map:
                values.setdefault((*frame.path, len(container)), where)
                container.append(value)
                continue
            key = frame.key
            frame.key = None
            if type(key) is not str:  # the merge key, or a key that was refused
                if key is _MERGE_KEY:
                    self._merge(container, value, frame.path, where)
                continue
            sub = (*frame.path, key)
            first = keys.get(sub)
            if first is not None:
                self._duplicate(key, sub, first, frame.key_where)
                continue
            keys[sub] = frame.key_where
            values.setdefault(sub, where)
            container[key] = value
        return root

    def _duplicate(
        self, key: str, sub: Path, first: tuple[int, int], where: tuple[int, int]
    ) -> None:
        self.note(
            YamlProblem(
                Code.DUPLICATE_KEY,
                f"duplicate key {key!r} (first written at line {first[0]}, column {first[1]})",
                *where,
                hint="a mapping holds each key once; merge the two entries "
                "(the first is read, this one is not)",
            ),
            sub,
        )

    def _alias(self, event: Any, where: tuple[int, int], frame: _Frame | None) -> Any:
        path = frame.child_path() if frame is not None else ()
        if any(open_frame.anchor == event.anchor for open_frame in self.stack):
            return self.note(
                YamlProblem(
                    Code.BAD_ALIAS,
                    f"alias *{event.anchor} is inside its own anchor &{event.anchor} "
                    "(a recursive structure)",
                    *where,
                    hint="noun files hold trees, not cycles; write the inner part out",
                ),
                path,
            )
        if event.anchor not in self.anchors:
            return self.note(
                YamlProblem(
                    Code.BAD_ALIAS,
                    f"alias *{event.anchor} refers to no anchor &{event.anchor} before it",
                    *where,
                    hint="define `&name` on a value first; an alias may only follow it",
                ),
                path,
            )
        value, size = self.anchors[event.anchor]
        self._count(size, where)
        return value

    def _key(self, frame: _Frame, event: Any, where: tuple[int, int]) -> None:
        """A key with a tag, or ``<<`` (counted by the caller)."""
        frame.key_where = where
        problem = self._tag_of(event)
        if problem is not None:
            self.note(problem, (*frame.path, event.value))
            frame.key, frame.key_text = _SKIPPED_KEY, event.value
            return
        # Keys are names: "on", "no" or "null" mean themselves, not YAML 1.1 values; only
        # a plain << is resolved, as the merge key.
        value = event.value
        if value == "<<":
            tag = event.tag or self.loader.resolve(yaml.ScalarNode, value, event.implicit)
            frame.key = _MERGE_KEY if tag == _MERGE else value
        else:
            frame.key = value

    @staticmethod
    def _tag_of(event: Any) -> YamlProblem | None:
        """The problem with an event's explicit tag, if it has one that is not plain."""
        tag = event.tag
        if tag is None or tag == "!":
            return None
        if isinstance(event, yaml.SequenceStartEvent):
            plain = _SEQ
        elif isinstance(event, yaml.MappingStartEvent):
            plain = _MAP
        else:
            plain = f"{_TAG}str"
        return None if tag == plain else _tag_problem(tag, _mark(event))

    def _merge(
        self, target: dict[str, Any], value: Any, path: Path, where: tuple[int, int]
    ) -> None:
        if value is BROKEN:
            return
        for source in value if isinstance(value, list) else [value]:
            if not isinstance(source, dict):
                self.note(
                    YamlProblem(
                        Code.WRONG_TYPE,
                        "'<<' merges mappings only",
                        *where,
                        hint="write `<<: *anchor` where the anchor is a mapping",
                    ),
                    path,
                )
                continue
            for key, item in source.items():
                # Keys written in the mapping itself win over merged ones, whatever the order;
                # a merged value is pointed at where the mapping itself stands.
                if key not in target:
                    target[key] = item


def read_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document safely, noting every problem with its place.

    Raises YamlProblem only for input that is no text at all (too large, not UTF-8);
    everything else is in the document's ``problems``.
    """
    text = _decoded(text)
    loader = (_FAST or yaml.SafeLoader)(text)
    builder = _Builder(loader)
    try:
        data = builder.build(iter(loader.get_event, None))
    except yaml.MarkedYAMLError as exc:
        # Where libyaml gives up, and in what words, differs between its releases (some stop
        # at a nesting limit of their own, before nounkit's is reached). The pure-Python
        # parser, slower but only ever run on a broken file, says the same on every one.
        slow, data, fatal = _read_slowly(text, _syntax_problem(exc, text))
        if fatal is None:
            return YamlDocument(file, data, Positions(slow.values, slow.keys), slow.noted)
        return _unfinished(file, text, slow, fatal)
    except yaml.reader.ReaderError as exc:
        return _unfinished(file, text, builder, _character_problem(exc, text))
    except yaml.YAMLError as exc:
        problem = YamlProblem(Code.YAML_SYNTAX, f"YAML syntax: {exc}", 1, 1)
        return _unfinished(file, text, builder, problem)
    except YamlProblem as exc:
        return _unfinished(file, text, builder, exc)
    finally:
        loader.dispose()
    return YamlDocument(file, data, Positions(builder.values, builder.keys), builder.noted)


def _read_slowly(text: str, fatal: YamlProblem) -> tuple[_Builder, Any, YamlProblem | None]:
    """The pure-Python parser's reading: its builder, the values, and what ended it (None
    when it read the whole document, which libyaml refused)."""
    loader = yaml.SafeLoader(text)
    builder = _Builder(loader)
    try:
        data = builder.build(iter(loader.get_event, None))
    except yaml.MarkedYAMLError as exc:
        return builder, None, _syntax_problem(exc, text)
    except yaml.reader.ReaderError as exc:
        return builder, None, _character_problem(exc, text)
    except YamlProblem as exc:
        return builder, None, exc
    except yaml.YAMLError:
        return builder, None, fatal
    finally:
        loader.dispose()
    return builder, data, None


def _character_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """A character YAML does not allow (a control character), where it stands."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(
        Code.YAML_SYNTAX,
        f"YAML syntax: character U+{code:04X} is not allowed in YAML",
        line,
        column,
        hint=f'delete it, or write it as "\\u{code:04X}" inside a double-quoted string',
    )


def _unfinished(file: str, text: str, builder: _Builder, fatal: YamlProblem) -> YamlDocument:
    if fatal.path is None:
        fatal.path = ()
    positions = Positions(builder.values, builder.keys)
    problems = [*builder.noted, fatal]
    return YamlDocument(file, None, positions, problems, complete=False, text=text)


def _decoded(text: str | bytes) -> str:
    if len(text) > MAX_BYTES:
        raise YamlProblem(
            Code.TOO_LARGE,
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
            Code.NOT_UTF8,
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
    return YamlProblem(Code.YAML_SYNTAX, f"YAML syntax: {message}", line, col, hint=hint)
