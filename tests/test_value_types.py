"""Value types and enums: structure below the entity, from YAML to models, schemas,
generated code and stored entities (DESIGN.md, "Value types and enums")."""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_build import _assert_mypy_strict

from nounkit import Registry, ValidationError
from nounkit.cli import main
from nounkit.codegen.jsonschema import bundle_schema, noun_schema
from nounkit.errors import DefinitionError
from nounkit.language.codes import Code
from nounkit.language.spec import EnumDef, ValueDef

VALUES = Path(__file__).resolve().parent / "data" / "values.yaml"

Write = Callable[[str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    def write(text: str) -> Path:
        path = tmp_path / "nouns.yaml"
        path.write_text(text, "utf-8")
        return path

    return write


def problems(path: Path) -> list[tuple[int, int, str, str]]:
    with pytest.raises(DefinitionError) as caught:
        Registry.load(path)
    return [(p.line, p.column, p.path, p.code) for p in caught.value.problems]


@contextmanager
def generated(path: Path) -> Iterator[ModuleType]:
    """The generated module at ``path``, imported under its file name (pydantic resolves
    its annotations through sys.modules) and forgotten afterwards."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def registry() -> Registry:
    return Registry.load(VALUES, storage="memory://")


ORDER: dict[str, Any] = {
    "lines": [
        {"sku": "A-1", "quantity": 2, "unitPrice": 3.5, "tags": ["x"]},
        {
            "sku": "B-2",
            "quantity": 1,
            "unitPrice": 0,
            "parts": [{"sku": "P", "quantity": 1, "unitPrice": 1}],
        },
    ],
    "shipTo": {"street": "1 Main St", "city": "Paris", "country": "FR"},
    "placed": "2026-01-02T03:04:05Z",
}


# -- the language -----------------------------------------------------------------------------


def test_value_types_and_enums_load_as_definitions() -> None:
    order = registry().nouns["Order"]
    assert set(order.types) == {"Address", "AddressGeo", "Line", "Tier"}
    assert isinstance(order.types["Line"], ValueDef)
    assert isinstance(order.types["Tier"], EnumDef)
    assert order.types["Tier"].strings == ("free", "pro", "enterprise")
    assert order.types["AddressGeo"].anonymous  # declared inline under Address.geo
    tier = order.properties["tier"]
    assert (tier.type, tier.ref, tier.enum) == ("string", "Tier", ("free", "pro", "enterprise"))
    lines = order.properties["lines"]
    assert (lines.is_value, lines.ref, lines.min_items, lines.max_items) == (True, "Line", 1, 5)


def test_every_misuse_is_a_located_problem_in_one_pass(write: Write) -> None:
    path = write(
        "Addr:\n"  # 1
        "  kind: value\n"
        "  properties:\n"
        "    street: {type: string}\n"
        "    next: {type: Addr}\n"  # 5: a cycle nothing breaks
        "    bad: {type: Strng}\n"  # 6: no such type
        "    owner: {type: Thing}\n"  # 7: a noun as a type
        "Tier:\n"
        "  kind: enum\n"
        "  values: [a, b, a]\n"  # 10: listed twice
        "Thing:\n"
        "  properties:\n"
        "    a: {type: Addr, default: {street: 5}}\n"  # 13: a default its type refuses
        "    b: {type: Tier, enum: [a]}\n"  # 14: an enum type takes no enum
        "    c: {type: string, minItems: 2}\n"  # 15: minItems without array
        "    d: {type: Addr, array: true, minItems: 3, maxItems: 1}\n"  # 16
        "    e: {type: Addr, properties: {x: {type: string}}}\n"  # 17: both
        "    g: {type: Addr, unique: true}\n"  # 18: unique on a value
        "  rules:\n"
        "    - check: \"a.stret == 'x'\"\n"  # 20: no such property inside
        "    - check: \"any(d, strt == 'x')\"\n"  # 21: nor on the items
        '    - check: "a.street.x == 1"\n'  # 22: a string has no properties
        "Other:\n"
        "  kind: vale\n"  # 24: no such kind
    )
    found = problems(path)
    assert found == [
        (5, 5, "Addr.properties.next", Code.VALUE_CYCLE),
        (6, 17, "Addr.properties.bad.type", Code.UNKNOWN_TYPE),
        (7, 19, "Addr.properties.owner.type", Code.NOUN_AS_TYPE),
        (10, 18, "Tier.values[2]", Code.DUPLICATE_ENUM_VALUE),
        (13, 30, "Thing.properties.a.default", Code.BAD_DEFAULT),
        (14, 21, "Thing.properties.b.enum", Code.CONSTRAINT_TYPE),
        (15, 23, "Thing.properties.c.minItems", Code.ITEMS_NOT_ARRAY),
        (16, 44, "Thing.properties.d.minItems", Code.NO_VALUE_FITS),
        (17, 21, "Thing.properties.e.properties", Code.TYPE_AND_PROPERTIES),
        (18, 21, "Thing.properties.g.unique", Code.UNIQUE_NOT_SCALAR),
        (20, 14, "Thing.rules[0].check", Code.UNKNOWN_NAME),
        (21, 14, "Thing.rules[1].check", Code.UNKNOWN_NAME),
        (22, 14, "Thing.rules[2].check", Code.UNKNOWN_NAME),
        (24, 9, "Other.kind", Code.NOT_ONE_OF),
    ]


def test_a_noun_used_as_a_type_says_to_use_a_relationship(write: Write) -> None:
    path = write("A:\n  properties:\n    b: {type: B}\nB: {}\n")
    with pytest.raises(DefinitionError) as caught:
        Registry.load(path)
    (problem,) = caught.value.problems
    assert problem.code == Code.NOUN_AS_TYPE
    assert "relationships" in (problem.hint or "")


def test_a_cycle_through_an_optional_or_array_link_is_allowed(write: Write) -> None:
    path = write(
        "Node:\n  kind: value\n  properties:\n"
        "    next: {type: Node, optional: true}\n"
        "    kids: {type: Node, array: true}\n"
        "Tree:\n  properties:\n    root: {type: Node}\n"
    )
    model = Registry.load(path).model("Tree")
    tree = model.model_validate(
        {"id": "t", "root": {"next": {"kids": []}, "kids": [{"kids": [{"kids": []}]}]}}
    )
    assert tree.root.kids[0].kids[0].kids == []  # type: ignore[attr-defined]


# -- models -----------------------------------------------------------------------------------


def test_nested_values_are_models_of_their_own() -> None:
    order = registry().model("Order").model_validate({"id": "o1", **ORDER})
    assert type(order.shipTo).__name__ == "Address"  # type: ignore[attr-defined]
    assert order.lines[1].parts[0].sku == "P"  # type: ignore[attr-defined]
    assert order.tier == "free"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"shipTo": {"street": 5, "cty": "Paris", "country": "FR"}}, "shipTo.street"),
        ({"shipTo": {"street": "x", "cty": "Paris", "country": "FR"}}, "shipTo.cty"),
        ({"shipTo": "123 Main"}, "shipTo"),
        ({"lines": []}, "lines"),
        (
            {"lines": [ORDER["lines"][0]] * 2 + [{"sku": "C", "quantity": 0, "unitPrice": 1}]},
            "lines[2].quantity",
        ),
        ({"lines": [{**ORDER["lines"][0], "tags": ["x", "x"]}]}, "lines[0].tags"),
        ({"lines": [{**ORDER["lines"][0], "parts": [{"sku": 1}]}]}, "lines[0].parts[0].sku"),
        ({"tier": "gold"}, "tier"),
        ({"tiers": ["pro", "pro"]}, "tiers"),
        ({"shipTo": {**ORDER["shipTo"], "geo": {"lat": 91, "lng": 0}}}, "shipTo.geo.lat"),
    ],
)
def test_errors_name_the_whole_path(change: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        registry().model("Order").model_validate({"id": "o1", **ORDER, **change})
    assert path in [error.path for error in caught.value.errors]


def test_values_compute_before_their_holder_and_check_their_rules() -> None:
    reg = registry()
    order = reg.act("create", noun="Order", data=ORDER).entity
    assert [line.total for line in order.lines] == [7.0, 0]  # type: ignore[attr-defined]
    assert order.lines[1].parts[0].total == 1  # type: ignore[attr-defined]
    assert order.subtotal == 7.0  # type: ignore[attr-defined]
    assert order.bulky is False  # type: ignore[attr-defined]
    assert reg.get("Order", order.id).subtotal == 7.0  # type: ignore[attr-defined]
    free = {"sku": "F", "quantity": 2, "unitPrice": 0}
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="Order", data={**ORDER, "lines": [free]})
    assert [e.path for e in caught.value.errors] == ["lines[0].rules[0]"]
    assert caught.value.errors[0].message == "a free line holds one item"
    before = len(reg.list("Order"))
    with pytest.raises(ValidationError):
        reg.act(
            "create", noun="Order", data={**ORDER, "shipTo": {**ORDER["shipTo"], "country": "XX"}}
        )
    assert len(reg.list("Order")) == before  # a failed act stores nothing


# -- JSON Schema and generated code -----------------------------------------------------------


def test_json_schema_refers_to_defs_and_agrees_with_the_model() -> None:
    reg = registry()
    schema = noun_schema(reg.nouns["Order"], reg.nouns, base="https://example.org/")
    Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]) == {"Address", "AddressGeo", "Line", "Tier"}
    assert schema["properties"]["shipTo"] == {"$ref": "#/$defs/Address"}
    assert schema["properties"]["lines"]["items"] == {"$ref": "#/$defs/Line"}
    assert schema["$defs"]["Tier"]["enum"] == ["free", "pro", "enterprise"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"id": "o1", **ORDER})
    assert not validator.is_valid({"id": "o1", **ORDER, "shipTo": "123 Main"})
    bundle = bundle_schema(reg.nouns, base="https://example.org/")
    assert {"Order", "Address", "AddressGeo", "Line", "Tier"} <= set(bundle["$defs"])
    assert "$defs" not in bundle["$defs"]["Order"]  # each shared type once, at the top
    in_bundle = Draft202012Validator({**bundle, "$ref": "#/$defs/Order"})
    assert in_bundle.is_valid({"id": "o1", **ORDER})
    assert not in_bundle.is_valid({"id": "o1", **ORDER, "tier": "gold"})


def test_codegen_writes_a_class_per_value_type_and_a_strenum_per_enum(tmp_path: Path) -> None:
    target = tmp_path / "values_models.py"
    assert main(["codegen", "python", "-n", str(VALUES), "-o", str(target)]) == 0
    source = target.read_text("utf-8")
    assert "class Tier(StrEnum):" in source
    assert "    FREE = 'free'" in source
    assert "class Address(BaseModel):" in source
    assert "class Line(BaseModel):" in source
    _assert_mypy_strict(target)
    with generated(target) as module:
        order = module.Order.model_validate({"id": "o1", **ORDER})
        assert order.tier is module.Tier.FREE
        assert type(order.lines[0]) is module.Line


# -- ids --------------------------------------------------------------------------------------


def test_a_uuid_id_is_generated_as_a_uuid_and_a_string_id_as_a_ulid(write: Write) -> None:
    import uuid

    path = write(
        "Ticket:\n  properties:\n    id: {type: uuid}\n  actions: [create]\n  events: [created]\n"
        "Note:\n  actions: [create]\n  events: [created]\n"
    )
    reg = Registry.load(path, storage="memory://")
    made = [reg.act("create", noun="Ticket").id for _ in range(50)]
    for ident in made:
        parsed = uuid.UUID(ident)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, ident)
    assert len(set(made)) == 50
    assert [m[:13] for m in made] == sorted(m[:13] for m in made)  # time-ordered
    note = reg.act("create", noun="Note").id
    assert len(note) == 26 and note.isalnum()  # a ULID


# -- JSON-LD ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["compact", "expanded"])
def test_values_come_back_from_json_ld(form: str) -> None:
    reg = registry()
    order = reg.act("create", noun="Order", data=ORDER).entity
    document = reg.to_jsonld(order, form=form)  # type: ignore[arg-type]
    assert reg.from_jsonld(document, noun="Order") == order


SHOP = {
    "name": "Chez X",
    "address": {"street": "1 rue", "city": "Paris", "country": "FR", "geo": {"lat": 1, "lng": 2}},
    "tier": "gold",
}


def test_a_value_is_a_nested_node_with_its_class_and_an_enum_value_its_iri() -> None:
    reg = registry()
    shop = reg.act("create", noun="Shop", data=SHOP).entity
    document = reg.to_jsonld(shop)
    assert document["address"]["@type"] == "schema:PostalAddress"
    assert document["address"]["city"] == "Paris"
    assert document["tier"] == "https://example.org/levels/gold"
    quads = reg.to_jsonld(shop, form="nquads").splitlines()
    subject = f"<https://example.org/shops/{shop.id}>"
    (link,) = [q for q in quads if q.startswith(f"{subject} <https://schema.org/address> ")]
    node = link.split()[2]
    assert node.startswith("_:")  # the address is a node of its own, not a JSON literal
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert f"{node} {rdf_type} <https://schema.org/PostalAddress> ." in quads
    assert f'{node} <https://schema.org/addressLocality> "Paris" .' in quads
    assert (
        f"{subject} <https://example.org/vocab#tier> <https://example.org/levels/gold> ." in quads
    )
    for form in ("compact", "expanded"):
        again = reg.to_jsonld(shop, form=form)  # type: ignore[arg-type]
        assert reg.from_jsonld(again) == shop


@pytest.mark.parametrize("context", ["https://schema.org", "http://schema.org/"])
def test_from_jsonld_reads_a_schema_org_document_with_a_nested_address(context: str) -> None:
    document = {
        "@context": context,
        "@type": "LocalBusiness",
        "@id": "https://example.org/shops/s1",
        "name": "Chez X",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1 rue",
            "addressLocality": "Paris",
            "addressCountry": "FR",
        },
    }
    shop = registry().from_jsonld(document, noun="Shop")
    assert shop.address.city == "Paris"  # type: ignore[attr-defined]
    assert shop.address.street == "1 rue"  # type: ignore[attr-defined]


def test_from_jsonld_reads_an_expanded_document_in_the_http_namespace() -> None:
    schema = "http://schema.org/"
    document = [
        {
            "@id": "https://example.org/shops/s2",
            "@type": [f"{schema}LocalBusiness"],
            f"{schema}name": [{"@value": "Y"}],
            f"{schema}address": [
                {
                    "@type": [f"{schema}PostalAddress"],
                    f"{schema}streetAddress": [{"@value": "2 via"}],
                    f"{schema}addressLocality": [{"@value": "Rome"}],
                    f"{schema}addressCountry": [{"@value": "IT"}],
                }
            ],
        }
    ]
    shop = registry().from_jsonld(document, noun="Shop")
    assert (shop.id, shop.address.country) == ("s2", "IT")  # type: ignore[attr-defined]


def test_a_nested_node_of_another_class_is_refused_by_path() -> None:
    document = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "@id": "https://example.org/shops/s1",
        "name": "X",
        "address": {"@type": "Person", "streetAddress": "x"},
    }
    with pytest.raises(ValidationError) as caught:
        registry().from_jsonld(document, noun="Shop")
    assert [e.path for e in caught.value.errors] == ["address"]


# -- queries (every backend is held to the reference by the contract suite) -------------------


@pytest.mark.parametrize(
    "url", ["memory://", "sqlite:///{tmp}/db.sqlite", "tinydb:///{tmp}/db.json"]
)
def test_queries_reach_into_values(url: str, tmp_path: Path) -> None:
    from nounkit.errors import QueryError

    reg = Registry.load(VALUES, storage=url.format(tmp=f"/{tmp_path}"))
    rome = {**ORDER, "shipTo": {**ORDER["shipTo"], "city": "Rome"}, "lines": ORDER["lines"][:1]}
    paris = reg.act("create", noun="Order", data=ORDER).id
    other = reg.act("create", noun="Order", data=rome).id

    def ids(where: dict[str, Any], sort: dict[str, int] | None = None) -> list[str]:
        return [o.id for o in reg.list("Order", where=where, sort=sort)]

    assert ids({"shipTo.city": "Paris"}) == [paris]
    assert ids({"lines.sku": "B-2"}) == [paris]  # any item
    assert ids({"lines.sku": {"$ne": "B-2"}}) == [other]  # no item
    assert ids({"lines.quantity": {"$gte": 2}}) == sorted([paris, other])
    assert ids({"lines.parts.sku": "P"}) == [paris]  # through two lists
    assert ids({"lines": {"$size": 1}}) == [other]
    assert ids({"lines": {"$elemMatch": {"sku": "A-1", "quantity": 1}}}) == []
    assert ids({"lines": {"$elemMatch": {"sku": "B-2", "quantity": 1}}}) == [paris]
    assert ids({}, sort={"shipTo.city": -1}) == [other, paris]
    with pytest.raises(QueryError, match=re.escape("did you mean 'shipTo.city'")):
        reg.list("Order", where={"shipTo.cty": "Paris"})
    with pytest.raises(QueryError, match="with no field"):
        reg.list("Order", where={"shipTo.city.name": "Paris"})
    reg.close()


def test_indexes_name_paths_and_sqlite_uses_them(tmp_path: Path) -> None:
    import sqlite3

    reg = Registry.load(VALUES, storage=f"sqlite:///{tmp_path}/db.sqlite")
    assert reg.nouns["Order"].indexes == (("shipTo.city",), ("tier", "placed"), ("shipTo.geo.lat",))
    reg.act("create", noun="Order", data=ORDER)
    reg.close()
    db = sqlite3.connect(tmp_path / "db.sqlite")
    table = db.execute("SELECT tbl FROM nk_nouns WHERE noun = 'Order'").fetchone()[0]
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for made in (f"nk_i_{table}_x_shipTo_city_", f"nk_i_{table}_x_tier__placed_"):
        assert any(name.startswith(made) for name in names), (made, names)
    plan = " ".join(
        str(row[-1])
        for row in db.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM \"{table}\" WHERE tenant = '' "
            "AND json_extract(data, '$.\"shipTo\".\"city\"') = 'Paris'"
        )
    )
    assert f"nk_i_{table}_x_shipTo_city_" in plan


def test_an_index_must_reach_one_scalar(write: Write) -> None:
    path = write(
        "V:\n  kind: value\n  properties:\n    a: {type: string}\n"
        "N:\n"
        "  properties:\n"
        "    v: {type: V}\n"
        "    vs: {type: V, array: true}\n"
        "  indexes: [v.a, vs.a, v, v.b, [v.a, nope]]\n"
    )
    assert problems(path) == [
        (9, 18, "N.indexes[1]", Code.BAD_INDEX),  # a path through a list
        (9, 24, "N.indexes[2]", Code.BAD_INDEX),  # a whole value
        (9, 27, "N.indexes[3]", Code.BAD_INDEX),  # no such property
        (9, 38, "N.indexes[4][1]", Code.BAD_INDEX),
    ]


def test_value_types_terms_are_checked_against_schema_org(write: Write) -> None:
    path = write(
        "Addr:\n"
        "  kind: value\n"
        "  class: schema:PostalAdress\n"
        "  properties:\n"
        "    street: {type: string, iri: schema:streetAdress}\n"
        "Thing:\n"
        "  properties:\n"
        "    a: {type: Addr}\n"
    )
    assert problems(path) == [
        (3, 10, "Addr.class", Code.UNKNOWN_TERM),
        (5, 33, "Addr.properties.street.iri", Code.UNKNOWN_TERM),
    ]


# -- hostile and odd definitions (each a located problem, never a bare exception) ------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("E: {kind: enum, values: {}}\nN: {properties: {e: {type: E, default: a}}}\n", Code.EMPTY),
        (
            "E:\n  kind: enum\n  values:\n    a: {iri: 'https://x.org/a'}\n"
            "    b: {iri: 'https://x.org/a'}\n",
            Code.SHARED_IRI,
        ),
        (
            "V: {kind: value, properties: {a: {type: string, unique: true}}}\n"
            "N: {properties: {v: {type: V}}}\n",
            Code.BAD_INDEX,
        ),
        (
            "N: {properties: {x: {type: string, array: true,"
            " minItems: 100000000000000000000000}}}\n",
            Code.BOUND_TOO_LARGE,
        ),
        (
            "N: {properties: {x: {type: string, array: true, uniqueItems: true,"
            " default: [a, a]}}}\n",
            Code.BAD_DEFAULT,
        ),
        ("M: {}\nN:\n  relationships:\n    m: {type: M}\n  indexes: [m.x]\n", Code.BAD_INDEX),
    ],
)
def test_odd_definitions_are_located_problems(write: Write, text: str, code: Code) -> None:
    assert [found[3] for found in problems(write(text))] == [code]


def test_a_cycle_is_reported_at_the_link_that_closes_it(write: Write) -> None:
    path = write(
        "A:\n  kind: value\n  properties:\n    first: {type: B}\n    me: {type: A}\n"
        "B:\n  kind: value\n  properties:\n    x: {type: string}\n"
        "N:\n  properties:\n    a: {type: A}\n"
    )
    assert problems(path) == [(5, 5, "A.properties.me", Code.VALUE_CYCLE)]


def test_value_types_that_nest_too_far_are_refused(write: Write) -> None:
    # Twenty layers of two value types each holding both below: 2**20 paths in 2 KB.
    text = ""
    for i in range(20):
        below = f"    a: {{type: T{i + 1}}}\n    b: {{type: U{i + 1}}}\n" if i < 19 else ""
        text += f"T{i}:\n  kind: value\n  properties:\n    x: {{type: string}}\n{below}"
        text += f"U{i}:\n  kind: value\n  properties:\n    y: {{type: string}}\n{below}"
    found = problems(write(text + "N:\n  properties:\n    t: {type: T0}\n"))
    assert [p[2:] for p in found] == [("N.properties.t", Code.VALUE_TOO_LARGE)]


def test_unique_items_compare_json_values_as_json_schema_does() -> None:
    text = (
        "V: {kind: value, properties: {a: {type: number}, b: {type: number, optional: true}}}\n"
        "N:\n  properties:\n    vs: {type: V, array: true, uniqueItems: true}\n"
        "    ts: {type: datetime, array: true, uniqueItems: true, optional: true}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "n.yaml"
        path.write_text(text, "utf-8")
        reg = Registry.load(path)
    model = reg.model("N")
    schema = Draft202012Validator(noun_schema(reg.nouns["N"], reg.nouns, base="https://x.org/"))
    for document, valid in [
        ({"id": "x", "vs": [{"a": 1}, {"a": 1, "b": None}]}, True),  # b: null is not b left out
        (
            {
                "id": "x",
                "vs": [{"a": 1}],
                "ts": ["2020-01-01T00:00:00Z", "2020-01-01T00:00:00+00:00"],
            },
            True,
        ),
        ({"id": "x", "vs": [{"a": 1}, {"a": 1.0}]}, False),  # 1 and 1.0 are one JSON number
    ]:
        assert schema.is_valid(document) is valid, document
        try:
            model.model_validate(document)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted is valid, document


@pytest.mark.parametrize("url", ["memory://", "sqlite:///{tmp}/db.sqlite"])
def test_queries_on_a_value_type_that_holds_itself(url: str, tmp_path: Path) -> None:
    from nounkit.errors import QueryError

    text = (
        "L:\n  kind: value\n  properties:\n    sku: {type: string}\n"
        "    when: {type: datetime, optional: true}\n    sub: {type: L, optional: true}\n"
        "N:\n  properties:\n    lines: {type: L, array: true}\n  actions: [create]\n"
        "  events: [created]\n"
    )
    (tmp_path / "n.yaml").write_text(text, "utf-8")
    reg = Registry.load(tmp_path / "n.yaml", storage=url.format(tmp=f"/{tmp_path}"))
    line = {"sku": "a", "sub": {"sku": "b", "when": "2020-01-01T00:00:00Z"}}
    made = reg.act("create", noun="N", data={"lines": [line]}).id
    assert [n.id for n in reg.list("N", where={"lines": {"$elemMatch": {"sub.sku": "b"}}})] == [
        made
    ]
    assert reg.list("N", where={"lines": {"$not": {"$elemMatch": {"sku": "a"}}}}) == []
    with pytest.raises(QueryError):  # below the first level of itself: no keys are kept
        reg.list("N", where={"lines": {"$elemMatch": {"sub.when": {"$exists": True}}}})
    with pytest.raises(QueryError):
        reg.list("N", where={"lines": {"$size": 2**70}})
    reg.close()


def test_a_document_nested_a_thousand_levels_is_a_validation_error(write: Write) -> None:
    model = Registry.load(write("N: {properties: {j: {type: json}}}\n")).model("N")
    deep: Any = []
    for _ in range(1500):
        deep = [deep]
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"id": "x", "j": deep})
    assert [e.path for e in caught.value.errors] == ["j"]
    assert len(str(caught.value)) < 1000  # the value is quoted a few levels deep, not whole


HARD = Path(__file__).resolve().parent / "data" / "values_jsonld.yaml"


@pytest.mark.parametrize(
    "data",
    [
        {"r": {"raw": [[1], ["a"], [1, [2, {}]]]}},  # JSON arrays inside a value
        {"r": {"zip": None}},  # a null over a default
        {"x": {"n": "x", "b": {"n": "2020-01-01", "a": {"n": "y"}}}},  # A.n and B.n differ
        {"addr": {"schema": "s", "street": "1"}},  # a field named like the schema prefix
        {"opt": {}, "opts": [{}, {"o": "z"}]},  # empty values
        {"a": "2021-01-01", "tag": {"title": "tt", "when": "2020-01-01"}},  # shared IRIs
        {"level": "plain", "levels": ["gold", "plain"]},  # an enum half with IRIs
        {"site": "https://schema.org/x", "levels": ["plain"]},  # pyld compacts this one
    ],
)
def test_hard_values_come_back_from_every_form(data: dict[str, Any]) -> None:
    reg = Registry.load(HARD, storage="memory://")
    entity = reg.act("create", noun="Thing", data={"name": "t", **data}).entity
    compact = reg.to_jsonld(entity)
    thing = reg.nouns["Thing"]
    for key in ("tag", "opt", "r", "addr", "x"):  # a value's keys are its own terms
        if key in data:
            own = thing.types[thing.properties[key].ref or ""]
            assert isinstance(own, ValueDef)
            assert set(compact[key]) - {"@type"} <= set(own.properties), compact[key]
    for form in ("compact", "expanded"):
        document = reg.to_jsonld(entity, form=form)  # type: ignore[arg-type]
        assert reg.from_jsonld(document, noun="Thing") == entity, form
    assert reg.to_jsonld(entity, form="nquads")


def test_json_ld_errors_name_the_path_inside_values() -> None:
    reg = Registry.load(HARD, storage="memory://")
    context = reg.to_jsonld(reg.act("create", noun="Thing", data={"name": "q"}).entity)
    document = {
        "@context": context["@context"],
        "@id": "https://example.org/things/q1",
        "@type": "Thing",
        "name": "q",
        "x": {"n": "a", "b": {"n": {"@id": "https://example.org/not-a-date"}}},
    }
    with pytest.raises(ValidationError) as caught:
        reg.from_jsonld(document, noun="Thing")
    assert [e.path for e in caught.value.errors] == ["x.b.n"]


def test_generated_code_survives_a_property_named_like_a_type(tmp_path: Path) -> None:
    nouns = tmp_path / "n.yaml"
    nouns.write_text(
        "Money: {kind: value, properties: {amount: {type: number}}}\n"
        "Color: {kind: enum, values: [red, blue]}\n"
        "Note: {properties: {Money: {type: string}, price: {type: Money}}}\n"
        "Pen: {properties: {Color: {type: string}, ink: {type: Color, default: red}}}\n",
        "utf-8",
    )
    target = tmp_path / "shadowed_models.py"
    assert main(["codegen", "python", "-n", str(nouns), "-o", str(target)]) == 0
    _assert_mypy_strict(target)
    with generated(target) as module:
        note = module.Note.model_validate({"id": "n", "Money": "x", "price": {"amount": 1}})
        assert note.price.amount == 1
        assert module.Pen.model_validate({"id": "p", "Color": "c"}).ink is module.Color.RED


def test_an_act_nested_past_the_limit_is_a_validation_error() -> None:
    reg = registry()
    line: dict[str, Any] = {"sku": "x", "quantity": 1, "unitPrice": 1}
    for _ in range(70):
        line = {"sku": "x", "quantity": 1, "unitPrice": 1, "parts": [line]}
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="Order", data={**ORDER, "lines": [line]})
    (error,) = caught.value.errors  # named at the deepest level reached, the path cut
    assert error.path.startswith("lines[0].parts[0].") and "…" in error.path
    assert "nested more than 64 levels deep" in error.message
    assert reg.list("Order") == []
