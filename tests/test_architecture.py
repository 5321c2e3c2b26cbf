"""How nounkit is built: one-way dependencies, no process-wide tricks, safe in threads.

- Nothing inside the package imports ``nounkit.registry`` (the facade) back, but the
  package's own front doors: ``nounkit/__init__.py`` and the command line.
- Library code never forks, never switches or tunes the garbage collector, never
  leaves with ``os._exit``, never calls ``atexit`` internals, never sets the umask:
  nounkit must be safe inside a long-running threaded server. The command line's
  entry point alone may set its own process's collector policy.
- The compiled schema is immutable, and a registry used from many threads at once
  gives the same answers as one used from one.
"""

from __future__ import annotations

import ast
import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nounkit import Registry
from nounkit.codegen.build import artifacts
from nounkit.compiler.schema import Schema, load_schema

SRC = Path(__file__).resolve().parents[1] / "src" / "nounkit"
CATALOG = Path(__file__).resolve().parents[1] / "nouns"
FRONT_DOORS = {Path("__init__.py"), Path("registry.py")}
# The one place in the package that forks: the storage contract suite, whose durability
# test exists to kill writer processes mid-write. No library code runs it.
FORKING_TEST_SUITE = Path("testing/durability.py")


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function or TYPE_CHECKING."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_below_the_facade_imports_the_registry() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in modules()
        if path.relative_to(SRC) not in FRONT_DOORS
        and not path.relative_to(SRC).parts[0].startswith("cli")  # the command line
        and {"nounkit.registry", "nounkit.Registry"} & imported(path)
    ]
    assert offenders == [], "import the compiled Schema (nounkit.compiler.schema) instead"


def test_the_language_does_not_depend_on_what_is_built_from_it() -> None:
    later = ("nounkit.compiler", "nounkit.dispatch", "nounkit.storage", "nounkit.jsonld")
    later += ("nounkit.codegen", "nounkit.registry", "nounkit.cli")
    for path in (SRC / "language").glob("*.py"):
        reaching = sorted(n for n in imported(path) if n.startswith(later))
        assert reaching == [], f"{path.name} imports {reaching}"


# Calls no library code may make: each changes the whole process, every thread of it.
FORBIDDEN = {
    ("os", "fork"),
    ("os", "forkpty"),
    ("os", "_exit"),
    ("os", "umask"),
    ("gc", "disable"),
    ("gc", "enable"),
    ("gc", "freeze"),
    ("gc", "set_threshold"),
    ("atexit", "_run_exitfuncs"),
    ("atexit", "_clear"),
}


