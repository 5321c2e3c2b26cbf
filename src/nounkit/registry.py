"""The registry: the loaded nouns and everything compiled from them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from os import PathLike
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from nounkit.config import Config, find_config
from nounkit.errors import NotFound
from nounkit.language.loader import load_nouns
from nounkit.language.spec import NounDef

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity

__all__ = ["Registry"]

Paths = str | PathLike[str] | Iterable[str | PathLike[str]]


class Registry:
    """Every loaded noun, by name, with its compiled model built on first use."""

    def __init__(self, nouns: Mapping[str, NounDef], *, config: Config | None = None) -> None:
        self._nouns = dict(nouns)
        self.nouns: Mapping[str, NounDef] = MappingProxyType(self._nouns)
        self.config = config or Config()
        self._models: dict[str, type[Entity]] = {}

    @classmethod
    def load(
        cls,
        paths: Paths | None = None,
        *,
        external: Iterable[str] | None = None,
        config: Config | None = None,
    ) -> Registry:
        """Load and check noun files (a file, a folder, or a list of them).

        Without ``paths``, the configuration's ``nouns`` are loaded. Raises
        DefinitionError listing every problem found.
        """
        config = config if config is not None else find_config()
        if paths is None:
            chosen: list[str | PathLike[str]] = list(config.nouns)
        elif isinstance(paths, str | PathLike):
            chosen = [paths]
        else:
            chosen = list(paths)
        outside = tuple(external) if external is not None else config.external
        nouns = load_nouns(chosen, external=outside)
        return cls(nouns, config=config)

    def noun(self, name: str) -> NounDef:
        """The definition of a noun, by name; NotFound (with a suggestion) when there is none."""
        try:
            return self._nouns[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._nouns), n=1)
            tip = f"; did you mean {close[0]!r}?" if close else ""
            raise NotFound(f"no noun named {name!r}{tip}") from None

    def model(self, name: str) -> type[Entity]:
        """The compiled pydantic model of a noun, built once and cached."""
        model = self._models.get(name)
        if model is None:
            from nounkit.compiler.models import compile_model

            model = self._models[name] = compile_model(self.noun(name), self._nouns)
        return model

    def validate(self, name: str, data: Any) -> Entity:
        """Validate one instance of a noun; raise ValidationError naming every bad field."""
        return self.model(name).model_validate(data)

    def __repr__(self) -> str:
        where = f" from {self.config.file}" if self.config.file else ""
        return f"<Registry of {len(self._nouns)} nouns{where}>"
