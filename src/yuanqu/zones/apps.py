"""App configuration for zones."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "yuanqu.zones"
    label = "zones"
    verbose_name = _("园区")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.zones import registrations
        from yuanqu.zones.models import Zone

        track(Zone)
        registrations.register()
