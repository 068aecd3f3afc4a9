"""Projects in the API; writes go through ``save_project``, stage changes through ``advance_stage``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import Parcel
from yuanqu.projects.models import AdmissionCheck, Agreement, Project, Stage, StageEvent
from yuanqu.projects.screening import find_duplicates
from yuanqu.projects.selectors import project_compliance
from yuanqu.projects.services import save_project, size_class
from yuanqu.zones.models import Zone


class StageEventSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default="")
    # Blank on a project's first event (it came from no stage): the schema says so.
    from_stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True, read_only=True)

    class Meta:
        model = StageEvent
        fields = ["id", "from_stage", "to_stage", "on", "reason", "recorded_by", "recorded_at"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    """A project's agreement: money in 万元, intensity, output and tax in 万元/亩, land in 亩."""

    class Meta:
        model = Agreement
        fields = [
            "signed_on",
            "total_investment",
            "intensity",
            "land_mu",
            "start_by",
            "production_by",
            "output_per_mu",
            "tax_per_mu",
        ]


class FindingSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["on_track", "at_risk", "breached"])
    zh = serializers.CharField()
    en = serializers.CharField()


class ComplianceSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["on_track", "at_risk", "breached"])
    findings = FindingSerializer(many=True)


class PossibleDuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    zone = serializers.IntegerField(source="zone_id")
    zone_name = serializers.CharField(source="zone.name")
    stage = serializers.CharField()
    investor = serializers.CharField()
    same_investor = serializers.BooleanField(help_text=_("同一投资方"))
    similarity = serializers.FloatField(source="duplicate_similarity", help_text=_("名称相似度（0–1）"))


# The actions answering with one project: they carry its possible duplicates; a list does not (null).
DUPLICATE_ACTIONS = frozenset({"create", "retrieve", "update", "partial_update", "advance"})


class ProjectSerializer(ServiceModelSerializer):
    """A project; ``stage`` is read-only here (use the ``advance`` action), money in 万元, land in 亩."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    parcel = ScopedPrimaryKeyRelatedField(
        queryset=Parcel.objects.all(), required=False, allow_null=True, help_text=_("地块编号（数据库编号）")
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True, help_text=_("企业编号")
    )
    industry_code = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text=_("国民经济行业代码（GB/T 4754-2017）")
    )
    size_class = serializers.SerializerMethodField(help_text=_("规模：按总投资划分的最高档"))
    events = StageEventSerializer(many=True, read_only=True)
    agreement = AgreementSerializer(read_only=True, allow_null=True, help_text=_("投资协议（通过 agreement 接口修改）"))
    compliance = serializers.SerializerMethodField(help_text=_("履约判断及原因"))
    possible_duplicates = serializers.SerializerMethodField(
        help_text=_(
            "可能重复的项目（同一园区及其分园、未终止，投资方相同或名称相似）；只提示，不阻止保存；列表中为 null"
        )
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "zone",
            "zone_name",
            "investor",
            "investor_origin",
            "industry_code",
            "industry_section",
            "industry_division",
            "total_investment",
            "fixed_asset_investment",
            "foreign_investment",
            "land_mu",
            "lead_source",
            "contact_verified",
            "investor_capacity",
            "is_top500",
            "is_china_top100_private",
            "is_regional_hq",
            "leader",
            "agent",
            "parcel",
            "enterprise",
            "stage",
            "dropped_reason",
            "size_class",
            "events",
            "agreement",
            "compliance",
            "possible_duplicates",
            "created",
            "updated",
        ]
        read_only_fields = ["industry_section", "industry_division", "stage", "dropped_reason"]

    @extend_schema_field(ComplianceSerializer(allow_null=True))
    def get_compliance(self, project: Project):
        result = project_compliance(project)
        return None if result is None else ComplianceSerializer(result).data

    @extend_schema_field(PossibleDuplicateSerializer(many=True, allow_null=True))
    def get_possible_duplicates(self, project: Project):
        view = self.context.get("view")
        if getattr(view, "action", None) not in DUPLICATE_ACTIONS or self.acting_user is None:
            return None
        duplicates = find_duplicates(project=project, user=self.acting_user)
        return PossibleDuplicateSerializer(duplicates, many=True).data

    def get_size_class(self, project: Project) -> str:
        return size_class(project.total_investment)

    def save_instance(self, instance, validated_data, *, user):
        industry_code = validated_data.pop("industry_code", None)
        self.assign(instance, validated_data)
        return save_project(project=instance, user=user, industry_code=industry_code)


class AdvanceSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices, help_text=_("新阶段"))
    on = serializers.DateField(help_text=_("日期"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("原因"))
    not_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=_("线索有可能重复的项目时，核对后勾选才能推进")
    )


class AdmissionCheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.CharField(source="checked_by.username", read_only=True, default="")

    class Meta:
        model = AdmissionCheck
        fields = ["id", "checked_at", "checked_by", "passed", "report", "override_reason"]
        read_only_fields = fields
