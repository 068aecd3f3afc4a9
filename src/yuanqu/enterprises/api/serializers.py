"""Enterprises and their yearly figures in the API; every write goes through the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import (
    UsccError,
    clean_uscc,
    save_enterprise,
    save_enterprise_year,
)
from yuanqu.zones.models import Zone


class UsccField(serializers.CharField):
    """A unified social credit code, checked (check character included) and put in its standard form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("统一社会信用代码，18 位，含校验位"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return clean_uscc(super().to_internal_value(data))
        except UsccError as exc:
            raise serializers.ValidationError(str(exc)) from None


class EnterpriseSerializer(ServiceModelSerializer):
    """An enterprise; writes go through ``save_enterprise`` (credit code and industry code checked there)."""

    uscc = UsccField(
        validators=[
            UniqueValidator(
                queryset=Enterprise.objects.all(),
                message="该统一社会信用代码已登记 / an enterprise with this credit code already exists",
            )
        ]
    )
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    industry_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        help_text=_("国民经济行业代码（GB/T 4754-2017），如 C3981 或 3981；门类和大类由此得出"),
    )
    industry_label = serializers.CharField(
        read_only=True, help_text=_("行业，如“C3981 计算机、通信和其他电子设备制造业”")
    )
    industry_section_name = serializers.CharField(read_only=True, help_text=_("行业门类名称"))
    industry_class_name = serializers.CharField(
        read_only=True, help_text=_("行业小类名称（四位代码时），如“锂离子电池制造”")
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "zone",
            "zone_name",
            "industry_code",
            "industry_section",
            "industry_section_name",
            "industry_division",
            "industry_label",
            "industry_class_name",
            "main_products",
            "business_scope",
            "status",
            "production_started_on",
            *Enterprise.KEY_FIELDS,
            "created",
            "updated",
        ]
        read_only_fields = ["industry_section", "industry_division"]

    def save_instance(self, instance, validated_data, *, user):
        industry_code = validated_data.pop("industry_code", None)
        self.assign(instance, validated_data)
        return save_enterprise(enterprise=instance, user=user, industry_code=industry_code)


# Units of the yearly figures, stated in the schema; decimals travel as strings (DRF's default).
YEAR_HELP = {
    "land_mu": _("用地面积，单位：亩"),
    "tax": _("实缴税收，单位：万元"),
    "revenue": _("营业收入，单位：万元"),
    "industrial_output": _("工业总产值，单位：万元"),
    "value_added": _("工业增加值，单位：万元"),
    "energy_tce": _("综合能耗，单位：吨标准煤"),
    "electricity": _("用电量，单位：万千瓦时"),
    "emissions": _("主要污染物排放量，单位：吨"),
    "rd_spending": _("研发经费，单位：万元"),
    "employees": _("从业人员，单位：人"),
}


class EnterpriseYearSerializer(ServiceModelSerializer):
    """One enterprise's figures for one year; writes go through ``save_enterprise_year``."""

    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, help_text=_("统一社会信用代码"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    zone = serializers.IntegerField(source="enterprise.zone_id", read_only=True, help_text=_("所属园区编号"))
    tax_per_mu = serializers.SerializerMethodField(help_text=_("亩均税收，单位：万元/亩（实缴税收 ÷ 用地面积）"))

    class Meta:
        model = EnterpriseYear
        fields = [
            "id",
            "enterprise",
            "uscc",
            "enterprise_name",
            "zone",
            "year",
            *EnterpriseYear.FIGURES,
            "tax_per_mu",
            "updated",
        ]
        extra_kwargs = {
            "year": {"min_value": 1949, "max_value": 2100},
            **{name: {"help_text": text} for name, text in YEAR_HELP.items()},
        }

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_tax_per_mu(self, year: EnterpriseYear) -> str | None:
        value = year.tax_per_mu
        return None if value is None else f"{value:.4f}"

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_enterprise_year(enterprise_year=instance, user=user)
