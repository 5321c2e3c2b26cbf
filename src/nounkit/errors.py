"""Every error nounkit raises.

    NounkitError
    ├── DefinitionError        noun files or configuration are wrong (carries every Problem)
    ├── ValidationError        a value breaks a noun's model, an action's input or a rule
    ├── NotFound               no such entity (or it lives in another tenant)
    ├── Conflict               stale version or duplicate unique value
    ├── TransitionNotAllowed   the lifecycle forbids the action in the current state
    ├── HandlerMissing         an action needs a Python handler and none is registered
    ├── HandlerError           a handler broke its contract (returned no mapping of changes)
    ├── UnknownAction          no noun declares the action
    ├── UnknownEvent           a subscription's pattern matches no declared event
    ├── AmbiguousAction        a bare verb matches more than one noun
    ├── Forbidden              the caller lacks a role the action requires
    ├── QueryError             a query names an unknown field or operator, or a wrong type
    └── StorageError           the storage backend failed or cannot be reached

Driver and library errors are converted where they cross into nounkit, with
``raise ... from`` so the original stays on ``__cause__``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AmbiguousAction",
    "Conflict",
    "DefinitionError",
    "FieldError",
    "Forbidden",
    "HandlerError",
    "HandlerMissing",
    "NotFound",
    "NounkitError",
    "Problem",
    "QueryError",
    "StorageError",
    "TransitionNotAllowed",
    "UnknownAction",
    "UnknownEvent",
    "ValidationError",
]


class NounkitError(Exception):
    """Root of every error nounkit raises."""


class _Value:
    """Immutable, equal and hashed by its fields: a frozen dataclass, without the cost of
    making one (every command imports this module)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} does not change: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), {name: getattr(self, name) for name in self._fields}))


def _rebuild(kind: type[Any], values: dict[str, Any]) -> Any:
    return kind(**values)


class Problem(_Value):
    """One thing wrong with a definition, and where it is.

    ``path`` is the dotted path inside the noun language, such as
    ``ServiceCustomer.properties.email.type``; ``line`` and ``column`` are
    1-based (0 when the position is unknown, as for a whole missing file).
    ``code`` is stable (``NK305``; the table is ``nounkit.language.codes``):
    match on it, not on the message.
    """

    __slots__ = ("code", "column", "file", "hint", "line", "message", "path")
    _fields = ("file", "line", "column", "path", "message", "hint", "code")
    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None
    code: str

    def __init__(
        self,
        file: str,
        line: int,
        column: int,
        path: str,
        message: str,
        hint: str | None = None,
        *,
        code: str,
    ) -> None:
        for name, value in (
            ("file", file), ("line", line), ("column", column), ("path", path),
            ("message", message), ("hint", hint), ("code", code),
        ):  # fmt: skip
            object.__setattr__(self, name, value)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        text += f" [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class DefinitionError(NounkitError):
    """Noun definitions (or the configuration naming them) are wrong.

    Carries every problem found, not just the first; ``str()`` lists them all
    as ``file:line:column: path: message [code]``, sorted by file and position.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.file, p.line, p.column, p.code, p.path, p.message)
        )
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in noun definitions"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))


def _shown_values() -> reprlib.Repr:
    # A value as a message quotes it: a few levels and items deep, so a hostile document
    # nested a thousand levels cannot exhaust the stack while its error is written.
    shown = reprlib.Repr()
    shown.maxlevel, shown.maxdict, shown.maxlist = 4, 8, 8
    shown.maxstring, shown.maxother, shown.maxlong = 120, 120, 120
    return shown


_SHOWN = _shown_values()


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"

    def __reduce__(self) -> str:
        return "_NO_VALUE"  # pickles as the one module-level instance


_NO_VALUE: Any = _NoValue()


class FieldError(_Value):
    """One field that failed validation: its path from the entity root, why, and the value."""

    __slots__ = ("_given", "message", "path", "value")
    _fields = ("path", "message", "value")
    path: str
    message: str
    value: Any  # None when no value was given (a broken rule is about no one value)
    _given: bool

    def __init__(self, path: str, message: str, value: Any = _NO_VALUE) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "value", None if value is _NO_VALUE else value)
        object.__setattr__(self, "_given", value is not _NO_VALUE)

    def __reduce__(self) -> tuple[Any, ...]:
        value = self.value if self._given else _NO_VALUE
        return (FieldError, (self.path, self.message, value))

    def __str__(self) -> str:
        if not self.path:
            return self.message
        if not self._given:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (got {_SHOWN.repr(self.value)})"


class ValidationError(NounkitError, ValueError):
    """A value breaks a noun's model, an action's input or a rule.

    ``noun`` and ``id`` name the entity (``id`` may be None before creation);
    ``errors`` lists every failing field.
    """

    def __init__(self, noun: str, errors: Sequence[FieldError], *, id: str | None = None) -> None:
        self.noun = noun
        self.id = id
        self.errors = list(errors)
        subject = f"{noun} {id!r}" if id is not None else noun
        count = len(self.errors)
        lines = "\n".join(f"  {noun}.{e}" if e.path else f"  {noun}: {e}" for e in self.errors)
        super().__init__(f"{subject}: {count} invalid value{'s' if count != 1 else ''}:\n{lines}")


class NotFound(NounkitError, LookupError):
    """No entity with that id in the caller's tenant, or no noun by that name."""


class Conflict(NounkitError):  # also: a second handler for an action, not replaced
    """A write lost a race (stale version) or would duplicate a unique value."""


class TransitionNotAllowed(NounkitError):
    """The lifecycle does not allow the action from the entity's current state."""


class HandlerMissing(NounkitError):
    """A custom action was run, but no Python handler is registered for it."""


class HandlerError(NounkitError, TypeError):
    """A handler broke its contract: it returned something other than a mapping of
    changes (or None). The message names the handler and what it returned."""


class UnknownAction(NounkitError, LookupError):
    """No loaded noun declares the action."""


class UnknownEvent(NounkitError, LookupError):
    """A subscription's pattern matches none of the events the nouns declare."""


class AmbiguousAction(NounkitError, LookupError):
    """A bare verb names an action on more than one noun."""


class Forbidden(NounkitError, PermissionError):
    """The caller does not hold a role the action requires."""


class QueryError(NounkitError, ValueError):
    """A query names an unknown field or operator, or compares with a value of the wrong type."""


class StorageError(NounkitError):
    """The storage backend failed, or its URL is wrong or unreachable."""
