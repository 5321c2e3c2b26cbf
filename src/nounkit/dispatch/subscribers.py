"""Subscribers: code that runs after an act commits, for the events it emitted.

A subscriber's failure never undoes the action and never reaches the caller:
it is logged and kept in :attr:`Subscribers.failures`. A *durable*
subscriber has a name; its checkpoint (the last event ``seq`` it handled)
lives in storage, so after a restart it resumes where it stopped and handles
each event once. The checkpoint is written right after each event, so a
crash between the two repeats at most that one event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nounkit.storage.query import name_pattern

if TYPE_CHECKING:
    from nounkit.storage.base import Event, Storage

__all__ = ["Subscriber", "SubscriberFailure", "Subscribers"]

log = logging.getLogger("nounkit.subscribers")
EventHandler = Callable[["Event"], object]


@dataclass(frozen=True)
class Subscriber:
    pattern: str  # a full event name with * wildcards: "ServiceEntitlement.*"
    handler: EventHandler
    name: str | None = None  # durable subscribers have one
    # Only * is a wildcard, as in registry.events(name=...): ? and [ are plain characters.
    _matches: Callable[[str], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matches", name_pattern(self.pattern))

    def wants(self, event: Event) -> bool:
        return self._matches(event.name)

    @property
    def label(self) -> str:
        return self.name or str(getattr(self.handler, "__qualname__", repr(self.handler)))


@dataclass(frozen=True)
class SubscriberFailure:
    """A subscriber raised on an event; the action itself stood."""

    subscriber: str
    seq: int
    event: str
    error: str
    time: str


class Subscribers:
    """Every subscriber of a registry, in registration order."""

    def __init__(self, storage: Callable[[], Storage]) -> None:
        self._storage = storage
        self._subscribers: list[Subscriber] = []
        self._lock = threading.RLock()
        self.failures: list[SubscriberFailure] = []
        # Events committed while subscribers run (a subscriber that acts) wait here, so that
        # every subscriber still sees events in seq order and a durable one sees each once.
        self._queue: list[Event] = []
        self._busy = False

    def add(self, subscriber: Subscriber) -> None:
        with self._lock:
            if subscriber.name is not None and any(
                s.name == subscriber.name for s in self._subscribers
            ):
                raise ValueError(f"a durable subscriber named {subscriber.name!r} exists")
            self._subscribers.append(subscriber)
        if subscriber.name is not None:
            self.catch_up(subscriber.name)

    def deliver(self, events: Sequence[Event]) -> None:
        """Hand freshly committed events to every subscriber that wants them, in order."""
        if not events:
            return
        with self._lock:
            self._queue.extend(events)
            if not self._busy:  # else a subscriber acted: the running delivery takes them next
                self._drain()

    def _drain(self) -> None:
        self._busy = True
        try:
            while self._queue:
                events, self._queue = self._queue, []
                for subscriber in list(self._subscribers):
                    if subscriber.name is not None:
                        self._durable(subscriber, events)
                        continue
                    for event in events:
                        if subscriber.wants(event):
                            self._call(subscriber, event)
        finally:
            self._busy = False

    def catch_up(self, name: str | None = None) -> int:
        """Run durable subscribers over every event past their checkpoint; how many ran."""
        handled = 0
        with self._lock:
            busy, self._busy = self._busy, True
            try:
                for subscriber in list(self._subscribers):
                    if subscriber.name is None or (name is not None and subscriber.name != name):
                        continue
                    storage = self._storage()
                    with storage.transaction(readonly=True) as tx:
                        backlog = tx.events(tx.checkpoint(subscriber.name))
                    handled += self._durable(subscriber, backlog)
            finally:
                self._busy = busy
            if not busy:  # what the backlog's handlers did, delivered in turn
                self._drain()
        return handled

    def _durable(self, subscriber: Subscriber, events: Sequence[Event]) -> int:
        """Handle ``events`` past the checkpoint, holding the subscription's name: while
        another process holds it, that process handles them (from the checkpoint, on its
        next delivery or catch_up) and this one handles none, so none is handled twice."""
        assert subscriber.name is not None
        with self._storage().hold(f"subscription:{subscriber.name}") as held:
            return self._hand(subscriber, events) if held else 0

    def _hand(self, subscriber: Subscriber, events: Sequence[Event]) -> int:
        assert subscriber.name is not None
        storage = self._storage()
        with storage.transaction(readonly=True) as tx:
            done = tx.checkpoint(subscriber.name)
            if events and events[0].seq > done + 1:
                # Events between the checkpoint and these (another process's, or ones a
                # failure held back) come first, in order: none is skipped.
                events = tx.events(done)
        handled = 0
        for event in events:
            if event.seq <= done:
                continue
            if subscriber.wants(event):
                if not self._call(subscriber, event):
                    return handled  # keep order: the failed event is retried on catch_up()
                handled += 1
            with storage.transaction() as tx:
                tx.set_checkpoint(subscriber.name, event.seq)
            done = event.seq
        return handled

    def _call(self, subscriber: Subscriber, event: Event) -> bool:
        try:
            subscriber.handler(event)
        except Exception as exc:
            failure = SubscriberFailure(
                subscriber.label,
                event.seq,
                event.name,
                f"{type(exc).__name__}: {exc}",
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            )
            self.failures.append(failure)
            log.warning(
                "subscriber %s failed on %s (seq %d): %s",
                failure.subscriber,
                event.name,
                event.seq,
                failure.error,
                exc_info=exc,
            )
            return False
        return True
