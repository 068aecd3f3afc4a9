"""Land statuses (土地起底) as reads: the rules in force, every parcel's status as of a date, totals per status,
changes over time, and the parcels as a GeoJSON layer coloured by status.

The statuses themselves are decided by :mod:`yuanqu.analytics.land_status`; this module feeds it the parcels
(and the enterprises on them) the user may see.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import shapely
from django.core.cache import cache
from django.db.models import CharField, FloatField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import translation

from yuanqu.analytics.land_status import STATUS_LABELS, STATUSES, LandRules, LandRulesError, classify, summarise
from yuanqu.core.access import zone_descendants, zone_scope
from yuanqu.core.changelog import NO_VERSION, data_version
from yuanqu.core.queries import filter_by_ids, raw_frame
from yuanqu.core.readings import read_once
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.land.models import EnterpriseLand, LandRuleSet, Parcel
from yuanqu.zones.models import Zone

DATE_FIELDS = Parcel.DATE_FIELDS
NUMBER_FIELDS = ("area_mu", *Parcel.FIGURE_FIELDS)
PARCEL_FIELDS = (*DATE_FIELDS, *NUMBER_FIELDS, "land_use", "delay_cause")
FRAME_FIELDS = ("pk", "zone_id", "zone__name", "zone__short_name", "code", *PARCEL_FIELDS)
"""The parcel values :func:`frame_from_rows` takes, in order."""
SINCE = ("status", "status_since")
"""What the counts of land revitalised, newly idle and disposed of read of a classification."""
CHANGE_YEARS = 10
"""How many years (up to the as-of year) the changes over time cover."""
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


# --- statuses -------------------------------------------------------------------------------------------


def visible_parcels(*, user, zone_ids=None, parcel_ids=None):
    """The parcels the user may see (``user=None``: all), optionally only those in these zones (with their
    sub-parks) or with these ids."""
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
    frame = enterprise_figures_frame(user=user, parcels=parcels, as_of=as_of)
    return {
        parcel_id: (division, tax)
        for parcel_id, division, tax in frame.select("parcel_id", "industry_division", "tax_per_mu").iter_rows()
    }


def figures_schema() -> dict:
    """The columns of :func:`enterprise_figures_frame` (made when used: importing this module loads no Polars)."""
    return {"parcel_id": pl.Int64, "industry_division": pl.String, "tax_per_mu": pl.Float64}


def enterprise_figures_frame(*, user, parcels, as_of: dt.date, read=None) -> pl.DataFrame:
    """:func:`enterprise_figures` as a frame (``parcel_id``, ``industry_division``, ``tax_per_mu``), one row per
    parcel with a user at the date: three reads of plain numbers, worked out by Polars (a ledger of 100,000 parcels
    has as many uses, which a loop over Decimals would take seconds over). ``read``: (the ids of ``parcels``, the
    zones they lie in or None for all), when the caller has read the parcels of whole zones: their uses are then
    read by zone and matched to the ids here, rather than by ``parcel_id IN (the parcels)``, for which SQLite
    looks each parcel up in an index (three times the cost of reading every use of a city)."""
    uses = EnterpriseLand.objects.all() if user is None else EnterpriseLand.objects.restrict(user)
    uses = uses.exclude(start_on__gt=as_of).exclude(end_on__lt=as_of)
    if read is None:
        # A subquery rather than a list of ids: a ledger of 100,000 parcels must not hit the SQL parameter limit.
        uses = uses.filter(parcel_id__in=parcels.values("pk"))
    elif read[1] is not None:
        uses = uses.filter(parcel__zone_id__in=read[1])
    area = Cast("area_mu", FloatField())
    rows = uses.order_by().values_list("pk", "parcel_id", "enterprise_id", area, "enterprise__industry_division")
    used = raw_frame(
        rows,
        {"pk": pl.Int64, "parcel_id": pl.Int64, "enterprise_id": pl.Int64, "area": pl.Float64, "division": pl.String},
    )
    if read is not None:
        used = used.join(
            pl.DataFrame({"parcel_id": read[0]}, schema={"parcel_id": pl.Int64}), on="parcel_id", how="semi"
        )
    if used.height == 0:
        return pl.DataFrame(schema=figures_schema())
    enterprise_ids = used["enterprise_id"].unique().sort().to_list()
    # The land each enterprise holds at the date (all its uses, the parcels not asked for included).
    held = (
        raw_frame(
            filter_by_ids(EnterpriseLand.objects.all(), enterprise_ids, field="enterprise_id")
            .exclude(start_on__gt=as_of)
            .exclude(end_on__lt=as_of)
            .order_by()
            .values_list("enterprise_id", area),
            {"enterprise_id": pl.Int64, "held": pl.Float64},
        )
        .group_by("enterprise_id")
        .agg(pl.col("held").fill_null(0.0).sum())
    )
    # Each enterprise's latest year up to the as-of year.
    years = (
        filter_by_ids(EnterpriseYear.objects.filter(year__lte=as_of.year), enterprise_ids, field="enterprise_id")
        .order_by()
        .values_list("enterprise_id", "year", Cast("tax", FloatField()), Cast("land_mu", FloatField()))
    )
    latest = (
        raw_frame(years, {"enterprise_id": pl.Int64, "year": pl.Int64, "tax": pl.Float64, "land_mu": pl.Float64})
        .sort("enterprise_id", "year", descending=[False, True])
        .unique("enterprise_id", keep="first", maintain_order=True)
    )
    land = (
        pl.when(pl.col("land_mu").is_not_null() & (pl.col("land_mu") != 0))
        .then(pl.col("land_mu"))
        .otherwise(pl.col("held"))
    )
    counted = pl.col("tax").is_not_null() & land.is_not_null() & (land != 0)
    joined = (
        used.join(held, on="enterprise_id", how="left")
        .join(latest.select("enterprise_id", "tax", "land_mu"), on="enterprise_id", how="left")
        .with_columns(land.alias("land"), counted.alias("counted"))
    )
    per_parcel = (
        # Of two users of a parcel with the same area, the first recorded is the main one.
        joined.sort("parcel_id", pl.col("area").fill_null(0.0), "pk", descending=[False, True, False])
        .group_by("parcel_id", maintain_order=True)
        .agg(
            pl.col("division").first().alias("division"),
            pl.col("tax").filter(pl.col("counted")).sum().alias("tax_sum"),
            pl.col("land").filter(pl.col("counted")).sum().alias("land_sum"),
        )
    )
    division = pl.col("division")
    return per_parcel.select(
        "parcel_id",
        pl.when(division.is_not_null() & (division != "")).then(division).alias("industry_division"),
        pl.when(pl.col("land_sum") != 0).then(pl.col("tax_sum") / pl.col("land_sum")).alias("tax_per_mu"),
    ).cast(figures_schema())


def parcel_frame(
    *, user, as_of: dt.date, zone_ids=None, parcel_ids=None, figures: bool = True, ordered: bool = True
) -> pl.DataFrame:
    """The input frame of :func:`classify` for the parcels the user may see (``user=None``: all), optionally
    only those in these zones (with their sub-parks) or with these ids. ``figures`` False leaves the enterprises'
    figures out (null): only the inefficient and under-used statuses read them, idle and revitalised land do not.
    ``ordered`` False leaves the parcels in no order (a ledger's order, by zone and code, is a sort of the whole
    rows; totals need none)."""
    parcels = visible_parcels(user=user, zone_ids=zone_ids, parcel_ids=parcel_ids)
    # Figures as floats and dates as ISO text from the database, made into columns by Polars at once: no Decimal
    # or date object made per value (a ledger of 100,000 parcels has 800,000 figures and 700,000 dates).
    fields = [
        Cast(name, FloatField()) if name in NUMBER_FIELDS else Cast(name, CharField()) if name in DATE_FIELDS else name
        for name in FRAME_FIELDS
    ]
    ordering = ("zone__code", "zone__name", "code") if ordered else ()
    rows = raw_frame(parcels.order_by(*ordering).values_list(*fields), _read_schema(dates_as_text=True))
    if figures:
        read = None
        if parcel_ids is None:  # whole zones: their uses read by zone (all of them for every zone)
            zones = zone_descendants(zone_ids) if zone_ids is not None else None
            if zones is not None and zones.issuperset(Zone.objects.values_list("pk", flat=True)):
                zones = None
            read = (rows["parcel_id"].to_list(), zones)
        known = enterprise_figures_frame(user=user, parcels=parcels, as_of=as_of, read=read)
    else:
        known = pl.DataFrame(schema=figures_schema())
    return frame_from_rows(rows, known, dates_as_text=True)


def frame_schema() -> dict:
    """The columns of the input frame of :func:`classify` and their types."""
    schema = {"parcel_id": pl.Int64, "zone_id": pl.Int64, "zone": pl.String, "code": pl.String}
    schema |= {name: pl.Date for name in DATE_FIELDS}
    schema |= {name: pl.Float64 for name in NUMBER_FIELDS}
    schema |= {
        "land_use": pl.String,
        "delay_cause": pl.String,
        "industry_division": pl.String,
        "tax_per_mu": pl.Float64,
    }
    return schema


def _read_schema(dates_as_text: bool) -> dict:
    """The columns of the parcel rows as read (FRAME_FIELDS), before frame_from_rows makes the input frame."""
    schema = frame_schema()
    read = {"parcel_id": pl.Int64, "zone_id": pl.Int64, "zone_name": pl.String, "short_name": pl.String}
    read |= {"code": pl.String, **{name: schema[name] for name in PARCEL_FIELDS}}
    if dates_as_text:
        read |= {name: pl.String for name in DATE_FIELDS}
    return read


def frame_from_rows(
    rows, figures: dict[int, tuple[str | None, float | None]] | pl.DataFrame, *, dates_as_text: bool = False
) -> pl.DataFrame:
    """The input frame of :func:`classify` from parcel rows (values of FRAME_FIELDS, figures as numbers or
    Decimals, dates as dates or, with ``dates_as_text``, as ISO text) and the enterprise figures of
    :func:`enterprise_figures` (or its frame); built by Polars from the rows at once."""
    schema = frame_schema()
    frame = (
        rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, schema=_read_schema(dates_as_text), orient="row")
    )
    if dates_as_text:
        frame = frame.with_columns(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d") for name in DATE_FIELDS)
    if isinstance(figures, pl.DataFrame):
        known = figures.select(list(figures_schema())).cast(figures_schema())
    else:
        known = pl.DataFrame(
            {
                "parcel_id": list(figures),
                "industry_division": [division for division, _tax in figures.values()],
                "tax_per_mu": [tax for _division, tax in figures.values()],
            },
            schema=figures_schema(),
        )
    short = pl.col("short_name")
    frame = frame.with_columns(
        pl.when(short.is_not_null() & (short != "")).then(short).otherwise(pl.col("zone_name")).alias("zone")
    ).join(known, on="parcel_id", how="left", maintain_order="left")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def land_statuses(
    *, user, as_of: dt.date, zone_ids=None, rules: LandRules | None = None, frame: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every parcel the user may see (in these zones and their sub-parks), classified as of ``as_of``; ``frame``:
    their :func:`parcel_frame`, when the caller has read it already.

    One row per parcel: its id, zone, code and figures, with ``status``, ``status_since``, ``reason_zh``,
    ``reason_en``, the idle-fee and recovery lines (see ``land_status.OUTPUT_COLUMNS``).
    """
    if frame is None:
        frame = parcel_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    return classify(frame, as_of=as_of, rules=rules or current_rules())


