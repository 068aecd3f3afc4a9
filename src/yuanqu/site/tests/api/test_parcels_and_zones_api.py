"""Parcels and zones through the API: GeoJSON in and out, CRS handling, area in mu, refusals."""

from __future__ import annotations

from decimal import Decimal

import pyproj
import pytest
import shapely
import shapely.geometry

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.testing import make_parcel, square
from yuanqu.zones.models import Zone

from .conftest import token_client

# An irregular quadrilateral of a few hectares near Suzhou, CGCS2000 longitude/latitude.
POLYGON_LONLAT = {
    "type": "Polygon",
    "coordinates": [
        [[120.6012, 31.3021], [120.6051, 31.3018], [120.6063, 31.3049], [120.6009, 31.3055], [120.6012, 31.3021]]
    ],
}


@pytest.fixture
def staff(zone_a):
    return make_user("staff_gis", Role.ZONE_STAFF, zones=[zone_a])


def independent_area_mu(geojson: dict) -> float:
    """Area by projecting to CGCS2000 / 3-degree GK CM 120E (EPSG:4549) and measuring in the plane."""
    to_gk = pyproj.Transformer.from_crs("EPSG:4490", "EPSG:4549", always_xy=True)
    ring = geojson["coordinates"][0]
    projected = shapely.Polygon([to_gk.transform(lon, lat) for lon, lat in ring])
    return projected.area / (10000 / 15)


