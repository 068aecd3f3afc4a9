"""A platform user: a role and the zones the user is bound to."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import Role


class User(AbstractUser):
    """A person who uses yuanqu, with one role and the zones it is bound to."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ZONE_STAFF)
    zones = models.ManyToManyField("zones.Zone", verbose_name=_("所属园区"), blank=True, related_name="users")

    objects = UserManager()
    changelog_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username
