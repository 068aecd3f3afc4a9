"""Templates have exactly the Chinese headers (with units) the spec names, whether written by the command or
downloaded from the web, and read back by openpyxl."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from yuanqu.accounts.testing import PASSWORD
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, read_xlsx, run

EXPECTED = {
    "enterprise-years": YEAR_HEADERS,
    "enterprises": [
        "统一社会信用代码",
        "企业名称",
        "所属园区",
        "行业代码",
        "主要产品",
        "重点企业",
        "专精特新",
        "企业联系人",
    ],
    "zones": ["园区代码", "园区名称", "上级园区代码", "级别", "类型", "批准时间", "核准面积(公顷)", "主导产业"],
    "parcels": [
        "地块编号",
        "园区代码",
        "用地性质",
        "批准日期",
        "供地日期",
        "约定开工日期",
        "实际开工日期",
        "竣工日期",
        "停工日期",
        "延迟原因",
        "已开发用地面积(亩)",
        "总投资(万元)",
        "已完成投资(万元)",
        "规划建筑面积(平方米)",
        "已建建筑面积(平方米)",
        "建筑基底面积(平方米)",
        "土地价格(万元)",
        "盘活日期",
    ],
}
TITLES = {
    "enterprise-years": "企业亩均效益年度数据",
    "enterprises": "企业名录",
    "zones": "园区名录",
    "parcels": "地块台账",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_template_command_writes_the_exact_headers(kind, tmp_path, db):
    path = tmp_path / f"{kind}.xlsx"
    out, _err = run("template", kind, str(path))
    rows = read_xlsx(path)
    assert rows[0][0] == TITLES[kind]
    assert rows[1] == EXPECTED[kind]
    assert len(rows) == 2  # no data rows
    assert f"{kind}.xlsx" in out


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_template_download_has_the_same_headers(kind, user_a):
    client = Client()
    client.login(username=user_a.username, password=PASSWORD)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="yuanqu-{kind}-template.xlsx"'
    assert read_xlsx(response.content)[1] == EXPECTED[kind]


def test_template_command_refuses_a_file_that_is_not_xlsx(tmp_path, db):
    with pytest.raises(CommandError, match="xlsx"):
        run("template", "zones", str(tmp_path / "zones.csv"))


def test_template_of_an_unknown_kind_is_404(user_a):
    client = Client()
    client.login(username=user_a.username, password=PASSWORD)
    assert client.get("/imports/templates/widgets.xlsx").status_code == 404


def test_template_filled_in_imports(tmp_path, zone_a, uscc):
    """The template is what a user fills in: typed under its headers, it imports as it is."""
    from openpyxl import load_workbook

    path = tmp_path / "enterprises.xlsx"
    run("template", "enterprises", str(path))
    workbook = load_workbook(path)
    workbook.active.append([uscc(501), "甲新材料有限公司", "A001", "C2651"])
    workbook.save(path)
    out, _err = run("import", "enterprises", str(path))
    assert "1 created" in out.splitlines()[-1]
