"""Write ``src/nounkit/language/_screen.py``: the noun language's schema compiled to Python.

The loader runs this yes/no check on every noun file and calls jsonschema only when
it fails, to word the problems. Compiling it ahead of time keeps the compile (about
30 ms) out of every ``nounkit`` command. Re-run after changing ``noun.schema.json``::

    python scripts/generate_screen.py          # rewrite the file
    python scripts/generate_screen.py --check  # exit 1 when it is stale

``tests/test_loader_screen.py`` fails when the file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nounkit.language.loader import screen_source

TARGET = Path(__file__).resolve().parents[1] / "src" / "nounkit" / "language" / "_screen.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args()
    source = screen_source()
    current = TARGET.read_text("utf-8") if TARGET.exists() else ""
    if args.check:
        if current != source:
            print(f"{TARGET} is stale: run python scripts/generate_screen.py", file=sys.stderr)
            return 1
        print(f"{TARGET}: up to date")
        return 0
    TARGET.write_text(source, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
