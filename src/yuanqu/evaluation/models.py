"""Evaluation methods, runs and their per-enterprise results.

A run keeps the method text exactly as used and a hash of its input frame, so that a grade can be
defended later and re-running the same method on the same data can be shown to give the same result.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet, editable_zone_ids, visible_zone_ids

GRADES = ["A", "B", "C", "D", "T"]


class MethodFormat(models.TextChoices):
    TOML = "toml", "TOML"
    YAML = "yaml", "YAML"


def method_problems(text: str, format: str) -> str | None:
    """The MethodError text (each problem with its line) or None when the method is valid."""
    # The method parser is imported where a method is read: every command imports the models at start.
    from yuanqu.analytics.mujun.method import MethodError, parse_method

    try:
        parse_method(text, format=format)
    except MethodError as error:
        return str(error)
    return None


class MethodQuerySet(ZoneScopedQuerySet):
    """Methods are the city's, not a zone's: every signed-in user may read every method."""

    def restrict(self, user, action: str = "view"):
        return self.all()


class EvaluationMethod(models.Model):
    """A method as data: a shipped preset or a file an official uploaded or edited. City-wide."""

    zone_lookup = None  # methods belong to the city: every user may read them

    name = models.CharField(_("名称"), max_length=200)
    text = models.TextField(_("方法文本"))
    format = models.CharField(_("格式"), max_length=4, choices=MethodFormat.choices, default=MethodFormat.TOML)
    digest = models.CharField(_("摘要"), max_length=64, editable=False)
    preset = models.CharField(_("预置方法"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价方法")
        verbose_name_plural = _("评价方法")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Validated on every save, whichever path writes it: a stored method always parses.
        from yuanqu.analytics.mujun.method import MethodError, parse_method

        try:
            method = parse_method(self.text, format=self.format, origin=self.name)
        except MethodError as error:
            raise ValidationError({"text": str(error)}) from None
        self.digest = method.digest
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problems = method_problems(self.text, self.format)
        if problems:
            raise ValidationError({"text": problems})


class RunQuerySet(ZoneScopedQuerySet):
    """Runs a user may see: city-wide runs and runs scoped to one of the user's zones.

    A zone user sees a city-wide run, but only its own enterprises' results in it (results are
    restricted on their own), and the counts pages show are counted over those results.
    """

    def restrict(self, user, action: str = "view"):
        ids = visible_zone_ids(user) if action == "view" else editable_zone_ids(user)
        if ids is None:
            return self.all()
        if action != "view":
            return self.filter(zone__in=ids)
        return self.filter(Q(zone__isnull=True) | Q(zone__in=ids))


class EvaluationRun(models.Model):
    """One evaluation of one year's data under one method; never overwritten, locked once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已公布")

    zone_lookup = "zone"

    method_name = models.CharField(_("方法名称"), max_length=200)
    method_text = models.TextField(_("方法文本"))
    method_format = models.CharField(_("格式"), max_length=4, choices=MethodFormat.choices, default="toml")
    method_digest = models.CharField(_("方法摘要"), max_length=64)
    method = models.ForeignKey(
        EvaluationMethod, verbose_name=_("评价方法"), on_delete=models.SET_NULL, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # Empty: city-wide (only city users run without a zone; a zone user's run is scoped to its zone).
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("评价范围"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    input_hash = models.CharField(_("输入数据摘要"), max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("运行人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    enterprise_count = models.PositiveIntegerField(_("企业数"), default=0)
    count_a = models.PositiveIntegerField("A", default=0)
    count_b = models.PositiveIntegerField("B", default=0)
    count_c = models.PositiveIntegerField("C", default=0)
    count_d = models.PositiveIntegerField("D", default=0)
    count_t = models.PositiveIntegerField("T", default=0)
    count_other = models.PositiveIntegerField(_("未评价"), default=0)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价运行")
        verbose_name_plural = _("评价运行")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.method_name} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        # The lock holds whichever path writes: a published run is never changed again.
        if self.pk is not None and type(self)._base_manager.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(_("已公布的评价结果已锁定，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self)._base_manager.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(_("已公布的评价结果已锁定，不能删除"))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def grade_counts(self) -> dict[str, int]:
        return {"A": self.count_a, "B": self.count_b, "C": self.count_c, "D": self.count_d, "T": self.count_t}


class EvaluationResult(models.Model):
    """One enterprise's result in one run: indicators with their arithmetic, total, rank, grade."""

    zone_lookup = "zone"

    run = models.ForeignKey(EvaluationRun, verbose_name=_("评价运行"), on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="evaluation_results"
    )
    zone = models.ForeignKey("zones.Zone", verbose_name=_("所属园区"), on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("评价组别"), max_length=100, blank=True)
    group_label = models.CharField(_("组别名称"), max_length=200, blank=True)
    status = models.CharField(_("评价状态"), max_length=30, blank=True)
    reason_zh = models.TextField(_("原因"), blank=True)
    reason_en = models.TextField(_("原因（英文）"), blank=True)
    total = models.FloatField(_("总分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("组内企业数"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=2, blank=True)
    explanation_zh = models.TextField(_("计分说明"), blank=True)
    explanation_en = models.TextField(_("计分说明（英文）"), blank=True)
    # key → value, benchmark, ratio, score, issue; labels and weights are in the run's method text.
    indicators = models.JSONField(_("指标"), default=dict)
    policies = models.JSONField(_("政策"), default=list)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["run_id", "group", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="evaluation_result_unique")]
        indexes = [models.Index(fields=["run", "zone"], name="evaluation_result_run_zone")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.grade}"
