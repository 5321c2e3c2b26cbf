"""Copy a whole store to another backend: records, events (keeping their seq), checkpoints.

The source is read inside one read-only transaction, so the copy is a
consistent snapshot even while writers go on. The target must be empty.
Records go over in batches, one target transaction each; at the end the
counts on both sides are compared, noun by noun.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields

from nounkit.errors import StorageError
from nounkit.storage.base import NewEvent, Record, Storage, Transaction
from nounkit.storage.urls import redact

__all__ = ["Migration", "migrate"]

Progress = Callable[[int, int], None]  # (done, total)
_NEW_EVENT_FIELDS = tuple(f.name for f in fields(NewEvent))


@dataclass
class Migration:
    """What was copied, and any count that differs between source and target."""

    records: dict[str, int] = field(default_factory=dict)
    events: int = 0
    checkpoints: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _count_events(tx: Transaction) -> int:
    count = since = 0
    while chunk := tx.events(since, limit=10_000):
        count += len(chunk)
        since = chunk[-1].seq
    return count


def _counts(tx: Transaction) -> tuple[dict[str, int], int, dict[str, int]]:
    records = {noun: sum(1 for _ in tx.scan(noun)) for noun in tx.stored_nouns()}
    return {k: v for k, v in records.items() if v}, _count_events(tx), tx.checkpoints()


def _batches(items: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def migrate(
    source: Storage, target: Storage, *, batch: int = 1000, progress: Progress | None = None
) -> Migration:
    """Copy everything from ``source`` into the empty ``target``, then verify the counts."""
    if source.url == target.url and "://" in source.url and not source.url.startswith("memory"):
        raise StorageError(f"cannot migrate {redact(source.url)!r} onto itself")
    with target.transaction(readonly=True) as tx:
        present, events, _ = _counts(tx)
        if present or events:
            raise StorageError(
                f"the target {redact(target.url)!r} is not empty ({sum(present.values())} "
                f"records, {events} events); migrate into a new, empty store"
            )
    report = Migration()
    with source.transaction(readonly=True) as src:
        nouns = src.stored_nouns()
        totals = {noun: sum(1 for _ in src.scan(noun)) for noun in nouns}
        log_size = _count_events(src)
        total = sum(totals.values()) + log_size
        done = 0
        if progress:
            progress(done, total)
        for noun in nouns:
            for chunk in _batches(src.scan(noun), batch):
                with target.transaction() as tx:
                    for record in chunk:
                        tx.insert(record)
                report.records[noun] = report.records.get(noun, 0) + len(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        since = 0
        while chunk_events := src.events(since, limit=batch):
            with target.transaction() as tx:
                fresh = [
                    NewEvent(**{k: getattr(e, k) for k in _NEW_EVENT_FIELDS}) for e in chunk_events
                ]
                stored = tx.append(fresh)
                if [e.seq for e in stored] != [e.seq for e in chunk_events]:
                    raise StorageError(
                        f"the target numbered events {stored[0].seq}.. where the source has "
                        f"{chunk_events[0].seq}..; migrate into a new, empty store"
                    )
            since = chunk_events[-1].seq
            report.events += len(chunk_events)
            done += len(chunk_events)
            if progress:
                progress(done, total)
        marks = src.checkpoints()
        with target.transaction() as tx:
            for name, seq in marks.items():
                tx.set_checkpoint(name, seq)
        report.checkpoints = len(marks)
        expected = ({n: c for n, c in totals.items() if c}, log_size, marks)
    with target.transaction(readonly=True) as tx:
        got = _counts(tx)
    for noun in sorted(set(expected[0]) | set(got[0])):
        want, have = expected[0].get(noun, 0), got[0].get(noun, 0)
        if want != have:
            report.mismatches.append(f"{noun}: {want} records in the source, {have} in the target")
    if expected[1] != got[1]:
        report.mismatches.append(f"events: {expected[1]} in the source, {got[1]} in the target")
    if expected[2] != got[2]:
        report.mismatches.append("checkpoints differ between the source and the target")
    return report
