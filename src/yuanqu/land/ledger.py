"""The land ledger (土地台账): the rules in force, every parcel's status as of a date, totals per status,
changes over time, and the ledger as an xlsx workbook.

The statuses themselves are decided by :mod:`yuanqu.analytics.land_status`; this module feeds it the
parcels (and the enterprises on them) the user may see.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import translation

from yuanqu.analytics.land_status import STATUS_LABELS, STATUSES, LandRules, LandRulesError, classify, summarise
from yuanqu.core.access import is_city_admin, zone_descendants
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.land.models import EnterpriseLand, LandRuleSet, Parcel

DATE_FIELDS = Parcel.DATE_FIELDS
NUMBER_FIELDS = ("area_mu", *Parcel.FIGURE_FIELDS)
PARCEL_FIELDS = (*DATE_FIELDS, *NUMBER_FIELDS, "land_use", "delay_cause")
FRAME_FIELDS = ("pk", "zone_id", "zone__name", "zone__short_name", "code", *PARCEL_FIELDS)
"""The parcel values :func:`frame_from_rows` takes, in order."""
CHANGE_YEARS = 10
"""How many years (up to the as-of year) the changes over time cover."""

# --- rules ----------------------------------------------------------------------------------------------


def current_rules() -> LandRules:
    """The land rules in force: the active rule set, or the defaults when none is stored."""
    row = LandRuleSet.objects.filter(active=True).only("rules").first()
    if row is None:
        return LandRules()
    try:
        return LandRules.from_dict(row.rules)
    except LandRulesError:
        # Stored rules are validated when saved; rules an older version accepted fall back to the defaults.
        return LandRules()


def validate_rules(data) -> LandRules:
    """The rules a dict describes; ValidationError listing every problem (Chinese / English)."""
    if not isinstance(data, dict):
        raise ValidationError("规则必须是 JSON 对象 / the rules must be a JSON object")
    try:
        return LandRules.from_dict(data)
    except LandRulesError as exc:
        raise ValidationError(exc.problems) from None
    except TypeError as exc:
        raise ValidationError(f"规则无效 / invalid rules: {exc}") from None


@transaction.atomic
def save_rules(*, rules: dict, user) -> LandRuleSet:
    """Store the rules as the active rule set (one row, updated in place; the change log keeps the history)."""
    if not is_city_admin(user):
        raise PermissionDenied(
            "只有市级管理员可以修改土地认定规则 / only a city administrator may change the land rules"
        )
    parsed = validate_rules(rules)
    row = LandRuleSet.objects.select_for_update().filter(active=True).first() or LandRuleSet(active=True)
    row.rules = parsed.to_dict()
    row.save()
    return row


# --- statuses -------------------------------------------------------------------------------------------


def _parcels(*, user, zone_ids, parcel_ids=None):
    qs = Parcel.objects.all() if user is None else Parcel.objects.restrict(user)
    if parcel_ids is not None:
        qs = qs.filter(pk__in=parcel_ids)
    if zone_ids is not None:
        qs = qs.filter(zone_id__in=zone_descendants(zone_ids))
    return qs


def enterprise_figures(*, user, parcels, as_of: dt.date) -> dict[int, tuple[str | None, float | None]]:
    """Parcel id → (industry division of its main user, tax per mu of its users) as of the date.

    Tax per mu is the tax of each using enterprise's latest year up to the as-of year, summed, over the
    land those enterprises hold (the year's land if reported, else their recorded land uses).
    """
    uses = EnterpriseLand.objects.all() if user is None else EnterpriseLand.objects.restrict(user)
    # Subqueries rather than lists of ids: a ledger of 100,000 parcels must not hit the SQL parameter limit.
    uses = uses.filter(parcel_id__in=parcels.values("pk")).exclude(start_on__gt=as_of).exclude(end_on__lt=as_of)
    rows = list(uses.values_list("parcel_id", "enterprise_id", "area_mu", "enterprise__industry_division"))
    if not rows:
        return {}
    enterprise_ids = uses.values("enterprise_id")
    held: dict[int, Decimal] = defaultdict(Decimal)
    for use in (
        EnterpriseLand.objects.filter(enterprise_id__in=enterprise_ids)
        .exclude(start_on__gt=as_of)
        .exclude(end_on__lt=as_of)
        .values_list("enterprise_id", "area_mu")
    ):
        held[use[0]] += use[1] or Decimal(0)
    latest: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    years = (
        EnterpriseYear.objects.filter(enterprise_id__in=enterprise_ids, year__lte=as_of.year)
        .order_by("enterprise_id", "-year")
        .values_list("enterprise_id", "tax", "land_mu")
    )
    for enterprise_id, tax, land_mu in years:
        latest.setdefault(enterprise_id, (tax, land_mu))
    by_parcel: dict[int, list] = defaultdict(list)
    for parcel_id, enterprise_id, area, division in rows:
        by_parcel[parcel_id].append((enterprise_id, area or Decimal(0), division))
    result = {}
    for parcel_id, users in by_parcel.items():
        main = max(users, key=lambda u: u[1])
        tax_sum, land_sum = Decimal(0), Decimal(0)
        for enterprise_id, _area, _division in users:
            tax, land_mu = latest.get(enterprise_id, (None, None))
            land = land_mu if land_mu else held.get(enterprise_id)
            if tax is None or not land:
                continue
            tax_sum += tax
            land_sum += land
        result[parcel_id] = (main[2] or None, float(tax_sum / land_sum) if land_sum else None)
    return result


def parcel_frame(*, user, as_of: dt.date, zone_ids=None, parcel_ids=None) -> pl.DataFrame:
    """The input frame of :func:`classify` for the parcels the user may see (``user=None``: all), optionally
    only those in these zones (with their sub-parks) or with these ids."""
    parcels = _parcels(user=user, zone_ids=zone_ids, parcel_ids=parcel_ids)
    rows = list(parcels.order_by("zone__code", "zone__name", "code").values_list(*FRAME_FIELDS))
    return frame_from_rows(rows, enterprise_figures(user=user, parcels=parcels, as_of=as_of))


def frame_from_rows(rows, figures: dict[int, tuple[str | None, float | None]]) -> pl.DataFrame:
    """The input frame of :func:`classify` from parcel rows (values of FRAME_FIELDS) and the enterprise figures
    of :func:`enterprise_figures`."""
    columns: dict[str, list] = defaultdict(list)
    for pk, zone_id, zone_name, short_name, code, *values in rows:
        columns["parcel_id"].append(pk)
        columns["zone_id"].append(zone_id)
        columns["zone"].append(short_name or zone_name)
        columns["code"].append(code)
        for name, value in zip(PARCEL_FIELDS, values, strict=True):
            columns[name].append(float(value) if isinstance(value, Decimal) else value)
        division, tax_per_mu = figures.get(pk, (None, None))
        columns["industry_division"].append(division)
        columns["tax_per_mu"].append(tax_per_mu)
    schema = {"parcel_id": pl.Int64, "zone_id": pl.Int64, "zone": pl.String, "code": pl.String}
    schema |= {name: pl.Date for name in DATE_FIELDS}
    schema |= {name: pl.Float64 for name in NUMBER_FIELDS}
    schema |= {
        "land_use": pl.String,
        "delay_cause": pl.String,
        "industry_division": pl.String,
        "tax_per_mu": pl.Float64,
    }
    return pl.DataFrame({name: columns.get(name, []) for name in schema}, schema=schema)


def land_statuses(*, user, as_of: dt.date, zone_ids=None, rules: LandRules | None = None) -> pl.DataFrame:
    """Every parcel the user may see (in these zones and their sub-parks), classified as of ``as_of``.

    One row per parcel: its id, zone, code and figures, with ``status``, ``status_since``, ``reason_zh``,
    ``reason_en``, the idle-fee and recovery lines (see ``land_status.OUTPUT_COLUMNS``).
    """
    frame = _reused_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    return classify(frame, as_of=as_of, rules=rules or current_rules())


_last_frame: tuple[str, pl.DataFrame] | None = None


def _data_key(*, user, as_of: dt.date, zone_ids, what: str) -> str | None:
    """A key for what these arguments read at the current data version (the newest change-log entry, see
    ``tiles.data_version``); None while the change log is empty and versions tell nothing apart."""
    from yuanqu.land.tiles import NO_VERSION, data_version, zone_scope

    version = data_version()
    if version == NO_VERSION:
        return None
    zones = ",".join(map(str, sorted(zone_ids))) if zone_ids is not None else "-"
    scope = "all" if user is None else zone_scope(user)
    return f"yuanqu:ledger:{what}:{version}:{scope}:{as_of.isoformat()}:{zones}"


def _reused_frame(*, user, as_of: dt.date, zone_ids) -> pl.DataFrame:
    """parcel_frame, reused while the data have not changed: the ledger page reads it for the statuses and
    again for the changes over the years (the last frame is kept in the process)."""
    global _last_frame
    key = _data_key(user=user, as_of=as_of, zone_ids=zone_ids, what="frame")
    last = _last_frame
    if key is not None and last is not None and last[0] == key:
        return last[1]
    frame = parcel_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    if key is not None:
        _last_frame = (key, frame)
    return frame


def status_totals(classified: pl.DataFrame, by=("zone", "status")) -> pl.DataFrame:
    """Parcels and mu per zone and status, statuses in report order."""
    return summarise(classified, by=by)


def status_label(status: str | None) -> str:
    """The status in the active language (Chinese unless English is active)."""
    if status is None:
        return "—"
    zh, en = STATUS_LABELS.get(status, (status, status))
    language = translation.get_language() or ""
    return en if language.startswith("en") else zh


def status_reason(row: dict) -> str:
    """The reason of a classified row in the active language."""
    language = translation.get_language() or ""
    return (row.get("reason_en") if language.startswith("en") else row.get("reason_zh")) or ""


def parcel_status(*, parcel: Parcel, user, as_of: dt.date) -> dict:
    """One parcel's classified row (status, since, reasons, lines) as of the date."""
    frame = classify(parcel_frame(user=user, as_of=as_of, parcel_ids=[parcel.pk]), as_of=as_of, rules=current_rules())
    return frame.row(0, named=True) if frame.height else {}


IDS_INLINE_MAX = 500
"""Up to this many ids go into ``IN (…)`` as parameters; more travel as one array (JSON on SQLite)."""


def filter_by_ids(queryset, ids: list[int]):
    """The queryset narrowed to these primary keys, however many: SQLite and PostgreSQL limit the parameters
    of one statement (32,766 and 65,535), so a long list is passed as a single array parameter."""
    if len(ids) <= IDS_INLINE_MAX:
        return queryset.filter(pk__in=ids)
    column = f'"{queryset.model._meta.db_table}"."{queryset.model._meta.pk.column}"'
    vendor = connection.vendor
    if vendor == "sqlite":
        return queryset.extra(where=[f"{column} IN (SELECT value FROM json_each(%s))"], params=[json.dumps(ids)])
    if vendor == "postgresql":
        return queryset.extra(where=[f"{column} = ANY(%s)"], params=[list(ids)])
    return queryset.filter(pk__in=ids)


def ids_with_status(*, user, status: str, as_of: dt.date, zone_ids=None) -> list[int]:
    """Ids of the parcels the user may see that have this status as of the date; cached while the data have
    not changed (the parcel list's status filter asks again for every page)."""
    from django.core.cache import cache

    key = _data_key(user=user, as_of=as_of, zone_ids=zone_ids, what=f"ids-{status}")
    ids = cache.get(key) if key is not None else None
    if ids is None:
        frame = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
        ids = frame.filter(pl.col("status") == status)["parcel_id"].to_list()
        if key is not None:
            cache.set(key, ids, 24 * 3600)
    return ids


def changes_by_year(*, user, as_of: dt.date, zone_ids=None, years: int = CHANGE_YEARS) -> list[dict]:
    """Per year up to the as-of year: mu revitalised and mu newly idle that year.

    Each year is classified at its last day (the as-of date for the as-of year); a parcel counts for the
    year in which its status (revitalised, idle) began.
    """
    rules = current_rules()
    frame = _reused_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    result = []
    for year in range(as_of.year - years + 1, as_of.year + 1):
        day = min(dt.date(year, 12, 31), as_of)
        classified = classify(frame, as_of=day, rules=rules)
        began = pl.col("status_since").dt.year() == year
        revitalised = classified.filter((pl.col("status") == "revitalised") & began)["area_mu"].fill_null(0.0)
        idle = classified.filter((pl.col("status") == "idle") & began)["area_mu"].fill_null(0.0)
        result.append(
            {
                "year": year,
                "revitalised_mu": round(float(revitalised.sum()), 4),
                "revitalised_parcels": revitalised.len(),
                "newly_idle_mu": round(float(idle.sum()), 4),
                "newly_idle_parcels": idle.len(),
            }
        )
    return result


def totals_table(classified: pl.DataFrame) -> list[dict]:
    """Rows for a page: one per status (in report order) with parcels and mu, the statuses with none left out."""
    totals = summarise(classified, by=["status"]) if classified.height else None
    found = {row["status"]: row for row in totals.iter_rows(named=True)} if totals is not None else {}
    return [
        {
            "status": status,
            "label": status_label(status),
            "parcels": found[status]["parcels"],
            "area_mu": round(found[status]["area_mu"], 4),
        }
        for status in STATUSES
        if status in found
    ]


# --- the workbook ---------------------------------------------------------------------------------------

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
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"remove_timezone": True})
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
    import shapely

    classified = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
    if status:
        classified = classified.filter(pl.col("status") == status)
    ids = classified["parcel_id"].to_list()
    shapes = {}
    rows = filter_by_ids(_parcels(user=user, zone_ids=zone_ids), ids).values_list("pk", "geometry_lonlat")
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


