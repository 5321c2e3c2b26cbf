"""Whatever a noun file holds, loading it compiles or raises DefinitionError, nothing else.

Three generators feed the loader: noun files built from the noun language
(mostly valid, with random corruption: wrong types, unknown keys, junk where
names go), raw random text, and token soup made of YAML's own punctuation.
For each, either every noun loads and its pydantic model compiles, or the
DefinitionError lists at least one problem, each with a message and a real
position in a file that was written.
"""

from __future__ import annotations

import string
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nounkit import Registry
from nounkit.errors import DefinitionError
from nounkit.language import inflect
from nounkit.language.types import TYPES

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Draw = Callable[[st.SearchStrategy[Any]], Any]

NOUN_NAMES = ["Thing", "Owner", "Part", "Order", "Invoice", "Metrics", "Person"]
# Valid names, some of which pydantic or Python hold dear.
WORDS = ["name", "status", "limit", "used", "code", "day", "on", "no", "json", "json_"]
WORDS += ["schema", "copy", "model_config", "validate", "dict", "class", "fields", "id"]
VERBS = ["create", "update", "delete", "grant", "reset", "send", "pay", "addCustomer", "go"]
STATES = ["new", "active", "done", "lost", "archived"]
GOOD_EXPRESSIONS = [
    "limit - used",
    "coalesce(limit, 0) + 1",
    "max(limit, used) * 2",
    "round(limit / 3, 1)",
]
GOOD_RULES = [
    "limit > 0",
    "used is null or used <= limit",
    "limit in [1, 2, 3] or not (limit < 0)",
    "abs(limit - used) >= 0",
]
BAD_EXPRESSIONS = ["a > > b", "max(", "name + 1", "unknown * 2", "'unterminated", "1 < 2 < 3"]
TYPE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text(max_size=8),
    "text": st.text(max_size=8),
    "markdown": st.text(max_size=8),
    "number": st.integers(-100, 100) | st.floats(-100, 100, width=32),
    "integer": st.integers(-100, 100),
    "boolean": st.booleans(),
    "date": st.dates().map(str),
    "datetime": st.sampled_from(["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5+02:00"]),
    "timestamp": st.sampled_from(["2024-01-02T03:04:05Z"]),
    "json": st.none() | st.integers() | st.text(max_size=4),
    "url": st.sampled_from(["https://example.com/a", "http://x.org"]),
    "email": st.sampled_from(["a@example.com", "x.y@z.org"]),
    "uuid": st.uuids().map(str),
    "Money": st.builds(lambda a: {"amount": a}, st.integers(0, 100)),
    "Tier": st.just("free"),
}

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
identifiers = st.one_of(
    st.sampled_from(WORDS),
    st.from_regex(r"[a-z][A-Za-z0-9_]{0,7}", fullmatch=True),
)
junk_names = st.one_of(st.text(max_size=10), st.sampled_from(["", "-x", "1a", "a b", "x-y"]))


class Gen:
    """Draws values; when ``mess`` is set, now and then spoils what it draws."""

    def __init__(self, draw: Draw, mess: bool) -> None:
        self.draw, self.mess = draw, mess
        self.types: list[str] = []  # the value types and enums the files declare

    def chance(self, one_in: int) -> bool:
        return bool(self.draw(st.integers(0, one_in - 1)) == 0)

    def pick(self, good: list[Any], bad: list[Any] | None = None) -> Any:
        """One of ``good``; when messing, sometimes one of ``bad``."""
        if bad and self.mess and self.chance(4):
            return self.draw(st.sampled_from(bad))
        return self.draw(st.sampled_from(good))

    def maybe(self, value: Any, junk: st.SearchStrategy[Any] = json_values) -> Any:
        """When messing, now and then replace a value with junk."""
        return self.draw(junk) if self.mess and self.chance(12) else value

    def corrupt(self, mapping: dict[str, Any]) -> dict[str, Any]:
        """When messing, now and then: an unknown key, a key dropped, or junk for a value."""
        if not self.mess:
            return mapping
        choice = self.draw(st.integers(0, 14))
        if choice == 0:
            bad_key = self.draw(st.sampled_from(["optinal", "requird", "knd", "x", "typ"]))
            mapping[bad_key] = self.draw(json_values)
        elif choice == 1 and mapping:
            del mapping[self.draw(st.sampled_from(sorted(mapping)))]
        elif choice == 2 and mapping:
            mapping[self.draw(st.sampled_from(sorted(mapping)))] = self.draw(json_values)
        return mapping


