"""The key-enterprise flags (重点企业, 专精特新, high-tech, listing, 链主, top-taxpayer rank) and the enterprise's
own contact: on its page, in the list's and the API's filters, and through import and export."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.test import Client

from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.importers import EnterpriseImporter
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.site.tests.imports.conftest import read_xlsx, run, write_xlsx

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属园区",
    "重点企业",
    "专精特新",
    "上市情况",
    "链主企业",
    "纳税大户位次",
    "企业联系人",
    "联系电话",
]


@pytest.fixture
def flagged(zone_a):
    giant = make_enterprise(
        zone_a,
        "巨人精工",
        key_enterprise=True,
        specialised="little_giant",
        high_tech=True,
        listing="listed",
        chain_leader=True,
        top_taxpayer_rank=3,
        contact_name="王经理",
        contact_phone="0517-88886666",
    )
    plain = make_enterprise(zone_a, "普通五金")
    return giant, plain


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_enterprise_page_shows_its_flags_and_contact(flagged, user_a):
    giant, _plain = flagged
    html = _client(user_a).get(f"/enterprises/{giant.pk}/").content.decode()
    flags = html[html.index('id="key-enterprise-flags"') :]
    assert "国家级专精特新“小巨人”" in flags
    assert "已上市" in flags
    assert "王经理" in flags and "0517-88886666" in flags
    assert "<dd>3</dd>" in flags


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("key_enterprise=true", ["巨人精工"]),
        ("key_enterprise=false", ["普通五金"]),
        ("specialised=little_giant", ["巨人精工"]),
        ("specialised=provincial", []),
        ("specialised_any=false", ["普通五金"]),
        ("high_tech=true", ["巨人精工"]),
        ("listing=listed", ["巨人精工"]),
        ("chain_leader=true", ["巨人精工"]),
        ("top_taxpayer=true", ["巨人精工"]),
        ("top_taxpayer=false", ["普通五金"]),
        ("top_taxpayer_rank_max=2", []),
        ("top_taxpayer_rank_max=3", ["巨人精工"]),
    ],
)
def test_the_api_filters_by_each_flag(flagged, user_a, query, expected):
    response = _client(user_a).get(f"/api/enterprises/?{query}")
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["results"]) == expected


def test_the_list_page_filters_by_flag_and_tags_the_names(flagged, user_a):
    html = _client(user_a).get("/enterprises/?key_enterprise=true").content.decode()
    table = html[html.index('id="enterprise-table"') :]
    assert "巨人精工" in table and "普通五金" not in table
    assert '<span class="tag">重点企业</span>' in table
    assert '<span class="tag">纳税第 3 位</span>' in table


def test_the_api_returns_the_flags(flagged, user_a):
    giant, _plain = flagged
    row = _client(user_a).get(f"/api/enterprises/{giant.pk}/").json()
    assert (row["key_enterprise"], row["specialised"], row["listing"], row["top_taxpayer_rank"]) == (
        True,
        "little_giant",
        "listed",
        3,
    )
    assert row["contact_name"] == "王经理"


def test_a_rank_of_zero_is_refused_by_the_database(zone_a):
    with pytest.raises(IntegrityError):
        make_enterprise(zone_a, top_taxpayer_rank=0)


def test_import_reads_the_flags_and_export_writes_them_back(tmp_path, flagged, user_a):
    giant, plain = flagged
    path = write_xlsx(
        tmp_path / "flags.xlsx",
        [
            HEADERS,
            [plain.uscc, plain.name, "A001", "是", "省级专精特新", "拟上市", "否", 12, "李四", 13800001111],
            [giant.uscc, giant.name, "A001", "是", "小巨人", "已上市", "是", 3, "王经理", "0517-88886666"],
        ],
    )
    out, _err = run("import", "enterprises", str(path), user="staff_a")
    assert "新增 0，更新 1，未变 1" in out.splitlines()[-1]
    plain.refresh_from_db()
    assert (plain.key_enterprise, plain.specialised, plain.listing, plain.chain_leader) == (
        True,
        "provincial",
        "preparing",
        False,
    )
    assert (plain.top_taxpayer_rank, plain.contact_name, plain.contact_phone) == (12, "李四", "13800001111")

    exported = tmp_path / "out.xlsx"
    run("export", "enterprises", str(exported), user="staff_a")
    rows = read_xlsx(exported)
    header = next(r for r in rows if r and r[0] == "统一社会信用代码")
    by_code = {r[0]: dict(zip(header, r, strict=False)) for r in rows if r and r[0] in (giant.uscc, plain.uscc)}
    assert by_code[giant.uscc]["专精特新"] == "国家级专精特新“小巨人”"
    assert by_code[plain.uscc]["上市情况"] == "拟上市"
    assert by_code[plain.uscc]["纳税大户位次"] == 12
    out, _err = run("import", "enterprises", str(exported), user="staff_a")
    assert "新增 0，更新 0，未变 2" in out.splitlines()[-1]


def test_import_refuses_a_rank_below_one_naming_row_and_column(tmp_path, flagged, user_a):
    _giant, plain = flagged
    path = write_xlsx(tmp_path / "bad.xlsx", [HEADERS, [plain.uscc, plain.name, "A001", "是", "", "", "", 0, "", ""]])
    report = run_import(EnterpriseImporter(), path, user=user_a)
    assert [(p.row, p.column, p.value, p.reason_en) for p in report.problems] == [
        (2, "纳税大户位次", "0", "a top-taxpayer rank is a whole number from 1")
    ]
    assert not report.written
    plain.refresh_from_db()
    assert plain.key_enterprise is False
    assert Enterprise.objects.filter(top_taxpayer_rank=0).count() == 0
