"""Enterprise service (企业服务): the officials linked to an enterprise, its plan (一企一策), the requests it raises
(诉求) handled in a closed loop with working-day deadlines, and the visits paid to it (走访)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet


class ServiceCategory(models.Model):
    """A category of requests (land, finance, labour, …): a city-wide code table an administrator edits."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseOfficial(models.Model):
    """An official linked to an enterprise: its linked leader (挂钩领导) or its contact person in the zone."""

    class Role(models.TextChoices):
        LINKED_OFFICIAL = "linked_official", _("挂钩领导")
        ZONE_CONTACT = "zone_contact", _("园区联络员")

    zone_lookup = "enterprise__zone"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="officials"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="linked_enterprises"
    )
    role = models.CharField(_("职责"), max_length=20, choices=Role.choices, default=Role.LINKED_OFFICIAL)
    since = models.DateField(_("挂钩日期"), null=True, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("挂钩人员")
        verbose_name_plural = _("挂钩人员")
        ordering = ["enterprise_id", "role", "official_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "official", "role"], name="enterprise_official_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_role_display()} · {self.official}"


class EnterprisePlan(models.Model):
    """一企一策: the plan for one enterprise in one year — its goal and its measures."""

    zone_lookup = "enterprise__zone"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    goal = models.TextField(_("目标"), blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一企一策")
        verbose_name_plural = _("一企一策")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_plan_unique_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="enterprise_plan_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class PlanMeasure(models.Model):
    """One measure of a plan: what is to be done, who owns it, by when, and how far it has got."""

    class State(models.TextChoices):
        PLANNED = "planned", _("未开始")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        DROPPED = "dropped", _("已取消")

    zone_lookup = "plan__enterprise__zone"

    plan = models.ForeignKey(
        EnterprisePlan, verbose_name=_("一企一策"), on_delete=models.CASCADE, related_name="measures"
    )
    content = models.CharField(_("措施"), max_length=300)
    owner = models.CharField(_("责任人"), max_length=100)
    due_on = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PLANNED)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一企一策措施")
        verbose_name_plural = _("一企一策措施")
        ordering = ["plan_id", "due_on", "pk"]

    def __str__(self) -> str:
        return self.content

    def overdue(self, today: dt.date) -> bool:
        return self.state in (self.State.PLANNED, self.State.IN_PROGRESS) and self.due_on < today


class ServiceRequest(models.Model):
    """A request an enterprise raises (诉求), handled in the closed loop 受理 → 派单 → 办理 → 答复 → 办结 → 回访 →
    评价, due a number of working days after the day it was received."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("走访")
        HOTLINE = "hotline", _("热线")
        ONLINE = "online", _("网上")
        LETTER = "letter", _("来信")
        ON_BEHALF = "on_behalf", _("部门代报")

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("咨询")
        HELP = "help", _("求助")
        COMPLAINT = "complaint", _("投诉")

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("已受理")
        DISPATCHED = "dispatched", _("已派单")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("已答复")
        CLOSED = "closed", _("已办结")
        CALLED_BACK = "called_back", _("已回访")
        RATED = "rated", _("已评价")

    OPEN_STATES = (State.ACCEPTED, State.DISPATCHED, State.HANDLING, State.REPLIED)

    zone_lookup = "enterprise__zone"

    number = models.CharField(_("诉求编号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="service_requests"
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.VISIT)
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices, default=Kind.HELP)
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("诉求类别"), on_delete=models.PROTECT, related_name="requests"
    )
    content = models.TextField(_("诉求内容"))
    unit = models.CharField(_("承办单位"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.ACCEPTED, db_index=True)
    received_on = models.DateField(_("受理日期"))
    time_limit = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("延期（工作日）"), default=0)
    due_on = models.DateField(_("应办结日期"))
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("评价意见"), blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    visit = models.ForeignKey(
        "service.Visit",
        verbose_name=_("来源走访"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created", "updated")

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["due_on", "state"], name="service_request_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="service_request_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class RequestStep(models.Model):
    """One step of a request's loop: what was done, on which day, by whom, with a note."""

    class Action(models.TextChoices):
        ACCEPT = "accept", _("受理")
        DISPATCH = "dispatch", _("派单")
        HANDLE = "handle", _("办理")
        REPLY = "reply", _("答复")
        CHASE = "chase", _("督办")
        EXTEND = "extend", _("延期")
        CLOSE = "close", _("办结")
        CALL_BACK = "call_back", _("回访")
        RATE = "rate", _("评价")
        REOPEN = "reopen", _("退回重办")

    zone_lookup = "request__enterprise__zone"

    request = models.ForeignKey(ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("环节"), max_length=20, choices=Action.choices)
    on = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    by_name = models.CharField(_("经办人姓名"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created",)

    class Meta:
        verbose_name = _("诉求办理环节")
        verbose_name_plural = _("诉求办理环节")
        ordering = ["request_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number} {self.get_action_display()} {self.on}"


class Visit(models.Model):
    """A visit to an enterprise (走访): suggested by the data, planned, or paid and written up."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("建议走访")
        PLANNED = "planned", _("计划走访")
        DONE = "done", _("已走访")
        DISMISSED = "dismissed", _("不走访")

    zone_lookup = "enterprise__zone"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="visits"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_visits",
    )
    agency = models.CharField(_("走访单位"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PLANNED, db_index=True)
    visited_on = models.DateField(_("走访日期"))
    companions = models.CharField(_("同行人员"), max_length=300, blank=True)
    findings = models.TextField(_("走访情况"), blank=True)
    reason = models.CharField(_("走访原因"), max_length=300, blank=True)
    trigger = models.CharField(_("触发依据"), max_length=40, blank=True, editable=False)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created",)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_date_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"
