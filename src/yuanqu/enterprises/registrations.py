"""What the enterprises app declares to the rest of the platform (yuanqu.core.registry)."""

from functools import partial

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry


def _enterprise_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """An enterprise's name is on its parcels."""
    touched.enterprises.add(int(object_id))


def _year_touches(touched: registry.Touched, object_id: str, before: dict, after: dict) -> None:
    """An enterprise's yearly figures (its tax per mu) change its parcels' land status."""
    touched.enterprises.update(int(state["enterprise_id"]) for state in (before, after) if state)


MEASURES = (
    # (key, label, unit, the reported figure it is the platform's own count of)
    ("enterprise_tax", _("企业实缴税收合计（万元）"), _("万元"), "tax_revenue"),
    ("enterprise_output", _("企业工业总产值合计（万元）"), _("万元"), "industrial_output"),
    ("above_scale_count", _("规上企业数"), _("家"), "above_scale_enterprises"),
    ("high_tech_count", _("高新技术企业数"), _("家"), "high_tech_enterprises"),
)


def register() -> None:
    importers, selectors = "yuanqu.enterprises.importers", "yuanqu.enterprises.selectors"
    registry.data_kinds.register(
        registry.DataKind(
            "enterprises",
            f"{importers}.EnterpriseImporter",
            "enterprises.Enterprise",
            f"{importers}.export_enterprise_rows",
            order=20,
        )
    )
    registry.data_kinds.register(
        registry.DataKind(
            "enterprise-years",
            f"{importers}.EnterpriseYearImporter",
            "enterprises.EnterpriseYear",
            f"{importers}.export_year_rows",
            order=30,
        )
    )
    registry.navigation.register(
        registry.NavItem("enterprises", pgettext_lazy("menu", "企业"), "enterprises:enterprise-list", order=20)
    )
    year = registry.Lazy(f"{selectors}.latest_year")
    for column in (
        registry.ZoneColumn(
            "enterprises",
            _("企业数"),
            f"{selectors}.enterprise_counts",
            f"{selectors}.enterprise_total",
            order=10,
            url_name="enterprises:enterprise-list",
            card_id="count-enterprises",
        ),
        registry.ZoneColumn(
            "tax",
            _("实缴税收（万元）"),
            f"{selectors}.zone_tax",
            f"{selectors}.total_tax",
            places=2,
            order=40,
            in_zone_list=False,
            card_id="total-tax",
            year=year,
        ),
        registry.ZoneColumn(
            "land_mu",
            _("用地面积（亩）"),
            f"{selectors}.zone_land",
            f"{selectors}.total_land",
            places=2,
            order=50,
            in_zone_list=False,
            year=year,
        ),
        registry.ZoneColumn(
            "tax_per_mu",
            _("亩均税收（万元/亩）"),
            f"{selectors}.zone_tax_per_mu",
            f"{selectors}.total_tax_per_mu",
            places=2,
            order=60,
            in_zone_list=False,
            card_id="tax-per-mu",
            year=year,
            chart=True,
        ),
    ):
        registry.zone_columns.register(column)
    for order, (key, label, unit, reported) in enumerate(MEASURES, start=1):
        registry.measures.register(
            registry.Measure(
                key,
                label,
                unit,
                partial(registry.Lazy(f"{selectors}.year_measure"), key),
                order=100 + order,
                reported_figure=reported,
            )
        )
    registry.tile_touches.register(registry.TileTouch("enterprises.enterprise", touch=_enterprise_touches))
    registry.tile_touches.register(registry.TileTouch("enterprises.enterpriseyear", touch=_year_touches))
    registry.demo_steps.register(
        registry.DemoStep("enterprises", "yuanqu.enterprises.demo.build_enterprises", order=30)
    )
    registry.demo_steps.register(registry.DemoStep("enterprise-years", "yuanqu.enterprises.demo.build_years", order=50))