def ledger_summary(*, user, as_of: dt.date, zone_ids=None) -> dict:
    """What the ledger shows for the user's parcels (in these zones and their sub-parks) as of the date, from one
    reading of the parcels: ``classified`` (see :func:`land_statuses`), ``totals`` per status, ``by_zone`` totals
    per zone and status, and the ``changes`` over the years (see :func:`changes_by_year`)."""
    frame = parcel_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    classified = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids, frame=frame)
    by_zone = []
    if classified.height:
        for row in status_totals(classified, by=["zone", "status"]).iter_rows(named=True):
            by_zone.append({**row, "label": status_label(row["status"])})
    return {
        "classified": classified,
        "totals": totals_table(classified),
        "by_zone": by_zone,
        "changes": changes_by_year(user=user, as_of=as_of, zone_ids=zone_ids, frame=frame),
    }


def _data_key(*, user, as_of: dt.date, zone_ids, what: str) -> str | None:
    """A key for what these arguments read at the current data version (the newest change-log entry); None while
    the change log is empty and versions tell nothing apart."""
    version = data_version()
    if version == NO_VERSION:
        return None
    zones = ",".join(map(str, sorted(zone_ids))) if zone_ids is not None else "-"
    scope = "all" if user is None else zone_scope(user)
    return f"yuanqu:ledger:{what}:{version}:{scope}:{as_of.isoformat()}:{zones}"


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


