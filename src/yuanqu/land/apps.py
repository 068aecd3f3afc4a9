"""App configuration for land."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "yuanqu.land"
    label = "land"
    verbose_name = _("土地")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.land.models import BaseMap, LandRuleSet, Parcel

        track(Parcel)
        track(LandRuleSet)
        track(BaseMap)
