"""The catalogs in examples/ load and behave: value types, enums, computed values over
arrays, nested errors, queries and schemas (examples/README.md says what each shows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from nounkit import Registry, ValidationError
from nounkit.codegen.jsonschema import noun_schema
from nounkit.errors import TransitionNotAllowed

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load(name: str, tmp_path: Path) -> Registry:
    return Registry.load(EXAMPLES / name, storage=f"sqlite:///{tmp_path}/db.sqlite")


ITEMS: list[dict[str, Any]] = [
    {"sku": "WIDGET", "quantity": 3, "unitPrice": 9.5},
    {"sku": "SETUP", "quantity": 1, "unitPrice": 0},
]
ADDRESS = {"street": "1 Market St", "city": "San Francisco", "state": "CA", "country": "US"}


def test_quotes_compute_items_and_totals_and_move_through_their_lifecycle(
    tmp_path: Path,
) -> None:
    reg = load("quotes", tmp_path)
    data = {"number": "Q-1", "items": ITEMS, "discount": 0.1, "shipTo": ADDRESS}
    quote = reg.act("create", noun="CustomerQuote", data=data).entity
    assert [item.totalPrice for item in quote.items] == [28.5, 0]  # type: ignore[attr-defined]
    assert (quote.subtotal, quote.total, quote.status) == (28.5, 25.65, "draft")  # type: ignore[attr-defined]
    reg.act("send", noun="CustomerQuote", id=quote.id)
    assert reg.get("CustomerQuote", quote.id).status == "sent"  # type: ignore[attr-defined]
    reg.act("accept", noun="CustomerQuote", id=quote.id)
    with pytest.raises(TransitionNotAllowed):
        reg.act("send", noun="CustomerQuote", id=quote.id)
    found = reg.list("CustomerQuote", where={"shipTo.city": "San Francisco", "items.sku": "SETUP"})
    assert [q.id for q in found] == [quote.id]
    reg.close()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"shipTo": {"street": 5, "cty": "SF", "country": "US"}}, "shipTo.street"),
        ({"shipTo": "123 Main"}, "shipTo"),
        ({"items": [*ITEMS, {"sku": "X", "quantity": 0, "unitPrice": 1}]}, "items[2].quantity"),
        ({"items": []}, "items"),
        ({"items": [{"sku": "FREE", "quantity": 2, "unitPrice": 0}]}, "items[0].rules[0]"),
    ],
)
def test_a_bad_quote_names_the_whole_path(
    change: dict[str, Any], path: str, tmp_path: Path
) -> None:
    reg = load("quotes", tmp_path)
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="CustomerQuote", data={"number": "Q-2", "items": ITEMS, **change})
    assert path in [error.path for error in caught.value.errors]
    assert reg.list("CustomerQuote") == []
    reg.close()


def test_conversations_count_and_sum_their_history(tmp_path: Path) -> None:
    reg = load("conversations", tmp_path)
    history = [
        {"role": "user", "content": "Hello", "sentAt": "2026-12-01T10:00:00Z", "tokens": 3},
        {"role": "assistant", "content": "Hi!", "sentAt": "2026-12-01T10:00:02Z", "tokens": 2},
        {"role": "tool", "content": "lookup", "sentAt": "2026-12-01T10:00:03+01:00"},
    ]
    talk = reg.act("create", noun="Conversation", data={"history": history}).entity
    assert (talk.messageCount, talk.totalTokens, talk.needsHuman) == (3, 5, False)  # type: ignore[attr-defined]
    empty = reg.act("create", noun="Conversation").entity
    assert (empty.messageCount, empty.totalTokens) == (0, 0)  # type: ignore[attr-defined]
    late = {"history.sentAt": {"$gt": "2026-12-01T09:30:00Z"}}  # any message after 09:30Z
    assert [c.id for c in reg.list("Conversation", where=late)] == [talk.id]
    with pytest.raises(ValidationError) as caught:
        reg.act(
            "update",
            noun="Conversation",
            id=talk.id,
            data={"history": [{**history[0], "role": "bot"}]},
        )
    assert [e.path for e in caught.value.errors] == ["history[0].role"]
    reg.close()


def test_accounts_read_their_mrr_value_and_enums(tmp_path: Path) -> None:
    reg = load("saas-metrics", tmp_path)
    mrr = {"amount": 1200, "currency": "EUR", "asOf": "2026-11-30"}
    account = reg.act(
        "create",
        noun="Account",
        data={"name": "Acme", "tier": "growth", "industry": "software", "mrr": mrr},
    ).entity
    assert account.arr == 14400  # type: ignore[attr-defined]
    free = reg.act("create", noun="Account", data={"name": "Tiny"}).entity
    assert (free.tier, free.arr) == ("free", None)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="Account", data={"name": "X", "mrr": {**mrr, "currency": "euro"}})
    assert [e.path for e in caught.value.errors] == ["mrr.currency"]
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="Account", data={"name": "Y", "mrr": mrr})  # free, with revenue
    assert [e.path for e in caught.value.errors] == ["rules[0]"]
    euros = reg.list("Account", where={"mrr.currency": "EUR"}, sort={"mrr.amount": -1})
    assert [a.id for a in euros] == [account.id]
    reg.close()


@pytest.mark.parametrize("name", ["quotes", "conversations", "saas-metrics"])
def test_every_example_schema_is_valid_and_self_contained(name: str, tmp_path: Path) -> None:
    reg = load(name, tmp_path)
    for noun in reg.nouns.values():
        schema = noun_schema(noun, reg.nouns, base="https://example.org/")
        Draft202012Validator.check_schema(schema)
        refs = {ref.removeprefix("#/$defs/") for ref in _refs(schema)}
        assert refs <= set(schema.get("$defs", {}))  # every $ref resolves inside the file
    reg.close()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_check_counts_value_types_and_enums(capsys: pytest.CaptureFixture[str]) -> None:
    from nounkit.cli import main

    assert main(["check", "--nouns", str(EXAMPLES / "quotes")]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("1 noun, 2 value types and 1 enum from 1 file: no problems")
