"""Read-side queries for enterprise pages and the home dashboard; every one restricted to the user's zones.

Views call these and render; the figures (sums, ratios, the latest year) are computed here, in the
database where the row count is unbounded, and in Python only for one enterprise's few years.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, FilteredRelation, FloatField, Q, QuerySet, Sum, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from yuanqu.core.access import can_see_zone, zone_descendants
from yuanqu.enterprises.models import Enterprise, EnterpriseLand, EnterpriseYear
from yuanqu.zones.models import Zone
from yuanqu.zones.selectors import own_counts, tree_order

# Enterprises without figures for the year come last either way round.
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "tax": (F("year_tax").asc(nulls_last=True), "pk"),
    "-tax": (F("year_tax").desc(nulls_last=True), "pk"),
    "tax_per_mu": (F("year_tax_per_mu").asc(nulls_last=True), "pk"),
    "-tax_per_mu": (F("year_tax_per_mu").desc(nulls_last=True), "pk"),
}


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _edge_year(user, order: str) -> int | None:
    # ORDER BY year LIMIT 1 walks the year index from one end, where MIN/MAX over a join would scan.
    return EnterpriseYear.objects.restrict(user).order_by(order).values_list("year", flat=True).first()


def latest_year(*, user) -> int | None:
    """The newest year with figures among the enterprises the user may see."""
    return _edge_year(user, "-year")


def years_with_data(*, user) -> list[int]:
    """The years from the newest to the oldest with figures among the user's enterprises, newest first."""
    latest = latest_year(user=user)
    if latest is None:
        return []
    return list(range(latest, _edge_year(user, "year") - 1, -1))


def _with_year(qs: QuerySet[Enterprise], year: int | None) -> QuerySet[Enterprise]:
    """Annotate each enterprise with one year's tax, land, scale flag and tax per mu (one filtered join)."""
    return qs.annotate(fig=FilteredRelation("years", condition=Q(years__year=year or 0))).annotate(
        year_tax=F("fig__tax"),
        year_land=F("fig__land_mu"),
        year_above_scale=F("fig__above_scale"),
        # Float division: SQLite divides two whole-number decimals as integers.
        year_tax_per_mu=Case(
            When(fig__land_mu__gt=0, then=Cast("fig__tax", FloatField()) / Cast("fig__land_mu", FloatField())),
            default=None,
            output_field=FloatField(),
        ),
    )


def enterprise_list(
    *,
    user,
    year: int | None,
    zone: Zone | None = None,
    division: str = "",
    above_scale: bool | None = None,
    q: str = "",
    sort: str = "name",
) -> QuerySet[Enterprise]:
    """Enterprises the user may see, filtered and sorted by name or by one year's tax or tax per mu.

    ``zone`` includes its sub-parks. ``above_scale`` filters on that year's flag, so an enterprise with
    no figures for the year is neither above nor below scale. For a page of a long list, take the ids
    from this queryset and load the rows with ``enterprise_rows`` (sorting narrow rows is much faster).
    """
    qs = Enterprise.objects.restrict(user)
    if zone is not None:
        qs = qs.filter(zone_id__in=zone_descendants([zone.pk]))
    if division:
        qs = qs.filter(industry_division=division)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    sort = sort if sort in SORTS else "name"
    # The year's join only where a filter or the order needs it: counting and sorting by name skip it.
    if above_scale is not None or sort not in ("name", "-name"):
        qs = _with_year(qs, year)
    if above_scale is not None:
        qs = qs.filter(fig__above_scale=above_scale)
    return qs.order_by(*SORTS[sort])


def enterprise_rows(*, user, ids: list[int], year: int | None) -> list[Enterprise]:
    """The enterprises with these ids, in this order, with the year's figures and their zone's name.

    One query whatever the number of ids. Only the columns the list shows are loaded.
    """
    qs = (
        _with_year(Enterprise.objects.restrict(user).filter(pk__in=ids), year)
        .select_related("zone")
        .only(
            "uscc",
            "name",
            "zone",
            "industry_code",
            "industry_section",
            "industry_division",
            "zone__name",
            "zone__short_name",
        )
    )
    by_id = {enterprise.pk: enterprise for enterprise in qs}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class YearFigures:
    """One year of an enterprise's figures with the ratios the per-mu evaluation reads."""

    row: EnterpriseYear

    @property
    def tax_per_mu(self) -> Decimal | None:
        return _ratio(self.row.tax, self.row.land_mu)

    @property
    def revenue_per_mu(self) -> Decimal | None:
        return _ratio(self.row.revenue, self.row.land_mu)

    @property
    def value_added_per_tce(self) -> Decimal | None:
        return _ratio(self.row.value_added, self.row.energy_tce)


def yearly_figures(enterprise: Enterprise) -> list[YearFigures]:
    """The enterprise's years, oldest first, with tax and revenue per mu and value added per tce."""
    return [YearFigures(row) for row in enterprise.years.order_by("year")]


def chart_series(figures: list[YearFigures]) -> dict:
    """Years, tax and tax per mu as plain numbers for the ECharts chart (None where unknown)."""

    def plain(value):
        return None if value is None else round(float(value), 4)

    return {
        "years": [str(f.row.year) for f in figures],
        "tax": [plain(f.row.tax) for f in figures],
        "tax_per_mu": [plain(f.tax_per_mu) for f in figures],
    }


