"""The industry-chain section of the cockpit: links covered against all links per chain, the gaps with their
target firms and projects, the chains a zone user sees, and the same counts as the chain pages."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.chains import selectors
from yuanqu.chains.models import ChainNode, ChainProject, TargetFirm
from yuanqu.chains.testing import battery_chain, make_chain, make_node
from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import build_sections, scope_for
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project

pytestmark = pytest.mark.django_db

PERIOD = Period(2026, 6, dt.date(2026, 7, 15))


@pytest.fixture
def chains(zone_a, zone_b):
    battery = battery_chain([zone_a, zone_b])
    make_enterprise(zone_a, "甲电芯有限公司", industry_code="3841")  # fills M1 电芯 (and so M 电池制造)
    make_enterprise(zone_b, "乙隔膜有限公司", industry_code="2921")  # fills U5 隔膜 (and so U 原材料)
    node = ChainNode.objects.get
    for name in ("回收甲一", "回收甲二"):
        TargetFirm.objects.create(node=node(chain=battery, code="D1"), zone=zone_a, name=name)
    TargetFirm.objects.create(node=node(chain=battery, code="D1"), zone=zone_b, name="回收乙")
    project = make_project(zone_a, "BMS项目", history=[(Stage.LEAD, dt.date(2026, 2, 1))])
    ChainProject.objects.create(project=project, node=node(chain=battery, code="M3"))
    only_b = make_chain([zone_b], "乙园区物流")
    make_node(only_b, "L1", "仓储", position="midstream", keywords="仓储")
    return battery, only_b


def section(user, zone_id=None):
    found = build_sections(scope_for(user, zone_id=zone_id), PERIOD, keys=["chains"], cached=False)
    return found[0] if found else None


def by_key(items):
    return {item.key: item for item in items}


def test_gaps_of_the_chains_a_zone_user_sees(chains, user_a):
    found = section(user_a)
    figures = by_key(found.figures)
    # Zone A's firms fill 电芯 and so 电池制造; 原材料, 正极材料, 隔膜, 电池管理系统 and 电池回收 are gaps there.
    assert [figures[k].value for k in ("chains", "chain_links", "chain_links_covered", "chain_gaps")] == [1, 7, 2, 5]
    gaps = by_key(found.tables)["chain-gaps"]
    assert [(row.cells[1], row.cells[2], row.cells[3], row.cells[4], row.marks[1]) for row in gaps.rows] == [
        ("原材料", "上游", 0, 0, "red"),
        ("正极材料", "上游", 0, 0, "red"),
        ("隔膜", "上游", 0, 0, "red"),
        ("电池管理系统", "中游", 0, 1, "amber"),  # a project under way
        ("电池回收", "下游", 2, 0, "red"),  # zone A's two target firms, not zone B's
    ]
    # The chain page's coverage for the same zones.
    result = selectors.chain_coverage(chains[0], user=user_a, zone_ids=[chains[0].zones.first().pk])
    assert [link.node.name for link in result.gaps] == [row.cells[1] for row in gaps.rows]
    coverage = by_key(found.tables)["chain-coverage"]
    # Weak: covered by fewer firms than the chain's line (three by default): 电芯 and 电池制造, one firm each.
    assert [row.cells for row in coverage.rows] == [["动力电池", "", 7, 2, 5, 2]]


def test_the_city_sees_every_chain_over_every_zone(chains, city_admin, zone_b):
    found = section(city_admin)
    coverage = by_key(found.tables)["chain-coverage"]
    # Both firms count: 电芯, 电池制造, 隔膜, 原材料 covered; the logistics chain's one link is a gap.
    assert [row.cells for row in coverage.rows] == [["乙园区物流", "", 1, 0, 1, 0], ["动力电池", "", 7, 4, 3, 4]]
    assert by_key(found.figures)["chain_gaps"].value == 4
    chart = by_key(found.charts)["chain-coverage"]
    assert [series.values for series in chart.series] == [[0, 4], [1, 3]]
    recycling = next(row for row in by_key(found.tables)["chain-gaps"].rows if row.cells[1] == "电池回收")
    assert recycling.cells[3] == 3
    drilled = section(city_admin, zone_id=zone_b.pk)
    assert by_key(drilled.figures)["chain_gaps"].value == 1 + 5  # zone B fills 隔膜 and 原材料 only


def test_chains_covered_together_as_each_alone(chains, city_admin, zone_a):
    for zone_ids in (None, [zone_a.pk]):
        together = selectors.chains_coverage(list(selectors.chains_for(city_admin)), user=city_admin, zone_ids=zone_ids)
        alone = [selectors.chain_coverage(chain, user=city_admin, zone_ids=zone_ids) for chain in chains[::-1]]
        assert [r.chain.name for r in together] == [r.chain.name for r in alone] == ["乙园区物流", "动力电池"]
        for one, other in zip(together, alone, strict=True):
            assert (one.year, one.zone_ids, sorted(one.enterprises)) == (
                other.year,
                other.zone_ids,
                sorted(other.enterprises),
            )
            assert [(link.node.code, link.firms, link.gap, link.weak, link.enterprise_ids) for link in one.links] == [
                (link.node.code, link.firms, link.gap, link.weak, link.enterprise_ids) for link in other.links
            ]
            assert [[t.pk for t in link.projects] for link in one.links] == [
                [t.pk for t in link.projects] for link in other.links
            ]
    battery = together[1]
    assert [link.node.code for link in battery.links if not link.gap] == ["M", "M1"]  # zone A: 电芯 and 电池制造


def test_no_chains_no_section(user_a):
    assert section(user_a) is None
