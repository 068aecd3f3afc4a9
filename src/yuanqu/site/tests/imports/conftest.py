"""Helpers for the import and export tests: spreadsheets written with openpyxl, the commands run in-process,
and the row counts that must not move when an import is refused."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_uscc
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.zones.models import Zone

YEAR_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "是否规上",
    "用地面积(亩)",
    "实缴税收(万元)",
    "营业收入(万元)",
    "工业总产值(万元)",
    "工业增加值(万元)",
    "综合能耗(吨标准煤)",
    "用电量(万千瓦时)",
    "主要污染物排放量(吨)",
    "研发经费(万元)",
    "从业人员(人)",
]


def write_xlsx(path: Path, rows, *, merges=()) -> Path:
    """A workbook written by openpyxl (a different library from the one the importer reads with)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def read_xlsx(source) -> list[list]:
    """Every row of the first sheet, read back by openpyxl."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    sheet = openpyxl.load_workbook(source, read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def run(*args, **options) -> tuple[str, str]:
    """Run a yuanqu command in-process; (stdout, stderr). A CommandError propagates."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    """Rows of every table an import may write, change log included."""
    models = (Zone, Enterprise, EnterpriseYear, EnterpriseLand, Parcel, ZoneYear, ZoneMonth, PeerZone, ChangeLogEntry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def uscc():
    """make_uscc under a shorter name: uscc(n) is a valid credit code."""
    return make_uscc
