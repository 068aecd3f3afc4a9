"""Two imports at the same time: each writes only what its file changes, and one that would overwrite a
record someone else changed after the file was read is refused, naming the rows, and writes nothing. The
interleaving is made by hand: both files are read and checked, then one is written, then the other."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from yuanqu.accounts.testing import PASSWORD
from yuanqu.core.importing.pipeline import prepare_import, run_import, write_import
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.importers import EnterpriseImporter, EnterpriseYearImporter
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year, make_uscc
from yuanqu.site.tests.imports.conftest import write_xlsx
from yuanqu.zones.importers import ZoneImporter
from yuanqu.zones.testing import make_zone

USCC, NAME, YEAR, TAX, REVENUE = "统一社会信用代码", "企业名称", "年度", "实缴税收(万元)", "营业收入(万元)"


@pytest.fixture
def year(enterprise_a):
    return make_enterprise_year(enterprise_a, 2024, tax=Decimal("100"), revenue=Decimal("1000"))


def years_file(tmp_path, name: str, headers: list[str], *rows) -> object:
    return write_xlsx(tmp_path / name, [headers, *rows])


def stored(year) -> tuple[Decimal, Decimal]:
    year.refresh_from_db()
    return year.tax, year.revenue


def logged_updates(year) -> list[tuple[dict, dict]]:
    entries = ChangeLogEntry.objects.filter(object_id=str(year.pk), action="update").order_by("pk")
    return [
        ({k: e.before[k] for k in ("tax", "revenue")}, {k: e.after[k] for k in ("tax", "revenue")}) for e in entries
    ]


def test_an_import_changing_what_another_changed_since_it_was_read_is_refused(tmp_path, enterprise_a, year):
    uscc = enterprise_a.uscc
    first = years_file(tmp_path, "a.xlsx", [USCC, YEAR, TAX], [uscc, 2024, 120])
    second = years_file(tmp_path, "b.xlsx", [USCC, YEAR, TAX], [uscc, 2024, 130])
    a = prepare_import(EnterpriseYearImporter(), first)
    b = prepare_import(EnterpriseYearImporter(), second)
    assert (a.report.updated, b.report.updated) == (1, 1)

    assert write_import(a).written
    report = write_import(b)

    assert not report.written
    assert [str(p) for p in report.problems] == [
        "第 2 行，值“甲精密机械有限公司 2024”：该记录在读取文件后已被他人修改，请重新导入 | row 2, value "
        "'甲精密机械有限公司 2024': changed by someone else after the file was read; import it again"
    ]
    assert stored(year) == (Decimal("120"), Decimal("1000"))
    assert logged_updates(year) == [({"tax": "100", "revenue": "1000"}, {"tax": "120", "revenue": "1000"})]
    # Read again, the same file now goes through.
    assert run_import(EnterpriseYearImporter(), second).written
    assert stored(year) == (Decimal("130"), Decimal("1000"))


def test_two_imports_of_different_columns_both_keep_their_change(tmp_path, enterprise_a, year):
    uscc = enterprise_a.uscc
    # Each file carries both columns, with the other's value as it was: each changes one column only.
    first = years_file(tmp_path, "a.xlsx", [USCC, YEAR, TAX, REVENUE], [uscc, 2024, 120, 1000])
    second = years_file(tmp_path, "b.xlsx", [USCC, YEAR, TAX, REVENUE], [uscc, 2024, 100, 1500])
    a = prepare_import(EnterpriseYearImporter(), first)
    b = prepare_import(EnterpriseYearImporter(), second)

    assert write_import(a).written
    assert write_import(b).written

    assert stored(year) == (Decimal("120"), Decimal("1500"))  # the second did not undo the first
    # The second entry's "before" is the row as the first left it, not as the second read it.
    assert logged_updates(year) == [
        ({"tax": "100", "revenue": "1000"}, {"tax": "120", "revenue": "1000"}),
        ({"tax": "120", "revenue": "1000"}, {"tax": "120", "revenue": "1500"}),
    ]


def test_rows_deleted_or_created_since_the_file_was_read_are_refused(tmp_path, zone_a, enterprise_a, year):
    uscc = enterprise_a.uscc
    new_code = make_uscc(77)
    rows = [[enterprise_a.uscc, "甲精密机械集团有限公司", "A001"], [new_code, "新来的企业", "A001"]]
    path = years_file(tmp_path, "e.xlsx", ["统一社会信用代码", "企业名称", "所属园区"], *rows)
    # An update of a year whose row disappears; a renamed enterprise that someone else renames too, and a new
    # one that someone else registers meanwhile.
    updating = prepare_import(
        EnterpriseYearImporter(), years_file(tmp_path, "y.xlsx", [USCC, YEAR, TAX], [uscc, 2024, 150])
    )
    creating = prepare_import(EnterpriseImporter(), path)
    enterprise_a.name = "甲精密机械股份有限公司"
    enterprise_a.save()
    EnterpriseYear.objects.filter(pk=year.pk).delete()
    Enterprise.objects.create(uscc=new_code, name="别人登记的企业", zone=zone_a)
    before = ChangeLogEntry.objects.count()

    report = write_import(updating)
    assert [(p.row, p.reason_en) for p in report.problems] == [
        (2, "deleted by someone else after the file was read; import it again")
    ]
    report = write_import(creating)
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [
        (2, "甲精密机械集团有限公司", "changed by someone else after the file was read; import it again"),
        (3, "新来的企业", "created by someone else after the file was read; import it again"),
    ]
    assert Enterprise.objects.get(uscc=new_code).name == "别人登记的企业"
    assert ChangeLogEntry.objects.count() == before


@pytest.fixture
def client_a(user_a):
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    return client


def upload_and_confirm_token(client, path) -> str:
    with open(path, "rb") as handle:
        response = client.post(reverse("imports:import-start"), {"kind": "enterprise-years", "file": handle})
    assert response.status_code == 200
    return re.search(r"/imports/confirm/([0-9a-f]{32})/", response.content.decode())[1]


@pytest.mark.parametrize("file_tax", [120, 100], ids=["a row it updates", "a row it leaves unchanged"])
def test_the_web_confirmation_refuses_rows_changed_since_the_report(tmp_path, client_a, enterprise_a, year, file_tax):
    uscc = enterprise_a.uscc
    token = upload_and_confirm_token(
        client_a, years_file(tmp_path, "web.xlsx", [USCC, NAME, YEAR, TAX], [uscc, enterprise_a.name, 2024, file_tax])
    )
    # While the user reads the report, someone else imports a tax for the same year.
    other = years_file(tmp_path, "other.xlsx", [USCC, YEAR, TAX], [uscc, 2024, 110])
    assert run_import(EnterpriseYearImporter(), other).written

    response = client_a.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 422
    page = response.content.decode()
    assert "该记录在读取文件后已被他人修改，请重新导入" in page
    assert '<tr><td class="num">2</td>' in page
    assert stored(year) == (Decimal("110"), Decimal("1000"))


def test_the_web_confirmation_writes_when_nothing_changed_in_between(tmp_path, client_a, enterprise_a, year):
    token = upload_and_confirm_token(
        client_a, years_file(tmp_path, "web.xlsx", [USCC, YEAR, TAX], [enterprise_a.uscc, 2024, 120])
    )
    response = client_a.post(reverse("imports:import-confirm", args=[token]))
    assert response.status_code == 200
    assert stored(year) == (Decimal("120"), Decimal("1000"))


def test_a_zone_changed_since_the_file_was_read_is_refused(tmp_path, zone_a, zone_b):
    path = years_file(
        tmp_path, "zones.xlsx", ["园区代码", "园区名称", "简称", "上级园区代码"], ["A001", zone_a.name, "甲区", ""]
    )
    prepared = prepare_import(ZoneImporter(), path)
    assert prepared.report.updated == 1
    zone_a.parent = zone_b  # someone else makes it a sub-park meanwhile
    zone_a.save()
    report = write_import(prepared)
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [
        (2, zone_a.name, "changed by someone else after the file was read; import it again")
    ]
    zone_a.refresh_from_db()
    assert (zone_a.short_name, zone_a.parent_id) == ("", zone_b.pk)


class _HeldImporter(EnterpriseYearImporter):
    """Holds its write transaction open (rows locked) until told to go on."""

    locked = threading.Event()
    go = threading.Event()

    def write(self, plan, *, user, progress):
        self.locked.set()
        assert self.go.wait(timeout=30)
        super().write(plan, user=user, progress=progress)


@pytest.mark.django_db(transaction=True)
def test_two_imports_writing_at_once_in_two_threads(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections: PostgreSQL (SQLite's write transactions queue whole)")
    zone = make_zone("并发园区", code="C001")
    enterprise = make_enterprise(zone, "并发企业")
    year = make_enterprise_year(enterprise, 2024, tax=Decimal("100"), revenue=Decimal("1000"))
    first = years_file(tmp_path, "a.xlsx", [USCC, YEAR, TAX], [enterprise.uscc, 2024, 120])
    second = years_file(tmp_path, "b.xlsx", [USCC, YEAR, TAX], [enterprise.uscc, 2024, 130])
    a = prepare_import(_HeldImporter(), first)
    b = prepare_import(EnterpriseYearImporter(), second)
    reports = {}

    def write(name, prepared):
        try:
            reports[name] = write_import(prepared)
        finally:
            connection.close()

    holder = threading.Thread(target=write, args=("a", a))
    holder.start()
    assert _HeldImporter.locked.wait(timeout=30)
    waiter = threading.Thread(target=write, args=("b", b))
    waiter.start()
    waiter.join(timeout=1)
    assert waiter.is_alive()  # waiting for the row the first import holds
    _HeldImporter.go.set()
    holder.join(timeout=30)
    waiter.join(timeout=30)

    assert reports["a"].written
    assert not reports["b"].written
    assert [(p.row, p.reason_en) for p in reports["b"].problems] == [
        (2, "changed by someone else after the file was read; import it again")
    ]
    assert stored(year) == (Decimal("120"), Decimal("1000"))
