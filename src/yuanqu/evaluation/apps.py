"""App configuration for per-mu evaluation (亩均评价)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "yuanqu.evaluation"
    label = "evaluation"
    verbose_name = _("亩均评价")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.evaluation import registrations
        from yuanqu.evaluation.models import EvaluationMethod, EvaluationRun

        # Results are bulk-inserted; their run's entry stands for them.
        for model in (EvaluationMethod, EvaluationRun):
            track(model)
        registrations.register()
