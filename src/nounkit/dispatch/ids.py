"""Generated ids: ULIDs, unique and sortable by the time they were made.

26 characters of Crockford's base 32: 48 bits of milliseconds since the epoch, then
80 random bits from the operating system. Written here rather than imported: the
spec is a few lines, and the package that implements it reads its own version
through ``importlib.metadata`` on import, which costs every command tens of
milliseconds.
"""

from __future__ import annotations

import os
import time

__all__ = ["new_id"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A fresh ULID, such as ``01JDZ8Q7X3V4W5K6M7N8P9Q0RS``."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    out = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        out.append(_ALPHABET[digit])
    return "".join(reversed(out))
