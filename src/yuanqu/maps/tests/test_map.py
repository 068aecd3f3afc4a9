"""The one map: its page and its GeoJSON parcel layer, coloured by land status and restricted to the user."""

from __future__ import annotations

import pytest
import shapely
from django.test import Client

from yuanqu.land.tests.conftest import AS_OF
from yuanqu.zones.testing import make_zone


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_map_layer_holds_the_users_parcels_with_their_status(client_a, land_world):
    response = client_a.get("/map/parcels.geojson", {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    data = response.json()
    by_code = {f["properties"]["code"]: f for f in data["features"]}
    assert sorted(by_code) == ["甲-PH-004", "甲-XZ-001", "甲-YJ-003", "甲-ZF-002"]
    idle = by_code["甲-XZ-001"]
    assert idle["properties"]["status"] == "idle"
    assert idle["properties"]["label"] == "闲置"
    assert idle["properties"]["colour"] == "#b3261e"
    assert idle["properties"]["url"] == f"/land/parcels/{land_world.idle.pk}/"
    assert idle["geometry"]["type"] == "Polygon"
    lon, lat = idle["geometry"]["coordinates"][0][0]
    assert 119 < lon < 122 and 30 < lat < 32  # EPSG:4490 lon/lat near Suzhou, not Gauss-Krüger metres
    minx, miny, maxx, maxy = data["bbox"]
    assert (minx < lon <= maxx and miny < lat <= maxy) or (minx <= lon and miny <= lat)


def test_map_layer_of_zone_b_is_refused(client_a, land_world, zone_b):
    response = client_a.get("/map/parcels.geojson", {"zone": zone_b.pk})
    assert response.status_code == 400
    assert "乙-XZ-001" not in response.content.decode()


def test_map_page_has_no_base_map_and_points_at_its_layer(client_a, land_world):
    response = client_a.get("/map/", {"as_of": AS_OF.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert '"tiles_url": "/map/tiles/{z}/{x}/{y}.mvt?as_of=2025-03-02"' in html
    assert "maps/map.js" in html and "maplibre-gl.js" in html
    assert "闲置" in html  # the legend
    body = html.split("<body")[1].replace("http://www.w3.org", "")
    assert "tianditu" not in html.lower() and "http://" not in body and "https://" not in body


def test_map_layer_needs_a_login(db):
    assert Client().get("/map/parcels.geojson").status_code == 302


def test_zone_boundaries_layer_holds_only_the_users_zones(client_a, zone_a, zone_b):
    box = shapely.to_wkb(shapely.box(120.5, 31.2, 120.6, 31.3))
    for zone in (zone_a, zone_b):
        zone.boundary = box
        zone.save()
    make_zone("甲经济开发区光电产业园", code="A001-S", parent=zone_a, boundary=box)
    data = client_a.get("/map/zones.geojson").json()
    assert sorted((f["properties"]["name"], f["properties"]["sub_park"]) for f in data["features"]) == [
        ("甲经济开发区", False),
        ("甲经济开发区光电产业园", True),
    ]
    assert client_a.get("/map/zones.geojson", {"zone": zone_b.pk}).status_code == 400
