"""Project configuration: ``nounkit.yaml`` or ``[tool.nounkit]`` in ``pyproject.toml``.

Paths in the configuration are relative to the file that holds them, so a
command run from a sub-folder means the same as one run from the top.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nounkit.errors import DefinitionError, Problem
from nounkit.language.codes import Code
from nounkit.language.grammar import BROKEN
from nounkit.language.loader import DEFAULT_VOCAB
from nounkit.language.yamlsource import YamlProblem, read_yaml

__all__ = ["DEFAULT_STORAGE", "Config", "find_config"]

DEFAULT_STORAGE = "tinydb:///.nounkit/db.json"
_KEYS = ("nouns", "storage", "base", "vocab", "external", "handlers", "strict_vocab")


@dataclass(frozen=True)
class Config:
    """What a project says about itself; every field has a working default."""

    nouns: tuple[Path, ...] = (Path("nouns"),)
    storage: str = DEFAULT_STORAGE
    base: str = "https://example.org/"
    vocab: str = DEFAULT_VOCAB
    external: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    # Schema.org terms outside their domain (or superseded) fail the load, not just warn.
    strict_vocab: bool = False
    file: Path | None = field(default=None, compare=False)

    @classmethod
    def from_mapping(cls, data: Any, file: Path) -> Config:
        """Read the configuration's mapping; raise DefinitionError naming every wrong key."""
        problems: list[Problem] = []
        name = str(file)

        def bad(
            key: str, message: str, hint: str | None = None, code: Code = Code.BAD_SETTING
        ) -> None:
            problems.append(
                Problem(
                    name, 0, 0, f"nounkit.{key}" if key else "nounkit", message, hint, code=code
                )
            )

        if not isinstance(data, dict):
            bad("", "the configuration must be a mapping of settings")
            raise DefinitionError(problems)
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in _KEYS:
                close = difflib.get_close_matches(str(key), _KEYS, n=1)
                bad(
                    str(key),
                    f"unknown setting {key!r}",
                    f"did you mean {close[0]!r}?" if close else "settings: " + ", ".join(_KEYS),
                    Code.UNKNOWN_SETTING,
                )
            elif key in ("nouns", "external", "handlers"):
                items = [value] if isinstance(value, str) else value
                if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                    bad(key, f"{key} must be a string or a list of strings, not {value!r}")
                elif key == "nouns":
                    values[key] = tuple(file.parent / i for i in items)
                else:
                    values[key] = tuple(items)
            elif key == "strict_vocab":
                if isinstance(value, bool):
                    values[key] = value
                else:
                    bad(key, f"strict_vocab must be true or false, not {value!r}")
            elif not isinstance(value, str):
                bad(key, f"{key} must be a string, not {value!r}")
            else:
                values[key] = value
        if problems:
            raise DefinitionError(problems)
        return cls(file=file, **values)


def find_config(start: Path | None = None) -> Config:
    """The configuration of the project holding ``start`` (default: the working directory).

    Looks in ``start`` and its parents for ``nounkit.yaml``, then for a
    ``pyproject.toml`` with a ``[tool.nounkit]`` table. None found: defaults.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        yaml_file = folder / "nounkit.yaml"
        if yaml_file.is_file():
            return _from_yaml(yaml_file)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                table = tomllib.loads(pyproject.read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise DefinitionError(
                    [
                        Problem(
                            str(pyproject),
                            0,
                            0,
                            "",
                            f"cannot read: {exc}",
                            code=Code.UNREADABLE_CONFIGURATION,
                        )
                    ]
                ) from exc
            section = table.get("tool", {}).get("nounkit")
            if section is not None:
                return Config.from_mapping(section, pyproject)
    return Config()


def _from_yaml(file: Path) -> Config:
    name = str(file)
    try:
        document = read_yaml(file.read_bytes(), name)
    except OSError as exc:
        raise DefinitionError(
            [
                Problem(
                    name,
                    0,
                    0,
                    "",
                    f"cannot read: {exc.strerror or exc}",
                    code=Code.UNREADABLE_CONFIGURATION,
                )
            ]
        ) from exc
    except YamlProblem as exc:
        raise DefinitionError(
            [Problem(name, exc.line, exc.column, "", exc.message, exc.hint, code=exc.code)]
        ) from exc
    problems = [
        Problem(name, p.line, p.column, "", p.message, p.hint, code=p.code)
        for p in document.problems
    ]
    if problems or document.data is BROKEN:
        raise DefinitionError(problems)
    return Config.from_mapping(document.data or {}, file)
