"""What the evaluation app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def register() -> None:
    registry.navigation.register(
        registry.NavItem("evaluation", _("亩均评价"), "evaluation:run-list", menu="main", order=40)
    )
    registry.navigation.register(registry.NavItem("evaluation-runs", _("亩均评价"), "evaluation:run-list", order=50))
    # Grades are on every parcel of an enterprise that has one.
    for model in ("evaluation.evaluationrun", "evaluation.evaluationresult"):
        registry.tile_touches.register(registry.TileTouch(model, scope="row"))
    registry.demo_steps.register(registry.DemoStep("evaluations", "yuanqu.evaluation.demo.build_evaluations", order=60))
