"""Compiling noun definitions: pydantic models (``models``) and the schema that holds them.

``Entity`` and ``compile_model`` are imported on first use: pydantic's model machinery is
the heaviest import nounkit has, and commands that only check or build need none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity, compile_model

__all__ = ["Entity", "compile_model"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from nounkit.compiler import models

        return getattr(models, name)
    raise AttributeError(f"module 'nounkit.compiler' has no attribute {name!r}")
