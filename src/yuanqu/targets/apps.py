"""App configuration for the zones' yearly targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "yuanqu.targets"
    label = "targets"
    verbose_name = _("目标")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.targets.models import Target

        track(Target)