def property_spec(g: Gen, names: list[str]) -> dict[str, Any]:
    draw = g.draw
    if g.chance(12):  # a value of its own, declared inline
        inline: dict[str, Any] = {"properties": {"x": {"type": "string"}}}
        if g.chance(3):
            inline["optional"] = True
        if g.mess and g.chance(3):
            inline["type"] = "string"
        return g.corrupt(inline)
    kind = g.pick([*TYPES, "timestamp", *g.types], ["strng", "Number", "list", "Strng", "Thing"])
    spec: dict[str, Any] = {"type": kind}
    values = TYPE_VALUES.get(kind, json_values)
    if g.chance(2):
        spec["optional"] = g.maybe(draw(st.booleans()), st.sampled_from(["maybe", 1]))
    if g.chance(5):
        spec["array"] = draw(st.booleans())
    if (spec.get("array") or g.mess) and g.chance(3):
        spec["minItems"] = g.maybe(draw(st.integers(0, 2)))
        if g.chance(2):
            spec["maxItems"] = draw(st.integers(2 if not g.mess else 0, 4))
        if g.chance(2):
            spec["uniqueItems"] = draw(st.booleans())
    if kind in ("number", "integer") and g.chance(3):
        low = draw(st.integers(-50, 50))
        spec["minimum"] = g.maybe(low)
        spec["maximum"] = low + draw(st.integers(0 if not g.mess else -5, 50))
    if kind in ("string", "text", "email", "url") and g.chance(4):
        spec["minLength"] = g.maybe(draw(st.integers(0, 3)))
        spec["pattern"] = g.pick(["^.+$", "[a-z]", "\\d*"], ["[a-", "(", "a{2,1}"])
    if kind in ("string", "integer", "number", "boolean") and g.chance(4):
        spec["enum"] = draw(st.lists(values, min_size=1, max_size=3, unique_by=repr))
    if g.mess and g.chance(5):
        spec["enum"] = draw(st.lists(json_scalars, max_size=3))
    bounded = {"minimum", "minLength", "pattern"} & set(spec)
    if g.chance(4) and (g.mess or spec.get("enum") or not bounded):
        if spec.get("enum"):
            default = draw(st.sampled_from(spec["enum"]))
        else:
            default = draw(values if not g.mess else values | json_values)
        spec["default"] = [default] if spec.get("array") else default
        if spec.get("array") and not g.mess and (spec.get("minItems") or 0) > 1:
            del spec["default"]  # one item would be too few
    if g.mess and g.chance(6):
        spec[g.pick(["minimum", "minLength", "maxLength", "exclusiveMaximum"])] = draw(
            st.integers(-5, 5)
        )
    if kind == "number" and g.chance(5) and "default" not in spec:
        spec["computed"] = g.pick(GOOD_EXPRESSIONS, [*BAD_EXPRESSIONS, *names])
    for key in ("unique", "index", "deprecated", "description"):
        if key == "unique" and (spec.get("array") or kind == "json") and not g.mess:
            continue
        if key in ("unique", "index") and kind == "Money" and not g.mess:
            continue
        if g.chance(8):
            spec[key] = g.maybe("use x" if key in ("deprecated", "description") else True)
    if g.chance(8):
        spec["iri"] = g.pick(["schema:name", "http://x.org/p"], ["not an iri"])
    return g.corrupt(spec)


def properties(g: Gen) -> dict[str, Any]:
    result: dict[str, Any] = {}
    names = g.draw(st.lists(identifiers, max_size=5, unique=True))
    if g.chance(2):  # the names the good expressions read
        result["limit"] = {"type": "number", "optional": True}
        result["used"] = {"type": "number", "optional": g.draw(st.booleans())}
    for name in names:
        if name == "id" and not g.mess:
            result["id"] = {"type": g.pick(["string", "uuid"])}
            continue
        result[g.maybe(name, junk_names)] = g.maybe(property_spec(g, names))
    return result


