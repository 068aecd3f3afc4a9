"""A re-import updates by natural key (credit code + year, zone code or name, zone + parcel code) instead of
duplicating, and logs each change with its source, user, and values before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.land.models import Parcel
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, run, write_xlsx
from yuanqu.zones.importers import ZoneImporter
from yuanqu.zones.models import Zone


def year_rows(enterprise, tax_2024="1200"):
    return [
        YEAR_HEADERS,
        [enterprise.uscc, enterprise.name, 2023, "是", 50, 1100, 30000, 32000, 8000, 900, 150, 2.5, 300, 210],
        [enterprise.uscc, enterprise.name, 2024, "是", 50, tax_2024, 31000, 33000, 8200, 880, 149, 2.4, 320, 215],
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, enterprise_a, user_a):
    path = write_xlsx(tmp_path / "years.xlsx", year_rows(enterprise_a))
    out, _err = run("import", "enterprise-years", str(path), user="staff_a")
    assert out.splitlines()[-1].startswith("years.xlsx：2 行，新增 2，更新 0，未变 0")
    after_first = counts()

    out, _err = run("import", "enterprise-years", str(path), user="staff_a")

    assert out.splitlines()[-1].startswith("years.xlsx：2 行，新增 0，更新 0，未变 2，跳过 0 / 2 rows, 0 created")
    assert counts() == after_first
    assert EnterpriseYear.objects.filter(enterprise=enterprise_a).count() == 2


def test_a_changed_value_updates_one_row_and_logs_before_and_after(tmp_path, enterprise_a, user_a):
    run("import", "enterprise-years", str(write_xlsx(tmp_path / "a.xlsx", year_rows(enterprise_a))), user="staff_a")
    entries_before = ChangeLogEntry.objects.count()

    path = write_xlsx(tmp_path / "b.xlsx", year_rows(enterprise_a, tax_2024="1234.5"))
    out, _err = run("import", "enterprise-years", str(path), user="staff_a")

    assert "新增 0，更新 1，未变 1" in out.splitlines()[-1]
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2024)
    assert year.tax == Decimal("1234.5000")
    assert ChangeLogEntry.objects.count() == entries_before + 1
    entry = ChangeLogEntry.objects.latest("id")
    assert (entry.action, entry.source, entry.user, entry.username) == ("update", "import", user_a, "staff_a")
    assert entry.content_type == ContentType.objects.get_for_model(EnterpriseYear)
    assert entry.object_id == str(year.pk)
    assert entry.object_repr == "甲精密机械有限公司 2024"
    assert entry.zone_id == enterprise_a.zone_id
    assert entry.changed_fields == ["tax"]
    assert entry.changes() == [("tax", "1200", "1234.5")]
    assert entry.before["revenue"] == entry.after["revenue"] == "31000"
    assert entry.after["id"] == year.pk and entry.after["enterprise_id"] == enterprise_a.pk


def test_created_rows_are_logged_with_their_values(tmp_path, enterprise_a, user_a):
    run("import", "enterprise-years", str(write_xlsx(tmp_path / "a.xlsx", year_rows(enterprise_a))), user="staff_a")
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2023)
    entry = ChangeLogEntry.objects.get(object_id=str(year.pk), content_type__model="enterpriseyear")
    assert (entry.action, entry.source, entry.user_id, entry.before) == ("create", "import", user_a.pk, None)
    assert entry.after == {
        "id": year.pk,
        "enterprise_id": enterprise_a.pk,
        "year": 2023,
        "above_scale": True,
        "land_mu": "50",
        "tax": "1100",
        "revenue": "30000",
        "industrial_output": "32000",
        "value_added": "8000",
        "energy_tce": "900",
        "electricity": "150",
        "emissions": "2.5",
        "rd_spending": "300",
        "employees": 210,
        "high_tech": False,
        "incident": False,
    }


def test_each_created_row_is_logged_under_its_own_id_after_rows_were_deleted(tmp_path, enterprise_a, enterprise_b):
    run("import", "enterprise-years", str(write_xlsx(tmp_path / "a.xlsx", year_rows(enterprise_a))))
    EnterpriseYear.objects.filter(enterprise=enterprise_a, year=2024).delete()  # the highest id so far
    rows = [*year_rows(enterprise_b)[1:], *year_rows(enterprise_a)[2:]]  # b 2023, b 2024, a 2024 again
    out, _err = run("import", "enterprise-years", str(write_xlsx(tmp_path / "b.xlsx", [YEAR_HEADERS, *rows])))

    assert "3 行，新增 3，更新 0，未变 0" in out.splitlines()[-1]
    created = ChangeLogEntry.objects.filter(action="create", content_type__model="enterpriseyear").order_by("-id")[:3]
    logged = {(entry.after["enterprise_id"], entry.after["year"]): entry for entry in created}
    for year in EnterpriseYear.objects.filter(pk__in=[int(entry.object_id) for entry in created]):
        entry = logged[(year.enterprise_id, year.year)]
        assert entry.object_id == str(year.pk) == str(entry.after["id"])
        assert entry.object_repr == f"{year.enterprise.name} {year.year}"
    assert sorted(logged) == sorted([(enterprise_b.pk, 2023), (enterprise_b.pk, 2024), (enterprise_a.pk, 2024)])


def test_imported_and_page_saved_numbers_are_logged_with_the_same_spelling(tmp_path, enterprise_a, user_a):
    run("import", "enterprise-years", str(write_xlsx(tmp_path / "a.xlsx", year_rows(enterprise_a))), user="staff_a")
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2023)
    imported = ChangeLogEntry.objects.get(object_id=str(year.pk), content_type__model="enterpriseyear")
    year.emissions = Decimal("3.2500")
    year.save()
    saved = ChangeLogEntry.objects.get(object_id=str(year.pk), content_type__model="enterpriseyear", action="update")
    assert imported.after["emissions"] == saved.before["emissions"] == "2.5"
    assert saved.after["emissions"] == "3.25"


@pytest.mark.parametrize(
    ("typed", "stored_otherwise"),
    [
        ("0.1", None),  # no float holds a tenth exactly
        ("-0.0001", None),
        ("99999999999.9999", None),  # 15 digits: the most a float tells apart
        ("12345678901234.5678", None),  # 18 digits: SQLite keeps a float, which reads back rounded
        ("1200", "1200.00000001"),  # a stored float a little off, as another program might write it
    ],
)
def test_a_reimport_finds_a_year_unchanged_exactly_when_its_stored_value_reads_back_equal(
    tmp_path, enterprise_a, typed, stored_otherwise
):
    path = write_xlsx(tmp_path / "years.xlsx", year_rows(enterprise_a, tax_2024=typed))
    run("import", "enterprise-years", str(path))
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2024)
    if stored_otherwise is not None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE enterprises_enterpriseyear SET tax = %s WHERE id = %s", [stored_otherwise, year.pk])
    entries_before = ChangeLogEntry.objects.count()
    # What the model reads back decides, not how the database stores it (a float on SQLite, a numeric elsewhere).
    reads_back_equal = EnterpriseYear.objects.get(pk=year.pk).tax == Decimal(typed)

    out, _err = run("import", "enterprise-years", str(path))

    if reads_back_equal:
        assert "新增 0，更新 0，未变 2" in out.splitlines()[-1]
        assert ChangeLogEntry.objects.count() == entries_before
    else:
        assert "新增 0，更新 1，未变 1" in out.splitlines()[-1]
        entry = ChangeLogEntry.objects.latest("id")
        assert (entry.action, entry.object_id, entry.changed_fields) == ("update", str(year.pk), ["tax"])
        assert entry.after["tax"] == format(Decimal(typed).normalize(), "f")
    if typed != "12345678901234.5678":
        assert reads_back_equal  # every value of up to 15 digits reads back as it was typed


def test_a_file_with_only_some_columns_leaves_the_others_alone(tmp_path, enterprise_a):
    run("import", "enterprise-years", str(write_xlsx(tmp_path / "a.xlsx", year_rows(enterprise_a))))
    path = write_xlsx(
        tmp_path / "tax.xlsx", [["统一社会信用代码", "年度", "实缴税收(万元)"], [enterprise_a.uscc, 2024, 1500]]
    )
    out, _err = run("import", "enterprise-years", str(path))
    assert "更新 1" in out.splitlines()[-1]
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2024)
    assert (year.tax, year.revenue, year.employees, year.above_scale) == (Decimal("1500"), Decimal("31000"), 215, True)


def test_enterprises_update_by_credit_code(tmp_path, zone_a, enterprise_a, uscc):
    rows = [
        ["统一社会信用代码", "企业名称", "所属园区", "行业代码"],
        [enterprise_a.uscc, "甲精密机械股份有限公司", "A001", "C3484"],
        [uscc(4001), "甲新能源有限公司", "甲经济开发区", "3841"],
    ]
    path = write_xlsx(tmp_path / "e.xlsx", rows)
    out, _err = run("import", "enterprises", str(path))
    assert "新增 1，更新 1，未变 0" in out.splitlines()[-1]
    enterprise_a.refresh_from_db()
    assert (enterprise_a.name, enterprise_a.industry_code, enterprise_a.industry_division) == (
        "甲精密机械股份有限公司",
        "3484",
        "34",
    )
    created = Enterprise.objects.get(uscc=uscc(4001))
    assert (created.zone, created.industry_section, created.status) == (zone_a, "C", "active")
    out, _err = run("import", "enterprises", str(path))
    assert "新增 0，更新 0，未变 2" in out.splitlines()[-1]


def test_zones_update_by_code_and_by_name_when_there_is_no_code(tmp_path, zone_a):
    unnamed = Zone.objects.create(name="丙乡镇工业集中区")
    rows = [
        ["园区代码", "园区名称", "上级园区代码", "级别", "类型", "批准时间", "核准面积(公顷)", "主导产业"],
        ["A001", "甲经济开发区", None, "省级", "省级开发区", "2006-04-01", "1234.56", "装备制造"],
        [None, "丙乡镇工业集中区", None, "其他", "乡镇工业集中区", None, 300, "食品"],
        ["A001-1", "甲经济开发区智能制造产业园", "A001", "其他", "其他", None, "88.5", "机器人"],
    ]
    path = write_xlsx(tmp_path / "zones.xlsx", rows)
    out, _err = run("import", "zones", str(path))
    assert "新增 1，更新 2，未变 0" in out.splitlines()[-1]
    zone_a.refresh_from_db()
    unnamed.refresh_from_db()
    assert (zone_a.approved_on, zone_a.approved_area_ha, zone_a.leading_industries) == (
        dt.date(2006, 4, 1),
        Decimal("1234.56"),
        "装备制造",
    )
    assert (unnamed.code, unnamed.kind, unnamed.approved_area_ha) == ("", "industrial_cluster", Decimal("300.00"))
    sub_park = Zone.objects.get(code="A001-1")
    assert sub_park.parent == zone_a
    assert Zone.objects.count() == 3

    out, _err = run("import", "zones", str(path))
    assert "新增 0，更新 0，未变 3" in out.splitlines()[-1]


def test_a_zone_known_by_name_gets_its_code(tmp_path, db):
    zone = Zone.objects.create(name="丁高新技术产业开发区")
    path = write_xlsx(tmp_path / "z.xlsx", [["园区代码", "园区名称"], ["G123", "丁高新技术产业开发区"]])
    run("import", "zones", str(path))
    zone.refresh_from_db()
    assert zone.code == "G123"
    assert Zone.objects.count() == 1


def test_parcels_update_by_zone_and_code(tmp_path, zone_a, zone_b):
    rows = [
        ["地块编号", "园区代码", "用地性质", "供地日期", "约定开工日期", "总投资(万元)", "面积(亩)"],
        ["GY-001", "A001", "工业用地", "2022-03-01", "2022-09-01", 12000, "45.5"],
        ["GY-001", "B001", "仓储用地", "2023-01-15", None, 5000, 20],
    ]
    path = write_xlsx(tmp_path / "parcels.xlsx", rows)
    run("import", "parcels", str(path))
    assert Parcel.objects.count() == 2
    in_a = Parcel.objects.get(zone=zone_a, code="GY-001")
    assert (in_a.land_use, in_a.supplied_on, in_a.total_investment, in_a.area_mu) == (
        "industrial",
        dt.date(2022, 3, 1),
        Decimal("12000"),
        Decimal("45.5"),
    )
    rows[2][5] = 6000
    out, _err = run("import", "parcels", str(write_xlsx(tmp_path / "parcels2.xlsx", rows)))
    assert "新增 0，更新 1，未变 1" in out.splitlines()[-1]
    assert Parcel.objects.get(zone=zone_b, code="GY-001").total_investment == Decimal("6000")
    assert Parcel.objects.count() == 2


def test_a_name_unlike_the_registered_one_is_noted(tmp_path, enterprise_a):
    rows = [["统一社会信用代码", "企业名称", "年度", "实缴税收(万元)"], [enterprise_a.uscc, "乙某某公司", 2024, 10]]
    out, _err = run("import", "enterprise-years", str(write_xlsx(tmp_path / "y.xlsx", rows)), dry_run=True)
    assert (
        "说明 / note: 企业名称与该信用代码登记的名称不同（请核对信用代码）：第 2 行「乙某某公司」≠「甲精密机械有限公司」"
        " / enterprise names differ from those registered under the credit codes (check the codes): "
        "row 2 乙某某公司 ≠ 甲精密机械有限公司"
    ) in out.splitlines()


def test_zone_parents_that_form_a_cycle_are_refused(tmp_path, zone_a):
    rows = [
        ["园区代码", "园区名称", "上级园区代码"],
        ["A001-1", "甲一园", "A001-2"],
        ["A001-2", "甲二园", "A001-1"],
        ["A001", "甲经济开发区", "A001-1"],  # under the cycle, not in it
    ]
    before = counts()
    report = run_import(ZoneImporter(), write_xlsx(tmp_path / "z.xlsx", rows))
    assert [(p.row, p.reason_en) for p in report.problems] == [
        (2, "the parents form a cycle"),
        (3, "the parents form a cycle"),
    ]
    assert counts() == before
