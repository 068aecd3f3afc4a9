"""One reading per build: while the cockpit (or the demo, or any other batch) builds, what readers keep with
:func:`read_once` is read once. Nothing outlives the build, so a write is never hidden from the next one."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_readings: ContextVar[dict | None] = ContextVar("cockpit_readings", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """While the cockpit builds (its targets lookup and its sections, or one section), what readers keep with
    :func:`read_once` is read once: a zone's letter measures several indicators of the same ledger, and the
    targets lookup the same lines again. Nothing outlives the build, so a write is never hidden from the next one.
    Nested calls share the outermost reading."""
    if _readings.get() is not None:
        yield
        return
    token = _readings.set({})
    try:
        yield
    finally:
        _readings.reset(token)


def read_once(key: Hashable, read: Callable[[], Any]) -> Any:
    """``read()``, kept under ``key`` while :func:`one_reading` is open (read afresh outside one). The key says all
    the reading depends on (the user, zones, dates)."""
    readings = _readings.get()
    if readings is None:
        return read()
    if key not in readings:
        readings[key] = read()
    return readings[key]
