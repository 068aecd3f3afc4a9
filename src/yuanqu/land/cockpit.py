"""The land section of the cockpit and the monthly report (``registry.cockpit_sections``): the land stock by legal
status in mu, idle and inefficient land, land revitalised and idle land disposed of from January to the month
against the same months of last year, the stock per zone, and a thumbnail map of the idle parcels.

Every figure comes from one reading of the scope's parcels (``status.parcel_frame``) classified by the land rules in
force at the dates the figures need, so the numbers are those of the land ledger and of the measures
``revitalised_mu`` and ``idle_disposed_mu`` (a revitalised or idle status does not depend on the enterprises'
figures, which are read as of the period's date)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import polars as pl
import shapely
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.land_status import IDLE, INEFFICIENT, REVITALISED
from yuanqu.core.access import zone_descendants
from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table
from yuanqu.land import status
from yuanqu.land.models import Parcel
from yuanqu.zones.models import Zone

MAP_FEATURES = 300
"""The idle parcels a thumbnail draws at most (the largest first): enough to see where idle land lies, small
enough for a card and a page of the report."""
MAP_TOLERANCE = 2e-5
"""Simplification of the thumbnail's shapes in degrees (about 2 m): invisible at a thumbnail's scale."""
MAP_PRECISION = 1e-6
"""Coordinates rounded to about 10 cm: a shorter GeoJSON, the same picture."""
STATUS_COLUMNS = ("status", "status_since")
"""What the section reads of a classification."""


def _url(name: str, scope: Scope, period: Period, **extra) -> str:
    query = {"as_of": period.as_of.isoformat(), **({"zone": scope.zone.pk} if scope.zone is not None else {}), **extra}
    return f"{reverse(name)}?{urlencode(query)}"


def _ledger_url(scope: Scope, period: Period) -> str:
    return _url("land:ledger", scope, period)


def _parcels_url(scope: Scope, period: Period, state: str) -> str:
    """The parcel list of one status as of the period's date: the parcels behind a figure."""
    return _url("land:parcel-list", scope, period, status=state)


def _mu(frame: pl.DataFrame) -> float:
    return round(float(frame["area_mu"].fill_null(0.0).sum()), 4)


def _of_status(classified: pl.DataFrame, state: str) -> pl.DataFrame:
    return classified.filter(pl.col("status") == state)


def revitalised_in(classified: pl.DataFrame, year: int) -> float:
    """Mu revitalised in ``year`` up to the date ``classified`` was classified at (as ``status.revitalised_mu``)."""
    return _mu(classified.filter((pl.col("status") == REVITALISED) & (pl.col("status_since").dt.year() == year)))


