"""In a real browser: open the one map, toggle the parcel layer, click a parcel and reach its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core.testing import PASSWORD, make_parcel, make_user, make_zone

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
    other = make_zone("乙高新区", code="B001")
    make_parcel(other, "乙-XZ-001", supplied_on=dt.date(2020, 1, 10))
    return user, parcel


def test_open_the_map_toggle_the_layer_click_a_parcel_and_reach_its_page(live_server, map_world, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    user, parcel = map_world
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=[*CHROMIUM_ARGS, "--use-angle=swiftshader"], headless=True
        )
        page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        local = (live_server.url, f"blob:{live_server.url}", "data:")  # MapLibre starts its workers from blobs
        page.on(
            "request",
            lambda r: problems.append(f"outside request: {r.url}") if not r.url.startswith(local) else None,
        )
        try:
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")

            page.goto(f"{live_server.url}/land/map/")
            expect(page.locator("#land-map")).to_have_attribute("data-ready", "1", timeout=15000)
            expect(page.locator("#land-map")).to_have_attribute("data-features", "1")  # not zone B's parcel
            page.uncheck("#land-map-toggle")
            page.check("#land-map-toggle")
            page.wait_for_timeout(500)  # let the map draw after the fit
            box = page.locator("#land-map canvas").bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            popup = page.locator(".maplibregl-popup")
            expect(popup).to_contain_text("甲-XZ-001")
            expect(popup).to_contain_text("闲置")
            popup.get_by_role("link").click()
            page.wait_for_url(f"{live_server.url}/land/parcels/{parcel.pk}/")
            expect(page.locator("#land-status")).to_contain_text("闲置")
        finally:
            browser.close()
    assert problems == []
