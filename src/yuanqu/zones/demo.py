"""The zones' part of the demo city 云溪市 in southern Jiangsu: its zones and sub-parks, each with how its land is
laid out and used and which industries it leads in, and the step that lays the parks out and creates the zones.

Every name here is invented; codes only look like the catalogue's (G = national, S = provincial).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

import shapely

from yuanqu.analytics import geo
from yuanqu.core.demo import split
from yuanqu.zones import demo_layout as layout
from yuanqu.zones.models import Zone
from yuanqu.zones.services import save_zone

CITY = "云溪市"
PROVINCE = "江苏"


@dataclass(frozen=True)
class ZoneSpec:
    """One zone or sub-park of the demo city and how its land is laid out and used."""

    key: str
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    region: str  # administrative division code, used in credit codes and parcel codes
    share: float  # share of the city's parcels
    parent: str | None = None
    approved_on: dt.date | None = None
    approved_area_ha: Decimal | None = None
    leading_industries: str = ""
    industry_boost: dict[str, float] = field(default_factory=dict)
    land_use: dict[str, float] | None = None  # overrides LAND_USE_MIX
    standard_factory_share: float = 0.03  # share of its in-use industrial parcels that are 标准厂房
    angle_deg: float = 0.0  # road grid orientation


# Land use of parcels in a typical zone (by count): mostly industrial.
LAND_USE_MIX = {
    "industrial": 0.66,
    "warehouse": 0.06,
    "commercial": 0.08,
    "residential": 0.05,
    "public_service": 0.06,
    "infrastructure": 0.08,
    "other": 0.01,
}

ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec(
        key="etdz",
        code="G321061",
        name="云溪经济技术开发区",
        short_name="云溪经开区",
        level="national",
        kind="etdz",
        region="320591",
        share=0.20,
        approved_on=dt.date(2010, 11, 30),
        approved_area_ha=Decimal("1050.00"),
        leading_industries="电子信息、高端装备制造、汽车零部件",
        industry_boost={"39": 1.6, "34": 1.3, "35": 1.3, "36": 1.3, "38": 1.2},
        angle_deg=12.0,
    ),
    ZoneSpec(
        key="etdz-electronics",
        code="G321061-01",
        name="云溪经济技术开发区电子信息产业园",
        short_name="电子信息产业园",
        level="national",
        kind="etdz",
        region="320591",
        share=0.08,
        parent="etdz",
        approved_on=dt.date(2012, 6, 18),
        approved_area_ha=Decimal("236.50"),
        leading_industries="集成电路、新型显示、电子元器件",
        industry_boost={"39": 4.0, "38": 1.5, "40": 1.5},
        angle_deg=12.0,
    ),
    ZoneSpec(
        key="etdz-auto",
        code="G321061-02",
        name="云溪经济技术开发区汽车零部件产业园",
        short_name="汽车零部件产业园",
        level="national",
        kind="etdz",
        region="320591",
        share=0.07,
        parent="etdz",
        approved_on=dt.date(2013, 4, 9),
        approved_area_ha=Decimal("198.00"),
        leading_industries="汽车零部件、新能源汽车、智能网联",
        industry_boost={"36": 6.0, "33": 1.5, "29": 1.5, "38": 1.3},
        angle_deg=8.0,
    ),
    ZoneSpec(
        key="etdz-bonded",
        code="G323021",
        name="云溪综合保税区",
        short_name="云溪综保区",
        level="national",
        kind="bonded",
        region="320591",
        share=0.05,
        parent="etdz",
        approved_on=dt.date(2015, 1, 12),
        approved_area_ha=Decimal("298.00"),
        leading_industries="保税加工、保税物流、跨境电商",
        industry_boost={"39": 2.0, "40": 1.5},
        land_use={"industrial": 0.55, "warehouse": 0.35, "infrastructure": 0.07, "commercial": 0.03},
        angle_deg=0.0,
    ),
    ZoneSpec(
        key="htz",
        code="G322031",
        name="云溪高新技术产业开发区",
        short_name="云溪高新区",
        level="national",
        kind="htz",
        region="320592",
        share=0.12,
        approved_on=dt.date(2015, 9, 29),
        approved_area_ha=Decimal("420.00"),
        leading_industries="新一代信息技术、生物医药、新材料",
        industry_boost={"39": 1.5, "27": 2.5, "40": 2.0, "35": 1.3},
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="htz-bio",
        code="G322031-01",
        name="云溪高新区生物医药产业园",
        short_name="生物医药产业园",
        level="national",
        kind="htz",
        region="320592",
        share=0.05,
        parent="htz",
        approved_on=dt.date(2016, 8, 2),
        approved_area_ha=Decimal("105.30"),
        leading_industries="创新药、医疗器械、生物制品",
        industry_boost={"27": 12.0, "35": 2.0, "40": 1.5},
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="htz-materials",
        code="G322031-02",
        name="云溪高新区新材料产业园",
        short_name="新材料产业园",
        level="national",
        kind="htz",
        region="320592",
        share=0.05,
        parent="htz",
        approved_on=dt.date(2017, 3, 15),
        approved_area_ha=Decimal("126.80"),
        leading_industries="电子化学品、高性能膜材料、先进金属材料",
        industry_boost={"26": 4.0, "32": 2.5, "30": 2.0, "29": 1.5},
        angle_deg=20.0,
    ),
    ZoneSpec(
        key="htz-innovation",
        code="G322031-03",
        name="云溪高新区科技创新园",
        short_name="科技创新园",
        level="national",
        kind="htz",
        region="320592",
        share=0.03,
        parent="htz",
        approved_on=dt.date(2018, 5, 20),
        approved_area_ha=Decimal("48.60"),
        leading_industries="智能传感、工业软件、检验检测",
        industry_boost={"39": 2.0, "40": 3.0, "35": 1.5},
        land_use={"industrial": 0.62, "commercial": 0.16, "public_service": 0.12, "infrastructure": 0.10},
        standard_factory_share=0.25,
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="prov",
        code="S321285",
        name="溪南经济开发区",
        short_name="溪南开发区",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.12,
        approved_on=dt.date(1993, 11, 25),
        approved_area_ha=Decimal("462.35"),
        leading_industries="装备制造、化工新材料、纺织服装",
        industry_boost={"34": 1.6, "35": 1.4, "26": 1.5, "17": 1.6, "18": 1.4, "33": 1.3},
        angle_deg=4.0,
    ),
    ZoneSpec(
        key="prov-chemical",
        code="S321285-01",
        name="溪南经济开发区精细化工园",
        short_name="精细化工园",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.05,
        parent="prov",
        approved_on=dt.date(2006, 10, 11),
        approved_area_ha=Decimal("152.00"),
        leading_industries="精细化工、医药中间体、涂料",
        industry_boost={"26": 12.0, "27": 2.0, "28": 2.0, "29": 1.5},
        land_use={"industrial": 0.78, "warehouse": 0.10, "infrastructure": 0.10, "public_service": 0.02},
        angle_deg=-15.0,
    ),
    ZoneSpec(
        key="prov-equipment",
        code="S321285-02",
        name="溪南经济开发区装备制造产业园",
        short_name="装备制造产业园",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.05,
        parent="prov",
        approved_on=dt.date(2009, 7, 1),
        approved_area_ha=Decimal("137.40"),
        leading_industries="通用设备、专用设备、金属制品",
        industry_boost={"34": 3.5, "35": 3.0, "33": 2.0, "37": 2.0},
        angle_deg=4.0,
    ),
    ZoneSpec(
        key="cluster",
        code="JZQ320585001",
        name="桐泾镇工业集中区",
        short_name="桐泾工业集中区",
        level="other",
        kind="industrial_cluster",
        region="320585",
        share=0.10,
        approved_on=dt.date(2006, 3, 15),
        approved_area_ha=Decimal("186.40"),
        leading_industries="纺织、金属制品、塑料制品",
        industry_boost={"17": 3.0, "18": 2.0, "33": 2.0, "29": 2.0, "30": 1.5, "21": 1.5},
        angle_deg=-20.0,
    ),
    ZoneSpec(
        key="cluster-smes",
        code="JZQ320585001-01",
        name="桐泾镇小微企业创业园",
        short_name="小微企业创业园",
        level="other",
        kind="industrial_cluster",
        region="320585",
        share=0.03,
        parent="cluster",
        approved_on=dt.date(2014, 9, 26),
        approved_area_ha=Decimal("21.70"),
        leading_industries="小微制造、电子装配、五金加工",
        industry_boost={"33": 2.0, "39": 1.5, "29": 1.5, "41": 2.0},
        land_use={"industrial": 0.85, "warehouse": 0.05, "infrastructure": 0.08, "public_service": 0.02},
        standard_factory_share=0.6,
        angle_deg=-20.0,
    ),
)


def _lay_out_parcels(rng: random.Random, n: int, specs: tuple[ZoneSpec, ...]) -> dict[str, list[layout.ParcelShape]]:
    """Parcel shapes per park key, placed in the city."""
    counts = dict(zip((s.key for s in specs), split(n, [s.share for s in specs], 2), strict=True))
    tops = [s for s in specs if s.parent is None]
    groups, keys = [], []
    for top in tops:
        parks = [top] + [s for s in specs if s.parent == top.key]
        keys.append([p.key for p in parks])
        groups.append(
            [layout.layout_park(rng, layout.parcel_areas_m2(rng, counts[p.key]), angle_deg=p.angle_deg) for p in parks]
        )
    placed = layout.place_parks(groups)
    return {
        key: shapes
        for group_keys, parks in zip(keys, placed, strict=True)
        for key, shapes in zip(group_keys, parks, strict=True)
    }


def _create_zones(shapes: dict[str, list[layout.ParcelShape]], specs: tuple[ZoneSpec, ...]) -> dict:
    """Create the zones through the zone service, each with a boundary around its parcels."""
    park_bounds = {key: layout.park_boundary([s.polygon for s in shapes[key]]) for key in shapes}
    zones: dict[str, Zone] = {}
    for spec in sorted(specs, key=lambda s: s.parent is not None):
        if spec.parent is None:
            members = [spec.key] + [s.key for s in specs if s.parent == spec.key]
            parts = [park_bounds[k] for k in members if park_bounds[k] is not None]
            boundary = shapely.union_all(parts) if parts else None
        else:
            boundary = park_bounds[spec.key]
        zone = Zone(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            level=spec.level,
            kind=spec.kind,
            parent=zones[spec.parent] if spec.parent else None,
            approved_on=spec.approved_on,
            approved_area_ha=spec.approved_area_ha,
            leading_industries=spec.leading_industries,
            boundary=shapely.to_wkb(geo.to_lonlat(boundary, layout.SRID)) if boundary is not None else None,
        )
        zones[spec.key] = save_zone(zone=zone, user=None)
    return zones


def build_zones(city) -> None:
    """Lay the parks out (parcel shapes per park, left in ``city.shared["shapes"]`` for the parcels) and create
    the zones, each with a boundary around its parcels (``city.shared["zones"]``: zone key → Zone; the specs laid
    out, the city's own unless it was given others, in ``city.shared["specs"]``)."""
    specs = tuple(city.zone_specs or ZONES)
    shapes = _lay_out_parcels(city.stream("layout"), city.parcels, specs)
    zones = _create_zones(shapes, specs)
    city.shared["specs"] = specs
    city.shared["shapes"] = shapes
    city.shared["zones"] = zones
    city.count("zones", sum(1 for spec in specs if spec.parent is None))
    city.count("sub_parks", sum(1 for spec in specs if spec.parent is not None))
