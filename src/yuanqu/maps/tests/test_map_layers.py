"""The one map's other layers and tools: the registered points layers (enterprises, projects), the search, the
base map with its GCJ-02 display shift, the page's configuration (tiles, colourings, legends) and the base map
pages."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import shapely
from django.test import Client

from yuanqu.analytics import geo
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel, square
from yuanqu.land.tests.conftest import AS_OF
from yuanqu.maps.models import BaseMap
from yuanqu.maps.selectors import active_base_map
from yuanqu.maps.services import save_base_map
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project

GCJ02_TILES = "https://webrd01.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


@pytest.fixture
def located(zone_a, zone_b):
    """In zone A an enterprise on a small and a large parcel, a project on a parcel and one without; in zone B
    an enterprise and a project on a parcel."""
    small = make_parcel(zone_a, "甲-GY-101", geometry=square(500000, 3460000, 50))
    large = make_parcel(zone_a, "甲-GY-102", geometry=square(501000, 3460000, 200))
    enterprise = make_enterprise(zone_a, "甲星辰材料有限公司")
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=small, area_mu=Decimal("3.75"))
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=large, area_mu=Decimal("60"))
    project = make_project(
        zone_a, "甲储能电池项目", parcel=large, history=[(Stage.LEAD, dt.date(2025, 1, 2)), (Stage.SIGNED, AS_OF)]
    )
    make_project(zone_a, "甲数据中心项目")
    b_parcel = make_parcel(zone_b, "乙-GY-101")
    b_enterprise = make_enterprise(zone_b, "乙远航物流有限公司")
    EnterpriseLand.objects.create(enterprise=b_enterprise, parcel=b_parcel, area_mu=Decimal("15"))
    make_project(zone_b, "乙港口物流项目", parcel=b_parcel)
    return {"small": small, "large": large, "enterprise": enterprise, "project": project}


def centre_of(parcel) -> tuple[float, float]:
    shape = shapely.from_wkb(bytes(parcel.geometry_lonlat))
    return shape.centroid.x, shape.centroid.y


def test_enterprise_sits_at_the_centroid_of_its_largest_parcel(client_a, located):
    data = client_a.get("/map/layers/enterprises.geojson").json()
    assert [f["properties"]["name"] for f in data["features"]] == ["甲星辰材料有限公司"]
    feature = data["features"][0]
    lon, lat = centre_of(located["large"])
    assert feature["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]
    assert feature["properties"]["parcel_id"] == located["large"].pk
    assert feature["properties"]["url"] == f"/enterprises/{located['enterprise'].pk}/"
    assert feature["properties"]["grade"] == ""
    assert data["unmapped"] == 0


def test_projects_without_a_parcel_are_counted_not_drawn(client_a, located):
    data = client_a.get("/map/layers/projects.geojson").json()
    assert [(f["properties"]["name"], f["properties"]["stage"]) for f in data["features"]] == [
        ("甲储能电池项目", "signed")
    ]
    props = data["features"][0]["properties"]
    assert props["stage_label"] == "签约"
    assert props["url"] == f"/projects/{located['project'].pk}/"
    lon, lat = centre_of(located["large"])
    assert data["features"][0]["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]
    assert data["unmapped"] == 1


def test_an_enterprise_dot_carries_its_grade_from_the_latest_published_run(client_a, located, zone_a, city_admin):
    from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
    from yuanqu.evaluation.services import publish_run

    run = EvaluationRun.objects.create(method_name="亩均", method_text="", method_digest="x", year=2024, input_hash="x")
    EvaluationResult.objects.create(run=run, enterprise=located["enterprise"], zone=zone_a, grade="B")
    publish_run(run=run, user=city_admin)
    feature = client_a.get("/map/layers/enterprises.geojson").json()["features"][0]
    assert feature["properties"]["grade"] == "B"
    found = client_a.get("/map/search.json", {"q": "星辰"}).json()["results"][0]
    assert (found["grade"], found["layer"], found["properties"]["grade"]) == ("B", "enterprises", "B")


def test_an_unknown_layer_is_a_404(client_a, located):
    assert client_a.get("/map/layers/nothing.geojson").status_code == 404


@pytest.fixture
def parks_layer():
    """A points layer an app of the test registers: one point per zone of the user's, at a fixed place."""
    from yuanqu.core import registry
    from yuanqu.zones.models import Zone

    def geojson(*, user, zone_ids, as_of):
        zones = Zone.objects.restrict(user).order_by("pk")
        features = [
            {
                "type": "Feature",
                "id": z.pk,
                "properties": {"id": z.pk, "name": z.name, "url": "/"},
                "geometry": {"type": "Point", "coordinates": [120.123456789, 31.2]},
            }
            for z in zones
        ]
        return {"type": "FeatureCollection", "features": features, "unmapped": 0}

    layer = registry.map_layers.register(registry.MapLayer("parks", "园区点", "points", order=90, geojson=geojson))
    yield layer
    registry.map_layers.unregister(layer.key)


