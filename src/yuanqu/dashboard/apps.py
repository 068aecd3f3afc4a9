"""App configuration for the home page and, later, the leaders' cockpit (驾驶舱)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "yuanqu.dashboard"
    label = "dashboard"
    verbose_name = _("首页")

    def ready(self) -> None:
        from yuanqu.dashboard import registrations

        registrations.register()
