"""App configuration for the zones' yearly targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "yuanqu.targets"
    label = "targets"
    verbose_name = _("目标")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.targets import registrations
        from yuanqu.targets.models import (
            ResponsibilityLetter,
            Target,
            Task,
            TaskAttachment,
            TaskExtension,
            TaskMilestone,
            TaskStep,
        )

        for model in (ResponsibilityLetter, Target, Task, TaskStep, TaskAttachment, TaskExtension, TaskMilestone):
            track(model)
        registrations.register()