def noun(g: Gen, name: str, others: list[str]) -> Any:
    draw = g.draw
    body: dict[str, Any] = {}
    if g.mess and g.chance(4):
        body["singular"] = g.pick(["thing", "item", "metrics"], ["Bad Word", ""])
    if g.mess and g.chance(4):
        body["plural"] = draw(st.sampled_from(["things", "items", "metrics", "stuff"]))
    if g.chance(2):
        body["description"] = g.maybe(draw(st.text(max_size=20)))
    if g.chance(6):
        body["class"] = g.pick(["schema:Thing"], ["Thing"])
    props = properties(g)
    body["properties"] = props
    lifecycle = g.chance(3)
    if lifecycle:
        states = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=4, unique=True))
        props["status"] = {"type": "string", "enum": states}
    if g.chance(6):
        props.setdefault("orgId", {"type": "string"})
        body["tenant"] = g.pick(["orgId"], WORDS)
    if g.chance(2):
        body["relationships"] = {
            g.maybe(rel, junk_names): g.maybe(
                g.corrupt(
                    {
                        "type": g.pick([*others, "Person"], NOUN_NAMES)
                        + draw(st.sampled_from(["", "[]"])),
                        **({"required": draw(st.booleans())} if g.chance(2) else {}),
                        **({"backref": draw(identifiers)} if g.mess and g.chance(3) else {}),
                    },
                )
            )
            for rel in draw(st.lists(identifiers, max_size=3, unique=True))
            if g.mess or (rel not in props and rel != "id")
        }
    verbs = draw(st.lists(st.sampled_from(VERBS), max_size=4, unique=not g.mess))
    if lifecycle:
        moves = draw(st.permutations(["go", "finish", "reopen", "close"]))[: len(states) - 1]
        verbs += [v for v in moves if v not in verbs]
        spec: dict[str, Any] = {"transitions": {}}
        if g.chance(2):
            spec["states"] = states
        if g.chance(2):
            spec["initial"] = g.pick(states[:1], STATES)
        if g.chance(3) and (len(states) > 1 or g.mess):
            spec["final"] = g.pick([states[-1], states[-1:]], ["lost", []])
        for index, verb in enumerate(moves):  # a chain reaching every state
            spec["transitions"][verb] = g.corrupt(
                {
                    "from": g.pick([states[index], [states[index]]], ["*", ["nowhere"], []]),
                    "to": g.pick([states[index + 1], states[index + 1 :]], [[], "x"]),
                }
            )
        if g.mess and g.chance(3):
            spec["property"] = g.pick(["status"], ["state", "code"])
        body["lifecycle"] = g.maybe(g.corrupt(spec))
    actions: list[Any] = []
    for verb in verbs:
        if g.chance(2):
            actions.append(g.maybe(verb, junk_names))
            continue
        options: dict[str, Any] = {}
        if g.chance(3) and verb in ("create", "update", "delete"):
            options["kind"] = verb
        if g.mess and g.chance(3):
            options["kind"] = g.pick(["create", "update", "delete", "transition", "custom", "x"])
        if g.mess and g.chance(4):
            options["emits"] = draw(st.sampled_from(["done", "granted", "sent"]))
        if g.chance(4):
            options["input"] = properties(g)
        if g.chance(5):
            options["roles"] = g.maybe(["admin"])
        actions.append({verb: g.corrupt(options) or None})
    if actions or g.chance(2):
        as_mapping = g.chance(4) and all(isinstance(a, dict | str) for a in actions)
        body["actions"] = (
            {(next(iter(a)) if isinstance(a, dict) else str(a)): None for a in actions}
            if as_mapping
            else actions
        )
    events = [inflect.past_tense(v) for v in dict.fromkeys(verbs) if not g.mess or g.chance(8)]
    events += draw(st.lists(st.sampled_from(["exhausted", "flagged"]), max_size=2, unique=True))
    body["events"] = g.maybe([e for e in dict.fromkeys(events)] if not g.mess else events)
    if g.chance(3) and "limit" in props:
        body["rules"] = [
            g.corrupt({"check": g.pick(GOOD_RULES, BAD_EXPRESSIONS), "message": "broken"})
            for _ in range(draw(st.integers(1, 2)))
        ]
    return g.maybe(g.corrupt(body))


def value_type(g: Gen) -> Any:
    """Money: a value type with a rule, maybe a computed value, maybe holding itself."""
    props: dict[str, Any] = {"amount": {"type": "number"}, "note": {"type": "string"}}
    props["note"]["optional"] = True
    body: dict[str, Any] = {"kind": g.pick(["value"], ["valu", "noun", 1]), "properties": props}
    if g.chance(3):
        body["class"] = g.pick(["schema:MonetaryAmount"], ["MonetaryAmount"])
    if g.chance(3):
        body["rules"] = [{"check": g.pick(["amount >= 0"], ["amont >= 0", "note.x == 1"])}]
    if g.chance(3):
        props["double"] = {"type": "number", "computed": g.pick(["amount * 2"], ["x * 2"])}
    if g.chance(4):
        props["next"] = {"type": "Money", "optional": True}
        if g.mess and g.chance(2):
            del props["next"]["optional"]  # a cycle nothing breaks
    if g.mess and g.chance(6):
        body["actions"] = ["create"]
    return g.maybe(g.corrupt(body))


