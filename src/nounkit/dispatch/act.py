"""Running an action: one act is one storage transaction.

The order inside the transaction is fixed: resolve and authorise, validate
the input, load the entity, take the built-in step (create, update, delete or
move the lifecycle), run the handler, recompute computed values, validate the
whole entity, check rules, relationships and unique values, write, append the
events. Any failure raises out of the transaction, which rolls back, so
storage and the event log stay exactly as they were. Subscribers run only
after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from nounkit._limits import document_problem, text_problem
from nounkit.compiler.models import Entity
from nounkit.dispatch.context import ActionContext, Handler
from nounkit.dispatch.ids import new_id
from nounkit.dispatch.read import (
    check_derived,
    entities,
    fill_read_time,
    jsonable,
    read_page,
    related_names,
    related_scope,
    stamp,
)
from nounkit.dispatch.resolve import resolve_action
from nounkit.errors import (
    Conflict,
    FieldError,
    Forbidden,
    HandlerError,
    HandlerMissing,
    NotFound,
    StorageError,
    TransitionNotAllowed,
    ValidationError,
)
from nounkit.language.expressions import EvaluationError
from nounkit.language.spec import (
    ActionDef,
    NounDef,
    PropertyDef,
    RelationshipDef,
    RuleDef,
    TransitionDef,
    ValueDef,
)
from nounkit.storage.base import Event, NewEvent, Query, Record, Transaction

if TYPE_CHECKING:
    from nounkit.compiler.schema import Schema
    from nounkit.storage.base import Storage

__all__ = ["MAX_ATTEMPTS", "ActResult", "Dispatcher", "new_id", "run_act"]

MAX_ATTEMPTS = 5  # a stale version retries the whole act this many times before Conflict
MAX_CASCADE = 64  # how deep onDelete: cascade may chain in one delete


@dataclass(frozen=True)
class ActResult:
    """What an act did: the entity after it (before it, for a delete) and its events."""

    noun: str
    id: str
    entity: Entity | None
    events: list[Event]
    version: int
    deleted: bool = False


class _StaleVersion(Exception):
    def __init__(self, conflict: Conflict) -> None:
        super().__init__(str(conflict))
        self.conflict = conflict


@dataclass(frozen=True)
class Dispatcher:
    """What acts run on: the compiled schema, the store (opened on first use), the
    handlers by (noun, action), and where the committed events go."""

    schema: Schema
    storage: Callable[[], Storage]
    handlers: Mapping[tuple[str, str], Handler]
    deliver: Callable[[list[Event]], None]


@dataclass
class _Run:
    """One attempt at one act, and the nested acts its handlers start."""

    dispatcher: Dispatcher
    tx: Transaction
    actor: str | None
    tenant: str | None
    roles: frozenset[str]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    pending: list[NewEvent] = field(default_factory=list)
    depth: int = 0
    # The version the caller last read (``act(expected_version=)``), checked once: by the
    # outer act, on the entity it loads.
    expected_version: int | None = None
    # The version this run (its nested acts included) last wrote, by (noun, id); None: deleted.
    written: dict[tuple[str, str], int | None] = field(default_factory=dict)
    # The entities whose deletes are settling what links to them, and how deep cascades go:
    # two nouns cascading into each other stop at the first entity met twice.
    releasing: set[tuple[str, str]] = field(default_factory=set)
    cascades: int = 0
    # Conditions of a transition's `to` already read over an entity after its action.
    held: dict[tuple[str, str, str], bool | None] = field(default_factory=dict)
    # False once a nested act failed on storage without savepoints: its writes could not
    # be undone alone, so the act cannot commit.
    undone: bool = True

    # -- reads inside the transaction ----------------------------------------------------------

    @property
    def schema(self) -> Schema:
        return self.dispatcher.schema

    def load(self, noun: str, id: str) -> Entity:
        definition = self.schema.noun(noun)
        record = self.tx.get(definition.name, id, self.tenant)
        if record is None:
            raise NotFound(f"{noun} {id!r} not found" + self._in_tenant())
        return entities(self.schema, definition, [record.data], self.tx, self.tenant)[0]

    def find(
        self,
        noun: str,
        where: Mapping[str, Any] | None,
        sort: Mapping[str, int] | None,
        limit: int | None,
    ) -> list[Entity]:
        definition = self.schema.noun(noun)
        check_derived(self.schema, definition, where, sort)
        query = Query(where=where, sort=sort, limit=limit)
        found, _ = read_page(self.schema, definition, query, self.tx, self.tenant)
        return found

    def _in_tenant(self) -> str:
        return f" in tenant {self.tenant!r}" if self.tenant is not None else ""

    def nested(
        self, action: str, *, id: str | None, data: Mapping[str, Any] | None, noun: str | None
    ) -> Entity | None:
        if self.depth >= 8:
            raise ValidationError(
                action,
                [
                    FieldError(
                        "", "actions nested more than 8 deep: a handler calls itself in a loop"
                    )
                ],
            )
        noun_def, action_def = resolve_action(self.schema.nouns, action, noun)
        # A nested act that fails leaves nothing of itself, whether or not its caller
        # catches the error: storage undoes its writes to a savepoint, and the run
        # forgets its events and what it wrote.
        pending, written = len(self.pending), dict(self.written)
        releasing, cascades, held = set(self.releasing), self.cascades, dict(self.held)
        self.depth += 1
        try:
            with self.tx.savepoint():
                entity, _, _ = self.perform(noun_def, action_def, id, data)
        except BaseException:
            del self.pending[pending:]
            self.written, self.releasing, self.cascades, self.held = (
                written,
                releasing,
                cascades,
                held,
            )
            if not self.tx.savepoints:  # its writes stay: the whole act must fail
                self.undone = False
            raise
        finally:
            self.depth -= 1
        return entity

    # -- the act itself ------------------------------------------------------------------------

    def perform(
        self, noun: NounDef, action: ActionDef, id: str | None, data: Mapping[str, Any] | None
    ) -> tuple[Entity | None, str, int]:
        if action.roles is not None and not (self.roles & set(action.roles)):
            held = ", ".join(sorted(self.roles)) or "none"
            raise Forbidden(
                f"{noun.name}.{action.name} needs one of the roles "
                f"{', '.join(action.roles)}; the caller has {held}"
            )
        if data is not None and not isinstance(data, Mapping):
            raise ValidationError(
                noun.name,
                [
                    FieldError(
                        "",
                        f"{noun.name}.{action.name} takes data as a mapping of names to "
                        f"values, not {type(data).__name__}",
                    )
                ],
                id=id if isinstance(id, str) else None,
            )
        # What no backend can store, refused here with its path, before any reads it.
        problem = document_problem(data) if data else None
        if problem is None and isinstance(id, str):
            found = text_problem(id)
            problem = None if found is None else ("id", found)
        if problem is not None:
            raise ValidationError(
                noun.name,
                [FieldError(problem[0], problem[1])],
                id=id if isinstance(id, str) and problem[0] != "id" else None,
            )
        handler = self.dispatcher.handlers.get((noun.name, action.name))
        transition = (
            noun.lifecycle.transitions[action.name]
            if action.kind == "transition" and noun.lifecycle is not None
            else None
        )
        if handler is None:
            self._need_handler(noun, action, transition)
        fields, inputs = self._split(noun, action, dict(data or {}), id)
        kind = action.kind
        record: Record | None = None
        if kind == "create":
            wanted, self.expected_version = self.expected_version, None
            if wanted not in (None, 0):
                raise Conflict(
                    f"{noun.name}.{action.name} creates a new {noun.singular}: it has no "
                    f"version {wanted} yet (expect 0, or none)"
                )
            entity_id = fields.get("id") or id or new_id(noun.properties["id"].type)
            if not isinstance(entity_id, str):
                raise ValidationError(noun.name, [FieldError("id", "expected a string", entity_id)])
            if self.tx.get(noun.name, entity_id, self.tenant) is not None:
                raise Conflict(f"{noun.name} {entity_id!r} already exists" + self._in_tenant())
            current: dict[str, Any] = {}
            candidate = {**fields, "id": entity_id}
            self._scope(noun, candidate, entity_id)
            if noun.lifecycle is not None:
                prop, initial = noun.lifecycle.property, noun.lifecycle.initial
                given = candidate.setdefault(prop, initial)
                if given != initial:
                    raise TransitionNotAllowed(
                        f"{noun.name} {entity_id!r}: a new {noun.singular} starts in "
                        f"{prop} {initial!r}, not {given!r}; move it there with a transition"
                    )
        else:
            if id is None:
                if kind != "custom":
                    raise ValidationError(
                        noun.name,
                        [
                            FieldError(
                                "id",
                                f"{noun.name}.{action.name} needs the id of the {noun.singular}",
                            )
                        ],
                    )
                entity_id, current = "", {}
                reads = {
                    name
                    for expression in (
                        *(r.expression for r in action.requires),
                        *action.sets.values(),
                        *(c for _, c in action.emit),
                    )
                    for name in expression.names
                } - {"input"}
                if reads:  # its conditions read an entity: without one they would all hold
                    raise ValidationError(
                        noun.name,
                        [
                            FieldError(
                                "id",
                                f"{noun.name}.{action.name} reads the {noun.singular}'s "
                                f"{', '.join(sorted(reads))}: give the id",
                            )
                        ],
                    )
            else:
                record = self.tx.get(noun.name, id, self.tenant)
                if record is None:
                    raise NotFound(f"{noun.name} {id!r} not found" + self._in_tenant())
                wanted, self.expected_version = self.expected_version, None  # the outer act's
                if wanted is not None and wanted != record.version:
                    raise Conflict(
                        f"{noun.name} {id!r} is at version {record.version}, not the expected "
                        f"{wanted}: another writer changed it since it was read"
                    )
                entity_id, current = id, dict(record.data)
            candidate = {**current, **fields}
            if "id" in fields and fields["id"] != entity_id:
                raise ValidationError(
                    noun.name, [FieldError("id", "an id cannot change", fields["id"])], id=entity_id
                )
            if kind == "update":
                self._scope(noun, candidate, entity_id)
        if action.requires or action.sets:
            # Every declared expression reads the entity as it was before the action.
            scope = {**self._before(noun, action, current, fields, entity_id), "input": inputs}
            self._require(noun, action, scope, entity_id)
        if kind == "transition":
            self._move(noun, action, candidate, entity_id)
        if action.sets:
            if not candidate and kind == "custom":
                raise ValidationError(
                    noun.name,
                    [FieldError("id", f"{noun.name}.{action.name} sets values: give the id")],
                )
            self._set(noun, action, scope, candidate, entity_id)
        for name in self._writes_input(noun, action):
            if name in inputs and (candidate or kind == "create"):
                candidate[name] = jsonable(inputs[name])
        ctx = ActionContext(self, noun, action, entity_id or None)
        chose = False  # whether the handler set the lifecycle's state itself
        if handler is not None:
            entity = (
                None
                if kind == "delete" or not candidate
                else self._validate(noun, candidate, entity_id)
            )
            given_entity = (
                entity
                if kind != "delete"
                else (self._validate(noun, current, entity_id) if current else None)
            )
            changes = handler(ctx, given_entity, dict(inputs))
            if changes is not None and not isinstance(changes, Mapping):
                raise HandlerError(
                    f"the handler of {noun.name}.{action.name} "
                    f"({getattr(handler, '__qualname__', handler)!s}) returned "
                    f"{type(changes).__name__} {changes!r:.80}; a handler returns a mapping "
                    "of property names to new values, or None"
                )
            if changes:
                self._apply(noun, candidate, changes, entity_id)
                chose = noun.lifecycle is not None and noun.lifecycle.property in changes
            if record is not None:
                # A nested act may have written this very entity: build on what it left.
                # Any other change is another writer's (visible mid-transaction on
                # PostgreSQL): a stale read, so the whole act runs again.
                key = (noun.name, entity_id)
                fresh = self.tx.get(noun.name, entity_id, self.tenant)
                if fresh is None and key in self.written:
                    raise NotFound(
                        f"{noun.name} {entity_id!r} was deleted by its own {action.name} handler"
                    )
                if fresh is None or (
                    fresh.version != record.version and self.written.get(key) != fresh.version
                ):
                    now_at = "deleted" if fresh is None else f"at version {fresh.version}"
                    raise _StaleVersion(
                        Conflict(
                            f"{noun.name} {entity_id!r}: read at version {record.version}, "
                            f"now {now_at}: another writer changed it"
                        )
                    )
                if fresh.version != record.version:
                    own = {k: v for k, v in candidate.items() if current.get(k) != v}
                    own.update({k: None for k in current if k not in candidate})
                    record, current = fresh, dict(fresh.data)
                    candidate = {**current, **own}
        if kind == "delete":
            assert record is not None
            self._release(noun, entity_id)
            try:
                self.tx.delete(noun.name, entity_id, self.tenant, record.version)
            except Conflict as exc:
                raise _StaleVersion(exc) from exc
            self.written[(noun.name, entity_id)] = None
            before = self._validate(noun, current, entity_id)
            # A delete's emit conditions read the entity as it was.
            gone = before.model_dump(by_alias=True) if action.emit else None
            self._events(noun, action, ctx, entity_id, record.version, inputs, {}, gone)
            return before, entity_id, record.version
        if not candidate:  # a custom action on no entity: only its events
            self._events(noun, action, ctx, entity_id, 0, inputs, {}, {} if action.emit else None)
            return None, entity_id, 0
        self._check_lifecycle(noun, action, current, candidate, entity_id)
        choose = (
            transition if transition is not None and transition.conditions and not chose else None
        )
        entity, stored, after = self._finish(noun, candidate, entity_id, action, inputs, choose)
        self._check_links(noun, stored, current, entity_id)
        self._check_unique(noun, stored, current, entity_id)
        changes = {
            k: {"old": current.get(k), "new": v} for k, v in stored.items() if current.get(k) != v
        }
        changes.update({k: {"old": v, "new": None} for k, v in current.items() if k not in stored})
        version = record.version if record is not None else 0
        now = stamp(self.now)
        if record is None:
            version = 1
            self.tx.insert(Record(noun.name, entity_id, self.tenant, 1, stored, now, now))
            self.written[(noun.name, entity_id)] = 1
        elif changes:
            version = record.version + 1
            try:
                self.tx.update(
                    Record(
                        noun.name, entity_id, self.tenant, version, stored, record.created_at, now
                    ),
                    record.version,
                )
            except Conflict as exc:
                raise _StaleVersion(exc) from exc
            self.written[(noun.name, entity_id)] = version
        self._events(noun, action, ctx, entity_id, version, inputs, changes, after)
        return entity, entity_id, version

    # -- steps ---------------------------------------------------------------------------------

    def _split(
        self, noun: NounDef, action: ActionDef, data: dict[str, Any], id: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Entity fields (create and update take them) apart from the action's own input."""
        fields: dict[str, Any] = {}
        raw_inputs: dict[str, Any] = {}
        problems: list[FieldError] = []
        takes_fields = action.kind in ("create", "update")
        derived = self.schema.derived_relationships(noun.name)
        for key, value in data.items():
            if key in action.input:
                raw_inputs[key] = value
            elif takes_fields and key in noun.properties:
                if noun.properties[key].computed is not None:
                    problems.append(
                        FieldError(key, "is computed and never accepted as input", value)
                    )
                else:
                    fields[key] = value
            elif takes_fields and key in noun.relationships:
                if key in derived:
                    source, inverse = derived[key]
                    problems.append(
                        FieldError(
                            key,
                            f"is derived from {source}.{inverse}; set "
                            f"{inverse} on the {source} instead",
                            value,
                        )
                    )
                else:
                    fields[key] = value
            else:
                accepted = [*action.input]
                if takes_fields:  # what it really takes: no computed or derived fields
                    accepted += [p for p, d in noun.properties.items() if d.computed is None]
                    accepted += [r for r in noun.relationships if r not in derived]
                what = ", ".join(accepted) if accepted else "no input"
                problems.append(
                    FieldError(
                        key,
                        f"{noun.name}.{action.name} does not take {key!r} (it takes {what})",
                        value,
                    )
                )
        if problems:
            raise ValidationError(noun.name, problems, id=id)
        inputs: dict[str, Any] = {}
        if action.input:
            model = self.schema.input_model(noun.name, action.name)
            try:
                validated = model.model_validate(raw_inputs)
            except ValidationError as exc:
                raise ValidationError(
                    noun.name,
                    [
                        FieldError(
                            f"{action.name}.{e.path}" if e.path else action.name, e.message, e.value
                        )
                        for e in exc.errors
                    ],
                    id=id,
                ) from exc
            given = validated.model_dump(by_alias=True)  # Python values, by property name
            inputs = {
                name: given[name]
                for name in action.input
                if name in raw_inputs or action.input[name].has_default
            }
        return fields, inputs

    def _release(self, noun: NounDef, entity_id: str) -> None:
        """Before an entity goes, what links to it: refused (restrict, the default),
        deleted (cascade) or cleared (nullify), each through the linking noun's own
        delete or update action, so each change has its event, in this transaction."""
        links = self.schema.memo(
            f"act.referrers:{noun.name}", lambda: _referrers(self.schema, noun)
        )
        if not links:
            return
        self.releasing.add((noun.name, entity_id))
        found: list[tuple[str, RelationshipDef, list[Record]]] = []
        for source, rel in links:
            where: dict[str, Any] = {
                rel.name: {"$contains": [entity_id]} if rel.many else entity_id
            }
            if source == noun.name:
                where["id"] = {"$ne": entity_id}  # an entity linking to itself goes with it
            page = self.tx.query(source, Query(where=where, sort={"id": 1}), self.tenant)
            if not page.records:
                continue
            if rel.on_delete == "restrict":
                count = self.tx.count(source, where, self.tenant)
                first = ", ".join(repr(r.id) for r in page.records[:3])
                raise Conflict(
                    f"{noun.name} {entity_id!r} cannot be deleted: {count} {source} "
                    f"{'links' if count == 1 else 'link'} to it through {rel.name} (first: "
                    f"{first}); delete or relink {'it' if count == 1 else 'them'} first, or "
                    f"declare onDelete: cascade or nullify on {source}.{rel.name}"
                )
            found.append((source, rel, page.records))
        for source, rel, records in found:
            target = self.schema.noun(source)
            wanted = "delete" if rel.on_delete == "cascade" else "update"
            action = next(a for a in target.actions.values() if a.kind == wanted)
            for linked in records:
                key = (source, linked.id)
                if key in self.releasing or (key in self.written and self.written[key] is None):
                    continue  # being deleted, or deleted already, by this very act
                if rel.on_delete == "cascade":
                    if self.cascades >= MAX_CASCADE:
                        raise Conflict(
                            f"{noun.name} {entity_id!r}: deleting it cascades more than "
                            f"{MAX_CASCADE} links deep (through {source}.{rel.name}); delete "
                            "the far end of the chain first"
                        )
                    self.cascades += 1
                    try:
                        self.perform(target, action, linked.id, None)
                    finally:
                        self.cascades -= 1
                else:
                    fresh = self.tx.get(source, linked.id, self.tenant)
                    if fresh is None:
                        continue
                    kept = (
                        [i for i in fresh.data.get(rel.name) or [] if i != entity_id]
                        if rel.many
                        else None
                    )
                    self.nested(action.name, id=linked.id, data={rel.name: kept}, noun=source)

    def _need_handler(
        self, noun: NounDef, action: ActionDef, transition: TransitionDef | None
    ) -> None:
        """A custom action that declares nothing, or a transition with several targets and
        no conditions to choose between them, cannot run without a handler."""
        name = f"{noun.name}.{action.name}"
        register = f"register one with @registry.handles({name!r})"
        if action.kind == "custom" and not action.declares_behaviour:
            raise HandlerMissing(
                f"{name} is a custom action and has no handler; {register}, or declare "
                "what it does (requires:, set:, emit:) in the noun"
            )
        if transition is not None and len(transition.targets) > 1 and not transition.conditions:
            raise HandlerMissing(
                f"{name} moves {noun.lifecycle.property if noun.lifecycle else 'its state'} to "
                f"one of {', '.join(map(repr, transition.targets))} and nothing chooses which: "
                f"{register}, or give `to:` a condition per state"
            )

    def _before(
        self,
        noun: NounDef,
        action: ActionDef,
        current: Mapping[str, Any],
        fields: Mapping[str, Any],
        entity_id: str,
    ) -> dict[str, Any]:
        """The values declared expressions read: the stored entity (dates as dates, its
        derived lists when they are read), or on a create the fields as given."""
        into = self.schema.memo(
            f"act.into:{noun.name}.{action.name}",
            lambda: related_names(
                noun, [*(r.expression for r in action.requires), *action.sets.values()]
            ),
        )
        if not current:
            given = self._given(noun, fields)
            if into:
                return related_scope(self.schema, noun, given, into, self.tx, self.tenant)
            return given
        derived = self.schema.derived_relationships(noun.name)
        reads, as_stored = self.schema.memo(
            f"act.reads:{noun.name}.{action.name}", lambda: _reads(noun, action, derived)
        )
        if as_stored:  # what they read is stored as its Python value: no model needed
            return dict(current)
        late = {n for n, p in noun.properties.items() if p.read_time}
        if not reads.isdisjoint(derived) or not reads.isdisjoint(late):
            # Derived lists and read-time values are read as any read reads them.
            entity = entities(self.schema, noun, [current], self.tx, self.tenant)[0]
        else:
            entity = self._validate(noun, current, entity_id)
        values = entity.model_dump(by_alias=True)
        if into:
            return related_scope(self.schema, noun, values, into, self.tx, self.tenant)
        return values

    def _after_scope(
        self,
        noun: NounDef,
        action: ActionDef,
        values: Mapping[str, Any],
        transition: TransitionDef | None,
    ) -> Mapping[str, Any]:
        """The entity after the action, with the related entities its ``emit`` or ``to``
        conditions read into (``org.status``), read in this transaction."""
        which = "emit" if transition is None else "to"

        def find() -> frozenset[str]:
            conditions = (
                [c for _, c in action.emit]
                if transition is None
                else list(transition.conditions or ())
            )
            return related_names(noun, conditions)

        reads = self.schema.memo(f"act.after:{noun.name}.{action.name}.{which}", find)
        if not reads:
            return values
        return related_scope(self.schema, noun, values, reads, self.tx, self.tenant)

    def _given(self, noun: NounDef, fields: Mapping[str, Any]) -> dict[str, Any]:
        """What a create's expressions read: the fields given, over the defaults, the
        initial state and the tenant, dates read as dates (the entity is not whole yet,
        so it cannot be validated before its set: fills it)."""
        values: dict[str, Any] = {
            name: prop.default
            for name, prop in noun.properties.items()
            if prop.has_default and prop.computed is None
        }
        if noun.lifecycle is not None:
            values[noun.lifecycle.property] = noun.lifecycle.initial
        if noun.tenant is not None and self.tenant is not None:
            values[noun.tenant] = self.tenant
        for name, value in fields.items():
            prop = noun.properties.get(name)
            if prop is not None and not prop.array and isinstance(value, str):
                value = _temporal(prop.type, value)
            values[name] = value
        return values

    def _holds(
        self, noun: NounDef, expression: Any, scope: Mapping[str, Any], at: str, entity_id: str
    ) -> bool | None:
        try:
            result = expression.evaluate(scope, now=self.now, actor=self.actor, tenant=self.tenant)
        except EvaluationError as exc:
            raise ValidationError(
                noun.name, [FieldError(at, f"cannot check: {exc}")], id=entity_id or None
            ) from exc
        return result is True

    def _require(
        self, noun: NounDef, action: ActionDef, scope: Mapping[str, Any], entity_id: str
    ) -> None:
        broken: list[FieldError] = []
        rules = list(enumerate(action.requires))
        self._check(rules, scope, f"{action.name}.", broken, section="requires")
        if broken:
            raise ValidationError(noun.name, broken, id=entity_id or None)

    def _set(
        self,
        noun: NounDef,
        action: ActionDef,
        scope: Mapping[str, Any],
        candidate: dict[str, Any],
        entity_id: str,
    ) -> None:
        for name, expression in action.sets.items():
            try:
                value = expression.evaluate(
                    scope, now=self.now, actor=self.actor, tenant=self.tenant
                )
            except EvaluationError as exc:
                raise ValidationError(
                    noun.name,
                    [FieldError(f"{action.name}.set.{name}", f"cannot compute: {exc}")],
                    id=entity_id or None,
                ) from exc
            candidate[name] = jsonable(value)

    def _writes_input(self, noun: NounDef, action: ActionDef) -> tuple[str, ...]:
        """The inputs named like a property (or a stored link) that ``set`` does not name:
        each is written to it."""
        if not action.input:
            return ()

        def find() -> tuple[str, ...]:
            derived = self.schema.derived_relationships(noun.name)
            lifecycle = noun.lifecycle.property if noun.lifecycle is not None else None
            return tuple(
                name
                for name in action.input
                if name not in action.sets
                and name not in ("id", lifecycle, noun.tenant)
                and (
                    (name in noun.properties and noun.properties[name].computed is None)
                    or (name in noun.relationships and name not in derived)
                )
            )

        return self.schema.memo(f"act.writes:{noun.name}.{action.name}", find)

    def _choose(
        self,
        noun: NounDef,
        action: ActionDef,
        transition: TransitionDef,
        scope: Mapping[str, Any],
        entity_id: str,
    ) -> str:
        """The first target whose condition holds over the entity after the action."""
        assert transition.conditions is not None
        for state, condition in zip(transition.targets, transition.conditions, strict=True):
            held = self._holds(noun, condition, scope, f"{action.name}.to.{state}", entity_id)
            # An emit with the very same condition (exhausted, say) reads the same entity
            # after the action, unless it reads the state just chosen: kept for _events.
            assert noun.lifecycle is not None
            if noun.lifecycle.property not in condition.names and any(
                c.source == condition.source for _, c in action.emit
            ):  # read again in this act's _events, with nothing run in between
                self.held[(noun.name, entity_id, condition.source)] = held
            if held:
                return state
        assert noun.lifecycle is not None
        tried = "; ".join(
            f"{s}: {c.source!r}"
            for s, c in zip(transition.targets, transition.conditions, strict=True)
        )
        raise TransitionNotAllowed(
            f"{noun.name} {entity_id!r}: {action.name} moves {noun.lifecycle.property} to the "
            f"first state whose condition holds, and none does ({tried})"
        )

    def _scope(self, noun: NounDef, candidate: dict[str, Any], entity_id: str) -> None:
        """A noun scoped by a tenant property carries the caller's tenant there, and only it."""
        if noun.tenant is None:
            return
        if self.tenant is None:
            raise Forbidden(f"{noun.name} is scoped by {noun.tenant!r}: act with tenant=...")
        given = candidate.get(noun.tenant)
        if given is not None and given != self.tenant:
            raise Forbidden(
                f"{noun.name} {entity_id!r}: {noun.tenant} {given!r} is not the "
                f"caller's tenant {self.tenant!r}"
            )
        candidate[noun.tenant] = self.tenant

    def _move(
        self, noun: NounDef, action: ActionDef, candidate: dict[str, Any], entity_id: str
    ) -> None:
        lifecycle = noun.lifecycle
        assert lifecycle is not None
        transition = lifecycle.transitions[action.name]
        state = candidate.get(lifecycle.property)
        if state not in transition.sources:
            allowed = lifecycle.allowed_from(str(state))
            raise TransitionNotAllowed(
                f"{noun.name} {entity_id!r} is {lifecycle.property} {state!r}: {action.name} "
                f"is not allowed from it (allowed: {', '.join(allowed) or 'none'})"
            )
        # With several targets the handler chooses; without one, the first listed holds.
        candidate[lifecycle.property] = transition.targets[0]

    def _check_lifecycle(
        self,
        noun: NounDef,
        action: ActionDef,
        current: Mapping[str, Any],
        candidate: Mapping[str, Any],
        entity_id: str,
    ) -> None:
        lifecycle = noun.lifecycle
        if lifecycle is None:
            return
        prop = lifecycle.property
        new, old = candidate.get(prop), current.get(prop)
        if action.kind == "transition":
            targets = lifecycle.transitions[action.name].targets
            if new not in targets:
                raise TransitionNotAllowed(
                    f"{noun.name} {entity_id!r}: {action.name} moves {prop} to "
                    f"{' or '.join(map(repr, targets))}, not {new!r}"
                )
        elif action.kind != "create" and new != old:
            allowed = lifecycle.allowed_from(str(old))
            raise TransitionNotAllowed(
                f"{noun.name} {entity_id!r} is {prop} {old!r}: {action.name} cannot change "
                f"{prop} (to {new!r}); use a transition: {', '.join(allowed) or 'none'} "
                "allowed from here"
            )

    def _apply(
        self, noun: NounDef, candidate: dict[str, Any], changes: Mapping[str, Any], entity_id: str
    ) -> None:
        unknown = [k for k in changes if k not in noun.properties and k not in noun.relationships]
        if unknown:
            raise ValidationError(
                noun.name,
                [
                    FieldError(
                        k, f"the handler set {k!r}, which {noun.name} does not declare", changes[k]
                    )
                    for k in unknown
                ],
                id=entity_id or None,
            )
        candidate.update(jsonable(dict(changes)))

    def _validate(self, noun: NounDef, data: Mapping[str, Any], entity_id: str) -> Entity:
        model = self.schema.model(noun.name)
        try:
            return model.model_validate(dict(data))
        except ValidationError as exc:
            if exc.id is None and entity_id:
                raise ValidationError(exc.noun, exc.errors, id=entity_id) from exc
            raise

    def _finish(
        self,
        noun: NounDef,
        candidate: dict[str, Any],
        entity_id: str,
        action: ActionDef,
        inputs: Mapping[str, Any] | None = None,
        choose: TransitionDef | None = None,
    ) -> tuple[Entity, dict[str, Any], dict[str, Any] | None]:
        """Computed values, then the transition's ``to`` choice, then the whole entity,
        then rules; returns the entity, what gets stored, and (when an ``emit`` condition
        will read them) the entity's values after the action."""
        derived = self.schema.derived_relationships(noun.name)
        for name in derived:
            candidate.pop(name, None)
        entity = self._validate(noun, candidate, entity_id)
        # What the noun's value types compute or check depends on the schema alone: worked
        # out once per noun and kept with the schema, not on every act.
        behaving = (
            self.schema.memo(f"act.behaving:{noun.name}", lambda: _behaving_values(noun))
            if noun.types
            else ()
        )
        values: dict[str, Any] | None = None
        if noun.computed_order or noun.rules or behaving or choose or action.emit:
            values = entity.model_dump(by_alias=True)  # Python values: dates as dates
            broken: list[FieldError] = []
            if behaving:
                # A value's own computed values and rules come before its holder's.
                self._settle(noun, noun.properties, values, "", broken, entity_id)
                for name in behaving:
                    if values.get(name) is not None:
                        candidate[name] = jsonable(values[name])
            order, late = self.schema.memo(f"act.order:{noun.name}", lambda: _orders(noun))
            self._compute(noun, noun.properties, order, values, "", entity_id)
            if late:  # read-time values: worked out here for the rules, never stored
                fill_read_time(self.schema, noun, [values], self.tx, self.tenant, now=self.now)
            for name in noun.computed_order:
                candidate[name] = jsonable(values[name])
            if choose is not None:
                assert noun.lifecycle is not None
                scope = self._after_scope(noun, action, values, choose)
                state = self._choose(noun, action, choose, {**scope, "input": inputs or {}},
                                     entity_id)  # fmt: skip
                candidate[noun.lifecycle.property] = values[noun.lifecycle.property] = state
            if noun.computed_order or behaving or choose is not None:
                entity = self._validate(noun, candidate, entity_id)
            # on: limits a rule to some actions.
            rules = [
                (i, r) for i, r in enumerate(noun.rules) if r.applies(action.name, action.kind)
            ]
            reads = self.schema.memo(
                f"act.rules:{noun.name}.{action.name}",
                lambda: related_names(noun, (r.expression for _, r in rules)),
            )
            # Rules reading related entities (customer.status) read them in this act's
            # transaction: what it and its nested acts wrote so far.
            scope = (
                related_scope(self.schema, noun, values, reads, self.tx, self.tenant)
                if reads
                else values
            )
            self._check(rules, scope, "", broken)
            if broken:
                raise ValidationError(noun.name, broken, id=entity_id)
        stored = entity.model_dump(mode="json", by_alias=True, exclude_none=True)
        for name in derived:
            stored.pop(name, None)
        for name in noun.computed_order:
            if noun.properties[name].read_time:
                stored.pop(name, None)
        return entity, stored, values

    def _settle(
        self,
        noun: NounDef,
        properties: Mapping[str, PropertyDef],
        values: dict[str, Any],
        prefix: str,
        broken: list[FieldError],
        entity_id: str,
    ) -> None:
        """Work out the computed values of every value held in ``values`` (the deepest
        first) and check their rules, in place; broken rules join ``broken``."""
        for name, prop in properties.items():
            value_type = noun.types.get(prop.ref or "") if prop.is_value else None
            if not isinstance(value_type, ValueDef):
                continue
            held = values.get(name)
            items = held if prop.array and isinstance(held, list) else [held]
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                where = f"{prefix}{name}[{index}]" if prop.array else f"{prefix}{name}"
                self._settle(noun, value_type.properties, item, f"{where}.", broken, entity_id)
                self._compute(
                    noun, value_type.properties, value_type.computed_order, item, f"{where}.",
                    entity_id,
                )  # fmt: skip
                self._check(list(enumerate(value_type.rules)), item, f"{where}.", broken)

    def _compute(
        self,
        noun: NounDef,
        properties: Mapping[str, PropertyDef],
        order: Sequence[str],
        values: dict[str, Any],
        prefix: str,
        entity_id: str,
    ) -> None:
        """The computed values of one holder (an entity or a value), in ``order``, in place."""
        for name in order:
            expression = properties[name].computed
            assert expression is not None
            try:
                values[name] = expression.evaluate(values, now=self.now)
            except EvaluationError as exc:
                raise ValidationError(
                    noun.name, [FieldError(f"{prefix}{name}", f"cannot compute: {exc}")],
                    id=entity_id,
                ) from exc  # fmt: skip

    def _check(
        self,
        rules: Sequence[tuple[int, RuleDef]],
        values: Mapping[str, Any],
        prefix: str,
        broken: list[FieldError],
        section: str = "rules",
    ) -> None:
        """Each ``(index, rule)`` over one holder's values (rules, or an action's
        ``requires``: ``section``); what breaks joins ``broken``."""
        for index, rule in rules:
            at = f"{prefix}{section}[{index}]"
            try:
                holds = rule.expression.evaluate(
                    values, now=self.now, actor=self.actor, tenant=self.tenant
                )
            except EvaluationError as exc:
                broken.append(FieldError(at, f"cannot check {rule.check!r}: {exc}"))
                continue
            if holds is False:  # None: a missing optional value, and the rule holds
                default = (
                    f"rule {rule.check!r} does not hold"
                    if section == "rules"
                    else f"requires {rule.check!r}"
                )
                broken.append(FieldError(at, rule.message or default))

    def _check_links(
        self, noun: NounDef, stored: Mapping[str, Any], current: Mapping[str, Any], entity_id: str
    ) -> None:
        for name, rel in noun.relationships.items():
            value = stored.get(name)
            if value is None or value == current.get(name) or rel.target not in self.schema.nouns:
                continue
            wanted = value if rel.many else [value]
            before = current.get(name) or []
            known = set(before) if isinstance(before, list) else {before}
            for target_id in wanted:
                if target_id in known:
                    continue
                if self.tx.get(rel.target, target_id, self.tenant) is None:
                    raise NotFound(
                        f"{noun.name} {entity_id!r}: {name} points at {rel.target} "
                        f"{target_id!r}, which does not exist" + self._in_tenant()
                    )

    def _check_unique(
        self, noun: NounDef, stored: Mapping[str, Any], current: Mapping[str, Any], entity_id: str
    ) -> None:
        for name, prop in noun.properties.items():
            value = stored.get(name)
            if not prop.unique or value is None or value == current.get(name):
                continue
            where = {name: value, "id": {"$ne": entity_id}}
            if self.tx.count(noun.name, where, self.tenant):
                raise Conflict(
                    f"{noun.name} {entity_id!r}: {name} {value!r} is already used by "
                    f"another {noun.singular}" + self._in_tenant()
                )

    def _events(
        self,
        noun: NounDef,
        action: ActionDef,
        ctx: ActionContext,
        entity_id: str,
        version: int,
        inputs: Mapping[str, Any],
        changes: dict[str, Any],
        after: Mapping[str, Any] | None = None,
    ) -> None:
        time = stamp(self.now)
        given = jsonable(dict(inputs))
        emitted = [(action.emits, given, changes)]
        if action.emit and after is not None:
            # The action's own event first, then each declared one whose condition holds
            # over the entity after it, in declared order; then what the handler emitted.
            scope = {**self._after_scope(noun, action, after, None), "input": inputs}
            for event, condition in action.emit:
                held = self.held.pop((noun.name, entity_id, condition.source), None)
                if held is None:
                    at = f"{action.name}.emit.{event}"
                    held = self._holds(noun, condition, scope, at, entity_id)
                if held:
                    emitted.append((event, given, {}))
        emitted += [(event, jsonable(data), {}) for event, data in ctx.emitted]
        for event, data, diff in emitted:
            self.pending.append(
                NewEvent(
                    name=noun.event_name(event),
                    noun=noun.name,
                    entity_id=entity_id,
                    action=action.name,
                    version=version,
                    time=time,
                    actor=self.actor,
                    tenant=self.tenant,
                    input=data,
                    changes=diff,
                )
            )


