"""`yuanqu import` and `yuanqu export`: progress on stderr, a one-line summary last, non-zero exit on bad input."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError

from yuanqu import cli
from yuanqu.accounts.testing import make_user
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, run, write_xlsx
from yuanqu.zones.testing import make_zone


def years_file(tmp_path, enterprise, *, tax=1200):
    rows = [YEAR_HEADERS] + [[enterprise.uscc, None, year, "是", 50, tax, 30000] for year in (2022, 2023, 2024)]
    return write_xlsx(tmp_path / "years.xlsx", rows)


def test_import_shows_reading_checking_and_writing_then_the_summary(tmp_path, enterprise_a):
    out, err = run("import", "enterprise-years", str(years_file(tmp_path, enterprise_a)))
    stages = [re.sub(r" in \d+\.\d s$", " in T", line) for line in err.splitlines()]
    assert stages == [
        "读取 years.xlsx / reading: 3 in T",
        "检查 / checking: 3/3 (100%) in T",
        "写入 / writing: 3/3 (100%) in T",
    ]
    summary = out.splitlines()[-1]
    assert re.fullmatch(
        r"years\.xlsx：3 行，新增 3，更新 0，未变 0，跳过 0 / 3 rows, 3 created, 0 updated, 0 unchanged, 0 skipped "
        r"\(\d+\.\d s\)",
        summary,
    )


def test_progress_is_reported_per_batch_while_writing(tmp_path, zone_a, monkeypatch):
    from yuanqu.core.importing import pipeline

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 10)
    enterprises = [make_enterprise(zone_a) for _ in range(20)]
    rows = [YEAR_HEADERS] + [[e.uscc, None, year, "否", 1, 1] for e in enterprises for year in (2023, 2024)]
    _out, err = run("import", "enterprise-years", str(write_xlsx(tmp_path / "y.xlsx", rows)))
    writing = [line for line in err.splitlines() if line.startswith("写入")]
    assert writing == [
        "写入 / writing: 10/40 (25%)",
        "写入 / writing: 20/40 (50%)",
        "写入 / writing: 30/40 (75%)",
        writing[-1],
    ]
    assert writing[-1].startswith("写入 / writing: 40/40 (100%) in ")


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, enterprise_a):
    before = counts()
    out, _err = run("import", "enterprise-years", str(years_file(tmp_path, enterprise_a)), dry_run=True)
    assert "3 行，将新增 3，将更新 0，未变 0，跳过 0（试运行，未写入） / 3 rows, 3 would be created" in out
    assert counts() == before


def test_a_missing_file_or_user_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        run("import", "zones", str(tmp_path / "nope.xlsx"))
    (tmp_path / "z.xlsx").write_bytes(b"x")
    with pytest.raises(CommandError, match="no such active user: ghost"):
        run("import", "zones", str(tmp_path / "z.xlsx"), user="ghost")


def test_gis_options_are_only_for_parcels(tmp_path, enterprise_a):
    with pytest.raises(CommandError, match="are for parcels"):
        run("import", "enterprise-years", str(years_file(tmp_path, enterprise_a)), srid=4549)


@pytest.mark.django_db(transaction=True)
def test_the_yuanqu_command_exits_non_zero_on_a_bad_file(tmp_path, capsys):
    zone = make_zone("甲经济开发区", code="A001")
    enterprise = make_enterprise(zone)
    path = write_xlsx(tmp_path / "bad.xlsx", [YEAR_HEADERS, [enterprise.uscc, None, 1900]])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["yuanqu", "import", "enterprise-years", str(path)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "问题 / problem: 第 2 行，列「年度」，值“1900”：年度应在 1949–2100 之间" in err
    assert "CommandError: bad.xlsx：1 行，发现 1 个问题，未写入任何数据" in err
    assert EnterpriseYear.objects.count() == 0


def test_export_shows_progress_and_a_summary(tmp_path, enterprise_a, enterprise_b):
    path = tmp_path / "enterprises.xlsx"
    out, err = run("export", "enterprises", str(path))
    assert out.splitlines() == ["已导出 2 行到 enterprises.xlsx / exported 2 rows to enterprises.xlsx"]
    assert re.fullmatch(r"导出 enterprises / exporting: 2/2 \(100%\) in \d+\.\d s", err.strip())


def test_export_refuses_a_format_the_kind_has_not(tmp_path, db):
    with pytest.raises(CommandError, match=r"enterprises cannot be exported as \.gpkg"):
        run("export", "enterprises", str(tmp_path / "e.gpkg"))


def test_export_for_a_zone_takes_its_sub_parks(tmp_path, zone_a):
    sub_park = make_zone("甲经济开发区光电产业园", code="A001-S", parent=zone_a)
    make_enterprise(zone_a, "甲一")
    make_enterprise(sub_park, "甲二")
    make_enterprise(make_zone("丙园区", code="C001"), "丙一")
    make_user("city2", "city_admin")
    out, _err = run("export", "enterprises", str(tmp_path / "e.xlsx"), user="city2", zone=["A001"])
    assert out.startswith("已导出 2 行")
