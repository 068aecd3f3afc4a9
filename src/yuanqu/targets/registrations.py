"""What the targets app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry

ZONE_PAGE = "zones.zone-detail"


def _supervision_panel(zone, request) -> dict | None:
    """The zone's letter for this year, its lines counted by colour, and its tasks open and overdue."""
    import datetime as dt

    from yuanqu.targets import selectors
    from yuanqu.targets.models import Task

    today = dt.date.today()
    letter = selectors.scoped_letters(request.user).filter(zone=zone, year=today.year).first()
    rows = selectors.letter_progress(letter, user=request.user, as_of=today) if letter else []
    colours = {
        colour: sum(1 for row in rows if row["colour"] == colour) for colour in ("green", "amber", "red", "none")
    }
    tasks = selectors.scoped_tasks(request.user).filter(zone=zone).exclude(state=Task.State.CLOSED)
    overdue = tasks.filter(deadline__lt=today).count()
    if letter is None and not tasks.exists():
        return None
    return {"zone": zone, "letter": letter, "colours": colours, "open": tasks.count(), "overdue": overdue}


def register() -> None:
    registry.alert_sources.register(
        registry.AlertSource(
            "tasks-late", _("督办事项逾期"), "yuanqu.targets.alerts.late_task_items", url="targets:task-list", order=20
        )
    )
    registry.panels.register(
        registry.Panel(
            "zone-supervision",
            ZONE_PAGE,
            "targets/_zone_panel.html",
            _supervision_panel,
            order=30,
            history=lambda zone: [zone.letters.all(), zone.tasks.all()],
        )
    )
    importers = "yuanqu.targets.importers"
    registry.data_kinds.register(
        registry.DataKind(
            "targets", f"{importers}.TargetImporter", "targets.Target", f"{importers}.export_target_rows", order=90
        )
    )
    registry.data_kinds.register(
        registry.DataKind(
            "tasks", f"{importers}.TaskImporter", "targets.Task", f"{importers}.export_task_rows", order=91
        )
    )
    registry.demo_steps.register(registry.DemoStep("supervision", "yuanqu.targets.demo.build_supervision", order=90))
    registry.navigation.register(
        registry.NavItem(
            "supervision", pgettext_lazy("menu", "目标督办"), "targets:letter-overview", menu="main", order=60
        )
    )
    registry.cockpit_sections.register(
        registry.CockpitSection("targets", _("目标责任与督办"), "yuanqu.targets.cockpit.build", order=50)
    )
    registry.cockpit_targets.register(registry.CockpitTargets("targets", "yuanqu.targets.cockpit.targets"))
    registry.navigation.register(
        registry.NavItem("letters", pgettext_lazy("menu", "目标责任状"), "targets:letter-overview", order=70)
    )
    registry.navigation.register(registry.NavItem("tasks", _("督办事项"), "targets:task-list", order=71))
