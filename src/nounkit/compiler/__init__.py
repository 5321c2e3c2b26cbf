"""Compiling noun definitions into pydantic models."""

from nounkit.compiler.models import Entity, compile_model

__all__ = ["Entity", "compile_model"]
