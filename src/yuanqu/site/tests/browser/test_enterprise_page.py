"""In a real browser: log in, find an enterprise by typing its name, open it, see its figures and chart."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def enterprise_world(transactional_db):
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("browser_staff", "zone_staff", zones=[zone])
    enterprise = make_enterprise(zone, "甲精密机械有限公司")
    for year, tax in ((2022, "980"), (2023, "1100"), (2024, "1234.5")):
        make_enterprise_year(enterprise, year, tax=Decimal(tax), land_mu=Decimal("12.5"))
    for n in range(5):
        make_enterprise(zone, f"甲其他企业{n}有限公司")
    return user, enterprise


def test_log_in_open_an_enterprise_and_see_its_figures_and_chart(
    live_server, enterprise_world, chromium_path, tmp_path
):
    from playwright.sync_api import expect

    user, enterprise = enterprise_world
    with signed_in_page(live_server, chromium_path, user.username) as (page, _problems):
        expect(page.locator("#count-enterprises")).to_have_text("6")

        page.goto(f"{live_server.url}/enterprises/")
        expect(page.locator("#result-count")).to_have_text("6")
        page.fill("#id_q", "精密")  # filter as you type: htmx swaps the table
        expect(page.locator("#result-count")).to_have_text("1")
        assert "q=" in page.url

        page.get_by_role("link", name=enterprise.name).click()
        page.wait_for_url(f"{live_server.url}/enterprises/{enterprise.pk}/")
        expect(page.locator("h1")).to_contain_text(enterprise.name)

        figures = page.locator("#yearly-figures")
        expect(figures.locator("thead th")).to_have_text(
            ["指标", re.compile("2022"), re.compile("2023"), re.compile("2024")]
        )
        tax_row = figures.locator("tr", has=page.locator("th", has_text="实缴税收（万元）"))
        expect(tax_row.locator("td")).to_have_text(["980.00", "1,100.00", "1,234.50"])
        per_mu_row = figures.locator("tr", has=page.locator("th", has_text="亩均税收（万元/亩）"))
        expect(per_mu_row.locator("td")).to_have_text(["78.40", "88.00", "98.76"])

        chart = page.locator("#enterprise-chart canvas, #enterprise-chart svg").first
        chart.wait_for(state="visible", timeout=10_000)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
        page.screenshot(path=str(tmp_path / "enterprise-page.png"), full_page=True)
    assert (tmp_path / "enterprise-page.png").stat().st_size > 10_000
