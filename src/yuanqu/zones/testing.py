"""Factory for tests and benchmarks: a zone."""

from __future__ import annotations

from yuanqu.core.testing import next_number
from yuanqu.zones.models import Zone


def make_zone(name: str | None = None, *, code: str | None = None, parent: Zone | None = None, **fields) -> Zone:
    n = next_number()
    return Zone.objects.create(
        name=name or f"测试园区{n}",
        code=code if code is not None else f"Z{n:04d}",
        parent=parent,
        **fields,
    )
