"""Typed Python source: one pydantic class per noun.

Every field is written as the annotation the compiler builds,
``Annotated[<python type>, Value(kind, **constraints)]`` with the same
``nounkit.compiler.fields.Value`` (from the same ``value_options``), so a
generated class accepts exactly what the compiled model accepts. Writing the
source imports no pydantic: only the generated module does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nounkit.compiler.names import python_names
from nounkit.language.spec import NounDef, PropertyDef, RelationshipDef
from nounkit.language.types import PYTHON_TYPES, value_options

__all__ = ["python_module"]

_VALUE_OPTIONS = ("ge", "le", "gt", "lt", "min_length", "max_length", "pattern", "enum")

# Every imported or builtin name the classes use, and its qualified form for modules where a
# property's own name would shadow it inside a class body (a property called `date` or
# `Field`). Property names never start with "_", so the qualified forms cannot clash.
_QUALIFIED = {
    "str": "_b.str",
    "int": "_b.int",
    "float": "_b.float",
    "bool": "_b.bool",
    "list": "_b.list",
    "date": "_dt.date",
    "datetime": "_dt.datetime",
    "Annotated": "_t.Annotated",
    "Literal": "_t.Literal",
    "BaseModel": "_p.BaseModel",
    "Field": "_p.Field",
    "JsonValue": "_p.JsonValue",
    "Strict": "_p.Strict",
    "Value": "_nk.Value",
    "ENTITY_CONFIG": "_nk.ENTITY_CONFIG",
}
_NAME = re.compile(r"\b(" + "|".join(_QUALIFIED) + r")\b")


def _n(code: str) -> str:
    """Mark the names in a piece of code, to be written plain or qualified at the end."""
    return _NAME.sub(lambda m: f"\x00{m[1]}\x00", code)


def _value_annotation(prop: PropertyDef) -> str:
    """``Annotated[<python type>, Value(...)]``: the very annotation the compiler builds."""
    options = value_options(prop)
    arguments = [repr(options["kind"])]
    arguments += [f"{name}={options[name]!r}" for name in _VALUE_OPTIONS if name in options]
    base = PYTHON_TYPES[prop.type]
    if prop.enum is not None and base == "str":
        base = "Literal[" + ", ".join(repr(v) for v in prop.enum) + "]"
    return _n(f"Annotated[{base}, Value(") + ", ".join(arguments) + ")]"


def _property_line(name: str, python: str, prop: PropertyDef) -> str:
    annotation = _value_annotation(prop)
    if prop.array:
        annotation = _n("Annotated[list[") + annotation + _n("], Strict()]")
    options: dict[str, str] = {}
    if prop.optional or prop.computed is not None:
        annotation += " | None"
    if prop.has_default:
        if isinstance(prop.default, list | dict):
            options["default_factory"] = f"lambda: {prop.default!r}"
        else:
            options["default"] = repr(prop.default)
    elif prop.optional or prop.computed is not None:
        options["default"] = "None"
    return _line(name, python, annotation, options, prop.description, list(prop.examples))


def _relationship_line(
    name: str, python: str, rel: RelationshipDef, nouns: Mapping[str, NounDef]
) -> str:
    target = nouns.get(rel.target)
    ident = (
        _value_annotation(target.properties["id"])
        if target is not None
        else _n("Annotated[str, Value('string')]")  # an external noun: ids are strings
    )
    options: dict[str, str] = {}
    if rel.many:
        annotation = _n("Annotated[list[") + ident + _n("], Strict()]")
        if rel.required:
            options["min_length"] = "1"
        else:
            options["default_factory"] = _n("list")
    elif rel.required:
        annotation = ident
    else:
        annotation = f"{ident} | None"
        options["default"] = "None"
    description = rel.description or f"Id of the {rel.target}"
    return _line(name, python, annotation, options, f"{description} ({rel.type})", [])


def _line(
    name: str,
    python: str,
    annotation: str,
    options: dict[str, str],
    description: str | None,
    examples: list[Any],
) -> str:
    if python != name:
        options["alias"] = repr(name)
    if description:
        options["description"] = repr(description)
    if examples:
        options["examples"] = repr(examples)
    arguments = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"    {python}: {annotation} = " + _n("Field(") + arguments + ")"


def _docstring(text: str, indent: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'{indent}"""{body}"""'


def python_module(nouns: Mapping[str, NounDef]) -> str:
    """The source of a module with one pydantic class per noun."""
    body: list[str] = []
    for noun in nouns.values():
        body += ["", "", f"class {noun.name}(" + _n("BaseModel") + "):"]
        body.append(_docstring(noun.description or f"A {noun.singular}.", "    "))
        body += ["", "    model_config = " + _n("ENTITY_CONFIG"), ""]
        attributes = python_names([*noun.properties, *noun.relationships])
        body += [
            _property_line(name, attributes[name], prop) for name, prop in noun.properties.items()
        ]
        body += [
            _relationship_line(name, attributes[name], rel, nouns)
            for name, rel in noun.relationships.items()
        ]
    text = "\n".join(body)
    every_attribute = {
        a
        for noun in nouns.values()
        for a in python_names([*noun.properties, *noun.relationships]).values()
    }
    used = sorted(set(re.findall("\x00(\\w+)\x00", text)))
    qualified = bool(every_attribute & set(_QUALIFIED))
    text = re.sub("\x00(\\w+)\x00", lambda m: _QUALIFIED[m[1]] if qualified else m[1], text)
    head = [
        '"""Pydantic models of the nouns: ' + ", ".join(nouns) + ".",
        "",
        "Generated by `nounkit codegen python`; do not edit: change the noun files and",
        "generate again. Validation matches nounkit's compiled models exactly.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if qualified:
        head += [
            "import builtins as _b",
            "import datetime as _dt",
            "import typing as _t",
            "",
            "import pydantic as _p",
            "",
            "from nounkit.compiler import fields as _nk",
        ]
    else:
        stdlib = [("datetime", ("date", "datetime")), ("typing", ("Annotated", "Literal"))]
        for module, names in stdlib:
            found = [n for n in names if n in used]
            if found:
                head.append(f"from {module} import {', '.join(found)}")
        pydantic_names = [n for n in ("BaseModel", "Field", "JsonValue", "Strict") if n in used]
        head += ["", f"from pydantic import {', '.join(pydantic_names)}", ""]
        nounkit_names = [n for n in ("ENTITY_CONFIG", "Value") if n in used]
        head.append(f"from nounkit.compiler.fields import {', '.join(nounkit_names)}")
    head += ["", "__all__ = [" + ", ".join(repr(n) for n in nouns) + "]"]
    return "\n".join(head) + "\n" + text + "\n"
