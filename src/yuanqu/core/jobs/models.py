"""The stored job: what is being done, for whom, how far it got, what went wrong, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet, visible_zone_ids


class JobQuerySet(ZoneScopedQuerySet):
    def restrict(self, user, action: str = "view") -> JobQuerySet:
        """The jobs of the user's zones, and the user's own (a city-wide job of a zone user has no zone)."""
        ids = visible_zone_ids(user)
        if ids is None:
            return self
        return self.filter(models.Q(zone__in=ids) | models.Q(user=user, zone=None))


class Job(models.Model):
    """One piece of long work handed to a worker: its kind, its user and zone, its state and progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    FINISHED = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    zone_lookup = "zone"
    changelog_not_data = True  # a job's states change no figure: cached figures stay (core.changelog.data_version)
    # Progress and the worker's heartbeat change every second: the change log keeps the states, not those.
    changelog_exclude = ("done", "total", "message", "heartbeat", "problems", "params")

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    label = models.CharField(_("名称"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    zone = models.ForeignKey(
        settings.YUANQU_ZONE_MODEL,
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    serial_key = models.CharField(_("串行键"), max_length=200, blank=True)
    done = models.PositiveBigIntegerField(_("已完成"), default=0)
    total = models.PositiveBigIntegerField(_("总量"), null=True, blank=True)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    worker = models.CharField(_("执行者"), max_length=120, blank=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created", "-id"]
        constraints = [
            # Two jobs of one serial key (an import of one kind into one zone) never run at once: the second
            # claim of the key fails here, whatever the number of workers and machines.
            models.UniqueConstraint(
                fields=["serial_key"],
                condition=models.Q(state="running") & ~models.Q(serial_key=""),
                name="job_one_running_per_serial_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def result_url(self) -> str:
        return (self.result or {}).get("url", "")
