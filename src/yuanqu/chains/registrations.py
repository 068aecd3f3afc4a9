"""What the chains app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry

ZONE_PAGE = "zones.zone-detail"


def _zone_panel(zone, request) -> dict | None:
    from yuanqu.chains.selectors import chain_coverage, chains_for

    rows = []
    for chain in chains_for(request.user, zone=zone):
        result = chain_coverage(chain, user=request.user, zone_ids=[zone.pk])
        rows.append({"chain": chain, "links": len(result.links), "gaps": len(result.gaps), "weak": len(result.weak)})
    return {"zone": zone, "rows": rows}


def register() -> None:
    importers = "yuanqu.chains.importers"
    registry.enterprise_groupings.register(
        registry.EnterpriseGrouping("chains", _("产业链"), "yuanqu.chains.selectors.chain_members")
    )
    registry.data_kinds.register(
        registry.DataKind(
            "chains", f"{importers}.ChainImporter", "chains.ChainNode", f"{importers}.export_rows", order=70
        )
    )
    registry.data_kinds.register(
        registry.DataKind(
            "chain-targets",
            f"{importers}.TargetFirmImporter",
            "chains.TargetFirm",
            f"{importers}.export_target_rows",
            order=71,
        )
    )
    registry.navigation.register(
        registry.NavItem("chains", pgettext_lazy("menu", "产业链"), "chains:chain-list", order=45)
    )
    registry.job_kinds.register(
        registry.JobKind(
            "chain-coverage", _("产业链覆盖表"), "yuanqu.chains.jobs.run_coverage_job", retry_safe=True, serial=False
        )
    )
    registry.demo_steps.register(registry.DemoStep("chains", "yuanqu.chains.demo.build_chains", order=90))
    registry.navigation.register(
        registry.NavItem("chain-maps", pgettext_lazy("menu", "产业链图谱"), "chains:chain-list", menu="main", order=35)
    )
    registry.map_layers.register(
        registry.MapLayer(
            "chain-land",
            _("缺链可用土地"),
            "points",
            order=40,
            geojson="yuanqu.chains.selectors.gap_land_geojson",
            detail_url="land:parcel-detail",
            colour="#d32f2f",
            paint={"circle-radius": 7, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2},
            popup=(("status_label", _("土地状态")), ("area_mu", _("面积（亩）")), ("chains", _("可承接的缺链"))),
            link_text=_("查看地块"),
            unmapped_text=_("无图形的可用地块：{n} 宗（不在地图上）"),
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("chains", pgettext_lazy("menu", "产业链图谱"), "yuanqu.chains.cockpit.build", order=70)
    )
    registry.panels.register(
        registry.Panel("zone-chains", ZONE_PAGE, "chains/_zone_chains_panel.html", _zone_panel, order=30)
    )
