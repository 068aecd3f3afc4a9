"""What the evaluation app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def register() -> None:
    from yuanqu.evaluation.selectors import count_d, grade_legend, latest_grades, share_a_b

    registry.navigation.register(
        registry.NavItem("evaluation", _("亩均评价"), "evaluation:run-list", menu="main", order=40)
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
        registry.Measure("grade_ab_share", _("亩均评价A、B类企业占比"), "%", share_a_b, order=210)
    )
    registry.measures.register(registry.Measure("grade_d_count", _("亩均评价D类企业数"), _("家"), count_d, order=211))
    # A run is one transaction, but one a dead worker had committed would be stored twice: retried by hand.
    registry.job_kinds.register(
        registry.JobKind("evaluation-run", _("亩均评价"), "yuanqu.evaluation.jobs.run_evaluation_job", retry_safe=False)
    )
    registry.demo_steps.register(registry.DemoStep("evaluations", "yuanqu.evaluation.demo.build_evaluations", order=60))
    registry.map_layers.register(
        registry.MapLayer(
            "grade",
            _("按亩均评价等级"),
            "colouring",
            order=20,
            legend=grade_legend,
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
            lambda *, user, ids: latest_grades(user=user, enterprise_ids=ids),
            label=_("亩均评价等级"),
        )
    )