# --- the map --------------------------------------------------------------------------------------------

STATUS_COLOURS = {
    "approved_unsupplied": "#8e7cc3",
    "supplied_unused": "#f1c232",
    "idle": "#b3261e",
    "underused": "#e69138",
    "inefficient": "#a64d79",
    "in_use": "#0b5cad",
    "revitalised": "#2e7d32",
    "unknown": "#999999",
}
"""Fill colour of each status on the map (also the legend)."""


def status_geojson(*, user, as_of: dt.date, zone_ids=None) -> dict:
    """The parcels the user may see, with a polygon, as a GeoJSON FeatureCollection in EPSG:4490 (the
    platform's own lon/lat), each with its code, zone, status, label, colour and page; the collection's
    ``bbox`` frames them all. Parcels without a polygon are left out (the ledger lists them)."""
    import shapely
    from django.urls import reverse

    classified = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
    status_of = dict(zip(classified["parcel_id"].to_list(), classified["status"].to_list(), strict=True))
    parcels = _parcels(user=user, zone_ids=zone_ids).exclude(geometry_lonlat=None)
    rows = parcels.values_list("pk", "code", "zone__name", "zone__short_name", "geometry_lonlat")
    features, bounds = [], None
    detail = reverse("land:parcel-detail", args=[0]).replace("/0/", "/{}/")
    for pk, code, zone_name, short_name, wkb in rows.iterator(chunk_size=2000):
        if not wkb:
            continue
        shape = shapely.set_precision(shapely.from_wkb(bytes(wkb)), 1e-7)  # about 1 cm: smaller, same map
        if shape.is_empty:
            continue
        minx, miny, maxx, maxy = shape.bounds
        bounds = (
            (minx, miny, maxx, maxy)
            if bounds is None
            else (min(bounds[0], minx), min(bounds[1], miny), max(bounds[2], maxx), max(bounds[3], maxy))
        )
        status = status_of.get(pk, "unknown")
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "properties": {
                    "id": pk,
                    "code": code,
                    "zone": short_name or zone_name,
                    "status": status,
                    "label": status_label(status),
                    "colour": STATUS_COLOURS.get(status, "#999999"),
                    "url": detail.format(pk),
                },
                "geometry": json.loads(shapely.to_geojson(shape)),
            }
        )
    return {"type": "FeatureCollection", "bbox": list(bounds) if bounds else None, "features": features}


def zone_geojson(*, user, zone_ids=None) -> dict:
    """The boundaries of the zones and sub-parks the user may see (those that have one) as GeoJSON, EPSG:4490."""
    import shapely
    from django.urls import reverse

    from yuanqu.zones.models import Zone

    zones = Zone.objects.restrict(user).exclude(boundary=None)
    if zone_ids is not None:
        zones = zones.filter(pk__in=zone_descendants(zone_ids))
    detail = reverse("zones:zone-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, short_name, parent_id, wkb in zones.values_list("pk", "name", "short_name", "parent_id", "boundary"):
        if not wkb:
            continue
        shape = shapely.set_precision(shapely.from_wkb(bytes(wkb)), 1e-7)
        if shape.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "properties": {
                    "id": pk,
                    "name": short_name or name,
                    "sub_park": parent_id is not None,
                    "url": detail.format(pk),
                },
                "geometry": json.loads(shapely.to_geojson(shape)),
            }
        )
    return {"type": "FeatureCollection", "features": features}
