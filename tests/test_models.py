"""The compiled pydantic models: every type, constraint and relationship of the noun
language, read with JSON's own types, and the same verdict as the JSON Schema fragment
of each property (``nounkit.language.types.property_schema``) under jsonschema with its
format checker.
"""

from __future__ import annotations

import functools
import json
import textwrap
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from nounkit import DefinitionError, NotFound, Registry, ValidationError
from nounkit.compiler.fields import EXPECTED
from nounkit.compiler.models import Entity
from nounkit.errors import FieldError
from nounkit.language import types
from nounkit.language.loader import check_documents
from nounkit.language.yamlsource import read_yaml


def registry(text: str) -> Registry:
    """A registry of nouns written inline."""
    document = read_yaml(textwrap.dedent(text).lstrip("\n"), "inline.yaml")
    return Registry(check_documents([document]))


def rejected(model: type[Entity], data: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value


def paths(error: ValidationError) -> list[str]:
    return [e.path for e in error.errors]


SAMPLE = """
Sample:
  description: A noun with one property of every kind
  properties:
    id:        {type: string}
    name:      {type: string, minLength: 2, maxLength: 10}
    code:      {type: string, optional: true, pattern: "[0-9]{3}"}
    summary:   {type: text, optional: true}
    notes:     {type: markdown, optional: true}
    price:     {type: number, optional: true, minimum: 0, maximum: 1000}
    ratio:     {type: number, optional: true, exclusiveMinimum: 0, exclusiveMaximum: 1}
    count:     {type: integer, optional: true, minimum: 1, maximum: 10}
    active:    {type: boolean, optional: true}
    born:      {type: date, optional: true}
    seenAt:    {type: datetime, optional: true}
    stampedAt: {type: timestamp, optional: true}
    extra:     {type: json, optional: true}
    homepage:  {type: url, optional: true}
    email:     {type: email, optional: true}
    ref:       {type: uuid, optional: true}
    tags:      {type: string, array: true, optional: true, maxLength: 5}
    scores:    {type: integer, array: true, default: []}
    settings:  {type: json, default: {theme: dark, sizes: [1, 2]}}
    level:     {type: string, enum: [low, high], default: low}
    size:      {type: integer, enum: [1, 2, 3], optional: true}
    flag:      {type: boolean, enum: [true], optional: true}
    weight:    {type: number, enum: [0, 2.5], optional: true}
  relationships:
    owner:   {type: Person, description: Who owns it}
    partner: {type: Person, required: false}
    friends: {type: "Person[]"}

Person:
  properties:
    name: {type: string}
"""

UUID = "123e4567-e89b-12d3-a456-426614174000"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return registry(SAMPLE)


@pytest.fixture(scope="module")
def Sample(reg: Registry) -> type[Entity]:
    return reg.model("Sample")


def base(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": "s1", "name": "widget", "owner": "p1"}
    data.update(changes)
    return data


# -- the model itself --------------------------------------------------------------------------


def test_model_is_an_entity_named_after_the_noun(reg: Registry, Sample: type[Entity]) -> None:
    assert issubclass(Sample, Entity)
    assert Sample.__name__ == "Sample"
    assert Sample.__doc__ == "A noun with one property of every kind"
    assert Sample.__noun__ is reg.nouns["Sample"]


def test_models_are_built_once_and_cached(reg: Registry) -> None:
    assert reg.model("Sample") is reg.model("Sample")
    assert reg.model("Person") is reg.model("Person")
    assert reg.model("Sample") is not reg.model("Person")


def test_unknown_noun_is_not_found_with_a_suggestion(reg: Registry) -> None:
    with pytest.raises(NotFound, match=r"no noun named 'Sampel'; did you mean 'Sample'\?"):
        reg.model("Sampel")
    with pytest.raises(NotFound, match="no noun named 'Nope'") as caught:
        reg.model("Nope")
    assert "did you mean" not in str(caught.value)


def test_a_noun_without_an_id_gets_a_required_string_id(reg: Registry) -> None:
    Person = reg.model("Person")
    assert Person(id="p1", name="Ada").id == "p1"
    assert paths(rejected(Person, {"name": "Ada"})) == ["id"]
    assert paths(rejected(Person, {"id": 7, "name": "Ada"})) == ["id"]


def test_a_minimal_instance_gets_every_default(Sample: type[Entity]) -> None:
    entity = Sample(**base())
    assert entity.model_dump() == {
        "id": "s1",
        "name": "widget",
        "code": None,
        "summary": None,
        "notes": None,
        "price": None,
        "ratio": None,
        "count": None,
        "active": None,
        "born": None,
        "seenAt": None,
        "stampedAt": None,
        "extra": None,
        "homepage": None,
        "email": None,
        "ref": None,
        "tags": None,
        "scores": [],
        "settings": {"theme": "dark", "sizes": [1, 2]},
        "level": "low",
        "size": None,
        "flag": None,
        "weight": None,
        "owner": "p1",
        "partner": None,
        "friends": [],
    }


def test_a_full_instance_round_trips_through_json(Sample: type[Entity]) -> None:
    data = base(
        code="A-123",
        summary="plain text",
        notes="# Heading\n\n*markdown*",
        price=19.99,
        ratio=0.5,
        count=3,
        active=False,
        born="1990-02-28",
        seenAt="2024-05-01T12:30:00.250+02:00",
        stampedAt="2024-05-01T10:30:00Z",
        extra={"nested": [1, "two", None, {"x": True}]},
        homepage="https://example.com/path?q=1",
        email="ada@example.com",
        ref=UUID,
        tags=["a", "bb"],
        scores=[1, 2, 3],
        settings={"theme": "light"},
        level="high",
        size=2,
        flag=True,
        weight=2.5,
        partner="p2",
        friends=["p3", "p4"],
    )
    entity = Sample.model_validate(data)
    assert entity.born == date(1990, 2, 28)
    assert entity.seenAt == datetime(2024, 5, 1, 10, 30, 0, 250000, tzinfo=UTC)
    assert entity.seenAt.utcoffset() == timedelta(hours=2)
    assert entity.stampedAt == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    text = entity.model_dump_json()
    again = Sample.model_validate_json(text)
    assert again == entity
    assert again.model_dump_json() == text
    dumped = json.loads(text)
    assert dumped["born"] == "1990-02-28"
    assert datetime.fromisoformat(dumped["seenAt"]) == entity.seenAt
    assert {k: v for k, v in dumped.items() if k not in ("born", "seenAt", "stampedAt")} == {
        k: v for k, v in data.items() if k not in ("born", "seenAt", "stampedAt")
    }


def test_model_validate_json_reads_the_same_rules(Sample: type[Entity]) -> None:
    good = Sample.model_validate_json(json.dumps(base(price=5, born="2024-01-31")))
    assert good.price == 5
    assert good.born == date(2024, 1, 31)
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate_json(json.dumps(base(price="2500", active=1)))
    error = caught.value
    assert error.noun == "Sample"
    assert sorted(paths(error)) == ["active", "price"]
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate_json("{not json")
    assert caught.value.noun == "Sample"


# -- every type: accepted values ---------------------------------------------------------------

GOOD: list[tuple[str, Any, Any]] = [
    ("name", "ab", "ab"),
    ("name", "ten chars!", "ten chars!"),
    ("summary", "", ""),
    ("summary", "line\nbreak", "line\nbreak"),
    ("notes", "**bold**", "**bold**"),
    ("price", 0, 0),
    ("price", 1000, 1000),
    ("price", 2.5, 2.5),
    ("ratio", 0.0001, 0.0001),
    ("ratio", 0.9999, 0.9999),
    ("count", 1, 1),
    ("count", 3.0, 3),  # JSON Schema counts 3.0 as an integer
    ("count", 10, 10),
    ("active", True, True),
    ("active", False, False),
    ("born", "2024-02-29", date(2024, 2, 29)),
    ("born", date(2020, 1, 2), date(2020, 1, 2)),
    ("seenAt", "2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
    ("seenAt", "2024-01-01t00:00:00z", datetime(2024, 1, 1, tzinfo=UTC)),
    (
        "seenAt",
        "2024-01-01T05:30:00+05:30",
        datetime(2024, 1, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ),
    ("seenAt", "2024-01-01T00:00:00.123456789-01:00", datetime(2024, 1, 1, 1, 0, 0, 123456, UTC)),
    ("seenAt", datetime(2024, 1, 1, 12, tzinfo=UTC), datetime(2024, 1, 1, 12, tzinfo=UTC)),
    ("stampedAt", "1999-12-31T23:59:59Z", datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("extra", None, None),
    ("extra", 0, 0),
    ("extra", "text", "text"),
    ("extra", [1, [2, {"a": None}]], [1, [2, {"a": None}]]),
    ("extra", {"deep": {"er": [True, 1.5]}}, {"deep": {"er": [True, 1.5]}}),
    ("homepage", "https://example.com", "https://example.com"),
    ("homepage", "ftp://files.example.org/a%20b", "ftp://files.example.org/a%20b"),
    ("email", "first.last+tag@sub.example.co", "first.last+tag@sub.example.co"),
    ("ref", UUID, UUID),
    ("ref", UUID.upper(), UUID.upper()),
    ("tags", [], []),
    ("tags", ["a", "bcdef"], ["a", "bcdef"]),
    ("scores", [0, -5, 7.0], [0, -5, 7]),
    ("level", "high", "high"),
    ("size", 3, 3),
    ("size", 1.0, 1),
    ("flag", True, True),
    ("weight", 0, 0),
    ("weight", 2.5, 2.5),
]


@pytest.mark.parametrize(("field", "value", "expected"), GOOD)
def test_accepted_values(Sample: type[Entity], field: str, value: Any, expected: Any) -> None:
    entity = Sample.model_validate(base(**{field: value}))
    got = getattr(entity, field)
    assert got == expected
    assert type(got) is type(expected)


def test_a_naive_datetime_object_is_read_as_utc(Sample: type[Entity]) -> None:
    entity = Sample(**base(seenAt=datetime(2024, 3, 1, 8, 15)))
    assert entity.seenAt == datetime(2024, 3, 1, 8, 15, tzinfo=UTC)
    assert entity.seenAt.tzinfo is not None
    assert entity.seenAt.utcoffset() == timedelta(0)


def test_an_aware_datetime_keeps_its_offset(Sample: type[Entity]) -> None:
    zone = timezone(timedelta(hours=-7))
    entity = Sample(**base(seenAt=datetime(2024, 3, 1, 8, 15, tzinfo=zone)))
    assert entity.seenAt.utcoffset() == timedelta(hours=-7)
    assert json.loads(entity.model_dump_json())["seenAt"] == "2024-03-01T08:15:00-07:00"


# -- every type: refused values ----------------------------------------------------------------

BAD: list[tuple[str, Any]] = [
    # strings are strings: no numbers, booleans or lists turned into text
    ("name", 12345),
    ("name", True),
    ("name", ["widget"]),
    ("name", b"widget"),
    ("summary", 1.5),
    ("notes", {"md": "x"}),
    # lengths
    ("name", "a"),
    ("name", "eleven char"),
    ("tags", ["toolong"]),
    # pattern (searched, not anchored: "A-123" passes, these do not)
    ("code", "12-3"),
    ("code", "abc"),
    # numbers are numbers: no strings, no booleans
    ("price", "2500"),
    ("price", "1e3"),
    ("price", True),
    ("price", False),
    ("price", [1]),
    ("price", -0.01),
    ("price", float("inf")),
    ("price", float("nan")),
    ("ratio", float("-inf")),
    ("price", 1000.5),
    ("ratio", 0),
    ("ratio", 1),
    ("ratio", 1.5),
    # integers are whole
    ("count", 3.5),
    ("count", True),
    ("count", "3"),
    ("count", 0),
    ("count", 11),
    ("count", 10.5),
    # booleans are true or false: not "yes", 1 or 0
    ("active", "yes"),
    ("active", "true"),
    ("active", 1),
    ("active", 0),
    ("active", 1.0),
    # dates: YYYY-MM-DD or a date object; not a number, not an instant
    ("born", 0),
    ("born", 20240101),
    ("born", "2024-01-01T00:00:00Z"),
    ("born", datetime(2024, 1, 1)),
    ("born", datetime(2024, 1, 1, tzinfo=UTC)),
    ("born", "2024-02-30"),
    ("born", "2023-02-29"),
    ("born", "2024-1-01"),
    ("born", "20240101"),
    ("born", "2024-01-01\n"),
    ("born", "0000-01-01"),
    ("born", "\uff12\uff10\uff12\uff14-01-01"),  # full-width digits are not ASCII digits
    ("born", True),
    # datetimes: RFC 3339 with an offset; not a date, not a number
    ("seenAt", "2024-01-01"),
    ("seenAt", "2024-01-01T00:00:00"),
    ("seenAt", "2024-01-01 00:00:00Z"),
    ("seenAt", "2024-01-01T24:00:00Z"),
    ("seenAt", "2024-01-01T23:59:60Z"),
    ("seenAt", "2024-02-30T00:00:00Z"),
    ("seenAt", "0000-01-01T00:00:00Z"),
    ("seenAt", "2024-01-01T00:00:00+24:00"),
    ("seenAt", "\uff12\uff10\uff12\uff14-01-01T00:00:00Z"),
    ("seenAt", 1704067200),
    ("seenAt", 0),
    ("seenAt", date(2024, 1, 1)),
    ("stampedAt", "yesterday"),
    # json: any JSON value, but only JSON values
    ("extra", (1, 2)),
    ("extra", {1: "a"}),
    ("extra", {"a": {1, 2}}),
    ("extra", float("nan")),
    # formats
    ("homepage", "example.com"),
    ("homepage", "/relative/path"),
    ("homepage", "https://exa mple.com"),
    ("homepage", "http://"),
    ("email", "ada"),
    ("email", "ada@"),
    ("email", "@example.com"),
    ("email", "a b@example.com"),
    ("email", "ada@@example.com"),
    ("ref", "123e4567e89b12d3a456426614174000"),
    ("ref", "{" + UUID + "}"),
    ("ref", "urn:uuid:" + UUID),
    ("ref", UUID + "\n"),
    ("ref", UUID[:-1] + "g"),
    ("ref", 123),
    # enums: the declared values only, and True is not 1
    ("level", "medium"),
    ("level", "LOW"),
    ("size", 4),
    ("size", True),
    ("size", "1"),
    ("flag", False),
    ("flag", 1),
    ("weight", False),
    ("weight", 1),
    # arrays hold lists of valid items: not tuples, not bare items
    ("tags", "a"),
    ("tags", ("a", "b")),
    ("tags", {"a"}),
    ("scores", [1, "2"]),
    ("scores", [1, True]),
    ("scores", 5),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_refused_values(Sample: type[Entity], field: str, value: Any) -> None:
    error = rejected(Sample, base(**{field: value}))
    assert error.noun == "Sample"
    assert error.id == "s1"
    assert [p.split("[")[0] for p in paths(error)] == [field]
    assert f"Sample.{paths(error)[0]}" in str(error)


def test_refused_values_are_refused_by_the_schema_too(reg: Registry) -> None:
    # The BAD table above is not a matter of taste: JSON Schema refuses each JSON value in it.
    noun = reg.nouns["Sample"]
    checked = 0
    for field, value in BAD:
        try:
            is_json = json.loads(json.dumps(value)) == value and not isinstance(value, tuple)
        except (TypeError, ValueError):
            is_json = False
        if not is_json:
            continue  # not a JSON value (bytes, tuples, sets, dates, int keys): Python only
        checked += 1
        schema = types.property_schema(noun.properties[field])
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert not validator.is_valid(value), (field, value)
    assert checked > 80


# -- optional, required, defaults --------------------------------------------------------------


def test_optional_accepts_missing_and_null(Sample: type[Entity]) -> None:
    entity = Sample(**base(price=None, born=None, tags=None, partner=None))
    assert entity.price is None and entity.born is None and entity.tags is None
    assert Sample(**base()).code is None


@pytest.mark.parametrize("field", ["id", "name", "owner"])
def test_required_rejects_missing(Sample: type[Entity], field: str) -> None:
    data = base()
    del data[field]
    error = rejected(Sample, data)
    assert error.errors == [FieldError(field, "required", None)]
    assert f"Sample.{field}: required" in str(error)


@pytest.mark.parametrize("field", ["id", "name", "owner"])
def test_required_rejects_null(Sample: type[Entity], field: str) -> None:
    error = rejected(Sample, base(**{field: None}))
    assert paths(error) == [field]


def test_a_property_with_a_default_need_not_be_given_but_is_not_nullable(
    Sample: type[Entity],
) -> None:
    assert Sample(**base()).level == "low"
    assert paths(rejected(Sample, base(level=None))) == ["level"]
    assert paths(rejected(Sample, base(scores=None))) == ["scores"]


def test_every_error_is_reported_at_once(Sample: type[Entity]) -> None:
    error = rejected(Sample, {"name": 5, "price": "2500", "active": "yes", "tags": [1]})
    assert sorted(paths(error)) == ["active", "id", "name", "owner", "price", "tags[0]"]
    assert error.id is None
    assert "Sample: 6 invalid values" in str(error)


def test_mutable_defaults_are_not_shared(Sample: type[Entity]) -> None:
    first, second = Sample(**base()), Sample(**base())
    first.scores.append(1)
    first.settings["theme"] = "light"
    first.settings["sizes"].append(3)
    first.friends.append("p9")
    assert second.scores == []
    assert second.settings == {"theme": "dark", "sizes": [1, 2]}
    assert second.friends == []
    assert Sample(**base()).settings == {"theme": "dark", "sizes": [1, 2]}


def test_a_null_default_makes_the_property_nullable() -> None:
    reg = registry(
        """
        Box:
          properties:
            label: {type: string, optional: true, default: null}
        """
    )
    Box = reg.model("Box")
    assert Box(id="b").label is None
    assert Box(id="b", label=None).label is None
    assert Box(id="b", label="x").label == "x"


def test_a_value_given_replaces_the_default(Sample: type[Entity]) -> None:
    entity = Sample(**base(level="high", scores=[4], settings=[]))
    assert (entity.level, entity.scores, entity.settings) == ("high", [4], [])


# -- arrays ------------------------------------------------------------------------------------


def test_array_errors_name_the_item(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(tags=["a", "b", 3, "toolong"]))
    assert paths(error) == ["tags[2]", "tags[3]"]
    assert "Sample.tags[2]" in str(error)
    by_path = {e.path: e for e in error.errors}
    assert by_path["tags[2]"].value == 3
    assert by_path["tags[3]"].value == "toolong"


def test_an_array_is_not_a_tuple(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(scores=(1, 2)))
    assert paths(error) == ["scores"]
    assert error.errors[0].value == (1, 2)


# -- pattern semantics -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["123", "A-123", "x1234y", "000\n"])
def test_pattern_is_searched_like_json_schema(Sample: type[Entity], value: str) -> None:
    assert Sample(**base(code=value)).code == value


def test_pattern_is_read_by_python_re_as_jsonschema_reads_it() -> None:
    # Lookarounds work, and "$" matches before a final newline, as in jsonschema's re.search.
    reg = registry(
        """
        Account:
          properties:
            handle: {type: string, pattern: "^(?!admin)[a-z]+$"}
        """
    )
    Account = reg.model("Account")
    schema = types.property_schema(reg.nouns["Account"].properties["handle"])
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for value, accepted in [
        ("ada", True),
        ("ada\n", True),
        ("administrator", False),
        ("Ada", False),
    ]:
        assert validator.is_valid(value) is accepted
        if accepted:
            assert Account(id="a", handle=value).handle == value
        else:
            assert paths(rejected(Account, {"id": "a", "handle": value})) == ["handle"]


def test_pattern_error_names_the_pattern(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(code="12"))
    assert error.errors[0].path == "code"
    assert "[0-9]{3}" in error.errors[0].message


def test_a_format_with_its_own_pattern_checks_both() -> None:
    reg = registry(
        r"""
        Site:
          properties:
            page:  {type: url, pattern: "^https://"}
            admin: {type: email, pattern: "@example\\.com$", optional: true}
        """
    )
    Site = reg.model("Site")
    assert Site(id="s", page="https://a.example").page == "https://a.example"
    assert Site(id="s", page="https://a", admin="x@example.com").admin == "x@example.com"
    assert paths(rejected(Site, {"id": "s", "page": "http://a.example"})) == ["page"]
    assert paths(rejected(Site, {"id": "s", "page": "https//a.example"})) == ["page"]
    assert paths(rejected(Site, {"id": "s", "page": "https://a", "admin": "x@other.org"})) == [
        "admin"
    ]
    assert paths(rejected(Site, {"id": "s", "page": "https://a", "admin": "example.com"})) == [
        "admin"
    ]


# -- error messages ----------------------------------------------------------------------------


def test_error_messages_name_the_noun_the_field_and_the_expectation(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(price="2500", born=0, seenAt="2024-01-01", homepage="x"))
    by_path = {e.path: e for e in error.errors}
    assert by_path["price"] == FieldError("price", "expected a number", "2500")
    assert by_path["born"].message == "expected a calendar date YYYY-MM-DD"
    assert by_path["born"].value == 0
    assert "RFC 3339" in by_path["seenAt"].message
    assert "absolute URL" in by_path["homepage"].message
    text = str(error)
    assert text.startswith("Sample 's1': 4 invalid values:")
    assert "Sample.price: expected a number (got '2500')" in text
    assert "Sample.born: expected a calendar date YYYY-MM-DD (got 0)" in text


def test_a_broken_bound_is_reported_as_such(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(price=-1, count=11, name="a"))
    by_path = {e.path: e for e in error.errors}
    assert "greater than or equal to 0" in by_path["price"].message
    assert "less than or equal to 10" in by_path["count"].message
    assert "at least 2" in by_path["name"].message


def test_enum_error_lists_the_choices(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(level="medium", size=True))
    by_path = {e.path: e for e in error.errors}
    assert "'low'" in by_path["level"].message and "'high'" in by_path["level"].message
    assert by_path["size"].value is True


def test_an_unknown_field_is_refused_with_a_suggestion(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(prise=5))
    message = "unknown field: Sample has no property 'prise'; did you mean 'price'?"
    assert error.errors == [FieldError("prise", message, 5)]
    assert "Sample.prise: unknown field" in str(error)
    far = rejected(Sample, base(zzzzzzzz=1))
    assert far.errors[0].path == "zzzzzzzz"
    assert "did you mean" not in far.errors[0].message


def test_a_non_mapping_is_refused(Sample: type[Entity]) -> None:
    error = rejected(Sample, ["not", "a", "mapping"])
    assert error.noun == "Sample"
    assert error.id is None
    assert len(error.errors) == 1


def test_validation_error_is_a_value_error_and_a_nounkit_error(Sample: type[Entity]) -> None:
    from nounkit import NounkitError

    error = rejected(Sample, base(price="x"))
    assert isinstance(error, ValueError)
    assert isinstance(error, NounkitError)


def test_construction_raises_nounkit_validation_error(Sample: type[Entity]) -> None:
    with pytest.raises(ValidationError) as caught:
        Sample(id="s1", name="widget", owner="p1", price="2500")
    assert caught.value.id == "s1"
    assert paths(caught.value) == ["price"]


def test_registry_validate_uses_the_model(reg: Registry) -> None:
    entity = reg.validate("Sample", base())
    assert type(entity) is reg.model("Sample")
    with pytest.raises(ValidationError):
        reg.validate("Sample", base(active="yes"))


# -- relationships -----------------------------------------------------------------------------


def test_relationships_are_ids(Sample: type[Entity]) -> None:
    entity = Sample(**base(partner="p2", friends=["p3", "p4"]))
    assert (entity.owner, entity.partner, entity.friends) == ("p1", "p2", ["p3", "p4"])
    assert Sample(**base()).friends == []


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("owner", 42, "owner"),
        ("owner", {"id": "p1"}, "owner"),
        ("owner", ["p1"], "owner"),
        ("partner", 7, "partner"),
        ("friends", "p3", "friends"),
        ("friends", ["p3", 4], "friends[1]"),
        ("friends", ("p3",), "friends"),
        ("friends", None, "friends"),
    ],
)
def test_relationship_values_must_be_ids(
    Sample: type[Entity], field: str, value: Any, path: str
) -> None:
    error = rejected(Sample, base(**{field: value}))
    assert paths(error) == [path]


def test_relationship_errors_name_the_target(Sample: type[Entity]) -> None:
    error = rejected(Sample, base(owner=42, friends=["p3", 4]))
    by_path = {e.path: e for e in error.errors}
    assert by_path["owner"] == FieldError("owner", "expected an id (a string) of Person", 42)
    assert by_path["friends[1]"].message == "expected an id (a string) of Person"


def test_relationship_ids_take_the_targets_id_type() -> None:
    reg = registry(
        """
        Doc:
          properties:
            id: {type: uuid}
        Note:
          relationships:
            doc:  {type: Doc}
            docs: {type: "Doc[]"}
        """
    )
    Note = reg.model("Note")
    note = Note(id="n1", doc=UUID, docs=[UUID, UUID.upper()])
    assert (note.doc, note.docs) == (UUID, [UUID, UUID.upper()])
    error = rejected(Note, {"id": "n1", "doc": "doc-1", "docs": [UUID, UUID + "\n"]})
    assert error.errors == [
        FieldError("doc", f"expected an id of Doc: {EXPECTED['uuid']}", "doc-1"),
        FieldError("docs[1]", f"expected an id of Doc: {EXPECTED['uuid']}", UUID + "\n"),
    ]


def test_a_required_to_one_missing_is_named(Sample: type[Entity]) -> None:
    data = base()
    del data["owner"]
    error = rejected(Sample, data)
    assert error.errors == [FieldError("owner", "required", None)]
    assert "Sample.owner: required" in str(error)


# -- property names that pydantic uses itself --------------------------------------------------

SHADOWING = ["json", "copy", "schema", "model_config", "model_dump", "validate", "class", "from"]


@pytest.fixture(scope="module")
def Odd() -> type[Entity]:
    props = "\n".join(f"    {name}: {{type: string, optional: true}}" for name in SHADOWING)
    reg = registry(
        f"""
Odd:
  properties:
{props}
    dict: {{type: integer, array: true, default: [1]}}
    fields: {{type: boolean, optional: true}}
"""
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "shadows an attribute" or "protected namespace"
        return reg.model("Odd")


def test_shadowing_names_work_through_their_alias(Odd: type[Entity]) -> None:
    data = {name: f"<{name}>" for name in SHADOWING}
    entity = Odd.model_validate({"id": "o1", **data, "dict": [2, 3], "fields": True})
    assert entity.json_ == "<json>"
    assert entity.copy_ == "<copy>"
    assert entity.schema_ == "<schema>"
    assert entity.model_config_ == "<model_config>"
    assert entity.model_dump_ == "<model_dump>"
    assert entity.validate_ == "<validate>"
    assert entity.class_ == "<class>"
    assert entity.from_ == "<from>"
    assert entity.dict_ == [2, 3]
    assert entity.fields is True  # no clash: keeps its name
    # pydantic's own attributes are untouched
    assert callable(entity.model_dump)
    assert callable(Odd.model_validate)
    assert callable(entity.copy)
    assert isinstance(Odd.model_config, dict)
    assert Odd.model_config.get("extra") == "forbid"
    dumped = entity.model_dump()
    assert dumped == {"id": "o1", **data, "dict": [2, 3], "fields": True}
    assert json.loads(entity.model_dump_json()) == dumped
    assert Odd.model_validate_json(entity.model_dump_json()) == entity


def test_shadowing_names_are_set_by_keyword_and_defaulted(Odd: type[Entity]) -> None:
    entity = Odd(id="o1", **{"class": "c", "json": "j"})
    assert entity.class_ == "c"
    assert entity.json_ == "j"
    assert entity.dict_ == [1]
    assert entity.schema_ is None
    assert entity.model_dump()["class"] == "c"


def test_shadowing_names_report_errors_under_their_own_name(Odd: type[Entity]) -> None:
    error = rejected(Odd, {"id": "o1", "class": 5, "dict": [1, "x"]})
    assert sorted(paths(error)) == ["class", "dict[1]"]
    assert "Odd.class: expected a string" in str(error)
    assert "Odd.dict[1]: expected a whole number" in str(error)


def test_the_python_attribute_name_is_not_an_input(Odd: type[Entity]) -> None:
    error = rejected(Odd, {"id": "o1", "class_": "c"})
    assert paths(error) == ["class_"]
    assert "unknown field" in error.errors[0].message


# -- JSON's types, in one place ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "2500"),
        ("active", "yes"),
        ("active", 1),
        ("born", 0),
        ("born", "2024-01-01T00:00:00Z"),
        ("born", datetime(2024, 1, 1, 0, 0)),
        ("count", 3.5),
        ("count", True),
    ],
)
def test_json_types_not_python_coercions(Sample: type[Entity], field: str, value: Any) -> None:
    assert paths(rejected(Sample, base(**{field: value}))) == [field]


def test_an_integer_given_as_a_whole_float_is_an_int(Sample: type[Entity]) -> None:
    entity = Sample(**base(count=3.0, scores=[1.0, 2]))
    assert entity.count == 3 and type(entity.count) is int
    assert [type(s) for s in entity.scores] == [int, int]


def test_huge_numbers_are_numbers() -> None:
    # A JSON number has no size limit; one too big for a float is still a number.
    reg = registry(
        """
        Big:
          properties:
            n: {type: number, minimum: 0}
            i: {type: integer, maximum: 5, optional: true}
        """
    )
    Big = reg.model("Big")
    assert Big(id="b", n=10**400).n == 10**400
    assert Big.model_validate_json('{"id": "b", "n": ' + "9" * 400 + "}").n == int("9" * 400)
    assert paths(rejected(Big, {"id": "b", "n": -(10**400)})) == ["n"]
    assert paths(rejected(Big, {"id": "b", "n": 1, "i": 10**400})) == ["i"]
    # Exact comparison, not through a float: 2**53 + 1 is above a maximum of 2**53.
    exact = registry(
        """
        Exact:
          properties:
            n: {type: integer, maximum: 9007199254740992}
        """
    ).model("Exact")
    assert exact(id="e", n=2**53).n == 2**53
    assert paths(rejected(exact, {"id": "e", "n": 2**53 + 1})) == ["n"]


# -- the model and the JSON Schema agree --------------------------------------------------------

TYPE_NAMES = [*types.TYPES, "timestamp"]
TEXT_TYPES = ("string", "text", "markdown", "url", "email")
BOUNDS = [-1, 0, 0.5, 1, 2, 2.5, 10, 100, 2**53]
PATTERNS = ["^[a-z]+$", "b", r"^\d{3}", "x$", "^[A-Z]{3}$", r"\.com$", "^$", "(?i)^ab"]
TEXT_ENUM = ["a", "abc", "b", "https://x.com", "a@b.com", "", "2024-01-01"]


@st.composite
def property_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A property declaration, as written in YAML, of any type with any constraints."""
    kind = draw(st.sampled_from(TYPE_NAMES))
    spec: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        spec["optional"] = True
    if draw(st.booleans()):
        spec["array"] = True
    if kind in ("number", "integer"):
        bounds = [b for b in BOUNDS if kind == "number" or float(b).is_integer()]
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if draw(st.integers(0, 3)) == 0:
                spec[key] = draw(st.sampled_from(bounds))
        if draw(st.integers(0, 3)) == 0:
            spec["enum"] = draw(st.lists(st.sampled_from(bounds), min_size=1, max_size=3))
    elif kind in TEXT_TYPES:
        if draw(st.integers(0, 2)) == 0:
            spec["minLength"] = draw(st.integers(0, 5))
        if draw(st.integers(0, 2)) == 0:
            spec["maxLength"] = draw(st.integers(0, 30))
        if draw(st.integers(0, 2)) == 0:
            spec["pattern"] = draw(st.sampled_from(PATTERNS))
        if draw(st.integers(0, 4)) == 0:
            spec["enum"] = draw(st.lists(st.sampled_from(TEXT_ENUM), min_size=1, max_size=3))
    elif kind == "boolean":
        if draw(st.integers(0, 2)) == 0:
            spec["enum"] = draw(st.sampled_from([[True], [False], [True, False]]))
    elif kind == "uuid" and draw(st.integers(0, 2)) == 0:
        spec["enum"] = [UUID, UUID.upper()]
    return spec


@functools.cache
def one_property(spec_json: str) -> tuple[type[Entity], Any, bool] | None:
    """The model of a noun with the one property ``v``, its schema validator, and whether
    ``v`` is required; None when the declaration itself is refused (say min above max)."""
    document = json.dumps({"Thing": {"properties": {"v": json.loads(spec_json)}}})
    try:
        nouns = check_documents([read_yaml(document, "thing.yaml")])
    except DefinitionError:
        return None
    prop = nouns["Thing"].properties["v"]
    validator = Draft202012Validator(
        types.property_schema(prop), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return Registry(nouns).model("Thing"), validator, prop.required


# JSON values: what json.loads can return (finite floats; no lone surrogates in text).
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
# Strings near each format: anything its pattern matches (Python's \d takes any script's digits,
# $ takes a final newline), plus hand-picked near misses.
NEAR_MISSES = [
    "2024-01-01",
    "2024-02-29",
    "2023-02-29",
    "2024-02-30",
    "0000-01-01",
    "0001-01-01",
    "\uff12\uff10\uff12\uff14-01-01",
    "2024-01-01\n",
    "2024-01-01T00:00:00Z",
    "2024-01-01t00:00:00z",
    "2024-01-01T00:00:00Z\n",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "2024-02-29T10:00:00.123456789+05:30",
    "2023-02-29T10:00:00+05:30",
    "2024-01-01 00:00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01T24:00:00Z",
    "2024-01-01T23:59:60Z",
    "a@b.co",
    "a@b",
    "a@@b",
    "a b@c.d",
    "a@b.c\n",
    "@b.com",
    "a@",
    "\u540d@b.c",
    "a@-b.com",
    "https://example.com/x",
    "https://x.com",
    "http://",
    "example.com",
    "ftp://a b",
    "https://x\n",
    "a://b",
    "mailto:a@b.com",
    UUID,
    UUID.upper(),
    UUID.replace("-", ""),
    "{" + UUID + "}",
    "urn:uuid:" + UUID,
    UUID + "\n",
    "abc",
    "abc\n",
    "ABC",
    "USD",
    "\u0661\u0662\u0663",
    "123",
    "b",
    "",
    "2500",
    "yes",
    "true",
]
near_strings = st.one_of(
    st.from_regex(types.DATE_PATTERN),
    st.from_regex(types.DATETIME_PATTERN),
    st.from_regex(types.EMAIL_PATTERN),
    st.from_regex(types.URL_PATTERN),
    st.from_regex(types.UUID_PATTERN),
    st.sampled_from(NEAR_MISSES),
    st.text(alphabet="0123456789-:.TtZz+ @/abcx\n\u0663", max_size=26),
)
near_numbers = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [0, 1, -1, 3.0, 3.5, -0.0, 0.5, 2.5, 10, 100.0, 1e300, 10**400, -(10**400), 2**53 + 1]
    ),
    st.booleans(),
    st.sampled_from(["1", "2500", "0.5"]),
)


def values_for(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    near = near_numbers if spec["type"] in ("number", "integer") else near_strings
    if "pattern" in spec:  # what the property's own pattern matches, final newline and all
        near = near | st.from_regex(spec["pattern"])
    if "enum" in spec:
        near = near | st.sampled_from(spec["enum"])
    return st.one_of(near, st.lists(near, max_size=3), json_values)


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(spec=property_specs(), data=st.data())
def test_model_accepts_exactly_what_the_schema_accepts(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    built = one_property(json.dumps(spec, sort_keys=True))
    assume(built is not None)
    assert built is not None
    model, validator, required = built
    value = data.draw(values_for(spec), label="value")
    expected = validator.is_valid(value)

    try:
        entity = model.model_validate({"id": "x", "v": value})
    except ValidationError as error:
        assert not expected, f"model refused what the schema accepts: {error}"
        assert {e.path.split("[")[0] for e in error.errors} == {"v"}
    else:
        assert expected, f"model accepted what the schema refuses: {entity!r}"
        again = model.model_validate_json(entity.model_dump_json())
        assert again == entity

    try:
        model.model_validate_json(json.dumps({"id": "x", "v": value}))
    except ValidationError:
        assert not expected, "model_validate_json refused what the schema accepts"
    else:
        assert expected, "model_validate_json accepted what the schema refuses"

    try:
        model.model_validate({"id": "x"})
    except ValidationError as error:
        assert required
        assert error.errors == [FieldError("v", "required", None)]
    else:
        assert not required


def test_the_agreement_test_sees_both_verdicts() -> None:
    # Guard against a vacuous property: the strategies above produce accepted and refused
    # values alike for a constrained type.
    built = one_property(json.dumps({"type": "datetime"}))
    assert built is not None
    model, validator, required = built
    assert required
    assert validator.is_valid("2024-01-01T00:00:00Z")
    assert not validator.is_valid("2024-01-01")
    assert model.model_validate({"id": "x", "v": "2024-01-01T00:00:00Z"})
    with pytest.raises(ValidationError):
        model.model_validate({"id": "x", "v": "2024-01-01"})


def test_noun_files_load_through_the_registry(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(
        textwrap.dedent(
            """
            Product:
              properties:
                price: {type: number, minimum: 0}
            """
        ),
        encoding="utf-8",
    )
    reg = Registry.load(tmp_path)
    Product = reg.model("Product")
    assert Product(id="p", price=1.5).price == 1.5
    error = rejected(Product, {"id": "p", "price": "1.5"})
    assert str(error).startswith("Product 'p': 1 invalid value:")


def test_validating_many_documents_at_once_gives_what_one_by_one_gives() -> None:
    from nounkit.compiler.models import validate_each

    model = registry("""
        Thing:
          properties:
            n: {type: integer, minimum: 0}
            at: {type: datetime, optional: true}
    """).model("Thing")
    good = [{"id": f"t{i}", "n": i, "at": "2024-05-01T12:00:00+02:00"} for i in range(50)]
    together = validate_each(model, good)
    assert together == [model.model_validate(d) for d in good]
    assert all(type(e) is model for e in together)
    mixed = [good[0], {"id": "bad", "n": -1}, good[1], {"id": "worse", "n": "2"}]
    found = validate_each(model, mixed)
    assert [type(f).__name__ for f in found] == [
        "Thing",
        "ValidationError",
        "Thing",
        "ValidationError",
    ]
    assert isinstance(found[1], ValidationError) and found[1].id == "bad"
    assert [e.path for e in found[1].errors] == ["n"]
    assert validate_each(model, []) == []
