"""In a real browser: a zone imports its project ledger with stage dates through the import page (a bad file first,
then the good one), works through the alert list (pages, acknowledge, snooze), and links a parcel and an enterprise
in the project form by typing part of a code or name."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from yuanqu.accounts.testing import make_user
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import AlertResponse, Project, Stage, StageEvent
from yuanqu.projects.services import seed_deadlines
from yuanqu.projects.testing import make_project
from yuanqu.site.tests.browser.session import signed_in_page
from yuanqu.workdays.selectors import forget_calendar
from yuanqu.workdays.services import seed_calendar
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.browser

D = dt.date
HEADERS = ["项目名称", "所属园区", "总投资(亿元)", "签约日期", "开工日期", "竣工日期", "终止日期", "终止原因"]


@pytest.fixture
def zone_world(transactional_db):
    today = timezone.localdate()
    seed_calendar(years=sorted({today.year - 1, today.year}))
    seed_deadlines()
    forget_calendar()
    zone = make_zone("甲经济开发区", code="A001")
    user = make_user("ledger_staff", "zone_staff", zones=[zone])
    return zone, user


def write_ledger(path, rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def test_the_ledger_comes_in_through_the_import_page_with_its_history(live_server, zone_world, chromium_path, tmp_path):
    from playwright.sync_api import expect

    _zone, user = zone_world
    bad = write_ledger(
        tmp_path / "bad.xlsx",
        [["甲芯片项目", "A001", 25, D(2025, 5, 1), D(2025, 4, 1), None, None, None]],
    )
    good = write_ledger(
        tmp_path / "ledger.xlsx",
        [
            ["甲芯片项目", "A001", 25, D(2025, 3, 10), D(2025, 5, 6), D(2025, 11, 20), None, None],
            ["甲电池项目", "A001", 0.8, D(2025, 4, 2), None, None, D(2025, 8, 1), "资金未到位"],
        ],
    )
    allow = ("favicon.ico", "status of 422")  # the report of a file with problems, on purpose
    with signed_in_page(live_server, chromium_path, user.username, allow=allow) as (page, _problems):
        page.goto(f"{live_server.url}/imports/")
        page.select_option("select[name=kind]", "projects")
        page.set_input_files("input[name=file]", bad)
        page.click("form.card button[type=submit]")
        expect(page.locator("#import-summary")).to_contain_text("未写入任何数据")
        problem = page.locator("table.problems tbody tr")
        expect(problem).to_have_count(1)
        expect(problem).to_contain_text("开工日期")
        expect(problem).to_contain_text("2025-04-01")
        expect(problem).to_contain_text("dates cannot run backwards")
        expect(page.locator("#confirm-import")).to_have_count(0)

        page.goto(f"{live_server.url}/imports/")
        page.select_option("select[name=kind]", "projects")
        page.set_input_files("input[name=file]", good)
        page.click("form.card button[type=submit]")
        expect(page.locator("#import-summary")).to_contain_text("将新增 2")
        expect(page.locator("body")).to_contain_text("1 亿元 = 10000 万元")
        page.click("#confirm-import")
        expect(page.locator("#import-summary")).to_contain_text("新增 2")

        page.goto(f"{live_server.url}/projects/?q=甲芯片")
        page.get_by_role("link", name="甲芯片项目").click()
        expect(page.locator("#project-stage")).to_have_text("竣工")
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("2025-03-10")
        expect(timeline).to_contain_text("签约 → 开工")
        expect(timeline).to_contain_text("开工 → 竣工")
    chip = Project.objects.get(name="甲芯片项目")
    assert chip.total_investment == Decimal("250000")
    assert list(StageEvent.objects.filter(project=chip).values_list("to_stage", "on", "recorded_by")) == [
        ("signed", D(2025, 3, 10), user.pk),
        ("started", D(2025, 5, 6), user.pk),
        ("completed", D(2025, 11, 20), user.pk),
    ]
    assert Project.objects.get(name="甲电池项目").stage == Stage.DROPPED


def test_working_through_the_alert_list(live_server, zone_world, chromium_path):
    from playwright.sync_api import expect

    zone, user = zone_world
    today = timezone.localdate()
    for i in range(53):
        on = today - dt.timedelta(days=150 + i)
        make_project(zone, f"甲逾期{i:02d}", history=[(Stage.SIGNED, on)], leader="王副区长" if i < 3 else "赵副区长")
    snooze_until = (today + dt.timedelta(days=14)).isoformat()
    with signed_in_page(live_server, chromium_path, user.username, viewport=(1400, 900)) as (page, _problems):
        page.goto(f"{live_server.url}/projects/alerts/?kind=deadline&sort=-days")
        expect(page.locator("#alert-count")).to_have_text("53")
        expect(page.locator("#alerts tbody tr[data-kind]")).to_have_count(50)
        expect(page.locator("#alerts tbody tr[data-kind]").first).to_contain_text("甲逾期52")
        expect(page.locator("#alert-leaders")).to_contain_text("赵副区长 50")
        page.locator("nav.pagination").get_by_role("link", name="2").click()
        expect(page.locator("#alerts tbody tr[data-kind]")).to_have_count(3)
        expect(page.locator("#alerts tbody tr[data-kind]").first).to_contain_text("甲逾期02")

        # acknowledge the first row of page 2: back on the same page, one fewer open
        page.locator("#alerts tbody tr[data-kind]", has_text="甲逾期02").locator(".alert-acknowledge button").click()
        expect(page.locator("ul.messages")).to_contain_text("已知悉：甲逾期02")
        expect(page.locator("#alert-count")).to_have_text("52")
        expect(page).to_have_url(re.compile(r"page=2"))

        # snooze another with its reason
        row = page.locator("#alerts tbody tr[data-kind]", has_text="甲逾期01")
        row.locator(".alert-snooze summary").click()
        row.locator("input[name=until]").fill(snooze_until)
        row.locator("input[name=reason]").fill("等待规划许可")
        row.locator(".alert-snooze button").click()
        expect(page.locator("ul.messages")).to_contain_text(f"已暂缓至 {snooze_until}：甲逾期01")
        expect(page.locator("#alert-count")).to_have_text("51")

        # the leader filter from the counts at the top
        page.goto(f"{live_server.url}/projects/alerts/?kind=deadline")
        page.locator("#alert-leaders").get_by_role("link", name=re.compile("王副区长")).click()
        expect(page.locator("#alerts tbody tr[data-kind]")).to_have_count(1)
        expect(page.locator("#alerts tbody tr[data-kind]")).to_contain_text("甲逾期00")

        # the snoozed tab keeps the leader filter: 王副区长's snoozed alert, with its reason
        page.locator("#alert-states a[data-state=snoozed]").click()
        snoozed = page.locator("#alerts tbody tr[data-kind]")
        expect(snoozed).to_have_count(1)
        expect(snoozed).to_contain_text("甲逾期01")
        expect(snoozed).to_contain_text("等待规划许可")
    responses = {r.project.name: (r.action, r.responded_by_id) for r in AlertResponse.objects.select_related("project")}
    assert responses == {"甲逾期02": ("acknowledged", user.pk), "甲逾期01": ("snoozed", user.pk)}


def test_the_project_form_picks_parcel_and_enterprise_by_part_of_a_code_or_name(live_server, zone_world, chromium_path):
    from playwright.sync_api import expect

    zone, user = zone_world
    used = make_parcel(zone, "YX-GY-0417")
    make_parcel(zone, "YX-GY-0588")
    firm = make_enterprise(zone, "云溪精密机械有限公司", uscc="91320500MA1YQ00017")
    EnterpriseLand.objects.create(enterprise=firm, parcel=used, area_mu=Decimal("12"))
    make_project(zone, "甲已有项目", parcel=used)
    with signed_in_page(live_server, chromium_path, user.username, viewport=(1400, 900)) as (page, _problems):
        page.goto(f"{live_server.url}/projects/new/")
        page.fill("#id_name", "甲新项目")
        page.select_option("#id_zone", label=zone.name)
        parcel = page.locator("#id_parcel")
        parcel.fill("0417")
        options = page.locator("#id_parcel-options option")
        expect(options).to_have_count(1)
        expect(options.first).to_have_attribute("value", "YX-GY-0417（甲经济开发区）")
        parcel.fill("YX-GY-0417（甲经济开发区）")
        warning = page.locator("[data-picker-warning]").first
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("甲已有项目")
        expect(warning).to_contain_text("云溪精密机械有限公司")

        enterprise = page.locator("#id_enterprise")
        enterprise.fill("精密")
        firm_options = page.locator("#id_enterprise-options option")
        expect(firm_options).to_have_count(1)
        enterprise.fill("云溪精密机械有限公司（91320500MA1YQ00017）")
        page.click("#project-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/projects/\d+/$"))
        expect(page.locator("ul.messages").first).to_contain_text("已新建项目：甲新项目")
        expect(page.locator("ul.messages").first).to_contain_text("该地块已被")
    project = Project.objects.get(name="甲新项目")
    assert (project.parcel, project.enterprise) == (used, firm)
