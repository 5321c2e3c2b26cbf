"""The contract suite on memory://, and its field indexes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nounkit.storage import Query, open_storage
from nounkit.storage.query import plan_query, reference_query
from nounkit.testing import NOUNS, PROBE, StorageContract, make_record


class TestMemory(StorageContract):
    @pytest.fixture
    def storage_url(self) -> str:
        return "memory://"


# -- the relationship index ---------------------------------------------------------------------


OWNERS = [f"o{i}" for i in range(6)]
WRITES = st.lists(
    st.tuples(
        st.sampled_from(["insert", "update", "delete", "rollback"]),
        st.integers(0, 99),
        st.sampled_from([*OWNERS, None]),
    ),
    max_size=40,
)
WHERES = st.sampled_from(
    [
        {"owner": "o1"},
        {"owner": {"$in": ["o2", "o3", "o2"]}},
        {"owner": "o4", "name": {"$ne": "n0"}},
        {"$and": [{"owner": "o5"}]},
        {"owner": {"$ne": "o1"}},
        {"owner": "nobody"},
        {"name": "n1"},
        {"name": {"$in": ["n2", "n3"]}, "owner": "o1"},
    ]
)


@settings(max_examples=60, deadline=None)
@given(writes=WRITES, where=WHERES)
def test_queries_through_the_index_match_the_reference(
    writes: list[tuple[str, int, str | None]], where: dict[str, object]
) -> None:
    # Over 64 records, equality on an indexed text field (a to-one relationship, an
    # `index` property) goes through an index kept in step by every write and undo;
    # its answers must be the reference evaluator's.
    with open_storage("memory://", NOUNS) as storage:
        with storage.transaction() as tx:
            for i in range(100):
                tx.insert(make_record(f"p{i}", {"owner": OWNERS[i % 6], "name": f"n{i % 4}"}))
        storage.query("Probe", Query(where={"owner": "o0"}))  # builds the indexes
        storage.query("Probe", Query(where={"name": "n0"}))
        for action, i, owner in writes:
            current = storage.get("Probe", f"p{i}")
            data = {"owner": owner, "name": f"n{i % 5}"} if owner else {"name": f"n{i % 5}"}
            try:
                with storage.transaction() as tx:
                    if action == "insert" and current is None:
                        tx.insert(make_record(f"p{i}", data))
                    elif action == "update" and current is not None:
                        tx.update(make_record(f"p{i}", data, version=current.version + 1),
                                  current.version)  # fmt: skip
                    elif action == "delete" and current is not None:
                        tx.delete("Probe", f"p{i}", None, current.version)
                    elif action == "rollback" and current is not None:
                        tx.update(make_record(f"p{i}", data, version=current.version + 1),
                                  current.version)  # fmt: skip
                        raise RuntimeError("undo it")
            except RuntimeError:
                pass
        everything = storage.query("Probe", Query()).records
        query = Query(where=where, sort={"id": 1})
        expected = reference_query(everything, plan_query(PROBE, query))
        got = storage.query("Probe", query)
        assert [r.id for r in got.records] == [r.id for r in expected.records]
        assert storage.count("Probe", where) == len(expected.records)
