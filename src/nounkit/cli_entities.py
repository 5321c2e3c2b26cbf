"""``nounkit act``, ``get``, ``list``, ``events``, ``export`` and ``demo``: entities from the shell.

Output is JSON: one document for ``act``, ``get`` and ``list`` (``get --jsonld``: the
entity's JSON-LD); one event per line for ``events`` (so ``--follow`` can stream);
``export`` streams JSON or JSON-LD lines, or N-Quads.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nounkit.errors import NounkitError, ValidationError

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.registry import Registry
    from nounkit.storage.base import Event

__all__ = ["add_commands"]


class UsageError(NounkitError):
    """A command-line argument that cannot be read (bad JSON, a missing file)."""


def _registry(args: argparse.Namespace) -> Registry:
    from nounkit.registry import Registry

    return Registry.load(args.nouns or None, storage=args.storage)


def _json_argument(text: str | None, what: str) -> Any:
    """JSON given inline, or ``@file`` to read it from a file (``@-``: standard input)."""
    if text is None:
        return None
    source = text
    if text.startswith("@"):
        name = text[1:]
        try:
            source = sys.stdin.read() if name == "-" else Path(name).read_text("utf-8")
        except OSError as exc:
            raise UsageError(f"{what}: cannot read {name!r}: {exc.strerror or exc}") from exc
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{what} is not JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}; write it like '{{\"amount\": 5}}' or @file.json"
        ) from exc


def _mapping_argument(text: str | None, what: str) -> Mapping[str, Any] | None:
    value = _json_argument(text, what)
    if value is not None and not isinstance(value, dict):
        raise UsageError(f"{what} must be a JSON object, not {type(value).__name__}")
    return value


def _entity_json(entity: Entity | None) -> Any:
    return None if entity is None else entity.model_dump(mode="json", by_alias=True)


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _act(args: argparse.Namespace) -> int:
    data = _mapping_argument(args.data, "--data")
    with _registry(args) as registry:
        result = registry.act(
            args.action,
            noun=args.noun,
            id=args.id,
            data=data,
            actor=args.actor,
            tenant=args.tenant,
            roles=args.role or (),
        )
        _print_json(
            {
                "noun": result.noun,
                "id": result.id,
                "version": result.version,
                "deleted": result.deleted,
                "entity": _entity_json(result.entity),
                "events": [asdict(e) for e in result.events],
            },
            sys.stdout,
        )
    return 0


def _get(args: argparse.Namespace) -> int:
    with _registry(args) as registry:
        entity = registry.get(args.noun, args.id, tenant=args.tenant)
        _print_json(registry.to_jsonld(entity) if args.jsonld else _entity_json(entity), sys.stdout)
    return 0


def _export(args: argparse.Namespace) -> int:
    from nounkit.jsonld.export import export_lines

    where = _mapping_argument(args.where, "--where")
    if args.batch < 1:
        raise UsageError(f"--batch must be at least 1, not {args.batch}")
    progress = _export_progress(args.noun, sys.stderr)
    with _registry(args) as registry:
        name = registry.noun(args.noun).name

        def pages() -> Iterator[list[Entity]]:
            cursor: str | None = None
            while True:
                entities, cursor = registry.page(
                    name, where=where, limit=args.batch, after=cursor, tenant=args.tenant
                )
                yield entities
                if cursor is None or len(entities) < args.batch:
                    return

        for chunk in export_lines(registry.schema, args.format, pages(), progress=progress):
            sys.stdout.write(chunk)
        if progress is not None:
            print(file=sys.stderr)  # end the progress line
    sys.stdout.flush()
    return 0


def _export_progress(noun: str, out: TextIO) -> Callable[[int], None] | None:
    """A count on one line of a terminal; None when stderr is not a terminal (a log or pipe)."""
    if not out.isatty():
        return None

    def show(done: int) -> None:
        print(
            f"\rexporting {noun}: {done} entit{'y' if done == 1 else 'ies'}",
            end="",
            file=out,
            flush=True,
        )

    return show


def _list(args: argparse.Namespace) -> int:
    where = _mapping_argument(args.where, "--where")
    sort = _mapping_argument(args.sort, "--sort")
    with _registry(args) as registry:
        entities, cursor = registry.page(
            args.noun,
            where=where,
            sort=sort,
            limit=args.limit,
            offset=args.offset,
            after=args.after,
            tenant=args.tenant,
        )
        _print_json([_entity_json(e) for e in entities], sys.stdout)
        if cursor is not None:
            print(f"next page: --after {cursor}", file=sys.stderr)
    return 0


def _events(args: argparse.Namespace) -> int:
    import fnmatch
    import time

    def wanted(event: Event) -> bool:
        return (
            (args.noun is None or event.noun == args.noun)
            and (args.name is None or fnmatch.fnmatchcase(event.name, args.name))
            and (args.tenant is None or event.tenant == args.tenant)
        )

    printed = 0
    with _registry(args) as registry:
        position = args.since  # in the whole log: filters never make the wait spin
        idle_since = time.monotonic()
        while True:
            batch = registry.events(position, limit=500)
            for event in batch:
                position = event.seq
                if wanted(event):
                    sys.stdout.write(json.dumps(asdict(event), ensure_ascii=False) + "\n")
                    printed += 1
                    if args.limit is not None and printed >= args.limit:
                        return 0
            sys.stdout.flush()
            if len(batch) == 500:
                continue
            if not args.follow:
                return 0
            if batch:
                idle_since = time.monotonic()
            elif args.idle_exit is not None and time.monotonic() - idle_since >= args.idle_exit:
                return 0
            registry.storage.wait_for_events(position, timeout=1.0)


DEMO_CUSTOMER = {
    "name": "Acme Analytics",
    "type": "business",
    "email": "ops@acme.example",
    "monthlySpend": 1200,
}


def _demo(args: argparse.Namespace) -> int:
    """The customer catalog at work: a customer, an entitlement used up and reset."""
    with _registry(args) as registry:
        last = registry.events()
        start = last[-1].seq if last else 0
        actor = "demo"
        customer = registry.act("ServiceCustomer.create", data=DEMO_CUSTOMER, actor=actor)
        registry.act("ServiceCustomer.activate", id=customer.id, actor=actor)
        segment = registry.act(
            "CustomerSegment.create", data={"name": "Analytics", "type": "behavioral"}, actor=actor
        )
        registry.act("addCustomer", id=segment.id, data={"customer": customer.id}, actor=actor)
        grant = registry.act(
            "grant",
            data={"name": "API calls", "type": "quota", "customer": customer.id, "limit": 1000},
            actor=actor,
        )
        registry.act("consume", id=grant.id, data={"amount": 400}, actor=actor)
        try:
            registry.act("consume", id=grant.id, data={"amount": 700}, actor=actor)
        except ValidationError as refused:
            print(f"refused, as it should be: {refused.errors[0].message}")
        registry.act("consume", id=grant.id, data={"amount": 600}, actor=actor)
        registry.act("reset", id=grant.id, actor=actor)
        usage = registry.act(
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
        registry.act("aggregate", id=usage.id, actor=actor)
        registry.act("finalize", id=usage.id, actor=actor)
        registry.act("ServiceCustomer.suspend", id=customer.id, actor=actor)
        registry.act("ServiceCustomer.reactivate", id=customer.id, actor=actor)
        entitlement = registry.get("ServiceEntitlement", grant.id).model_dump()
        events = registry.events(start)
        print(f"storage: {registry.storage.url}")
        print(f"{'seq':>5}  {'event':<36} {'entity':<28} version")
        for event in events:
            print(f"{event.seq:>5}  {event.name:<36} {event.entity_id:<28} {event.version}")
        print(
            f"\n{len(events)} events; entitlement {entitlement['status']}, used "
            f"{entitlement['usedAmount']:g} of {entitlement['limit']:g}"
        )
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the entity commands to the ``nounkit`` parser's subcommands."""

    def command(
        name: str, run: Callable[[argparse.Namespace], int], summary: str
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(
            name, help=summary, description=summary, parents=[common]
        )
        parser.set_defaults(run=run)
        return parser

    act = command("act", _act, "run an action and print the entity and its events as JSON")
    act.add_argument("action", metavar="ACTION", help="a verb (grant) or Noun.verb")
    act.add_argument("--noun", help="the noun, when the verb alone is ambiguous")
    act.add_argument("--id", help="the entity to act on")
    act.add_argument("--data", metavar="JSON", help="input as JSON, or @file (@- for stdin)")
    act.add_argument("--actor", help="who acts (recorded on the events)")
    act.add_argument("--role", action="append", metavar="ROLE", help="a role the actor holds")
    act.add_argument("--tenant", help="the tenant to act in")

    get = command("get", _get, "print one entity as JSON")
    get.add_argument("noun", metavar="NOUN")
    get.add_argument("id", metavar="ID")
    get.add_argument("--tenant")
    get.add_argument(
        "--jsonld", action="store_true", help="print its Schema.org JSON-LD (compact) document"
    )

    export = command(
        "export",
        _export,
        "stream every entity of a noun: JSON or JSON-LD lines, or N-Quads",
    )
    export.add_argument("noun", metavar="NOUN")
    export.add_argument(
        "--format",
        choices=("json", "jsonld", "nquads"),
        default="json",
        help="json (one entity per line, the default), jsonld (one compact JSON-LD "
        "document per line) or nquads",
    )
    export.add_argument("--where", metavar="JSON", help="only the entities matching this query")
    export.add_argument("--tenant")
    export.add_argument(
        "--batch", type=int, default=500, metavar="N", help="entities read per page (default 500)"
    )

    listing = command("list", _list, "print the entities matching a query as a JSON list")
    listing.add_argument("noun", metavar="NOUN")
    listing.add_argument("--where", metavar="JSON", help='e.g. \'{"status": "active"}\'')
    listing.add_argument("--sort", metavar="JSON", help="e.g. '{\"monthlySpend\": -1}'")
    listing.add_argument("--limit", type=int)
    listing.add_argument("--offset", type=int, default=0)
    listing.add_argument("--after", metavar="CURSOR", help="continue after a previous page")
    listing.add_argument("--tenant")

    events = command("events", _events, "print events from the log, one JSON line each")
    events.add_argument(
        "--since", type=int, default=0, metavar="SEQ", help="only events after this sequence number"
    )
    events.add_argument("--noun")
    events.add_argument("--name", help="full event name; * wildcards allowed")
    events.add_argument("--limit", type=int)
    events.add_argument("--tenant")
    events.add_argument("--follow", action="store_true", help="keep printing new events")
    events.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="with --follow: stop after this long without new events",
    )

    command("demo", _demo, "run the customer catalog's flow and print its events")
