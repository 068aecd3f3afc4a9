"""The cockpit in a real browser, as a leader and as a zone user: every chart kind drawn without a console error,
a card's number equal to the number on the page it links to, the English page free of untranslated Chinese, and
the big screen at 1920×1080 (screenshotted into the test's directory) fitting without scrolling."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core import registry
from yuanqu.core.access import Role
from yuanqu.dashboard.tests.test_cockpit_pages import charts_only, every_kind, signed, tables_only
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser

PERIOD = "year=2025&month=6"


@pytest.fixture
def cockpit_world(transactional_db):
    zone_a = make_zone("甲经济开发区", code="A001", level="provincial", kind="provincial_dz")
    zone_b = make_zone("乙高新技术产业开发区", code="B001", level="national", kind="htz")
    for on in (dt.date(2025, 3, 3), dt.date(2025, 5, 9), dt.date(2025, 6, 30), dt.date(2025, 7, 1)):
        signed(zone_a, f"甲签约项目{on:%m%d}", on)
    signed(zone_a, "甲去年项目", dt.date(2024, 2, 1))
    signed(zone_b, "乙签约项目", dt.date(2025, 4, 20), investment=30000)
    leader = make_user("cockpit_leader", Role.LEADER)
    staff = make_user("cockpit_staff", Role.ZONE_STAFF, zones=[zone_a])
    return zone_a, zone_b, leader, staff


@pytest.fixture
def every_section():
    items = [
        registry.CockpitSection("every-kind", "全部种类", every_kind, order=1),
        registry.CockpitSection("tables-only", "只有表", tables_only, order=2),
        registry.CockpitSection("charts-only", "只有图", charts_only, order=3),
    ]
    for item in items:
        registry.cockpit_sections.register(item)
    yield
    for item in items:
        registry.cockpit_sections.unregister(item.key)


def _all_drawn(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-cockpit-chart]')].every(el => el.dataset.drawn === '1')"
    )


def _signed_on_statistics_page(page) -> str:
    """The year's signed projects in the statistics page's total row (signed is its first stage)."""
    return page.locator("#comparison-total td").nth(1).inner_text()


def test_the_leaders_cockpit_draws_every_chart_and_its_cards_lead_to_the_same_numbers(
    live_server, cockpit_world, every_section, chromium_path, tmp_path
):
    from playwright.sync_api import expect

    _zone_a, _zone_b, leader, _staff = cockpit_world
    with signed_in_page(live_server, chromium_path, leader.username, viewport=(1400, 900)) as (page, _problems):
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
        _all_drawn(page)
        ours = page.locator("[id^=chart-every-kind-][data-cockpit-chart], [id^=chart-charts-only-][data-cockpit-chart]")
        assert ours.count() == 8  # seven kinds, and the charts-only section's
        map_canvas = page.locator("#chart-every-kind-map canvas").first
        box = map_canvas.bounding_box()
        assert box is not None and box["width"] > 300
        page.screenshot(path=str(tmp_path / "cockpit-leader.png"), full_page=True)

        card = page.locator("#figure-projects-signed_count")
        expect(card.locator(".number")).to_have_text("4")
        expect(card.locator(".change")).to_have_text("▲ 同比 +300.0%")
        card.click()
        page.wait_for_url(f"{live_server.url}/projects/statistics/?{PERIOD}")
        assert _signed_on_statistics_page(page) == "4"

        # A zone row drills into the zone; the breadcrumb leads back to the city.
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
        page.locator("#table-projects-projects-by-zone tbody tr").first.locator("td").nth(1).click()
        page.wait_for_url(re.compile(r".*/cockpit/\?year=2025&month=6&zone=\d+$"))
        expect(page.locator("#cockpit-crumbs [aria-current=page]")).to_have_text("甲经济开发区")
        expect(page.locator("#figure-projects-signed_count .number")).to_have_text("3")
        page.locator("#cockpit-crumbs a").click()
        expect(page.locator("#figure-projects-signed_count .number")).to_have_text("4")


def test_the_big_screen_fits_1920_by_1080_and_shows_the_pages_numbers(
    live_server, cockpit_world, every_section, chromium_path, tmp_path
):
    from playwright.sync_api import expect

    _zone_a, _zone_b, leader, _staff = cockpit_world
    with signed_in_page(live_server, chromium_path, leader.username, viewport=(1920, 1080)) as (page, _problems):
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
        page.locator("#screen-link").click()
        page.wait_for_url(f"{live_server.url}/cockpit/screen/?{PERIOD}")
        _all_drawn(page)
        expect(page.locator("#screen-figure-projects-signed_count .number")).to_have_text("4")
        expect(page.locator("#screen-figure-every-kind-reported .number")).to_have_text("1,234.5")
        size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size == [1920, 1080]  # no scrolling
        page.screenshot(path=str(tmp_path / "big-screen.png"))
    assert (tmp_path / "big-screen.png").stat().st_size > 30_000
    print(f"big screen: {tmp_path / 'big-screen.png'}")


def test_a_zone_user_sees_its_zone_in_english_without_chinese_left(live_server, cockpit_world, chromium_path, tmp_path):
    from playwright.sync_api import expect

    zone_a, zone_b, _leader, staff = cockpit_world
    with signed_in_page(live_server, chromium_path, staff.username, viewport=(1400, 900)) as (page, _problems):
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}&zone={zone_b.pk}")  # another zone's: ignored
        expect(page.locator("#figure-projects-signed_count .number")).to_have_text("3")
        assert "乙" not in page.content()
        page.select_option("select[name=language]", "en")
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1")).to_contain_text("Cockpit")
        # The menus (brand, language names) are the site's; the cockpit is <main>.
        text = page.locator("main").inner_text().replace(zone_a.name, "")
        assert re.findall(r"\S*[\u3400-\u9fff]+\S*", text) == []
        page.screenshot(path=str(tmp_path / "cockpit-zone-user-en.png"), full_page=True)
        page.locator("#figure-projects-signed_count").click()
        page.wait_for_url(f"{live_server.url}/projects/statistics/?{PERIOD}")
        assert _signed_on_statistics_page(page) == "3"
        page.goto(f"{live_server.url}/cockpit/screen/?{PERIOD}")
        text = page.locator("body").inner_text().replace(zone_a.name, "")
        assert re.findall(r"\S*[\u3400-\u9fff]+\S*", text) == []


def test_a_long_table_shows_all_its_zones_on_demand_in_chinese_and_english(
    live_server, cockpit_world, long_section, chromium_path
):
    from playwright.sync_api import expect

    _zone_a, _zone_b, leader, _staff = cockpit_world
    zones = [make_zone(f"第{n:02d}园区", code=f"M{n:03d}") for n in range(20)]
    rows = "#table-long-by-zone tbody tr"
    with signed_in_page(live_server, chromium_path, leader.username, viewport=(1400, 900)) as (page, _problems):
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
        expect(page.locator(rows)).to_have_count(15)
        control = page.locator("#block-long-by-zone .table-more a")
        expect(control).to_have_text("展开全部 22 个园区")
        control.click()
        expect(page.locator(rows)).to_have_count(22)  # replaced in place, without leaving the page
        assert page.url == f"{live_server.url}/cockpit/?{PERIOD}"
        expect(page.locator("#block-long-by-zone .table-more")).to_have_count(0)
        page.locator(rows).last.locator("td").nth(1).click()  # a row brought in later drills down as well
        page.wait_for_url(f"{live_server.url}/cockpit/?{PERIOD}&zone={zones[-1].pk}")
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(f"{live_server.url}/cockpit/?{PERIOD}")
        control = page.locator("#block-long-items .table-more a")
        expect(control).to_have_text("Show all 30 rows")
        control.click()
        expect(page.locator("#table-long-items tbody tr")).to_have_count(30)
        expect(page.locator("#block-long-by-zone .table-more a")).to_have_text("Show all 22 zones")
