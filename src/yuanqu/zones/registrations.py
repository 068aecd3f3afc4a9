"""What the zones app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import pgettext_lazy

from yuanqu.core import registry


def register() -> None:
    registry.data_kinds.register(
        registry.DataKind(
            "zones", "yuanqu.zones.importers.ZoneImporter", "zones.Zone", "yuanqu.zones.importers.export_rows", order=10
        )
    )
    registry.navigation.register(registry.NavItem("zones", pgettext_lazy("menu", "园区"), "zones:zone-list", order=10))
    registry.tile_touches.register(registry.TileTouch("zones.zone", scope="tile"))
    registry.demo_steps.register(registry.DemoStep("zones", "yuanqu.zones.demo.build_zones", order=10))
