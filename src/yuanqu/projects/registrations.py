"""What the projects app declares to the rest of the platform (yuanqu.core.registry)."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def _project_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """A project is drawn on its parcel, before and after the change."""
    touched.parcels.update(int(state["parcel_id"]) for state in (before, after) if state and state.get("parcel_id"))


def _statistics_url(*, zone, year: int) -> str:
    """The monthly statistics of the zone's projects, whose counts the measures are."""
    return f"{reverse('projects:project-statistics')}?zone={zone.pk}&year={year}"


def register() -> None:
    from yuanqu.projects import statistics
    from yuanqu.projects.importers import ProjectImporter, export_rows

    registry.data_kinds.register(
        registry.DataKind("projects", ProjectImporter, "projects.Project", export_rows, order=50)
    )
    registry.navigation.register(
        registry.NavItem("projects", _("项目全生命周期"), "projects:project-list", menu="main", order=30)
    )
    registry.navigation.register(registry.NavItem("project-list", _("项目"), "projects:project-list", order=40))
    registry.tile_touches.register(registry.TileTouch("projects.project", touch=_project_touches))
    # What yearly targets can be set on: projects newly signed, started and completed, and their investment.
    for order, (key, label, unit) in enumerate(statistics.INDICATORS, start=1):
        registry.measures.register(
            registry.Measure(
                key,
                label,
                unit,
                partial(statistics.measure, key),
                order=10 * order,
                url=_statistics_url,
                series=partial(statistics.measure_series, key),
            )
        )
