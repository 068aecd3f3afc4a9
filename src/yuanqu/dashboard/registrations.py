"""What the dashboard app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def register() -> None:
    registry.navigation.register(registry.NavItem("home", _("首页"), "home", order=0))
