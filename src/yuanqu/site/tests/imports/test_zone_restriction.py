"""Imports and exports run for a user touch and show only that user's zones; read-only roles cannot import."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pyogrio import raw

from yuanqu.accounts.testing import PASSWORD, make_user
from yuanqu.chains.testing import make_chain, make_node
from yuanqu.core.access import Role
from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.importing.registry import get_importer, import_kinds
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.importers import EnterpriseImporter, EnterpriseYearImporter
from yuanqu.enterprises.testing import make_enterprise_year
from yuanqu.land.importers import ParcelImporter
from yuanqu.land.testing import make_parcel
from yuanqu.projects.testing import make_project
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.service.testing import make_category, make_request
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, read_xlsx, run, write_xlsx
from yuanqu.zones.importers import ZoneImporter
from yuanqu.zones.testing import make_zone


@pytest.fixture
def two_zones(zone_a, zone_b, enterprise_a, enterprise_b):
    """Each zone with a sub-park, years and parcels, so every kind has something of B to leak."""
    sub_a = make_zone("甲经济开发区光电产业园", code="A001-S", parent=zone_a)
    sub_b = make_zone("乙高新区生物医药园", code="B001-S", parent=zone_b)
    for enterprise in (enterprise_a, enterprise_b):
        make_enterprise_year(enterprise, 2023)
        make_enterprise_year(enterprise, 2024)
    make_parcel(zone_a, "甲-GY-001")
    make_parcel(sub_a, "甲-GY-002")
    make_parcel(zone_b, "乙-GY-001")
    make_parcel(sub_b, "乙-GY-002")
    make_project(zone_a, "甲新能源电池项目")
    make_project(sub_a, "甲光电显示项目")
    make_project(zone_b, "乙创新药项目")
    make_project(sub_b, "乙生物制剂项目")
    for zone in (zone_a, sub_a, zone_b, sub_b):
        ZoneYear.objects.create(zone=zone, year=2025, gdp=Decimal("1000"))
        ZoneMonth.objects.create(zone=zone, year=2026, month=3, gdp=Decimal("250"))
    ZoneYear.objects.create(peer=PeerZone.objects.create(name="邻市经开区", city="邻市"), year=2025, gdp=Decimal("9"))
    make_node(make_chain([zone_a], "甲动力电池链"), "A1", "电芯")
    make_node(make_chain([zone_b], "乙生物医药链"), "B1", "原料药")
    category = make_category()
    make_request(enterprise_a, received_on=dt.date(2026, 3, 2), category=category, content="甲企业用电增容")
    make_request(enterprise_b, received_on=dt.date(2026, 3, 2), category=category, content="乙企业用工招聘")
    _supervision(zone_a, sub_a, zone_b, sub_b)
    return sub_a, sub_b


def _supervision(*zones) -> None:
    """A letter with a measured and a reported line, and a task, in each zone and sub-park."""
    import datetime as dt

    from yuanqu.targets.models import ResponsibilityLetter, Target, Task

    for n, zone in enumerate(zones):
        letter = ResponsibilityLetter.objects.create(zone=zone, year=2026)
        Target.objects.create(letter=letter, zone=zone, year=2026, indicator="started_count", value=5, points=25)
        Target.objects.create(letter=letter, zone=zone, year=2026, name="营商环境评价", unit="分", value=90)
        Task.objects.create(
            code=f"DB-{n}", title=f"{zone.name}督办", zone=zone, lead_unit="招商局", assigned_on=dt.date(2026, 3, 2),
            limit_workdays=5, deadline=dt.date(2026, 3, 9),
        )  # fmt: skip


def b_secrets(zone_b, enterprise_b) -> list[str]:
    return [
        zone_b.name,
        zone_b.code,
        "乙高新区生物医药园",
        enterprise_b.name,
        enterprise_b.uscc,
        "乙-GY-001",
        "乙-GY-002",
        "乙创新药项目",
        "乙生物制剂项目",
        "乙生物医药链",
    ]


def problems_of(importer, path, user):
    report = run_import(importer, path, user=user)
    return report, [(p.row, p.column, p.value, p.reason_en) for p in report.problems]


def test_staff_of_a_cannot_import_figures_of_an_enterprise_of_b(tmp_path, user_a, enterprise_a, enterprise_b):
    rows = [
        YEAR_HEADERS,
        [enterprise_a.uscc, None, 2024, "是", 10, 100],
        [enterprise_b.uscc, None, 2024, "是", 10, 100],
    ]
    path = write_xlsx(tmp_path / "y.xlsx", rows)
    before = counts()
    report, found = problems_of(EnterpriseYearImporter(), path, user_a)
    assert found == [
        (
            3,
            "统一社会信用代码",
            enterprise_b.uscc,
            "no enterprise with this credit code (among your zones); import the enterprise list first",
        )
    ]
    assert enterprise_b.name not in str(report.problems) and "乙" not in str(report.problems)
    assert counts() == before


def test_staff_of_a_cannot_place_an_enterprise_in_zone_b(tmp_path, user_a, zone_b, uscc):
    rows = [["统一社会信用代码", "企业名称", "所属园区"], [uscc(8101), "甲某有限公司", "B001"]]
    _report, found = problems_of(EnterpriseImporter(), write_xlsx(tmp_path / "e.xlsx", rows), user_a)
    assert found == [(2, "所属园区", "B001", "no zone with this code or name (among your zones)")]


def test_staff_of_a_cannot_change_an_enterprise_registered_in_b(tmp_path, user_a, enterprise_b):
    rows = [["统一社会信用代码", "企业名称", "所属园区"], [enterprise_b.uscc, "改名", "A001"]]
    report, found = problems_of(EnterpriseImporter(), write_xlsx(tmp_path / "e.xlsx", rows), user_a)
    assert found == [
        (
            2,
            "统一社会信用代码",
            enterprise_b.uscc,
            "this credit code is registered in another zone; ask the city administrator",
        )
    ]
    assert enterprise_b.name not in str(report.problems)


def test_staff_of_a_cannot_change_zone_b_nor_create_a_top_level_zone(tmp_path, user_a, zone_b):
    rows = [
        ["园区代码", "园区名称", "主导产业"],
        ["B001", "乙高新技术产业开发区", "改掉"],
        ["N001", "新园区", None],
    ]
    _report, found = problems_of(ZoneImporter(), write_xlsx(tmp_path / "z.xlsx", rows), user_a)
    assert found == [
        (2, "园区代码", "B001", "no such zone among those you may change"),
        (3, "园区名称", "新园区", "only a city administrator creates zones"),
    ]


def test_staff_of_a_may_add_a_sub_park_to_zone_a(tmp_path, user_a, zone_a):
    rows = [["园区代码", "园区名称", "上级园区代码"], ["A001-2", "甲经济开发区物流园", "A001"]]
    report = run_import(ZoneImporter(), write_xlsx(tmp_path / "z.xlsx", rows), user=user_a)
    assert report.ok and report.created == 1
    sub_park = zone_a.children.get()
    assert sub_park.name == "甲经济开发区物流园"
    entry = ChangeLogEntry.objects.get(object_id=str(sub_park.pk), content_type__model="zone")
    assert (entry.action, entry.source, entry.user, entry.after["parent_id"]) == ("create", "import", user_a, zone_a.pk)


def test_staff_of_a_cannot_import_parcels_into_zone_b(tmp_path, user_a, zone_b):
    rows = [["地块编号", "园区代码", "用地性质"], ["X-1", "B001", "工业用地"]]
    _report, found = problems_of(ParcelImporter(), write_xlsx(tmp_path / "p.xlsx", rows), user_a)
    assert found == [(2, "园区代码", "B001", "no zone with this code or name (among your zones)")]


@pytest.mark.parametrize("role", [Role.LEADER, Role.CITY_ANALYST])
def test_read_only_roles_cannot_import_from_the_command_line(role, tmp_path, zone_a, enterprise_a):
    make_user("reader", role, zones=[zone_a] if role == Role.LEADER else [])
    path = write_xlsx(tmp_path / "y.xlsx", [YEAR_HEADERS, [enterprise_a.uscc, None, 2024]])
    before = counts()
    with pytest.raises(CommandError, match="your role may read data but not import it"):
        run("import", "enterprise-years", str(path), user="reader")
    assert counts() == before


@pytest.mark.parametrize("role", [Role.LEADER, Role.CITY_ANALYST])
def test_read_only_roles_get_403_on_the_upload_and_the_confirm(role, tmp_path, zone_a, enterprise_a):
    make_user("reader", role, zones=[zone_a] if role == Role.LEADER else [])
    client = Client()
    client.login(username="reader", password=PASSWORD)
    page = client.get(reverse("imports:import-start"))
    assert page.status_code == 200
    assert "您的角色只能查看数据，不能导入。" in page.content.decode()
    path = write_xlsx(tmp_path / "y.xlsx", [YEAR_HEADERS, [enterprise_a.uscc, None, 2024]])
    with path.open("rb") as upload:
        response = client.post(reverse("imports:import-start"), {"kind": "enterprise-years", "file": upload})
    assert response.status_code == 403
    assert client.post(reverse("imports:import-confirm", args=["0" * 32])).status_code == 403


def test_run_import_refuses_a_read_only_user_before_reading(tmp_path, analyst):
    report = run_import(EnterpriseYearImporter(), tmp_path / "never-read.xlsx", user=analyst)
    assert [p.reason_en for p in report.problems] == ["your role may read data but not import it"]


@pytest.mark.parametrize("kind", sorted(import_kinds()))
def test_xlsx_exports_of_a_user_of_a_hold_nothing_of_b(kind, tmp_path, user_a, two_zones, zone_b, enterprise_b):
    path = tmp_path / f"{kind}.xlsx"
    run("export", kind, str(path), user="staff_a")
    text = json.dumps(read_xlsx(path), ensure_ascii=False, default=str)
    for secret in b_secrets(zone_b, enterprise_b):
        assert secret not in text, secret
    if kind == "peer-years":  # peers belong to no zone: a zone user's export holds none
        assert "邻市经开区" not in text
    else:
        assert "A001" in text or "甲" in text


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_map_exports_of_a_user_of_a_hold_only_parcels_of_a(suffix, tmp_path, user_a, two_zones, zone_b, enterprise_b):
    path = tmp_path / f"parcels{suffix}"
    out, _err = run("export", "parcels", str(path), user="staff_a")
    assert out.splitlines()[-1] == f"已导出 2 行到 parcels{suffix} / exported 2 rows to parcels{suffix}"
    meta, _ids, _geometry, fields = raw.read(path)
    assert list(meta["fields"][:3]) == ["地块编号", "园区代码", "用地性质"]
    assert sorted(fields[0]) == ["甲-GY-001", "甲-GY-002"]
    data = path.read_bytes()
    for secret in b_secrets(zone_b, enterprise_b):
        assert secret.encode() not in data, secret


def test_web_exports_are_restricted_too(user_a, two_zones, zone_b, enterprise_b):
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    for kind, fmt in [(k, "xlsx") for k in import_kinds()] + [("parcels", "gpkg"), ("parcels", "geojson")]:
        response = client.get(reverse("imports:export", args=[kind, fmt]))
        assert response.status_code == 200, (kind, fmt)
        data = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            data = json.dumps(read_xlsx(data), ensure_ascii=False, default=str).encode()
        for secret in b_secrets(zone_b, enterprise_b):
            assert secret.encode() not in data, (kind, fmt, secret)


def test_web_export_of_zone_b_for_a_user_of_a_is_404(user_a, two_zones, zone_b):
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    assert client.get(reverse("imports:export", args=["enterprises", "xlsx"]) + "?zone=B001").status_code == 404
    response = client.get(reverse("imports:export", args=["parcels", "xlsx"]) + "?zone=A001-S")
    assert [row[0] for row in read_xlsx(response.content)[2:]] == ["甲-GY-002"]


def test_export_command_refuses_a_zone_the_user_cannot_see(tmp_path, user_a, zone_b):
    with pytest.raises(CommandError, match="no such zone: B001"):
        run("export", "enterprises", str(tmp_path / "e.xlsx"), user="staff_a", zone=["B001"])


@pytest.mark.parametrize("kind", sorted(import_kinds()))
def test_export_then_import_again_changes_nothing(kind, tmp_path, two_zones, user_a):
    path = tmp_path / f"{kind}.xlsx"
    run("export", kind, str(path))
    before = counts()
    report = run_import(get_importer(kind), path)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, report.rows)
    assert report.rows > 0
    assert counts() == before


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_map_export_then_import_again_changes_nothing(suffix, tmp_path, two_zones):
    path = tmp_path / f"parcels{suffix}"
    run("export", "parcels", str(path))
    before = counts()
    report = run_import(ParcelImporter(), path)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert counts() == before


def test_a_users_export_imports_back_unchanged_as_that_user(tmp_path, two_zones, user_a):
    for kind in ("zones", "enterprises", "enterprise-years", "parcels"):
        path = tmp_path / f"{kind}.xlsx"
        run("export", kind, str(path), user="staff_a")
        report = run_import(get_importer(kind), path, user=user_a)
        assert report.ok, (kind, report.problems)
        assert (report.created, report.updated) == (0, 0), kind


def test_web_import_by_staff_of_a_refuses_rows_of_b_without_naming_them(tmp_path, user_a, enterprise_a, enterprise_b):
    rows = [
        YEAR_HEADERS,
        [enterprise_a.uscc, None, 2024, "是", 10, 100],
        [enterprise_b.uscc, None, 2024, "是", 10, 100],
    ]
    path = write_xlsx(tmp_path / "y.xlsx", rows)
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    before = counts()
    with path.open("rb") as upload:
        response = client.post(reverse("imports:import-start"), {"kind": "enterprise-years", "file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "系统中没有该统一社会信用代码的企业（或不在您的园区），请先导入企业名录" in page
    assert enterprise_b.name not in page and "乙" not in page
    assert 'id="confirm-import"' not in page
    assert counts() == before
