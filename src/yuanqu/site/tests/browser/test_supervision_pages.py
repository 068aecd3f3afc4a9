"""The supervision pages in a real browser, in Chinese and English: no policy violation, no script error, the
progress bars drawn from their data attribute, a task taken one step along its flow through its form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.site.tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_supervision_pages_in_both_languages(live_server, chromium_path):
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("supervisor", Role.CITY_ADMIN)
    year = dt.date.today().year
    letter = ResponsibilityLetter.objects.create(zone=zone, year=year, signed_by="市长")
    Target.objects.create(
        letter=letter, zone=zone, year=year, name="营商环境评价", unit="分", value=100, reported_value=Decimal(60),
        reported_on=dt.date.today(), reported_by="李四", evidence="评估报告",
    )  # fmt: skip
    task = Task.objects.create(
        code="DB-1", title="厂房交付", zone=zone, lead_unit="招商局", assigned_on=dt.date.today(),
        deadline=dt.date.today() + dt.timedelta(days=30),
    )  # fmt: skip
    pages = ["/supervision/", f"/supervision/letters/{letter.pk}/", "/supervision/tasks/",
             f"/supervision/tasks/{task.pk}/", "/supervision/tasks/bulletin/"]  # fmt: skip
    with signed_in_page(live_server, chromium_path, user.username) as (page, problems):
        page.add_init_script(RECORD_VIOLATIONS)
        for language, heading in (("zh-hans", "督办事项"), ("en", "Supervised tasks")):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for url in pages:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, url
                page.wait_for_load_state("networkidle")
                assert page.evaluate("window.__csp") == [], url
            page.goto(f"{live_server.url}/supervision/tasks/")
            assert heading in page.locator("h1").inner_text()
        page.goto(f"{live_server.url}/supervision/letters/{letter.pk}/")
        assert page.locator(".bar span").evaluate("e => e.style.width") == "60%"
        page.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
        page.fill("#task-advance input[name=by]", "督查室")
        with page.expect_navigation():
            page.click("#task-advance button[type=submit]")
        assert problems == []
    task.refresh_from_db()
    assert task.state == "assigned" and task.steps.get().by == "督查室"
