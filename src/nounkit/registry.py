"""The registry: one facade over the compiled schema, storage, handlers and subscribers.

Nothing inside nounkit imports this module: the layers below take the compiled
``Schema`` (``nounkit.compiler.schema``) and a store, and the registry only ties
them together for callers.
"""

from __future__ import annotations

import builtins
import importlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from os import PathLike
from types import TracebackType
from typing import TYPE_CHECKING, Any

from nounkit.compiler.schema import Schema, load_schema
from nounkit.config import Config, find_config
from nounkit.dispatch.act import Dispatcher, run_act
from nounkit.dispatch.read import entities
from nounkit.errors import Conflict, DefinitionError, NotFound, Problem, StorageError, UnknownEvent
from nounkit.language.codes import Code
from nounkit.language.spec import NounDef

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.dispatch.act import ActResult
    from nounkit.dispatch.context import Handler
    from nounkit.dispatch.subscribers import SubscriberFailure, Subscribers
    from nounkit.jsonld.processor import Form
    from nounkit.storage.base import Event, Record, Storage, Transaction

__all__ = ["Registry"]

Paths = str | PathLike[str] | Iterable[str | PathLike[str]]
EventHandler = Callable[["Event"], object]


class Registry:
    """Every loaded noun, by name, with its compiled model built on first use.

    Storage opens on first use, from ``storage=`` or the configuration
    (default ``tinydb:///.nounkit/db.json``). Close the registry, or use it as
    a context manager, to release the store.
    """

    def __init__(
        self,
        nouns: Schema | Mapping[str, NounDef],
        *,
        config: Config | None = None,
        storage: str | Storage | None = None,
    ) -> None:
        self.config = config or Config()
        # The compiled schema: immutable, shared with every layer below.
        self.schema: Schema = (
            nouns
            if isinstance(nouns, Schema)
            else Schema(nouns, base=self.config.base, vocab=self.config.vocab)
        )
        self.nouns: Mapping[str, NounDef] = self.schema.nouns
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._storage_spec = storage if storage is not None else self.config.storage
        self._storage: Storage | None = None
        self._storage_lock = threading.Lock()
        self._subscribers: Subscribers | None = None
        self._dispatcher = Dispatcher(
            self.schema, lambda: self.storage, self._handlers, self.deliver
        )

    @classmethod
    def load(
        cls,
        paths: Paths | None = None,
        *,
        storage: str | Storage | None = None,
        external: Iterable[str] | None = None,
        handlers: Iterable[str] | None = None,
        config: Config | None = None,
        strict_vocab: bool | None = None,
    ) -> Registry:
        """Load and check noun files (a file, a folder, or a list of them).

        Without ``paths``, the configuration's ``nouns`` are loaded, with its
        ``handlers``: modules whose ``register(registry)`` adds handlers and
        subscribers (pass ``handlers=`` to name them for other paths). Raises
        DefinitionError listing every problem found. Schema.org terms outside
        their class's domain warn (VocabularyWarning), or fail with
        ``strict_vocab=True`` (default: the configuration's ``strict_vocab``).
        """
        config = config if config is not None else find_config()
        if paths is None:
            chosen: list[str | PathLike[str]] = list(config.nouns)
        elif isinstance(paths, str | PathLike):
            chosen = [paths]
        else:
            chosen = list(paths)
        outside = tuple(external) if external is not None else config.external
        strict = config.strict_vocab if strict_vocab is None else strict_vocab
        schema = load_schema(
            chosen, external=outside, base=config.base, vocab=config.vocab, strict_vocab=strict
        )
        registry = cls(schema, config=config, storage=storage)
        # The configured handlers serve the configured nouns; explicit paths may be others.
        chosen_handlers = (
            handlers if handlers is not None else (config.handlers if paths is None else ())
        )
        for module in chosen_handlers:
            registry.use(module)
        return registry

    # -- nouns and models ----------------------------------------------------------------------

    def noun(self, name: str) -> NounDef:
        """The definition of a noun, by name; NotFound (with a suggestion) when there is none."""
        return self.schema.noun(name)

    def model(self, name: str) -> type[Entity]:
        """The compiled pydantic model of a noun, built once."""
        return self.schema.model(name)

    def models(self) -> dict[str, type[Entity]]:
        """Every noun's compiled model (compiling those not built yet), by name."""
        return self.schema.models()

    def input_model(self, noun: str, action: str) -> type[Entity]:
        """The model of an action's declared ``input``."""
        return self.schema.input_model(noun, action)

    def validate(self, name: str, data: Any) -> Entity:
        """Validate one instance of a noun; raise ValidationError naming every bad field."""
        return self.schema.validate(name, data)

    def derived_relationships(self, noun: str) -> Mapping[str, tuple[str, str]]:
        """To-many relationships read from their inverse: name -> (source noun, its to-one)."""
        return self.schema.derived_relationships(noun)

    # -- handlers ------------------------------------------------------------------------------

    def use(self, module: str) -> None:
        """Import a handlers module and let its ``register(registry)`` add what it has."""
        try:
            imported = importlib.import_module(module)
        except ImportError as exc:
            raise DefinitionError(
                [
                    Problem(
                        str(self.config.file or "configuration"),
                        0,
                        0,
                        "nounkit.handlers",
                        f"cannot import handlers module {module!r}: {exc}",
                        "install it, or fix the name under `handlers`",
                        code=Code.BAD_HANDLERS,
                    )
                ]
            ) from exc
        register = getattr(imported, "register", None)
        if not callable(register):
            raise DefinitionError(
                [
                    Problem(
                        str(self.config.file or "configuration"),
                        0,
                        0,
                        "nounkit.handlers",
                        f"handlers module {module!r} has no register(registry) function",
                        "define `def register(registry): ...` in it",
                        code=Code.BAD_HANDLERS,
                    )
                ]
            )
        register(self)

    def handles(
        self, action: str, *, noun: str | None = None, replace: bool = False
    ) -> Callable[[Handler], Handler]:
        """Register the Python handler of an action (``"Noun.verb"`` or a unique verb).

        An action has one handler: registering a second is a Conflict naming the first,
        unless ``replace=True`` says the new one takes its place.
        """
        from nounkit.dispatch.resolve import resolve_action

        definition, found = resolve_action(self.schema.nouns, action, noun)

        def register(handler: Handler) -> Handler:
            key = (definition.name, found.name)
            held = self._handlers.get(key)
            if held is not None and held is not handler and not replace:
                raise Conflict(
                    f"{definition.name}.{found.name} already has a handler "
                    f"({_qualname(held)}); register {_qualname(handler)} with "
                    "replace=True to replace it"
                )
            self._handlers[key] = handler
            return handler

        return register

    def handler_for(self, noun: str, action: str) -> Handler | None:
        return self._handlers.get((noun, action))

    # -- storage -------------------------------------------------------------------------------

    @property
    def storage(self) -> Storage:
        """The store, opened (and prepared for the nouns) on first use."""
        if self._storage is None:
            with self._storage_lock:
                if self._storage is None:
                    from nounkit.storage import open_storage
                    from nounkit.storage.base import Storage

                    spec = self._storage_spec
                    if isinstance(spec, Storage):
                        spec.open(self.schema.nouns)
                        self._storage = spec
                    elif isinstance(spec, str):
                        self._storage = open_storage(spec, self.schema.nouns)
                    else:
                        raise StorageError(f"storage must be a URL or a Storage, not {spec!r}")
        return self._storage

    def close(self) -> None:
        """Release the store. Safe to repeat."""
        if self._storage is not None:
            self._storage.close()
            self._storage = None

    def __enter__(self) -> Registry:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- acting and reading --------------------------------------------------------------------

    def act(
        self,
        action: str,
        *,
        id: str | None = None,
        data: Mapping[str, Any] | None = None,
        noun: str | None = None,
        actor: str | None = None,
        tenant: str | None = None,
        roles: Iterable[str] = (),
        expected_version: int | None = None,
    ) -> ActResult:
        """Run an action: one transaction, entity and events together or not at all.

        ``expected_version``: the version the caller last read; when the entity is at
        another by the time the act runs, the act fails with Conflict and changes nothing
        (optimistic locking across requests, as an HTTP ``If-Match`` gives it).
        """
        return run_act(
            self._dispatcher,
            action,
            id=id,
            data=data,
            noun=noun,
            actor=actor,
            tenant=tenant,
            roles=frozenset((roles,) if isinstance(roles, str) else roles),  # "admin": one role
            expected_version=expected_version,
        )

    def get(self, noun: str, id: str, *, tenant: str | None = None) -> Entity:
        """The entity, as stored; NotFound when missing or in another tenant."""
        definition = self.noun(noun)
        with self.storage.transaction(readonly=True) as tx:
            record = tx.get(definition.name, id, tenant)
            if record is None:
                where = f" in tenant {tenant!r}" if tenant is not None else ""
                raise NotFound(f"{definition.name} {id!r} not found{where}")
            return self.entity(definition, record.data, tx, tenant)

    def record(self, noun: str, id: str, *, tenant: str | None = None) -> Record:
        """The stored record beside the entity: version, tenant, created and updated times."""
        definition = self.noun(noun)
        record = self.storage.get(definition.name, id, tenant)
        if record is None:
            raise NotFound(f"{definition.name} {id!r} not found")
        return record

    def list(
        self,
        noun: str,
        *,
        where: Mapping[str, Any] | None = None,
        sort: Mapping[str, int] | None = None,
        limit: int | None = None,
        offset: int = 0,
        tenant: str | None = None,
    ) -> builtins.list[Entity]:
        """Entities matching a Mongo-style ``where``; every match when ``limit`` is None."""
        entities, _ = self.page(
            noun, where=where, sort=sort, limit=limit, offset=offset, tenant=tenant
        )
        return entities

    def page(
        self,
        noun: str,
        *,
        where: Mapping[str, Any] | None = None,
        sort: Mapping[str, int] | None = None,
        limit: int | None = None,
        offset: int = 0,
        after: str | None = None,
        tenant: str | None = None,
    ) -> tuple[builtins.list[Entity], str | None]:
        """One page of entities and the cursor of the next (None at the end)."""
        from nounkit.dispatch.read import check_derived, read_page
        from nounkit.storage.base import Query

        definition = self.noun(noun)
        check_derived(self.schema, definition, where, sort)
        query = Query(where=where, sort=sort, limit=limit, offset=offset, after=after)
        with self.storage.transaction(readonly=True) as tx:
            return read_page(self.schema, definition, query, tx, tenant)

    def events(
        self,
        since: int = 0,
        *,
        noun: str | None = None,
        name: str | None = None,
        limit: int | None = None,
        tenant: str | None = None,
    ) -> builtins.list[Event]:
        """The durable, ordered event log: events with ``seq > since``."""
        with self.storage.transaction(readonly=True) as tx:
            return tx.events(since, limit=limit, noun=noun, name=name, tenant=tenant)

    def entity(
        self, noun: NounDef, data: Mapping[str, Any], tx: Transaction, tenant: str | None
    ) -> Entity:
        """A stored record's data as the compiled model, derived relationships filled in."""
        return entities(self.schema, noun, [data], tx, tenant)[0]

    def entities(
        self,
        noun: NounDef,
        rows: Sequence[Mapping[str, Any]],
        tx: Transaction,
        tenant: str | None,
    ) -> builtins.list[Entity]:
        """Stored records as models, every derived list of every record read at once."""
        return entities(self.schema, noun, rows, tx, tenant)

    # -- JSON-LD (nounkit.jsonld) ---------------------------------------------------------------

    def context(self, noun: str) -> dict[str, Any]:
        """The noun's JSON-LD context, as ``schemas/<singular>.context.jsonld`` holds it."""
        from nounkit.jsonld import engine

        return engine(self.schema).context(noun)

    def to_jsonld(self, entity: Any, *, form: Form = "compact", noun: str | None = None) -> Any:
        """An entity as JSON-LD: a compact document (``@id`` is ``<base><plural>/<id>``),
        ``form="expanded"`` (a list of nodes) or ``form="nquads"`` (N-Quads text).

        ``entity`` is an instance of a compiled model, or a mapping with ``noun=``.
        """
        from nounkit.jsonld import engine

        return engine(self.schema).to_jsonld(entity, form=form, noun=noun)

    def from_jsonld(self, document: Any, *, noun: str | None = None) -> Entity:
        """The validated entity a JSON-LD document describes (compact or expanded; Schema.org
        IRIs over http or https). Remote contexts, oversized or deeply nested documents are
        refused with JsonLdError; wrong values are a ValidationError naming the field.
        """
        from nounkit.jsonld import engine

        return engine(self.schema).from_jsonld(document, noun=noun)

    def event_to_jsonld(self, event: Event, *, form: Form = "compact") -> Any:
        """An event as a Schema.org action (CreateAction, UpdateAction, DeleteAction, or
        Action named by its verb) with agent, object, end time and result."""
        from nounkit.jsonld import engine

        return engine(self.schema).event_to_jsonld(event, form=form)

    # -- events after commit -------------------------------------------------------------------

    @property
    def subscribers(self) -> Subscribers:
        if self._subscribers is None:
            from nounkit.dispatch.subscribers import Subscribers

            self._subscribers = Subscribers(lambda: self.storage)
        return self._subscribers

    def on(
        self, pattern: str, *, durable: str | None = None
    ) -> Callable[[EventHandler], EventHandler]:
        """Subscribe to events by full name with ``*`` wildcards (``"ServiceEntitlement.*"``).

        Subscribers run after commit, in order; a failure is recorded in
        :attr:`failures`, never raised into the caller. With ``durable=NAME``
        the subscriber keeps a checkpoint in storage and, on registration,
        first handles every event it has not seen.
        """
        from nounkit.dispatch.subscribers import Subscriber

        _check_pattern(self.schema, pattern)

        def register(handler: EventHandler) -> EventHandler:
            self.subscribers.add(Subscriber(pattern, handler, durable))
            return handler

        return register

    def deliver(self, events: builtins.list[Event]) -> None:
        if self._subscribers is not None:
            self._subscribers.deliver(events)

    def catch_up(self) -> int:
        """Run durable subscribers over events other processes appended; how many ran."""
        return self.subscribers.catch_up()

    @property
    def failures(self) -> builtins.list[SubscriberFailure]:
        """Subscriber failures since the registry was made (the actions themselves stood)."""
        return self.subscribers.failures

    def __repr__(self) -> str:
        where = f" from {self.config.file}" if self.config.file else ""
        return f"<Registry of {len(self.schema.nouns)} nouns{where}>"


def _qualname(handler: object) -> str:
    module = getattr(handler, "__module__", None)
    name = getattr(handler, "__qualname__", None) or type(handler).__name__
    return f"{module}.{name}" if module else str(name)


def _check_pattern(schema: Schema, pattern: str) -> None:
    """A subscription must be able to fire: its pattern matches some declared event."""
    from nounkit.storage.query import name_pattern

    if not isinstance(pattern, str) or not pattern:
        raise UnknownEvent(f"an event pattern is a non-empty string, not {pattern!r}")
    names = [noun.event_name(event) for noun in schema.nouns.values() for event in noun.events]
    test = name_pattern(pattern)
    if any(test(name) for name in names):
        return
    import difflib

    candidates = [*names, *(f"{noun}.*" for noun in schema.nouns)]
    close = difflib.get_close_matches(pattern, candidates, n=1, cutoff=0.5)
    tip = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownEvent(f"no declared event matches {pattern!r}{tip}")
