"""The land ledger as files: the xlsx workbook the land bureaus file, and the parcels with their status as a
GeoPackage or GeoJSON layer."""

from __future__ import annotations

import datetime as dt

import polars as pl
import shapely

from yuanqu.analytics.land_status import STATUS_LABELS, summarise
from yuanqu.core import xlsx
from yuanqu.core.queries import filter_by_ids
from yuanqu.land.models import Parcel
from yuanqu.land.status import land_statuses, visible_parcels

LEDGER_COLUMNS = (
    ("zone", "园区", 18),
    ("code", "地块编号", 16),
    ("land_use", "用地性质", 12),
    ("area_mu", "面积（亩）", 12),
    ("status", "状态", 12),
    ("reason_zh", "认定理由", 60),
    ("status_since", "状态起始日期", 14),
    ("idle_from", "闲置起算日期", 14),
    ("idle_fee_line", "可征收闲置费日期", 16),
    ("idle_fee", "土地闲置费（万元）", 16),
    ("recovery_line", "可无偿收回日期", 16),
)
LAND_USE_ZH = {value: str(label) for value, label in Parcel.LandUse.choices}


def write_ledger(target, classified: pl.DataFrame, *, as_of: dt.date, progress=None) -> int:
    """Write the ledger to an xlsx file: sheet 地块台账 (every parcel) and sheet 汇总 (totals per zone and
    status). Labels are Chinese, as the land bureaus file them. Returns the number of parcels written."""
    workbook = xlsx.workbook(target, remove_timezone=True)
    try:
        bold = workbook.add_format({"bold": True})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        number = workbook.add_format({"num_format": "#,##0.00"})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        sheet = workbook.add_worksheet("地块台账")
        sheet.write(0, 0, f"土地台账（截至 {as_of.isoformat()}）", bold)
        for col, (_key, header, width) in enumerate(LEDGER_COLUMNS):
            sheet.write(1, col, header, bold)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(2, 2)
        for index, row in enumerate(classified.iter_rows(named=True)):
            r = index + 2
            for col, (key, _header, _width) in enumerate(LEDGER_COLUMNS):
                value = row.get(key)
                if key == "status":
                    sheet.write_string(r, col, STATUS_LABELS.get(value, (value or "",))[0])
                elif key == "land_use":
                    sheet.write_string(r, col, LAND_USE_ZH.get(value, value or ""))
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, float):
                    sheet.write_number(r, col, value, number)
                elif value is None:
                    sheet.write_blank(r, col, None)
                else:
                    sheet.write(r, col, value, wrap if key == "reason_zh" else None)
            if progress is not None:
                progress.advance()
        totals = workbook.add_worksheet("汇总")
        for col, (header, width) in enumerate((("园区", 18), ("状态", 12), ("宗数", 8), ("面积（亩）", 14))):
            totals.write(0, col, header, bold)
            totals.set_column(col, col, width)
        r = 1
        if classified.height:
            for row in summarise(classified, by=["zone", "status"]).iter_rows(named=True):
                totals.write(r, 0, row["zone"])
                totals.write(r, 1, STATUS_LABELS[row["status"]][0])
                totals.write_number(r, 2, row["parcels"])
                totals.write_number(r, 3, row["area_mu"], number)
                r += 1
            for row in summarise(classified, by=["status"]).iter_rows(named=True):
                totals.write(r, 0, "合计", bold)
                totals.write(r, 1, STATUS_LABELS[row["status"]][0], bold)
                totals.write_number(r, 2, row["parcels"])
                totals.write_number(r, 3, row["area_mu"], number)
                r += 1
    finally:
        workbook.close()
    return classified.height


# --- the status layer (GeoPackage / GeoJSON) ------------------------------------------------------------

STATUS_LAYER_SUFFIXES = (".gpkg", ".geojson")
STATUS_LAYER = "land_status"


def status_features(*, user, as_of: dt.date, zone_ids=None, status: str = "") -> list[dict]:
    """The parcels the user may see (all when ``user`` is None) with their land status as of the date, only
    those of one status when given: attributes (zone, code, land use, area, status code and labels, reasons,
    since-date, as-of date) and the EPSG:4490 polygon under ``geometry`` (None for a parcel without one)."""
    classified = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
    if status:
        classified = classified.filter(pl.col("status") == status)
    ids = classified["parcel_id"].to_list()
    shapes = {}
    rows = filter_by_ids(visible_parcels(user=user, zone_ids=zone_ids), ids).values_list("pk", "geometry_lonlat")
    for pk, wkb in rows.iterator(chunk_size=2000):
        shapes[pk] = shapely.from_wkb(bytes(wkb)) if wkb else None
    features = []
    for row in classified.iter_rows(named=True):
        zh, en = STATUS_LABELS.get(row["status"], (row["status"], row["status"]))
        features.append(
            {
                "zone": row["zone"],
                "code": row["code"],
                "land_use": LAND_USE_ZH.get(row["land_use"], row["land_use"] or ""),
                "area_mu": row["area_mu"],
                "status": row["status"],
                "status_label": zh,
                "status_label_en": en,
                "reason": row["reason_zh"],
                "reason_en": row["reason_en"],
                "status_since": row["status_since"],
                "as_of": as_of,
                "geometry": shapes.get(row["parcel_id"]),
            }
        )
    return features


def write_status_layer(path, features: list[dict]):
    """Write the status layer to a GeoPackage or GeoJSON file (by suffix), EPSG:4490, layer ``land_status``.

    Parcels without a polygon are kept in both formats, with a null geometry (their attributes still count)."""
    from yuanqu.core.importing.gis import write_features

    return write_features(path, features, srid=4490, layer=STATUS_LAYER)
