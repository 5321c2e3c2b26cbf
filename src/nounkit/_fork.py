"""Running part of a one-shot command's work in a forked child, on a second core.

Only where forking is safe: Linux (macOS frameworks break in forked
children, Windows cannot fork), a process with no other thread (a lock held
by a thread would stay held forever in the child), and a machine with a
second core to run it on. The child hands back a pickled result through a
pipe and exits without running the parent's cleanup; if anything goes
wrong there, the caller is told (``None``) and does the work itself.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["can_fork", "in_child"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether :func:`in_child` may fork here and now, and it would run in parallel."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return sys.platform == "linux" and threading.active_count() == 1 and cores >= 2


def in_child(work: Callable[[], T]) -> Callable[[], T | None]:
    """Start ``work()`` in a forked child; return a function that waits for its result,
    or None when the child failed (the caller then does the work itself)."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(readable)
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(writable)

    def result() -> T | None:
        with os.fdopen(readable, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not payload:
            return None
        found: T = pickle.loads(payload)
        return found

    return result
