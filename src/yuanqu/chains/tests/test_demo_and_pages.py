"""The demo city's chains over its enterprises, and the chain pages: editing a chain as a tree, a link with a
wrong class refused, corrections and project tags from the chain page, target firms."""

from __future__ import annotations

import pytest
from django.test import Client

from yuanqu.accounts.testing import PASSWORD
from yuanqu.chains.models import Chain, ChainFirm, ChainNode, ChainProject, TargetFirm
from yuanqu.chains.selectors import chain_coverage
from yuanqu.chains.testing import battery_chain
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.projects.testing import make_project


def test_demo_city_chains_fill_some_links_and_leave_gaps(db):
    from yuanqu.demo.builder import build_demo_city

    build_demo_city(seed=7, enterprises=120, parcels=150, years=2)
    assert Chain.objects.count() == 6
    battery = Chain.objects.get(name="动力电池")
    result = chain_coverage(battery, user=None)
    assert [link.node.code for link in result.links if link.firms and not link.node.parent_id] == ["M"]
    assert len(result.gaps) >= 5, "the demo leaves gaps to promote"
    every = [link for chain in Chain.objects.all() for link in chain_coverage(chain, user=None).links]
    assert sum(1 for link in every if link.firms and link.node.parent_id) >= 10
    served = set(battery.zones.values_list("pk", flat=True))
    assert all(e.zone.parent_id in served or e.zone_id in served for e in battery.leading_enterprises.all())
    gap_nodes = {link.node.pk for chain in Chain.objects.all() for link in chain_coverage(chain, user=None).gaps}
    assert TargetFirm.objects.filter(node_id__in=gap_nodes).exists()


@pytest.fixture
def client_a(user_a):
    client = Client()
    client.login(username=user_a.username, password=PASSWORD)
    return client


def test_chain_created_and_edited_as_a_tree(client_a, zone_a):
    response = client_a.post(
        "/chains/new/", {"name": "光伏", "owner": "张副市长", "zones": [zone_a.pk], "weak_below": 2}
    )
    assert response.status_code == 302
    chain = Chain.objects.get(name="光伏")
    assert (chain.owner, list(chain.zones.all())) == ("张副市长", [zone_a])
    response = client_a.post(
        f"/chains/{chain.pk}/links/new/",
        {"code": "M1", "name": "组件", "position": "midstream", "industry_codes": "3825，3845", "order": 0},
    )
    assert response.status_code == 200
    assert "3845" in response.content.decode() and not ChainNode.objects.exists()
    client_a.post(
        f"/chains/{chain.pk}/links/new/",
        {"code": "M", "name": "制造", "position": "midstream", "industry_codes": "", "order": 0},
    )
    parent = ChainNode.objects.get(code="M")
    response = client_a.post(
        f"/chains/{chain.pk}/links/new/",
        {
            "code": "M1",
            "name": "组件",
            "parent": parent.pk,
            "position": "midstream",
            "industry_codes": "3825",
            "keywords": "光伏组件、逆变器",
            "order": 1,
        },
    )
    assert response.status_code == 302
    node = ChainNode.objects.get(code="M1")
    assert (node.parent, node.industry_codes, node.keywords) == (parent, "3825", "光伏组件,逆变器")
    tree = client_a.get(f"/chains/{chain.pk}/tree/").content.decode()
    assert tree.index('data-code="M"') < tree.index('data-code="M1"')
    assert 'data-depth="1"' in tree


def test_corrections_tags_and_targets_from_the_chain_page(client_a, zone_a, user_a):
    chain = battery_chain([zone_a])
    firm = make_enterprise(zone_a, "甲塑料有限公司", industry_code="2929", main_products="注塑件")
    u5 = ChainNode.objects.get(chain=chain, code="U5")
    d1 = ChainNode.objects.get(chain=chain, code="D1")
    client_a.post(
        f"/chains/{chain.pk}/links/{u5.pk}/firms/", {"enterprise": firm.pk, "decision": "include", "note": "隔膜试产"}
    )
    assert ChainFirm.objects.get().decision == "include"
    page = client_a.get(f"/chains/{chain.pk}/").content.decode()
    assert "甲塑料有限公司" in page
    project = make_project(zone_a, "甲电池回收项目")
    client_a.post(f"/chains/{chain.pk}/links/{d1.pk}/projects/", {"project": project.pk, "kind": "fill"})
    assert ChainProject.objects.get().node == d1
    response = client_a.post(
        f"/chains/{chain.pk}/links/{d1.pk}/targets/new/",
        {
            "zone": zone_a.pk,
            "name": "某某循环科技有限公司",
            "location": "常州市",
            "reason": "回收龙头",
            "status": "to_contact",
        },
    )
    assert response.status_code == 302
    target = TargetFirm.objects.get()
    assert (target.node, target.zone, target.status) == (d1, zone_a, "to_contact")
    page = client_a.get(f"/chains/{chain.pk}/").content.decode()
    assert "某某循环科技有限公司" in page and "甲电池回收项目" in page
    assert 'data-link="D1" data-state="gap_in_progress"' in page
    assert 'data-link="U5" data-state="weak"' in page


@pytest.mark.parametrize("bad", ["abc", "9" * 20, "²", "١٢", "0"])
def test_the_chain_pages_refuse_a_bad_zone_or_year_naming_it(client_a, zone_a, bad):
    """Parsed by core.params like every other page: Arabic-Indic digits were read as a zone id, a year of twenty
    digits went on to the coverage queries; now each answers 400 naming the parameter, and no job is queued."""
    from yuanqu.core.jobs.models import Job

    chain = battery_chain([zone_a])
    for url, data in (
        ("/chains/", {"zone": bad}),
        (f"/chains/{chain.pk}/", {"zone": bad}),
        (f"/chains/{chain.pk}/", {"year": bad}),
    ):
        response = client_a.get(url, data)
        name = next(iter(data))
        assert response.status_code == 400, (url, data)
        assert f"参数 {name}={bad} 无效" in response.content.decode(), (url, data)
    for name in ("zone", "year"):
        response = client_a.post(f"/chains/{chain.pk}/coverage.xlsx/", {name: bad})
        assert response.status_code == 400
        assert f"parameter {name}={bad} is invalid" in response.content.decode()
    assert not Job.objects.exists()
    assert client_a.get(f"/chains/{chain.pk}/", {"zone": zone_a.pk, "year": 2025}).status_code == 200


@pytest.mark.parametrize("name", ["year", "zone"])
@pytest.mark.parametrize("bad", ["abc", "9" * 20, "²", "١٢", "0"])
def test_the_coverage_api_refuses_a_bad_year_or_zone_naming_it(user_a, zone_a, name, bad):
    """A year of twenty digits went on to the firms' query and overflowed it (a 500, found by the sweep)."""
    from rest_framework.test import APIClient

    chain = battery_chain([zone_a])
    client = APIClient()
    client.force_authenticate(user_a)
    response = client.get(f"/api/chains/{chain.pk}/coverage/", {name: bad})
    assert response.status_code == 400
    expected = {
        "year": "应为 1900–2199 的年份 / expected a year from 1900 to 2199",
        "zone": ["应为正整数编号"],  # the chain filterset's zone filter answers first, in the user's language
    }
    assert response.json() == {name: expected[name]}
    good = client.get(f"/api/chains/{chain.pk}/coverage/", {"year": 2025, "zone": zone_a.pk})
    assert (good.status_code, good.json()["year"]) == (200, 2025)
