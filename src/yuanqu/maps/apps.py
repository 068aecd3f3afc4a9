"""App configuration for the one map (一张图), which sits above the apps whose data it draws."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "yuanqu.maps"
    label = "maps"
    verbose_name = _("一张图")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.maps import registrations
        from yuanqu.maps.models import BaseMap

        track(BaseMap)
        registrations.register()
