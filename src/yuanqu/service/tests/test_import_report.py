"""`yuanqu import service-requests` through core's pipeline (problems by row and column, nothing written unless
the whole file is valid, a re-import changes nothing), the template, the export, `yuanqu service report` and the
measure of requests closed on time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.base import CommandError

from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.service.importers import ServiceRequestImporter
from yuanqu.service.models import RequestStep, ServiceRequest
from yuanqu.service.selectors import on_time_measure
from yuanqu.service.testing import make_request
from yuanqu.site.tests.imports.conftest import read_xlsx, run, write_xlsx
from yuanqu.zones.testing import make_zone

D = dt.date
HEADERS = [
    "诉求编号",
    "统一社会信用代码",
    "企业名称",
    "诉求类型",
    "诉求类别",
    "渠道",
    "诉求内容",
    "承办单位",
    "受理日期",
    "办结日期",
    "满意度",
]


def test_the_template_has_the_import_headers(tmp_path, db):
    path = tmp_path / "t.xlsx"
    run("template", "service-requests", str(path))
    assert read_xlsx(path)[1] == HEADERS


def test_a_valid_file_creates_requests_with_due_dates_states_and_steps(tmp_path, enterprise_a, user_a):
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [
            HEADERS,
            [
                "WX-001",
                enterprise_a.uscc,
                enterprise_a.name,
                "求助",
                "用地",
                "热线",
                "新增用地",
                "国土分局",
                "2026-02-13",
                "2026-02-26",
                4,
            ],
            ["WX-002", enterprise_a.uscc, None, "投诉", "finance", None, "贷款", None, "2026-02-13", None, None],
        ],
    )
    out, _err = run("import", "service-requests", str(path), user="staff_a")
    assert "新增 2，更新 0，未变 0" in out.splitlines()[-1]
    one, two = ServiceRequest.objects.order_by("number")
    assert (one.state, one.due_on, one.closed_on, one.satisfaction, one.channel) == (
        "rated",
        D(2026, 2, 27),
        D(2026, 2, 26),
        4,
        "hotline",
    )
    assert (two.state, two.due_on, two.category.code, two.channel) == ("accepted", D(2026, 3, 5), "finance", "visit")
    assert list(one.steps.values_list("action", "on")) == [
        ("accept", D(2026, 2, 13)),
        ("dispatch", D(2026, 2, 13)),
        ("close", D(2026, 2, 26)),
        ("rate", D(2026, 2, 26)),
    ]
    out, _err = run("import", "service-requests", str(path), user="staff_a")
    assert "新增 0，更新 0，未变 2" in out.splitlines()[-1]


def test_every_problem_is_reported_and_nothing_written(tmp_path, enterprise_a, enterprise_b, user_a):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            HEADERS,
            ["A-1", enterprise_b.uscc, None, "求助", "用地", None, "x", None, "2026-02-13", None, None],  # 2: zone B
            ["A-2", enterprise_a.uscc, None, "求助", "无此类别", None, "x", None, "2026-02-13", None, None],  # 3
            ["A-3", enterprise_a.uscc, None, "求助", "用地", None, "x", None, "2026-02-13", "2026-02-01", None],  # 4
            ["A-4", enterprise_a.uscc, None, "求助", "用地", None, "x", None, "2026-02-13", "2026-02-20", 7],  # 5
            ["A-5", enterprise_a.uscc, None, "求助", "用地", None, "x", None, "2026-02-13", None, 5],  # 6
            ["A-5", enterprise_a.uscc, None, "求助", "用地", None, "x", None, "2026-02-13", None, None],  # 7
            ["A-7", enterprise_a.uscc, None, "也许", "用地", None, "x", None, "2026-02-13", None, None],  # 8
        ],
    )
    report = run_import(ServiceRequestImporter(), path, user=user_a)
    assert sorted((p.row, p.column) for p in report.problems) == [
        (2, "统一社会信用代码"),
        (3, "诉求类别"),
        (4, "办结日期"),
        (5, "满意度"),
        (6, "满意度"),
        (7, "诉求编号"),
        (8, "诉求类型"),
    ]
    by_row = {p.row: p for p in report.problems}
    assert by_row[3].reason_en == "no such request category (use a name or code the administrator keeps)"
    assert by_row[6].reason_zh == "未办结的诉求不能有满意度"
    assert not report.written
    assert ServiceRequest.objects.count() == 0


def test_a_file_cannot_move_a_request_along_its_loop(tmp_path, enterprise_a, user_a):
    make_request(enterprise_a, received_on=D(2026, 2, 13), number="WX-9", user=user_a)
    path = write_xlsx(
        tmp_path / "move.xlsx",
        [
            HEADERS,
            [
                "WX-9",
                enterprise_a.uscc,
                None,
                "求助",
                "用地",
                None,
                "厂房用电增容",
                None,
                "2026-02-13",
                "2026-02-20",
                None,
            ],
        ],
    )
    report = run_import(ServiceRequestImporter(), path, user=user_a)
    assert [(p.row, p.column, p.value) for p in report.problems] == [(2, "办结日期", "2026-02-20")]
    assert ServiceRequest.objects.get(number="WX-9").closed_on is None


def test_export_re_imports_unchanged(tmp_path, enterprise_a, user_a):
    make_request(enterprise_a, received_on=D(2026, 2, 13), user=user_a)
    path = tmp_path / "out.xlsx"
    run("export", "service-requests", str(path), user="staff_a")
    out, _err = run("import", "service-requests", str(path), user="staff_a")
    assert "新增 0，更新 0，未变 1" in out.splitlines()[-1]
    assert RequestStep.objects.count() == 1


def test_the_report_lists_lateness_as_of_a_day(tmp_path, enterprise_a, enterprise_b, user_a):
    late = make_request(enterprise_a, received_on=D(2026, 2, 13), kind="consultation")  # due 14 February
    make_request(enterprise_b, received_on=D(2026, 2, 13))
    path = tmp_path / "report.xlsx"
    out, _err = run("service", "report", "--as-of", "2026-02-25", "--user", "staff_a", "--out", str(path))
    assert "已写入 1 件诉求" in out and "逾期 1 件" in out
    rows = read_xlsx(path)
    assert rows[1] == [
        "诉求编号",
        "企业名称",
        "诉求类型",
        "诉求类别",
        "承办单位",
        "受理日期",
        "应办结日期",
        "办结日期",
        "状态",
        "是否逾期",
        "逾期工作日",
        "满意度",
    ]
    row = dict(zip(rows[1], rows[2], strict=True))
    assert (row["诉求编号"], row["是否逾期"], row["逾期工作日"], row["状态"]) == (late.number, "是", 2, "已受理")
    assert row["应办结日期"].date() == D(2026, 2, 14)


def test_the_report_refuses_a_bad_date(tmp_path, db):
    with pytest.raises(CommandError, match="日期无效"):
        run("service", "report", "--as-of", "2026-13-01", "--out", str(tmp_path / "r.xlsx"))


def test_closed_on_time_measure_counts_the_zone_with_its_sub_parks(zone_a, zone_b, user_a, user_b):
    sub = make_zone("甲分园", code="A001-S", parent=zone_a)
    on_time = make_request(make_enterprise(zone_a), received_on=D(2026, 3, 2))
    late = make_request(make_enterprise(sub), received_on=D(2026, 3, 2))
    ServiceRequest.objects.filter(pk=on_time.pk).update(closed_on=D(2026, 3, 9), state="closed")
    ServiceRequest.objects.filter(pk=late.pk).update(closed_on=D(2026, 3, 10), state="closed")
    make_request(make_enterprise(zone_b), received_on=D(2026, 3, 2))
    assert on_time_measure(user=user_a, zone=zone_a, year=2026) == 50.0
    assert on_time_measure(user=user_a, zone=zone_a, year=2026, as_of=D(2026, 3, 9)) == 100.0
    assert on_time_measure(user=user_b, zone=zone_a, year=2026) is None
    assert on_time_measure(user=None, zone=zone_a, year=2025) is None
