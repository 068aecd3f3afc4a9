"""What the evaluation app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry

ZONE_PAGE = "zones.zone-detail"
ENTERPRISE_PAGE = "enterprises.enterprise-detail"


def _latest_published(user, results):
    from yuanqu.evaluation.models import EvaluationRun

    return results.filter(
        run__status=EvaluationRun.Status.PUBLISHED, run__in=EvaluationRun.objects.restrict(user)
    ).order_by("-run__year", "-run_id")


def _enterprise_grade_panel(enterprise, request) -> dict:
    """The enterprise's result in the latest published run the user sees: grade, score, rank, with its run."""
    from yuanqu.evaluation.models import EvaluationResult

    results = EvaluationResult.objects.restrict(request.user).filter(enterprise=enterprise)
    return {"result": _latest_published(request.user, results).select_related("run").first()}


def _zone_grades_panel(zone, request) -> dict | None:
    """How many of the zone's enterprises (with its sub-parks) got each grade in the latest published run that
    graded any of them."""
    from django.db.models import Count

    from yuanqu.core.access import zone_descendants
    from yuanqu.evaluation.models import GRADES, EvaluationResult

    results = EvaluationResult.objects.restrict(request.user).filter(zone_id__in=zone_descendants([zone.pk]))
    latest = _latest_published(request.user, results).select_related("run").first()
    if latest is None:
        return {"run": None}
    counts = dict(
        results.filter(run=latest.run).values_list("grade").annotate(n=Count("pk")).order_by().values_list("grade", "n")
    )
    grades = [{"grade": g, "count": counts.get(g, 0)} for g in GRADES]
    return {"run": latest.run, "grades": grades, "ungraded": counts.get("", 0), "total": sum(counts.values())}


def _grades(*, user, ids) -> dict:
    """The enterprises' grades in the latest published run, for their dots on the map."""
    from yuanqu.evaluation.selectors import latest_grades

    return latest_grades(user=user, enterprise_ids=ids)


def register() -> None:
    selectors = "yuanqu.evaluation.selectors"
    registry.navigation.register(
        registry.NavItem("evaluation", pgettext_lazy("menu", "亩均评价"), "evaluation:run-list", menu="main", order=40)
    )
    registry.navigation.register(registry.NavItem("evaluation-runs", _("亩均评价"), "evaluation:run-list", order=50))
    # Grades are on every parcel of an enterprise that has one.
    for model in ("evaluation.evaluationrun", "evaluation.evaluationresult"):
        registry.tile_touches.register(registry.TileTouch(model, scope="row"))
    registry.evaluations.register(
        registry.EvaluationCommand(
            "mujun",
            "亩均效益评价 / per-mu evaluation",
            "yuanqu.evaluation.commands.add_arguments",
            "yuanqu.evaluation.commands.handle",
            order=10,
        )
    )
    # Targets on the per-mu results: the share graded A or B, the enterprises graded D (the latest evaluation
    # published in the target's year).
    registry.measures.register(
        registry.Measure("grade_ab_share", _("亩均评价A、B类企业占比"), "%", f"{selectors}.share_a_b", order=210)
    )
    registry.measures.register(
        registry.Measure("grade_d_count", _("亩均评价D类企业数"), _("家"), f"{selectors}.count_d", order=211)
    )
    # A run is one transaction, but one a dead worker had committed would be stored twice: retried by hand.
    registry.job_kinds.register(
        registry.JobKind("evaluation-run", _("亩均评价"), "yuanqu.evaluation.jobs.run_evaluation_job", retry_safe=False)
    )
    registry.panels.register(
        registry.Panel("zone-grades", ZONE_PAGE, "evaluation/_zone_grades_panel.html", _zone_grades_panel, order=40)
    )
    registry.panels.register(
        registry.Panel(
            "enterprise-grade",
            ENTERPRISE_PAGE,
            "evaluation/_enterprise_grade_panel.html",
            _enterprise_grade_panel,
            order=5,
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("per-mu", _("亩均效益"), "yuanqu.evaluation.cockpit.build", order=30)
    )
    registry.demo_steps.register(registry.DemoStep("evaluations", "yuanqu.evaluation.demo.build_evaluations", order=60))
    registry.map_layers.register(
        registry.MapLayer(
            "grade",
            _("按亩均评价等级"),
            "colouring",
            order=20,
            legend=f"{selectors}.grade_legend",
            property="grade",
            popup_label=_("亩均评价等级"),
            qualifies="enterprises",
        )
    )
    # The enterprises' dots (the land app's layer) show their grade too.
    registry.map_properties.register(
        registry.MapProperty(
            "enterprise-grade",
            "enterprises",
            "grade",
            _grades,
            label=_("亩均评价等级"),
        )
    )