def ids_with_status(*, user, status: str, as_of: dt.date, zone_ids=None) -> list[int]:
    """Ids of the parcels the user may see that have this status as of the date; cached while the data have
    not changed (the parcel list's status filter asks again for every page)."""
    key = _data_key(user=user, as_of=as_of, zone_ids=zone_ids, what=f"ids-{status}")
    ids = cache.get(key) if key is not None else None
    if ids is None:
        frame = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
        ids = frame.filter(pl.col("status") == status)["parcel_id"].to_list()
        if key is not None:
            cache.set(key, ids, 24 * 3600)
    return ids


def changes_by_year(
    *, user, as_of: dt.date, zone_ids=None, years: int = CHANGE_YEARS, frame: pl.DataFrame | None = None
) -> list[dict]:
    """Per year up to the as-of year: mu revitalised and mu newly idle that year; ``frame``: the parcels'
    :func:`parcel_frame`, when the caller has read it already.

    Each year is classified at its last day (the as-of date for the as-of year); a parcel counts for the
    year in which its status (revitalised, idle) began.
    """
    rules = current_rules()
    if frame is None:
        frame = parcel_frame(user=user, as_of=as_of, zone_ids=zone_ids)
    result = []
    for year in range(as_of.year - years + 1, as_of.year + 1):
        day = min(dt.date(year, 12, 31), as_of)
        classified = classify(frame, as_of=day, rules=rules, columns=SINCE)
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


