"""API views of parcels."""

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.land.api.filters import ParcelFilter
from yuanqu.land.api.serializers import ParcelSerializer
from yuanqu.land.models import Parcel
from yuanqu.land.services import delete_parcel


class ParcelViewSet(ZoneScopedViewSet):
    """Parcels of the user's zones, with their polygons as GeoJSON in EPSG:4490."""

    queryset = Parcel.objects.select_related("zone")
    serializer_class = ParcelSerializer
    filterset_class = ParcelFilter
    search_fields = ["code"]
    ordering_fields = ["code", "area_mu", "approved_on", "supplied_on", "agreed_start_on", "started_on"]

    def delete_instance(self, instance, *, user) -> None:
        delete_parcel(parcel=instance, user=user)
