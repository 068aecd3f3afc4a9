"""What the projects app declares to the rest of the platform (yuanqu.core.registry)."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry


def _project_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """A project is drawn on its parcel, before and after the change."""
    touched.parcels.update(int(state["parcel_id"]) for state in (before, after) if state and state.get("parcel_id"))


def _statistics_url(*, zone, year: int) -> str:
    """The monthly statistics of the zone's projects, whose counts the measures are."""
    return f"{reverse('projects:project-statistics')}?zone={zone.pk}&year={year}"


# The figures zones report that these measures count from the project ledger (ranking shows both side by side).
REPORTED = {
    "signed_count": "signed_projects",
    "started_count": "started_projects",
    "completed_count": "completed_projects",
    "signed_investment": "signed_investment",
}


ZONE_PAGE = "zones.zone-detail"
ENTERPRISE_PAGE = "enterprises.enterprise-detail"
PANEL_PROJECTS = 10


def _zone_projects_panel(zone, request) -> dict:
    """The zone's projects (with its sub-parks) the user sees: how many at each stage, and the largest going ones."""
    from django.db.models import Count, Sum

    from yuanqu.core.access import zone_descendants
    from yuanqu.projects.models import Project, Stage

    projects = Project.objects.restrict(request.user).filter(zone_id__in=zone_descendants([zone.pk]))
    counts = {
        row["stage"]: row
        for row in projects.values("stage").annotate(n=Count("pk"), total=Sum("total_investment")).order_by()
    }
    stages = [
        {
            "stage": stage,
            "label": label,
            "count": counts.get(stage, {}).get("n", 0),
            "total_yi": (counts[stage]["total"] or 0) / 10000 if stage in counts else 0,
        }
        for stage, label in Stage.choices
    ]
    going = (
        projects.exclude(stage=Stage.DROPPED)
        .select_related("zone")
        .order_by("-total_investment", "name")[:PANEL_PROJECTS]
    )
    return {"zone": zone, "stages": stages, "projects": list(going), "count": sum(s["count"] for s in stages)}


def _enterprise_projects_panel(enterprise, request) -> dict:
    """The projects of the enterprise the user sees."""
    from yuanqu.projects.models import Project

    projects = Project.objects.restrict(request.user).filter(enterprise=enterprise).select_related("zone")
    return {"projects": list(projects.order_by("-created", "name"))}


def register() -> None:
    from yuanqu.projects import indicators

    importers, selectors = "yuanqu.projects.importers", "yuanqu.projects.selectors"
    statistics = "yuanqu.projects.statistics"
    registry.data_kinds.register(
        registry.DataKind(
            "projects", f"{importers}.ProjectImporter", "projects.Project", f"{importers}.export_rows", order=50
        )
    )
    registry.navigation.register(
        registry.NavItem(
            "projects", pgettext_lazy("menu", "项目全生命周期"), "projects:project-list", menu="main", order=30
        )
    )
    registry.navigation.register(registry.NavItem("project-list", _("项目"), "projects:project-list", order=40))
    registry.panels.register(
        registry.Panel("zone-projects", ZONE_PAGE, "projects/_zone_projects_panel.html", _zone_projects_panel, order=30)
    )
    registry.panels.register(
        registry.Panel(
            "enterprise-projects",
            ENTERPRISE_PAGE,
            "projects/_enterprise_projects_panel.html",
            _enterprise_projects_panel,
            order=30,
        )
    )
    registry.tile_touches.register(registry.TileTouch("projects.project", touch=_project_touches))
    registry.demo_steps.register(registry.DemoStep("projects", "yuanqu.projects.demo.build_projects", order=80))
    registry.demo_steps.register(
        registry.DemoStep("alert-responses", "yuanqu.projects.demo.build_alert_responses", order=81)
    )
    registry.map_layers.register(
        registry.MapLayer(
            "stage",
            _("按项目阶段"),
            "colouring",
            order=30,
            legend=f"{selectors}.stage_legend",
            property="stage",
            qualifies="projects",
        )
    )
    registry.map_layers.register(
        registry.MapLayer(
            "projects",
            _("项目"),
            "points",
            order=20,
            geojson=f"{selectors}.project_geojson",
            property="project",
            detail_url="projects:project-detail",
            colour="#6baed6",
            colour_by="stage",
            # Beside the enterprise's dot on the same parcel.
            paint={
                "circle-radius": 6,
                "circle-stroke-color": "#ffffff",
                "circle-stroke-width": 2,
                "circle-translate": [8, -8],
            },
            popup=(("zone", ""), ("stage_label", _("阶段"))),
            link_text=_("查看项目"),
            unmapped_text=_("未关联带图形地块的项目：{n} 个（不在地图上）"),
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("projects", _("项目推进"), "yuanqu.projects.cockpit.build", order=10)
    )
    # What yearly targets can be set on: projects newly signed, started and completed, and their investment.
    measured = [*indicators.INDICATORS, *indicators.size_class_indicators()]
    for order, (key, label, unit) in enumerate(measured, start=1):
        registry.measures.register(
            registry.Measure(
                key,
                label,
                unit,
                partial(registry.Lazy(f"{statistics}.measure"), key),
                order=10 * order,
                url=_statistics_url,
                series=partial(registry.Lazy(f"{statistics}.measure_series"), key),
                reported_figure=REPORTED.get(key, ""),
            )
        )
