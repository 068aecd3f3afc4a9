"""What the service app declares to the rest of the platform (yuanqu.core.registry)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry
from yuanqu.core.access import can_edit_zone

ENTERPRISE_PAGE = "enterprises.enterprise-detail"


def _panel(enterprise, request):
    from yuanqu.service.selectors import enterprise_panel

    context = enterprise_panel(enterprise, user=request.user)
    context["can_edit"] = can_edit_zone(request.user, enterprise.zone_id)
    return context


def _panel_history(enterprise):
    from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan, PlanMeasure

    return [
        EnterpriseOfficial.objects.filter(enterprise=enterprise),
        EnterprisePlan.objects.filter(enterprise=enterprise),
        PlanMeasure.objects.filter(plan__enterprise=enterprise),
    ]


def _requests_url(*, zone, year) -> str:
    return reverse("service:request-list") + f"?zone={zone.pk}&received_from={year}-01-01&received_to={year}-12-31"


def _on_time(*, user, zone, year, as_of=None):
    from yuanqu.service.selectors import on_time_measure

    return on_time_measure(user=user, zone=zone, year=year, as_of=as_of)


def register() -> None:
    registry.alert_sources.register(
        registry.AlertSource(
            "requests-late",
            _("企业诉求逾期"),
            "yuanqu.service.alerts.late_request_items",
            url="service:request-list",
            order=30,
        )
    )
    registry.navigation.register(
        registry.NavItem("service", pgettext_lazy("menu", "企业服务"), "service:request-list", menu="main", order=60)
    )
    registry.navigation.register(registry.NavItem("service-requests", _("企业诉求"), "service:request-list", order=60))
    registry.navigation.register(registry.NavItem("service-mine", _("我的企业"), "service:my-enterprises", order=61))
    registry.navigation.register(registry.NavItem("service-visits", _("走访记录"), "service:visit-list", order=62))
    registry.panels.register(
        registry.Panel(
            "service", ENTERPRISE_PAGE, "service/_enterprise_panel.html", _panel, order=40, history=_panel_history
        )
    )
    registry.data_kinds.register(
        registry.DataKind(
            "service-requests",
            "yuanqu.service.importers.ServiceRequestImporter",
            "service.ServiceRequest",
            "yuanqu.service.importers.export_request_rows",
            order=80,
        )
    )
    registry.measures.register(
        registry.Measure(
            "requests_closed_on_time",
            _("企业诉求按期办结率（%）"),
            _("%"),
            _on_time,
            order=300,
            url=_requests_url,
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("service", pgettext_lazy("menu", "企业服务"), "yuanqu.service.cockpit.build", order=60)
    )
    registry.demo_steps.register(registry.DemoStep("service", "yuanqu.service.demo.build_service", order=90))
