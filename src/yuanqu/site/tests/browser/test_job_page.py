"""In a real browser: a queued job's page polls its status (htmx, no inline script), its user cancels it and
retries it, and the job list shows it."""

from __future__ import annotations

import threading

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.jobs.models import Job
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def queued_job(transactional_db):
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("browser_staff", "zone_staff", zones=[zone])
    job = Job.objects.create(
        kind="import", label="导入：企业年度数据.xlsx", user=user, zone=zone, total=200, done=50, state="running"
    )
    return user, job


def test_a_job_page_polls_and_its_user_cancels_and_retries_it(live_server, queued_job, chromium_path):
    from playwright.sync_api import expect

    user, job = queued_job
    with signed_in_page(live_server, chromium_path, user.username) as (page, _problems):
        with page.expect_request(lambda r: r.url.endswith(f"/jobs/{job.pk}/status/")):
            page.goto(f"{live_server.url}/jobs/{job.pk}/")  # htmx asks for the status every second
        expect(page.locator("#job-state")).to_have_text("运行中")
        expect(page.locator("#job-progress")).to_have_attribute("value", "50")
        page.click("#job-cancel")
        expect(page.locator("#job-state")).to_contain_text("运行中")
        expect(page.locator("#job-status")).to_contain_text("正在取消")
        stop = threading.Thread(target=lambda: Job.objects.filter(pk=job.pk).update(state="cancelled"))
        stop.start()  # the worker stops at its next step (the ORM outside Playwright's event loop)
        stop.join()
        expect(page.locator("#job-state")).to_have_text("已取消")  # the next poll shows it, and polling ends
        expect(page.locator("#job-status")).not_to_have_attribute("hx-get", f"/jobs/{job.pk}/status/")
        page.click("#job-retry")
        expect(page.locator("#job-state")).to_have_text("排队中")
        page.goto(f"{live_server.url}/jobs/")
        expect(page.locator("#job-table tbody tr")).to_have_count(1)
        expect(page.locator("#job-table")).to_contain_text("导入：企业年度数据.xlsx")