def test_any_registered_points_layer_is_served_shifted_and_offered_on_the_page(
    client_a, located, city_admin, parks_layer
):
    data = client_a.get("/map/layers/parks.geojson").json()
    assert [f["properties"]["name"] for f in data["features"]] == ["甲经济开发区"]
    assert data["features"][0]["geometry"]["coordinates"] == [120.1234568, 31.2]
    gcj_base_map(city_admin)
    shifted = client_a.get("/map/layers/parks.geojson").json()["features"][0]["geometry"]["coordinates"]
    assert shifted == [round(v, 7) for v in geo.wgs84_to_gcj02(120.123456789, 31.2)]
    response = client_a.get("/map/")
    assert [layer["key"] for layer in response.context["map_config"]["points"]] == [
        "enterprises",
        "projects",
        "chain-land",
        "parks",
    ]
    assert 'id="one-map-layer-parks"' in response.content.decode()


def test_the_old_map_address_leads_to_the_new_one(client_a):
    response = client_a.get("/land/map/", {"as_of": "2025-03-02"})
    assert (response.status_code, response["Location"]) == (301, "/map/?as_of=2025-03-02")


@pytest.mark.parametrize("path", ["layers/enterprises.geojson", "layers/projects.geojson", "search.json?q=乙"])
def test_point_layers_and_search_refuse_zone_b(client_a, located, zone_b, path):
    joiner = "&" if "?" in path else "?"
    response = client_a.get(f"/map/{path}{joiner}zone={zone_b.pk}")
    assert response.status_code == 400
    assert "乙" not in json.dumps(response.json()["errors"], ensure_ascii=False).replace("园区", "")


def test_search_finds_parcels_by_code_and_enterprises_by_name_or_uscc(client_a, located):
    by_code = client_a.get("/map/search.json", {"q": "gy-10"}).json()["results"]
    assert [(r["kind"], r["label"]) for r in by_code] == [("parcel", "甲-GY-101"), ("parcel", "甲-GY-102")]
    small = by_code[0]
    shape = shapely.from_wkb(bytes(located["small"].geometry_lonlat))
    assert small["bbox"] == [round(v, 7) for v in shape.bounds]
    assert small["url"] == f"/land/parcels/{located['small'].pk}/"

    by_name = client_a.get("/map/search.json", {"q": "星辰"}).json()["results"]
    assert [(r["kind"], r["label"], r["parcel_id"]) for r in by_name] == [
        ("enterprise", "甲星辰材料有限公司", located["large"].pk)
    ]
    uscc = located["enterprise"].uscc
    by_uscc = client_a.get("/map/search.json", {"q": uscc}).json()["results"]
    assert [r["detail"] for r in by_uscc] == [uscc]