def land_used(*, enterprise: Enterprise, user) -> list[EnterpriseLand]:
    """The parcels the enterprise uses, each marked ``parcel_visible`` when the user may open that parcel.

    A parcel may lie in another zone than its user's enterprise; its code is then not shown.
    """
    rows = list(enterprise.land.select_related("parcel").order_by("start_on", "pk"))
    for row in rows:
        row.parcel_visible = can_see_zone(user, row.parcel.zone_id)
    return rows


@dataclass
class ZoneFigures:
    """One zone's line on the dashboard: its own enterprises, parcels and the year's tax and land."""

    zone: Zone
    depth: int
    enterprises: int
    parcels: int
    parcel_mu: Decimal
    tax: Decimal | None
    tax_on_land: Decimal | None
    land_mu: Decimal | None

    @property
    def tax_per_mu(self) -> Decimal | None:
        return _ratio(self.tax_on_land, self.land_mu)


@dataclass
class Dashboard:
    """Totals over the zones a user may see, for the latest year with figures."""

    year: int | None
    zones: list[ZoneFigures]

    @property
    def zone_count(self) -> int:
        return len(self.zones)

    @property
    def enterprises(self) -> int:
        return sum(z.enterprises for z in self.zones)

    @property
    def parcels(self) -> int:
        return sum(z.parcels for z in self.zones)

    @property
    def parcel_mu(self) -> Decimal:
        return sum((z.parcel_mu for z in self.zones), Decimal(0))

    @property
    def tax(self) -> Decimal | None:
        values = [z.tax for z in self.zones if z.tax is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def land_mu(self) -> Decimal | None:
        values = [z.land_mu for z in self.zones if z.land_mu is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def tax_on_land(self) -> Decimal | None:
        values = [z.tax_on_land for z in self.zones if z.tax_on_land is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def tax_per_mu(self) -> Decimal | None:
        return _ratio(self.tax_on_land, self.land_mu)


def dashboard(*, user) -> Dashboard:
    """The home page's figures: per visible zone its own enterprises, parcels, mu, and the latest year's tax.

    Tax per mu divides the tax of enterprises that reported land by that land, so a firm without a
    land figure does not inflate it.
    """
    year = latest_year(user=user)
    ordered = tree_order(Zone.objects.restrict(user).order_by("code", "name"))
    ids = [z.pk for z, _depth in ordered]
    counts = own_counts(ids)
    taxes: dict[int, dict] = {}
    if year is not None:
        rows = (
            EnterpriseYear.objects.restrict(user)
            .filter(year=year)
            .values(zone_id=F("enterprise__zone_id"))
            .annotate(
                total_tax=Sum("tax"),
                tax_on_land=Sum("tax", filter=Q(land_mu__gt=0)),
                total_land=Sum("land_mu", filter=Q(land_mu__gt=0)),
            )
        )
        taxes = {row["zone_id"]: row for row in rows}
    zones = []
    for zone, depth in ordered:
        tax = taxes.get(zone.pk, {})
        zones.append(
            ZoneFigures(
                zone=zone,
                depth=depth,
                **counts[zone.pk],
                tax=tax.get("total_tax"),
                tax_on_land=tax.get("tax_on_land"),
                land_mu=tax.get("total_land"),
            )
        )
    return Dashboard(year=year, zones=zones)


def dashboard_chart(board: Dashboard) -> dict:
    """Zone names and tax per mu for the dashboard's bar chart (zones without figures left out)."""
    shown = [z for z in board.zones if z.tax_per_mu is not None]
    return {
        "zones": [z.zone.display_name for z in shown],
        "tax_per_mu": [round(float(z.tax_per_mu), 2) for z in shown],
    }


@dataclass
class FigureRow:
    """One indicator across the years: its label with unit, how to show it, and one value per year."""

    label: str
    kind: str  # "number" (with ``places`` decimals) or "flag"
    places: int
    values: list


# (field of EnterpriseYear, decimals shown; None for a yes/no flag). The labels are the fields' verbose
# names, which carry their units.
FIGURE_FIELDS = [
    ("above_scale", None),
    ("land_mu", 2),
    ("tax", 2),
    ("revenue", 2),
    ("industrial_output", 2),
    ("value_added", 2),
    ("energy_tce", 2),
    ("electricity", 2),
    ("emissions", 2),
    ("rd_spending", 2),
    ("employees", 0),
    ("high_tech", None),
    ("incident", None),
]


def figure_table(figures: list[YearFigures]) -> list[FigureRow]:
    """Indicators as rows and years as columns, the way yearly statistics are laid out in reports."""
    rows = []
    for name, places in FIGURE_FIELDS:
        label = str(EnterpriseYear._meta.get_field(name).verbose_name)
        kind = "flag" if places is None else "number"
        rows.append(FigureRow(label, kind, places or 0, [getattr(f.row, name) for f in figures]))
    ratios = [
        ("tax_per_mu", _("亩均税收（万元/亩）")),
        ("revenue_per_mu", _("亩均营业收入（万元/亩）")),
        ("value_added_per_tce", _("单位能耗增加值（万元/吨标准煤）")),
    ]
    for name, label in ratios:
        rows.append(FigureRow(label, "number", 2, [getattr(f, name) for f in figures]))
    return rows
