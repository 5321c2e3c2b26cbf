"""Each property's Python attribute name, the same in compiled models and generated code.

A property named like a Python keyword or like an attribute of pydantic's
``BaseModel`` (``json``, ``model_dump``) gets a trailing ``_`` and keeps its own name
as the alias. The attributes are listed here rather than read off ``BaseModel``, so
that ``nounkit codegen python`` never imports pydantic; a test holds the list to the
installed pydantic's ``BaseModel``, so a release that adds one fails CI.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable

__all__ = ["BASEMODEL_ATTRIBUTES", "python_names"]

# Public attributes of pydantic 2's BaseModel (its own and its metaclass's): a field of
# one of these names would shadow it. Names starting with "_" are no noun's properties.
BASEMODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "model_computed_fields",
        "model_config", "model_construct", "model_copy", "model_dump", "model_dump_json",
        "model_extra", "model_fields", "model_fields_set", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings", "mro", "parse_file", "parse_obj",
        "parse_raw", "register", "schema", "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip


def _reserved(name: str) -> bool:
    return keyword.iskeyword(name) or name in BASEMODEL_ATTRIBUTES


def python_names(names: Iterable[str]) -> dict[str, str]:
    """Each property's Python attribute: its own name, unless that is a keyword or would
    shadow pydantic; then the name with trailing ``_`` until no other property has it."""
    ordered = list(names)
    chosen = {name: name for name in ordered if not _reserved(name)}
    used = set(chosen.values())
    for name in ordered:
        if name not in chosen:
            candidate = f"{name}_"
            while candidate in used or _reserved(candidate):
                candidate += "_"
            chosen[name] = candidate
            used.add(candidate)
    return {name: chosen[name] for name in ordered}
