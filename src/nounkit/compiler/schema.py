"""The compiled schema: every noun, its models and input models, its derived relationships.

Built by :func:`load_schema` (or :class:`Schema` from checked definitions) and
never changed after: the dispatcher, the JSON-LD engine, the code generators and
the storage read it, never the ``Registry``, which is only a facade over them. A
model is compiled the first time it is asked for (``check`` and ``build`` need
none, and pydantic's model construction is the costly part of loading), once,
under a lock: a schema is safe to share between the threads of a server.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from nounkit.errors import DefinitionError, NotFound, NounkitError, Problem
from nounkit.language.codes import Code
from nounkit.language.links import Derived, derived_relationships
from nounkit.language.loader import DEFAULT_VOCAB, load_nouns
from nounkit.language.spec import Location, NounDef

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity, ValueModel

__all__ = ["DEFAULT_BASE", "Derived", "Schema", "load_schema"]

DEFAULT_BASE = "https://example.org/"

T = TypeVar("T")


class Schema:
    """Checked nouns, compiled: immutable, shared, the one thing every layer reads.

    ``base`` is the IRI prefix of entity ids and schema ``$id``s; ``vocab`` the IRI of
    terms with no mapping of their own.
    """

    __slots__ = (
        "_inputs", "_lock", "_memo", "_models", "_values", "base", "derived", "nouns", "vocab",
    )  # fmt: skip

    nouns: Mapping[str, NounDef]
    derived: Mapping[str, Mapping[str, Derived]]
    base: str
    vocab: str
    _models: dict[str, type[Entity]]
    _inputs: dict[tuple[str, str], type[Entity]]
    _values: dict[str, type[ValueModel]]  # one model per value type, shared by the nouns
    _memo: dict[str, Any]
    _lock: threading.RLock

    def __init__(
        self,
        nouns: Mapping[str, NounDef],
        *,
        base: str = DEFAULT_BASE,
        vocab: str = DEFAULT_VOCAB,
    ) -> None:
        own = dict(nouns)
        derived = derived_relationships(own)
        set_ = object.__setattr__
        set_(self, "nouns", MappingProxyType(own))
        set_(
            self, "derived", MappingProxyType({k: MappingProxyType(v) for k, v in derived.items()})
        )
        set_(self, "base", base)
        set_(self, "vocab", vocab)
        set_(self, "_models", {})
        set_(self, "_inputs", {})
        set_(self, "_values", {})
        set_(self, "_memo", {})
        set_(self, "_lock", threading.RLock())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a compiled Schema does not change: cannot set {name!r}")

    def __repr__(self) -> str:
        return f"<Schema of {len(self.nouns)} nouns>"

    def noun(self, name: str) -> NounDef:
        """The definition of a noun, by name; NotFound (with a suggestion) when there is none."""
        try:
            return self.nouns[name]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(name), list(self.nouns), n=1)
            tip = f"; did you mean {close[0]!r}?" if close else ""
            raise NotFound(f"no noun named {name!r}{tip}") from None

    def model(self, name: str) -> type[Entity]:
        """The compiled pydantic model of a noun."""
        found = self._models.get(name)
        if found is None:
            noun = self.noun(name)
            with self._lock:
                found = self._models.get(name)
                if found is None:
                    from nounkit.compiler.models import compile_model

                    found = self._models[name] = _compiled(
                        noun, lambda: compile_model(noun, self.nouns, self._values)
                    )
        return found

    def models(self) -> dict[str, type[Entity]]:
        """Every noun's compiled model, by name."""
        return {name: self.model(name) for name in self.nouns}

    def input_model(self, noun: str, action: str) -> type[Entity]:
        """The model of an action's declared ``input``."""
        key = (noun, action)
        found = self._inputs.get(key)
        if found is None:
            definition = self.noun(noun)
            with self._lock:
                found = self._inputs.get(key)
                if found is None:
                    from nounkit.compiler.models import compile_input_model

                    found = self._inputs[key] = _compiled(
                        definition,
                        lambda: compile_input_model(
                            definition, definition.actions[action], self._values
                        ),
                    )
        return found

    def validate(self, name: str, data: Any) -> Entity:
        """One instance of a noun; ValidationError naming every bad field."""
        return self.model(name).model_validate(data)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """What ``make()`` builds from this schema, built once and kept with it: the layers
        above (JSON-LD, say) keep their own derived state here, made on first use."""
        if key not in self._memo:
            with self._lock:
                if key not in self._memo:
                    self._memo[key] = make()
        found: T = self._memo[key]
        return found

    def derived_relationships(self, noun: str) -> Mapping[str, Derived]:
        """To-many relationships read from their inverse: name -> (source noun, its to-one)."""
        return self.derived.get(noun, MappingProxyType({}))


def _compiled(noun: NounDef, make: Callable[[], type[Entity]]) -> type[Entity]:
    """A model, or a DefinitionError when pydantic cannot build it: the loader's checks
    should leave nothing it refuses, so one here is nounkit's bug, said as one."""
    try:
        return make()
    except NounkitError:
        raise
    except Exception as exc:  # pydantic-core's SchemaError, OverflowError and kin
        where = noun.location or Location("<noun definitions>", 0, 0)
        raise DefinitionError(
            [
                Problem(
                    where.file,
                    where.line,
                    where.column,
                    noun.name,
                    f"its model cannot be built: {type(exc).__name__}: {exc}",
                    "this is a bug in nounkit's checks; please report it with the noun",
                    code=Code.UNCOMPILABLE,
                )
            ]
        ) from exc


def load_schema(
    paths: Iterable[str | PathLike[str]],
    *,
    external: Iterable[str] = (),
    base: str = DEFAULT_BASE,
    vocab: str = DEFAULT_VOCAB,
    strict_vocab: bool = False,
) -> Schema:
    """Load and check noun files, and compile them; DefinitionError lists every problem."""
    nouns = load_nouns(paths, external=external, vocab=vocab, strict_vocab=strict_vocab)
    return Schema(nouns, base=base, vocab=vocab)
