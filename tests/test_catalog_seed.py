"""The shipped catalog (``nouns/``) keeps the seed's four customer nouns exactly.

The seed is the TypeScript file ``tests/data/seeds/000_45047382080fda7b.txt`` (the
``Noun`` objects of the ai-database package, flattened onto very few lines), a copy
committed with the tests so that a fresh clone checks the catalog on its own.
This test reads the seed itself, turns its four ``export const X: Noun = {...}``
object literals into Python data, and checks the catalog against them twice:
once on the raw YAML and once through the library's ``Registry``.

The only intended difference: the seed writes ``date`` for instants
(``createdAt``); the catalog writes ``datetime`` for them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

SEED_FILE = "000_45047382080fda7b.txt"
SEED_NOUNS = ("ServiceCustomer", "ServiceEntitlement", "CustomerUsage", "CustomerSegment")
REPO = Path(__file__).resolve().parents[1]
NOUNS_DIR = REPO / "nouns"

# The seed's `date` means an instant for every property of the four nouns.
SEED_TYPE_MAP = {"date": "datetime"}


# --------------------------------------------------------------------------
# Reading the seed: a converter for the TypeScript object-literal subset it uses
# --------------------------------------------------------------------------


def seed_path() -> Path:
    return REPO / "tests" / "data" / "seeds" / SEED_FILE


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//)
  | (?P<block>/\*.*?\*/)
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_$][\w$]*)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE | re.DOTALL,
)
# A `// comment` whose line end was lost runs up to the next `key: {` (or `key: [`).
_COMMENT_END = re.compile(r"(?<![\w$])[A-Za-z_$][\w$]*\s*:\s*[{\[]|\n")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unquote(literal: str) -> str:
    """The value of a single- or double-quoted JavaScript string literal."""
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


def _tokens(src: str) -> Iterator[tuple[str, str, int]]:
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            raise ValueError(f"seed: unexpected {src[pos : pos + 30]!r} at offset {pos}")
        kind = m.lastgroup
        assert kind is not None
        if kind == "comment":
            end = _COMMENT_END.search(src, m.end())
            if end is None:
                raise ValueError(f"seed: a // comment at offset {pos} never ends")
            pos = end.start()
            continue
        pos = m.end()
        if kind not in ("space", "block"):
            yield kind, m.group(), m.start()


def ts_literal_to_json(src: str) -> str:
    """JSON text for one TypeScript object literal (comments, bare keys, trailing commas)."""
    toks = list(_tokens(src))
    out: list[str] = []
    for i, (kind, text, offset) in enumerate(toks):
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if kind == "punct":
            if text == "," and nxt in ("}", "]"):
                continue  # trailing comma
            out.append(text)
        elif kind == "string":
            out.append(json.dumps(_unquote(text)))
        elif kind == "number":
            out.append(text)
        elif nxt == ":":  # a bare key
            out.append(json.dumps(text))
        elif text in ("true", "false", "null"):
            out.append(text)
        else:
            raise ValueError(f"seed: unsupported identifier {text!r} at offset {offset}")
    return "".join(out)


def _balanced_object(src: str, start: int) -> str:
    """The `{...}` that opens at ``src[start]``, skipping strings and comments."""
    depth = 0
    for kind, text, offset in _tokens(src[start:]):
        if kind != "punct":
            continue
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
            if depth == 0:
                return src[start : start + offset + 1]
    raise ValueError(f"seed: the object at offset {start} is never closed")


def parse_seed_nouns(text: str) -> dict[str, dict[str, Any]]:
    """Every ``export const X: Noun = {...}`` of the seed, as Python data, in file order."""
    nouns: dict[str, dict[str, Any]] = {}
    for m in re.finditer(r"export\s+const\s+([A-Za-z_$][\w$]*)\s*:\s*Noun\s*=\s*(?=\{)", text):
        nouns[m.group(1)] = json.loads(ts_literal_to_json(_balanced_object(text, m.end())))
    return nouns


@functools.cache
def seed_nouns() -> dict[str, dict[str, Any]]:
    path = seed_path()
    assert path.is_file(), f"the seed file {path} is missing: the catalog test compares with it"
    nouns = parse_seed_nouns(path.read_text(encoding="utf-8"))
    assert tuple(nouns) == SEED_NOUNS, f"the seed declares {list(nouns)}"
    return nouns


# --------------------------------------------------------------------------
# Normal forms: seed, raw YAML and library API all become the same shape
# --------------------------------------------------------------------------


def _action_names(actions: Any) -> list[str]:
    """Action names from the YAML forms: a list of names or one-key mappings, or a mapping."""
    if isinstance(actions, Mapping):
        return list(actions)
    names: list[str] = []
    for item in actions or []:
        if isinstance(item, str):
            names.append(item)
        else:
            assert isinstance(item, Mapping) and len(item) == 1, f"bad action entry {item!r}"
            names.extend(item)
    return names


def _relationship(type_: str, required: Any, description: Any) -> dict[str, Any]:
    many = type_.endswith("[]")
    return {
        "type": type_,
        # to-one: required unless `required: false`; to-many: a list, empty by default
        "required": (not many) if required is None else required,
        "description": description,
    }


def normal_seed(noun: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "singular": noun["singular"],
        "plural": noun["plural"],
        "description": noun["description"],
        "properties": {
            name: {
                "type": SEED_TYPE_MAP.get(p["type"], p["type"]),
                "optional": p.get("optional", False),
                "description": p.get("description"),
                "examples": list(p.get("examples", [])),
            }
            for name, p in noun["properties"].items()
        },
        "relationships": {
            name: _relationship(r["type"], r.get("required"), r.get("description"))
            for name, r in noun["relationships"].items()
        },
        "actions": list(noun["actions"]),
        "events": list(noun["events"]),
    }


def normal_yaml(noun: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "singular": noun.get("singular"),
        "plural": noun.get("plural"),
        "description": noun.get("description"),
        "properties": {
            name: {
                "type": "datetime" if p.get("type") == "timestamp" else p.get("type"),
                "optional": p.get("optional", False),
                "description": p.get("description"),
                "examples": list(p.get("examples", [])),
            }
            for name, p in (noun.get("properties") or {}).items()
        },
        "relationships": {
            name: _relationship(r["type"], r.get("required"), r.get("description"))
            for name, r in (noun.get("relationships") or {}).items()
        },
        "actions": _action_names(noun.get("actions")),
        "events": list(noun.get("events") or []),
    }


def normal_api(noun: Any, seed_has_id: bool) -> dict[str, Any]:
    props = dict(noun.properties)
    names = list(props)
    # A noun that declares no `id` gets one from the library (only CustomerSegment here).
    if not seed_has_id and names and "id" in (names[0], names[-1]):
        del props["id"]
    for name, action in noun.actions.items():
        assert action.name == name
    return {
        "singular": noun.singular,
        "plural": noun.plural,
        "description": noun.description,
        "properties": {
            name: {
                "type": p.type,
                "optional": p.optional,
                "description": p.description,
                "examples": list(p.examples),
            }
            for name, p in props.items()
        },
        "relationships": {
            name: {"type": r.type, "required": r.required, "description": r.description}
            for name, r in noun.relationships.items()
        },
        "actions": list(noun.actions),
        "events": list(noun.events),
    }


def assert_same(name: str, got: dict[str, Any], want: dict[str, Any]) -> None:
    """Field by field, so a failure names the noun, the member and the key."""
    for key in ("singular", "plural", "description"):
        assert got[key] == want[key], f"{name}.{key}"
    for section in ("properties", "relationships"):
        assert list(got[section]) == list(want[section]), f"{name}.{section}: names or order"
        for member, spec in want[section].items():
            for key, value in spec.items():
                assert got[section][member][key] == value, f"{name}.{section}.{member}.{key}"
    assert got["actions"] == want["actions"], f"{name}.actions"
    assert got["events"] == want["events"], f"{name}.events"


# --------------------------------------------------------------------------
# The catalog as raw YAML
# --------------------------------------------------------------------------


def catalog_files() -> list[Path]:
    return sorted(p for p in NOUNS_DIR.rglob("*") if p.suffix in (".yaml", ".yml"))


@functools.cache
def raw_catalog() -> dict[str, dict[str, Any]]:
    nouns: dict[str, dict[str, Any]] = {}
    where: dict[str, Path] = {}
    for path in catalog_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert isinstance(doc, dict), f"{path}: a noun file is a mapping of nouns"
        for name, noun in doc.items():
            assert name not in nouns, f"{name} is declared in {where[name]} and in {path}"
            nouns[name], where[name] = noun, path
    return nouns


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_seed_converter_handles_flattened_comments() -> None:
    src = (
        "{ // Identity id: { type: 'string', description: 'It\\'s // not a comment', },"
        " // Account Health score: { type: 'number', examples: [1, 2.5,], }, }"
    )
    assert json.loads(ts_literal_to_json(src)) == {
        "id": {"type": "string", "description": "It's // not a comment"},
        "score": {"type": "number", "examples": [1, 2.5]},
    }


def test_seed_has_the_four_customer_nouns() -> None:
    nouns = seed_nouns()
    assert list(nouns) == list(SEED_NOUNS)
    customer = nouns["ServiceCustomer"]
    assert customer["properties"]["createdAt"] == {
        "type": "date",
        "optional": True,
        "description": "Creation date",
    }
    assert customer["relationships"]["subscriptions"]["type"] == "ServiceSubscription[]"


@pytest.mark.parametrize("name", SEED_NOUNS)
def test_raw_yaml_matches_seed(name: str) -> None:
    catalog = raw_catalog()
    assert name in catalog, f"{name} is not declared in {NOUNS_DIR}"
    assert_same(name, normal_yaml(catalog[name]), normal_seed(seed_nouns()[name]))


@pytest.mark.parametrize("name", SEED_NOUNS)
def test_registry_matches_seed(name: str) -> None:
    from nounkit import Registry

    reg = Registry.load([str(NOUNS_DIR)])
    seed = seed_nouns()[name]
    got = normal_api(reg.nouns[name], seed_has_id="id" in seed["properties"])
    assert_same(name, got, normal_seed(seed))


def test_catalog_header_explains_datetime() -> None:
    header = (NOUNS_DIR / "customers.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "datetime" in header and "`date`" in header
    seed_dates = [
        f"{noun}.{prop}"
        for noun, decl in seed_nouns().items()
        for prop, p in decl["properties"].items()
        if p["type"] == "date"
    ]
    assert len(seed_dates) == 10, seed_dates


# --------------------------------------------------------------------------
# The catalog hangs together (checked on the raw YAML, without the library)
# --------------------------------------------------------------------------

_IRREGULAR = {"reset": "reset", "send": "sent", "pay": "paid"}


def derived_event(action: str) -> str:
    """Past tense of the verb; ``verbObject`` becomes ``objectVerbed``."""
    m = re.fullmatch(r"([a-z]+)([A-Z]\w*)?", action)
    assert m, action
    verb, obj = m.group(1), m.group(2)
    if verb in _IRREGULAR:
        past = _IRREGULAR[verb]
    elif verb.endswith("e"):
        past = verb + "d"
    elif re.search(r"[^aeiou]y$", verb):
        past = verb[:-1] + "ied"
    else:
        past = verb + "ed"
    return obj[0].lower() + obj[1:] + past[0].upper() + past[1:] if obj else past


def _actions(noun: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    actions = noun.get("actions") or []
    if isinstance(actions, Mapping):
        return {k: dict(v or {}) for k, v in actions.items()}
    out: dict[str, dict[str, Any]] = {}
    for item in actions:
        if isinstance(item, str):
            out[item] = {}
        else:
            ((k, v),) = item.items()
            out[k] = dict(v or {})
    return out


def test_every_relationship_target_is_declared_and_backrefs_pair_up() -> None:
    catalog = raw_catalog()
    for name, noun in catalog.items():
        for rel, r in (noun.get("relationships") or {}).items():
            target = r["type"].removesuffix("[]")
            assert target in catalog, f"{name}.{rel}: {target} is not declared"
            if "backref" not in r:
                continue
            inverse = (catalog[target].get("relationships") or {}).get(r["backref"])
            assert inverse, f"{name}.{rel}: {target} has no {r['backref']}"
            assert inverse["type"].removesuffix("[]") == name, f"{name}.{rel} ↔ {r['backref']}"
            assert r["type"].endswith("[]") != inverse["type"].endswith("[]"), (
                f"{name}.{rel} ↔ {r['backref']}: one side to-one, the other to-many"
            )
            if "backref" in inverse:
                assert inverse["backref"] == rel, f"{target}.{r['backref']} points elsewhere"


def test_names_singulars_and_plurals_are_unique() -> None:
    seen: dict[str, str] = {}
    for name, noun in raw_catalog().items():
        for word in {name, noun["singular"], noun["plural"]}:
            assert word not in seen, f"{word!r} is used by {seen[word]} and {name}"
            seen[word] = name


def test_every_action_emits_a_declared_event() -> None:
    for name, noun in raw_catalog().items():
        for action, opts in _actions(noun).items():
            event = opts.get("emits") or derived_event(action)
            assert event in noun["events"], f"{name}.{action} emits {event!r}, not in events"


def test_lifecycles_are_sound() -> None:
    for name, noun in raw_catalog().items():
        lc = noun.get("lifecycle")
        if not lc:
            continue
        states, final = lc["states"], set(lc.get("final", []))
        prop = lc.get("property", "status")
        assert prop in noun["properties"], f"{name}: lifecycle over unknown {prop}"
        assert lc["initial"] in states and final <= set(states), name
        actions = _actions(noun)
        reached = {lc["initial"]}
        for action, t in lc["transitions"].items():
            assert action in actions, f"{name}: transition {action} is not an action"
            kind = actions[action].get("kind", "transition")
            assert kind == "transition", f"{name}.{action} is a transition"
            sources = t["from"] if isinstance(t["from"], list) else [t["from"]]
            # A state, a list of states, or state: condition (the first that holds).
            targets = list(t["to"]) if isinstance(t["to"], list | dict) else [t["to"]]
            assert set(sources) - {"*"} <= set(states) - final, f"{name}.{action}: from"
            assert set(targets) <= set(states), f"{name}.{action}: to"
            reached.update(targets)
        assert reached == set(states), f"{name}: unreachable {set(states) - reached}"
