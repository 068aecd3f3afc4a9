"""Parcels by land status as a GeoPackage or GeoJSON layer, from the ledger page and the command line, read back
with pyogrio."""

from __future__ import annotations

import datetime as dt

import pyogrio
import pytest
import shapely
from django.core.management import CommandError, call_command
from django.test import Client

from yuanqu.land.models import Parcel
from yuanqu.land.tests.conftest import AS_OF


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


@pytest.fixture
def without_polygon(zone_a) -> Parcel:
    return Parcel.objects.create(zone=zone_a, code="甲-PG-005", approved_on=dt.date(2024, 6, 1))


def read(path) -> dict[str, dict]:
    """Each feature's attributes and shapely geometry (None when null), by parcel code."""
    meta, _fids, geometries, fields = pyogrio.raw.read(path)
    rows = {}
    for index, wkb in enumerate(geometries):
        # GeoJSON readers see ISO dates as dates: compare them as text, as the GeoPackage stores them.
        row = {
            name: str(column[index]) if name in ("status_since", "as_of") else column[index]
            for name, column in zip(meta["fields"], fields, strict=True)
        }
        row["geometry"] = shapely.from_wkb(wkb) if wkb is not None else None
        rows[row["code"]] = row
    return rows


def download(client, tmp_path, **params):
    response = client.get("/land/ledger/export/layer/", {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    target = tmp_path / name
    target.write_bytes(b"".join(response.streaming_content))
    return target


def test_idle_parcels_as_geojson_with_status_reason_and_since(client_a, land_world, tmp_path):
    path = download(client_a, tmp_path, status="idle", format="geojson")
    assert path.name == "yuanqu-land-status-idle-2025-03-02.geojson"
    rows = read(path)
    assert sorted(rows) == ["甲-XZ-001"]
    idle = rows["甲-XZ-001"]
    assert (idle["status"], idle["status_label"], idle["status_label_en"]) == ("idle", "闲置", "Idle")
    assert idle["status_since"] == "2025-03-02"  # one full year after the agreed start of 2024-03-01
    assert idle["as_of"] == "2025-03-02"
    assert "2024-03-01" in idle["reason"]
    assert idle["area_mu"] == pytest.approx(15.0, abs=1e-3)
    assert idle["geometry"].geom_type == "Polygon"
    assert 120 < idle["geometry"].centroid.x < 121


def test_all_parcels_as_geopackage_keep_the_one_without_a_polygon(client_a, land_world, without_polygon, tmp_path):
    path = download(client_a, tmp_path, format="gpkg")
    assert pyogrio.list_layers(path).tolist() == [["land_status", "Polygon"]]
    rows = read(path)
    assert sorted(rows) == ["甲-PG-005", "甲-PH-004", "甲-XZ-001", "甲-YJ-003", "甲-ZF-002"]  # nothing of zone B
    assert rows["甲-PG-005"]["geometry"] is None
    assert rows["甲-PG-005"]["status"] == "approved_unsupplied"
    assert rows["甲-PH-004"]["status_label"] == "已盘活"
    assert rows["甲-PH-004"]["status_since"] == "2024-11-20"


def test_the_geojson_keeps_a_parcel_without_a_polygon_as_null_geometry(client_a, land_world, without_polygon, tmp_path):
    path = download(client_a, tmp_path, status="approved_unsupplied", format="geojson")
    rows = read(path)
    assert list(rows) == ["甲-PG-005"]
    assert rows["甲-PG-005"]["geometry"] is None


def test_a_made_up_status_or_format_is_a_400_naming_the_field(client_a, land_world):
    response = client_a.get("/land/ledger/export/layer/", {"status": "vacant", "format": "shp"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "土地状态" in html and "vacant" in html and "格式" in html


def test_command_writes_the_layer_and_refuses_bad_input(land_world, tmp_path, capsys):
    target = tmp_path / "idle.gpkg"
    call_command("land", "layer", "--as-of", AS_OF.isoformat(), "--status", "idle", "--out", str(target))
    assert sorted(read(target)) == ["乙-XZ-001", "甲-XZ-001"]  # the system sees every zone
    assert "wrote 2 parcels as of 2025-03-02 to idle.gpkg (0 without a polygon)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unknown land status: vacant"):
        call_command("land", "layer", "--as-of", AS_OF.isoformat(), "--status", "vacant", "--out", str(target))
    with pytest.raises(CommandError, match=r"must be a \.gpkg or \.geojson file"):
        call_command("land", "layer", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "idle.shp"))


def test_ledger_page_offers_the_layer_export_for_its_zone_and_date(client_a, land_world, zone_a):
    html = client_a.get("/land/ledger/", {"as_of": AS_OF.isoformat(), "zone": zone_a.pk}).content.decode()
    form = html.split('id="status-layer-form"')[1].split("</form>")[0]
    assert 'name="as_of" value="2025-03-02"' in form and f'name="zone" value="{zone_a.pk}"' in form
    assert '<option value="idle">闲置</option>' in form and '<option value="geojson">GeoJSON</option>' in form
