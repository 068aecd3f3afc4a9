"""The parcel import takes the revitalisation date (盘活日期), and the ledger then counts the parcel as revitalised."""

from __future__ import annotations

import datetime as dt

from yuanqu.land.models import Parcel
from yuanqu.land.status import land_statuses
from yuanqu.site.tests.imports.conftest import run, write_xlsx


def test_import_reads_the_revitalisation_date(tmp_path, zone_a, city_admin):
    rows = [
        ["地块编号", "园区代码", "用地性质", "供地日期", "约定开工日期", "盘活日期", "面积(亩)"],
        ["PH-001", "A001", "工业用地", "2021-03-01", "2021-09-01", "2024-05-20", 30],
        ["XZ-002", "A001", "工业用地", "2021-03-01", "2021-09-01", None, 12],
    ]
    run("import", "parcels", str(write_xlsx(tmp_path / "parcels.xlsx", rows)))
    assert Parcel.objects.get(code="PH-001").revitalised_on == dt.date(2024, 5, 20)
    assert Parcel.objects.get(code="XZ-002").revitalised_on is None
    statuses = dict(land_statuses(user=city_admin, as_of=dt.date(2025, 1, 1)).select("code", "status").iter_rows())
    assert statuses == {"PH-001": "revitalised", "XZ-002": "idle"}
