"""Evaluation pages: the run list, results with filters, distribution, an enterprise's result, new run, publish."""

import io

import openpyxl
import pytest

from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import preset_method, run_evaluation


@pytest.fixture
def city_run(evaluation_world, city_admin):
    return run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)


def test_run_list_shows_the_run(client, city_admin, city_run):
    client.force_login(city_admin)
    html = client.get("/evaluation/").content.decode()
    assert "黄岩区 2022 年度工业企业亩均效益综合评价" in html
    assert f"/evaluation/runs/{city_run.pk}/" in html


def test_results_filter_by_grade_and_sort_by_total(client, city_admin, city_run):
    client.force_login(city_admin)
    response = client.get(f"/evaluation/runs/{city_run.pk}/?grade=B&sort=-total")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("甲2号制造有限公司") < html.index("甲4号制造有限公司")
    assert "甲1号制造有限公司" not in html
    assert "114.111" in html


def test_bad_filter_answers_400_not_500(client, city_admin, city_run):
    client.force_login(city_admin)
    assert client.get(f"/evaluation/runs/{city_run.pk}/?grade=Z").status_code == 400


def test_distribution_counts_grades_per_zone(client, city_admin, city_run, zone_a, zone_b):
    client.force_login(city_admin)
    response = client.get(f"/evaluation/runs/{city_run.pk}/distribution/")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart["zones"] == sorted([zone_a.name, zone_b.name])
    a_index = chart["zones"].index(zone_a.name)
    assert {s["name"]: s["data"][a_index] for s in chart["series"]} == {"A": 0, "B": 2, "C": 2, "D": 0, "T": 1}


def test_result_page_shows_arithmetic_and_history(client, city_admin, city_run, evaluation_world):
    second = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    result = EvaluationResult.objects.get(run=city_run, enterprise=evaluation_world["a"][0])
    client.force_login(city_admin)
    html = client.get(f"/evaluation/results/{result.pk}/").content.decode()
    assert "亩均税收 12.30 万元/亩，基准 24.097，得分 15.31 / 30" in html
    assert "15.313" in html  # the indicator table
    assert f"/evaluation/results/{EvaluationResult.objects.get(run=second, enterprise=result.enterprise).pk}/" in html


def test_new_run_from_a_preset(client, user_a, evaluation_world, zone_a):
    client.force_login(user_a)
    response = client.post("/evaluation/new/", {"preset": "huangyan-2022", "year": "2024"})
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/runs/{run.pk}/"
    assert run.zone == zone_a


def test_new_run_with_a_bad_method_file_names_the_line(client, city_admin, evaluation_world):
    client.force_login(city_admin)
    upload = io.BytesIO(b'name = "x"\nyear = 2024\nbogus_field = 1\n')
    upload.name = "bad.toml"
    response = client.post("/evaluation/new/", {"method_file": upload, "year": "2024"})
    assert response.status_code == 400
    assert "第 3 行（bogus_field）" in response.content.decode()
    assert not EvaluationRun.objects.exists()


def test_leader_cannot_start_a_run(client, zone_a):
    from yuanqu.accounts.testing import make_user

    client.force_login(make_user("leader_a", "leader", zones=[zone_a]))
    assert client.get("/evaluation/new/").status_code == 403


def test_only_city_admin_publishes(client, city_admin, admin_a, city_run):
    client.force_login(admin_a)
    assert client.post(f"/evaluation/runs/{city_run.pk}/publish/").status_code == 403
    client.force_login(city_admin)
    client.post(f"/evaluation/runs/{city_run.pk}/publish/")
    assert EvaluationRun.objects.get(pk=city_run.pk).status == "published"