def run_act(
    dispatcher: Dispatcher,
    action: str,
    *,
    id: str | None = None,
    data: Mapping[str, Any] | None = None,
    noun: str | None = None,
    actor: str | None = None,
    tenant: str | None = None,
    roles: frozenset[str] = frozenset(),
    expected_version: int | None = None,
) -> ActResult:
    """Run one act in one transaction; retry a lost version race a bounded number of times."""
    if expected_version is not None and (type(expected_version) is not int or expected_version < 0):
        raise ValidationError(
            action,
            [FieldError("expected_version", "expected a whole number", expected_version)],
            id=id if isinstance(id, str) else None,
        )
    for name, text in (("actor", actor), ("tenant", tenant)):
        found = text_problem(text) if isinstance(text, str) else None
        if found is not None:
            raise ValidationError(action, [FieldError(name, found)])
    schema = dispatcher.schema
    noun_def, action_def = resolve_action(schema.nouns, action, noun)
    storage = dispatcher.storage()
    last: Conflict | None = None
    for _ in range(MAX_ATTEMPTS):
        try:
            with storage.transaction() as tx:
                run = _Run(dispatcher, tx, actor, tenant, roles)
                run.expected_version = expected_version
                try:
                    entity, entity_id, version = run.perform(noun_def, action_def, id, data)
                except _StaleVersion:
                    if run.undone:  # else the failed nested act's writes, no other writer's
                        raise
                if not run.undone:
                    raise StorageError(
                        f"{noun_def.name}.{action_def.name}: a nested act failed and "
                        f"{type(storage).__name__} has no savepoints to undo it alone, so "
                        "the whole act is undone; let the nested act's error reach the act, "
                        "or use a backend with savepoints"
                    )
                # The derived lists as of this act's own commit, read in its transaction
                # (no second one) and before the events are appended, which on PostgreSQL
                # holds the log's lock until commit. A new entity that no nested act
                # touched has nothing pointing at it yet: its lists are the empty defaults.
                fresh = action_def.kind == "create" and all(
                    e.entity_id == entity_id for e in run.pending
                )
                if entity is not None and action_def.kind != "delete" and not fresh:
                    stored = entity.model_dump(mode="json", by_alias=True)
                    entity = entities(schema, noun_def, [stored], tx, tenant)[0]
                events = tx.append(run.pending)
            break
        except _StaleVersion as stale:
            last = stale.conflict
    else:
        assert last is not None
        raise Conflict(
            f"{noun_def.name} {id!r}: still stale after {MAX_ATTEMPTS} attempts "
            f"({last}); another writer keeps changing it"
        ) from last
    dispatcher.deliver(events)
    return ActResult(
        noun_def.name, entity_id, entity, events, version, deleted=action_def.kind == "delete"
    )


