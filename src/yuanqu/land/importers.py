"""Importing parcels: attribute tables (xlsx, csv) or polygons (GeoPackage, Shapefile, GeoJSON), keyed by zone and code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import shapely

from yuanqu.core.access import editable_zone_ids
from yuanqu.core.changelog import snapshot
from yuanqu.core.importing.pipeline import Importer, Plan, apply_values, present_keys, problem, write_plan
from yuanqu.core.importing.tabular import Column, Table, read_grid, read_table
from yuanqu.land.models import Parcel
from yuanqu.land.services import set_geometry
from yuanqu.zones.importers import ZoneResolver, first_labels

SPATIAL_SUFFIXES = {".gpkg", ".shp", ".zip", ".geojson", ".json"}

LAND_USE_LABELS = {
    "工业用地": "industrial",
    "工业": "industrial",
    "M": "industrial",
    "M1": "industrial",
    "M2": "industrial",
    "M3": "industrial",
    "仓储用地": "warehouse",
    "物流仓储用地": "warehouse",
    "仓储": "warehouse",
    "W": "warehouse",
    "商服用地": "commercial",
    "商业服务业设施用地": "commercial",
    "商业": "commercial",
    "B": "commercial",
    "住宅用地": "residential",
    "居住用地": "residential",
    "R": "residential",
    "公共管理与公共服务用地": "public_service",
    "A": "public_service",
    "交通运输与公用设施用地": "infrastructure",
    "交通运输用地": "infrastructure",
    "公用设施用地": "infrastructure",
    "S": "infrastructure",
    "U": "infrastructure",
    "其他用地": "other",
    "其他": "other",
}
DELAY_LABELS = {"政府原因": "government", "政府": "government", "企业原因": "holder", "企业": "holder", "用地单位原因": "holder"}

SCHEMA = (
    Column("code", "地块编号", "text", required=True, aliases=("宗地编号", "地块代码", "宗地代码", "code")),
    Column("zone", "园区代码", "text", required=True, aliases=("园区", "所属园区", "园区名称", "zone")),
    Column("land_use", "用地性质", "choice", required=True, choices=LAND_USE_LABELS, aliases=("土地用途", "用途", "land_use")),
    Column("approved_on", "批准日期", "date", aliases=("批准时间", "approved_on")),
    Column("supplied_on", "供地日期", "date", aliases=("供地时间", "出让日期", "supplied_on")),
    Column("agreed_start_on", "约定开工日期", "date", aliases=("约定开工时间", "agreed_start_on")),
    Column("started_on", "实际开工日期", "date", aliases=("开工日期", "started_on")),
    Column("completed_on", "竣工日期", "date", aliases=("竣工时间", "completed_on")),
    Column("halted_since", "停工日期", "date", aliases=("停工时间", "halted_since")),
    Column("delay_cause", "延迟原因", "choice", choices=DELAY_LABELS, aliases=("延期原因", "delay_cause")),
    Column("developed_area_mu", "已开发用地面积", "decimal", unit="亩", aliases=("developed_area_mu",)),
    Column("total_investment", "总投资", "decimal", unit="万元", aliases=("计划总投资", "total_investment")),
    Column("invested", "已完成投资", "decimal", unit="万元", aliases=("累计完成投资", "invested")),
    Column("planned_floor_area_m2", "规划建筑面积", "decimal", unit="平方米", aliases=("planned_floor_area_m2",)),
    Column("built_floor_area_m2", "已建建筑面积", "decimal", unit="平方米", aliases=("built_floor_area_m2",)),
    Column("footprint_m2", "建筑基底面积", "decimal", unit="平方米", aliases=("基底面积", "footprint_m2")),
    Column("land_price", "土地价格", "decimal", unit="万元", aliases=("出让价款", "地价", "land_price")),
    Column("area_mu", "面积", "decimal", unit="亩", aliases=("地块面积", "用地面积", "area_mu")),
)
NON_NEGATIVE = (
    "developed_area_mu",
    "total_investment",
    "invested",
    "planned_floor_area_m2",
    "built_floor_area_m2",
    "footprint_m2",
    "land_price",
    "area_mu",
)
# (earlier, later): a later date before the earlier one is an error in the file.
DATE_ORDER = (
    ("started_on", "completed_on"),
    ("started_on", "halted_since"),
    ("supplied_on", "started_on"),
)


class ParcelImporter(Importer):
    """Parcels from a table of attributes, or from polygons whose attributes carry the same columns."""

    kind = "parcels"
    label_zh, label_en = "地块", "parcels"
    template_title = "地块台账"
    schema = SCHEMA
    template_keys = tuple(c.key for c in SCHEMA if c.key != "area_mu")

    def __init__(self):
        self.srid: int | None = None
        self.encoding: str | None = None
        self.geometries: dict[int, object] = {}
        self.source_srid: int | None = None

    def configure(self, *, srid=None, encoding=None, **options) -> None:
        self.srid, self.encoding = srid, encoding

    def read(self, source, *, filename: str) -> Table:
        suffix = Path(filename).suffix.lower()
        if suffix not in SPATIAL_SUFFIXES:
            return read_table(source, self.schema, filename=filename)
        from yuanqu.core.importing.gis import read_features

        features = read_features(Path(source), srid=self.srid, encoding=self.encoding)
        names: list[str] = []
        for feature in features.records:
            for name in feature.attributes:
                if name not in names:
                    names.append(name)
        # The attribute table goes through the same header matching and value parsing as a spreadsheet;
        # its row numbers are feature numbers (header = row 1, so feature n is row n + 1).
        grid = [names] + [[f.attributes.get(n) for n in names] for f in features.records]
        table = read_grid(grid, self.schema, filename=filename)
        table.problems.extend(features.problems)
        table.notes.extend((note, note) if isinstance(note, str) else note for note in features.notes)
        self.source_srid = features.srid
        self.geometries = {f.row + 1: f.geometry for f in features.records}
        for row, geometry in self.geometries.items():
            if geometry is None and not any(p.row == row - 1 for p in features.problems):
                table.problems.append(problem(row, None, None, "缺少图形", "the feature has no geometry"))
        if features.srid is not None:
            table.notes.append(
                (f"坐标系 EPSG:{features.srid}，面积按该坐标系计算", f"CRS EPSG:{features.srid}; areas measured in it")
            )
        return table

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        zones = ZoneResolver(user)
        editable = editable_zone_ids(user) if user is not None else None
        keys = [k for k in present_keys(table, self.schema) if k not in ("code", "zone")]
        spatial = bool(self.geometries)
        if spatial and "area_mu" in keys:
            keys.remove("area_mu")  # the polygon decides the area
        rows, seen = [], {}
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            code = (v.get("code") or "").strip()
            if not code:
                problems.append(problem(row, headers["code"], None, "地块编号不能为空", "the parcel code is required"))
            zone_id = zones.resolve(v.get("zone"), row, headers.get("zone"), problems, must_edit=True)
            for key in NON_NEGATIVE:
                value = v.get(key)
                if key in headers and value is not None and value < 0:
                    problems.append(problem(row, headers[key], value, "不能为负数", "may not be negative"))
            for earlier, later in DATE_ORDER:
                first, second = v.get(earlier), v.get(later)
                if isinstance(first, dt.date) and isinstance(second, dt.date) and second < first:
                    problems.append(
                        problem(
                            row,
                            headers[later],
                            second,
                            f"早于{_header_zh(earlier)}（{first}）",
                            f"before {earlier.replace('_', ' ')} ({first})",
                        )
                    )
            if not code or zone_id is None:
                continue
            if (zone_id, code) in seen:
                problems.append(problem(row, headers["code"], code, f"与第 {seen[(zone_id, code)]} 行重复", f"same parcel as row {seen[(zone_id, code)]}"))
                continue
            seen[(zone_id, code)] = row
            rows.append((row, zone_id, code, v))

        existing = {}
        for obj in Parcel.objects.filter(zone_id__in={z for _r, z, _c, _v in rows}, code__in={c for _r, _z, c, _v in rows}):
            existing[(obj.zone_id, obj.code)] = obj

        plan = Plan()
        for row, zone_id, code, v in rows:
            values = {k: v.get(k) for k in keys}
            if "delay_cause" in values and values["delay_cause"] is None:
                values["delay_cause"] = ""
            current = existing.get((zone_id, code))
            if current is not None and editable is not None and current.zone_id not in editable:
                continue  # unreachable: the zone itself was checked as editable
            geometry = self.geometries.get(row) if spatial else None
            if current is None:
                obj = Parcel(zone_id=zone_id, code=code)
                apply_values(obj, values, keys)
                if geometry is not None:
                    set_geometry(obj, geometry, self.source_srid)
                plan.creates.append(obj)
                continue
            before = snapshot(current)
            changed = apply_values(current, values, keys)
            if geometry is not None:
                old = bytes(current.geometry) if current.geometry else None
                set_geometry(current, geometry, self.source_srid)
                if old != bytes(current.geometry) or before.get("source_srid") != current.source_srid:
                    changed += [
                        "geometry",
                        "source_srid",
                        "geometry_lonlat",
                        "area_mu",
                        "min_lon",
                        "min_lat",
                        "max_lon",
                        "max_lat",
                    ]
            if changed:
                plan.updates.append((current, before, sorted(set(changed))))
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan, *, user) -> None:
        write_plan(Parcel, plan, batch_size=500)


def _header_zh(key: str) -> str:
    return next(c.header for c in SCHEMA if c.key == key)


def export_rows(*, user=None, zone_ids=None):
    """Parcels as rows of the parcel import's columns, each with its EPSG:4490 polygon under "geometry"."""
    from yuanqu.enterprises.importers import zone_labels

    zones = zone_labels()
    land_uses, causes = first_labels(LAND_USE_LABELS), first_labels(DELAY_LABELS)
    queryset = Parcel.objects.order_by("zone_id", "code")
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    keys = [c.key for c in SCHEMA if c.key not in ("zone", "land_use", "delay_cause")]
    for p in queryset.values("zone_id", "land_use", "delay_cause", "geometry_lonlat", *keys).iterator(chunk_size=2000):
        raw = p.pop("geometry_lonlat")
        p["geometry"] = shapely.from_wkb(bytes(raw)) if raw else None
        p["zone"] = zones.get(p.pop("zone_id"), "")
        p["land_use"] = land_uses.get(p["land_use"], p["land_use"])
        p["delay_cause"] = causes.get(p["delay_cause"]) if p["delay_cause"] else None
        yield p


def write_spatial(target, rows, *, suffix: str) -> int:
    """Write parcels with their polygons to a GeoPackage or GeoJSON file (EPSG:4490), headed like the template."""
    from yuanqu.core.importing.gis import write_features

    headers = {c.key: c.template_header for c in SCHEMA}
    features = []
    for row in rows:
        feature = {headers[k]: _plain(v) for k, v in row.items() if k != "geometry"}
        feature["geometry"] = row["geometry"]
        features.append(feature)
    write_features(Path(target), features, srid=4490, layer="parcels")
    return len(features)


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value
