"""nounkit: nouns declared in YAML, compiled into validated models and behaviour."""

from nounkit.config import Config
from nounkit.errors import (
    AmbiguousAction,
    Conflict,
    DefinitionError,
    FieldError,
    Forbidden,
    HandlerMissing,
    NotFound,
    NounkitError,
    Problem,
    QueryError,
    StorageError,
    TransitionNotAllowed,
    UnknownAction,
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

__all__ = [
    "ActionDef",
    "AmbiguousAction",
    "Config",
    "Conflict",
    "DefinitionError",
    "FieldError",
    "Forbidden",
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
    "ValidationError",
    "__version__",
]
