"""Every error nounkit raises.

    NounkitError
    ├── DefinitionError        noun files or configuration are wrong (carries every Problem)
    ├── ValidationError        a value breaks a noun's model, an action's input or a rule
    ├── NotFound               no such entity (or it lives in another tenant)
    ├── Conflict               stale version or duplicate unique value
    ├── TransitionNotAllowed   the lifecycle forbids the action in the current state
    ├── HandlerMissing         an action needs a Python handler and none is registered
    ├── UnknownAction          no noun declares the action
    ├── AmbiguousAction        a bare verb matches more than one noun
    ├── Forbidden              the caller lacks a role the action requires
    ├── QueryError             a query names an unknown field or operator, or a wrong type
    └── StorageError           the storage backend failed or cannot be reached

Driver and library errors are converted where they cross into nounkit, with
``raise ... from`` so the original stays on ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AmbiguousAction",
    "Conflict",
    "DefinitionError",
    "FieldError",
    "Forbidden",
    "HandlerMissing",
    "NotFound",
    "NounkitError",
    "Problem",
    "QueryError",
    "StorageError",
    "TransitionNotAllowed",
    "UnknownAction",
    "ValidationError",
]


class NounkitError(Exception):
    """Root of every error nounkit raises."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition, and where it is.

    ``path`` is the dotted path inside the noun language, such as
    ``ServiceCustomer.properties.email.type``; ``line`` and ``column`` are
    1-based (0 when the position is unknown, as for a whole missing file).
    ``code`` is stable (``NK305``; the table is ``nounkit.language.codes``):
    match on it, not on the message.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None
    code: str = field(kw_only=True)

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


@dataclass(frozen=True, slots=True)
class FieldError:
    """One field that failed validation: its path from the entity root, why, and the value."""

    path: str
    message: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (got {self.value!r})" if self.path else self.message


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


class Conflict(NounkitError):
    """A write lost a race (stale version) or would duplicate a unique value."""


class TransitionNotAllowed(NounkitError):
    """The lifecycle does not allow the action from the entity's current state."""


class HandlerMissing(NounkitError):
    """A custom action was run, but no Python handler is registered for it."""


class UnknownAction(NounkitError, LookupError):
    """No loaded noun declares the action."""


class AmbiguousAction(NounkitError, LookupError):
    """A bare verb names an action on more than one noun."""


class Forbidden(NounkitError, PermissionError):
    """The caller does not hold a role the action requires."""


class QueryError(NounkitError, ValueError):
    """A query names an unknown field or operator, or compares with a value of the wrong type."""


class StorageError(NounkitError):
    """The storage backend failed, or its URL is wrong or unreachable."""
