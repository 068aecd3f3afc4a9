"""App configuration for enterprise service (企业服务)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "yuanqu.service"
    label = "service"
    verbose_name = _("企业服务")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.service import models, registrations

        for model in (
            models.ServiceCategory,
            models.EnterpriseOfficial,
            models.EnterprisePlan,
            models.PlanMeasure,
            models.ServiceRequest,
            models.RequestStep,
            models.Visit,
        ):
            track(model)
        registrations.register()
