"""Yearly targets (zone-restricted CRUD through ``save_target``/``delete_target``) and the stage deadline rules
(readable by everyone, changed by city administrators only) in the API."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from yuanqu.core.access import is_city_admin
from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.projects.models import StageDeadline, Target
from yuanqu.projects.services import (
    delete_deadline_rule,
    delete_target,
    save_deadline_rule,
    save_target,
)
from yuanqu.zones.models import Zone


class TargetSerializer(ServiceModelSerializer):
    """A zone's yearly target; counts in projects, investment in 万元, foreign investment in 万美元."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    indicator_label = serializers.CharField(source="get_indicator_display", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "zone", "zone_name", "year", "indicator", "indicator_label", "value"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_target(target=instance, user=user)


class TargetViewSet(ZoneScopedViewSet):
    """Yearly targets of the user's zones; ``?zone=3``, ``?year=2026``, ``?indicator=started_count``."""

    queryset = Target.objects.select_related("zone")
    serializer_class = TargetSerializer
    filterset_fields = ["zone", "year", "indicator"]
    ordering_fields = ["year", "indicator", "zone"]

    def delete_instance(self, instance, *, user) -> None:
        delete_target(target=instance, user=user)


class CityAdminWritesPermission(permissions.BasePermission):
    """Reading needs a login; writing needs a city administrator."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_city_admin(request.user)


class DeadlineRuleSerializer(serializers.ModelSerializer):
    """A rule: reach ``to_stage`` within ``days`` (working or calendar days) of reaching ``from_stage``."""

    class Meta:
        model = StageDeadline
        fields = ["id", "from_stage", "to_stage", "days", "unit", "label", "active"]
        validators = []  # the pair's uniqueness is checked by the service (full_clean), with its message

    def _save(self, rule, validated_data):
        for name, value in validated_data.items():
            setattr(rule, name, value)
        # Django's validation and permission errors become 400 and 403 in the API's exception handler.
        with transaction.atomic():
            return save_deadline_rule(rule=rule, user=self.context["request"].user)

    def create(self, validated_data):
        return self._save(StageDeadline(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class DeadlineRuleViewSet(viewsets.ModelViewSet):
    """The stage deadline rules (e.g. 签约到开工 60 working days); every user reads them, city administrators
    change them. Switch a rule off with ``active: false`` rather than deleting it."""

    queryset = StageDeadline.objects.all()
    serializer_class = DeadlineRuleSerializer
    permission_classes = [CityAdminWritesPermission]
    filterset_fields = ["active", "from_stage", "to_stage"]

    def perform_destroy(self, instance):
        with transaction.atomic():
            delete_deadline_rule(rule=instance, user=self.request.user)
