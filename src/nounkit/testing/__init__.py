"""The storage contract suite, importable so that any backend can run it.

A backend proves itself by subclassing :class:`StorageContract` in a test
module and giving the URL of a fresh, empty store::

    import pytest
    from nounkit.testing import StorageContract

    class TestMyBackend(StorageContract):
        @pytest.fixture
        def storage_url(self, tmp_path):
            return f"mydb:///{tmp_path}/store"

The suite opens the store with :func:`nounkit.storage.open_storage` (register
a new scheme with :func:`nounkit.storage.register_backend`) and reads the
store's ``capabilities``: persistence and crash safety need ``durable``,
sharing and concurrency need ``multiprocess``; the rest applies to every
backend. Class attributes tune the cost: ``crash_rounds`` (50 SIGKILLs),
``writers``/``increments`` (4 processes x 250), ``query_examples`` (60
Hypothesis examples), ``hostile_examples`` (100 of each hostile-input test).
Needs the ``test`` extra (pytest, hypothesis).
"""

from __future__ import annotations

from nounkit.testing.contract import FunctionalContract
from nounkit.testing.durability import DurabilityContract
from nounkit.testing.equivalence import QueryEquivalenceContract
from nounkit.testing.hostile import HostileInputContract
from nounkit.testing.probe import COUNTER, NOUNS, PROBE, make_event, make_record

__all__ = [
    "COUNTER",
    "NOUNS",
    "PROBE",
    "DurabilityContract",
    "FunctionalContract",
    "HostileInputContract",
    "QueryEquivalenceContract",
    "StorageContract",
    "make_event",
    "make_record",
]


class StorageContract(
    FunctionalContract, DurabilityContract, QueryEquivalenceContract, HostileInputContract
):
    """Every test a storage backend must pass. Provide a ``storage_url`` fixture."""
