"""The change log, shared by every tracked model."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet


class ChangeLogEntry(models.Model):
    """One create, update or delete of a tracked object, with its state before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    class Source(models.TextChoices):
        PAGE = "page", _("页面")
        API = "api", _("接口")
        IMPORT = "import", _("导入")
        CLI = "cli", _("命令行")
        JOB = "job", _("后台任务")

    zone_lookup = "zone"

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    # No index of its own: the (content_type, object_id) index serves lookups by type.
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE, db_index=False)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    # No database constraint: the entry of a deleted zone keeps that zone's id, so it stays restricted.
    zone = models.ForeignKey(
        settings.YUANQU_ZONE_MODEL,
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed_fields = models.JSONField(_("变更字段"), default=list, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="changelog_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.time:%Y-%m-%d %H:%M})"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every changed field, in field order."""
        before, after = self.before or {}, self.after or {}
        return [(name, before.get(name), after.get(name)) for name in self.changed_fields]


from yuanqu.core.jobs.models import Job  # noqa: E402, F401  (the jobs' model belongs to this app)
