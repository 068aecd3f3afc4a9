"""The supervised tasks past their deadline, as items of the shared alert list (registry.alert_sources)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.access import visible_zone_ids
from yuanqu.core.registry import AlertItem
from yuanqu.targets.selectors import late_tasks
from yuanqu.zones.models import Zone


def late_task_items(*, user, zone_ids=None, today) -> list[AlertItem]:
    """Open tasks past their deadline in these zones (None: every zone the user sees, and the city-level tasks the
    user sees), with their working days overdue, the most overdue first."""
    city_level = zone_ids is None
    if zone_ids is None:
        visible = visible_zone_ids(user)
        zone_ids = list(Zone.objects.values_list("pk", flat=True)) if visible is None else list(visible)
    items = []
    for row in late_tasks(user=user, zone_ids=zone_ids, as_of=today, city_level=city_level):
        task = row["task"]
        owner = " · ".join(part for part in (task.lead_unit, task.responsible) if part)
        items.append(
            AlertItem(
                title=f"{task.code} {task.title}".strip(),
                zone=task.zone.name if task.zone_id else _("全市"),
                owner=owner,
                due=task.deadline,
                days=row["overdue"],
                url=reverse("targets:task-detail", args=[task.pk]),
            )
        )
    return items
