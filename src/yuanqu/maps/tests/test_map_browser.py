"""In a real browser: open the one map, toggle layers, colour by grade, search an enterprise, export the view as a
PNG, click a parcel drawn from a vector tile and reach its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def map_world(transactional_db):
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("map_staff", "zone_staff", zones=[zone])
    parcel = make_parcel(
        zone,
        "甲-XZ-001",
        supplied_on=dt.date(2020, 1, 10),
        agreed_start_on=dt.date(2020, 3, 1),
        land_price=Decimal("1000"),
    )
    enterprise = make_enterprise(zone, "甲星辰材料有限公司")
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=parcel, area_mu=Decimal("15"))
    make_project(zone, "甲储能电池项目", parcel=parcel, history=[(Stage.LEAD, dt.date(2025, 1, 2))])
    other = make_zone("乙高新区", code="B001")
    b_parcel = make_parcel(other, "乙-XZ-001", supplied_on=dt.date(2020, 1, 10))
    b_enterprise = make_enterprise(other, "乙远航物流有限公司")
    EnterpriseLand.objects.create(enterprise=b_enterprise, parcel=b_parcel, area_mu=Decimal("15"))
    return user, parcel


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking the signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_open_the_map_switch_layers_search_export_and_reach_a_parcel(live_server, map_world, chromium_path, tmp_path):
    from playwright.sync_api import expect

    user, parcel = map_world
    tiles: list[int] = []
    with signed_in_page(
        live_server,
        chromium_path,
        user.username,
        browser_args=["--use-angle=swiftshader"],
        also_local=[f"blob:{live_server.url}", "data:"],  # MapLibre starts its workers from blobs
        accept_downloads=True,
    ) as (page, _problems):
        page.on("response", lambda r: tiles.append(r.status) if ".mvt" in r.url else None)
        page.goto(f"{live_server.url}/map/")
        expect(page.locator("#one-map")).to_have_attribute("data-ready", "1", timeout=20000)
        expect(page.locator("#one-map")).to_have_attribute("data-enterprises", "1")  # not zone B's
        expect(page.locator("#one-map")).to_have_attribute("data-projects", "1")
        assert 200 in tiles  # the parcels came as vector tiles

        # Toggle layers: enterprise and project points off (the parcel underneath takes the click).
        page.uncheck("#one-map-layer-enterprises")
        page.uncheck("#one-map-layer-projects")
        page.uncheck("#one-map-layer-parcels")
        page.check("#one-map-layer-parcels")

        page.select_option("#one-map-colour", "grade")
        legend = page.locator("#one-map-legend")
        expect(legend).to_have_attribute("data-colour", "grade")
        expect(legend).to_contain_text("未评价")

        page.fill("#one-map-search", "星辰")
        page.press("#one-map-search", "Enter")
        popup = page.locator(".maplibregl-popup")
        expect(popup).to_contain_text("甲星辰材料有限公司", timeout=10000)
        page.locator(".maplibregl-popup-close-button").click()
        expect(popup).to_have_count(0)

        with page.expect_download() as download_info:
            page.click("#one-map-export")
        download = download_info.value
        assert download.suggested_filename.endswith(".png")
        target = tmp_path / "map.png"
        download.save_as(target)
        canvas = page.locator("#one-map canvas")
        size = canvas.evaluate("c => [c.width, c.height]")
        assert list(png_size(target.read_bytes())) == size

        page.wait_for_timeout(300)
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(popup).to_contain_text("甲-XZ-001")
        expect(popup).to_contain_text("闲置")
        expect(popup).to_contain_text("甲星辰材料有限公司")
        expect(popup).to_contain_text("甲储能电池项目")
        popup.get_by_role("link", name="查看地块").click()
        page.wait_for_url(f"{live_server.url}/land/parcels/{parcel.pk}/")
        expect(page.locator("#land-status")).to_contain_text("闲置")