def test_public_list_export(client, city_admin, city_run):
    client.force_login(city_admin)
    response = client.get(f"/evaluation/runs/{city_run.pk}/public-list.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="public-list-2024-{city_run.pk}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(names) == 7 and names[-1] == "甲热电有限公司"


def test_zone_comparison_shows_tax_per_mu_and_shares(client, city_admin, city_run, zone_a, zone_b):
    client.force_login(city_admin)
    table = {row["zone"]: row for row in client.get(f"/evaluation/runs/{city_run.pk}/zones/").context["table"]}
    # zone A: tax 123 × (1 + 2 + 0.5 + 1.5) + 123 (the utility) on 5 × 10 mu
    assert round(float(table[zone_a.name]["tax_per_mu"]), 3) == 14.760
    assert (table[zone_a.name]["graded"], table[zone_a.name]["share_a"], table[zone_a.name]["share_d"]) == (4, 0, 0)
    assert table[zone_b.name]["share_a"] == 1


def test_migration_matrix_between_two_years(client, city_admin, evaluation_world):
    from decimal import Decimal

    from yuanqu.evaluation.tests.conftest import huangyan_year

    for enterprise, scale in zip(evaluation_world["a"], ["2", "1", "1.5", "0.5"], strict=True):
        huangyan_year(enterprise, 2023, scale=Decimal(scale))
    method = preset_method(name="huangyan-2022")
    earlier = run_evaluation(method=method, year=2023, user=city_admin)
    later = run_evaluation(method=method, year=2024, user=city_admin)
    client.force_login(city_admin)
    matrix = client.get(f"/evaluation/migration/?from={earlier.pk}&to={later.pk}").context["matrix"]
    rows = {row["grade"]: row["counts"] for row in matrix["rows"]}
    assert matrix["both"] == 4
    # 2023: 甲1 A, 甲3 B, 甲2 C, 甲4 C → 2024: 甲2 B, 甲4 B, 甲1 C, 甲3 C
    assert rows["A"] == [0, 0, 1, 0, 0, 0]
    assert rows["B"] == [0, 0, 1, 0, 0, 0]
    assert rows["C"] == [0, 2, 0, 0, 0, 0]


def test_migration_with_an_unknown_run_is_400(client, city_admin, city_run):
    client.force_login(city_admin)
    assert client.get(f"/evaluation/migration/?from=999999&to={city_run.pk}").status_code == 400


def test_result_page_in_english_shows_the_english_arithmetic(client, city_admin, city_run, evaluation_world):
    result = EvaluationResult.objects.get(run=city_run, enterprise=evaluation_world["a"][0])
    client.force_login(city_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/evaluation/results/{result.pk}/").content.decode()
    assert "Tax per mu 12.30 10k yuan/mu, benchmark 24.097, score 15.31 / 30" in html
    assert "Grades over the years" in html


@pytest.mark.parametrize("sort", ["", "rank", "total", "-total", "grade", "zone"])
def test_enterprises_not_evaluated_come_after_the_evaluated_ones(client, city_admin, city_run, zone_a, sort):
    # The demo's first page showed only "outside the scope" rows: no group, rank or total sorted first.
    from yuanqu.enterprises.testing import make_enterprise
    from yuanqu.evaluation.filtersets import EvaluationResultFilterSet
    from yuanqu.evaluation.selectors import run_results

    outside = make_enterprise(zone_a, "甲园外有限公司")
    EvaluationResult.objects.create(run=city_run, enterprise=outside, zone=zone_a, status="out_of_scope")
    results = EvaluationResultFilterSet({"sort": sort or "rank"}, queryset=run_results(run=city_run, user=city_admin))
    names = [r.enterprise.name for r in results.qs]
    assert len(names) == 8
    assert names[-1] == "甲园外有限公司"
    if sort in ("", "rank", "zone"):  # within its group the utility (graded T, no rank) follows the ranked
        assert names.index("甲热电有限公司") > names.index("甲3号制造有限公司")
    client.force_login(city_admin)
    html = client.get(f"/evaluation/runs/{city_run.pk}/", {"sort": sort, "group": ""}).content.decode()  # all
    assert html.index("甲1号制造有限公司") < html.index("甲园外有限公司")
    # Without a group chosen the list opens on the first graded group, as it is published.
    opened = client.get(f"/evaluation/runs/{city_run.pk}/", {"sort": sort}).content.decode()
    assert "甲1号制造有限公司" in opened and "甲园外有限公司" not in opened


def test_a_zone_b_id_in_the_results_filter_is_a_400_naming_it(client, user_a, city_run, zone_b):
    client.force_login(user_a)
    response = client.get(f"/evaluation/runs/{city_run.pk}/", {"zone": zone_b.pk, "sort": "zz"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "乙1号科技有限公司" not in html and zone_b.name not in html
    errors = html.split('id="filter-errors"')[1].split("</ul>")[0]
    assert f"筛选条件无效：所属园区 “{zone_b.pk}” — 不是本次评价中您可查看的园区" in errors
    assert "筛选条件无效：排序 “zz” — " in errors
    client.cookies["django_language"] = "en"
    html = client.get(f"/evaluation/runs/{city_run.pk}/", {"zone": zone_b.pk}).content.decode()
    assert f"Invalid filter: Zone “{zone_b.pk}” — not a zone of this run you may see" in html


def test_a_new_run_on_a_zone_b_id_is_a_form_error_not_a_403(client, user_a, evaluation_world, zone_b):
    client.force_login(user_a)
    response = client.post("/evaluation/new/", {"preset": "huangyan-2022", "year": "2024", "zone": zone_b.pk})
    assert response.status_code == 400
    assert "不是您可以评价的园区" in response.content.decode()
    assert zone_b.name not in response.content.decode()
    assert not EvaluationRun.objects.exists()


def test_a_large_run_goes_to_a_job_whose_page_links_to_the_run(client, user_a, evaluation_world, zone_a, settings):
    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import execute

    settings.YUANQU_JOB_EVALUATION_MIN_ENTERPRISES = 1  # every run is "large"
    client.force_login(user_a)
    response = client.post("/evaluation/new/", {"preset": "huangyan-2022", "year": "2024"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.user, job.state) == ("evaluation-run", user_a, "queued")
    assert not EvaluationRun.objects.exists()  # the page answered at once
    assert execute(job.pk) == "succeeded"
    run = EvaluationRun.objects.get()
    assert run.zone == zone_a
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/evaluation/runs/{run.pk}/"' in page and "查看评价结果" in page


def test_a_run_job_for_a_year_without_data_fails_saying_why(client, user_a, evaluation_world, settings):
    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import execute

    settings.YUANQU_JOB_EVALUATION_MIN_ENTERPRISES = 1
    client.force_login(user_a)
    client.post("/evaluation/new/", {"preset": "huangyan-2022", "year": "2031"})
    job = Job.objects.get()
    assert execute(job.pk) == "failed"
    job.refresh_from_db()
    assert [p["zh"] for p in job.problems] == ["2031 年没有可评价的企业数据"]
    assert not EvaluationRun.objects.exists()


def test_zone_and_enterprise_pages_show_the_latest_published_grades(client, city_admin, user_a, city_run, zone_a):
    import re

    from yuanqu.evaluation.services import publish_run

    first = EvaluationResult.objects.get(run=city_run, enterprise__name="甲2号制造有限公司")
    client.force_login(user_a)
    zone_page = client.get(f"/zones/{zone_a.pk}/").content.decode()
    assert "尚无已公布的亩均评价" in zone_page  # a draft is not shown
    publish_run(run=city_run, user=city_admin)
    zone_page = client.get(f"/zones/{zone_a.pk}/").content.decode()
    found = re.findall(r'<td class="num" data-grade="(\w)">(\d+)</td>', zone_page)
    grades = {grade: int(count) for grade, count in found}
    assert grades == {"A": 0, "B": 2, "C": 2, "D": 0, "T": 1}  # zone A's five, not B's two
    enterprise_page = client.get(f"/enterprises/{first.enterprise_id}/").content.decode()
    assert f'<strong class="grade">{first.grade}</strong>' in enterprise_page
    assert f"/evaluation/results/{first.pk}/" in enterprise_page
