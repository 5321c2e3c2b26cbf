"""Typed Python source: one pydantic class per noun and per value type, a ``StrEnum``
per enum.

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
from nounkit.language.spec import EnumDef, NounDef, PropertyDef, RelationshipDef, ValueDef
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
    "AfterValidator": "_p.AfterValidator",
    "BeforeValidator": "_p.BeforeValidator",
    "StrEnum": "_e.StrEnum",
    "Value": "_nk.Value",
    "ENTITY_CONFIG": "_nk.ENTITY_CONFIG",
    "distinct": "_nk.distinct",
}
_PYDANTIC_NAMES = ("AfterValidator", "BaseModel", "BeforeValidator", "Field", "JsonValue", "Strict")
_NAME = re.compile(r"\b(" + "|".join(_QUALIFIED) + r")\b")


def _n(code: str) -> str:
    """Mark the names in a piece of code, to be written plain or qualified at the end."""
    return _NAME.sub(lambda m: f"\x00{m[1]}\x00", code)


def _t(name: str) -> str:
    """Mark a reference to a value type or enum class, written plain or by its alias at
    the end (a property named like the type would shadow it in a class body)."""
    return f"\x01{name}\x01"


def _value_annotation(prop: PropertyDef) -> str:
    """``Annotated[<python type>, Value(...)]``: the very annotation the compiler builds."""
    options = value_options(prop)
    arguments = [repr(options["kind"])]
    arguments += [f"{name}={options[name]!r}" for name in _VALUE_OPTIONS if name in options]
    base = PYTHON_TYPES[prop.type]
    if prop.ref is not None:
        # The enum's class: validated as the compiled model validates it, then made a member.
        return (
            _n("Annotated[")
            + _t(prop.ref)
            + _n(", Value(")
            + ", ".join(arguments)
            + _n("), AfterValidator(")
            + _t(prop.ref)
            + ")]"
        )
    if prop.enum is not None and base == "str":
        base = "Literal[" + ", ".join(repr(v) for v in prop.enum) + "]"
    return _n(f"Annotated[{base}, Value(") + ", ".join(arguments) + ")]"


def _property_line(name: str, python: str, prop: PropertyDef) -> str:
    annotation = _t(prop.ref) if prop.is_value and prop.ref else _value_annotation(prop)
    options: dict[str, str] = {}
    if prop.array:
        annotation = _n("Annotated[list[") + annotation + _n("], Strict()]")
        if prop.unique_items:
            annotation = _n("Annotated[") + annotation + _n(", BeforeValidator(distinct)]")
        if prop.min_items is not None:
            options["min_length"] = repr(prop.min_items)
        if prop.max_items is not None:
            options["max_length"] = repr(prop.max_items)
    if prop.optional or prop.computed is not None:
        annotation += " | None"
    if prop.has_default and prop.ref is not None and not prop.is_value:
        # An enum's default as its member, so the field's type holds: PlanTier('free').
        if isinstance(prop.default, list):
            members = ", ".join(f"{_t(prop.ref)}({v!r})" for v in prop.default)
            options["default_factory"] = f"lambda: [{members}]"
        elif prop.default is not None:
            options["default"] = f"{_t(prop.ref)}({prop.default!r})"
        else:
            options["default"] = "None"
    elif prop.has_default:
        if prop.is_value:
            options["validate_default"] = "True"
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


def _member(value: str, taken: set[str]) -> str:
    """An enum value as a member name: ``growth`` -> ``GROWTH``, ``pay-as-you-go`` ->
    ``PAY_AS_YOU_GO``; a number is added when two values would share one."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", value).strip("_").upper() or "VALUE"
    if name[0].isdigit():
        name = f"V_{name}"
    found, number = name, 1
    while found in taken or found in ("NAME", "VALUE_"):
        number += 1
        found = f"{name}_{number}"
    taken.add(found)
    return found


def _enum_class(definition: EnumDef) -> list[str]:
    lines = ["", "", f"class {definition.name}(" + _n("StrEnum") + "):"]
    lines.append(_docstring(definition.description or f"The values of {definition.name}.", "    "))
    lines.append("")
    taken: set[str] = set()
    for value in definition.values:
        lines.append(f"    {_member(value.value, taken)} = {value.value!r}")
        if value.description:
            lines.append(_docstring(value.description, "    "))
    return [*lines, f"\x02{definition.name}\x02"]


def _value_class(definition: ValueDef) -> list[str]:
    lines = ["", "", f"class {definition.name}(" + _n("BaseModel") + "):"]
    lines.append(_docstring(definition.description or f"A {definition.name} value.", "    "))
    lines += ["", "    model_config = " + _n("ENTITY_CONFIG"), ""]
    attributes = python_names(list(definition.properties))
    lines += [
        _property_line(name, attributes[name], prop) for name, prop in definition.properties.items()
    ]
    if not definition.properties:
        lines.append("    pass")
    return [*lines, f"\x02{definition.name}\x02"]


def python_module(nouns: Mapping[str, NounDef]) -> str:
    """The source of a module with one pydantic class per noun and per value type, and
    a ``StrEnum`` per enum."""
    body: list[str] = []
    types = {name: t for noun in nouns.values() for name, t in noun.types.items()}
    for name in sorted(types):
        definition = types[name]
        body += _enum_class(definition) if isinstance(definition, EnumDef) else []
    for name in sorted(types):
        definition = types[name]
        body += _value_class(definition) if isinstance(definition, ValueDef) else []
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
    } | {
        a
        for t in types.values()
        if isinstance(t, ValueDef)
        for a in python_names(list(t.properties)).values()
    }
    # A property named like a value type or enum would shadow its class inside a class
    # body: then every reference goes through a module-level alias, _nkt_<Name>.
    shadowed = bool(every_attribute & set(types))
    text = re.sub(
        "\x01(\\w+)\x01", (lambda m: f"_nkt_{m[1]}") if shadowed else (lambda m: m[1]), text
    )
    text = re.sub(
        "\n\x02(\\w+)\x02",
        (lambda m: f"\n\n\n_nkt_{m[1]} = {m[1]}") if shadowed else (lambda m: ""),
        text,
    )
    used = sorted(set(re.findall("\x00(\\w+)\x00", text)))
    # A property, value type or noun named like an imported name would shadow it.
    qualified = bool((every_attribute | set(types) | set(nouns)) & set(_QUALIFIED))
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
            "import enum as _e",
            "import typing as _t",
            "",
            "import pydantic as _p",
            "",
            "from nounkit.compiler import fields as _nk",
        ]
    else:
        stdlib = [
            ("datetime", ("date", "datetime")),
            ("enum", ("StrEnum",)),
            ("typing", ("Annotated", "Literal")),
        ]
        for module, names in stdlib:
            found = [n for n in names if n in used]
            if found:
                head.append(f"from {module} import {', '.join(found)}")
        pydantic_names = [n for n in _PYDANTIC_NAMES if n in used]
        head += ["", f"from pydantic import {', '.join(pydantic_names)}", ""]
        nounkit_names = [n for n in ("ENTITY_CONFIG", "Value", "distinct") if n in used]
        head.append(f"from nounkit.compiler.fields import {', '.join(nounkit_names)}")
    head += ["", "__all__ = [" + ", ".join(repr(n) for n in [*nouns, *sorted(types)]) + "]"]
    return "\n".join(head) + "\n" + text + "\n"
