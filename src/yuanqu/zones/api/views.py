"""API views of zones."""

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.zones.api.serializers import ZoneSerializer
from yuanqu.zones.filtersets import ZoneFilterSet
from yuanqu.zones.models import Zone
from yuanqu.zones.services import delete_zone


class ZoneViewSet(ZoneScopedViewSet):
    """Zones and sub-parks the user may see; city administrators create zones, zone users add sub-parks."""

    queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilterSet
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["code", "name", "level", "kind", "approved_on"]

    def delete_instance(self, instance, *, user) -> None:
        delete_zone(zone=instance, user=user)
