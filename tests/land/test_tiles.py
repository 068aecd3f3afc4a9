"""The map's parcel layer as vector tiles: contents restricted to the user, properties, parameters, cache and
invalidation; tiles decoded by an independent decoder (mapbox-vector-tile)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import mapbox_vector_tile
import pytest
import shapely
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.land.conftest import AS_OF, not_started
from yuanqu.analytics import geo, mvt
from yuanqu.core.testing import make_enterprise, make_zone
from yuanqu.enterprises.models import EnterpriseLand
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import publish_run
from yuanqu.land import tiles
from yuanqu.land.models import Parcel
from yuanqu.land.services import save_parcel
from yuanqu.projects.models import Project

Z = 14
LON, LAT = 120.005, 31.262  # near Suzhou
TX, TY = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, Z))
URL = f"/land/map/tiles/{Z}/{TX}/{TY}.mvt"
WEST, SOUTH, EAST, NORTH = mvt.tile_bounds(Z, TX, TY)


@pytest.fixture(autouse=True)
def _tile_cache(settings):
    """A cache of the test's own: tiles of one test never reach another."""
    settings.CACHES = {
        **settings.CACHES,
        "tiles": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiles-under-test"},
    }
    caches["tiles"].clear()
    yield
    caches["tiles"].clear()


def box_at(fx0: float, fy0: float, fx1: float, fy1: float):
    """A lon/lat box at these fractions of the tile's width and height (from its south-west corner)."""
    dx, dy = EAST - WEST, NORTH - SOUTH
    return shapely.box(WEST + fx0 * dx, SOUTH + fy0 * dy, WEST + fx1 * dx, SOUTH + fy1 * dy)


@pytest.fixture
def two_zones(zone_a, zone_b):
    """In one tile: an idle parcel of zone A, one of A's sub-park, and an idle parcel of zone B."""
    sub_park = make_zone("甲园中园", code="A001-1", parent=zone_a)
    a = not_started(zone_a, "甲-XZ-101", geometry=box_at(0.1, 0.1, 0.3, 0.3), srid=4490)
    sub = not_started(sub_park, "甲园-XZ-102", geometry=box_at(0.1, 0.6, 0.3, 0.8), srid=4490)
    b = not_started(zone_b, "乙-XZ-201", geometry=box_at(0.6, 0.1, 0.8, 0.3), srid=4490)
    return a, sub, b, sub_park


def get_tile(client: Client, url: str = URL, **params):
    return client.get(url, {"as_of": AS_OF.isoformat(), **params})


