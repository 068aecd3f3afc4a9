"""App configuration for users and roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yuanqu.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from yuanqu.accounts import lockout, registrations
        from yuanqu.accounts.models import User
        from yuanqu.core.changelog import track, track_m2m

        track(User)
        track_m2m(User, "zones")
        registrations.register()
        lockout.connect()
