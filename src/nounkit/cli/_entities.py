"""``act``, ``get``, ``list``, ``export``, ``events``, ``migrate``, ``demo``: entities.

Output is JSON: one document for ``act``, ``get`` and ``list`` (``get --jsonld``: the
entity's JSON-LD); one event per line for ``events`` (so ``--follow`` can stream);
``export`` streams JSON or JSON-LD lines, or N-Quads.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nounkit.cli._shared import (
    EXIT_INPUT,
    EXIT_OK,
    Progress,
    UsageError,
    complete_actions,
    complete_nouns,
    mapping_argument,
    nouns_option,
    on_terminal,
    out_option,
    print_json,
    registry,
    storage_option,
    tenant_option,
)
from nounkit.errors import ValidationError

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.storage.base import Event

__all__ = ["act", "demo", "events", "export", "get", "listing", "migrate"]


def _entity_json(entity: Entity | None) -> Any:
    return None if entity is None else entity.model_dump(mode="json", by_alias=True)


@click.command(short_help="Run an action; print the entity and events.")
@click.argument("action", shell_complete=complete_actions)
@nouns_option
@storage_option
@click.option("--noun", shell_complete=complete_nouns, help="the noun, when the verb is ambiguous")
@click.option("--id", "entity_id", metavar="ID", help="the entity to act on")
@click.option("--data", metavar="JSON", help="input as JSON, or @file (@- for standard input)")
@click.option("--actor", help="who acts (recorded on the events)")
@click.option("--role", multiple=True, metavar="ROLE", help="a role the actor holds (repeatable)")
@tenant_option
def act(
    action: str,
    nouns: tuple[str, ...],
    storage: str | None,
    noun: str | None,
    entity_id: str | None,
    data: str | None,
    actor: str | None,
    role: tuple[str, ...],
    tenant: str | None,
) -> int:
    """Run ACTION (a verb, or Noun.verb) and print the entity and its events as JSON."""
    given = mapping_argument(data, "--data")
    with registry(nouns, storage) as reg:
        result = reg.act(
            action, noun=noun, id=entity_id, data=given, actor=actor, tenant=tenant, roles=role
        )
        print_json(
            {
                "noun": result.noun,
                "id": result.id,
                "version": result.version,
                "deleted": result.deleted,
                "entity": _entity_json(result.entity),
                "events": [asdict(e) for e in result.events],
            }
        )
    return EXIT_OK


@click.command(short_help="Print one entity as JSON.")
@click.argument("noun", shell_complete=complete_nouns)
@click.argument("entity_id", metavar="ID")
@nouns_option
@storage_option
@tenant_option
@click.option("--jsonld", is_flag=True, help="print its Schema.org JSON-LD (compact) document")
def get(
    noun: str,
    entity_id: str,
    nouns: tuple[str, ...],
    storage: str | None,
    tenant: str | None,
    jsonld: bool,
) -> int:
    """Print one entity as JSON."""
    with registry(nouns, storage) as reg:
        entity = reg.get(noun, entity_id, tenant=tenant)
        print_json(reg.to_jsonld(entity) if jsonld else _entity_json(entity))
    return EXIT_OK


@click.command("list", short_help="Print the entities a query matches.")
@click.argument("noun", shell_complete=complete_nouns)
@nouns_option
@storage_option
@click.option("--where", metavar="JSON", help='a query, e.g. \'{"status": "active"}\'')
@click.option("--sort", metavar="JSON", help="e.g. '{\"monthlySpend\": -1}'")
@click.option("--limit", type=click.IntRange(min=0), metavar="N")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N")
@click.option("--after", metavar="CURSOR", help="continue after a previous page")
@tenant_option
def listing(
    noun: str,
    nouns: tuple[str, ...],
    storage: str | None,
    where: str | None,
    sort: str | None,
    limit: int | None,
    offset: int,
    after: str | None,
    tenant: str | None,
) -> int:
    """Print the entities of NOUN matching a query as a JSON list."""
    query = mapping_argument(where, "--where")
    order = mapping_argument(sort, "--sort")
    with registry(nouns, storage) as reg:
        entities, cursor = reg.page(
            noun, where=query, sort=order, limit=limit, offset=offset, after=after, tenant=tenant
        )
        print_json([_entity_json(e) for e in entities])
        if cursor is not None:
            print(f"next page: --after {cursor}", file=sys.stderr)
    return EXIT_OK


@click.command(short_help="Stream every entity of a noun.")
@click.argument("noun", shell_complete=complete_nouns)
@nouns_option
@storage_option
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "jsonld", "nquads"]),
    default="json",
    show_default=True,
    help="one entity per line, one compact JSON-LD document per line, or N-Quads",
)
@click.option("--where", metavar="JSON", help="only the entities matching this query")
@tenant_option
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    metavar="N",
    help="entities read per page",
)
@out_option("-", "the file to write (- for standard output)")
def export(
    noun: str,
    nouns: tuple[str, ...],
    storage: str | None,
    form: str,
    where: str | None,
    tenant: str | None,
    batch: int,
    out: str,
) -> int:
    """Stream every entity of NOUN: JSON or JSON-LD lines, or N-Quads."""
    from nounkit.jsonld.export import export_lines

    query = mapping_argument(where, "--where")
    with registry(nouns, storage) as reg:
        name = reg.noun(noun).name
        total = None
        if on_terminal():  # only a bar needs the count: one more query, on a terminal only
            with reg.storage.transaction(readonly=True) as tx:
                total = tx.count(name, query, tenant)

        def pages() -> Iterator[list[Entity]]:
            cursor: str | None = None
            while True:
                entities, cursor = reg.page(
                    name, where=query, limit=batch, after=cursor, tenant=tenant
                )
                yield entities
                if cursor is None or len(entities) < batch:
                    return

        target = sys.stdout if out == "-" else _open_out(out)
        try:
            with Progress(f"exporting {name}", total, least=batch) as bar:
                for chunk in export_lines(reg.schema, form, pages(), progress=bar.reached):
                    target.write(chunk)
        finally:
            if target is not sys.stdout:
                target.close()
    sys.stdout.flush()
    return EXIT_OK


def _open_out(out: str) -> Any:
    try:
        return Path(out).open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--out: cannot write {out!r}: {exc.strerror or exc}") from exc


@click.command(short_help="Print the event log, one JSON line each.")
@nouns_option
@storage_option
@click.option("--since", type=int, default=0, metavar="SEQ", help="only events after this seq")
@click.option("--noun", shell_complete=complete_nouns, help="only events of this noun")
@click.option("--name", metavar="PATTERN", help="full event name; * wildcards allowed")
@click.option("--limit", type=click.IntRange(min=0), metavar="N")
@tenant_option
@click.option("--follow", is_flag=True, help="keep printing new events")
@click.option(
    "--idle-exit",
    type=float,
    metavar="SECONDS",
    help="with --follow: stop after this long without new events",
)
def events(
    nouns: tuple[str, ...],
    storage: str | None,
    since: int,
    noun: str | None,
    name: str | None,
    limit: int | None,
    tenant: str | None,
    follow: bool,
    idle_exit: float | None,
) -> int:
    """Print events from the log, one JSON line each."""
    import fnmatch
    import time

    def wanted(event: Event) -> bool:
        return (
            (noun is None or event.noun == noun)
            and (name is None or fnmatch.fnmatchcase(event.name, name))
            and (tenant is None or event.tenant == tenant)
        )

    printed = 0
    if limit == 0:
        return EXIT_OK
    with registry(nouns, storage) as reg:
        position = since  # in the whole log: filters never make the wait spin
        idle_since = time.monotonic()
        while True:
            batch = reg.events(position, limit=500)
            for event in batch:
                position = event.seq
                if wanted(event):
                    sys.stdout.write(json.dumps(asdict(event), ensure_ascii=False) + "\n")
                    printed += 1
                    if limit is not None and printed >= limit:
                        return EXIT_OK
            sys.stdout.flush()
            if len(batch) == 500:
                continue
            if not follow:
                return EXIT_OK
            if batch:
                idle_since = time.monotonic()
            elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                return EXIT_OK
            reg.storage.wait_for_events(position, timeout=1.0)


@click.command(short_help="Copy entities and events between storages.")
@click.argument("source", metavar="FROM_URL")
@click.argument("target", metavar="TO_URL")
@nouns_option
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    metavar="N",
    help="records per target transaction",
)
def migrate(source: str, target: str, nouns: tuple[str, ...], batch: int) -> int:
    """Copy every entity, event and checkpoint from one storage to another, empty one,
    then verify the counts (exit 1 when they differ)."""
    from nounkit.cli._shared import schema
    from nounkit.storage import open_storage
    from nounkit.storage.migrate import migrate as copy
    from nounkit.storage.urls import redact

    # Only the definitions matter here (for the target's tables and indexes): no handlers.
    definitions = schema(nouns).nouns
    with (
        open_storage(source, definitions) as old,
        open_storage(target, definitions) as new,
        Progress("copying") as bar,
    ):
        report = copy(old, new, batch=batch, progress=bar.reached)
    copied = sum(report.records.values())
    print(
        f"copied {copied} entit{'y' if copied == 1 else 'ies'} of {len(report.records)} "
        f"noun{'' if len(report.records) == 1 else 's'}, {report.events} event"
        f"{'' if report.events == 1 else 's'} and {report.checkpoints} checkpoint"
        f"{'' if report.checkpoints == 1 else 's'} from {redact(source)} "
        f"to {redact(target)}"
    )
    if not report.ok:
        for mismatch in report.mismatches:
            print(f"nounkit: count mismatch: {mismatch}", file=sys.stderr)
        return EXIT_INPUT
    print("counts verified: source and target agree")
    return EXIT_OK


DEMO_CUSTOMER = {
    "name": "Acme Analytics",
    "type": "business",
    "email": "ops@acme.example",
    "monthlySpend": 1200,
}


@click.command(short_help="Run the catalog's flow; print its events.")
@nouns_option
@storage_option
def demo(nouns: tuple[str, ...], storage: str | None) -> int:
    """Run the customer catalog's flow and print the events it wrote."""
    with registry(nouns, storage) as reg:
        last = reg.events()
        start = last[-1].seq if last else 0
        actor = "demo"
        # Everything below is declared in the nouns: it runs with no handler loaded.
        segment = reg.act(
            "CustomerSegment.create", data={"name": "Analytics", "type": "behavioral"}, actor=actor
        )
        customer = reg.act(
            "ServiceCustomer.create", data={**DEMO_CUSTOMER, "segment": segment.id}, actor=actor
        )
        reg.act("ServiceCustomer.activate", id=customer.id, actor=actor)
        reg.act("sync", id=segment.id, actor=actor)  # counts its members: active
        grant = reg.act(
            "grant",
            data={"name": "API calls", "type": "quota", "customer": customer.id, "limit": 1000},
            actor=actor,
        )
        reg.act("consume", id=grant.id, data={"amount": 400}, actor=actor)
        try:
            reg.act("consume", id=grant.id, data={"amount": 700}, actor=actor)
        except ValidationError as refused:
            print(f"refused, as it should be: {refused.errors[0].message}")
        reg.act("consume", id=grant.id, data={"amount": 600}, actor=actor)
        reg.act("reset", id=grant.id, actor=actor)
        usage = reg.act(
            "record",
            data={
                "customer": customer.id,
                "periodType": "day",
                "periodStart": "2026-11-20T00:00:00Z",
                "periodEnd": "2026-11-21T00:00:00Z",
                "apiCalls": 1000,
            },
            actor=actor,
        )
        reg.act("aggregate", id=usage.id, actor=actor)
        reg.act("finalize", id=usage.id, actor=actor)
        reg.act("ServiceCustomer.suspend", id=customer.id, actor=actor)
        reg.act("ServiceCustomer.reactivate", id=customer.id, actor=actor)
        entitlement = reg.get("ServiceEntitlement", grant.id).model_dump()
        found = reg.events(start)
        print(f"storage: {reg.storage.url}")
        print(f"{'seq':>5}  {'event':<36} {'entity':<28} version")
        for event in found:
            print(f"{event.seq:>5}  {event.name:<36} {event.entity_id:<28} {event.version}")
        print(
            f"\n{len(found)} events; entitlement {entitlement['status']}, used "
            f"{entitlement['usedAmount']:g} of {entitlement['limit']:g}"
        )
    return EXIT_OK