def features(response) -> dict[str, dict]:
    """Decoded features by parcel code (raw tile coordinates, y down)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layer = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})["parcels"]
    assert layer["extent"] == 4096
    return {f["properties"]["code"]: f for f in layer["features"]}


def test_user_of_zone_a_gets_only_zone_a_parcels_of_a_shared_tile(client, user_a, two_zones):
    a, sub, b, _ = two_zones
    client.force_login(user_a)
    found = features(get_tile(client))
    assert sorted(found) == ["甲-XZ-101", "甲园-XZ-102"]
    assert b.code.encode() not in get_tile(client).content
    assert {f["id"] for f in found.values()} == {a.pk, sub.pk}


def test_city_user_sees_both_zones_and_the_zone_filter_narrows(client, city_admin, two_zones, zone_a, zone_b):
    client.force_login(city_admin)
    assert sorted(features(get_tile(client))) == ["乙-XZ-201", "甲-XZ-101", "甲园-XZ-102"]
    assert sorted(features(get_tile(client, zone=zone_a.pk))) == ["甲-XZ-101", "甲园-XZ-102"]  # with its sub-park
    assert sorted(features(get_tile(client, zone=zone_b.pk))) == ["乙-XZ-201"]


def test_parcel_properties_and_exact_tile_coordinates(client, user_a, two_zones, zone_a):
    a, _sub, _b, sub_park = two_zones
    client.force_login(user_a)
    found = features(get_tile(client))
    feature = found["甲-XZ-101"]
    assert feature["properties"] == {
        "id": a.pk,
        "code": "甲-XZ-101",
        "zone_id": zone_a.pk,
        "zone": "甲经济开发区",
        "status": "idle",
        "area_mu": float(a.area_mu),
        "enterprise_id": 0,
        "enterprise": "",
        "grade": "",
        "project_id": 0,
        "project": "",
        "stage": "",
    }
    assert found["甲园-XZ-102"]["properties"]["zone"] == "甲园中园"
    assert found["甲园-XZ-102"]["properties"]["zone_id"] == sub_park.pk
    # The box spans 0.1..0.3 of the tile in longitude: x from 410 to 1229 (0.1 and 0.3 of 4096, rounded).
    ring = feature["geometry"]["coordinates"][0]
    assert sorted({p[0] for p in ring}) == [410, 1229]


def test_grade_from_the_latest_published_run_and_stage_of_the_live_project(
    client, user_a, city_admin, two_zones, zone_a
):
    a, *_ = two_zones
    small = make_enterprise(zone_a, "甲小微企业")
    big = make_enterprise(zone_a, "甲大型制造有限公司")
    EnterpriseLand.objects.create(enterprise=small, parcel=a, area_mu=Decimal("2"))
    EnterpriseLand.objects.create(enterprise=big, parcel=a, area_mu=Decimal("10"))
    for year, grade, publish in ((2023, "A", True), (2024, "B", True), (2025, "D", False)):
        run = EvaluationRun.objects.create(
            method_name="亩均", method_text="", method_digest="x", year=year, input_hash="x", zone=None
        )
        EvaluationResult.objects.create(run=run, enterprise=big, zone=zone_a, grade=grade)
        if publish:
            publish_run(run=run, user=city_admin)
    live = Project.objects.create(name="甲新材料项目", zone=zone_a, parcel=a, stage="started")
    Project.objects.create(name="甲已终止项目", zone=zone_a, parcel=a, stage="dropped")  # newer, but dropped
    client.force_login(user_a)
    props = features(get_tile(client))["甲-XZ-101"]["properties"]
    assert (props["enterprise_id"], props["enterprise"]) == (big.pk, "甲大型制造有限公司")  # the larger use
    assert props["grade"] == "B"  # 2024 is the latest published run; the 2025 draft does not count
    assert (props["project_id"], props["project"], props["stage"]) == (live.pk, "甲新材料项目", "started")


def test_a_parcel_saved_with_a_start_date_is_redrawn_in_its_new_status(client, user_a, admin_a, two_zones):
    a, *_ = two_zones
    client.force_login(user_a)
    assert features(get_tile(client))["甲-XZ-101"]["properties"]["status"] == "idle"
    a.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=a, user=admin_a)
    assert features(get_tile(client))["甲-XZ-101"]["properties"]["status"] == "in_use"


def test_a_second_identical_request_is_served_from_the_cache(client, user_a, two_zones, monkeypatch):
    client.force_login(user_a)
    first = get_tile(client)
    with CaptureQueriesContext(connection) as queries:
        monkeypatch.setattr(tiles, "build_tile", lambda **kwargs: pytest.fail("the tile was built again"))
        second = get_tile(client)
    assert second.status_code == 200 and second.content == first.content
    assert not any("land_parcel" in q["sql"] for q in queries.captured_queries)
    # The browser revalidates: the same tag is "not modified".
    again = client.get(URL, {"as_of": AS_OF.isoformat()}, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_gcj02_shift_moves_each_vertex_as_geo_does(client, user_a, two_zones):
    client.force_login(user_a)
    plain = features(get_tile(client))["甲-XZ-101"]["geometry"]["coordinates"][0]
    shifted = features(get_tile(client, shift="gcj02"))["甲-XZ-101"]["geometry"]["coordinates"][0]
    # The south-west corner (smallest x, largest y in tile coordinates) of the box.
    west, south = WEST + 0.1 * (EAST - WEST), SOUTH + 0.1 * (NORTH - SOUTH)
    lon, lat = geo.wgs84_to_gcj02(west, south)
    tx, ty = mvt.lonlat_to_tile_xy(lon, lat, Z)
    expected = (round((tx - TX) * 4096), round((ty - TY) * 4096))
    assert (min(p[0] for p in shifted), max(p[1] for p in shifted)) == expected
    assert (min(p[0] for p in plain), max(p[1] for p in plain)) == (410, 3686)
    assert expected[0] - 410 > 100  # about 500 m east at this latitude: some 200 units at zoom 14


def test_empty_tile_is_no_content(client, user_a, two_zones):
    client.force_login(user_a)
    response = client.get(f"/land/map/tiles/{Z}/{TX + 5}/{TY}.mvt")
    assert response.status_code == 204 and response.content == b""


def test_below_the_minimum_zoom_a_tile_holds_no_parcels(client, city_admin, two_zones):
    client.force_login(city_admin)
    tx, ty = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, tiles.MIN_ZOOM - 1))
    assert client.get(f"/land/map/tiles/{tiles.MIN_ZOOM - 1}/{tx}/{ty}.mvt").status_code == 204
    tx, ty = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, tiles.MIN_ZOOM))
    assert len(features(client.get(f"/land/map/tiles/{tiles.MIN_ZOOM}/{tx}/{ty}.mvt", {"as_of": "2025-03-02"}))) == 3


@pytest.mark.parametrize(
    ("url", "params", "words"),
    [
        ("/land/map/tiles/3/8/0.mvt", {}, "tile 3/8/0 does not exist"),
        ("/land/map/tiles/30/0/0.mvt", {}, "zoom 30 is outside"),
        (URL, {"as_of": "2025-13-01"}, "date 2025-13-01 is invalid"),
        (URL, {"shift": "bd09"}, "shift bd09 is not supported"),
    ],
)
def test_bad_tiles_and_parameters_are_400_in_both_languages(client, user_a, two_zones, url, params, words):
    client.force_login(user_a)
    response = client.get(url, params)
    assert response.status_code == 400
    text = response.content.decode()
    assert words in text and " / " in text


def test_a_zone_of_another_user_is_400_and_shows_nothing(client, user_a, two_zones, zone_b):
    client.force_login(user_a)
    response = get_tile(client, zone=zone_b.pk)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"zone {zone_b.pk} does not exist or is not one of yours" in text and "乙-XZ-201" not in text


def test_tiles_need_a_login(db):
    assert Client().get(URL).status_code == 302


def test_parcel_without_polygon_is_left_out(client, user_a, two_zones, zone_a):
    Parcel.objects.create(zone=zone_a, code="甲-无图-1", area_mu=Decimal("3"))
    client.force_login(user_a)
    assert sorted(features(get_tile(client))) == ["甲-XZ-101", "甲园-XZ-102"]


def test_a_bulk_write_logged_by_record_many_moves_the_data_version(two_zones):
    from yuanqu.core.changelog import record_many, snapshot

    a, *_ = two_zones
    before = tiles.data_version()
    state = snapshot(a)
    Parcel.objects.filter(pk=a.pk).update(started_on=dt.date(2024, 6, 1))  # as an importer writes
    a.refresh_from_db()
    assert tiles.data_version() == before  # nothing logged yet: the version has not moved
    record_many([("update", a, state)])
    assert tiles.data_version() != before


def test_publishing_a_run_refreshes_the_grade(client, user_a, city_admin, two_zones, zone_a):
    a, *_ = two_zones
    enterprise = make_enterprise(zone_a, "甲评价企业")
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=a, area_mu=Decimal("5"))
    run = EvaluationRun.objects.create(method_name="亩均", method_text="", method_digest="x", year=2024, input_hash="x")
    EvaluationResult.objects.create(run=run, enterprise=enterprise, zone=zone_a, grade="C")
    client.force_login(user_a)
    assert features(get_tile(client))["甲-XZ-101"]["properties"]["grade"] == ""  # a draft run is not shown
    publish_run(run=run, user=city_admin)
    assert features(get_tile(client))["甲-XZ-101"]["properties"]["grade"] == "C"


def test_a_wide_parcel_reaching_in_from_the_west_is_found(client, user_a, two_zones, zone_a):
    # Its bounding box starts far west of the tile: the index band widens to the widest parcel.
    wide = shapely.box(
        WEST - 0.05, SOUTH + 0.45 * (NORTH - SOUTH), WEST + 0.05 * (EAST - WEST), SOUTH + 0.5 * (NORTH - SOUTH)
    )
    not_started(zone_a, "甲-宽-301", geometry=wide, srid=4490)
    client.force_login(user_a)
    found = features(get_tile(client))
    assert sorted(found) == ["甲-XZ-101", "甲-宽-301", "甲园-XZ-102"]
    assert min(p[0] for p in found["甲-宽-301"]["geometry"]["coordinates"][0]) == -mvt.BUFFER


def test_a_neighbouring_tile_reuses_the_properties_worked_out_for_its_block(client, user_a, two_zones, zone_a):
    # The tile to the east lies in the same zoom-12 block.
    assert (TX + 1) >> (Z - tiles.PROPERTY_BLOCK_ZOOM) == TX >> (Z - tiles.PROPERTY_BLOCK_ZOOM)
    east = shapely.box(EAST + 0.001, SOUTH + 0.001, EAST + 0.002, SOUTH + 0.002)
    not_started(zone_a, "甲-东-401", geometry=east, srid=4490)
    client.force_login(user_a)
    with CaptureQueriesContext(connection) as queries:
        assert sorted(features(get_tile(client))) == ["甲-XZ-101", "甲园-XZ-102"]
    assert any("enterprises_enterpriseland" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        found = features(get_tile(client, f"/land/map/tiles/{Z}/{TX + 1}/{TY}.mvt"))
    assert sorted(found) == ["甲-东-401"] and found["甲-东-401"]["properties"]["status"] == "idle"
    assert not any("enterprises_enterpriseland" in q["sql"] for q in queries.captured_queries)


def test_the_tile_file_cache_culls_on_one_write_in_a_hundred(tmp_path, monkeypatch):
    import random

    from yuanqu.land.cache import TileFileCache

    cache = TileFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}})
    monkeypatch.setattr(random, "random", lambda: 0.5)  # 0.5 * 100 ≥ 1: no culling
    for i in range(10):
        cache.set(f"tile{i}", b"x")
    assert len(list(tmp_path.glob("*.djcache"))) == 10
    monkeypatch.setattr(random, "random", lambda: 0.001)  # this write culls: half of the 10, then writes
    cache.set("tile10", b"x")
    assert len(list(tmp_path.glob("*.djcache"))) == 6
    assert cache.get("tile10") == b"x"
