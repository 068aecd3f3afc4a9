"""The project pages: list with stage filter, pipeline board, project page with deadlines and the stage form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.projects.models import Agreement, Stage
from yuanqu.projects.testing import make_project

D = dt.date


@pytest.fixture
def projects(zone_a):
    signed = make_project(
        zone_a,
        "甲新能源电池项目",
        history=[(Stage.LEAD, D(2025, 9, 1)), (Stage.SIGNED, D(2025, 9, 26))],
        total_investment="250000",
        leader="王副市长",
    )
    lead = make_project(zone_a, "甲光电显示项目")
    return signed, lead


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_list_shows_projects_with_size_class_and_filters_by_stage(client_a, projects):
    html = client_a.get("/projects/").content.decode()
    assert 'id="result-count">2<' in html
    assert "20亿元以上" in html and "25.00" in html and "王副市长" in html
    html = client_a.get("/projects/", {"stage": "signed"}).content.decode()
    assert 'id="result-count">1<' in html
    assert "甲新能源电池项目" in html and "甲光电显示项目" not in html


def test_made_up_stage_is_a_400_showing_nothing(client_a, projects):
    response = client_a.get("/projects/", {"stage": "flying"})
    assert response.status_code == 400
    assert "甲新能源电池项目" not in response.content.decode()


def test_board_puts_each_project_in_its_stage_column(client_a, projects):
    html = client_a.get("/projects/board/").content.decode()
    signed_column = html.split('id="stage-signed"')[1].split("</section>")[0]
    lead_column = html.split('id="stage-lead"')[1].split("</section>")[0]
    assert "甲新能源电池项目" in signed_column and "甲光电显示项目" not in signed_column
    assert "甲光电显示项目" in lead_column


def test_board_heads_give_count_and_total_investment_of_every_stage(client_a, projects, zone_a):
    make_project(zone_a, "甲储能项目", history=[(Stage.SIGNED, D(2025, 9, 1))], total_investment="12345.6")
    html = client_a.get("/projects/board/").content.decode()
    heads = {stage: html.split(f'id="stage-{stage}"')[1].split("</h2>")[0] for stage in [*(s.value for s in Stage)]}
    assert len(heads) == 10 and html.index('id="stage-at_capacity"') < html.index('id="stage-dropped"')
    signed = heads["signed"]
    assert 'class="column-count">2<' in signed and 'class="column-total">26.23<' in signed  # 25 + 1.23456
    assert 'class="column-count">1<' in heads["lead"] and 'class="column-total">0.00<' in heads["lead"]
    assert 'class="column-count">0<' in heads["dropped"]


def test_project_page_shows_timeline_and_deadline(client_a, projects):
    signed, _ = projects
    html = client_a.get(f"/projects/{signed.pk}/").content.decode()
    timeline = html.split('id="timeline"')[1].split("</ol>")[0]
    assert "2025-09-01" in timeline and "2025-09-26" in timeline and "线索 → 签约" in timeline
    deadlines = html.split('id="deadlines"')[1].split("</table>")[0]
    assert "签约到开工" in deadlines and "2025-12-25" in deadlines
    assert ("已逾期" in deadlines) == (timezone.localdate() > D(2025, 12, 25))
    assert 'id="advance-form"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_stage_form_date_is_filled_with_today_in_the_date_inputs_format(client_a, projects, language):
    # A browser's date input takes only YYYY-MM-DD: the Chinese format 2025/12/01 left it empty.
    signed, _ = projects
    client_a.cookies["django_language"] = language
    html = client_a.get(f"/projects/{signed.pk}/").content.decode()
    form = html.split('id="advance-form"')[1].split("</form>")[0]
    assert f'type="date" name="on" value="{timezone.localdate().isoformat()}"' in form


def test_advancing_through_the_form_records_the_event(client_a, projects, user_a):
    signed, _ = projects
    response = client_a.post(f"/projects/{signed.pk}/advance/", {"to_stage": "started", "on": "2025-12-01"})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.stage == "started"
    html = client_a.get(f"/projects/{signed.pk}/").content.decode()
    assert "按期完成" in html and "2025-12-01" in html


def test_form_errors_are_shown_and_nothing_changes(client_a, projects):
    signed, _ = projects
    response = client_a.post(f"/projects/{signed.pk}/advance/", {"to_stage": "lead", "on": "2025-10-09"})
    assert response.status_code == 400
    assert "退回到线索阶段须说明原因" in response.content.decode()
    response = client_a.post(f"/projects/{signed.pk}/advance/", {"to_stage": "started", "on": "2025-09-25"})
    assert "日期不能早于上一次阶段变更（2025-09-26）" in response.content.decode()
    response = client_a.post(f"/projects/{signed.pk}/advance/", {"to_stage": "started", "on": "not a date"})
    assert response.status_code == 400
    signed.refresh_from_db()
    assert (signed.stage, signed.events.count()) == ("signed", 2)


def test_leader_sees_the_project_but_cannot_advance_it(client, zone_a, projects):
    client.force_login(make_user("leader_a", Role.LEADER, zones=[zone_a]))
    signed, _ = projects
    html = client.get(f"/projects/{signed.pk}/").content.decode()
    assert "甲新能源电池项目" in html and 'id="advance-form"' not in html
    response = client.post(f"/projects/{signed.pk}/advance/", {"to_stage": "started", "on": "2025-12-01"})
    assert response.status_code == 403
    signed.refresh_from_db()
    assert signed.stage == "signed"


def test_pages_need_a_login(client, projects):
    response = client.get("/projects/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_sidebar_and_capability_link_to_the_project_list(client_a):
    html = client_a.get("/").content.decode()
    assert 'href="/projects/"' in html


def test_project_page_shows_the_compliance_verdict_and_reasons(client_a, projects):
    signed, lead = projects
    Agreement.objects.create(project=signed, start_by=D(2025, 11, 1))
    html = client_a.get(f"/projects/{signed.pk}/").content.decode()
    section = html.split('id="compliance"')[1].split("</div>")[0]
    assert "违约" in section and "约定 2025-11-01 开工，至今未开工，逾期" in section
    assert "尚未录入投资协议" in client_a.get(f"/projects/{lead.pk}/").content.decode()


def test_statistics_filter_errors_name_field_value_and_reason(client_a, projects, zone_b):
    response = client_a.get("/projects/statistics/", {"zone": zone_b.pk, "year": "abc", "month": "13"})
    assert response.status_code == 400
    errors = response.content.decode().split('id="filter-errors"')[1].split("</ul>")[0]
    assert errors.count('class="error"') == 3
    assert f"筛选条件无效：园区 “{zone_b.pk}” — " in errors
    assert "筛选条件无效：年度 “abc” — 输入整数。" in errors
    assert "筛选条件无效：月份 “13” — 确保该值小于或等于12。" in errors
    assert zone_b.name not in response.content.decode()


def test_statistics_form_shows_the_zone_year_and_month_of_the_figures(client_a, projects, zone_a):
    # Left empty, the page reported on the first zone and this month while the form still said "---------";
    # now it reports on the latest month with a stage change (the signing of 2025-09-26), and says so.
    html = client_a.get("/projects/statistics/").content.decode()
    form = html.split('id="statistics-filters"')[1].split("</form>")[0]
    assert f'<option value="{zone_a.pk}" selected>{zone_a.name}</option>' in form
    assert 'name="year" value="2025"' in form and 'name="month" value="9"' in form
    # a year without a month: that year's December (or this month in the current year)
    today = timezone.localdate()
    html = client_a.get("/projects/statistics/", {"year": today.year}).content.decode()
    assert f'name="month" value="{today.month}"' in html