def enum_type(g: Gen) -> Any:
    """Tier: an enum, as a list or as a mapping of values to what they mean."""
    values = ["free", *g.draw(st.lists(st.sampled_from(["pro", "gold", "x-1"]), max_size=2))]
    if not g.mess:
        values = list(dict.fromkeys(values))
    body: dict[str, Any] = {"kind": "enum"}
    if g.chance(2):
        body["values"] = values
    else:
        body["values"] = {
            v: g.pick([None, {"description": "d"}, {"iri": "schema:Free"}], [{"iri": "no iri"}])
            for v in values
        }
    return g.maybe(g.corrupt(body))


@st.composite
def noun_files(draw: Draw) -> list[Any]:
    """One to three files of nouns; when messing, names may repeat and junk creeps in."""
    g = Gen(draw, mess=draw(st.integers(0, 2)) == 0)
    names = draw(st.lists(st.sampled_from(NOUN_NAMES[:-1]), min_size=1, max_size=4, unique=True))
    files: list[dict[str, Any]] = [{} for _ in range(draw(st.integers(1, 3)))]
    if g.chance(3):  # value types and enums beside the nouns
        g.types = ["Money", "Tier"]
        files[-1]["Money"] = value_type(g)
        files[0]["Tier"] = enum_type(g)
    for name in names:
        data = files[draw(st.integers(0, len(files) - 1))]
        data[g.maybe(name, junk_names)] = noun(g, name, names)
        if g.mess and g.chance(10):  # the same noun again, in another file
            files[draw(st.integers(0, len(files) - 1))].setdefault(name, {})
    if g.chance(10):
        files[0]["x-shared"] = draw(json_values)
    return [g.maybe(data) for data in files]


def load_everything(contents: Sequence[str | bytes]) -> None:
    """Load the files and compile every model; check the problems when loading fails."""
    with tempfile.TemporaryDirectory() as folder:
        written = []
        for index, content in enumerate(contents):
            path = Path(folder) / f"nouns{index}.yaml"
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, "utf-8")
            written.append(str(path))
        try:
            with warnings.catch_warnings():  # nor may loading warn
                warnings.simplefilter("error")
                registry = Registry.load(written, external=["Person"])
        except DefinitionError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.message.strip()
                assert problem.file in written
                assert problem.line >= 1 and problem.column >= 1, str(problem)
            assert str(error)
            return
        for name in registry.nouns:
            registry.model(name)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@SETTINGS
@given(noun_files())
# A noun whose name the schema refuses was still checked for meaning: AttributeError.
@example([{"foo": {"properties": 5}}])
# An action entry whose one name the grammar refused was unpacked anyway: ValueError.
@example([{"Thing": {"actions": [{"bad name": None}], "events": []}}])
# re.compile warned "possible nested set": under the warnings filter, a FutureWarning.
@example([{"Thing": {"properties": {"a": {"type": "string", "pattern": "[[a]"}}}}])
def test_generated_noun_files_compile_or_raise_definition_error(files: list[Any]) -> None:
    load_everything([dump(data) for data in files])


@SETTINGS
@given(st.text(max_size=300))
@example("A: !!bool maybe\n")  # an explicit tag that does not fit its value: KeyError
@example("A: 1" + "0" * 5000 + "\n")  # an integer too long for int()
def test_random_text_compiles_or_raises_definition_error(text: str) -> None:
    load_everything([text])


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_compile_or_raise_definition_error(raw: bytes) -> None:
    load_everything([raw])


TOKENS = [
    *NOUN_NAMES,
    *WORDS,
    *VERBS,
    "properties",
    "relationships",
    "actions",
    "events",
    "lifecycle",
    "transitions",
    "type",
    "string",
    "number",
    "from",
    "to",
    "rules",
    "check",
    ": ",
    ":",
    " ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: ",
    "!!python/object:os.system ",
    "!tag ",
    "!!str ",
    "'",
    '"',
    "# ",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">\n",
    "%YAML 1.1\n",
    "\t",
    ".inf",
    "~",
    "null",
    "yes",
    "-1",
    "1e3",
    "2024-01-01",
    "\\",
    "@",
    "`",
    *string.punctuation,
]


@SETTINGS
@given(
    st.lists(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join), min_size=1, max_size=2)
)
def test_token_soup_compiles_or_raises_definition_error(texts: list[str]) -> None:
    load_everything(texts)
