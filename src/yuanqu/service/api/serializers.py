"""Requests, visits, linked officials and plans in the API; every write goes through the service functions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.enterprises.models import Enterprise
from yuanqu.service import deadlines, services
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    RequestStep,
    ServiceCategory,
    ServiceRequest,
    Visit,
)
from yuanqu.service.selectors import colleagues


class ColleagueField(serializers.PrimaryKeyRelatedField):
    """A person by user id, among those the requesting user may name (``selectors.colleagues``)."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return colleagues(user) if user is not None else get_user_model().objects.none()


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["id", "code", "name", "order", "active"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestStep
        fields = ["id", "action", "on", "by", "by_name", "note"]


class ServiceRequestSerializer(ServiceModelSerializer):
    """A request; created through ``accept_request`` (受理), changed through ``update_request``; its state moves
    only through ``POST …/steps/``."""

    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceCategory.objects.all(), help_text=_("诉求类别代码")
    )
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    visit = ScopedPrimaryKeyRelatedField(
        queryset=Visit.objects.all(), required=False, allow_null=True, help_text=_("来源走访编号")
    )
    overdue_days = serializers.SerializerMethodField(help_text=_("逾期工作日（未逾期为 0）"))
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "channel",
            "kind",
            "category",
            "content",
            "unit",
            "state",
            "received_on",
            "time_limit",
            "extension_days",
            "due_on",
            "replied_on",
            "closed_on",
            "chase_count",
            "satisfaction",
            "satisfaction_comment",
            "reply",
            "visit",
            "overdue_days",
            "steps",
        ]
        read_only_fields = [
            "state",
            "time_limit",
            "extension_days",
            "due_on",
            "replied_on",
            "closed_on",
            "chase_count",
            "satisfaction",
            "satisfaction_comment",
            "reply",
        ]
        extra_kwargs = {"received_on": {"required": False}}

    @extend_schema_field(serializers.IntegerField())
    def get_overdue_days(self, request: ServiceRequest) -> int:
        return deadlines.overdue_workdays(request.due_on, request.closed_on, timezone.localdate())

    def save_instance(self, instance, validated_data, *, user):
        if instance.pk is None:
            self.assign(instance, validated_data)
            return services.accept_request(request=instance, user=user)
        if "received_on" in validated_data and validated_data["received_on"] != instance.received_on:
            raise serializers.ValidationError({"received_on": "受理日期不能修改 / the day received cannot change"})
        self.assign(instance, validated_data)
        return services.update_request(request=instance, user=user)


class StepInputSerializer(serializers.Serializer):
    """The next step of a request's loop."""

    action = serializers.ChoiceField(
        choices=[a for a in RequestStep.Action.choices if a[0] not in ("accept", "reopen")]
    )
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.CharField(required=False, allow_blank=True, default="")
    satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(required=False, allow_null=True, default=None)
    approver = serializers.CharField(required=False, allow_blank=True, default="")


class VisitSerializer(ServiceModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    official = ColleagueField(required=False, allow_null=True, help_text=_("走访人（用户编号）"))
    official_name = serializers.CharField(source="official.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "official",
            "official_name",
            "agency",
            "state",
            "visited_on",
            "companions",
            "findings",
            "reason",
            "trigger",
        ]
        read_only_fields = ["trigger"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return services.save_visit(visit=instance, user=user)


class EnterpriseOfficialSerializer(ServiceModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    official = ColleagueField(help_text=_("人员（用户编号）"))
    official_name = serializers.CharField(source="official.username", read_only=True)

    class Meta:
        model = EnterpriseOfficial
        fields = ["id", "enterprise", "official", "official_name", "role", "since"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return services.link_official(link=instance, user=user)


class PlanMeasureSerializer(ServiceModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=EnterprisePlan.objects.all())

    class Meta:
        model = PlanMeasure
        fields = ["id", "plan", "content", "owner", "due_on", "state"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return services.save_measure(measure=instance, user=user)


class EnterprisePlanSerializer(ServiceModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    measures = PlanMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = EnterprisePlan
        fields = ["id", "enterprise", "year", "goal", "measures"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return services.save_plan(plan=instance, user=user)
