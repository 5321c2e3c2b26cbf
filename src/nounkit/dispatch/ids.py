"""Generated ids, unique and sortable by the time they were made: a ULID for a noun
whose id is a string, a UUID (version 7, RFC 9562) for one whose id is a uuid.

A ULID is 26 characters of Crockford's base 32: 48 bits of milliseconds since the epoch, then
80 random bits from the operating system. Written here rather than imported: the
spec is a few lines, and the package that implements it reads its own version
through ``importlib.metadata`` on import, which costs every command tens of
milliseconds.
"""

from __future__ import annotations

import os
import time

__all__ = ["new_id", "new_ulid", "new_uuid"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(kind: str = "string") -> str:
    """A fresh id for an ``id`` property of type ``kind``: ``uuid`` gets a UUID, any other
    (``string``) a ULID."""
    return new_uuid() if kind == "uuid" else new_ulid()


def new_uuid() -> str:
    """A fresh UUID version 7: 48 bits of milliseconds, then 74 random bits, so ids sort
    by the time they were made, as ULIDs do; ``0190b7a4-...-7...``, lower case."""
    milliseconds = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10), "big")
    value = (milliseconds & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (random >> 68) << 64  # 12 random bits: rand_a
    value |= 0b10 << 62  # the RFC's variant
    value |= random & (2**62 - 1)  # 62 random bits: rand_b
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_ulid() -> str:
    """A fresh ULID, such as ``01JDZ8Q7X3V4W5K6M7N8P9Q0RS``."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    out = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        out.append(_ALPHABET[digit])
    return "".join(reversed(out))
