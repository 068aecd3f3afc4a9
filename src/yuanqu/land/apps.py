"""App configuration for land."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "yuanqu.land"
    label = "land"
    verbose_name = _("土地")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.land import registrations
        from yuanqu.land.models import EnterpriseLand, LandRuleSet, Parcel

        for model in (Parcel, EnterpriseLand, LandRuleSet):
            track(model)
        registrations.register()
