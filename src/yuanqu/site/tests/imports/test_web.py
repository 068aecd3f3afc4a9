"""The web import: upload, report, confirm; and no upload, however broken, gives a server error."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from yuanqu.accounts.testing import PASSWORD
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, write_xlsx


@pytest.fixture(autouse=True)
def checked_in_the_request(settings):
    """Every upload here is answered with its report in the request, however large; the large files that go to a
    job are tested in site/tests/jobs."""
    settings.YUANQU_JOB_IMPORT_THRESHOLD_KB = 10**6


@pytest.fixture
def client_a(user_a):
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    return client


def upload(client, kind: str, name: str, data: bytes, **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("imports:import-start"), {"kind": kind, "file": file, **fields})


def test_upload_shows_a_report_and_writes_only_on_confirm(tmp_path, client_a, enterprise_a, user_a):
    path = write_xlsx(
        tmp_path / "years.xlsx",
        [YEAR_HEADERS, [enterprise_a.uscc, enterprise_a.name, 2024, "是", 50, 1200, 30000]],
    )
    before = counts()
    response = upload(client_a, "enterprise-years", "years.xlsx", path.read_bytes())
    assert response.status_code == 200
    page = response.content.decode()
    assert "years.xlsx：1 行，将新增 1，将更新 0，未变 0，跳过 0（试运行，未写入）" in page
    assert 'id="confirm-import"' in page
    assert counts() == before

    token = re.search(r"/imports/confirm/([0-9a-f]{32})/", page)[1]
    response = client_a.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 200
    assert "years.xlsx：1 行，新增 1，更新 0" in response.content.decode()
    year = EnterpriseYear.objects.get()
    assert (year.tax, year.revenue) == (Decimal("1200"), Decimal("30000"))
    # A token is good for one confirmation only.
    assert client_a.post(reverse("imports:import-confirm", args=[token])).status_code == 404


def test_csv_upload_in_gbk(client_a, enterprise_a):
    text = "统一社会信用代码,年度,实缴税收(万元),是否规上\n" + f'{enterprise_a.uscc},2024,"1,250.5",是\n'
    response = upload(client_a, "enterprise-years", "years.csv", text.encode("gbk"))
    assert response.status_code == 200
    assert "file decoded as GBK (GB18030)" in response.content.decode()


def test_a_file_with_problems_gets_a_422_report_listing_them(client_a, enterprise_a, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [YEAR_HEADERS, [enterprise_a.uscc, None, 2024, "是", 10, "abc"]])
    response = upload(client_a, "enterprise-years", "bad.xlsx", path.read_bytes())
    assert response.status_code == 422
    page = response.content.decode()
    assert "<td>实缴税收(万元)</td><td>abc</td><td>不是数字</td><td>not a number</td>" in page
    assert 'id="confirm-import"' not in page


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_header_only() -> bytes:
    buffer = io.BytesIO()
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(YEAR_HEADERS)
    workbook.save(buffer)
    return buffer.getvalue()


BROKEN = [
    ("empty file", "enterprise-years", "years.xlsx", b"", 400, "文件是空的"),
    ("text file", "enterprise-years", "notes.txt", b"hello", 400, "不支持的文件类型：.txt"),
    ("no suffix", "zones", "zones", b"abc", 400, "不支持的文件类型：?"),
    (
        "corrupt xlsx",
        "enterprise-years",
        "years.xlsx",
        b"\x00\x01not a workbook" * 50,
        422,
        "文件已损坏或不是 Excel 文件",
    ),
    ("zip posing as xlsx", "enterprises", "e.xlsx", zip_bytes({"a.txt": b"x"}), 422, "文件已损坏或不是 Excel 文件"),
    (
        "html posing as xls",
        "enterprises",
        "e.xls",
        b"<html><table><tr><td>1</td></tr></table></html>",
        422,
        "像是网页格式",
    ),
    ("zip with no shapefile", "parcels", "parcels.zip", zip_bytes({"readme.txt": b"x"}), 422, "压缩包中没有"),
    ("corrupt zip", "parcels", "parcels.zip", b"PK\x03\x04broken", 422, "压缩包已损坏"),
    ("corrupt geopackage", "parcels", "parcels.gpkg", b"not sqlite at all" * 20, 422, "无法读取文件"),
    ("bad geojson", "parcels", "parcels.geojson", b'{"type": "FeatureCollection", "features": [', 422, "无法读取文件"),
    ("csv header only", "enterprise-years", "y.csv", (",".join(YEAR_HEADERS) + "\n").encode(), 422, "文件中没有数据行"),
    (
        "huge header-only csv",
        "enterprise-years",
        "y.csv",
        (",".join(YEAR_HEADERS) + "\n" + ",,,,,,,,,,,,,\n" * 150_000).encode(),
        422,
        "文件中没有数据行",
    ),
    (
        "csv beyond the row limit",
        "enterprise-years",
        "y.csv",
        (",".join(YEAR_HEADERS) + "\n" + ",,,,,,,,,,,,,\n" * 300_000).encode(),
        422,
        "文件超过 200,000 行（YUANQU_IMPORT_MAX_ROWS）",
    ),
    ("xlsx header only", "enterprise-years", "y.xlsx", xlsx_header_only(), 422, "文件中没有数据行"),
    ("binary noise as csv", "zones", "z.csv", bytes(range(256)) * 40, 422, "无法识别文件编码"),
]


@pytest.mark.parametrize(("what", "kind", "name", "data", "status", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_uploads_get_a_page_with_a_message(client_a, what, kind, name, data, status, message):
    before = counts()
    response = upload(client_a, kind, name, data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert counts() == before


def test_an_upload_without_a_kind_or_file_is_400(client_a):
    assert client_a.post(reverse("imports:import-start"), {"kind": "zones"}).status_code == 400
    assert upload(client_a, "widgets", "p.xlsx", b"x").status_code == 400


def test_a_bad_epsg_code_is_400(client_a):
    response = upload(client_a, "parcels", "p.gpkg", b"x", srid="web mercator")
    assert response.status_code == 400
    assert "坐标系应为 EPSG 代码" in response.content.decode()


def test_unknown_export_format_is_404(client_a):
    assert client_a.get(reverse("imports:export", args=["enterprises", "gpkg"])).status_code == 404
    assert client_a.get(reverse("imports:export", args=["widgets", "xlsx"])).status_code == 404


def test_the_import_page_lists_templates_and_exports(client_a):
    page = client_a.get(reverse("imports:import-start")).content.decode()
    for kind in ("zones", "enterprises", "enterprise-years", "parcels"):
        assert reverse("imports:template", args=[kind]) in page
        assert reverse("imports:export", args=[kind, "xlsx"]) in page
    assert reverse("imports:export", args=["parcels", "gpkg"]) in page


def test_anonymous_users_are_sent_to_log_in(db):
    response = Client().get(reverse("imports:import-start"))
    assert response.status_code == 302 and "/login" in response["Location"]
