"""The supervision pages: the city's matrix and a zone's letter with computed values, the targets report read
back, the task list filtered and exported, a task's flow taken through its page, the bulletin; bad input is a 400."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from rest_framework.test import APIClient

from yuanqu.ranking.models import ZoneMonth
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.targets.services import save_task

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_a(zone_a):
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2026, signed_by="王书记", signed_on=D(2026, 2, 1))
    Target.objects.create(
        letter=letter, zone=zone_a, year=2026, indicator="reported_foreign_investment", value=1200, leader="李主任",
        responsible_unit="招商局",
    )  # fmt: skip
    Target.objects.create(letter=letter, zone=zone_a, year=2026, name="营商环境评价", unit="分", value=90, order=2)
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=5, foreign_investment=Decimal(450))
    return letter


def rows_of(workbook_bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_the_letter_page_shows_every_line_with_its_pace(client, user_a, letter_a):
    client.force_login(user_a)
    page = client.get(f"/supervision/letters/{letter_a.pk}/", {"as_of": "2026-06-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "实际使用外资（上报）" in html and "营商环境评价" in html
    assert "37.5%" in html and "41.7%" in html  # 450 of 1200; five months of twelve reported
    assert 'data-colour="amber"' in html and 'data-colour="none"' in html
    assert client.get(f"/supervision/letters/{letter_a.pk}/", {"as_of": "June"}).status_code == 400


def test_the_overview_and_the_report(client, user_a, letter_a):
    client.force_login(user_a)
    html = client.get("/supervision/", {"year": 2026, "as_of": "2026-06-30"}).content.decode()
    assert "甲经济开发区" in html and 'class="num pace-amber"' in html
    assert "营商环境评价" in html.split('id="stale-lines"')[1]  # never reported
    rows = rows_of(client.get("/supervision/report.xlsx", {"year": 2026, "as_of": "2026-06-30"}).content)
    header = rows.index(next(r for r in rows if r and r[0] == "园区代码"))
    assert rows[header][:10] == ("园区代码", "园区名称", "指标", "目标值", "单位", "完成值", "完成率", "时间进度",
                                 "季节进度", "状态")  # fmt: skip
    data = rows[header + 1 :]
    assert [(r[2], r[5], r[6], r[7], r[9]) for r in data] == [
        ("实际使用外资（上报）", "450", "37.5%", "41.7%", "黄"),
        ("营商环境评价", "未报送", None, "49.6%", "未报送"),
    ]
    assert client.get("/supervision/", {"year": "x"}).status_code == 400


def test_the_task_list_filters_and_exports(client, user_a, zone_a, zone_b):
    late = save_task(
        task=Task(code="A-1", title="厂房交付", zone=zone_a, lead_unit="招商局", assigned_on=D(2026, 1, 5),
                  deadline=D(2026, 1, 9)), user=None)  # fmt: skip
    save_task(
        task=Task(code="A-2", title="道路建设", zone=zone_a, lead_unit="建设局", assigned_on=D(2026, 1, 5),
                  deadline=D(2099, 1, 9)), user=None)  # fmt: skip
    save_task(
        task=Task(code="B-1", title="乙园任务", zone=zone_b, lead_unit="招商局", assigned_on=D(2026, 1, 5),
                  deadline=D(2026, 1, 9)), user=None)  # fmt: skip
    client.force_login(user_a)
    html = client.get("/supervision/tasks/").content.decode()
    assert "A-1" in html and "A-2" in html and "B-1" not in html
    html = client.get("/supervision/tasks/", {"overdue": "true"}).content.decode()
    assert "A-1" in html and "A-2" not in html
    html = client.get("/supervision/tasks/", {"overdue": "true", "as_of": "2026-01-07"}).content.decode()
    assert "A-1" not in html  # due on the 9th: yellow on the 7th, not yet overdue
    assert 'data-light="yellow"' in client.get("/supervision/tasks/", {"as_of": "2026-01-07"}).content.decode()
    html = client.get("/supervision/tasks/", {"unit": "建设局"}).content.decode()
    assert "A-2" in html and "A-1" not in html
    assert client.get("/supervision/tasks/", {"state": "made_up"}).status_code == 400
    rows = rows_of(client.get("/supervision/tasks/export.xlsx", {"overdue": "true"}).content)
    header = next(i for i, r in enumerate(rows) if r and r[0] == "事项编号")
    (row,) = rows[header + 1 :]
    assert row[0] == "A-1" and row[8] == "立项" and row[9] == "红" and row[11] > 100
    assert client.get(f"/supervision/tasks/{late.pk}/").status_code == 200


def test_a_task_is_taken_along_its_flow_through_its_page(client, city_admin, admin_a, zone_a):
    task = save_task(
        task=Task(
            code="A-9", title="问题整改", zone=zone_a, lead_unit="园区", assigned_on=D(2026, 1, 5), limit_workdays=10
        ),
        user=None,
    )
    client.force_login(admin_a)
    client.post(f"/supervision/tasks/{task.pk}/advance/", {"to_state": "assigned", "on": "2026-01-05", "by": "x"})
    task.refresh_from_db()
    assert task.state == "registered"  # assigning is the supervision office's
    client.force_login(city_admin)
    client.post(f"/supervision/tasks/{task.pk}/advance/", {"to_state": "assigned", "on": "2026-01-05", "by": "督查室"})
    client.force_login(admin_a)
    client.post(
        f"/supervision/tasks/{task.pk}/advance/", {"to_state": "acknowledged", "on": "2026-01-06", "by": "园区"}
    )
    client.post(
        f"/supervision/tasks/{task.pk}/extend/",
        {"new_deadline": "2026-03-31", "reason": "待批复", "approver": "赵局长"},
    )
    task.refresh_from_db()
    assert (task.state, task.original_deadline, task.deadline) == ("acknowledged", D(2026, 1, 19), D(2026, 3, 31))
    html = client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "待批复" in html and "2026年1月19日" in html.split('id="task-extensions"')[1]


def test_the_bulletin_page(client, city_admin, zone_a):
    save_task(
        task=Task(code="A-1", title="厂房交付", zone=zone_a, lead_unit="招商局", assigned_on=D(2026, 1, 5),
                  deadline=D(2026, 1, 9)), user=None)  # fmt: skip
    client.force_login(city_admin)
    html = client.get("/supervision/tasks/bulletin/", {"start": "2026-01-01", "end": "2026-01-31"}).content.decode()
    assert "招商局" in html and "A-1 厂房交付" in html
    assert client.get("/supervision/tasks/bulletin/", {"start": "bad"}).status_code == 400


def test_the_zone_page_shows_its_letter_by_colour_and_its_open_tasks(client, user_a, zone_a):
    this_year = dt.date.today().year
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=this_year)
    Target.objects.create(letter=letter, zone=zone_a, year=this_year, name="营商环境评价", value=90)
    Task.objects.create(
        code="Z-1", title="t", zone=zone_a, lead_unit="u", assigned_on=D(2020, 1, 2), deadline=D(2020, 1, 9)
    )
    client.force_login(user_a)
    html = client.get(f"/zones/{zone_a.pk}/").content.decode()
    panel = html.split('id="zone-supervision-panel"')[1].split("</div>")[0]
    assert f"/supervision/letters/{letter.pk}/" in panel
    assert "未报送 1" in panel and "未办结督办事项 1 项" in panel and "其中逾期 1 项" in panel


def test_the_supervision_notice_is_a_docx_naming_the_task_and_its_lateness(client, user_a, zone_a, zone_b):
    import docx

    task = save_task(
        task=Task(code="A-7", title="厂房交付", zone=zone_a, lead_unit="招商局", assigned_on=D(2026, 1, 5),
                  deadline=D(2026, 1, 9), responsible="王五"), user=None)  # fmt: skip
    other = Task.objects.create(
        code="B-7", title="乙", zone=zone_b, lead_unit="u", assigned_on=D(2026, 1, 5), deadline=D(2026, 1, 9)
    )
    client.force_login(user_a)
    response = client.get(f"/supervision/tasks/{task.pk}/notice.docx")
    document = docx.Document(io.BytesIO(response.content))
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert document.paragraphs[0].text == "督 办 单"
    assert (cells["督办事项"], cells["责任单位"], cells["应办结日期"]) == ("厂房交付", "招商局", "2026-01-09")
    assert cells["预警"].startswith("逾期（逾期 ")
    assert client.get(f"/supervision/tasks/{other.pk}/notice.docx").status_code == 404


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_a_date_beyond_the_calendar_span_is_refused_beside_a_good_year_never_a_500(client, user_a, letter_a, as_of):
    """A date of year 1 with a good year took the overview into date arithmetic that overflowed (a 500)."""
    client.force_login(user_a)
    page = client.get("/supervision/", {"year": 2026, "as_of": as_of})
    assert page.status_code == 400
    assert "年度或日期无效，显示今年的情况。" in page.content.decode()
    assert client.get(f"/supervision/letters/{letter_a.pk}/", {"as_of": as_of}).status_code == 400
    assert client.get("/supervision/report.xlsx", {"year": 2026, "as_of": as_of}).status_code == 200
    assert client.get("/supervision/tasks/", {"as_of": as_of}).status_code == 200
    bulletin = client.get("/supervision/tasks/bulletin/", {"start": as_of, "end": "2026-06-30"})
    assert bulletin.status_code == 400
    api = APIClient()
    api.force_authenticate(user_a)
    refused = api.get(f"/api/letters/{letter_a.pk}/progress/", {"as_of": as_of})
    assert refused.status_code == 400
    assert refused.json() == {
        "as_of": "日期应为 1900-01-01 至 2199-12-31 之间的 YYYY-MM-DD / a date as YYYY-MM-DD from 1900-01-01 to 2199-12-31"
    }
