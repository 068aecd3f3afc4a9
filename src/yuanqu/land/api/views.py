"""API views of parcels and of the land enterprises use."""

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.land.api.serializers import EnterpriseLandSerializer, ParcelSerializer
from yuanqu.land.filtersets import EnterpriseLandFilterSet, ParcelFilterSet
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import delete_enterprise_land, delete_parcel


class ParcelViewSet(ZoneScopedViewSet):
    """Parcels of the user's zones, with their polygons as GeoJSON in EPSG:4490."""

    queryset = Parcel.objects.select_related("zone")
    serializer_class = ParcelSerializer
    filterset_class = ParcelFilterSet
    search_fields = ["code"]
    ordering_fields = ["code", "area_mu", "approved_on", "supplied_on", "agreed_start_on", "started_on"]

    def delete_instance(self, instance, *, user) -> None:
        delete_parcel(parcel=instance, user=user)


class EnterpriseLandViewSet(ZoneScopedViewSet):
    """Which parcels the enterprises of the user's zones use, owned or rented."""

    queryset = EnterpriseLand.objects.select_related("enterprise", "parcel")
    serializer_class = EnterpriseLandSerializer
    filterset_class = EnterpriseLandFilterSet
    search_fields = ["enterprise__name", "enterprise__uscc", "parcel__code"]
    ordering_fields = ["start_on", "end_on", "area_mu", "enterprise__name"]

    def delete_instance(self, instance, *, user) -> None:
        delete_enterprise_land(enterprise_land=instance, user=user)
