"""What the accounts app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import can_manage_users


def register() -> None:
    registry.navigation.register(
        registry.NavItem("users", _("用户管理"), "user-list", order=90, visible=can_manage_users)
    )
    registry.demo_steps.register(registry.DemoStep("users", "yuanqu.accounts.demo.build_users", order=70))
