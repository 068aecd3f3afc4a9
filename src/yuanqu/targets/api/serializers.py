"""Serializers of the targets API: a target, and a target's progress as the projects' statistics show it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.targets.selectors import AMBER, GREEN, NONE, RED, measure_choices, task_light
from yuanqu.targets.services import check_indicator, save_letter, save_target, save_task
from yuanqu.zones.models import Zone


class IndicatorField(serializers.ChoiceField):
    """The key of a registered measure; the choices are read each time a serializer is made (the schema lists
    them), an unknown key answers the service's message."""

    def __init__(self, **kwargs):
        kwargs["choices"] = measure_choices()
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if data in ("", None) and self.allow_blank:
            return ""  # a reported line: no ledger measures it
        try:
            check_indicator(indicator=str(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["indicator"]) from None
        return str(data)


class TargetSerializer(ServiceModelSerializer):
    """A zone's yearly target, in the unit of its indicator (counts of projects, investment in 万元, foreign
    investment in 万美元, ...)."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    indicator = IndicatorField(label=_("指标"), required=False, allow_blank=True)
    indicator_label = serializers.CharField(read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "letter", "zone", "zone_name", "year", "indicator", "indicator_label", "name", "value", "unit",
            "leader", "responsible_unit", "order", "reported_value", "reported_on", "reported_by", "evidence",
            "points", "above_step", "above_per", "above_cap", "below_step", "below_per", "below_basis", "below_cap",
        ]  # fmt: skip
        read_only_fields = ["letter"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_target(target=instance, user=user)


class TargetProgressSerializer(serializers.Serializer):
    """One target's progress (``yuanqu.targets.selectors.target_progress``)."""

    indicator = serializers.CharField(source="target.indicator")
    label = serializers.CharField()
    value = serializers.DecimalField(source="target.value", max_digits=18, decimal_places=4)
    # None where the measure has nothing to measure.
    actual = serializers.DecimalField(max_digits=22, decimal_places=4, allow_null=True)
    share = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    elapsed = serializers.DecimalField(max_digits=12, decimal_places=4)
    rag = serializers.ChoiceField(choices=[GREEN, AMBER, RED])
    by_month = serializers.ListField(child=serializers.DecimalField(max_digits=22, decimal_places=4, allow_null=True))


class LetterSerializer(ServiceModelSerializer):
    """A zone's yearly responsibility letter; its lines are the targets (``/api/targets/?letter=``)."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)

    class Meta:
        model = ResponsibilityLetter
        fields = ["id", "zone", "zone_name", "year", "signed_by", "signed_on", "note"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_letter(letter=instance, user=user)


class LineProgressSerializer(serializers.Serializer):
    """One line of a letter measured at a date (``yuanqu.targets.selectors.line_progress``)."""

    target = serializers.IntegerField(source="target.pk")
    label = serializers.CharField()
    unit = serializers.CharField()
    source = serializers.ChoiceField(choices=["ledger", "reported", "missing"])
    value = serializers.DecimalField(source="target.value", max_digits=18, decimal_places=4)
    reported = serializers.BooleanField(help_text="False: nothing reported yet (no zero pretending to be a figure)")
    actual = serializers.DecimalField(max_digits=22, decimal_places=4, allow_null=True)
    share = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    elapsed = serializers.DecimalField(max_digits=12, decimal_places=4)
    months = serializers.IntegerField(allow_null=True)
    colour = serializers.ChoiceField(choices=[GREEN, AMBER, RED, NONE])
    seasonal = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    seasonal_colour = serializers.CharField(
        allow_null=True, help_text="green, amber, red or none against the seasonal yardstick; null without one"
    )
    points = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class TaskSerializer(ServiceModelSerializer):
    """A supervised task; its state moves only through ``advance``, its deadline later only through ``extend``.
    ``limit_workdays`` sets the deadline that many working days after the assigned date."""

    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(), allow_null=True, required=False, help_text=_("所属园区编号（空为市级事项）")
    )
    deadline = serializers.DateField(required=False)
    light = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id", "code", "title", "source", "source_detail", "zone", "lead_unit", "co_units", "responsible",
            "owner", "assigned_on", "limit_workdays", "deadline", "original_deadline", "milestones", "state",
            "closed_on", "light", "overdue",
        ]  # fmt: skip
        read_only_fields = ["owner", "original_deadline", "state", "closed_on"]

    def _light(self, task) -> dict:
        cache = self.context.setdefault("lights", {})
        if task.pk not in cache:
            cache[task.pk] = task_light(task, as_of=dt.date.today())
        return cache[task.pk]

    def get_light(self, task) -> str:
        return self._light(task)["light"]

    def get_overdue(self, task) -> int:
        return self._light(task)["overdue"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_task(task=instance, user=user)


class TaskAdvanceSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=Task.State.choices)
    on = serializers.DateField()
    by = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TaskExtendSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField()
    approver = serializers.CharField(max_length=100)
    on = serializers.DateField(required=False)
