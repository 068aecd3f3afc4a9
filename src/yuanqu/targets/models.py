"""The zones' yearly targets (目标责任状): a value to reach for an indicator that an app measures.

An indicator is the key of a ``yuanqu.core.registry.Measure``: the app that holds the records registers what it
can measure (projects: projects newly signed, started, completed, and their investment), and a target's
progress is read from those records, not reported by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import ZoneScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}


class Target(models.Model):
    """A zone's yearly target for one indicator (目标责任状), e.g. 25 projects ≥ 1 亿元 newly started."""

    zone_lookup = "zone"

    zone = models.ForeignKey("zones.Zone", verbose_name=_("所属园区"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    indicator = models.CharField(_("指标"), max_length=30)
    value = models.DecimalField(_("目标值"), **MONEY)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["zone_id", "year", "indicator"]
        constraints = [models.UniqueConstraint(fields=["zone", "year", "indicator"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.indicator_label}"

    @property
    def measure(self) -> registry.Measure | None:
        """What measures the indicator; None when the app that did is not installed."""
        return registry.measures.get(self.indicator)

    @property
    def indicator_label(self) -> str:
        """The measure's label, or the bare key when nothing measures it."""
        measure = self.measure
        return str(measure.label) if measure is not None else self.indicator
