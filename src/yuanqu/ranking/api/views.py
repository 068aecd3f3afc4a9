"""API views of the reported figures and the peers."""

from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from yuanqu.core.access import sees_all_zones
from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.ranking.api.serializers import PeerZoneSerializer, ZoneMonthSerializer, ZoneYearSerializer
from yuanqu.ranking.filtersets import ZoneMonthFilterSet, ZoneYearFilterSet
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.ranking.services import delete_peer, delete_zone_month, delete_zone_year


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
