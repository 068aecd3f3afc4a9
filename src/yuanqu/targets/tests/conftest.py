"""A measure of the tests' own, so that targets are tested without the apps that register real ones."""

from __future__ import annotations

import pytest

from yuanqu.core import registry


class MonthCounter:
    """Measures ten per month of the year elapsed by ``as_of`` and remembers the dates it was asked for."""

    def __init__(self) -> None:
        self.asked: list = []

    def __call__(self, *, user, zone, year, as_of):
        self.asked.append(as_of)
        return 0 if as_of.year < year else 10 * (as_of.month if as_of.year == year else 12)


@pytest.fixture
def month_counter():
    counter = MonthCounter()
    measure = registry.Measure("test_months", "测试月数", "个", counter, order=999)
    registry.measures.register(measure)
    yield counter
    registry.measures.unregister(measure.key)