def zone_status_table(by_zone: list[dict], totals: list[dict]) -> dict:
    """The per-zone summary as a zone × status table: a column per status present (in report order), a row per
    zone with its parcels and mu in each, and the zone's total; the totals row is the ledger's."""
    statuses = [{"status": t["status"], "label": t["label"]} for t in totals]
    zones: dict[str, dict] = {}
    for row in by_zone:
        zones.setdefault(row["zone"], {})[row["status"]] = row
    rows = []
    for zone, cells in zones.items():
        rows.append(
            {
                "zone": zone,
                "cells": [cells.get(s["status"]) for s in statuses],
                "parcels": sum(c["parcels"] for c in cells.values()),
                "area_mu": round(sum(c["area_mu"] for c in cells.values()), 4),
            }
        )
    return {
        "statuses": statuses,
        "rows": rows,
        "totals": totals,
        "parcels": sum(t["parcels"] for t in totals),
        "area_mu": round(sum(t["area_mu"] for t in totals), 4),
    }


# --- the map ----------------------------------------------------------------------------------------------


def status_legend() -> list[dict]:
    """The legend of the parcels coloured by land status: value, label and colour of each status."""
    return [{"value": s, "label": status_label(s), "colour": colour} for s, colour in STATUS_COLOURS.items()]


def status_geojson(*, user, as_of: dt.date, zone_ids=None) -> dict:
    """The parcels the user may see, with a polygon, as a GeoJSON FeatureCollection in EPSG:4490 (the
    platform's own lon/lat), each with its code, zone, status, label, colour and page; the collection's
    ``bbox`` frames them all. Parcels without a polygon are left out (the ledger lists them)."""
    classified = land_statuses(user=user, as_of=as_of, zone_ids=zone_ids)
    status_of = dict(zip(classified["parcel_id"].to_list(), classified["status"].to_list(), strict=True))
    parcels = visible_parcels(user=user, zone_ids=zone_ids).exclude(geometry_lonlat=None)
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


def revitalised_mu(*, user, zone, year: int, as_of: dt.date) -> float | None:
    """Mu of the zone's parcels (its sub-parks included) revitalised in the year up to the date (None before the
    year began): what the land ledger counts of what a zone reports as 盘活存量土地."""
    day = min(as_of, dt.date(year, 12, 31))
    if day.year < year:
        return None
    frame = _bare_frame(user=user, zone=zone)
    return changes_by_year(user=user, as_of=day, zone_ids=[zone.pk], years=1, frame=frame)[0]["revitalised_mu"]


def _bare_frame(*, user, zone) -> pl.DataFrame:
    """The zone's parcels without the enterprises' figures, which idle and revitalised land do not depend on; read
    once per cockpit build (a zone's letter may set targets on both measures of land)."""
    return read_once(
        ("land.parcel_frame", getattr(user, "pk", None), zone.pk),
        # Without the figures the frame is the same at any date: the date only dates the enterprises' figures.
        lambda: parcel_frame(user=user, as_of=dt.date.today(), zone_ids=[zone.pk], figures=False),
    )


def idle_disposed_mu(*, user, zone, year: int, as_of: dt.date) -> float | None:
    """Mu of the zone's parcels (its sub-parks included) that were idle when the year began and are no longer idle
    at the date (闲置土地处置): the idle land the zone disposed of in the year so far; None before the year."""
    day = min(as_of, dt.date(year, 12, 31))
    if day.year < year:
        return None
    rules = current_rules()
    frame = _bare_frame(user=user, zone=zone)
    if frame.height == 0:
        return 0.0
    at_start = classify(frame, as_of=dt.date(year - 1, 12, 31), rules=rules, columns=SINCE)
    now = classify(frame, as_of=day, rules=rules, columns=SINCE)
    idle_before = set(at_start.filter(pl.col("status") == "idle")["parcel_id"].to_list())
    idle_now = set(now.filter(pl.col("status") == "idle")["parcel_id"].to_list())
    disposed = now.filter(pl.col("parcel_id").is_in(sorted(idle_before - idle_now)))
    return round(float(disposed["area_mu"].fill_null(0.0).sum()), 4)
