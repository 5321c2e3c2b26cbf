"""The JSON-LD benchmark's entities give the same documents as pyld (a few hundred of them).

bench/bench_jsonld.py times nounkit against per-entity pyld only after this same
comparison passes for all of its 10,000 entities; here it runs on a sample, so the
suite notices when the fast path and pyld drift apart on realistic data.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from nounkit import Registry

from .support import CATALOG, ROOT


def _bench() -> ModuleType:
    folder = str(ROOT / "bench")
    sys.path.insert(0, folder)  # for its `_common` helpers
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_jsonld", ROOT / "bench" / "bench_jsonld.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(folder)


def test_benchmark_outputs_are_identical_to_pyld() -> None:
    bench = _bench()
    registry = Registry.load(CATALOG, storage="memory://", handlers=())
    entities = bench.make_entities(registry, 270)
    assert {e.__noun__.name for e in entities} == set(registry.nouns)
    assert bench.compare(registry, entities) == 0
