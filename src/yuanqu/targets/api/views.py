"""The targets API: the yearly targets of the user's zones, written through ``save_target``/``delete_target``."""

from __future__ import annotations

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.targets.api.filters import TargetFilter
from yuanqu.targets.api.serializers import TargetSerializer
from yuanqu.targets.models import Target
from yuanqu.targets.services import delete_target


class TargetViewSet(ZoneScopedViewSet):
    """Yearly targets of the user's zones; ``?zone=3``, ``?year=2026``, ``?indicator=started_count``."""

    queryset = Target.objects.select_related("zone")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["year", "indicator", "zone"]

    def delete_instance(self, instance, *, user) -> None:
        delete_target(target=instance, user=user)
