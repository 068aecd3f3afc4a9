"""App configuration for the demo city 云溪市: `yuanqu demo` builds it from the parts the installed apps register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "yuanqu.demo"
    label = "demo"
    verbose_name = _("演示城市")