def disposed(before: pl.DataFrame, now: pl.DataFrame) -> float:
    """Mu idle in ``before`` and no longer idle in ``now`` (as ``status.idle_disposed_mu``)."""
    idle_before = set(_of_status(before, IDLE)["parcel_id"].to_list())
    idle_now = set(_of_status(now, IDLE)["parcel_id"].to_list())
    return _mu(now.filter(pl.col("parcel_id").is_in(sorted(idle_before - idle_now))))


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    zone_ids = [zone.pk for zone in scope.zones]
    rules = status.current_rules()
    frame = status.parcel_frame(user=scope.user, as_of=period.as_of, zone_ids=zone_ids, ordered=False)
    if frame.height == 0:
        return None
    previous = period.previous

    def classified(as_of: dt.date) -> pl.DataFrame:
        # The statuses and their dates only: the section shows no reasons, whose words are most of the work.
        return status.classify(frame, as_of=as_of, rules=rules, columns=STATUS_COLUMNS)

    now = classified(period.as_of)
    then = classified(previous.as_of)
    year_start = classified(_year_end(period.year - 1))
    last_year_start = classified(_year_end(period.year - 2))
    fresh = _("认定于 {date}").format(date=period.as_of.isoformat())
    url = _ledger_url(scope, period)
    figures = [
        Figure(
            "idle_mu",
            _("闲置土地"),
            _mu(_of_status(now, IDLE)),
            _("亩"),
            places=2,
            previous=_mu(_of_status(then, IDLE)),
            fresh=fresh,
            url=_parcels_url(scope, period, IDLE),
        ),
        Figure(
            "inefficient_mu",
            _("低效用地"),
            _mu(_of_status(now, INEFFICIENT)),
            _("亩"),
            places=2,
            fresh=fresh,
            url=_parcels_url(scope, period, INEFFICIENT),
        ),
        Figure(
            "revitalised_mu",
            _("盘活土地（本年累计）"),
            revitalised_in(now, period.year),
            _("亩"),
            places=2,
            previous=revitalised_in(then, previous.year),
            fresh=fresh,
            url=url,
        ),
        Figure(
            "idle_disposed_mu",
            _("处置闲置土地（本年累计）"),
            disposed(year_start, now),
            _("亩"),
            places=2,
            previous=disposed(last_year_start, then),
            fresh=fresh,
            url=url,
        ),
    ]
    totals = status.totals_table(now)
    charts = [
        Chart(
            "land-by-status",
            _("土地存量（按认定状态）"),
            "bar",
            [row["label"] for row in totals],
            [Series(_("面积"), [row["area_mu"] for row in totals])],
            unit=_("亩"),
            extra={"colours": [status.STATUS_COLOURS.get(row["status"], "#999999") for row in totals]},
        )
    ]
    thumbnail = idle_map(scope=scope, classified=now)
    if thumbnail is not None:
        charts.append(thumbnail)
    tables = [_zone_table(scope, period, now, totals)] if scope.side_by_side else []
    return Section(
        "land",
        _("土地起底"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("土地台账（按现行认定规则）"),
        fresh=fresh,
        url=url,
    )


def _zone_table(scope: Scope, period: Period, classified: pl.DataFrame, totals: list[dict]) -> Table:
    """One row per zone shown (its sub-parks included): mu of each status present, and in all."""
    shown = [row["status"] for row in totals]
    top_of = {sub: zone.pk for zone in scope.zones for sub in zone_descendants([zone.pk])}
    sums: dict[tuple[int, str], float] = {}
    grouped = (
        classified.with_columns(pl.col("zone_id").replace_strict(top_of, default=None).alias("top"))
        .group_by("top", "status")
        .agg(pl.col("area_mu").fill_null(0.0).sum())
    )
    for top, state, mu in grouped.iter_rows():
        sums[(top, state)] = round(mu, 4)
    columns = [
        Column(_("园区"), numeric=False),
        *(Column(status.status_label(state), _("亩"), 2) for state in shown),
        Column(_("合计"), _("亩"), 2),
    ]
    rows = []
    for zone in scope.zones:
        cells = [sums.get((zone.pk, state), 0.0) for state in shown]
        query = urlencode({"as_of": period.as_of.isoformat(), "zone": zone.pk})
        rows.append(Row([zone.name, *cells, round(sum(cells), 4)], url=f"{reverse('land:ledger')}?{query}"))
    total = Row([_("合计"), *(row["area_mu"] for row in totals), round(sum(row["area_mu"] for row in totals), 4)])
    return Table("land-by-zone", _("各园区土地存量（亩）"), columns, rows, total=total)


def idle_map(*, scope: Scope, classified: pl.DataFrame) -> Chart | None:
    """A thumbnail of the idle parcels (the largest ``MAP_FEATURES``) over the zones' boundaries: lon/lat GeoJSON
    (EPSG:4490, CGCS2000, which WGS84 matches to a few centimetres), shapes simplified; None without idle land."""
    idle = _of_status(classified, IDLE).sort(["area_mu", "code"], descending=[True, False], nulls_last=True)
    if idle.height == 0:
        return None
    chosen = idle.head(MAP_FEATURES)
    facts = {
        row["parcel_id"]: row for row in chosen.select("parcel_id", "code", "zone", "area_mu").iter_rows(named=True)
    }
    rows = Parcel.objects.filter(pk__in=list(facts)).exclude(geometry_lonlat=None).values_list("pk", "geometry_lonlat")
    detail = reverse("land:parcel-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, wkb in rows:
        shape = _thumbnail_shape(wkb)
        if shape is None:
            continue
        row = facts[pk]
        area = row["area_mu"]
        properties = {
            "id": pk,
            "code": row["code"],
            "zone": row["zone"],
            "area_mu": None if area is None else round(area, 2),
            "url": detail.format(pk),
        }
        features.append(_feature(pk, properties, shape))
    features.sort(key=lambda f: -(f["properties"]["area_mu"] or 0))
    boundaries = []
    for pk, name, short_name, wkb in (
        Zone.objects.filter(pk__in=[zone.pk for zone in scope.zones])
        .exclude(boundary=None)
        .values_list("pk", "name", "short_name", "boundary")
    ):
        shape = _thumbnail_shape(wkb)
        if shape is not None:
            boundaries.append(_feature(pk, {"id": pk, "name": short_name or name}, shape))
    extent = _extent([*features, *boundaries])
    return Chart(
        "idle-land-map",
        _("闲置土地分布"),
        "map",
        [],
        [],
        unit=_("亩"),
        extra={
            "geojson": {"type": "FeatureCollection", "features": features},
            "zones": {"type": "FeatureCollection", "features": boundaries},
            "extent": extent,
            "parcels": idle.height,
            "shown": len(features),
            "colour": status.STATUS_COLOURS[IDLE],
        },
    )


def _thumbnail_shape(wkb):
    if not wkb:
        return None
    shape = shapely.from_wkb(bytes(wkb))
    shape = shapely.set_precision(shapely.simplify(shape, MAP_TOLERANCE, preserve_topology=True), MAP_PRECISION)
    return None if shape.is_empty else shape


def _feature(pk: int, properties: dict, shape) -> dict:
    return {
        "type": "Feature",
        "id": pk,
        "properties": properties,
        "geometry": json.loads(shapely.to_geojson(shape)),
        "bbox": list(shape.bounds),
    }


def _extent(features: list[dict]) -> list[float] | None:
    boxes = [feature["bbox"] for feature in features]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
