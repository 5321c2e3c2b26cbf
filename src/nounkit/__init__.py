"""nounkit: nouns declared in YAML, compiled into validated models and behaviour.

Every public name is importable from here. They are imported on first use, so
that ``import nounkit`` (and every ``nounkit`` command) pays only for what it
touches: checking nouns needs neither pydantic's model machinery nor storage.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.config import Config
    from nounkit.errors import (
        AmbiguousAction,
        Conflict,
        DefinitionError,
        FieldError,
        Forbidden,
        HandlerError,
        HandlerMissing,
        NotFound,
        NounkitError,
        Problem,
        QueryError,
        StorageError,
        TransitionNotAllowed,
        UnknownAction,
        UnknownEvent,
        ValidationError,
    )
    from nounkit.jsonld.errors import JsonLdError
    from nounkit.language.spec import (
        ActionDef,
        LifecycleDef,
        Location,
        NounDef,
        PropertyDef,
        RelationshipDef,
        RuleDef,
        TransitionDef,
    )
    from nounkit.registry import Registry

__version__ = "0.1.0"

_WHERE = {
    "Config": "nounkit.config",
    "JsonLdError": "nounkit.jsonld.errors",
    "Registry": "nounkit.registry",
    **dict.fromkeys(
        (
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
        ),
        "nounkit.errors",
    ),
    **dict.fromkeys(
        (
            "ActionDef",
            "LifecycleDef",
            "Location",
            "NounDef",
            "PropertyDef",
            "RelationshipDef",
            "RuleDef",
            "TransitionDef",
        ),
        "nounkit.language.spec",
    ),
}

__all__ = [
    "ActionDef",
    "AmbiguousAction",
    "Config",
    "Conflict",
    "DefinitionError",
    "FieldError",
    "Forbidden",
    "HandlerError",
    "HandlerMissing",
    "JsonLdError",
    "LifecycleDef",
    "Location",
    "NotFound",
    "NounDef",
    "NounkitError",
    "Problem",
    "PropertyDef",
    "QueryError",
    "Registry",
    "RelationshipDef",
    "RuleDef",
    "StorageError",
    "TransitionDef",
    "TransitionNotAllowed",
    "UnknownAction",
    "UnknownEvent",
    "ValidationError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'nounkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
