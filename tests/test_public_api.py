"""The public surface of ``nounkit``: what ``from nounkit import ...`` offers."""

from __future__ import annotations

import importlib
import importlib.resources
import inspect
import subprocess
import sys

import pytest

import nounkit
from nounkit.errors import NounkitError

PUBLIC = [
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

# Every error DESIGN.md names.
ERRORS = [
    "NounkitError",
    "DefinitionError",
    "ValidationError",
    "NotFound",
    "Conflict",
    "TransitionNotAllowed",
    "HandlerMissing",
    "UnknownAction",
    "AmbiguousAction",
    "Forbidden",
    "QueryError",
    "StorageError",
    "HandlerError",
    "UnknownEvent",
]
# Errors of the extensions, defined beside them (nounkit.jsonld.errors).
EXTENSION_ERRORS = ["JsonLdError"]


def test_all_is_pinned() -> None:
    assert sorted(nounkit.__all__) == PUBLIC
    assert len(set(nounkit.__all__)) == len(nounkit.__all__)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_importable(name: str) -> None:
    assert getattr(nounkit, name) is not None
    namespace: dict[str, object] = {}
    exec(f"from nounkit import {name}", namespace)
    assert namespace[name] is getattr(nounkit, name)


def test_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from nounkit import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == PUBLIC


def test_version_is_a_string() -> None:
    assert isinstance(nounkit.__version__, str)
    assert nounkit.__version__.count(".") >= 2


@pytest.mark.parametrize("name", ERRORS)
def test_every_design_error_is_public(name: str) -> None:
    assert name in nounkit.__all__
    error = getattr(nounkit, name)
    assert issubclass(error, NounkitError)


def test_every_public_exception_derives_from_nounkit_error() -> None:
    exceptions = [
        getattr(nounkit, name)
        for name in nounkit.__all__
        if inspect.isclass(getattr(nounkit, name))
        and issubclass(getattr(nounkit, name), BaseException)
    ]
    assert sorted(e.__name__ for e in exceptions) == sorted(ERRORS + EXTENSION_ERRORS)
    for exception in exceptions:
        assert issubclass(exception, NounkitError), exception
        assert issubclass(exception, Exception)


def test_every_exception_in_errors_module_is_public() -> None:
    errors = importlib.import_module("nounkit.errors")
    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == "nounkit.errors"
    }
    assert defined == set(ERRORS)
    assert defined <= set(nounkit.__all__)


def test_lookup_errors_are_also_lookup_errors() -> None:
    # Callers that catch the standard exceptions keep working.
    assert issubclass(nounkit.NotFound, LookupError)
    assert issubclass(nounkit.ValidationError, ValueError)
    assert issubclass(nounkit.QueryError, ValueError)
    assert issubclass(nounkit.Forbidden, PermissionError)


def test_py_typed_ships_in_the_package() -> None:
    marker = importlib.resources.files("nounkit") / "py.typed"
    assert marker.is_file()
    assert marker.read_bytes().strip() == b""


def test_importing_nounkit_has_no_side_effects_on_output() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import nounkit; print(len(nounkit.__all__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(len(PUBLIC))
    assert done.stderr == ""
