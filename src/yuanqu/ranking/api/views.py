"""API views of the reported figures, the peers and zone evaluation (methods and runs city-wide, results as far as
the user may see them)."""

from django.db.models import Case, F, IntegerField, Value, When
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import NotFound

from yuanqu.core.access import sees_all_zones
from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.ranking.api.serializers import (
    PeerZoneSerializer,
    ZoneEvaluationMethodSerializer,
    ZoneEvaluationResultSerializer,
    ZoneEvaluationRunSerializer,
    ZoneMonthSerializer,
    ZoneYearSerializer,
)
from yuanqu.ranking.filtersets import ZoneEvaluationResultFilterSet, ZoneMonthFilterSet, ZoneYearFilterSet
from yuanqu.ranking.models import PeerZone, ZoneEvaluationMethod, ZoneEvaluationRun, ZoneMonth, ZoneYear
from yuanqu.ranking.selectors import GROUP_ORDER, visible_results
from yuanqu.ranking.services import can_evaluate_zones, delete_peer, delete_zone_month, delete_zone_year


class ZoneYearViewSet(ZoneScopedViewSet):
    """Yearly figures of the user's zones (and, for city users, of the peers), in the platform's units."""

    queryset = ZoneYear.objects.select_related("zone", "peer")
    serializer_class = ZoneYearSerializer
    filterset_class = ZoneYearFilterSet
    ordering_fields = [
        "year",
        "zone__code",
        *[f for f in ZoneYearSerializer.Meta.fields if f not in ("id", "zone", "peer")],
    ]

    def delete_instance(self, instance, *, user) -> None:
        delete_zone_year(zone_year=instance, user=user)


class ZoneMonthViewSet(ZoneScopedViewSet):
    """January-to-date figures of the user's zones."""

    queryset = ZoneMonth.objects.select_related("zone")
    serializer_class = ZoneMonthSerializer
    filterset_class = ZoneMonthFilterSet
    ordering_fields = ["year", "month", "zone__code"]

    def delete_instance(self, instance, *, user) -> None:
        delete_zone_month(zone_month=instance, user=user)


class PeerZoneViewSet(viewsets.ModelViewSet):
    """Zones outside the platform, for city users (changed by city administrators)."""

    queryset = PeerZone.objects.all()
    serializer_class = PeerZoneSerializer
    search_fields = ["name", "code", "city"]

    def get_queryset(self):
        if not sees_all_zones(self.request.user):
            raise NotFound
        return super().get_queryset()

    def perform_destroy(self, instance):
        delete_peer(peer=instance, user=self.request.user)


class CanEvaluateZones(permissions.BasePermission):
    """Reading needs a login; starting a run needs the right to evaluate zones (city administrators, analysts)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or can_evaluate_zones(user)


class ZoneEvaluationMethodViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored zone-evaluation methods (city-wide, read by every signed-in user)."""

    queryset = ZoneEvaluationMethod.objects.select_related("created_by")
    serializer_class = ZoneEvaluationMethodSerializer
    search_fields = ["name", "title"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["preset", "digest"]


class ZoneEvaluationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Zone-evaluation runs (city-wide); a POST ranks a year's figures under a method and stores the run."""

    queryset = ZoneEvaluationRun.objects.select_related("created_by")
    serializer_class = ZoneEvaluationRunSerializer
    permission_classes = [CanEvaluateZones]
    filterset_fields = ["year", "method", "others_visible"]
    ordering_fields = ["year", "created_at"]


class ZoneEvaluationResultViewSet(viewsets.ReadOnlyModelViewSet):
    """The results the user may see: every zone's for city users; a zone user's own zones in full and, in runs the
    city opened, the other ranked zones' name, total and rank."""

    queryset = visible_results(user=None)
    serializer_class = ZoneEvaluationResultSerializer
    filterset_class = ZoneEvaluationResultFilterSet
    search_fields = ["name"]
    ordering_fields = ["total", "rank", "name"]

    def get_queryset(self):
        group_order = Case(
            *[When(group=key, then=Value(index)) for key, index in GROUP_ORDER.items()],
            default=Value(len(GROUP_ORDER)),
            output_field=IntegerField(),
        )
        return (
            visible_results(user=self.request.user)
            .annotate(group_order=group_order)
            .order_by("-run__year", "run_id", "group_order", F("rank").asc(nulls_last=True), "name")
        )
