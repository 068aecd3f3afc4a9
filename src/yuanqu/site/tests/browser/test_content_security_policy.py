"""In a real browser, under the Content-Security-Policy every response carries: every main page loads its charts,
maps and scripts without one violation, the map draws a configured base map's tiles from its own host, and the
behaviour that used to sit in inline attributes (the language switch, the enterprise filters) still works."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser

TILE_HOST = "https://tiles.example.gov.cn"

# Every browser-side violation of the policy, whatever the console says about it.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def png_tile(colour=(200, 220, 240)) -> bytes:
    """A 256×256 PNG of one colour, made here (no binary in the repository)."""
    row = b"\x00" + bytes(colour) * 256
    raw = zlib.compress(row * 256)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.fixture
def city(transactional_db):
    from yuanqu.evaluation.services import preset_method, run_evaluation
    from yuanqu.maps.models import BaseMap

    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("csp_admin", Role.CITY_ADMIN, is_staff=True)
    parcel = make_parcel(zone, "甲-XZ-001", supplied_on=dt.date(2020, 1, 10), agreed_start_on=dt.date(2020, 3, 1))
    enterprises = []
    for n, tax in enumerate(("1200", "300", "80")):
        enterprise = make_enterprise(zone, f"甲{n}号机械有限公司")
        for year in (2023, 2024):
            make_enterprise_year(enterprise, year, tax=Decimal(tax), land_mu=Decimal("15"), revenue=Decimal("9000"))
        enterprises.append(enterprise)
    EnterpriseLand.objects.create(enterprise=enterprises[0], parcel=parcel, area_mu=Decimal("15"))
    project = make_project(zone, "甲储能电池项目", parcel=parcel, history=[(Stage.LEAD, dt.date(2025, 1, 2))])
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=None)
    BaseMap.objects.create(
        name="政务底图", url=f"{TILE_HOST}/{{z}}/{{x}}/{{y}}.png", attribution="测试", max_zoom=18, active=True
    )
    return {"user": user, "zone": zone, "enterprise": enterprises[0], "parcel": parcel, "project": project, "run": run}


def test_every_main_page_loads_without_a_policy_violation(live_server, city, chromium_path):
    from playwright.sync_api import expect

    tiles: list[str] = []
    pages = [
        "/",
        "/zones/",
        f"/zones/{city['zone'].pk}/",
        "/enterprises/",
        f"/enterprises/{city['enterprise'].pk}/",
        "/land/parcels/",
        f"/land/parcels/{city['parcel'].pk}/",
        "/land/ledger/",
        "/projects/",
        "/projects/board/",
        "/projects/alerts/",
        "/projects/statistics/",
        f"/projects/{city['project'].pk}/",
        "/cockpit/",
        f"/cockpit/?zone={city['zone'].pk}",
        "/cockpit/screen/",
        "/evaluation/",
        f"/evaluation/runs/{city['run'].pk}/",
        f"/evaluation/runs/{city['run'].pk}/distribution/",
        "/evaluation/methods/",
        "/imports/",
        "/jobs/",
        "/users/",
        "/api/docs/",
        "/ranking/",
        "/ranking/methods/",
        "/ranking/figures/",
        "/ranking/peers/",
        "/supervision/",
        "/supervision/tasks/",
        "/supervision/tasks/bulletin/",
        "/chains/",
        "/chains/new/",
        "/service/",
        "/service/board/",
        "/service/visits/",
        "/service/statistics/",
        "/service/mine/",
        "/admin/",
        "/admin/land/parcel/",
        f"/admin/projects/project/{city['project'].pk}/change/",
    ]

    def serve_tile(route):
        tiles.append(route.request.url)
        route.fulfill(
            status=200, body=png_tile(), headers={"Content-Type": "image/png", "Access-Control-Allow-Origin": "*"}
        )

    with signed_in_page(
        live_server,
        chromium_path,
        city["user"].username,
        browser_args=["--use-angle=swiftshader"],
        also_local=[f"blob:{live_server.url}", "data:", TILE_HOST],
    ) as (page, problems):
        page.add_init_script(RECORD_VIOLATIONS)
        page.route(f"{TILE_HOST}/**", serve_tile)
        seen = {}
        for language in ("zh-hans", "en"):  # the pages in both languages (the English ones load other strings)
            page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for url in pages:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, url
                assert "'self'" in response.headers["content-security-policy"]
                assert response.headers["content-language"] == language, url
                page.wait_for_load_state("networkidle")
                seen[f"{language} {url}"] = page.evaluate("window.__csp")
        assert len(seen) == 2 * len(pages)
        assert {url: v for url, v in seen.items() if v} == {}
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])

        # The charts and the parcel map drew under the policy.
        page.goto(f"{live_server.url}/enterprises/{city['enterprise'].pk}/")
        expect(page.locator("#enterprise-chart canvas")).to_have_count(1)
        page.goto(f"{live_server.url}/land/parcels/{city['parcel'].pk}/")
        expect(page.locator("#parcel-map")).to_have_attribute("data-ready", "1", timeout=20000)

        # The map: its page lets the base map's host in, and MapLibre draws the tiles from there.
        response = page.goto(f"{live_server.url}/map/")
        policy = response.headers["content-security-policy"]
        assert f"img-src 'self' data: blob: {TILE_HOST}" in policy and f"connect-src 'self' {TILE_HOST}" in policy
        expect(page.locator("#one-map")).to_have_attribute("data-ready", "1", timeout=20000)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == []
        assert tiles and all(t.startswith(f"{TILE_HOST}/") and t.endswith(".png") for t in tiles)
        assert problems == []


def test_the_language_switch_and_the_enterprise_filters_work_without_inline_code(live_server, city, chromium_path):
    from playwright.sync_api import expect

    with signed_in_page(live_server, chromium_path, city["user"].username) as (page, _problems):
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(f"{live_server.url}/enterprises/")
        expect(page.locator("#result-count")).to_have_text("3")
        page.select_option("#id_sort", "tax")  # a select announces the change; htmx swaps the table
        page.wait_for_url("**sort=tax**")
        expect(page.locator("#enterprise-table tbody tr").first).to_contain_text("甲2号机械有限公司")  # 80 万元
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        expect(page.locator("h1")).to_have_text("Enterprise")
        assert page.evaluate("window.__csp") == []
