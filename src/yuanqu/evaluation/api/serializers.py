"""Methods, runs and results in the API; runs and results are read-only (runs are made by the service)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from yuanqu.evaluation.models import EvaluationMethod, EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import save_method


class EvaluationMethodSerializer(serializers.ModelSerializer):
    """A method as data (TOML or YAML); created methods are validated (problems name their line)."""

    class Meta:
        model = EvaluationMethod
        fields = ["id", "name", "text", "format", "digest", "preset", "created_at"]
        read_only_fields = ["id", "digest", "preset", "created_at"]

    def create(self, validated_data):
        try:
            return save_method(user=self.context["request"].user, **validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"text": error.messages}) from None


class EvaluationRunSerializer(serializers.ModelSerializer):
    """A run: the method text exactly as used, its digest and the hash of the input data."""

    zone_name = serializers.CharField(source="zone.name", read_only=True, default=None, allow_null=True)
    # Plain text here: the same choices as the method's "format" would otherwise get a second enum name.
    method_format = serializers.CharField(read_only=True, help_text="toml | yaml")

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "year",
            "method_name",
            "method_text",
            "method_format",
            "method_digest",
            "zone",
            "zone_name",
            "input_hash",
            "status",
            "published_at",
            "created_at",
        ]
        read_only_fields = fields


class EvaluationResultSerializer(serializers.ModelSerializer):
    """One enterprise's result: indicators (value, benchmark, ratio, score), total, rank, grade, policies."""

    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "run",
            "enterprise",
            "uscc",
            "enterprise_name",
            "zone",
            "group",
            "group_label",
            "status",
            "reason_zh",
            "reason_en",
            "total",
            "rank",
            "group_size",
            "grade",
            "indicators",
            "policies",
            "explanation_zh",
            "explanation_en",
        ]
        read_only_fields = fields
