"""The sample app's declarations: a data kind, a menu entry, a figure per zone, a panel on the zone page."""

from yuanqu.core import registry
from yuanqu.core.importing.pipeline import Importer, Plan
from yuanqu.core.importing.tabular import Column


class SampleImporter(Importer):
    kind = "samples"
    label_zh, label_en = "样例", "samples"
    schema = (Column("name", "名称", "text", required=True),)

    def plan(self, table, *, user, problems) -> Plan:
        return Plan(unchanged=len(table.rows))


def register() -> None:
    registry.data_kinds.register(registry.DataKind("samples", SampleImporter, "zones.Zone", order=900))
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
    registry.panels.register(
        registry.Panel(
            "sample",
            "zones.zone-detail",
            "sample_app/panel.html",
            lambda zone, request: {"zone_name": zone.name},
        )
    )
