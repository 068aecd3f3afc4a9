"""Enterprise requests past their due date, as items of the shared alert list (registry.alert_sources)."""

from __future__ import annotations

from django.urls import reverse

from yuanqu.core.access import visible_zone_ids
from yuanqu.core.registry import AlertItem
from yuanqu.service.selectors import late_requests
from yuanqu.zones.models import Zone


def late_request_items(*, user, zone_ids=None, today) -> list[AlertItem]:
    """Open requests past their due date in these zones (None: every zone the user sees), with their working days
    overdue, the most overdue first."""
    if zone_ids is None:
        visible = visible_zone_ids(user)
        zone_ids = list(Zone.objects.values_list("pk", flat=True)) if visible is None else list(visible)
    return [
        AlertItem(
            title=f"{row.request.number} {row.request.enterprise.name}",
            zone=row.request.enterprise.zone.name,
            owner=row.request.unit,
            due=row.request.due_on,
            days=row.overdue_days,
            url=reverse("service:request-detail", args=[row.request.pk]),
        )
        for row in late_requests(user=user, zone_ids=zone_ids, as_of=today)
    ]
