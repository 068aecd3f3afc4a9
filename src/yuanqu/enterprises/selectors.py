"""Read-side queries for enterprise pages and the figures per zone; every one restricted to the user's zones.

Views call these and render; the figures (sums, ratios, the latest year) are computed here, in the
database where the row count is unbounded, and in Python only for one enterprise's few years.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, FilteredRelation, FloatField, Q, QuerySet, Sum, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from yuanqu.core.access import zone_descendants
from yuanqu.core.readings import read_once
from yuanqu.enterprises.models import Enterprise, EnterpriseYear

# Enterprises without figures for the year come last either way round.
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "tax": (F("year_tax").asc(nulls_last=True), "pk"),
    "-tax": (F("year_tax").desc(nulls_last=True), "pk"),
    "tax_per_mu": (F("year_tax_per_mu").asc(nulls_last=True), "pk"),
    "-tax_per_mu": (F("year_tax_per_mu").desc(nulls_last=True), "pk"),
}


class FiguresFirst:
    """The ids of enterprises in the order of a sort by one of the year's figures (``SORTS["-tax"]`` and the
    like: by the figure, then by id, those without it last by id), for a paginator: its count, and any slice.

    Over many enterprises a slice is read as two queries, the enterprises with the figure in its order and then
    those without it by id, so that a page of the first is read from the year's index (ordered by tax) a page
    long, where the one query of ``SORTS`` joins every enterprise to its row and sorts them all; the second is
    asked only for the pages at and after the end of the first. A few thousand enterprises (a zone's) are sorted
    at once by the one query: walking the province's index for them would pass over every other zone's firms.
    """

    ONE_QUERY_UP_TO = 5000

    def __init__(self, queryset: QuerySet[Enterprise], sort: str):
        field = f"year_{sort.lstrip('-')}"
        order = F(field).desc() if sort.startswith("-") else F(field).asc()
        self.ids = queryset.values_list("pk", flat=True).order_by(*SORTS[sort])
        self.known = self.ids.filter(**{f"{field}__isnull": False}).order_by(order, "pk")
        self.unknown = self.ids.filter(**{f"{field}__isnull": True}).order_by("pk")
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.ids.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        if self.count() <= self.ONE_QUERY_UP_TO:
            return list(self.ids[window])
        start, stop = window.start or 0, window.stop
        known = list(self.known[start:stop])
        if stop is not None and len(known) == stop - start:
            return known
        known_total = start + len(known) if known else self.known.count()
        rest = self.unknown[max(start - known_total, 0) : None if stop is None else stop - known_total]
        return known + list(rest)


def matching(*, user, term: str, zone_ids=None) -> QuerySet[Enterprise]:
    """The enterprises the user may see (in these zones with their sub-parks) whose name contains the term or
    whose USCC starts with it: what the map's search finds."""
    enterprises = Enterprise.objects.restrict(user).filter(Q(name__icontains=term) | Q(uscc__istartswith=term))
    return enterprises if zone_ids is None else enterprises.filter(zone_id__in=zone_descendants(zone_ids))


def ordered_ids(queryset: QuerySet[Enterprise], sort: str):
    """The ids of the enterprises in the list's order, for its paginator (``FiguresFirst`` for a figure's sort)."""
    if sort in SORTS and sort.lstrip("-") != "name" and f"year_{sort.lstrip('-')}" in queryset.query.annotations:
        return FiguresFirst(queryset, sort)
    return queryset.values_list("pk", flat=True)


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _years(user) -> QuerySet[EnterpriseYear]:
    """The yearly figures the user may see; every one for None (the system: a command run without a user)."""
    return EnterpriseYear.objects.all() if user is None else EnterpriseYear.objects.restrict(user)


def _edge_year(user, order: str) -> int | None:
    # ORDER BY year LIMIT 1 walks the year index from one end, where MIN/MAX over a join would scan.
    return _years(user).order_by(order).values_list("year", flat=True).first()


def latest_year(*, user) -> int | None:
    """The newest year with figures among the enterprises the user may see."""
    return _edge_year(user, "-year")


def years_with_data(*, user) -> list[int]:
    """The years from the newest to the oldest with figures among the user's enterprises, newest first."""
    latest = latest_year(user=user)
    if latest is None:
        return []
    return list(range(latest, _edge_year(user, "year") - 1, -1))


def with_year(qs: QuerySet[Enterprise], year: int | None) -> QuerySet[Enterprise]:
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


def enterprise_rows(*, user, ids: list[int], year: int | None) -> list[Enterprise]:
    """The enterprises with these ids, in this order, with the year's figures and their zone's name.

    One query whatever the number of ids. Only the columns the list shows are loaded.
    """
    qs = (
        with_year(Enterprise.objects.restrict(user).filter(pk__in=ids), year)
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
            *Enterprise.KEY_FIELDS,
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


# --- figures per zone (the zone pages and the home page, through yuanqu.core.registry.zone_columns) ------------


def enterprise_counts(*, user, zone_ids) -> dict[int, int]:
    """Zone id → enterprises registered directly in that zone."""
    rows = Enterprise.objects.restrict(user).filter(zone_id__in=zone_ids).values("zone_id").annotate(n=Count("pk"))
    return {row["zone_id"]: row["n"] for row in rows}


def enterprise_total(*, user, zone_ids) -> int:
    """Enterprises in these zones."""
    return Enterprise.objects.restrict(user).filter(zone_id__in=zone_ids).count()


_SUMS = {
    "total_tax": Sum("tax"),
    "tax_on_land": Sum("tax", filter=Q(land_mu__gt=0)),
    "total_land": Sum("land_mu", filter=Q(land_mu__gt=0)),
}


def _year_sums(*, user, zone_ids, by_zone: bool, year: int | None = None):
    """A year's (the latest by default) tax, tax of enterprises with a land figure, and that land, per zone or in
    all."""
    year = latest_year(user=user) if year is None else year
    rows = _years(user).filter(year=year or 0, enterprise__zone_id__in=zone_ids)
    if by_zone:
        return {row["zone_id"]: row for row in rows.values(zone_id=F("enterprise__zone_id")).annotate(**_SUMS)}
    return rows.aggregate(**_SUMS)


def zone_tax(*, user, zone_ids) -> dict[int, Decimal | None]:
    """Zone id → tax paid in the latest year by its own enterprises."""
    return {pk: row["total_tax"] for pk, row in _year_sums(user=user, zone_ids=zone_ids, by_zone=True).items()}


def zone_land(*, user, zone_ids) -> dict[int, Decimal | None]:
    """Zone id → land its own enterprises reported for the latest year."""
    return {pk: row["total_land"] for pk, row in _year_sums(user=user, zone_ids=zone_ids, by_zone=True).items()}


def zone_tax_per_mu(*, user, zone_ids) -> dict[int, Decimal | None]:
    """Zone id → tax per mu in the latest year: the tax of the enterprises that reported land, over that land (so
    a firm without a land figure does not inflate it)."""
    rows = _year_sums(user=user, zone_ids=zone_ids, by_zone=True)
    return {pk: _ratio(row["tax_on_land"], row["total_land"]) for pk, row in rows.items()}


def total_tax(*, user, zone_ids) -> Decimal | None:
    return _year_sums(user=user, zone_ids=zone_ids, by_zone=False)["total_tax"]


def total_land(*, user, zone_ids) -> Decimal | None:
    return _year_sums(user=user, zone_ids=zone_ids, by_zone=False)["total_land"]


def total_tax_per_mu(*, user, zone_ids, year: int | None = None) -> Decimal | None:
    """Tax per mu of the enterprises of these zones in the year (the latest by default), as ``zone_tax_per_mu``."""
    sums = _year_sums(user=user, zone_ids=zone_ids, by_zone=False, year=year)
    return _ratio(sums["tax_on_land"], sums["total_land"])


def family_tax_per_mu(*, user, families: dict, year: int) -> dict:
    """Key → tax per mu in the year of the enterprises of each family of zones (a zone with its sub-parks, as
    ``zone_descendants`` gives it), as ``total_tax_per_mu`` of that family, from one query."""
    every = frozenset().union(*families.values()) if families else frozenset()
    rows = _year_sums(user=user, zone_ids=every, by_zone=True, year=year)
    found = {}
    for key, zone_ids in families.items():
        taxes = [rows[pk]["tax_on_land"] for pk in zone_ids if pk in rows and rows[pk]["tax_on_land"] is not None]
        land = sum((rows[pk]["total_land"] or 0 for pk in zone_ids if pk in rows), Decimal(0))
        found[key] = _ratio(sum(taxes, Decimal(0)) if taxes else None, land)
    return found


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


# --- measures: what the enterprises' yearly figures say of a zone (targets; beside the zone's own report) ------

YEAR_SUMS = {"enterprise_tax": "tax", "enterprise_output": "industrial_output"}
YEAR_COUNTS = {"above_scale_count": "above_scale", "high_tech_count": "high_tech"}


def year_measure(key: str, *, user, zone, year: int, as_of=None) -> Decimal | int | None:
    """The year's tax or output of the zone's enterprises (its sub-parks included), or how many are above scale or
    high-tech; None when none of them has figures for the year yet. The four come from one query, read once per
    cockpit build (a zone's letter and the zones' figures ask for several of them)."""
    found = read_once(
        ("enterprises.year_measures", getattr(user, "pk", None), zone.pk, year), lambda: _year_totals(user, zone, year)
    )
    if not found["n"]:
        return None
    return found[key]


def _year_totals(user, zone, year: int) -> dict:
    rows = EnterpriseYear.objects.filter(year=year, enterprise__zone_id__in=zone_descendants([zone.pk]))
    if user is not None:
        rows = rows.restrict(user)
    return rows.aggregate(
        n=Count("pk"),
        **{key: Sum(field) for key, field in YEAR_SUMS.items()},
        **{key: Count("pk", filter=Q(**{field: True})) for key, field in YEAR_COUNTS.items()},
    )
