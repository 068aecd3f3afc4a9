"""The sample app's declarations, one of each kind an app makes: a data kind (import, template and export), a menu
entry, a figure per zone, a home card, a panel on the zone page, a points layer of the map, a cockpit section and its
part of the demo city."""

from yuanqu.core import registry
from yuanqu.core.access import get_zone_model
from yuanqu.core.cockpit import Figure, Section
from yuanqu.core.importing.pipeline import Importer, Plan
from yuanqu.core.importing.tabular import Column


class SampleImporter(Importer):
    kind = "samples"
    label_zh, label_en = "样例", "samples"
    schema = (Column("name", "名称", "text", required=True),)

    def plan(self, table, *, user, problems) -> Plan:
        return Plan(unchanged=len(table.rows))


def export_rows(*, user, zone_ids=None):
    """One row per zone the user sees, under the importer's column keys."""
    zones = get_zone_model().objects.restrict(user).order_by("code")
    if zone_ids is not None:
        zones = zones.filter(pk__in=zone_ids)
    return [{"name": f"样例·{zone.name}"} for zone in zones]


def points(*, user, zone_ids, as_of):
    """A dot per zone the user sees."""
    zones = get_zone_model().objects.restrict(user).order_by("code")
    if zone_ids is not None:
        zones = zones.filter(pk__in=zone_ids)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [120.5, 31.3]},
            "properties": {"id": zone.pk, "name": f"样例点·{zone.name}", "url": "/sample/"},
        }
        for zone in zones
    ]
    return {"type": "FeatureCollection", "features": features, "unmapped": 0}


def cockpit_section(*, scope, period):
    return Section(
        "sample",
        "样例板块",
        figures=[Figure("sample-zones", "样例园区数", len(scope.zones))],
    )


def demo_step(city) -> None:
    """Reads what the zones' step left: the zones of the city."""
    city.count("样例 / samples", get_zone_model().objects.count())


def register() -> None:
    registry.data_kinds.register(
        registry.DataKind("samples", SampleImporter, "zones.Zone", export_rows=export_rows, order=900)
    )
    registry.navigation.register(registry.NavItem("samples", "样例页", "sample_app:page", menu="main", order=900))
    registry.zone_columns.register(
        registry.ZoneColumn(
            "sample",
            "样例数",
            values=lambda *, user, zone_ids: dict.fromkeys(zone_ids, 7),
            total=lambda *, user, zone_ids: 7 * len(zone_ids),
            order=900,
            card_id="sample-total",
        )
    )
    registry.home_cards.register(
        registry.Card("sample", "sample_app/card.html", lambda request: {"who": request.user.username}, order=900)
    )
    registry.panels.register(
        registry.Panel(
            "sample",
            "zones.zone-detail",
            "sample_app/panel.html",
            lambda zone, request: {"zone_name": zone.name},
        )
    )
    registry.map_layers.register(
        registry.MapLayer("samples", "样例图层", "points", order=900, geojson=points, colour="#123456")
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("sample", "样例板块", cockpit_section, order=900, in_report=False)
    )
    registry.demo_steps.register(registry.DemoStep("sample", demo_step, order=900))
