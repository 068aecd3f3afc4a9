"""App configuration for investment projects."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "yuanqu.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.projects import registrations
        from yuanqu.projects.models import (
            AdmissionCheck,
            AdmissionRules,
            Agreement,
            AlertResponse,
            Project,
            StageDeadline,
            StageEvent,
        )

        for model in (
            Project,
            StageEvent,
            StageDeadline,
            Agreement,
            AdmissionRules,
            AdmissionCheck,
            AlertResponse,
        ):
            track(model)
        registrations.register()
