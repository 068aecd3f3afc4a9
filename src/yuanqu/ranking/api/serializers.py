"""Reported figures, peers and zone evaluation in the API, in the platform's units; writes go through the ranking
services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yuanqu.analytics.zone_figures import FIGURES
from yuanqu.analytics.zoneranking import GROUP_LABELS, preset_names
from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.ranking.models import (
    PeerZone,
    ZoneEvaluationMethod,
    ZoneEvaluationResult,
    ZoneEvaluationRun,
    ZoneMonth,
    ZoneYear,
)
from yuanqu.ranking.selectors import sees_details
from yuanqu.ranking.services import (
    preset_zone_method,
    run_zone_evaluation,
    save_peer,
    save_zone_month,
    save_zone_year,
)
from yuanqu.zones.models import Zone

FIGURE_FIELDS = [figure.key for figure in FIGURES]
FIGURE_HELP = {figure.key: {"help_text": f"{figure.zh}，单位：{figure.unit} / {figure.en}"} for figure in FIGURES}


class ZoneYearSerializer(ServiceModelSerializer):
    """One year's figures of a zone (or, read-only for most, of a peer)."""

    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(), required=False, allow_null=True, help_text=_("园区编号")
    )

    class Meta:
        model = ZoneYear
        fields = ["id", "zone", "peer", "year", *FIGURE_FIELDS, "updated"]
        read_only_fields = ["peer", "updated"]
        extra_kwargs = FIGURE_HELP

    def validate(self, attrs):
        zone = attrs.get("zone", getattr(self.instance, "zone", None))
        if zone is None and getattr(self.instance, "peer_id", None) is None:
            raise serializers.ValidationError({"zone": _("请填写园区")})
        return attrs

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_zone_year(zone_year=instance, user=user)


class ZoneMonthSerializer(ServiceModelSerializer):
    """A zone's figures from January to the end of a month."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("园区编号"))

    class Meta:
        model = ZoneMonth
        fields = ["id", "zone", "year", "month", *FIGURE_FIELDS, "updated"]
        read_only_fields = ["updated"]
        extra_kwargs = FIGURE_HELP

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_zone_month(zone_month=instance, user=user)


class PeerZoneSerializer(ServiceModelSerializer):
    """A zone outside the platform (city administrators change them)."""

    class Meta:
        model = PeerZone
        fields = ["id", "code", "name", "level", "city", "note"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_peer(peer=instance, user=user)


# --- zone evaluation ----------------------------------------------------------------------------------------


class ZoneEvaluationMethodSerializer(serializers.ModelSerializer):
    """A stored zone-evaluation method: its TOML text exactly as stored, and the digest runs name it by."""

    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ZoneEvaluationMethod
        fields = ["id", "name", "title", "preset", "digest", "text", "created_by", "created_at"]
        read_only_fields = fields


class ZoneEvaluationRunSerializer(serializers.ModelSerializer):
    """A run: the year, the method's text as used, whether zone users see the others' ranks. To start one, post
    the year and a stored method's id (``method``) or a preset's name (``preset``)."""

    method = serializers.PrimaryKeyRelatedField(
        queryset=ZoneEvaluationMethod.objects.all(),
        required=False,
        allow_null=True,
        help_text="已保存的评价方法编号 / a stored method's id",
    )
    preset = serializers.ChoiceField(
        choices=[(name, name) for name in preset_names()],
        required=False,
        write_only=True,
        help_text="预置方法（不填 method 时）/ a preset, instead of a stored method",
    )
    year = serializers.IntegerField(min_value=1949, max_value=2100, help_text="评价年度 / the year ranked")
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ZoneEvaluationRun
        fields = [
            "id",
            "year",
            "method",
            "preset",
            "method_name",
            "method_digest",
            "method_text",
            "others_visible",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["method_name", "method_digest", "method_text", "others_visible", "created_at"]

    def validate(self, attrs):
        if not attrs.get("method") and not attrs.get("preset"):
            raise serializers.ValidationError({"method": _("请选择已保存的评价方法或预置方法")})
        return attrs

    def create(self, validated_data):
        user = self.context["request"].user
        try:
            with transaction.atomic():
                method = validated_data.get("method") or preset_zone_method(name=validated_data["preset"], user=user)
                return run_zone_evaluation(method=method, year=validated_data["year"], user=user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"year": error.messages}) from None


DETAIL_FIELDS = (
    "previous_rank",
    "rank_change",
    "rank_best",
    "rank_worst",
    "warning",
    "warning_zh",
    "warning_en",
    "reason_zh",
    "reason_en",
    "categories",
    "indicators",
    "why",
    "move",
)


class ZoneEvaluationResultSerializer(serializers.ModelSerializer):
    """A zone's (or a peer's) place in a run. ``detailed`` false: another zone a zone user sees by name only (the
    city opened the run's ranks), with its name, group, total and rank; every other field is null."""

    group_label = serializers.SerializerMethodField(help_text="排名组名称 / the group's name")
    external = serializers.BooleanField(read_only=True, help_text="外部园区 / a peer outside the platform")
    detailed = serializers.SerializerMethodField(help_text="是否可见明细 / whether the details are shown")
    warning = serializers.CharField(read_only=True, allow_null=True, help_text="预警规则的键 / the warning's key")
    warning_zh = serializers.SerializerMethodField(help_text="预警 / the warning")
    warning_en = serializers.SerializerMethodField()
    reason_zh = serializers.CharField(read_only=True, allow_null=True, help_text="说明：否决、缺项 / the reasons")
    reason_en = serializers.CharField(read_only=True, allow_null=True)
    categories = serializers.SerializerMethodField(help_text="类别得分 0–100 / category scores")
    indicators = serializers.SerializerMethodField(help_text="指标的数值、得分、计分、问题 / indicators")
    why = serializers.SerializerMethodField(help_text="位次为何变化 / why the rank changed")
    move = serializers.SerializerMethodField(help_text="怎样前进一位 / what would lift it one place")

    class Meta:
        model = ZoneEvaluationResult
        fields = [
            "id",
            "run",
            "zone",
            "peer",
            "name",
            "level",
            "group",
            "group_label",
            "external",
            "status",
            "total",
            "rank",
            "group_size",
            "detailed",
            *DETAIL_FIELDS,
        ]
        read_only_fields = fields

    def _detailed(self, result) -> bool:
        request = self.context.get("request")
        return sees_details(result=result, user=getattr(request, "user", None))

    def get_group_label(self, result) -> str:
        return GROUP_LABELS.get(result.group, (result.group,))[0]

    def get_detailed(self, result) -> bool:
        return self._detailed(result)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_warning_zh(self, result):
        return result.details.get("warning_zh", "")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_warning_en(self, result):
        return result.details.get("warning_en", "")

    @extend_schema_field(
        {"type": "object", "nullable": True, "additionalProperties": {"type": "number", "nullable": True}}
    )
    def get_categories(self, result):
        return result.details.get("categories")

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": {"type": "object"}})
    def get_indicators(self, result):
        return result.details.get("indicators")

    @extend_schema_field({"type": "object", "nullable": True})
    def get_why(self, result):
        return result.details.get("why")

    @extend_schema_field({"type": "object", "nullable": True})
    def get_move(self, result):
        return result.details.get("move")

    def to_representation(self, result):
        data = super().to_representation(result)
        if not data["detailed"]:
            data.update(dict.fromkeys(DETAIL_FIELDS))
        return data