# Property types whose stored JSON is already the value expressions read (not dates).
_AS_STORED = frozenset(
    {"string", "text", "markdown", "number", "integer", "boolean", "json", "url", "email", "uuid"}
)


def _temporal(kind: str, text: str) -> Any:
    """A date or datetime given as text, read as one (left as text when it is none)."""
    try:
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "datetime":
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except ValueError:
        pass  # validation reports it, naming the field
    return text


def _reads(
    noun: NounDef, action: ActionDef, derived: Mapping[str, Any]
) -> tuple[frozenset[str], bool]:
    """What an action's requires and set read, and whether all of it reads as stored:
    scalar properties that are no dates, and stored links (ids)."""
    reads = frozenset().union(
        *(r.expression.names for r in action.requires),
        *(e.names for e in action.sets.values()),
    )
    plain = all(
        (name in noun.properties and noun.properties[name].type in _AS_STORED
         and not noun.properties[name].read_time)
        or (name in noun.relationships and name not in derived)
        or name == "input"
        for name in reads
    ) and not related_names(noun, [*(r.expression for r in action.requires),
                                   *action.sets.values()])  # fmt: skip
    return reads, plain


def _orders(noun: NounDef) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stored computed values in order, and the read-time ones (after them)."""
    late = tuple(n for n in noun.computed_order if noun.properties[n].read_time)
    return tuple(n for n in noun.computed_order if n not in late), late


def _referrers(schema: Schema, noun: NounDef) -> tuple[tuple[str, RelationshipDef], ...]:
    """The stored links to ``noun``: each (noun holding it, the relationship), to-ones and
    to-many lists of ids alike; the derived to-many lists are read from these."""
    found: list[tuple[str, RelationshipDef]] = []
    for source in schema.nouns.values():
        derived = schema.derived_relationships(source.name)
        for rel in source.relationships.values():
            if rel.target == noun.name and rel.name not in derived:
                found.append((source.name, rel))
    return tuple(found)


def _behaving_values(noun: NounDef) -> tuple[str, ...]:
    """The noun's value-typed properties whose values compute or check something (at any
    depth): they are worked out before the noun's own computed values and rules."""
    busy = {
        name
        for name, t in noun.types.items()
        if isinstance(t, ValueDef) and (t.computed_order or t.rules)
    }
    if busy:  # a value type holding a busy one is busy too
        changed = True
        while changed:
            changed = False
            for name, t in noun.types.items():
                if (
                    isinstance(t, ValueDef)
                    and name not in busy
                    and any(p.ref in busy for p in t.properties.values() if p.is_value)
                ):
                    busy.add(name)
                    changed = True
    return tuple(p.name for p in noun.properties.values() if p.is_value and p.ref in busy)
