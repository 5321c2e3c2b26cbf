"""Benchmark: nounkit against LinkML 1.12.1 on the same models and data, as whole processes.

Run from anywhere::

    python bench/peer_linkml.py [--quick] [--runs N] [--slow]

LinkML is installed into its own virtual environment, never into nounkit's:
``$NOUNKIT_BENCH_CACHE/linkml-1.12.1`` (default cache ``~/.cache/nounkit-bench``), reused
while a marker file says the install finished and ``linkml`` still imports there.

One abstract description of N classes (N = 1, 200, 1000) of 20 fields each (strings with
and without a maximum length, a pattern, an e-mail address, a URL, bounded integers and
numbers, booleans, a date, datetimes, an enum; 8 required, 12 optional) and, for each class
after the first, a to-one reference to the class before it, is written both as nouns and
as a LinkML schema. Both are checked before the figures (``nounkit check``; the first run
of ``nounkit build`` and ``gen-json-schema``, which is also their first timed run) and
the JSON Schema each side generates is compared, field by field, with the description.
The data are 10,000 valid objects of the first class (seeded), one JSON array; 17 probe
objects, each valid or invalid in one way, show whether the two validators agree.

Figures, each a whole process with bytecode cached (a first, untimed run of each command
fills a private cache), median and min..max of the runs:

  1. JSON Schema: ``nounkit build`` vs ``gen-json-schema``
  2. pydantic models: ``nounkit codegen python`` vs ``gen-pydantic``, as it comes and with
     ``--meta None``, which leaves out LinkML's per-field metadata (nounkit's output has
     none; LinkML's grows with the square of the classes sharing a field name)
  3. validating the 10,000 objects against the 1- and 200-class models: ``nounkit
     validate`` vs ``linkml-validate``
  4. the same objects to JSON-LD: ``nounkit validate --jsonld`` vs ``linkml-convert``
     (which reads one root object, so its input wraps the array in a container class)
  5. installed footprint: distributions and megabytes of each runtime dependency closure
  6. import time, with bare ``python -c pass`` of each environment beside it

A case runs ``--runs`` times (default 3); a command whose first run takes over 10 s runs
twice at most, over 30 s once. ``--quick``: one run each, no 1,000-class size. ``--slow``
adds the default ``gen-pydantic`` on 1,000 classes: minutes, and a file of about 1 GB.
Ratios are nounkit / LinkML; "faster" is LinkML / nounkit. Figures go to
``$NOUNKIT_BENCH_RECORD`` when bench/run sets it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from _common import Sample, Stats, banner, fmt_ms, machine, print_table, record
from bench_definitions import _bytecode_env, noun_name

LINKML = "1.12.1"
PEER = f"LinkML {LINKML}"
SECTION = "Peer: LinkML"
SIZES = (1, 200, 1000)
GENERATOR_TARGET = 8.0  # issue 12: every generator at least 8x faster than LinkML, side by side
OBJECTS = 10_000
NOUNS_PER_FILE = 100  # nounkit refuses noun files over 1 MiB
SLOW_RUN, VERY_SLOW_RUN = 10.0, 30.0  # s: fewer runs above these
TIMEOUT = 1800  # s, any one process
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# -- the models, from one description -----------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of the abstract description, translated to both languages."""

    name: str
    kind: str  # string, email, url, integer, number, boolean, date, datetime, enum
    required: bool = False
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None


STATUS = ("draft", "active", "archived")
CODE_PATTERN = "^[A-Z]{3}-[0-9]{4}$"
# nounkit's e-mail syntax (the WHATWG one); LinkML has no e-mail type, so it gets this pattern.
# The quote is written \x27: linkml-convert's generated Python puts patterns in r'...' unescaped.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&\x27*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def fields(i: int) -> list[Field]:
    """The 20 fields of class ``i``; one bound varies with ``i`` so no two classes are alike."""
    return [
        Field("id", "string", required=True),
        Field("name", "string", required=True, max_length=80 + i % 40),
        Field("code", "string", required=True, pattern=CODE_PATTERN),
        Field("description", "string", max_length=500),
        Field("email", "email"),
        Field("homepage", "url"),
        Field("quantity", "integer", required=True, minimum=0, maximum=10_000),
        Field("priority", "integer", minimum=1, maximum=5),
        Field("price", "number", required=True, minimum=0),
        Field("discount", "number", minimum=0, maximum=1),
        Field("active", "boolean", required=True),
        Field("verified", "boolean"),
        Field("startsOn", "date"),
        Field("createdAt", "datetime", required=True),
        Field("status", "enum", required=True),
        Field("country", "string", max_length=2),
        Field("rating", "number", minimum=0, maximum=5),
        Field("stock", "integer", minimum=0),
        Field("notes", "string"),
        Field("updatedAt", "datetime"),
    ]


