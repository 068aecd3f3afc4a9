"""Enterprises carry what industry chains need: main products, business scope and a four-digit class checked
against GB/T 4754-2017, through the import, the export, the form, the page and the API."""

from __future__ import annotations

from django.test import Client

from yuanqu.accounts.testing import PASSWORD
from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.importers import EnterpriseImporter, export_enterprise_rows
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.testing import make_enterprise, make_uscc
from yuanqu.site.tests.api.conftest import token_client
from yuanqu.site.tests.imports.conftest import read_xlsx, run, write_xlsx

HEADERS = ["统一社会信用代码", "企业名称", "所属园区", "行业代码", "主要产品", "经营范围"]


def test_import_takes_products_scope_and_class(tmp_path, zone_a):
    rows = [
        HEADERS,
        [make_uscc(701), "甲锂电有限公司", "A001", "C3841", "动力电池、储能电池", "锂离子电池的研发、生产、销售"],
    ]
    report = run_import(EnterpriseImporter(), write_xlsx(tmp_path / "e.xlsx", rows))
    assert not report.problems
    firm = Enterprise.objects.get(uscc=make_uscc(701))
    assert (firm.industry_code, firm.industry_division, firm.industry_class_name) == ("3841", "38", "锂离子电池制造")
    assert firm.main_products == "动力电池、储能电池"
    assert firm.business_scope == "锂离子电池的研发、生产、销售"


def test_a_class_not_in_the_table_is_a_problem_naming_row_column_value(tmp_path, zone_a):
    rows = [
        HEADERS,
        [make_uscc(702), "甲一有限公司", "A001", "3841", "电池", None],
        [make_uscc(703), "甲二有限公司", "A001", "C3845", "电池", None],
    ]
    report = run_import(EnterpriseImporter(), write_xlsx(tmp_path / "e.xlsx", rows))
    assert [(p.row, p.column, p.value, p.reason_zh, p.reason_en) for p in report.problems] == [
        (3, "行业代码", "C3845", "GB/T 4754-2017 中没有小类 3845", "GB/T 4754-2017 has no class 3845")
    ]
    assert not Enterprise.objects.filter(uscc__in=[make_uscc(702), make_uscc(703)]).exists()


def test_export_carries_products_and_scope_and_reimports_unchanged(tmp_path, zone_a, user_a):
    make_enterprise(zone_a, "甲电缆有限公司", industry_code="3831", main_products="电力电缆、架空导线")
    rows = list(export_enterprise_rows(user=user_a))
    assert [(r["name"], r["industry_code"], r["main_products"]) for r in rows] == [
        ("甲电缆有限公司", "C3831", "电力电缆、架空导线")
    ]
    path = tmp_path / "out.xlsx"
    run("export", "enterprises", str(path))
    sheet = read_xlsx(path)
    header = next(r for r in sheet if r and r[0] == "统一社会信用代码")
    assert "主要产品" in header and "经营范围" in header
    out, _err = run("import", "enterprises", str(path))
    assert "0 created" in out.splitlines()[-1]


def test_form_and_page_show_products(zone_a, user_a):
    client = Client()
    client.login(username=user_a.username, password=PASSWORD)
    firm = make_enterprise(zone_a, "甲医药有限公司", uscc=make_uscc(704))
    response = client.post(
        f"/enterprises/{firm.pk}/edit/",
        {
            "uscc": make_uscc(704),
            "name": "甲医药有限公司",
            "zone": zone_a.pk,
            "status": "active",
            "industry_code": "2761",
            "main_products": "单克隆抗体",
            "business_scope": "生物药品制造",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    firm = Enterprise.objects.get(uscc=make_uscc(704))
    html = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert "单克隆抗体" in html
    assert "2761 生物药品制造" in html
    bad = client.post(
        f"/enterprises/{firm.pk}/edit/",
        {"uscc": make_uscc(704), "name": "甲坏", "zone": zone_a.pk, "status": "active", "industry_code": "3845"},
    )
    assert bad.status_code == 200
    assert "GB/T 4754-2017 中没有小类 3845" in bad.content.decode()


def test_api_reads_and_writes_products(zone_a, user_a):
    response = token_client(user_a).post(
        "/api/enterprises/",
        {
            "uscc": make_uscc(706),
            "name": "甲开关有限公司",
            "zone": zone_a.pk,
            "industry_code": "3823",
            "main_products": "开关柜、断路器",
            "business_scope": "配电开关控制设备制造",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["main_products"], body["industry_class_name"]) == ("开关柜、断路器", "配电开关控制设备制造")
    bad = token_client(user_a).post(
        "/api/enterprises/",
        {"uscc": make_uscc(707), "name": "甲坏", "zone": zone_a.pk, "industry_code": "3845"},
        format="json",
    )
    assert bad.status_code == 400
    assert "3845" in bad.json()["industry_code"][0]