def test_search_sees_nothing_of_zone_b_and_stops_at_ten(client_a, located, zone_a):
    assert client_a.get("/map/search.json", {"q": "乙"}).json()["results"] == []
    for n in range(12):
        make_parcel(zone_a, f"甲-CK-{n:03d}")
    results = client_a.get("/map/search.json", {"q": "CK"}).json()["results"]
    assert len(results) == 10
    assert results[0]["label"] == "甲-CK-000"


def test_search_without_a_term_is_a_400_with_the_fields_error(client_a, located):
    response = client_a.get("/map/search.json", {"q": ""})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


def test_map_page_offers_tiles_legends_and_no_base_map(client_a, located, zone_a):
    response = client_a.get("/map/", {"as_of": AS_OF.isoformat(), "zone": zone_a.pk})
    assert response.status_code == 200
    config = response.context["map_config"]
    assert config["base_map"] is None
    layers = {layer["key"]: layer for layer in config["points"]}
    assert list(layers) == ["enterprises", "projects", "chain-land"]
    assert layers["enterprises"]["url"] == f"/map/layers/enterprises.geojson?as_of=2025-03-02&zone={zone_a.pk}"
    assert layers["projects"]["colour_by"] == "stage" and layers["projects"]["detail_url"] == "/projects/{id}/"
    assert [c["key"] for c in config["colourings"]] == ["status", "grade", "stage"]
    assert [item["value"] for item in config["legends"]["grade"]] == ["A", "B", "C", "D", "T", ""]
    assert config["legends"]["stage"][2] == {"value": "signed", "label": "签约", "colour": "#6baed6"}
    assert config["legends"]["status"][2] == {"value": "idle", "label": "闲置", "colour": "#b3261e"}
    assert config["tiles_url"] == f"/map/tiles/{{z}}/{{x}}/{{y}}.mvt?as_of=2025-03-02&zone={zone_a.pk}"
    assert config["tiles_minzoom"] == 12  # tiles.MIN_ZOOM
    small, large = located["small"], located["large"]
    assert config["bounds"] == [
        round(min(small.min_lon, large.min_lon), 7),
        round(min(small.min_lat, large.min_lat), 7),
        round(max(small.max_lon, large.max_lon), 7),
        round(max(small.max_lat, large.max_lat), 7),
    ]


def test_map_page_with_a_bad_date_is_a_400_with_the_error(client_a):
    response = client_a.get("/map/", {"as_of": "2025-13-40"})
    assert response.status_code == 400
    assert "认定日期" in response.content.decode()


# --- base map -------------------------------------------------------------------------------------------


def gcj_base_map(city_admin, name="高德", active=True) -> BaseMap:
    return save_base_map(
        base_map=BaseMap(name=name, url=GCJ02_TILES, crs=BaseMap.Crs.GCJ02, active=active), user=city_admin
    )


def test_a_gcj02_base_map_shifts_every_layer_for_display_only(client_a, located, city_admin, zone_a):
    zone_a.boundary = shapely.to_wkb(shapely.box(120.5, 31.2, 120.6, 31.3))
    zone_a.save()
    stored = bytes(located["large"].geometry_lonlat)
    gcj_base_map(city_admin)

    zones = client_a.get("/map/zones.geojson").json()
    ring = zones["features"][0]["geometry"]["coordinates"][0]
    corner = next(v for v in ring if abs(v[0] - 120.6) < 0.01 and abs(v[1] - 31.2) < 0.01)
    assert corner == pytest.approx(list(geo.wgs84_to_gcj02(120.6, 31.2)), abs=1e-12)
    assert corner[0] - 120.6 == pytest.approx(0.0041617, abs=1e-7)  # about 400 m east: really shifted

    lon, lat = centre_of(located["large"])
    point = client_a.get("/map/layers/enterprises.geojson").json()["features"][0]["geometry"]["coordinates"]
    assert point == [round(v, 7) for v in geo.wgs84_to_gcj02(lon, lat)]
    found = client_a.get("/map/search.json", {"q": "甲-GY-102"}).json()["results"][0]
    assert found["center"] == [round(v, 7) for v in geo.wgs84_to_gcj02(lon, lat)]

    config = client_a.get("/map/").context["map_config"]
    assert config["base_map"]["tiles"] == [GCJ02_TILES]
    assert config["tiles_url"].endswith("&shift=gcj02")
    located["large"].refresh_from_db()
    assert bytes(located["large"].geometry_lonlat) == stored


