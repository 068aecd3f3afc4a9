"""Read-only API views of the projects app: the alert list and a zone's monthly statistics, both restricted
to the user's zones (another zone's id answers 400, like a zone that does not exist)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yuanqu.projects import statistics
from yuanqu.projects.alerts import KINDS, counts_by_kind, project_alerts
from yuanqu.projects.forms import AlertFilterForm, StatisticsForm
from yuanqu.targets.api.serializers import TargetProgressSerializer

KIND_HELP = "类型 / kind: " + ", ".join(KINDS)


def _errors(form) -> Response:
    return Response({name: [str(e) for e in errs] for name, errs in form.errors.items()}, status=400)


class AlertSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    project_name = serializers.CharField(source="project.name")
    zone = serializers.IntegerField(source="project.zone_id")
    zone_name = serializers.CharField(source="project.zone.name")
    kind = serializers.CharField(help_text=KIND_HELP)
    kind_label = serializers.CharField()
    rule_zh = serializers.CharField()
    rule_en = serializers.CharField()
    late_zh = serializers.CharField()
    late_en = serializers.CharField()
    days = serializers.IntegerField(help_text="how late in days of the rule's unit; negative: days still left")
    leader = serializers.CharField(help_text="挂钩领导 / the project's leader")
    agent = serializers.CharField(help_text="代办员 / the project's agent")


class KindCountSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KIND_HELP)
    label = serializers.CharField()
    count = serializers.IntegerField()


class AlertListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    counts = KindCountSerializer(many=True)
    results = AlertSerializer(many=True)


class AlertListView(APIView):
    """What to chase in the user's projects today: overdue deadlines, stalled projects, agreements at risk or
    breached, parcels near the idle-land line; each names the rule, the leader, the agent and how late."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(KINDS), description="类型 / only this kind"),
            OpenApiParameter("zone", int, description="园区编号（含下级园区） / zone id, with its sub-parks"),
        ],
        responses=AlertListSerializer,
    )
    def get(self, request):
        form = AlertFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            return _errors(form)
        zone = form.cleaned_data["zone"]
        alerts = project_alerts(user=request.user, zone_ids=[zone.pk] if zone else None)
        kind = form.cleaned_data["kind"]
        chosen = [a for a in alerts if a.kind == kind] if kind else alerts
        data = {"count": len(chosen), "counts": counts_by_kind(alerts), "results": chosen}
        return Response(AlertListSerializer(data).data)


class MonthlyRowSerializer(serializers.Serializer):
    stage = serializers.CharField()
    size_class = serializers.CharField(allow_null=True, help_text="规模档（空：全部项目） / size class, null: all")
    month_count = serializers.IntegerField()
    month_investment = serializers.DecimalField(max_digits=22, decimal_places=4, help_text="万元")
    month_investment_yi = serializers.DecimalField(max_digits=22, decimal_places=8, help_text="亿元")
    year_count = serializers.IntegerField()
    year_investment = serializers.DecimalField(max_digits=22, decimal_places=4, help_text="万元")
    year_investment_yi = serializers.DecimalField(max_digits=22, decimal_places=8, help_text="亿元")


class MonthlyStatisticsSerializer(serializers.Serializer):
    zone = serializers.IntegerField(source="zone.pk")
    zone_name = serializers.CharField(source="zone.name")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    as_of = serializers.DateField(help_text="目标完成情况的统计截止日 / targets measured as of this date")
    rows = MonthlyRowSerializer(many=True)
    targets = TargetProgressSerializer(many=True)


class ProjectStatisticsView(APIView):
    """A zone's monthly statistics, as on the page: per stage and size class the projects new this month and
    cumulative this year (counts and investment), and each yearly target with its share done and colour."""

    @extend_schema(
        parameters=[
            OpenApiParameter("zone", int, description="园区编号（默认：第一个可见园区） / zone id"),
            OpenApiParameter("year", int, description="年度（默认：今年） / year"),
            OpenApiParameter("month", int, description="月份（默认：本月） / month, 1-12"),
        ],
        responses=MonthlyStatisticsSerializer,
    )
    def get(self, request):
        form = StatisticsForm(request.query_params, user=request.user)
        if not form.is_valid():
            return _errors(form)
        today = timezone.localdate()
        zone = form.cleaned_data["zone"] or form.fields["zone"].queryset.filter(parent__isnull=True).first()
        if zone is None:
            return Response({"zone": ["没有可见的园区 / no zone visible to this user"]}, status=400)
        year = form.cleaned_data["year"] or today.year
        month = form.cleaned_data["month"] or (today.month if year == today.year else 12)
        report = statistics.monthly_statistics(user=request.user, zone=zone, year=year, month=month, today=today)
        return Response(MonthlyStatisticsSerializer(report).data)
