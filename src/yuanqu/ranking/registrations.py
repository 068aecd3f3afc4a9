"""What the ranking app declares to the rest of the platform (yuanqu.core.registry)."""

from functools import partial

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import sees_all_zones

ZONE_PAGE = "zones.zone-detail"


def _figures_panel(zone, request) -> dict:
    from yuanqu.ranking.models import ZoneYear
    from yuanqu.ranking.selectors import latest_result

    latest = ZoneYear.objects.restrict(request.user).filter(zone=zone).order_by("-year").first()
    return {"zone": zone, "latest": latest, "ranked": latest_result(zone=zone, user=request.user)}


def reported_label(figure):
    """ "税收收入（上报）" / "tax revenue (reported)", in the language of the request."""

    def text() -> str:
        return f"{figure.en} (reported)" if (get_language() or "").startswith("en") else f"{figure.zh}（上报）"

    return lazy(text, str)()


def _figures_url(*, zone, year) -> str:
    return reverse("ranking:zone-figures", args=[zone.pk]) + f"?year={year}"


def register() -> None:
    from yuanqu.analytics.zone_figures import FIGURES

    importers, selectors = "yuanqu.ranking.importers", "yuanqu.ranking.selectors"
    for kind in (
        registry.DataKind(
            "zone-years", f"{importers}.ZoneYearImporter", "ranking.ZoneYear", f"{importers}.export_year_rows", order=60
        ),
        registry.DataKind(
            "zone-months",
            f"{importers}.ZoneMonthImporter",
            "ranking.ZoneMonth",
            f"{importers}.export_month_rows",
            order=61,
        ),
        registry.DataKind(
            "peer-years", f"{importers}.PeerYearImporter", "ranking.ZoneYear", f"{importers}.export_peer_rows", order=62
        ),
    ):
        registry.data_kinds.register(kind)
    registry.navigation.register(
        registry.NavItem("ranking", pgettext_lazy("menu", "园区综合评价"), "ranking:run-list", menu="main", order=50)
    )
    registry.navigation.register(registry.NavItem("zone-figures", _("上报数据"), "ranking:figures", order=15))
    registry.navigation.register(
        registry.NavItem("peers", _("外部园区"), "ranking:peers", order=16, visible=sees_all_zones)
    )
    registry.panels.register(
        registry.Panel(
            "zone-figures",
            ZONE_PAGE,
            "ranking/_zone_figures_panel.html",
            _figures_panel,
            order=10,
            history=lambda zone: [zone.reported_years.all()],
        )
    )
    # Targets can be set on every figure a zone reports (its own report, yearly or January to date).
    for order, figure in enumerate(FIGURES, start=1):
        if figure.incident:
            continue
        registry.measures.register(
            registry.Measure(
                f"reported_{figure.key}",
                reported_label(figure),
                figure.unit,
                partial(registry.Lazy(f"{selectors}.reported_value"), figure.key),
                order=300 + order,
                url=_figures_url,
                months=partial(registry.Lazy(f"{selectors}.reported_months"), figure.key),
            )
        )
    registry.evaluations.register(
        registry.EvaluationCommand(
            "zones",
            "园区综合评价 / zone evaluation and ranking",
            "yuanqu.ranking.commands.add_arguments",
            "yuanqu.ranking.commands.handle",
            order=20,
        )
    )
    registry.job_kinds.register(
        registry.JobKind(
            "zone-evaluation-run", _("园区综合评价"), "yuanqu.ranking.jobs.run_zone_evaluation_job", retry_safe=False
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection(
            "reported-figures", _("园区上报数据"), "yuanqu.ranking.cockpit.build_reported", order=20
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("ranking", _("园区综合评价排名"), "yuanqu.ranking.cockpit.build_ranking", order=21)
    )
    registry.demo_steps.register(registry.DemoStep("zone-figures", "yuanqu.ranking.demo.build_figures", order=85))
    registry.demo_steps.register(registry.DemoStep("zone-ranking", "yuanqu.ranking.demo.build_runs", order=86))