def _noun_property(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string" if f.kind == "enum" else f.kind}
    if not f.required:
        out["optional"] = True
    if f.kind == "enum":
        out["enum"] = list(STATUS)
    if f.max_length is not None:
        out["maxLength"] = f.max_length
    if f.pattern is not None:
        out["pattern"] = f.pattern
    if f.minimum is not None:
        out["minimum"] = f.minimum
    if f.maximum is not None:
        out["maximum"] = f.maximum
    return out


def nouns(n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(n):
        noun: dict[str, Any] = {
            "description": f"Generated class number {i}",
            "properties": {f.name: _noun_property(f) for f in fields(i)},
        }
        if i > 0:
            noun["relationships"] = {"previous": {"type": noun_name(i - 1), "required": False}}
        out[noun_name(i)] = noun
    return out


_RANGES = {
    "string": "string",
    "email": "string",
    "url": "uri",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "enum": "Status",
}


def _max_length_pattern(n: int) -> str:
    # LinkML 1.12's metamodel has no string length, only patterns.
    return f"^.{{0,{n}}}$"


def _linkml_slot(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"range": _RANGES[f.kind]}
    if f.name == "id":
        out["identifier"] = True  # identifiers are required
    elif f.required:
        out["required"] = True
    if f.kind == "email":
        out["pattern"] = EMAIL_PATTERN
    if f.max_length is not None:
        out["pattern"] = _max_length_pattern(f.max_length)
    if f.pattern is not None:
        out["pattern"] = f.pattern
    if f.minimum is not None:
        out["minimum_value"] = f.minimum
    if f.maximum is not None:
        out["maximum_value"] = f.maximum
    return out


def linkml_schema(n: int, container: bool = False) -> dict[str, Any]:
    """Each class declares its own fields as attributes, as a noun does; the enum is shared.

    ``container`` adds a root class holding a list of the first class: linkml-convert reads
    one root object, not an array.
    """
    classes: dict[str, Any] = {}
    for i in range(n):
        attributes = {f.name: _linkml_slot(f) for f in fields(i)}
        if i > 0:
            # Not inlined: the target has an identifier, so the slot holds its id.
            attributes["previous"] = {"range": noun_name(i - 1)}
        classes[noun_name(i)] = {
            "description": f"Generated class number {i}",
            "attributes": attributes,
        }
    if container:
        classes["Container"] = {
            "tree_root": True,
            "attributes": {
                "items": {"range": noun_name(0), "multivalued": True, "inlined_as_list": True}
            },
        }
    return {
        "id": "https://example.org/bench",
        "name": "bench",
        "prefixes": {"linkml": "https://w3id.org/linkml/", "bench": "https://example.org/bench/"},
        "default_prefix": "bench",
        "default_range": "string",
        "imports": ["linkml:types"],
        "enums": {"Status": {"permissible_values": {s: {} for s in STATUS}}},
        "classes": classes,
    }


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, default_flow_style=None, width=100)
    path.write_text(text, encoding="utf-8")


def write_models(folder: Path, n: int) -> tuple[Path, Path]:
    """Write the nouns (one file, or a folder when they exceed one file) and the schema."""
    described = nouns(n)
    if n <= NOUNS_PER_FILE:
        noun_path = folder / f"nouns-{n}.yaml"
        _dump(described, noun_path)
    else:
        noun_path = folder / f"nouns-{n}"
        names = list(described)
        for start in range(0, n, NOUNS_PER_FILE):
            chunk = {k: described[k] for k in names[start : start + NOUNS_PER_FILE]}
            _dump(chunk, noun_path / f"part{start // NOUNS_PER_FILE:03d}.yaml")
    schema_path = folder / f"schema-{n}.yaml"
    _dump(linkml_schema(n), schema_path)
    return noun_path, schema_path


# -- the data -----------------------------------------------------------------------------------


def objects(count: int) -> list[dict[str, Any]]:
    """``count`` valid objects of the first class, about 60% of optional fields present."""
    rng = random.Random(0)
    out = []

    def day(year: int) -> str:
        return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"

    optional: dict[str, Callable[[], Any]] = {
        "description": lambda: "A generated object for the benchmark",
        "email": lambda: f"user{rng.randrange(10**6)}@example.com",
        "homepage": lambda: f"https://example.com/items/{rng.randrange(10**6)}",
        "priority": lambda: rng.randrange(1, 6),
        "discount": lambda: round(rng.random(), 2),
        "verified": lambda: rng.random() < 0.5,
        "startsOn": lambda: day(2025),
        "country": lambda: rng.choice(["DE", "US", "FR", "JP"]),
        "rating": lambda: round(rng.uniform(0, 5), 1),
        "stock": lambda: rng.randrange(500),
        "notes": lambda: rng.choice(["fragile", "gift", "express"]),
        "updatedAt": lambda: f"{day(2025)}T08:{rng.randrange(60):02d}:00+01:00",
    }
    for k in range(count):
        d: dict[str, Any] = {
            "id": f"obj-{k:05d}",
            "name": f"Item {k} " + rng.choice(["alpha", "beta", "gamma", "delta"]),
            "code": f"{rng.choice(['ABC', 'XYZ', 'QRS'])}-{rng.randrange(10_000):04d}",
            "quantity": rng.randrange(10_001),
            # half whole numbers: JSON has one number type, so both must pass as `number`
            "price": rng.randrange(1000) if rng.random() < 0.5 else round(rng.uniform(0, 999), 2),
            "active": rng.random() < 0.7,
            "createdAt": f"{day(2024)}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:"
            f"{rng.randrange(60):02d}Z",
            "status": rng.choice(STATUS),
        }
        for key, make in optional.items():
            if rng.random() < 0.6:
                d[key] = make()
        out.append(d)
    return out


# One invalid (or borderline) change each to a valid object: where the two disagree, their
# validation means different things.
PROBES: list[tuple[str, dict[str, Any]]] = [
    ("e-mail without @", {"email": "not an email"}),
    ("URL without scheme", {"homepage": "example.com/x"}),
    ("integer over maximum", {"quantity": 10_001}),
    ("number under minimum", {"price": -1}),
    ("pattern mismatch", {"code": "abc-1"}),
    ("string over max length", {"country": "DEU"}),
    ("impossible date 2024-02-30", {"startsOn": "2024-02-30"}),
    ("datetime given for a date", {"startsOn": "2024-02-03T00:00:00Z"}),
    ("datetime without offset", {"createdAt": "2024-02-03T10:00:00"}),
    ("value not in enum", {"status": "deleted"}),
    ("required field missing", {"name": None}),
    ("number as string", {"price": "12"}),
    ("1 for a boolean", {"active": 1}),
    ("3.5 for an integer", {"quantity": 3.5}),
    ("unknown field", {"colour": "red"}),
    ("3.0 for an integer (valid JSON Schema)", {"quantity": 3.0}),
    ("null for an optional field", {"notes": None}),
]


def probe_objects(base: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for _, change in PROBES:
        item = dict(base)
        for key, value in change.items():
            if value is None and key == "name":
                del item[key]
            else:
                item[key] = value
        out.append(item)
    return out


# -- processes ----------------------------------------------------------------------------------


class Failed(Exception):
    """A child process exited non-zero (or could not start)."""

    def __init__(self, argv: Sequence[str], detail: str) -> None:
        super().__init__(f"{' '.join(argv)}: {detail}")
        self.argv = list(argv)
        self.detail = detail


def _tail(text: str, lines: int = 12) -> str:
    # pip lists every ignored local index location; those lines hide the error.
    kept = [line for line in text.splitlines() if line.strip() and "is ignored:" not in line]
    return "\n".join(kept[-lines:])


@dataclass(frozen=True)
class Run:
    sample: Sample
    stdout: str
    stderr: str


def run(
    argv: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    out: Path | None = None,
    clear: Path | None = None,
) -> Run:
    """One child process, timed as ``_common.run_process`` times it.

    Standard output goes to ``out`` when given (generators print megabytes), else it is kept.
    ``clear``, a folder, is moved out of the way first, untimed, into a trash folder
    that goes with the work folder at the end: deleting thousands of files just before
    the timed run would charge their deletion to its file creations on some file
    systems. An exit code other than 0 raises ``Failed`` with the tail of standard error.
    """
    if clear is not None and clear.exists():
        trash = clear.parent / ".trash"
        trash.mkdir(exist_ok=True)
        clear.rename(trash / f"{clear.name}-{len(list(trash.iterdir()))}")
    sink = out.open("wb") if out else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdout=sink or subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Failed(argv, str(exc)) from exc
    finally:
        if sink:
            sink.close()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = (done.stdout or b"").decode(errors="replace")
    stderr = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise Failed(argv, f"exit {done.returncode}\n{_tail(stderr + stdout)}")
    return Run(Sample(wall, cpu), stdout, stderr)


def _repeats(first: float, runs: int) -> int:
    if first > VERY_SLOW_RUN:
        return 1
    if first > SLOW_RUN:
        return min(runs, 2)
    return runs


@dataclass
class Measured:
    """The runs of one command, or why it has none."""

    stats: Stats | None = None
    error: str = ""
    first: Run | None = None

    def note(self, runs: int) -> str:
        if self.error:
            lines = self.error.splitlines()
            return "failed: " + " ... ".join(dict.fromkeys([lines[0], lines[-1]]))[:300]
        if self.stats and self.stats.n < runs:
            if self.stats.n == 1:
                return f"1 run only (over {VERY_SLOW_RUN:.0f} s a run)"
            return f"{self.stats.n} runs only (over {SLOW_RUN:.0f} s a run)"
        return ""


def measure(
    argv: Sequence[str],
    runs: int,
    cwd: Path,
    env: dict[str, str],
    out: Path | None = None,
    warm: bool = False,
    first: Run | None = None,
    clear: Path | None = None,
) -> Measured:
    """Time ``argv``: an untimed run first when ``warm``; ``first`` counts as the first run.

    The first timed run decides how many follow, so slow commands keep the budget.
    """
    try:
        if warm:
            run(argv, cwd, env, out, clear)
        head = first or run(argv, cwd, env, out, clear)
        repeats = _repeats(head.sample.wall, runs) - 1
        samples = [head.sample] + [run(argv, cwd, env, out, clear).sample for _ in range(repeats)]
    except Failed as exc:
        return Measured(error=exc.detail)
    return Measured(Stats.of(samples), first=head)


# -- LinkML's environment -----------------------------------------------------------------------


def cache_dir() -> Path:
    configured = os.environ.get("NOUNKIT_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "nounkit-bench"


def _imports(python: Path) -> bool:
    done = subprocess.run(
        [str(python), "-c", "import linkml, linkml_runtime"], capture_output=True, timeout=120
    )
    return done.returncode == 0


def linkml_venv(cache: Path) -> tuple[Path, float | None]:
    """LinkML's virtual environment, and the seconds its install took (None: reused)."""
    venv = cache / f"linkml-{LINKML}"
    python = venv / "bin" / "python"
    marker = venv / ".nounkit-bench-installed"
    if marker.exists() and python.exists() and _imports(python):
        return venv, None
    if venv.exists():
        shutil.rmtree(venv)  # a half-finished install: start again
    cache.mkdir(parents=True, exist_ok=True)
    print(f"  installing linkml=={LINKML} into {venv} ...", flush=True)
    start = time.perf_counter()
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", f"linkml=={LINKML}"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=TIMEOUT)
        if done.returncode != 0:
            print(f"  `{' '.join(step)}` failed (exit {done.returncode}):")
            for line in _tail(done.stderr + done.stdout, 20).splitlines():
                print(f"    {line}")
            raise SystemExit(f"could not install LinkML {LINKML} into {venv}; see above")
    if not _imports(python):
        raise SystemExit(f"LinkML {LINKML} installed into {venv} but does not import")
    marker.write_text(f"linkml=={LINKML}\n", encoding="utf-8")
    return venv, time.perf_counter() - start


# -- checks -------------------------------------------------------------------------------------


_LENGTH = re.compile(r"^\^\.\{0,(\d+)\}\$$")


def _shape(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """What a JSON Schema property accepts, in terms both generators can be compared in."""
    if "$ref" in prop:
        prop = {**prop, **defs[prop["$ref"].rsplit("/", 1)[1]]}
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    types += [t["type"] for t in prop.get("anyOf", []) if "type" in t]
    shape: dict[str, Any] = {
        "type": "/".join(sorted(t for t in types if t != "null")),
        "null": "null" in types,
    }
    for key in ("minimum", "maximum", "enum", "maxLength"):
        if key in prop:
            shape[key] = prop[key]
    if prop.get("format") in ("date", "date-time", "uri"):
        shape["format"] = prop["format"]
    pattern = prop.get("pattern")
    if pattern and (length := _LENGTH.match(pattern)):
        shape["maxLength"] = int(length.group(1))
    elif pattern == CODE_PATTERN:
        shape["pattern"] = pattern
    return shape


def _expected(f: Field) -> dict[str, Any]:
    json_type = {"integer": "integer", "number": "number", "boolean": "boolean"}
    shape: dict[str, Any] = {"type": json_type.get(f.kind, "string"), "null": not f.required}
    for key, value in (
        ("minimum", f.minimum),
        ("maximum", f.maximum),
        ("maxLength", f.max_length),
        ("pattern", f.pattern),
        ("enum", list(STATUS) if f.kind == "enum" else None),
        ("format", {"date": "date", "datetime": "date-time", "url": "uri"}.get(f.kind)),
    ):
        if value is not None:
            shape[key] = value
    return shape


def compare_schema(i: int, schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """How a generated JSON Schema of class ``i`` differs from the description."""
    expected = {f.name: _expected(f) for f in fields(i)}
    if i > 0:
        expected["previous"] = {"type": "string", "null": True}
    required = {f.name for f in fields(i) if f.required}
    props = schema.get("properties", {})
    problems = []
    if set(props) != set(expected):
        problems.append(f"fields differ: {sorted(set(props) ^ set(expected))}")
    if set(schema.get("required", [])) != required:
        problems.append(f"required differ: {sorted(set(schema.get('required', [])) ^ required)}")
    if schema.get("additionalProperties") is not False:
        problems.append("open to unknown fields")
    for name in sorted(set(props) & set(expected)):
        got = _shape(props[name], defs)
        if got != expected[name]:
            problems.append(f"{name}: {got} (described: {expected[name]})")
    return problems


def nodes(path: Path) -> int:
    """Distinct objects of the data (ids obj-NNNNN) that are nodes of a JSON-LD document."""
    seen: set[str] = set()
    pattern = re.compile(r"obj-\d{5}$")

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key in ("@id", "id"):
                found = value.get(key)
                if isinstance(found, str) and (match := pattern.search(found)):
                    seen.add(match.group(0))
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return len(seen)


# -- footprint ----------------------------------------------------------------------------------

# Run by each environment's python: the runtime dependency closure of one distribution.
_FOOTPRINT = r"""
import importlib.util, json, os, sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement

def canon(name):
    return name.lower().replace("_", "-").replace(".", "-")

def size(dist):
    total = 0
    direct = dist.read_text("direct_url.json")
    if direct and json.loads(direct).get("dir_info", {}).get("editable"):
        # an editable install records no package files: count the package folder
        for top in (dist.read_text("top_level.txt") or canon(dist.name).replace("-", "_")).split():
            try:
                spec = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                spec = None
            for folder in (spec.submodule_search_locations or []) if spec else []:
                for root, dirs, files in os.walk(folder):
                    dirs[:] = [d for d in dirs if d != "__pycache__"]
                    total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    for file in dist.files or []:
        path = dist.locate_file(file)
        if os.path.isfile(path):
            total += os.path.getsize(path)
    return total

seen, todo, total = {}, [sys.argv[1]], 0
while todo:
    name = canon(todo.pop())
    if name in seen:
        continue
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        seen[name] = None
        continue
    seen[name] = dist.version
    total += size(dist)
    for text in dist.requires or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            todo.append(req.name)
print(json.dumps({"dists": {k: v for k, v in seen.items() if v}, "bytes": total,
                  "missing": [k for k, v in seen.items() if v is None]}))
"""


def footprint(python: Path | str, dist: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(python), "-c", _FOOTPRINT, dist], capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise Failed([str(python), "-c", "<footprint>", dist], _tail(done.stderr))
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the report ---------------------------------------------------------------------------------


class Report:
    """Rows of the final table, records for bench/run, and whether nounkit failed."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.rows: list[list[str]] = []
        self.nounkit_failed: list[str] = []

    def compare(
        self,
        figure: str,
        ours: Measured,
        theirs: Measured,
        note: str = "",
        *,
        generator: bool = True,
    ) -> None:
        """Both sides of one figure; a generator's speed-up also goes in as its own figure,
        against issue 12's target: at least GENERATOR_TARGET times LinkML's speed."""
        if ours.error:
            self.nounkit_failed.append(f"{figure}: {ours.error}")
            print(f"  nounkit FAILED on {figure}:\n{_indent(ours.error)}")
        if theirs.error:
            print(f"  LinkML failed on {figure}:\n{_indent(theirs.error)}")
        notes = [note] if note else []
        notes += [
            f"{side} {m.note(self.runs)}"
            for side, m in (("nounkit", ours), ("LinkML", theirs))
            if m.note(self.runs)
        ]
        a, b = ours.stats, theirs.stats
        if a is not None:
            record(SECTION, figure, a, peer=PEER, peer_value=b, note="; ".join(notes))
        if generator and a is not None and b is not None:
            record(
                SECTION,
                f"{figure}: times as fast as LinkML",
                b.median / a.median,
                unit="x",
                higher_is_better=True,
                target=GENERATOR_TARGET,
                note="median over median, side by side in this run",
            )
        ratio = f"{a.median / b.median:.3f}" if a and b else "-"
        faster = f"{b.median / a.median:.1f}x" if a and b else "-"
        self.rows.append(
            [
                figure,
                fmt_ms(a.median) if a else "failed",
                a.spread_ms() if a else "-",
                fmt_ms(b.median) if b else "failed",
                b.spread_ms() if b else "-",
                f"{a.n if a else 0}/{b.n if b else 0}",
                ratio,
                faster,
            ]
        )

    def skipped(self, figure: str, ours: Measured, why: str) -> None:
        self.rows.append(
            [figure, fmt_ms(ours.stats.median) if ours.stats else "-", "", why, "", "", "", ""]
        )

    def table(self) -> None:
        print_table(
            [
                "figure",
                "nounkit",
                "min..max ms",
                "LinkML",
                "min..max ms",
                "runs",
                "nounkit/LinkML",
                "faster",
            ],
            self.rows,
        )


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6 if path.exists() else 0.0


@dataclass
class Paths:
    nouns: dict[int, Path]
    schemas: dict[int, Path]
    data: Path
    container_schema: Path
    container_data: Path
    probes: Path


def prepare(work: Path, sizes: Sequence[int]) -> Paths:
    noun_paths, schema_paths = {}, {}
    for n in sizes:
        noun_paths[n], schema_paths[n] = write_models(work / "models", n)
    data = objects(OBJECTS)
    data_path = work / "data.json"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    container_schema = work / "models" / "schema-1-container.yaml"
    _dump(linkml_schema(1, container=True), container_schema)
    container_data = work / "container.json"
    container_data.write_text(json.dumps({"items": data}), encoding="utf-8")
    probes = work / "probes.json"
    probes.write_text(json.dumps(probe_objects(data[0])), encoding="utf-8")
    return Paths(noun_paths, schema_paths, data_path, container_schema, container_data, probes)


@dataclass
class Ctx:
    """What every section needs: folders, environment, commands, runs and the report."""

    work: Path
    env: dict[str, str]
    linkml_bin: Path
    paths: Paths
    sizes: list[int]
    runs: int
    report: Report
    slow: bool

    @property
    def nounkit(self) -> list[str]:
        # The console script, as LinkML's tools are run through theirs.
        script = Path(sys.executable).with_name("nounkit")
        return [str(script)] if script.exists() else [sys.executable, "-m", "nounkit"]

    def linkml(self, tool: str, *args: str) -> list[str]:
        return [str(self.linkml_bin / tool), *args]

    def measure(
        self,
        argv: Sequence[str],
        out: Path | None = None,
        warm: bool = False,
        first: Run | None = None,
        clear: Path | None = None,
    ) -> Measured:
        return measure(argv, self.runs, self.work, self.env, out, warm, first, clear)

    def run(self, argv: Sequence[str], out: Path | None = None, clear: Path | None = None) -> Run:
        return run(argv, self.work, self.env, out, clear)


def _summary(m: Measured, output: Path | None = None) -> str:
    if m.stats is None:
        return "failed"
    runs = f"{m.stats.n} run{'s' if m.stats.n > 1 else ''}"
    size = f", {_mb(output):.1f} MB" if output is not None else ""
    return f"{fmt_ms(m.stats.median)} ({runs}{size})"


def _classes(n: int) -> str:
    return f"{n:,} class" + ("es" if n != 1 else "")


def _outputs(ours: Path, theirs: Path) -> str:
    return f"output: nounkit {_mb(ours):.1f} MB, LinkML {_mb(theirs):.1f} MB"


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def check_models(ctx: Ctx) -> tuple[dict[int, Run], dict[int, Run]]:
    """Check both sides load every model and describe the same fields.

    The first ``nounkit build`` and ``gen-json-schema`` of each size are also their first
    timed runs: a warm-up on the smallest size has filled the bytecode cache by then.
    """
    banner("The models: one description, two languages")
    print(
        "  N classes of 20 fields (8 required); classes after the first also hold a to-one\n"
        f"  reference to the one before. nounkit: {NOUNS_PER_FILE} nouns a YAML file. LinkML: one\n"
        "  schema, attributes per class, one shared enum, string lengths as patterns\n"
        "  (^.{0,N}$: LinkML 1.12 has no length constraint), the e-mail as nounkit's pattern,\n"
        "  the URL as range uri. Checked with `nounkit check` and the first `gen-json-schema`\n"
        "  run; both JSON Schemas compared with the description for the first and last class."
    )
    builds: dict[int, Run] = {}
    schemas: dict[int, Run] = {}
    rows = []
    for n in ctx.sizes:
        problems: list[str] = []
        nouns_path, schema_path = ctx.paths.nouns[n], ctx.paths.schemas[n]
        ours_dir, theirs_file = ctx.work / f"build-{n}", ctx.work / f"linkml-{n}.schema.json"
        build = [*ctx.nounkit, "build", "--nouns", str(nouns_path), "--out", str(ours_dir)]
        gen = ctx.linkml("gen-json-schema", str(schema_path))
        try:
            checked = ctx.run([*ctx.nounkit, "check", "--nouns", str(nouns_path)])
            if "no problems" not in checked.stdout:
                problems.append(f"nounkit check says:\n{_indent(_tail(checked.stdout, 3))}")
            if n == ctx.sizes[0]:
                ctx.run(build, clear=ours_dir)
            builds[n] = ctx.run(build, clear=ours_dir)
        except Failed as exc:
            ctx.report.nounkit_failed.append(f"check/build {_classes(n)}: {exc.detail}")
            problems.append(f"nounkit failed: {exc.detail}")
        try:
            if n == ctx.sizes[0]:
                ctx.run(gen, theirs_file)
            schemas[n] = ctx.run(gen, theirs_file)
            said = _tail(schemas[n].stderr, 5)
            if said:
                problems.append(f"gen-json-schema says:\n{_indent(said)}")
        except Failed as exc:
            problems.append(f"gen-json-schema failed: {exc.detail}")
        for i in sorted({0, n - 1}):
            name = noun_name(i)
            ours_file = ours_dir / f"{_kebab(name)}.schema.json"
            if n in builds:
                if ours_file.exists():
                    ours = json.loads(ours_file.read_text(encoding="utf-8"))
                    problems += [f"nounkit {name}: {p}" for p in compare_schema(i, ours, {})]
                else:
                    problems.append(f"nounkit wrote no {ours_file.name}")
            if n in schemas:
                defs = json.loads(theirs_file.read_text(encoding="utf-8")).get("$defs", {})
                theirs = defs.get(name, {})
                problems += [f"LinkML {name}: {p}" for p in compare_schema(i, theirs, defs)]
        rows.append([str(n), "yes" if not problems else "NO, see above"])
        for problem in problems:
            print(f"  {_classes(n)}: {problem}")
    print()
    print_table(["classes", "load cleanly, and both JSON Schemas match the description"], rows)
    return builds, schemas


def bench_json_schema(ctx: Ctx, builds: dict[int, Run], schemas: dict[int, Run]) -> None:
    banner("1. JSON Schema: nounkit build vs gen-json-schema")
    for n in ctx.sizes:
        ours_dir, theirs_file = ctx.work / f"build-{n}", ctx.work / f"linkml-{n}.schema.json"
        # A new folder each run: build leaves files that are already current alone.
        ours = ctx.measure(
            [*ctx.nounkit, "build", "--nouns", str(ctx.paths.nouns[n]), "--out", str(ours_dir)],
            first=builds.get(n),
            clear=ours_dir,
        )
        theirs = ctx.measure(
            ctx.linkml("gen-json-schema", str(ctx.paths.schemas[n])),
            out=theirs_file,
            first=schemas.get(n),
        )
        ctx.report.compare(
            f"JSON Schema generation, {_classes(n)}", ours, theirs, _outputs(ours_dir, theirs_file)
        )
        print(
            f"  {_classes(n):>13}: nounkit build {_summary(ours, ours_dir)};"
            f" gen-json-schema {_summary(theirs, theirs_file)}"
        )
    print(
        "  nounkit writes a schema and a JSON-LD context per noun, into a new folder each run\n"
        "  (it leaves current files alone); LinkML writes one schema file."
    )


def bench_models(ctx: Ctx) -> None:
    banner("2. pydantic models: nounkit codegen python vs gen-pydantic")
    warm = True
    for n in ctx.sizes:
        code = ctx.work / f"models-{n}.py"
        ours = ctx.measure(
            [
                *ctx.nounkit,
                "codegen",
                "python",
                "--nouns",
                str(ctx.paths.nouns[n]),
                "-o",
                str(code),
            ],
            warm=warm,
        )
        variants: list[tuple[str, list[str]]] = []
        if n < 1000 or ctx.slow:
            variants.append(("", []))
        variants.append((" --meta None", ["--meta", "None"]))
        for label, extra in variants:
            out = ctx.work / f"linkml-{n}{label.replace(' ', '')}.py"
            theirs = ctx.measure(
                ctx.linkml("gen-pydantic", *extra, str(ctx.paths.schemas[n])), out=out, warm=warm
            )
            warm = False
            ctx.report.compare(
                f"pydantic models, {_classes(n)} (gen-pydantic{label})",
                ours,
                theirs,
                _outputs(code, out),
            )
            print(
                f"  {_classes(n):>13}: nounkit codegen {_summary(ours, code)};"
                f" gen-pydantic{label} {_summary(theirs, out)}"
            )
        if n >= 1000 and not ctx.slow:
            ctx.report.skipped(f"pydantic models, {_classes(n)} (gen-pydantic)", ours, "--slow")
            print(f"  {_classes(n):>13}: default gen-pydantic not run (--slow runs it: minutes)")
    print(
        "  gen-pydantic's default output carries LinkML metadata per field, including the\n"
        "  classes that share a field name, which grows with the square of the classes;\n"
        "  --meta None leaves it out, as nounkit's output has none."
    )


def _probe(argv: Sequence[str], ctx: Ctx, pattern: str) -> set[int] | None:
    """The indices of the probe objects a validator rejects (exit 1 means some were)."""
    done = subprocess.run(
        argv, cwd=ctx.work, env=ctx.env, capture_output=True, text=True, timeout=TIMEOUT
    )
    if done.returncode not in (0, 1):
        print(f"  {Path(argv[0]).name} failed (exit {done.returncode}):")
        print(_indent(_tail(done.stderr + done.stdout)))
        return None
    return {int(m) for m in re.findall(pattern, done.stdout + done.stderr)}


def _verdict(found: set[int] | None, index: int) -> str:
    if found is None:
        return "?"
    return "rejects" if index in found else "accepts"


def bench_data(ctx: Ctx) -> None:
    banner(f"3. and 4. {OBJECTS:,} objects: validate, and convert to JSON-LD")
    paths, first = ctx.paths, noun_name(0)
    ours_probe = _probe(
        [*ctx.nounkit, "validate", first, str(paths.probes), "--nouns", str(paths.nouns[1])],
        ctx,
        r"\.json\[(\d+)\]",
    )
    if ours_probe is None:
        ctx.report.nounkit_failed.append("nounkit validate on the probe objects")
    theirs_probe = _probe(
        ctx.linkml("linkml-validate", "-s", str(paths.schemas[1]), "-C", first, str(paths.probes)),
        ctx,
        r"\[[^\]\s]*/(\d+)\]",
    )
    rows = []
    for index, (label, _) in enumerate(PROBES):
        a, b = _verdict(ours_probe, index), _verdict(theirs_probe, index)
        rows.append([label, a, b, "yes" if a == b else "NO"])
    print("  Semantics first: one change each to a valid object, through both command lines.")
    print_table(["change", "nounkit", "LinkML", "agree"], rows)
    print()

    data_sizes = [n for n in (1, 200) if n in ctx.sizes]
    for n in data_sizes:
        ours = ctx.measure(
            [*ctx.nounkit, "validate", first, str(paths.data), "--nouns", str(paths.nouns[n])],
            warm=n == data_sizes[0],
        )
        theirs = ctx.measure(
            ctx.linkml(
                "linkml-validate", "-s", str(paths.schemas[n]), "-C", first, str(paths.data)
            ),
            warm=n == data_sizes[0],
        )
        if theirs.first and "No issues found" not in theirs.first.stdout:
            print("  linkml-validate did not report 'No issues found':")
            print(_indent(_tail(theirs.first.stdout)))
        ctx.report.compare(f"validate {OBJECTS:,} objects, {n}-class model", ours, theirs)
        print(
            f"  validate, {n:>3}-class model: nounkit {_summary(ours)};"
            f" linkml-validate {_summary(theirs)}"
        )

    ours_ld, theirs_ld = ctx.work / "nounkit.jsonld", ctx.work / "linkml.jsonld"
    ours = ctx.measure(
        [
            *ctx.nounkit,
            *("validate", first, str(paths.data), "--nouns", str(paths.nouns[1])),
            *("--jsonld", "--out", str(ours_ld)),
        ],
        warm=True,  # JSON-LD output imports modules plain validation does not
    )
    theirs = ctx.measure(
        ctx.linkml(
            "linkml-convert",
            *("-s", str(paths.container_schema), "-C", "Container", "-t", "json-ld"),
            *(str(paths.container_data), "-o", str(theirs_ld)),
        ),
        warm=True,
    )
    counts: dict[str, int] = {}
    for side, path, measured in (("nounkit", ours_ld, ours), ("LinkML", theirs_ld, theirs)):
        counts[side] = 0
        if measured.stats is not None:
            try:
                counts[side] = nodes(path)
            except (OSError, ValueError) as exc:
                print(f"  {side}'s JSON-LD does not parse: {exc}")
    if ours.stats is not None and counts["nounkit"] != OBJECTS:
        ctx.report.nounkit_failed.append(
            f"JSON-LD holds {counts['nounkit']:,} of the {OBJECTS:,} objects"
        )
    note = (
        f"nodes written: nounkit {counts['nounkit']:,}, LinkML {counts['LinkML']:,}; "
        "LinkML's input is wrapped in a container class (linkml-convert reads one root object)"
    )
    ctx.report.compare(f"JSON-LD of {OBJECTS:,} objects, 1-class model", ours, theirs, note)
    print(
        f"  JSON-LD: nounkit {_summary(ours, ours_ld)}, {counts['nounkit']:,} nodes;"
        f" linkml-convert {_summary(theirs, theirs_ld)}, {counts['LinkML']:,} nodes"
    )
    print(
        '  Both validate as they convert. linkml-convert\'s input is {"items": [...]} under a\n'
        "  container class (it reads one root object, not an array); nounkit's document refers\n"
        "  to its context by URL, LinkML's inlines it."
    )


def bench_footprint(ctx: Ctx) -> None:
    banner("5. Installed footprint: runtime dependency closure")
    feet: dict[str, dict[str, Any]] = {}
    for side, python, dist in (
        ("nounkit", Path(sys.executable), "nounkit"),
        ("LinkML", ctx.linkml_bin / "python", "linkml"),
    ):
        try:
            feet[side] = footprint(python, dist)
        except Failed as exc:
            print(f"  {side}: {exc.detail}")
            if side == "nounkit":
                ctx.report.nounkit_failed.append(f"footprint: {exc.detail}")
    if len(feet) < 2:
        return
    counts = {side: float(len(f["dists"])) for side, f in feet.items()}
    megabytes = {side: f["bytes"] / 1e6 for side, f in feet.items()}
    print_table(
        ["closure", "distributions", "MB"],
        [
            [label, f"{counts[side]:.0f}", f"{megabytes[side]:.1f}"]
            for side, label in (("nounkit", "nounkit"), ("LinkML", f"linkml {LINKML}"))
        ],
    )
    print(
        "  The root distribution included; markers evaluated for this Python, no extras.\n"
        "  Sizes: each distribution's recorded files, bytecode included; for nounkit,\n"
        "  installed editable, its package folder without __pycache__."
    )
    for unit, values, shown in (("packages", counts, "{:.0f}"), ("MB", megabytes, "{:.1f}")):
        ours, theirs = values["nounkit"], values["LinkML"]
        figure = f"installed footprint ({unit})"
        record(
            SECTION,
            figure,
            ours,
            unit=unit,
            peer=PEER,
            peer_value=theirs,
            note="runtime dependency closure, the root distribution included",
        )
        ctx.report.rows.append(
            [
                figure,
                shown.format(ours),
                "",
                shown.format(theirs),
                "",
                "",
                f"{ours / theirs:.3f}",
                f"{theirs / ours:.1f}x less",
            ]
        )


def bench_imports(ctx: Ctx) -> None:
    banner("6. Import time")
    linkml_python = str(ctx.linkml_bin / "python")
    commands = [
        ("nounkit: import nounkit; nounkit.Registry", sys.executable, NOUNKIT_IMPORT),
        ("nounkit's python -c pass", sys.executable, "pass"),
        ("LinkML: import linkml_runtime; linkml.validator", linkml_python, LINKML_IMPORT),
        ("LinkML's python -c pass", linkml_python, "pass"),
    ]
    runs = max(ctx.runs, 5)
    samples: list[list[Sample]] = [[] for _ in commands]
    try:
        for _, python, code in commands:
            ctx.run([python, "-c", code])
        for _ in range(runs):  # interleaved, so drift in machine load hits all alike
            for (_, python, code), into in zip(commands, samples, strict=True):
                into.append(ctx.run([python, "-c", code]).sample)
    except Failed as exc:
        print(f"  {exc}")
        if str(exc).startswith(sys.executable):
            ctx.report.nounkit_failed.append(f"import: {exc.detail}")
        return
    ours, ours_base, theirs, theirs_base = (Stats.of(s) for s in samples)
    rows = []
    for (label, _, _), stats, base in zip(
        commands,
        (ours, ours_base, theirs, theirs_base),
        (ours_base, None, theirs_base, None),
        strict=True,
    ):
        over = fmt_ms(stats.median - base.median) if base else "-"
        rows.append([label, fmt_ms(stats.median), stats.spread_ms(), fmt_ms(stats.cpu), over])
    print(f"  Median of {runs} interleaved runs, each a new process.")
    print_table(["command", "wall", "min..max ms", "cpu", "over python -c pass"], rows)
    ctx.report.compare("import time", Measured(ours), Measured(theirs), generator=False)
    over_ours = [a.wall - b.wall for a, b in zip(ours.samples, ours_base.samples, strict=True)]
    over_theirs = [
        a.wall - b.wall for a, b in zip(theirs.samples, theirs_base.samples, strict=True)
    ]
    record(
        SECTION,
        "import time over python -c pass",
        over_ours,
        peer=PEER,
        peer_value=over_theirs,
        note="each run minus bare start-up of the same environment in the same round",
    )
    a, b = statistics.median(over_ours), statistics.median(over_theirs)
    ctx.report.rows.append(
        [
            "import time over python -c pass",
            fmt_ms(a),
            "",
            fmt_ms(b),
            "",
            "",
            f"{a / b:.3f}",
            f"{b / a:.1f}x",
        ]
    )


NOUNKIT_IMPORT = "import nounkit; nounkit.Registry"
# What a user of LinkML's validator imports.
LINKML_IMPORT = "import linkml_runtime; from linkml.validator import validate"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each, no 1,000 classes")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument(
        "--slow",
        action="store_true",
        help="also LinkML's default gen-pydantic on 1,000 classes (minutes, ~1 GB of output)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    runs = 1 if args.quick else max(1, args.runs)
    sizes = [n for n in SIZES if not (args.quick and n >= 1000)]

    banner(f"nounkit benchmark: against {PEER}, whole processes" + (" (--quick)" * args.quick))
    for key, value in machine():
        print(f"  {key + ':':<14}{value}")

    banner(f"{PEER} in its own virtual environment")
    venv, took = linkml_venv(cache_dir())
    if took is None:
        print(f"  reused {venv} (installed earlier; linkml imports)")
    else:
        print(f"  installed {PEER} into {venv} in {took:.1f} s")

    report = Report(runs)
    with tempfile.TemporaryDirectory(prefix="nounkit-peer-linkml-") as tmp:
        work = Path(tmp)
        ctx = Ctx(
            work=work,
            env=_bytecode_env(work / "pyc"),
            linkml_bin=venv / "bin",
            paths=prepare(work, sizes),
            sizes=sizes,
            runs=runs,
            report=report,
            slow=args.slow,
        )
        builds, schemas = check_models(ctx)
        bench_json_schema(ctx, builds, schemas)
        bench_models(ctx)
        bench_data(ctx)
        bench_footprint(ctx)
        bench_imports(ctx)

    banner(f"Summary: nounkit against {PEER}")
    report.table()
    print(
        "  Wall time, median of the runs (runs: nounkit/LinkML), every command a new process\n"
        "  with bytecode cached; nounkit/LinkML under 1 means nounkit takes less."
    )
    if took is not None:
        print(f"  Installing LinkML took {took:.1f} s (in the total below, not in the figures).")
    print(f"\nfinished in {time.perf_counter() - started:.1f} s")
    if report.nounkit_failed:
        print("\nnounkit FAILED:")
        for failure in report.nounkit_failed:
            print(_indent(failure))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
