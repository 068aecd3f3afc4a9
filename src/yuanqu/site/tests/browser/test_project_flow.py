"""In a real browser: a zone's staff create a project through the form, screen it and confirm it is not a
duplicate, move it lead → negotiating → signed, and see the overdue signed → started deadline on its page,
on the alerts page and on the board."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from yuanqu.accounts.testing import make_user
from yuanqu.projects.models import Project, Stage
from yuanqu.projects.services import seed_deadlines
from yuanqu.projects.testing import make_project
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.workdays.selectors import calendar, forget_calendar
from yuanqu.workdays.services import seed_calendar
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser

D = dt.date
SIGNED_ON = D(2026, 3, 2)
DUE = D(2026, 5, 28)  # 60 working days after 2026-03-02 under the 2026 notice (清明, 劳动节 and their 调休)


@pytest.fixture
def flow_world(transactional_db):
    # A transactional test starts from flushed tables: seed the calendar and the deadline rule again.
    seed_calendar(years=[2026])
    seed_deadlines()
    forget_calendar()
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("flow_staff", "zone_staff", zones=[zone])
    earlier = make_project(zone, "甲氢能装备一期项目", investor="某氢能科技有限公司")
    other = make_zone("乙高新区", code="B001")
    make_project(other, "乙氢能装备项目", investor="某氢能科技有限公司")  # another zone: never a duplicate here
    return zone, user, earlier


def test_create_screen_and_sign_a_project_then_see_its_overdue_deadline(live_server, flow_world, chromium_path):
    from playwright.sync_api import expect

    zone, user, earlier = flow_world
    today = timezone.localdate()
    assert today > DUE, "the flow needs the deadline to be past"
    days_overdue = -calendar().workdays_between(today, DUE).days
    assert days_overdue > 100  # 2026-05-28 is months ago
    # The form warning of a possible duplicate and the refused advance come back as 400 pages, on purpose.
    allow = ("favicon.ico", "status of 400 (Bad Request)")
    with signed_in_page(live_server, chromium_path, user.username, viewport=(1400, 900), allow=allow) as (page, _):
        # Create through the form: the list's button, every screening fact, a lead received in February.
        page.goto(f"{live_server.url}/projects/")
        page.click("#project-create")
        page.wait_for_url(f"{live_server.url}/projects/new/")
        page.fill("#id_name", "甲氢能装备项目")
        page.select_option("#id_zone", label=zone.name)
        page.fill("#id_investor", "某氢能科技 有限公司")
        page.fill("#id_industry_code", "C3441")
        page.fill("#id_total_investment", "150000")
        page.fill("#id_lead_source", "驻沪招商分局")
        page.check("#id_contact_verified")
        page.select_option("#id_investor_capacity", "strong")
        page.fill("#id_leader", "王副市长")
        page.fill("#id_agent", "李代办")
        page.fill("#id_lead_on", "2026-02-02")
        page.click("#project-form button[type=submit]")

        # Same investor as the earlier project of the zone: the form warns before saving.
        warning = page.locator("#possible-duplicates")
        expect(warning).to_contain_text("可能与以下项目重复")
        expect(warning.get_by_role("link", name="甲氢能装备一期项目")).to_have_attribute(
            "href", f"/projects/{earlier.pk}/"
        )
        expect(warning).not_to_contain_text("乙氢能装备项目")
        page.click("#save-anyway")
        page.wait_for_url(re.compile(r".*/projects/\d+/$"))
        pk = int(page.url.rstrip("/").rsplit("/", 1)[1])  # no database calls inside Playwright's loop
        expect(page.locator("#project-stage")).to_have_text("线索")
        expect(page.locator("#screening")).to_contain_text("甄别信息齐全")
        expect(page.locator("#duplicates")).to_contain_text("甲氢能装备一期项目")

        # Without the confirmation the lead stays a lead, with the bilingual reason.
        advance = page.locator("#advance-form")
        advance.locator("#id_to_stage").select_option("negotiating")
        advance.locator("#id_on").fill("2026-02-16")
        advance.locator("button[type=submit]").click()
        expect(page.locator("#advance-form")).to_contain_text(
            "可能与已有项目重复：甲氢能装备一期项目；请核对后确认“不是重复项目” / possibly a duplicate of"
        )
        expect(page.locator("#project-stage")).to_have_text("线索")

        advance = page.locator("#advance-form")
        advance.locator("#id_to_stage").select_option("negotiating")
        advance.locator("#id_on").fill("2026-02-16")
        advance.locator("#id_not_duplicate").check()
        advance.locator("button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/projects/{pk}/")
        expect(page.locator("#project-stage")).to_have_text("洽谈")

        advance = page.locator("#advance-form")
        advance.locator("#id_to_stage").select_option("signed")
        advance.locator("#id_on").fill(SIGNED_ON.isoformat())
        advance.locator("button[type=submit]").click()
        expect(page.locator("#project-stage")).to_have_text("签约")

        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("2026-02-02")
        expect(timeline).to_contain_text("线索 → 洽谈")
        expect(timeline).to_contain_text("不是重复项目（已比对：甲氢能装备一期项目）")
        expect(timeline).to_contain_text("洽谈 → 签约")

        row = page.locator("#deadlines tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("签约到开工")
        expect(row).to_contain_text("60 工作日")
        expect(row).to_contain_text("2026-03-02")
        expect(row).to_contain_text("2026-05-28")
        expect(row.locator(".deadline-state")).to_have_text(f"已逾期 {days_overdue} 个工作日")

        # The alerts page names it with its leader, agent and how late it is.
        page.goto(f"{live_server.url}/projects/alerts/")
        alert = page.locator("#alerts tbody tr.alert-deadline", has_text="甲氢能装备项目")
        expect(alert).to_have_count(1)
        expect(alert).to_contain_text("签约到开工（60 个工作日，2026-05-28 到期）")
        expect(alert).to_contain_text(f"逾期 {days_overdue} 个工作日")
        expect(alert).to_contain_text("王副市长")
        expect(alert).to_contain_text("李代办")

        # The board: every stage reachable, the signed column counts it with its 15.00 亿元.
        page.goto(f"{live_server.url}/projects/board/")
        signed = page.locator("#stage-signed")
        expect(signed.locator(".column-count")).to_have_text("1")
        expect(signed.locator(".column-total")).to_have_text("15.00")
        dropped = page.locator("#stage-dropped")
        dropped.scroll_into_view_if_needed()
        expect(dropped.locator("h2")).to_be_in_viewport()
    project = Project.objects.get(pk=pk)
    assert project.name == "甲氢能装备项目"
    assert (project.stage, project.industry_code, project.events.count()) == (Stage.SIGNED, "3441", 3)
