"""Serializers of the targets API: a target, and a target's progress as the projects' statistics show it."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.targets.models import Target
from yuanqu.targets.selectors import AMBER, GREEN, RED, measure_choices
from yuanqu.targets.services import check_indicator, save_target
from yuanqu.zones.models import Zone


class IndicatorField(serializers.ChoiceField):
    """The key of a registered measure; the choices are read each time a serializer is made (the schema lists
    them), an unknown key answers the service's message."""

    def __init__(self, **kwargs):
        kwargs["choices"] = measure_choices()
        super().__init__(**kwargs)

    def to_internal_value(self, data):
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
    indicator = IndicatorField(label=_("指标"))
    indicator_label = serializers.CharField(read_only=True)

    class Meta:
        model = Target
        fields = ["id", "zone", "zone_name", "year", "indicator", "indicator_label", "value"]

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
