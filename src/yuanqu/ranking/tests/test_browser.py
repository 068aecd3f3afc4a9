"""In a real browser: a run's ranking, a zone's profile with its radar chart drawn, and the method editor's rows
added and switched by its script."""

from __future__ import annotations

import pytest
from django.db import connections

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.ranking.testing import make_ranking_world
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def ranking_world(transactional_db):
    zone_a = make_zone("甲经济开发区", code="A001", level="provincial", kind="provincial_dz")
    zone_b = make_zone("乙高新技术产业开发区", code="B001", level="national", kind="htz")
    world = make_ranking_world(zone_a, zone_b)
    user = make_user("ranking_admin", Role.CITY_ADMIN)
    return world, user


def test_the_ranking_page_and_a_zone_profile_with_its_radar_chart(live_server, ranking_world, chromium_path, tmp_path):
    from playwright.sync_api import expect

    world, user = ranking_world
    run = world.runs[2025]
    with signed_in_page(live_server, chromium_path, user.username) as (page, _problems):
        page.goto(f"{live_server.url}/ranking/")
        page.get_by_role("link", name="2025").click()
        page.wait_for_url(f"{live_server.url}/ranking/runs/{run.pk}/")
        provincial = page.locator("table[data-group=provincial] tbody tr")
        expect(provincial).to_have_count(4)
        expect(provincial.nth(2).locator("td")).to_have_text(
            ["3", "▼2", "3（3–3）", "甲经济开发区", "", "70.00", "83.33", "50.00", ""]
        )
        expect(provincial.nth(0).locator(".rank-up")).to_have_text("▲1")
        page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)

        page.get_by_role("link", name="甲经济开发区").click()
        page.wait_for_url(f"{live_server.url}/ranking/runs/{run.pk}/zones/{world.zones['A'].pk}/")
        expect(page.locator("#profile-band")).to_have_text("3（3–3）")
        expect(page.locator("#zone-radar")).to_have_attribute("data-drawn", "1")
        radar = page.locator("#zone-radar canvas").first
        radar.wait_for(state="visible")
        box = radar.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 300
        expect(page.locator("#zone-rank-history")).to_have_attribute("data-drawn", "1")
        # The chart has ink: a canvas drawn on is not one colour.
        colours = page.evaluate(
            """() => {
                const c = document.querySelector('#zone-radar canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const seen = new Set();
                for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2] + ',' + d[i + 3]);
                return seen.size;
            }"""
        )
        assert colours > 5
        page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)

        page.select_option("select[name=language]", "en")
        page.wait_for_load_state("networkidle")
        expect(page.locator("h2").first).to_have_text("Category scores against the group")
        expect(page.locator("#zone-radar")).to_have_attribute("data-drawn", "1")
    assert (tmp_path / "profile.png").stat().st_size > 10_000


def test_the_method_editor_adds_a_row_and_shows_a_ratio_s_fields(
    live_server, ranking_world, chromium_path, monkeypatch
):
    from playwright.sync_api import expect

    from yuanqu.ranking.models import ZoneEvaluationMethod

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    world, user = ranking_world
    with signed_in_page(live_server, chromium_path, user.username) as (page, _problems):
        page.goto(f"{live_server.url}/ranking/methods/{world.method.pk}/edit/")
        expect(page.locator("#weight-sum")).to_have_text("100")
        page.fill("input[name=cat-0-weight]", "70")
        expect(page.locator("#weight-sum")).to_have_text("110")
        expect(page.locator("#weight-sum")).to_have_class("weight-sum off")
        page.fill("input[name=cat-1-weight]", "30")
        expect(page.locator("#weight-sum")).to_have_text("100")

        rows = page.locator("#indicators tbody tr")
        expect(rows).to_have_count(3)  # two indicators and a blank row
        page.get_by_role("button", name="添加指标").click()
        expect(rows).to_have_count(4)
        row = rows.nth(3)
        expect(row.locator("select[name=ind-3-figure]")).to_be_visible()
        expect(row.locator("select[name=ind-3-numerator]")).to_be_hidden()
        row.locator("select[name=ind-3-kind]").select_option("ratio")
        expect(row.locator("select[name=ind-3-numerator]")).to_be_visible()
        expect(row.locator("select[name=ind-3-figure]")).to_be_hidden()
        assert page.input_value("#id_ind-TOTAL_FORMS") == "4"

        page.get_by_role("button", name="另存为新方法").click()
        page.wait_for_url(f"{live_server.url}/ranking/methods/*/")
        method = ZoneEvaluationMethod.objects.latest("pk").parsed()
        assert [float(c.weight) for c in method.categories] == [70.0, 30.0]
        connections.close_all()
