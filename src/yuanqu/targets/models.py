"""The zones' yearly responsibility letters (目标责任状), their lines (targets) and the supervised tasks (督办事项).

A target's indicator is the key of a ``yuanqu.core.registry.Measure``: the app that holds the records registers
what it can measure (projects newly signed, started, completed, and their investment; the figures zones report;
land revitalised; per-mu results), and a target's progress is read from those records, not reported by hand. A
line no ledger measures is a reported line: its value is reported with its evidence and who reported it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import ZoneScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}
POINTS = {"max_digits": 8, "decimal_places": 2}


class ResponsibilityLetter(models.Model):
    """A zone's yearly responsibility letter (目标责任状) to the city; its lines are the zone's targets."""

    zone_lookup = "zone"

    zone = models.ForeignKey("zones.Zone", verbose_name=_("所属园区"), on_delete=models.CASCADE, related_name="letters")
    year = models.PositiveSmallIntegerField(_("年度"))
    signed_by = models.CharField(_("签订人"), max_length=100, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标责任状")
        verbose_name_plural = _("目标责任状")
        ordering = ["-year", "zone_id"]
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="letter_unique_zone_year")]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} 目标责任状"


class Target(models.Model):
    """A line of a zone's letter: a yearly target on an indicator, e.g. 25 projects ≥ 1 亿元 newly started."""

    zone_lookup = "zone"

    class BelowBasis(models.TextChoices):
        UNIT = "unit", _("按单位")
        PERCENT = "percent", _("按百分点")

    letter = models.ForeignKey(
        ResponsibilityLetter,
        verbose_name=_("目标责任状"),
        on_delete=models.CASCADE,
        related_name="lines",
        null=True,
        blank=True,
    )
    zone = models.ForeignKey("zones.Zone", verbose_name=_("所属园区"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    # The key of a registered measure; blank for a reported line (named by ``name``).
    indicator = models.CharField(_("指标"), max_length=30, blank=True)
    name = models.CharField(_("指标名称"), max_length=100, blank=True)
    value = models.DecimalField(_("目标值"), **MONEY)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    leader = models.CharField(_("责任领导"), max_length=100, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    # A reported line's value (no ledger holds it): reported with its evidence, by whom and when.
    reported_value = models.DecimalField(_("报送完成值"), null=True, blank=True, **MONEY)
    reported_on = models.DateField(_("报送日期"), null=True, blank=True)
    reported_by = models.CharField(_("报送人"), max_length=100, blank=True)
    evidence = models.TextField(_("佐证材料"), blank=True)
    # The year-end scoring rule: base points for meeting the target, a step per unit above and below, caps.
    points = models.DecimalField(_("基础分"), null=True, blank=True, **POINTS)
    above_step = models.DecimalField(_("超额加分（每单位）"), default=0, **POINTS)
    above_per = models.DecimalField(_("超额计分单位"), default=1, **MONEY)
    above_cap = models.DecimalField(_("加分上限"), null=True, blank=True, **POINTS)
    below_step = models.DecimalField(_("差额扣分（每单位）"), default=0, **POINTS)
    below_per = models.DecimalField(_("差额计分单位"), default=1, **MONEY)
    below_basis = models.CharField(_("差额计算方式"), max_length=10, choices=BelowBasis.choices, default="unit")
    below_cap = models.DecimalField(_("扣分上限"), null=True, blank=True, **POINTS)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["zone_id", "year", "order", "indicator", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "year", "indicator"], condition=~Q(indicator=""), name="target_unique"
            ),
            models.UniqueConstraint(
                fields=["zone", "year", "name"], condition=Q(indicator=""), name="target_unique_reported_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.indicator_label}"

    @property
    def is_reported(self) -> bool:
        """A line no ledger measures: its value is reported by hand."""
        return not self.indicator

    @property
    def measure(self) -> registry.Measure | None:
        """What measures the indicator; None when the app that did is not installed (or a reported line)."""
        return registry.measures.get(self.indicator) if self.indicator else None

    @property
    def indicator_label(self) -> str:
        """The line's name, else the measure's label, else the bare key when nothing measures it."""
        if self.name:
            return self.name
        measure = self.measure
        return str(measure.label) if measure is not None else self.indicator

    @property
    def unit_label(self) -> str:
        """The line's unit as the reader reads it: a unit the platform names (万元, 个, 亩 …) in the reader's
        language, any other as written; without one, the measure's."""
        if self.unit:
            return gettext(self.unit)
        measure = self.measure
        return str(measure.unit) if measure is not None else ""


class Task(models.Model):
    """A supervised task (督办事项) from a meeting, a leader's instruction or a letter, followed until closed."""

    zone_lookup = "zone"

    class Source(models.TextChoices):
        MEETING = "meeting", _("会议")
        INSTRUCTION = "instruction", _("领导批示")
        LETTER = "letter", _("目标责任状")
        DOCUMENT = "document", _("文件")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        REGISTERED = "registered", _("立项")
        ASSIGNED = "assigned", _("交办")
        ACKNOWLEDGED = "acknowledged", _("签收")
        IN_PROGRESS = "in_progress", _("办理")
        REPORTED = "reported", _("反馈")
        CHECKING = "checking", _("复核")
        CLOSED = "closed", _("办结")

    code = models.CharField(_("事项编号"), max_length=40, unique=True)
    title = models.CharField(_("事项名称"), max_length=300)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MEETING)
    source_detail = models.CharField(_("来源说明"), max_length=300, blank=True)
    # None: a city-level task, seen by city users only.
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("所属园区"), on_delete=models.CASCADE, related_name="tasks", null=True, blank=True
    )
    lead_unit = models.CharField(_("责任单位"), max_length=100)
    co_units = models.CharField(_("配合单位"), max_length=300, blank=True)
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_tasks",
    )
    assigned_on = models.DateField(_("交办日期"))
    limit_workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    deadline = models.DateField(_("截止日期"))
    original_deadline = models.DateField(_("原截止日期"), null=True, blank=True)
    milestones = models.TextField(_("节点安排"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.REGISTERED)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TaskStep(models.Model):
    """A step of a task's flow (交办, 签收, 反馈, ...), dated and by whom; a report back may carry attachments."""

    zone_lookup = "task__zone"

    task = models.ForeignKey(Task, verbose_name=_("督办事项"), on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("环节"), max_length=20, choices=Task.State.choices)
    on = models.DateField(_("日期"))
    by = models.CharField(_("办理人"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["task_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.get_state_display()} {self.on}"


class TaskMilestone(models.Model):
    """A dated milestone (节点) of a task: what is to be reached by when, and when it was."""

    zone_lookup = "task__zone"

    task = models.ForeignKey(Task, verbose_name=_("督办事项"), on_delete=models.CASCADE, related_name="milestone_items")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task_id", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.title} {self.due_on}"


class TaskAttachment(models.Model):
    """A file a report back (反馈) carries: its name as uploaded, its size; downloaded only by the task's zone."""

    zone_lookup = "step__task__zone"

    step = models.ForeignKey(TaskStep, verbose_name=_("办理环节"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="tasks/%Y/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["step_id", "pk"]

    def __str__(self) -> str:
        return self.name


class TaskExtension(models.Model):
    """An extension of a task's deadline, with its reason and who approved it; the original deadline stays."""

    zone_lookup = "task__zone"

    task = models.ForeignKey(Task, verbose_name=_("督办事项"), on_delete=models.CASCADE, related_name="extensions")
    previous_deadline = models.DateField(_("原截止日期"))
    new_deadline = models.DateField(_("延期至"))
    reason = models.TextField(_("延期理由"))
    approver = models.CharField(_("批准人"), max_length=100)
    on = models.DateField(_("批准日期"))

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        ordering = ["task_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.previous_deadline} → {self.new_deadline}"
