"""Running part of a one-shot command's work in a forked child, on a second core.

Only where forking is safe: Linux (macOS frameworks break in forked
children, Windows cannot fork), a process with no other Python thread (a
lock held by a thread would stay held forever in the child), and a machine
with a second core to run it on. The child hands back a pickled result
through a pipe and exits without running the parent's cleanup. When the
fork fails, or anything goes wrong in the child, the caller is told
(``None``) and does the work itself; when the caller fails first, the
child is stopped and reaped.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["can_fork", "in_child"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether :func:`in_child` may fork here and now, and it would run in parallel."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return sys.platform == "linux" and threading.active_count() == 1 and cores >= 2


def _nothing() -> None:
    return None


@contextmanager
def in_child(work: Callable[[], T]) -> Iterator[Callable[[], T | None]]:
    """Start ``work()`` in a forked child; give a function that waits for its result,
    or None when the child failed or could not be started.

    Leaving the block without having waited stops the child (the caller's own half
    failed: the child's would be wasted, and it must not go on writing).
    """
    try:
        readable, writable = os.pipe()
    except OSError:
        yield _nothing
        return
    try:
        pid = os.fork()
    except OSError:  # no memory or processes left for a child: the caller does it all
        os.close(readable)
        os.close(writable)
        yield _nothing
        return
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
    waited = False

    def result() -> T | None:
        nonlocal waited
        waited = True
        try:
            with os.fdopen(readable, "rb") as pipe:
                payload = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0 or not payload:
            return None
        try:
            found: T = pickle.loads(payload)
        except Exception:  # a result that does not come back whole: the caller redoes it
            return None
        return found

    try:
        yield result
    finally:
        if not waited:
            os.kill(pid, signal.SIGKILL)
            os.close(readable)
            os.waitpid(pid, 0)
