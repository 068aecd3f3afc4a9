"""Fixtures of the dashboard's tests."""

import pytest

from yuanqu.core import registry
from yuanqu.core.cockpit import Column, Figure, Row, Section, Table
from yuanqu.site.tests.browser.conftest import chromium_path  # noqa: F401  (the browser tests' fixture)


@pytest.fixture
def long_section():
    """A section with a table of one row per zone shown (and its total), a table of 30 other rows and one of two
    rows per zone; its headline counts its builds."""
    builds = []

    def build(*, scope, period):
        builds.append(period.month)
        rows = [Row([zone.name, at + 1], url=f"/zones/{zone.pk}/") for at, zone in enumerate(scope.zones)]
        total = Row(["合计", sum(row.cells[1] for row in rows)])
        by_zone = Table(
            "by-zone", "各园区个数", [Column("园区", numeric=False), Column("个数", "个")], rows, total=total
        )
        items = Table("items", "逾期事项", [Column("事项", numeric=False)], [Row([f"事项{n:02d}"]) for n in range(30)])
        lines = [Row([zone.name, f"指标{n}"]) for zone in scope.zones for n in (1, 2)]
        per_line = Table("lines", "各园区指标", [Column("园区", numeric=False), Column("指标", numeric=False)], lines)
        tables = [by_zone, items, per_line]
        return Section("long", "长表", figures=[Figure("builds", "构建次数", len(builds))], tables=tables)

    item = registry.CockpitSection("long", "长表", build, order=1)
    registry.cockpit_sections.register(item)
    yield builds
    registry.cockpit_sections.unregister("long")
