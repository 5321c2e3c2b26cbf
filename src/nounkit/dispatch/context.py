"""What a handler sees: the action, the caller, and a window onto the transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from nounkit.errors import FieldError as _FieldError
from nounkit.errors import ValidationError

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.dispatch.act import _Run
    from nounkit.language.spec import ActionDef, NounDef

__all__ = ["ActionContext", "Handler", "Registers"]


class ActionContext:
    """Passed to every handler. Reads and nested actions run in the act's own transaction,
    so everything a handler does commits or rolls back with the action."""

    def __init__(self, run: _Run, noun: NounDef, action: ActionDef, entity_id: str | None) -> None:
        self._run = run
        self.schema: Schema = run.schema  # every noun, its models and derived relationships
        self.noun = noun
        self.action = action
        self.id = entity_id
        self.actor: str | None = run.actor
        self.tenant: str | None = run.tenant
        self.roles: frozenset[str] = run.roles
        self.now: datetime = run.now
        self.emitted: list[tuple[str, dict[str, Any]]] = []

    def emit(self, event: str, data: Mapping[str, Any] | None = None) -> None:
        """Emit one of the noun's declared events (``exhausted``, say) with this action."""
        if event not in self.noun.events:
            raise ValidationError(
                self.noun.name,
                [
                    _FieldError(
                        "events",
                        f"{self.action.name} emitted {event!r}, which "
                        f"{self.noun.name} does not declare (events: "
                        f"{', '.join(self.noun.events)})",
                    )
                ],
                id=self.id,
            )
        self.emitted.append((event, dict(data or {})))

    # Entities come back typed Any: their classes are compiled at run time, and handlers
    # read their fields as attributes (entity.usedAmount), which a static Entity would refuse.
    def get(self, noun: str, id: str) -> Any:
        """An entity of the caller's tenant, as this transaction sees it; NotFound if absent."""
        return self._run.load(noun, id)

    def find(
        self,
        noun: str,
        where: Mapping[str, Any] | None = None,
        *,
        sort: Mapping[str, int] | None = None,
        limit: int | None = None,
    ) -> list[Any]:
        """Entities of the caller's tenant matching ``where``, inside this transaction."""
        return self._run.find(noun, where, sort, limit)

    def act(
        self,
        action: str,
        *,
        id: str | None = None,
        data: Mapping[str, Any] | None = None,
        noun: str | None = None,
    ) -> Any:
        """Run another action in the same transaction (its events join this act's)."""
        return self._run.nested(action, id=id, data=data, noun=noun)


Handler = Callable[[ActionContext, "Entity | None", dict[str, Any]], Mapping[str, Any] | None]


class Registers(Protocol):
    """What a handlers module's ``register(registry)`` is given: a place to add handlers
    (a ``Registry`` is one), so handler modules need not import the facade."""

    def handles(self, action: str, *, noun: str | None = None) -> Callable[[Handler], Handler]:
        """Register the handler of an action (``"Noun.verb"`` or a unique verb)."""
        ...

    def on(
        self, pattern: str, *, durable: str | None = None
    ) -> Callable[[Callable[[Any], object]], Callable[[Any], object]]:
        """Subscribe to events by full name with ``*`` wildcards."""
        ...
