"""The stage deadline rules in the API: readable by everyone, changed by city administrators only."""

from __future__ import annotations

from django.db import transaction
from rest_framework import permissions, serializers, viewsets

from yuanqu.core.access import is_city_admin
from yuanqu.projects.models import StageDeadline
from yuanqu.projects.services import delete_deadline_rule, save_deadline_rule


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
