"""App configuration for zone evaluation (园区综合评价): the figures zones report, and their ranking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingConfig(AppConfig):
    name = "yuanqu.ranking"
    label = "ranking"
    verbose_name = _("园区综合评价")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.ranking import registrations
        from yuanqu.ranking.models import PeerZone, ZoneEvaluationMethod, ZoneEvaluationRun, ZoneMonth, ZoneYear

        # A run's results are bulk-inserted; its entry stands for them.
        for model in (PeerZone, ZoneYear, ZoneMonth, ZoneEvaluationMethod, ZoneEvaluationRun):
            track(model)
        registrations.register()
