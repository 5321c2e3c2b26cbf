"""A definition cannot declare a value its own model refuses, nor refuse one it takes.

Defaults, examples and enum values are checked at load with the validator the
compiled model runs (``nounkit.language.types.core_schema``). Hypothesis draws a
property (a type and constraints) and a value: the loader takes the value as
the property's default exactly when the compiled model takes it as the
property's value, and the same for an example.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_definitions_hypothesis import dump, json_values

from nounkit.compiler.models import compile_model
from nounkit.errors import DefinitionError, ValidationError
from nounkit.language.loader import check_documents
from nounkit.language.yamlsource import read_yaml

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TYPES = ["string", "text", "number", "integer", "boolean", "date", "datetime", "json", "url"]
TYPES += ["email", "uuid"]
CANDIDATES = st.one_of(
    json_values,
    st.sampled_from(
        [
            "2024-02-29",
            "2024-02-30",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05",
            "https://example.com/a",
            "a@example.com",
            "123e4567-e89b-12d3-a456-426614174000",
            3.0,
            2.5,
            -1,
            "",
            "abc",
        ]
    ),
)


@st.composite
def properties(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(TYPES))
    spec: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        spec["optional"] = True
    if draw(st.integers(0, 4)) == 0:
        spec["array"] = True
    if kind in ("number", "integer") and draw(st.booleans()):
        low = draw(st.integers(-5, 5))
        spec[draw(st.sampled_from(["minimum", "exclusiveMinimum"]))] = low
        spec["maximum"] = low + draw(st.integers(1, 10))
    if kind in ("string", "text") and draw(st.booleans()):
        spec["maxLength"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            spec["pattern"] = draw(st.sampled_from(["^[a-z]+$", "b", "^$"]))
    if kind in ("string", "integer", "boolean") and draw(st.integers(0, 3)) == 0:
        spec["enum"] = {"string": ["abc", "x"], "integer": [1, 2, 3], "boolean": [True]}[kind]
        for key in ("maxLength", "pattern", "minimum", "exclusiveMinimum", "maximum"):
            spec.pop(key, None)  # an enum value must meet them too: keep the drawn spec valid
    return spec


def loads(spec: dict[str, Any]) -> bool:
    document = read_yaml(dump({"Thing": {"properties": {"p": spec}}}), "thing.yaml")
    try:
        check_documents([document])
    except DefinitionError:
        return False
    return True


def model_takes(spec: dict[str, Any], value: Any) -> bool:
    bare = {k: v for k, v in spec.items() if k not in ("default", "examples")}
    document = read_yaml(dump({"Thing": {"properties": {"p": bare}}}), "thing.yaml")
    noun = check_documents([document])["Thing"]
    try:
        compile_model(noun).model_validate_json(_json({"id": "t1", "p": value}))
    except ValidationError:
        return False
    return True


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


@SETTINGS
@given(properties(), CANDIDATES)
def test_a_default_loads_exactly_when_the_model_takes_it(spec: dict[str, Any], value: Any) -> None:
    assert loads(spec), spec
    assert loads({**spec, "default": value}) == model_takes(spec, value), (spec, value)


@SETTINGS
@given(properties(), CANDIDATES)
def test_an_example_loads_exactly_when_the_model_takes_it(spec: dict[str, Any], value: Any) -> None:
    assert loads(spec), spec
    # An example of a list may show the whole value or one item of it.
    takes = model_takes(spec, value) or (bool(spec.get("array")) and model_takes(spec, [value]))
    assert loads({**spec, "examples": [value]}) == takes, (spec, value)


@SETTINGS
@given(properties(), CANDIDATES)
def test_an_enum_value_loads_exactly_when_the_type_takes_it(
    spec: dict[str, Any], value: Any
) -> None:
    spec = {k: v for k, v in spec.items() if k not in ("enum", "array", "optional")}
    if spec["type"] not in ("string", "text", "number", "integer", "boolean", "uuid", "url"):
        return  # enum applies to these types only (NK301 otherwise)
    assert loads({**spec, "enum": [value]}) == model_takes(spec, value), (spec, value)


PLAIN_HITS: list[bool] = []


# More examples than the others: about 7% of draws plainly fit, and the count below
# must clear its bar on every run (300 draws gave 17 to 25 hits, around it).
@settings(SETTINGS, max_examples=1000)
@given(properties(), CANDIDATES, st.booleans())
def test_what_plainly_fits_the_validator_takes(
    spec: dict[str, Any], value: Any, whole: bool
) -> None:
    """The loader asks pydantic-core only when the value's JSON type does not settle it;
    when it does not ask, the loader's own validator of the property takes the value."""
    from nounkit.language.loader import _validator
    from nounkit.language.types import plainly_fits

    document = read_yaml(dump({"Thing": {"properties": {"p": spec}}}), "thing.yaml")
    prop = check_documents([document])["Thing"].properties["p"]
    fits = plainly_fits(prop, value, whole=whole)
    PLAIN_HITS.append(fits)
    if fits:
        _validator(prop, whole).validate_json(_json(value))  # raises if it refuses


def test_plainly_fits_answers_for_the_values_definitions_write() -> None:
    """Not a shortcut that never fires: it settles most of the catalog's values, and the
    generated ones above often enough to be tested."""
    test_what_plainly_fits_the_validator_takes()
    assert sum(PLAIN_HITS) >= 20, f"{sum(PLAIN_HITS)} of {len(PLAIN_HITS)}"