def tricks(path: Path) -> list[tuple[int, str]]:
    """Forbidden calls, however the module was imported (``import os as o`` too), and any
    ``multiprocessing`` start that forks."""
    tree = ast.parse(path.read_text("utf-8"))
    names = {"os": "os", "gc": "gc", "atexit": "atexit"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in names:
                    names[alias.asname or alias.name] = alias.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = names.get(node.value.id)
            if module is not None and (module, node.attr) in FORBIDDEN:
                found.append((node.lineno, f"{module}.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "gc", "atexit"):
            for alias in node.names:
                if (node.module, alias.name) in FORBIDDEN:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif (
            isinstance(node, ast.Constant)
            and node.value in ("fork", "forkserver")
            and "multiprocessing" in {n.split(".")[0] for n in imported(path)}
        ):
            found.append((node.lineno, f"multiprocessing start method {node.value!r}"))
    return found


def test_no_process_wide_tricks_in_library_code() -> None:
    offenders = {
        str(path.relative_to(SRC)): found
        for path in modules()
        if path.relative_to(SRC) not in (Path("cli/__init__.py"), FORKING_TEST_SUITE)
        and (found := tricks(path))
    }
    assert offenders == {}


def test_the_forking_test_suite_is_the_only_one_and_says_why() -> None:
    found = tricks(SRC / FORKING_TEST_SUITE)
    assert {call for _, call in found} == {"multiprocessing start method 'fork'"}
    assert "kill" in (SRC / FORKING_TEST_SUITE).read_text("utf-8")


def test_the_command_line_sets_its_collector_policy_in_its_entry_point_only() -> None:
    entry = SRC / "cli" / "__init__.py"
    found = tricks(entry)
    assert [call for _, call in found] == ["gc.set_threshold"]
    tree = ast.parse(entry.read_text("utf-8"))
    function = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "entry"
    )
    assert any(
        isinstance(n, ast.Attribute) and n.attr == "set_threshold" for n in ast.walk(function)
    )


def test_loading_and_building_leave_the_collector_as_they_found_it() -> None:
    before = (gc.isenabled(), gc.get_threshold())
    schema = load_schema([CATALOG])
    artifacts(schema)
    schema.models()
    assert (gc.isenabled(), gc.get_threshold()) == before


def test_the_compiled_schema_does_not_change() -> None:
    schema = load_schema([CATALOG])
    with pytest.raises(AttributeError):
        schema.base = "https://elsewhere.example/"  # type: ignore[misc]
    with pytest.raises(TypeError):
        schema.nouns["Other"] = schema.nouns["ServiceCustomer"]  # type: ignore[index]
    with pytest.raises(TypeError):
        schema.derived["ServiceCustomer"]["x"] = ("a", "b")  # type: ignore[index]
    assert schema.model("ServiceCustomer") is schema.model("ServiceCustomer")


def test_a_registry_is_a_facade_over_its_schema() -> None:
    registry = Registry.load(CATALOG, storage="memory://")
    assert isinstance(registry.schema, Schema)
    assert registry.nouns is registry.schema.nouns
    assert registry.model("ServicePlan") is registry.schema.model("ServicePlan")


def test_threads_sharing_a_schema_and_a_registry_see_one_world() -> None:
    """What a threaded server does: load, compile and act from many threads at once."""
    schema = load_schema([CATALOG])
    start = threading.Barrier(8)

    def compile_all(_: int) -> dict[str, int]:
        start.wait()
        return {name: id(model) for name, model in schema.models().items()}

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(compile_all, range(8)))
    assert all(s == seen[0] for s in seen), "every thread must get the same compiled models"

    loaded = list(ThreadPoolExecutor(4).map(lambda _: artifacts(load_schema([CATALOG])), range(4)))
    assert all(files == loaded[0] for files in loaded)

    with Registry.load(CATALOG, storage="memory://") as registry:
        plan = registry.act(
            "ServicePlan.create", data={"name": "Team", "price": 10, "currency": "EUR"}
        )

        def read(_: int) -> str:
            return registry.get("ServicePlan", plan.id).model_dump_json()

        with ThreadPoolExecutor(8) as pool:
            answers = set(pool.map(read, range(64)))
        assert len(answers) == 1


def test_the_attributes_a_property_may_not_shadow_are_those_of_the_installed_pydantic() -> None:
    from pydantic import BaseModel

    from nounkit.compiler.names import BASEMODEL_ATTRIBUTES

    own = {n for n in dir(BaseModel) if not n.startswith("_")}
    metaclass = {n for n in dir(type(BaseModel)) if not n.startswith("_") and hasattr(BaseModel, n)}
    public = own | metaclass
    assert public <= BASEMODEL_ATTRIBUTES, "add them to nounkit.compiler.names"


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["build", "--out", "{tmp}/schemas"],
        ["codegen", "python", "--out", "{tmp}/models.py"],
    ],
)
def test_commands_on_definitions_import_no_pydantic(command: list[str], tmp_path: Path) -> None:
    """check, build and codegen of the catalog read definitions only: its defaults,
    examples and enum values are settled by their JSON types, so pydantic-core is never
    asked (and never imported), and no model is compiled."""
    import subprocess
    import sys

    argv = [part.format(tmp=tmp_path) for part in command] + ["--nouns", str(CATALOG)]
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('pydantic', 'pydantic_core')), file=sys.stderr))\n"
        f"sys.argv = ['nounkit', *{argv!r}]\n"
        "from nounkit.cli import entry\n"
        "entry()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_generated_ids_are_ulids_sortable_by_time() -> None:
    import re
    import time

    from nounkit.dispatch.ids import new_id

    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", i) for i in [first, *later])
    assert len(set(later)) == 1000
    assert all(first < i for i in later)  # a later millisecond sorts after
    # The first ten characters are the milliseconds since the epoch, in Crockford's base 32.
    stamp = 0
    for char in first[:10]:
        stamp = stamp * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(char)
    assert abs(stamp - time.time() * 1000) < 60_000
