"""What the maps app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry


def register() -> None:
    registry.navigation.register(
        registry.NavItem("map", pgettext_lazy("menu", "一张图"), "maps:map", menu="main", order=10)
    )
    # Working the tile rows out again repeats harmlessly: safe to run again after a worker died.
    registry.job_kinds.register(
        registry.JobKind("map-warm-up", _("地图瓦片预热"), "yuanqu.maps.tiles.warm_job", retry_safe=True)
    )
