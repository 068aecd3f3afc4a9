"""What the targets app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def register() -> None:
    from yuanqu.targets.importers import TargetImporter, TaskImporter, export_target_rows, export_task_rows

    registry.data_kinds.register(
        registry.DataKind("targets", TargetImporter, "targets.Target", export_target_rows, order=90)
    )
    registry.data_kinds.register(registry.DataKind("tasks", TaskImporter, "targets.Task", export_task_rows, order=91))
    registry.demo_steps.register(registry.DemoStep("supervision", "yuanqu.targets.demo.build_supervision", order=90))
    registry.navigation.register(
        registry.NavItem("supervision", _("目标督办"), "targets:letter-overview", menu="main", order=60)
    )
    registry.navigation.register(registry.NavItem("letters", _("目标责任状"), "targets:letter-overview", order=70))
    registry.navigation.register(registry.NavItem("tasks", _("督办事项"), "targets:task-list", order=71))