def test_a_wgs84_base_map_shifts_nothing(client_a, located, city_admin):
    save_base_map(
        base_map=BaseMap(
            name="天地图矢量",
            kind=BaseMap.Kind.WMTS,
            url="https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIXSET=w"
            "&TILEMATRIX={TileMatrix}&TILEROW={TileRow}&TILECOL={TileCol}&tk=KEY",
            active=True,
        ),
        user=city_admin,
    )
    config = client_a.get("/map/").context["map_config"]
    assert config["base_map"]["tiles"][0].endswith("TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY")
    lon, lat = centre_of(located["large"])
    point = client_a.get("/map/layers/enterprises.geojson").json()["features"][0]["geometry"]["coordinates"]
    assert point == [round(lon, 7), round(lat, 7)]


def test_activating_a_base_map_deactivates_the_other_and_logs_both(city_admin):
    first = gcj_base_map(city_admin, "高德")
    second = gcj_base_map(city_admin, "腾讯")
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert active_base_map() == second
    logged = ChangeLogEntry.objects.filter(object_repr__in=["高德", "腾讯"]).count()
    assert logged == 3  # two creations and one deactivation


def test_only_a_city_administrator_configures_base_maps(client_a, user_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        save_base_map(base_map=BaseMap(name="x", url=GCJ02_TILES), user=user_a)
    assert client_a.get("/map/basemaps/").status_code == 403
    assert client_a.post("/map/basemaps/new/", {"name": "x"}).status_code == 403
    assert BaseMap.objects.count() == 0


def test_base_map_form_saves_and_shows_bilingual_errors(client, city_admin):
    client.force_login(city_admin)
    bad = {"name": "内网底图", "kind": "xyz", "url": "tiles/{z}/{x}.png", "crs": "wgs84", "min_zoom": 5, "max_zoom": 3}
    response = client.post("/map/basemaps/new/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "the tile URL must start with http://, https:// or /" in html
    assert BaseMap.objects.count() == 0
    good = {**bad, "url": "/tiles/{z}/{x}/{y}.png", "min_zoom": 3, "max_zoom": 18, "active": "on"}
    response = client.post("/map/basemaps/new/", good)
    assert response.status_code == 302
    saved = BaseMap.objects.get()
    assert (saved.name, saved.url, saved.active, saved.max_zoom) == ("内网底图", "/tiles/{z}/{x}/{y}.png", True, 18)
    page = client.get("/map/basemaps/").content.decode()
    assert "内网底图" in page and "/tiles/{z}/{x}/{y}.png" in page


def test_admin_saves_base_maps_through_the_service(client, city_admin, zone_a):
    client.force_login(city_admin)
    first = gcj_base_map(city_admin, "高德")
    assert client.get("/admin/maps/basemap/add/").status_code == 200
    data = {"name": "天地图", "kind": "xyz", "url": "/tiles/{z}/{x}/{y}.png", "crs": "wgs84", "attribution": ""}
    response = client.post("/admin/maps/basemap/add/", data | {"min_zoom": 0, "max_zoom": 18, "active": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.active is False
    assert active_base_map().name == "天地图"
    assert ChangeLogEntry.objects.filter(object_repr="天地图", action="create").count() == 1


def test_the_map_page_speaks_english(client_a, located):
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/map/"})
    response = client_a.get("/map/")
    config = response.context["map_config"]
    assert config["text"]["no_match"] == "No matching parcel or enterprise."
    assert config["legends"]["grade"][-1] == {"value": "", "label": "Not evaluated", "colour": "#d2d2d2"}
    assert "Export current view (PNG)" in response.content.decode()
