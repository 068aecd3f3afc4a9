"""Chains, their links and target firms in the API; every write goes through the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yuanqu.chains.models import Chain, ChainNode, TargetFirm
from yuanqu.chains.services import save_chain, save_node, save_target
from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.enterprises.models import Enterprise
from yuanqu.projects.models import Project
from yuanqu.zones.models import Zone


class ChainSerializer(ServiceModelSerializer):
    """A chain with the zones it serves (ids the user may change) and its leading firms."""

    zones = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), many=True, help_text=_("主导产业园区编号"))
    leading_enterprises = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False, scope="view", help_text=_("链主企业编号")
    )

    class Meta:
        model = Chain
        fields = ["id", "name", "owner", "zones", "leading_enterprises", "weak_below", "description", "updated"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            zones = set(Zone.objects.restrict(user).values_list("pk", flat=True))
            data["zones"] = [pk for pk in data["zones"] if pk in zones]
            firms = set(
                Enterprise.objects.restrict(user)
                .filter(pk__in=data["leading_enterprises"])
                .values_list("pk", flat=True)
            )
            data["leading_enterprises"] = [pk for pk in data["leading_enterprises"] if pk in firms]
        return data

    def save_instance(self, instance, validated_data, *, user):
        zones = validated_data.pop("zones", None)
        leading = validated_data.pop("leading_enterprises", None)
        self.assign(instance, validated_data)
        return save_chain(chain=instance, user=user, zones=zones, leading_enterprises=leading)


class ChainNodeSerializer(ServiceModelSerializer):
    """A link of a chain: classes and keywords comma-separated."""

    chain = serializers.PrimaryKeyRelatedField(queryset=Chain.objects.all(), help_text=_("产业链编号"))
    parent = serializers.PrimaryKeyRelatedField(
        queryset=ChainNode.objects.all(), allow_null=True, required=False, help_text=_("上级环节编号")
    )

    class Meta:
        model = ChainNode
        fields = [
            "id",
            "chain",
            "code",
            "name",
            "parent",
            "position",
            "industry_codes",
            "keywords",
            "nbs_category",
            "order",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            fields["chain"].queryset = Chain.objects.restrict(user)
            fields["parent"].queryset = ChainNode.objects.restrict(user)
        return fields

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_node(node=instance, user=user)


class TargetFirmSerializer(ServiceModelSerializer):
    """A target firm of a link (招商目标企业)."""

    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), help_text=_("环节编号"))
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("园区编号"))
    via_enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        allow_null=True,
        required=False,
        scope="view",
        help_text=_("关联链主企业编号"),
    )
    project = ScopedPrimaryKeyRelatedField(
        queryset=Project.objects.all(), allow_null=True, required=False, scope="view", help_text=_("项目编号")
    )

    class Meta:
        model = TargetFirm
        fields = [
            "id",
            "node",
            "zone",
            "name",
            "uscc",
            "location",
            "reason",
            "status",
            "via_enterprise",
            "relation",
            "project",
            "updated",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            fields["node"].queryset = ChainNode.objects.restrict(user)
        return fields

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_target(target=instance, user=user)


class CoverageLinkSerializer(serializers.Serializer):
    """One link's coverage."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    position = serializers.CharField()
    firms = serializers.IntegerField()
    revenue = serializers.FloatField(allow_null=True)
    tax = serializers.FloatField(allow_null=True)
    tax_per_mu = serializers.FloatField(allow_null=True)
    grades = serializers.DictField(child=serializers.IntegerField())
    gap = serializers.BooleanField()
    weak = serializers.BooleanField()
    state = serializers.CharField()
    enterprises = serializers.ListField(child=serializers.IntegerField())
    projects = serializers.ListField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    chain = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True)
    links = CoverageLinkSerializer(many=True)
