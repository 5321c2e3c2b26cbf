"""The shipped catalog (``nouns/``) compiled into models: each noun accepts a realistic
instance, round-trips it through JSON, and refuses each kind of bad value under the right
field path.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry, ValidationError
from nounkit.compiler.models import Entity
from nounkit.errors import FieldError

CATALOG = Path(__file__).resolve().parents[1] / "nouns"
REG = Registry.load(CATALOG)

NOUNS = (
    "ServiceCustomer",
    "ServiceEntitlement",
    "CustomerUsage",
    "CustomerSegment",
    "ServiceSubscription",
    "ServicePlan",
    "ServiceOrder",
    "Invoice",
    "SupportTicket",
)

VALID: dict[str, dict[str, Any]] = {
    "ServiceCustomer": {
        "id": "cus_01HZX3",
        "externalId": "hubspot-88412",
        "name": "Acme Robotics",
        "email": "ops@acme-robotics.example",
        "phone": "+1 415 555 0134",
        "type": "business",
        "company": "Acme Robotics Inc.",
        "industry": "Manufacturing",
        "size": "smb",
        "country": "US",
        "timezone": "America/Los_Angeles",
        "locale": "en-US",
        "billingEmail": "billing@acme-robotics.example",
        "billingAddress": {
            "street": "1 Market St",
            "city": "San Francisco",
            "postalCode": "94105",
            "country": "US",
        },
        "taxId": "US-94-1234567",
        "defaultCurrency": "USD",
        "paymentMethod": "card",
        "healthScore": 82.5,
        "riskLevel": "low",
        "lifetimeValue": 48200,
        "monthlySpend": 1999.0,
        "lastActivityAt": "2024-05-01T09:12:44Z",
        "engagementScore": -3.5,
        "createdAt": "2022-11-03T17:00:00-08:00",
        "firstPurchaseAt": "2022-11-04T10:30:00.5+00:00",
        "status": "active",
        "subscriptions": ["sub_1", "sub_2"],
        "orders": ["ord_1"],
        "invoices": ["inv_1", "inv_2"],
        "entitlements": ["ent_1"],
        "tickets": [],
        "segment": "seg_enterprise",
    },
    "ServiceEntitlement": {
        "id": "ent_1",
        "name": "API calls",
        "description": "Monthly API call quota",
        "type": "quota",
        "code": "api.calls",
        "value": {"tier": "pro"},
        "limit": 100000,
        "unlimited": False,
        "usedAmount": 1250.5,
        "resetPeriod": "monthly",
        "resetAt": "2024-06-01T00:00:00Z",
        "lastResetAt": "2024-05-01T00:00:00Z",
        "source": "plan",
        "sourceId": "plan_pro",
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2025-01-01T00:00:00Z",
        "status": "active",
        "customer": "cus_01HZX3",
        "subscription": "sub_1",
        "plan": "plan_pro",
    },
    "CustomerUsage": {
        "id": "use_2024_05",
        "periodType": "month",
        "periodStart": "2024-05-01T00:00:00Z",
        "periodEnd": "2024-06-01T00:00:00Z",
        "totalExecutions": 5400,
        "successfulExecutions": 5321,
        "failedExecutions": 61,
        "escalatedExecutions": 18,
        "tokensUsed": 1_250_000,
        "computeMinutes": 312.75,
        "storageGB": 12.4,
        "bandwidthGB": 3.1,
        "apiCalls": 98000,
        "webhookDeliveries": 410,
        "usageByResource": {"agents": 4100, "workflows": 1300},
        "quotaUsed": {"apiCalls": 98000},
        "quotaRemaining": {"apiCalls": 2000},
        "estimatedCost": 742.18,
        "currency": "USD",
        "changeFromPrevious": -4.2,
        "status": "complete",
        "customer": "cus_01HZX3",
        "subscription": "sub_1",
    },
    "CustomerSegment": {
        "id": "seg_enterprise",
        "name": "Enterprise accounts",
        "slug": "enterprise-accounts",
        "description": "Customers on enterprise contracts",
        "type": "value",
        "automated": True,
        "criteria": {"monthlySpend": {"$gte": 10000}},
        "criteriaDescription": "Monthly spend of at least 10k",
        "percentOfTotal": 3.5,
        "totalRevenue": 1_200_000,
        "avgRevenue": 28571.43,
        "avgLifetimeValue": 310000,
        "avgEngagementScore": 71.2,
        "avgUsage": 15400,
        "churnRate": 0.8,
        "targetable": True,
        "priority": 1,
        "lastSyncedAt": "2024-05-02T03:00:00Z",
        "syncFrequency": "daily",
        "status": "active",
        "customers": ["cus_01HZX3", "cus_02ABCD"],
        "parentSegment": "seg_all_paying",
        "childSegments": [],
    },
    "ServiceSubscription": {
        "id": "sub_1",
        "quantity": 25,
        "autoRenew": False,
        "startedAt": "2023-01-15T12:00:00Z",
        "currentPeriodStart": "2024-05-15T12:00:00Z",
        "currentPeriodEnd": "2024-06-15T12:00:00Z",
        "canceledAt": None,
        "status": "active",
        "customer": "cus_01HZX3",
        "plan": "plan_pro",
        "entitlements": ["ent_1"],
        "usages": ["use_2024_05"],
        "invoices": ["inv_1"],
    },
    "ServicePlan": {
        "id": "plan_pro",
        "name": "Pro",
        "description": "For growing teams",
        "price": 79.99,
        "currency": "EUR",
        "interval": "month",
        "trialDays": 14,
        "features": ["sso", "audit-log", {"seats": 50}],
        "active": True,
        "subscriptions": ["sub_1"],
        "entitlements": ["ent_1"],
    },
    "ServiceOrder": {
        "id": "ord_1",
        "orderNumber": "SO-2024-00017",
        "items": [{"sku": "plan_pro", "quantity": 25, "unitPrice": 79.99}],
        "total": 1999.75,
        "currency": "USD",
        "orderedAt": "2024-05-15T11:58:03+02:00",
        "status": "paid",
        "customer": "cus_01HZX3",
        "plan": "plan_pro",
        "invoices": ["inv_1"],
    },
    "Invoice": {
        "id": "inv_1",
        "invoiceNumber": "INV-0042",
        "amountDue": 1999.75,
        "amountPaid": 0,
        "currency": "USD",
        "issuedAt": "2024-05-15T12:00:00Z",
        "dueAt": "2024-06-14T12:00:00Z",
        "paidAt": None,
        "status": "open",
        "customer": "cus_01HZX3",
        "subscription": "sub_1",
        "order": "ord_1",
    },
    "SupportTicket": {
        "id": "tkt_981",
        "subject": "SSO login loops back to the sign-in page",
        "body": "Since this morning our users cannot sign in.\n\nSteps: ...",
        "channel": "email",
        "priority": "high",
        "openedAt": "2024-05-03T08:45:00Z",
        "resolvedAt": None,
        "status": "open",
        "customer": "cus_01HZX3",
        "subscription": "sub_1",
    },
}

# The few fields each noun cannot do without: the minimal instance.
MINIMAL: dict[str, dict[str, Any]] = {
    "ServiceCustomer": {"id": "c", "name": "Ada", "type": "individual", "status": "prospect"},
    "ServiceEntitlement": {
        "id": "e",
        "name": "Seats",
        "type": "quota",
        "status": "active",
        "customer": "c",
    },
    "CustomerUsage": {
        "id": "u",
        "periodType": "day",
        "periodStart": "2024-05-01T00:00:00Z",
        "periodEnd": "2024-05-02T00:00:00Z",
        "status": "partial",
        "customer": "c",
    },
    "CustomerSegment": {"id": "s", "name": "All", "type": "custom", "status": "active"},
    "ServiceSubscription": {
        "id": "sub",
        "startedAt": "2024-01-01T00:00:00Z",
        "status": "active",
        "customer": "c",
        "plan": "p",
    },
    "ServicePlan": {"id": "p", "name": "Free", "price": 0, "currency": "USD"},
    "ServiceOrder": {
        "id": "o",
        "total": 0,
        "currency": "USD",
        "orderedAt": "2024-01-01T00:00:00Z",
        "status": "pending",
        "customer": "c",
    },
    "Invoice": {
        "id": "i",
        "amountDue": 10,
        "currency": "USD",
        "issuedAt": "2024-01-01T00:00:00Z",
        "status": "draft",
        "customer": "c",
    },
    "SupportTicket": {
        "id": "t",
        "subject": "Help",
        "openedAt": "2024-01-01T00:00:00Z",
        "status": "open",
        "customer": "c",
    },
}


def test_the_catalog_is_the_nine_nouns() -> None:
    assert sorted(REG.nouns) == sorted(NOUNS)
    assert sorted(VALID) == sorted(NOUNS)
    assert sorted(MINIMAL) == sorted(NOUNS)


@pytest.mark.parametrize("name", NOUNS)
def test_a_realistic_instance_is_accepted(name: str) -> None:
    model = REG.model(name)
    data = VALID[name]
    entity = model.model_validate(copy.deepcopy(data))
    assert isinstance(entity, Entity)
    dumped = entity.model_dump(mode="json")
    noun = REG.nouns[name]
    for key, value in data.items():
        prop = noun.properties.get(key)
        if prop is not None and prop.type == "datetime" and value is not None:
            got = datetime.fromisoformat(dumped[key].replace("Z", "+00:00"))
            want = datetime.fromisoformat(value.replace("Z", "+00:00"))
            assert (got, got.utcoffset()) == (want, want.utcoffset()), key
        else:
            assert dumped[key] == value, key
    # every declared property and relationship is given in the realistic instance, except
    # computed ones (worked out by the dispatcher)
    given = set(data)
    declared = {k for k, p in noun.properties.items() if p.computed is None} | set(
        noun.relationships
    )
    assert given == declared


@pytest.mark.parametrize("name", NOUNS)
def test_a_realistic_instance_round_trips_through_json(name: str) -> None:
    model = REG.model(name)
    entity = model.model_validate(copy.deepcopy(VALID[name]))
    text = entity.model_dump_json()
    again = model.model_validate_json(text)
    assert again == entity
    assert again.model_dump_json() == text
    assert model.model_validate_json(json.dumps(VALID[name])) == entity


@pytest.mark.parametrize("name", NOUNS)
def test_a_minimal_instance_is_accepted_with_defaults(name: str) -> None:
    model = REG.model(name)
    entity = model.model_validate(MINIMAL[name])
    noun = REG.nouns[name]
    dumped = entity.model_dump()
    for key, prop in noun.properties.items():
        if key in MINIMAL[name]:
            continue
        assert not prop.required, key
        assert dumped[key] == (prop.default if prop.has_default else None), key
    for key, rel in noun.relationships.items():
        if key not in MINIMAL[name]:
            assert dumped[key] == ([] if rel.many else None), key


def test_catalog_defaults() -> None:
    sub = REG.model("ServiceSubscription").model_validate(MINIMAL["ServiceSubscription"])
    assert (sub.quantity, sub.autoRenew) == (1, True)
    plan = REG.model("ServicePlan").model_validate(MINIMAL["ServicePlan"])
    assert (plan.interval, plan.active) == ("month", True)
    invoice = REG.model("Invoice").model_validate(MINIMAL["Invoice"])
    assert invoice.amountPaid == 0
    ticket = REG.model("SupportTicket").model_validate(MINIMAL["SupportTicket"])
    assert ticket.priority == "normal"
    customer = REG.model("ServiceCustomer").model_validate(MINIMAL["ServiceCustomer"])
    assert customer.subscriptions == []
    assert customer.segment is None


def test_instants_are_aware_datetimes() -> None:
    order = REG.model("ServiceOrder").model_validate(VALID["ServiceOrder"])
    assert order.orderedAt == datetime(2024, 5, 15, 9, 58, 3, tzinfo=UTC)
    naive = REG.model("ServiceOrder").model_validate(
        {**MINIMAL["ServiceOrder"], "orderedAt": datetime(2024, 5, 15, 9, 58)}
    )
    assert naive.orderedAt == datetime(2024, 5, 15, 9, 58, tzinfo=UTC)


# -- bad values ----------------------------------------------------------------------------

# A value of the wrong JSON type for each kind of property.
WRONG_TYPE: dict[str, list[Any]] = {
    "string": [42, True, ["x"]],
    "text": [42],
    "number": ["2500", True, None],
    "integer": [2.5, "3", True],
    "boolean": ["yes", 1, 0],
    "datetime": ["2024-05-01", "2024-05-01T09:00:00", 1714550400, "yesterday"],
}


def _case_id(case: tuple[str, str, Any, str]) -> str:
    name, field, value, _ = case
    return f"{name}.{field}={value!r}"[:80]


def bad_cases() -> list[tuple[str, str, Any, str]]:
    """(noun, field, value, expected path): value replaces the field in the valid instance.

    A value of ``MISSING`` removes the field; ``("extra", ...)`` adds an unknown one.
    """
    cases: list[tuple[str, str, Any, str]] = []
    for name in NOUNS:
        noun = REG.nouns[name]
        for key, prop in noun.properties.items():
            if prop.computed is not None:
                continue
            for value in WRONG_TYPE.get(prop.type, []):
                if value is None and not prop.required and prop.optional:
                    continue  # an optional value may be null
                cases.append((name, key, value, key))
            if prop.optional or prop.has_default:
                pass
            else:
                cases.append((name, key, MISSING, key))
                cases.append((name, key, None, key))
            if prop.minimum is not None:
                cases.append((name, key, prop.minimum - 0.5, key))
            if prop.maximum is not None:
                cases.append((name, key, prop.maximum + 0.5, key))
            if prop.min_length:
                cases.append((name, key, "", key))
            if prop.pattern is not None:
                cases.append((name, key, "usd", key))
                cases.append((name, key, "USDX", key))
            if prop.enum is not None:
                cases.append((name, key, "sometimes", key))
                cases.append((name, key, prop.enum[0].upper(), key))
        for key, rel in noun.relationships.items():
            if rel.many:
                cases.append((name, key, "cus_1", key))
                cases.append((name, key, [1], f"{key}[0]"))
                cases.append((name, key, ["ok", {"id": "x"}], f"{key}[1]"))
                cases.append((name, key, None, key))
            else:
                cases.append((name, key, 1, key))
                cases.append((name, key, ["cus_1"], key))
                cases.append((name, key, {"id": "cus_1"}, key))
                if rel.required:
                    cases.append((name, key, MISSING, key))
                    cases.append((name, key, None, key))
        cases.append((name, "createdBy", "someone", "createdBy"))
    return cases


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
BAD = bad_cases()


def test_the_bad_cases_cover_every_kind() -> None:
    keys = {(name, field, repr(value)) for name, field, value, _ in BAD}
    # wrong type per property kind
    assert ("ServiceCustomer", "name", "42") in keys
    assert ("ServiceCustomer", "healthScore", "'2500'") in keys
    assert ("ServiceSubscription", "quantity", "2.5") in keys
    assert ("ServicePlan", "active", "'yes'") in keys
    assert ("SupportTicket", "body", "42") in keys
    # missing required
    assert ("Invoice", "amountDue", "MISSING") in keys
    assert ("ServiceEntitlement", "customer", "MISSING") in keys
    # extra field
    assert ("CustomerSegment", "createdBy", "'someone'") in keys
    # out of range
    assert ("ServiceCustomer", "healthScore", "100.5") in keys
    assert ("ServiceCustomer", "healthScore", "-0.5") in keys
    assert ("ServiceSubscription", "quantity", "0.5") in keys
    assert ("ServicePlan", "trialDays", "-0.5") in keys
    assert ("SupportTicket", "subject", "''") in keys
    # patterns and enums
    assert ("ServicePlan", "currency", "'usd'") in keys
    assert ("ServicePlan", "interval", "'sometimes'") in keys
    assert ("SupportTicket", "priority", "'LOW'") in keys
    # bad datetime
    assert ("CustomerUsage", "periodStart", "'2024-05-01'") in keys
    assert ("Invoice", "dueAt", "1714550400") in keys
    # bad relationship id type
    assert ("ServiceOrder", "customer", "1") in keys
    assert ("ServiceCustomer", "subscriptions", "[1]") in keys
    assert len(BAD) > 300


@pytest.mark.parametrize(("name", "field", "value", "path"), BAD, ids=[_case_id(c) for c in BAD])
def test_a_bad_value_is_refused_under_its_path(
    name: str, field: str, value: Any, path: str
) -> None:
    model = REG.model(name)
    data = copy.deepcopy(VALID[name])
    if value is MISSING:
        del data[field]
    else:
        data[field] = value
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    error = caught.value
    assert error.noun == name
    ident = data.get("id")
    assert error.id == (ident if isinstance(ident, str) else None)
    assert [e.path for e in error.errors] == [path]
    assert f"{name}.{path}: " in str(error)
    if value is MISSING:
        assert error.errors == [FieldError(path, "required", None)]
    elif field == "createdBy":
        assert error.errors[0].message.startswith(f"unknown field: {name} has no property")
    else:
        assert error.errors[0].message


@pytest.mark.parametrize(
    ("name", "field", "value", "message"),
    [
        ("ServiceCustomer", "healthScore", "2500", "expected a number"),
        ("ServiceCustomer", "healthScore", 101, "less than or equal to 100"),
        ("ServiceCustomer", "lifetimeValue", -1, "greater than or equal to 0"),
        ("ServiceSubscription", "quantity", 0, "greater than or equal to 1"),
        ("ServiceSubscription", "quantity", 2.5, "whole number"),
        ("ServiceSubscription", "autoRenew", 1, "expected true or false"),
        ("ServicePlan", "currency", "usd", "^[A-Z]{3}$"),
        ("ServicePlan", "interval", "fortnight", "'month'"),
        ("SupportTicket", "subject", "", "at least 1"),
        ("Invoice", "issuedAt", "2024-05-15", "RFC 3339"),
        ("ServiceOrder", "customer", 7, "an id (a string) of ServiceCustomer"),
        ("ServiceCustomer", "tickets", "tkt_1", "SupportTicket"),
        ("CustomerUsage", "tokenUsed", 5, "did you mean 'tokensUsed'?"),
    ],
)
def test_bad_values_are_explained(name: str, field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        REG.model(name).model_validate({**VALID[name], field: value})
    assert message in caught.value.errors[0].message
    assert caught.value.errors[0].path == field


def test_a_misspelt_field_gets_a_suggestion() -> None:
    with pytest.raises(ValidationError) as caught:
        REG.model("ServiceCustomer").model_validate({**VALID["ServiceCustomer"], "healtScore": 5})
    assert caught.value.errors == [
        FieldError(
            "healtScore",
            "unknown field: ServiceCustomer has no property 'healtScore'; "
            "did you mean 'healthScore'?",
            5,
        )
    ]


def test_computed_values_are_optional_in_the_model() -> None:
    # remainingAmount is computed (limit - usedAmount) by the dispatcher; the model only
    # holds it, so it may be absent, null or a number, and is never a string.
    model = REG.model("ServiceEntitlement")
    assert model.model_validate(VALID["ServiceEntitlement"]).remainingAmount is None
    held = model.model_validate({**VALID["ServiceEntitlement"], "remainingAmount": 98749.5})
    assert held.remainingAmount == 98749.5
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**VALID["ServiceEntitlement"], "remainingAmount": "lots"})
    assert [e.path for e in caught.value.errors] == ["remainingAmount"]


def test_rules_are_not_the_models_business() -> None:
    # validUntil before validFrom breaks a rule; rules are checked by the dispatcher.
    data = {**VALID["ServiceEntitlement"], "validUntil": "2023-01-01T00:00:00Z"}
    assert REG.model("ServiceEntitlement").model_validate(data).id == "ent_1"