def test_parcel_posted_in_lonlat_gets_its_true_area_in_mu(zone_a, staff):
    response = token_client(staff).post(
        "/api/parcels/",
        {"zone": zone_a.pk, "code": "JA-100", "land_use": "industrial", "geometry": POLYGON_LONLAT},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    expected = independent_area_mu(POLYGON_LONLAT)
    assert 100 < expected < 300  # a few hectares, as drawn
    assert float(body["area_mu"]) == pytest.approx(expected, rel=2e-4)
    assert body["source_srid"] == 4490
    assert body["geometry"]["type"] == "Polygon"
    assert body["geometry"]["coordinates"][0][0] == [120.6012, 31.3021]
    assert body["bbox"] == [120.6009, 31.3018, 120.6063, 31.3055]


def test_parcel_posted_in_gauss_kruger_comes_back_in_lonlat_with_exact_area(zone_a, staff):
    square_gk = shapely.geometry.mapping(square(520000, 3465000, 100))  # 100 m × 100 m = 15 mu
    response = token_client(staff).post(
        "/api/parcels/", {"zone": zone_a.pk, "code": "JA-101", "geometry": square_gk, "srid": 4549}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area_mu"] == "15.0000"
    assert body["source_srid"] == 4549
    lon, lat = body["geometry"]["coordinates"][0][0]
    assert 120.2 < lon < 120.3
    assert 31.3 < lat < 31.4
    assert "srid" not in body


def test_projected_coordinates_without_srid_are_refused(zone_a, staff):
    square_gk = shapely.geometry.mapping(square(40520000, 3465000, 100))
    response = token_client(staff).post(
        "/api/parcels/", {"zone": zone_a.pk, "code": "JA-102", "geometry": square_gk}, format="json"
    )
    assert response.status_code == 400
    (message,) = response.json()["geometry"]
    assert "EPSG:4528" in message  # 3-degree zone 40, easting prefixed with the zone number
    assert "give srid" in message
    assert not Parcel.objects.exists()


@pytest.mark.parametrize(
    ("geometry", "srid", "field", "words"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [[[120.60, 31.30], [120.61, 31.31], [120.61, 31.30], [120.60, 31.31], [120.60, 31.30]]],
            },
            None,
            "geometry",
            "Self-intersection",
        ),
        ({"type": "Point", "coordinates": [120.6, 31.3]}, None, "geometry", "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": "nonsense"}, None, "geometry", "cannot read"),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", None, "geometry", "GeoJSON"),
        (POLYGON_LONLAT, 3857, "srid", "unsupported CRS"),
    ],
    ids=["bow-tie", "point", "garbage coordinates", "WKT instead of GeoJSON", "web mercator"],
)
def test_bad_geometry_is_400_with_reason(zone_a, staff, geometry, srid, field, words):
    payload = {"zone": zone_a.pk, "code": "JA-103", "geometry": geometry}
    if srid:
        payload["srid"] = srid
    response = token_client(staff).post("/api/parcels/", payload, format="json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])


def test_srid_without_geometry_is_400(zone_a, staff):
    parcel = make_parcel(zone_a, "JA-104")
    response = token_client(staff).patch(f"/api/parcels/{parcel.pk}/", {"srid": 4549}, format="json")
    assert response.status_code == 400
    assert "srid" in response.json()


def test_patching_figures_keeps_the_polygon_and_null_clears_it(zone_a, staff):
    parcel = make_parcel(zone_a, "JA-105")
    client = token_client(staff)
    response = client.patch(f"/api/parcels/{parcel.pk}/", {"land_price": "1234.5"}, format="json")
    assert response.json()["area_mu"] == "15.0000"
    assert response.json()["geometry"] is not None
    parcel.refresh_from_db()
    assert parcel.land_price == Decimal("1234.5")
    response = client.patch(f"/api/parcels/{parcel.pk}/", {"geometry": None}, format="json")
    assert response.status_code == 200
    assert response.json()["geometry"] is None
    parcel.refresh_from_db()
    assert parcel.geometry is None and parcel.source_srid is None


def test_duplicate_parcel_code_in_zone_is_400(zone_a, staff):
    make_parcel(zone_a, "JA-106")
    response = token_client(staff).post("/api/parcels/", {"zone": zone_a.pk, "code": "JA-106"}, format="json")
    assert response.status_code == 400
    assert Parcel.objects.filter(code="JA-106").count() == 1


def test_deleting_parcel_in_use_is_409_and_keeps_it(zone_a, staff, enterprise_a):
    parcel = make_parcel(zone_a, "JA-107")
    EnterpriseLand.objects.create(enterprise=enterprise_a, parcel=parcel, area_mu=Decimal("5"))
    response = token_client(staff).delete(f"/api/parcels/{parcel.pk}/")
    assert response.status_code == 409
    assert "cannot delete" in response.json()["detail"]
    assert Parcel.objects.filter(pk=parcel.pk).exists()


def test_city_admin_creates_zone_with_boundary_in_lonlat(db):
    admin = make_user("city_gis", Role.CITY_ADMIN)
    response = token_client(admin).post(
        "/api/zones/",
        {"name": "丙综合保税区", "code": "C001", "level": "national", "kind": "bonded", "boundary": POLYGON_LONLAT},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["boundary"]["coordinates"] == POLYGON_LONLAT["coordinates"]
    zone = Zone.objects.get(code="C001")
    assert shapely.from_wkb(bytes(zone.boundary)).equals(shapely.geometry.shape(POLYGON_LONLAT))


def test_zone_staff_cannot_create_a_top_level_zone(zone_a, staff):
    response = token_client(staff).post("/api/zones/", {"name": "自设园区"}, format="json")
    assert response.status_code == 403
    assert "city administrator" in response.json()["detail"]
    assert not Zone.objects.filter(name="自设园区").exists()


def test_zone_filters(zone_a, zone_b, staff):
    admin = make_user("city_filters", Role.CITY_ADMIN)
    sub = Zone.objects.create(name="甲分园", parent=zone_a, level="other", kind="other")
    client = token_client(admin)
    assert [z["name"] for z in client.get("/api/zones/", {"parent": zone_a.pk}).json()["results"]] == [sub.name]
    assert {z["id"] for z in client.get("/api/zones/", {"top_level": "true"}).json()["results"]} == {
        zone_a.pk,
        zone_b.pk,
    }
    assert [z["id"] for z in client.get("/api/zones/", {"level": "national"}).json()["results"]] == [zone_b.pk]
    assert [z["id"] for z in client.get("/api/zones/", {"kind": "provincial_dz"}).json()["results"]] == [zone_a.pk]
