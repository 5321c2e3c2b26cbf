"""Rules: `on:` limits when a rule is checked; a rule must be a condition; a broken rule's
message says what broke and nothing about a value (issue 14, rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nounkit import Registry
from nounkit.errors import DefinitionError, ValidationError
from nounkit.language.codes import Code

CARDS = """\
Card:
  properties:
    number:    {type: string}
    expiresOn: {type: date}
    total:     {type: number, optional: true}
    status:    {type: string, enum: [active, expired], default: active}
  actions: [create, update, expire]
  events: [created, updated, expired]
  lifecycle:
    initial: active
    transitions:
      expire: {from: active, to: expired}
  rules:
    - check: "total is null or total >= 0"
      message: a new card starts with no debt
      on: [create]
"""


def load(tmp_path: Path, text: str) -> Registry:
    (tmp_path / "nouns.yaml").write_text(text, "utf-8")
    return Registry.load(tmp_path / "nouns.yaml", storage="memory://")


def test_a_rule_on_create_is_not_checked_on_later_actions(tmp_path: Path) -> None:
    reg = load(tmp_path, CARDS)
    with pytest.raises(ValidationError) as caught:
        reg.act("create", noun="Card", data={"number": "1", "expiresOn": "2027-01-01", "total": -5})
    assert str(caught.value).rstrip().endswith("Card.rules[0]: a new card starts with no debt")
    card = reg.act("create", noun="Card", data={"number": "2", "expiresOn": "2027-06-01"})
    reg.act("update", noun="Card", id=card.id, data={"total": -5})  # not checked on update
    assert reg.act("expire", noun="Card", id=card.id).entity.status == "expired"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ('{check: "total"}', Code.NOT_BOOLEAN),
        ('{check: "total * 2"}', Code.NOT_BOOLEAN),
        ('{check: "number"}', Code.NOT_BOOLEAN),
        ('{check: "total > 0", on: [craete]}', Code.RULE_ON_UNKNOWN),
    ],
)
def test_a_rule_that_is_no_condition_or_names_no_action_is_refused(
    tmp_path: Path, rule: str, code: Code
) -> None:
    text = CARDS.replace("  rules:\n", f"  rules:\n    - {rule}\n")
    with pytest.raises(DefinitionError) as caught:
        load(tmp_path, text)
    assert [p.code for p in caught.value.problems] == [code]


def test_a_value_types_rule_takes_no_on(tmp_path: Path) -> None:
    text = (
        "V:\n  kind: value\n  properties:\n    a: {type: number}\n"
        "  rules:\n    - {check: 'a > 0', on: [create]}\n"
        "N:\n  properties:\n    v: {type: V}\n"
    )
    with pytest.raises(DefinitionError) as caught:
        load(tmp_path, text)
    assert [p.code for p in caught.value.problems] == [Code.RULE_ON_UNKNOWN]


def test_a_derived_to_many_list_is_a_query_error_saying_what_to_ask() -> None:
    from nounkit.errors import QueryError

    reg = Registry.load(Path(__file__).resolve().parents[2] / "nouns", storage="memory://")
    for where in (
        {"entitlements": {"$contains": "e1"}},
        {"$or": [{"name": "A"}, {"entitlements": "e1"}]},
    ):
        with pytest.raises(QueryError, match=r"ServiceEntitlement with \{'customer': <id>\}"):
            reg.list("ServiceCustomer", where=where)
    with pytest.raises(QueryError, match=r"is read from ServiceEntitlement\.customer"):
        reg.list("ServiceCustomer", sort={"entitlements": 1})
    assert reg.list("ServiceCustomer", where={"name": "A"}) == []
