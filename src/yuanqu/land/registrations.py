"""What the land app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry

ENTERPRISE_PAGE = "enterprises.enterprise-detail"


def _parcel_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """A parcel's own change; the log holds a digest of its polygon: a different one (or none) is a polygon
    drawn, moved or gone, which may change tiles far from where it lies now."""
    touched.parcels.add(int(object_id))
    if (before or {}).get("geometry") != (after or {}).get("geometry"):
        touched.every_tile = True


def _use_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """An enterprise's land: its parcel, and the enterprise's other parcels (the land it holds enters their tax
    per mu)."""
    for state in (before, after):
        if state:
            touched.parcels.add(int(state["parcel_id"]))
            touched.enterprises.add(int(state["enterprise_id"]))


def _land_panel(enterprise, request) -> dict:
    from yuanqu.land.selectors import land_used

    return {"land": land_used(enterprise=enterprise, user=request.user)}


ZONE_PAGE = "zones.zone-detail"


def _zone_land_panel(zone, request) -> dict:
    """The zone's land (with its sub-parks) by legal status as of today: parcels and mu per status."""
    from django.utils import timezone

    from yuanqu.land import status

    as_of = timezone.localdate()
    classified = status.land_statuses(user=request.user, as_of=as_of, zone_ids=[zone.pk])
    totals = status.totals_table(classified)
    return {
        "zone": zone,
        "as_of": as_of,
        "totals": totals,
        "parcels": sum(t["parcels"] for t in totals),
        "area_mu": sum(t["area_mu"] for t in totals),
    }


def register() -> None:
    importers, selectors, status = "yuanqu.land.importers", "yuanqu.land.selectors", "yuanqu.land.status"
    registry.data_kinds.register(
        registry.DataKind(
            "parcels",
            f"{importers}.ParcelImporter",
            "land.Parcel",
            f"{importers}.export_rows",
            formats=(".xlsx", ".gpkg", ".geojson", ".json"),
            write_spatial=f"{importers}.write_spatial",
            order=40,
        )
    )
    registry.navigation.register(
        registry.NavItem("parcels", pgettext_lazy("menu", "地块"), "land:parcel-list", order=30)
    )
    registry.navigation.register(
        registry.NavItem("land-ledger", pgettext_lazy("menu", "土地起底"), "land:ledger", menu="main", order=20)
    )
    registry.zone_columns.register(
        registry.ZoneColumn(
            "parcels",
            _("地块数"),
            f"{selectors}.parcel_counts",
            f"{selectors}.parcel_total",
            order=20,
            url_name="land:parcel-list",
            card_id="count-parcels",
        )
    )
    registry.zone_columns.register(
        registry.ZoneColumn(
            "parcel_mu",
            _("地块面积（亩）"),
            f"{selectors}.parcel_areas",
            f"{selectors}.parcel_area_total",
            places=2,
            order=30,
            card_id="parcel-mu",
        )
    )
    registry.panels.register(
        registry.Panel("zone-land-status", ZONE_PAGE, "land/_zone_land_panel.html", _zone_land_panel, order=20)
    )
    registry.panels.register(
        registry.Panel(
            "enterprise-land",
            ENTERPRISE_PAGE,
            "land/_enterprise_land_panel.html",
            _land_panel,
            order=10,
            history=lambda enterprise: [enterprise.land.all()],
        )
    )
    registry.measures.register(
        registry.Measure(
            "revitalised_mu",
            _("盘活土地（亩）"),
            _("亩"),
            f"{status}.revitalised_mu",
            order=200,
            reported_figure="revitalised_land",
        )
    )
    registry.measures.register(
        registry.Measure("idle_disposed_mu", _("处置闲置土地（亩）"), _("亩"), f"{status}.idle_disposed_mu", order=201)
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("land", pgettext_lazy("menu", "土地起底"), "yuanqu.land.cockpit.build", order=40)
    )
    registry.tile_touches.register(registry.TileTouch("land.parcel", touch=_parcel_touches))
    registry.tile_touches.register(registry.TileTouch("land.enterpriseland", touch=_use_touches))
    registry.tile_touches.register(registry.TileTouch("land.landruleset", scope="row"))
    registry.demo_steps.register(registry.DemoStep("parcels", "yuanqu.land.demo.build_parcels", order=20))
    registry.demo_steps.register(
        registry.DemoStep("enterprise-land", "yuanqu.land.demo.build_enterprise_land", order=40)
    )
    registry.map_layers.register(
        registry.MapLayer(
            "status",
            _("按土地状态"),
            "colouring",
            order=10,
            legend=f"{status}.status_legend",
            property="status",
            popup_label=_("土地状态"),
        )
    )
    registry.map_layers.register(
        registry.MapLayer(
            "enterprises",
            _("企业"),
            "points",
            order=10,
            geojson=f"{selectors}.enterprise_geojson",
            property="enterprise",
            detail_url="enterprises:enterprise-detail",
            colour="#222222",
            paint={"circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5},
            popup=(("uscc", ""), ("zone", "")),
            link_text=_("查看企业"),
        )
    )
