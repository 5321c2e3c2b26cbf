"""Pausing the cyclic garbage collector around bulk work.

Loading and compiling nouns allocate many small objects that all live on.
The collector keeps scanning them, and its cost grows with everything
already allocated, which turns linear work quadratic; pausing it for the
duration (and restoring the caller's setting after) removes that.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
