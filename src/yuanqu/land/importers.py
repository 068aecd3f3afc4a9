"""Importing parcels: attribute tables (xlsx, csv) or polygons (GeoPackage, Shapefile, GeoJSON), keyed by zone and code."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import shapely

from yuanqu.analytics import geo
from yuanqu.core.importing.pipeline import (
    FirstRows,
    Importer,
    Plan,
    check_values,
    chunked,
    import_limits,
    present_keys,
    problem,
)
from yuanqu.core.importing.problems import ProblemList
from yuanqu.core.importing.tabular import Column, Table, read_grid, read_table
from yuanqu.land.models import BBOX_FIELDS, Parcel
from yuanqu.land.services import set_geometry
from yuanqu.zones.importers import ZoneResolver, first_labels, zone_labels

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
DELAY_LABELS = {
    "政府原因": "government",
    "政府": "government",
    "企业原因": "holder",
    "企业": "holder",
    "用地单位原因": "holder",
}

SCHEMA = (
    Column("code", "地块编号", "text", required=True, aliases=("宗地编号", "地块代码", "宗地代码", "code")),
    Column("zone", "园区代码", "text", required=True, aliases=("园区", "所属园区", "园区名称", "zone")),
    Column(
        "land_use",
        "用地性质",
        "choice",
        required=True,
        choices=LAND_USE_LABELS,
        aliases=("土地用途", "用途", "land_use"),
    ),
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
    Column(
        "planned_floor_area_m2",
        "规划建筑面积",
        "decimal",
        unit="平方米",
        aliases=("planned_floor_area_m2",),
        decimal_places=2,
    ),
    Column(
        "built_floor_area_m2",
        "已建建筑面积",
        "decimal",
        unit="平方米",
        aliases=("built_floor_area_m2",),
        decimal_places=2,
    ),
    Column(
        "footprint_m2", "建筑基底面积", "decimal", unit="平方米", aliases=("基底面积", "footprint_m2"), decimal_places=2
    ),
    Column("land_price", "土地价格", "decimal", unit="万元", aliases=("出让价款", "地价", "land_price")),
    Column("revitalised_on", "盘活日期", "date", aliases=("盘活时间", "revitalised_on")),
    Column("area_mu", "面积", "decimal", unit="亩", aliases=("地块面积", "用地面积", "area_mu")),
)
NON_NEGATIVE = (*Parcel.FIGURE_FIELDS, "area_mu")
# (earlier, later): a later date before the earlier one is an error in the file.
DATE_ORDER = (
    ("started_on", "completed_on"),
    ("started_on", "halted_since"),
    ("supplied_on", "started_on"),
)
GEOMETRY_FIELDS = ("geometry", "source_srid", "geometry_lonlat", *BBOX_FIELDS, "area_mu")
# Two polygons within this distance vertex by vertex (about 1 cm) are the same polygon: an export in
# EPSG:4490 imported back over a parcel stored in its Gauss-Krüger zone leaves it unchanged.
SAME_POLYGON_DEGREES = 1e-7


class ParcelImporter(Importer):
    """Parcels from a table of attributes, or from polygons whose attributes carry the same columns."""

    kind = "parcels"
    label_zh, label_en = "地块", "parcels"
    template_title = "地块台账"
    model = Parcel
    natural_key = ("zone_id", "code")
    schema = SCHEMA
    template_keys = tuple(c.key for c in SCHEMA if c.key != "area_mu")

    def __init__(self):
        self.srid: int | None = None
        self.encoding: str | None = None
        self.default_zone: str | None = None
        self.geometries: dict[int, object] | None = None  # feature number -> polygon, for spatial files
        self.source_srid: int | None = None

    def configure(self, *, srid=None, encoding=None, zone=None, **options) -> None:
        """A spatial file's EPSG code and text encoding when it does not say; the zone of every row
        when the file has no zone column."""
        self.srid, self.encoding, self.default_zone = srid, encoding, zone

    def _schema(self):
        if not self.default_zone:
            return self.schema
        return tuple(Column(c.key, c.header, c.kind, aliases=c.aliases) if c.key == "zone" else c for c in self.schema)

    def required_keys(self) -> list[str]:
        """Code, zone and land use; the zone column not when --zone names the zone of every row."""
        return [c.key for c in self._schema() if c.required]

    def read(self, source, *, filename: str) -> Table:
        """A spreadsheet, or a GIS file whose attribute table is read like one (rows are feature numbers)."""
        suffix = Path(filename).suffix.lower()
        limits = import_limits()
        if suffix not in SPATIAL_SUFFIXES:
            return read_table(source, self._schema(), filename=filename, limits=limits)
        from yuanqu.core.importing.gis import read_features

        features = read_features(Path(source), srid=self.srid, encoding=self.encoding, limits=limits)
        names: list[str] = []
        for feature in features.records:
            for name in feature.attributes:
                if name not in names:
                    names.append(name)
        # The attribute table goes through the same header matching and value parsing as a spreadsheet;
        # the grid's row n + 1 is feature n, renumbered below so every message names the feature.
        grid = [names] + [[f.attributes.get(n) for n in names] for f in features.records]
        table = (
            read_grid(grid, self._schema(), filename=filename, limits=limits)
            if features.records
            else Table(problems=ProblemList(limit=limits.problems))
        )
        for parsed in table.rows:
            parsed.row -= 1
        table.problems = table.problems.mapped(
            lambda p: replace(p, row=None if p.row is None or p.row <= 1 else p.row - 1)
        )
        table.problems.extend(features.problems)
        table.notes.insert(0, ("行号为要素序号", "row numbers are feature numbers"))
        table.notes.extend(tuple(note.split(" / ", 1)) if " / " in note else (note, note) for note in features.notes)
        self.source_srid = features.srid
        self.geometries = {f.row: f.geometry for f in features.records}
        reported = {p.row for p in features.problems}
        for row, geometry in self.geometries.items():
            if geometry is None and row not in reported:
                table.problems.append(problem(row, None, None, "缺少图形", "the feature has no geometry"))
        if features.srid in geo.GEOGRAPHIC_SRIDS:
            table.notes.append(
                (
                    f"坐标系 EPSG:{features.srid}（经纬度），面积按 CGCS2000 椭球面计算",
                    f"CRS EPSG:{features.srid} (lon/lat); areas measured on the CGCS2000 ellipsoid",
                )
            )
        elif features.srid is not None:
            table.notes.append(
                (
                    f"坐标系 EPSG:{features.srid}，面积在该投影坐标系中计算",
                    f"CRS EPSG:{features.srid}; areas measured in this projection",
                )
            )
        return table

    def plan(self, table, *, user, problems) -> Plan:
        """Check zones, codes, figures and dates; compare each parcel (polygon included) with the stored one."""
        headers = table.headers
        zones = ZoneResolver(user)
        spatial = self.geometries is not None
        keys = [k for k in present_keys(table, self.schema) if k not in ("code", "zone")]
        if spatial and "area_mu" in keys:
            keys.remove("area_mu")
            table.notes.append(
                (
                    "面积由图形计算，属性表中的面积未导入",
                    "areas are computed from the polygons; the area column is ignored",
                )
            )
        check_values(Parcel, table, [*keys, "code"], problems, non_negative=NON_NEGATIVE)
        zone_header = headers.get("zone", "园区代码")
        rows, seen = [], FirstRows()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            code = (v.get("code") or "").strip()
            zone_value = v.get("zone") if "zone" in headers else self.default_zone
            if "zone" in headers and not zone_value and self.default_zone:
                zone_value = self.default_zone
            zone_id = zones.resolve(zone_value, row, zone_header, problems, must_edit=True)
            for earlier, later in DATE_ORDER:
                first, second = v.get(earlier), v.get(later)
                if isinstance(first, dt.date) and isinstance(second, dt.date) and second < first:
                    problems.append(
                        problem(
                            row,
                            headers[later],
                            second,
                            f"早于{_header_zh(earlier)}（{first}）",
                            f"before the {_header_en(earlier)} ({first})",
                        )
                    )
            if not code or zone_id is None:
                continue
            if (first := seen.repeated((zone_id, code), row)) is not None:
                problems.append(
                    problem(row, headers["code"], code, f"与第 {first} 行重复", f"same parcel as row {first}")
                )
                continue
            rows.append((row, zone_id, code, v))

        stored_fields = [f.attname for f in Parcel._meta.concrete_fields]
        existing: dict[tuple[int, str], dict] = {}
        for zone_id in {zone_id for _row, zone_id, _code, _v in rows}:
            codes = [code for _row, z, code, _v in rows if z == zone_id]
            for chunk in chunked(codes):
                for stored in Parcel.objects.filter(zone_id=zone_id, code__in=chunk).values(*stored_fields):
                    existing[(zone_id, stored["code"])] = stored

        plan = Plan()
        scratch = Parcel()
        area_ignored = 0
        for row, zone_id, code, v in rows:
            values = {k: v.get(k) for k in keys}
            if "delay_cause" in values and values["delay_cause"] is None:
                values["delay_cause"] = ""
            current = existing.get((zone_id, code))
            if spatial:
                geometry = self.geometries.get(row)
                if geometry is None or self.source_srid is None:
                    continue  # reported by the reader
                set_geometry(scratch, geometry, self.source_srid)
                if current is None or not _same_polygon(current["geometry_lonlat"], scratch.geometry_lonlat):
                    values.update({name: getattr(scratch, name) for name in GEOMETRY_FIELDS})
            elif current is not None and current["geometry"] and "area_mu" in values:
                if values["area_mu"] != current["area_mu"]:
                    area_ignored += 1
                del values["area_mu"]  # the stored polygon decides the area
            plan.compare(
                values,
                stored=current,
                label=code,
                zone_id=zone_id,
                key=(zone_id, code),
                new={**values, "zone_id": zone_id, "code": code},
                row=row,
            )
        if area_ignored:
            table.notes.append(
                (
                    f"{area_ignored} 个已有图形的地块，面积按图形计算，表中面积未导入",
                    f"{area_ignored} parcel(s) have polygons: their area comes from the polygon, not the file",
                )
            )
        return plan


def _same_polygon(stored: bytes | memoryview | None, new: bytes) -> bool:
    if not stored:
        return False
    old = shapely.normalize(shapely.from_wkb(bytes(stored)))
    return bool(shapely.equals_exact(old, shapely.normalize(shapely.from_wkb(new)), tolerance=SAME_POLYGON_DEGREES))


def _header_zh(key: str) -> str:
    return next(c.header for c in SCHEMA if c.key == key)


def _header_en(key: str) -> str:
    return {"supplied_on": "supply date", "started_on": "start date"}.get(key, key)


def export_rows(*, user=None, zone_ids=None):
    """Parcels as rows of the parcel import's columns, each with its EPSG:4490 polygon under "geometry"."""
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
    """Write parcels with their polygons to a GeoPackage or GeoJSON file (EPSG:4490), headed like the template.

    A map layer holds polygons: parcels without one are left out (the xlsx export has them all).
    """
    from yuanqu.core.importing.gis import write_features

    headers = {c.key: c.template_header for c in SCHEMA}
    features = []
    for row in rows:
        if row["geometry"] is None:
            continue
        feature = {header: _plain(row.get(key)) for key, header in headers.items()}
        feature["geometry"] = row["geometry"]
        features.append(feature)
    write_features(Path(target), features, srid=4490, layer="parcels")
    return len(features)


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value
