"""In a real browser: a map opened below the zoom at which parcels are drawn says so over the map, and its button
zooms to the parcels of the nearest zone, and the hint goes away."""

from __future__ import annotations

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.land.testing import make_parcel, square
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def far_apart(transactional_db):
    zone = make_zone("甲经济开发区", code="A001")
    other = make_zone("甲高新区", code="A002")
    user = make_user("map_hint_staff", "zone_staff", zones=[zone, other])
    # Two zones 60 km apart: the first view holds both, well below the parcels' zoom.
    make_parcel(zone, "甲-XZ-001", geometry=square(500000, 3460000, 100))
    make_parcel(other, "甲-XZ-002", geometry=square(560000, 3460000, 100))
    return user


def test_zoomed_out_map_says_so_and_zooms_to_the_parcels(live_server, far_apart, chromium_path):
    from playwright.sync_api import expect

    with signed_in_page(
        live_server,
        chromium_path,
        far_apart.username,
        browser_args=["--use-angle=swiftshader"],
        also_local=[f"blob:{live_server.url}", "data:"],
    ) as (page, _problems):
        page.goto(f"{live_server.url}/map/")
        map_el = page.locator("#one-map")
        expect(map_el).to_have_attribute("data-ready", "1", timeout=20000)
        overlay = page.locator("#one-map-zoom")
        expect(overlay).to_be_visible()
        expect(overlay).to_contain_text("放大以查看地块")
        assert float(map_el.get_attribute("data-zoom")) < 12
        page.click("#one-map-zoom-in")
        expect(overlay).to_be_hidden()
        assert float(map_el.get_attribute("data-zoom")) >= 12
