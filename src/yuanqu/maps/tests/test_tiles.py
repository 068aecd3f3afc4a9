"""The map's parcel layer as vector tiles: contents restricted to the user, properties, parameters, cache and
invalidation; tiles decoded by an independent decoder (mapbox-vector-tile)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import mapbox_vector_tile
import pytest
import shapely
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yuanqu.analytics import geo, mvt
from yuanqu.core.access import zone_scope
from yuanqu.core.changelog import data_version
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.enterprises.services import save_enterprise, save_enterprise_year
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import publish_run
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import save_enterprise_land, save_parcel, save_rules
from yuanqu.land.tests.conftest import AS_OF, not_started
from yuanqu.maps import tiles
from yuanqu.maps.models import ParcelTileRow
from yuanqu.projects.models import Project
from yuanqu.zones.testing import make_zone

Z = 14
LON, LAT = 120.005, 31.262  # near Suzhou
TX, TY = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, Z))
URL = f"/map/tiles/{Z}/{TX}/{TY}.mvt"
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


def get_tile(client: Client, url: str = URL, *, headers=None, **params):
    return client.get(url, {"as_of": AS_OF.isoformat(), **params}, headers=headers)


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
    assert not any('"land_parcel"' in q["sql"] for q in queries.captured_queries)  # no parcel read
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
    response = client.get(f"/map/tiles/{Z}/{TX + 5}/{TY}.mvt")
    assert response.status_code == 204 and response.content == b""


def test_below_the_minimum_zoom_a_tile_holds_no_parcels(client, city_admin, two_zones):
    client.force_login(city_admin)
    tx, ty = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, tiles.MIN_ZOOM - 1))
    assert client.get(f"/map/tiles/{tiles.MIN_ZOOM - 1}/{tx}/{ty}.mvt").status_code == 204
    tx, ty = (int(v) for v in mvt.lonlat_to_tile_xy(LON, LAT, tiles.MIN_ZOOM))
    assert len(features(client.get(f"/map/tiles/{tiles.MIN_ZOOM}/{tx}/{ty}.mvt", {"as_of": "2025-03-02"}))) == 3


@pytest.mark.parametrize(
    ("url", "params", "words"),
    [
        ("/map/tiles/3/8/0.mvt", {}, "tile 3/8/0 does not exist"),
        ("/map/tiles/30/0/0.mvt", {}, "zoom 30 is outside"),
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
    before = data_version()
    state = snapshot(a)
    Parcel.objects.filter(pk=a.pk).update(started_on=dt.date(2024, 6, 1))  # as an importer writes
    a.refresh_from_db()
    assert data_version() == before  # nothing logged yet: the version has not moved
    record_many([("update", a, state)])
    assert data_version() != before


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


def test_a_tall_parcel_reaching_in_from_the_south_is_found(client, user_a, two_zones, zone_a):
    # Its southern edge lies some latitude bands below the tile: the bands looked up reach down to it.
    tall = shapely.box(
        WEST + 0.45 * (EAST - WEST), SOUTH - 0.05, WEST + 0.5 * (EAST - WEST), SOUTH + 0.05 * (NORTH - SOUTH)
    )
    parcel = not_started(zone_a, "甲-长-302", geometry=tall, srid=4490)
    assert parcel.lat_band == math.floor((SOUTH - 0.05) / 0.01) < math.floor(SOUTH / 0.01) - 4
    client.force_login(user_a)
    found = features(get_tile(client))
    assert sorted(found) == ["甲-XZ-101", "甲-长-302", "甲园-XZ-102"]
    assert max(p[1] for p in found["甲-长-302"]["geometry"]["coordinates"][0]) == mvt.EXTENT + mvt.BUFFER


def test_a_neighbouring_tile_reuses_the_properties_worked_out_for_its_block(
    client, user_a, two_zones, zone_a, monkeypatch
):
    monkeypatch.setattr(tiles, "DIRECT_MAX", 0)  # as for a tile of many parcels without rows
    # The tile to the east lies in the same zoom-12 block.
    assert (TX + 1) >> (Z - tiles.PROPERTY_BLOCK_ZOOM) == TX >> (Z - tiles.PROPERTY_BLOCK_ZOOM)
    east = shapely.box(EAST + 0.001, SOUTH + 0.001, EAST + 0.002, SOUTH + 0.002)
    not_started(zone_a, "甲-东-401", geometry=east, srid=4490)
    client.force_login(user_a)
    with CaptureQueriesContext(connection) as queries:
        assert sorted(features(get_tile(client))) == ["甲-XZ-101", "甲园-XZ-102"]
    assert any("land_enterpriseland" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        found = features(get_tile(client, f"/map/tiles/{Z}/{TX + 1}/{TY}.mvt"))
    assert sorted(found) == ["甲-东-401"] and found["甲-东-401"]["properties"]["status"] == "idle"
    assert not any("land_enterpriseland" in q["sql"] for q in queries.captured_queries)


def test_the_tile_file_cache_culls_on_one_write_in_a_hundred(tmp_path, monkeypatch):
    import random

    from yuanqu.maps.cache import TileFileCache

    cache = TileFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}})
    monkeypatch.setattr(random, "random", lambda: 0.5)  # 0.5 * 100 ≥ 1: no culling
    for i in range(10):
        cache.set(f"tile{i}", b"x")
    assert len(list(tmp_path.glob("*.djcache"))) == 10
    monkeypatch.setattr(random, "random", lambda: 0.001)  # this write culls: half of the 10, then writes
    cache.set("tile10", b"x")
    assert len(list(tmp_path.glob("*.djcache"))) == 6
    assert cache.get("tile10") == b"x"


# --- the stored tile rows (ParcelTileRow) and what drops them ---------------------------------------------


def props_of(client, code: str, **params) -> dict:
    return features(get_tile(client, **params))[code]["properties"]


def stored_rows() -> dict[int, int]:
    """Parcel id → id of its stored tile row."""
    return dict(ParcelTileRow.objects.values_list("parcel_id", "pk"))


def test_a_tile_is_built_from_the_stored_rows_without_classifying_again(client, user_a, two_zones):
    a, sub, _b, _ = two_zones
    client.force_login(user_a)
    first = get_tile(client)
    assert sorted(stored_rows()) == sorted([a.pk, sub.pk])  # zone A's scope: B's parcel is not worked out
    caches["tiles"].clear()
    with CaptureQueriesContext(connection) as queries:
        again = get_tile(client)
    assert again.content == first.content
    assert not any("land_enterpriseland" in q["sql"] for q in queries.captured_queries)


def test_a_new_use_of_the_parcel_by_an_enterprise_is_shown(client, user_a, admin_a, two_zones, zone_a):
    a, *_ = two_zones
    client.force_login(user_a)
    assert props_of(client, "甲-XZ-101")["enterprise"] == ""
    enterprise = make_enterprise(zone_a, "甲新入驻企业")
    save_enterprise_land(
        enterprise_land=EnterpriseLand(enterprise=enterprise, parcel=a, area_mu=Decimal("4")), user=admin_a
    )
    props = props_of(client, "甲-XZ-101")
    assert (props["enterprise_id"], props["enterprise"]) == (enterprise.pk, "甲新入驻企业")
    enterprise.name = "甲新入驻企业（更名）"
    save_enterprise(enterprise=enterprise, user=admin_a)
    assert props_of(client, "甲-XZ-101")["enterprise"] == "甲新入驻企业（更名）"


def test_a_project_moving_to_another_stage_is_redrawn(client, user_a, admin_a, two_zones, zone_a):
    a, *_ = two_zones
    project = Project.objects.create(name="甲新材料项目", zone=zone_a, parcel=a, stage="lead")
    client.force_login(user_a)
    assert props_of(client, "甲-XZ-101")["stage"] == "lead"
    project.stage = "started"
    project.save()  # a tracked save: logged by the signals
    assert props_of(client, "甲-XZ-101")["stage"] == "started"
    project.parcel = None  # moved off the parcel: the old parcel's row is dropped too
    project.save()
    assert props_of(client, "甲-XZ-101")["project"] == ""


def test_a_change_elsewhere_keeps_the_rows_of_other_parcels(client, user_a, admin_a, two_zones, zone_a):
    a, sub, *_ = two_zones
    far = not_started(zone_a, "甲-远-501", geometry=shapely.box(121.5, 31.0, 121.501, 31.001), srid=4490)
    client.force_login(user_a)
    get_tile(client)
    kept = stored_rows()
    far.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=far, user=admin_a)
    with CaptureQueriesContext(connection) as queries:
        assert props_of(client, "甲-XZ-101")["status"] == "idle"  # a new data version: the tile is built again
    assert stored_rows() == kept  # from the same rows
    assert not any("land_enterpriseland" in q["sql"] for q in queries.captured_queries)
    a.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=a, user=admin_a)
    assert props_of(client, "甲-XZ-101")["status"] == "in_use"
    rows = stored_rows()
    assert rows[sub.pk] == kept[sub.pk] and rows[a.pk] != kept[a.pk]  # only the saved parcel's row is new


def test_new_yearly_figures_drop_the_rows_of_the_enterprise_parcels(two_zones, zone_a, admin_a):
    from yuanqu.core.models import ChangeLogEntry

    _a, sub, *_ = two_zones
    enterprise = make_enterprise(zone_a, "甲纳税企业")
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=sub, area_mu=Decimal("3"))
    newest = ChangeLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    save_enterprise_year(
        enterprise_year=EnterpriseYear(enterprise=enterprise, year=2024, tax=Decimal("90")), user=admin_a
    )
    assert tiles.touched_parcels(ChangeLogEntry.objects.filter(id__gt=newest)) == tiles.Touched(
        parcels={sub.pk}, enterprises={enterprise.pk}
    )


def test_new_rules_or_a_large_import_drop_every_row(client, user_a, city_admin, two_zones, monkeypatch):
    client.force_login(user_a)
    get_tile(client)
    before = stored_rows()
    assert len(before) == 2
    save_rules(rules={"idle_fee_share": 0.3}, user=city_admin)
    get_tile(client)  # worked out again after the rules changed: every row is new
    rows = stored_rows()
    assert sorted(rows) == sorted(before) and not set(rows.values()) & set(before.values())
    monkeypatch.setattr(tiles, "SYNC_MAX_ENTRIES", 0)
    a, *_ = two_zones
    a.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=a, user=city_admin)  # one entry, more than SYNC_MAX_ENTRIES
    tiles.sync_tile_rows(data_version())
    assert stored_rows() == {}


def test_rows_are_kept_for_the_three_latest_dates(client, user_a, two_zones):
    client.force_login(user_a)
    for day in ("2025-03-01", "2025-03-02", "2025-03-03", "2025-02-01", "2025-03-04"):
        assert get_tile(client, as_of=day).status_code == 200
    dates = sorted({d.isoformat() for d in ParcelTileRow.objects.values_list("as_of", flat=True)})
    assert dates == ["2025-03-02", "2025-03-03", "2025-03-04"]  # 2025-02-01 dropped 03-01, then went itself
    assert ParcelTileRow.objects.count() == 6


def test_a_locked_database_still_serves_the_tile_without_storing_rows(client, user_a, two_zones, monkeypatch):
    from django.db import OperationalError

    def locked(version):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tiles, "sync_tile_rows", locked)
    client.force_login(user_a)
    assert props_of(client, "甲-XZ-101")["status"] == "idle"
    assert stored_rows() == {}


def test_the_admin_list_of_tile_rows_shows_a_staff_zone_admin_only_zone_a(client, city_admin, two_zones, zone_a):
    from yuanqu.accounts.testing import make_user
    from yuanqu.core.access import Role

    client.force_login(city_admin)
    get_tile(client)  # rows of every parcel in the tile (scope "all")
    assert len(stored_rows()) == 3
    client.force_login(make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True))
    response = client.get("/admin/maps/parceltilerow/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲-XZ-101" in html and "甲园-XZ-102" in html and "乙-XZ-201" not in html


# --- cached tiles are invalidated per block (TileBlock) ----------------------------------------------------


def not_built_again(monkeypatch):
    monkeypatch.setattr(tiles, "build_tile", lambda **kwargs: pytest.fail("the tile was built again"))


def test_an_edit_in_another_block_keeps_the_cached_tile(client, user_a, admin_a, two_zones, zone_a, monkeypatch):
    a, *_ = two_zones
    far = not_started(zone_a, "甲-远-501", geometry=shapely.box(121.5, 31.0, 121.501, 31.001), srid=4490)
    client.force_login(user_a)
    first = get_tile(client)
    far.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=far, user=admin_a)  # a new data version, in a block ~150 km away
    build = tiles.build_tile
    not_built_again(monkeypatch)
    again = get_tile(client)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    # The far parcel's own tile shows its new status.
    monkeypatch.setattr(tiles, "build_tile", build)
    fx, fy = (int(v) for v in mvt.lonlat_to_tile_xy(121.5005, 31.0005, Z))
    far_tile = features(get_tile(client, f"/map/tiles/{Z}/{fx}/{fy}.mvt"))
    assert far_tile["甲-远-501"]["properties"]["status"] == "in_use"
    # An edit of a parcel of this tile's block: the tile is built again, with the new status, under a new tag.
    a.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=a, user=admin_a)
    changed = get_tile(client)
    assert changed["ETag"] != first["ETag"]
    assert features(changed)["甲-XZ-101"]["properties"]["status"] == "in_use"


def test_a_change_to_nothing_on_the_map_keeps_every_tile(client, user_a, admin_a, two_zones, zone_a, monkeypatch):
    client.force_login(user_a)
    first = get_tile(client)
    enterprise = make_enterprise(zone_a, "甲无地企业")  # logged, but holds no land
    enterprise.name = "甲无地企业（更名）"
    save_enterprise(enterprise=enterprise, user=admin_a)
    not_built_again(monkeypatch)
    assert get_tile(client).content == first.content


def test_a_parcel_moved_away_leaves_the_tile_of_its_old_place(client, user_a, admin_a, two_zones):
    a, *_ = two_zones
    client.force_login(user_a)
    assert "甲-XZ-101" in features(get_tile(client))
    save_parcel(parcel=a, user=admin_a, geometry=shapely.box(121.5, 31.0, 121.501, 31.001), srid=4490)
    assert "甲-XZ-101" not in features(get_tile(client))  # its old block was not stamped: a new epoch


def test_a_parcel_near_the_edge_of_its_block_stamps_the_neighbouring_block_too(two_zones, zone_a, admin_a):
    from yuanqu.maps.models import TileBlock

    bx, by = TX >> (Z - tiles.PROPERTY_BLOCK_ZOOM), TY >> (Z - tiles.PROPERTY_BLOCK_ZOOM)
    _w, south, east, north = mvt.tile_bounds(tiles.PROPERTY_BLOCK_ZOOM, bx, by)
    mid = (south + north) / 2
    inside = not_started(
        zone_a, "甲-边-601", geometry=shapely.box(east - 0.003, mid, east - 0.002, mid + 0.001), srid=4490
    )
    tiles.sync_tile_rows(data_version())
    inside.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=inside, user=admin_a)
    entry, _epoch = tiles.sync_tile_rows(data_version())
    # 0.002° from the east edge: within the GCJ-02 margin of the block to the east, not of any other.
    assert set(TileBlock.objects.filter(entry=entry).values_list("x", "y")) == {(bx, by), (bx + 1, by)}


def test_the_migration_gives_parcels_stored_before_it_their_latitude_band(two_zones):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("yuanqu.land.migrations.0006_parcel_lat_band")
    Parcel.objects.update(lat_band=None)
    migration.fill_lat_bands(apps, None)
    bands = dict(Parcel.objects.values_list("code", "lat_band"))
    assert bands == {p.code: math.floor(p.min_lat / 0.01) for p in two_zones[:3]}


# --- the rows worked out again after a change that dropped them all ---------------------------------------


def test_after_new_rules_the_rows_of_the_scopes_used_lately_are_worked_out_again(client, user_a, city_admin, two_zones):
    from yuanqu.maps.models import TileScope

    a, sub, _b, _ = two_zones
    client.force_login(user_a)
    assert props_of(client, "甲-XZ-101")["status"] == "idle"
    assert list(TileScope.objects.values_list("scope", "as_of", "user")) == [(zone_scope(user_a), AS_OF, user_a.pk)]
    save_rules(rules={"idle_fee_share": 0.3}, user=city_admin)
    tiles.sync_tile_rows(data_version())
    assert stored_rows() == {}
    done = tiles.warm_tile_rows()
    assert (done.scopes, done.parcels, done.finished) == (1, 2, True)
    assert sorted(stored_rows()) == sorted([a.pk, sub.pk])  # zone A's scope: B's parcel is not worked out
    with CaptureQueriesContext(connection) as queries:
        assert props_of(client, "甲-XZ-101")["status"] == "idle"
    assert not any("land_enterpriseland" in q["sql"] for q in queries.captured_queries)


def test_a_user_whose_zones_changed_no_longer_stands_for_the_scope(client, user_a, city_admin, two_zones, zone_b):
    client.force_login(user_a)
    get_tile(client)
    save_rules(rules={"idle_fee_share": 0.3}, user=city_admin)
    user_a.zones.add(zone_b)
    done = tiles.warm_tile_rows()
    assert (done.scopes, done.parcels) == (0, 0) and stored_rows() == {}


def test_the_sync_that_drops_every_row_queues_the_warmup_job(
    client, user_a, city_admin, two_zones, settings, django_capture_on_commit_callbacks
):
    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import execute

    client.force_login(user_a)
    get_tile(client)
    settings.YUANQU_TILE_WARMUP = True
    save_rules(rules={"idle_fee_share": 0.3}, user=city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        tiles.sync_tile_rows(data_version())
    save_rules(rules={"idle_fee_share": 0.4}, user=city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        tiles.sync_tile_rows(data_version())  # a second change while one is queued queues nothing more
    job = Job.objects.get()
    assert (job.kind, job.state, job.serial_key) == ("map-warm-up", "queued", "map-warm-up:*")
    assert stored_rows() == {}
    assert execute(job.pk) == "succeeded"  # what a worker does
    job.refresh_from_db()
    assert job.result == {"scopes": 1, "blocks": 1, "parcels": 2} and len(stored_rows()) == 2
    # An ordinary edit drops one row and queues nothing.
    a, *_ = two_zones
    a.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=a, user=city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        tiles.sync_tile_rows(data_version())
    assert Job.objects.count() == 1 and len(stored_rows()) == 1


def test_warm_tiles_command_says_what_it_did(
    client, user_a, city_admin, two_zones, capsys, settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from yuanqu.core.jobs.models import Job

    client.force_login(user_a)
    get_tile(client)
    save_rules(rules={"idle_fee_share": 0.3}, user=city_admin)  # every row goes at the command's sync
    settings.YUANQU_TILE_WARMUP = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("map", "warm-tiles")
    out = capsys.readouterr().out
    assert "已计算 1 个范围、1 个区块、2 宗地块" in out and "worked out 1 scopes, 1 blocks, 2 parcels" in out
    assert not Job.objects.exists()  # the command did the work itself: no second warm-up queued


def test_a_renamed_zone_is_redrawn_everywhere_from_the_same_rows(client, user_a, two_zones, zone_a):
    client.force_login(user_a)
    assert props_of(client, "甲-XZ-101")["zone"] == "甲经济开发区"
    kept = stored_rows()
    zone_a.short_name = "甲开发区"
    zone_a.save()  # a tracked save: logged by the signals
    assert props_of(client, "甲-XZ-101")["zone"] == "甲开发区"
    assert stored_rows() == kept


def test_a_client_that_accepts_gzip_gets_the_tile_compressed(client, user_a, two_zones):
    import gzip

    client.force_login(user_a)
    for cached in (False, True):  # built for this request, then from the cache
        if not cached:
            caches["tiles"].clear()
        packed = get_tile(client, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
        plain = get_tile(client)
        assert not plain.has_header("Content-Encoding")
        assert gzip.decompress(packed.content) == plain.content and len(packed.content) < len(plain.content)
        assert sorted(features(plain)) == ["甲-XZ-101", "甲园-XZ-102"]
    refused = get_tile(client, headers={"Accept-Encoding": "gzip;q=0, deflate"})
    assert not refused.has_header("Content-Encoding") and refused.content == plain.content
