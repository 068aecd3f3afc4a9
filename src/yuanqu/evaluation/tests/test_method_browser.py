"""In a real browser: write a method, validate it (htmx shows the line and reason), preview it on the
year's data (grade counts and explanations, nothing stored), then save it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connections

from yuanqu.accounts.testing import make_user
from yuanqu.analytics.mujun import preset_text
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.evaluation.tests.conftest import STARTED, huangyan_year
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def method_world(transactional_db):
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("method_staff", "zone_staff", zones=[zone])
    for n, scale in enumerate(["1", "2", "0.5", "1.5"], start=1):
        huangyan_year(
            make_enterprise(zone, f"甲{n}号制造有限公司", production_started_on=STARTED), scale=Decimal(scale)
        )
    return user


def test_validate_preview_and_save_a_method(live_server, method_world, chromium_path, monkeypatch):
    from playwright.sync_api import expect

    from yuanqu.evaluation.models import EvaluationMethod, EvaluationRun

    # The counts are checked between clicks; Playwright's event loop runs in this thread meanwhile.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with signed_in_page(live_server, chromium_path, method_world.username) as (page, _problems):
        page.goto(f"{live_server.url}/evaluation/methods/new/?preset=huangyan-2022")
        text = preset_text("huangyan-2022")
        page.fill("#id_text", text.replace("weight_total = 100", "weight_total = 100\nbogus_field = 1", 1))
        page.get_by_role("button", name="校验").click()
        expect(page.locator("#method-problems")).to_contain_text("bogus_field")
        assert page.url.endswith("/evaluation/methods/new/?preset=huangyan-2022")  # swapped in, no reload

        page.fill("#id_text", text)
        page.get_by_role("button", name="校验").click()
        expect(page.locator("#method-problems")).to_have_text("方法有效")

        page.fill("#id_year", "2024")
        page.get_by_role("button", name="预览").click()
        expect(page.locator("#preview-counts tbody tr")).to_have_count(1)
        # four firms under the 20/40/35/5 % quota: cumulative 0.8, 2.4, 3.8 → ranks 1, 2, 3–4: A 1, B 1, C 2
        cells = page.locator("#preview-counts tbody tr td").all_inner_texts()
        assert cells == ["规上企业", "1", "1", "2", "0", "0", "0", "4"]
        expect(page.locator("#preview-rows")).to_contain_text("亩均税收 24.60 万元/亩，基准 24.097")
        assert EvaluationRun.objects.count() == 0 and EvaluationMethod.objects.count() == 0

        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"{live_server.url}/evaluation/methods/*/")
        expect(page.locator("#method-text")).to_contain_text("黄岩区")
        assert EvaluationMethod.objects.count() == 1
        # The counts above ran in Playwright's event-loop context, on a connection of their own: close it, or
        # PostgreSQL cannot drop the test database at the end ("accessed by other users").
        connections.close_all()
