"""App configuration for industry chains (产业链图谱)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "yuanqu.chains"
    label = "chains"
    verbose_name = _("产业链")

    def ready(self) -> None:
        from yuanqu.chains import models, registrations
        from yuanqu.core.changelog import track, track_m2m

        for model in (models.Chain, models.ChainNode, models.ChainFirm, models.ChainProject, models.TargetFirm):
            track(model)
        track_m2m(models.Chain, "zones")
        track_m2m(models.Chain, "leading_enterprises")
        registrations.register()
