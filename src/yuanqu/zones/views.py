"""Pages of the zones app: the zone hierarchy and a zone's page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from yuanqu.core.access import can_see_zone
from yuanqu.core.registry import panel_history, panels_for
from yuanqu.core.views import object_history
from yuanqu.zones import selectors
from yuanqu.zones.filtersets import ZoneFilterSet
from yuanqu.zones.models import Zone

PAGE = "zones.zone-detail"
"""A zone's page, as other apps name it when they add a panel to it."""


@login_required
def zone_list(request):
    filterset = ZoneFilterSet(request.GET, queryset=Zone.objects.restrict(request.user), request=request)
    if filterset.is_valid():
        rows, status = selectors.zone_rows(user=request.user, zones=filterset.qs), 200
    else:
        rows, status = [], 400
    context = {"form": filterset.form, "rows": rows, "columns": selectors.zone_list_columns()}
    return render(request, "zones/zone_list.html", context, status=status)


@login_required
def zone_detail(request, pk: int):
    zone = get_object_or_404(Zone.objects.restrict(request.user).select_related("parent"), pk=pk)
    sub_parks = selectors.zone_rows_under(zone=zone, user=request.user)
    context = {
        "zone": zone,
        "parent_visible": zone.parent_id is not None and can_see_zone(request.user, zone.parent_id),
        "sub_parks": sub_parks,
        "columns": selectors.zone_list_columns(),
        "totals": selectors.zone_totals(zone=zone, user=request.user),
        "page_panels": panels_for(PAGE, zone, request),
        "history": object_history(request.user, zone, *panel_history(PAGE, zone)),
    }
    return render(request, "zones/zone_detail.html", context)
