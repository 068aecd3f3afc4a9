"""What the dashboard app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core import registry


def register() -> None:
    registry.navigation.register(registry.NavItem("home", _("首页"), "home", order=0))
    registry.navigation.register(
        registry.NavItem(
            "cockpit",
            pgettext_lazy("menu", "驾驶舱"),
            "dashboard:cockpit",
            menu="main",
            order=5,
            visible="yuanqu.dashboard.cockpit.has_zones",
        )
    )
    registry.job_kinds.register(
        # The report is written to a new file each time: a job a dead worker left behind may simply run again.
        registry.JobKind(
            "monthly-report", _("月报"), "yuanqu.dashboard.jobs.run_monthly_report_job", retry_safe=True, serial=False
        )
    )
    registry.job_kinds.register(
        # Rebuilding cached figures repeats harmlessly.
        registry.JobKind("cockpit-warm-up", _("驾驶舱数据更新"), "yuanqu.dashboard.cockpit.warm_job", retry_safe=True)
    )
