"""Pages of the ranking app: the zones' reported figures (an overview, a zone's years and months) and the peers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from yuanqu.core.access import can_edit_zone, sees_all_zones
from yuanqu.ranking import selectors
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.zones.models import Zone
from yuanqu.zones.selectors import tree_order


@login_required
def figures(request):
    """Every zone the user may see with the latest year and month it reported."""
    zones = tree_order(Zone.objects.restrict(request.user).order_by("code", "name"))
    years = {}
    for zone_id, year in (
        ZoneYear.objects.restrict(request.user).filter(zone__isnull=False).values_list("zone_id", "year")
    ):
        years[zone_id] = max(year, years.get(zone_id, year))
    months = {}
    for zone_id, year, month in ZoneMonth.objects.restrict(request.user).values_list("zone_id", "year", "month"):
        months[zone_id] = max((year, month), months.get(zone_id, (year, month)))
    rows = [
        {"zone": zone, "depth": depth, "year": years.get(zone.pk), "month": months.get(zone.pk)}
        for zone, depth in zones
    ]
    return render(request, "ranking/figures.html", {"rows": rows})


def _year(request, choices: list[int]) -> int | None:
    """The year asked for among those there are (the newest by default); 404 for one that is not there."""
    value = request.GET.get("year", "")
    if not value:
        return choices[0] if choices else None
    if not value.isascii() or not value.isdigit() or int(value) not in choices:
        raise Http404
    return int(value)


@login_required
def zone_figures(request, pk: int):
    """A zone's reported figures: every year with the change on the year before and the platform's own count
    beside it, and January to date of a year against the same months of the year before, with charts."""
    zone = get_object_or_404(Zone.objects.restrict(request.user), pk=pk)
    rows = selectors.zone_years(user=request.user, zone=zone)
    month_years = selectors.month_years(user=request.user, zone=zone)
    year = _year(request, month_years)
    months, month_table = selectors.month_table(user=request.user, zone=zone, year=year) if year else ([], [])
    chart = selectors.chart_series(
        rows=rows,
        months_now=selectors.zone_months(user=request.user, zone=zone, year=year) if year else [],
        months_before=selectors.zone_months(user=request.user, zone=zone, year=year - 1) if year else [],
    )
    context = {
        "zone": zone,
        "years": rows,
        "year_table": selectors.year_table(user=request.user, zone=zone, rows=rows),
        "month_years": month_years,
        "year": year,
        "months": months,
        "month_table": month_table,
        "chart": {**chart, "year": year},
        "flag_share": int(selectors.DIFFERENCE_FLAG * 100),
        "can_edit": can_edit_zone(request.user, zone.pk),
    }
    return render(request, "ranking/zone_figures.html", context)


@login_required
def peers(request):
    """The zones outside the platform and the years of figures imported for each (city users)."""
    if not sees_all_zones(request.user):
        raise Http404
    peers = PeerZone.objects.order_by("city", "name").prefetch_related("years")
    return render(request, "ranking/peers.html", {"peers": peers})
