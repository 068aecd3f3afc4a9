"""App configuration for the shared core."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.admin import checks as admin_checks
from django.core import checks
from django.utils.translation import gettext_lazy as _


def _staff(user) -> bool:
    return bool(user.is_staff)


class CoreConfig(AppConfig):
    name = "yuanqu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from yuanqu.core import checks, registry  # noqa: F401  (checks registers the deployment checks)

        for item in (
            # Read-only roles (analyst, leader) import nothing: the page would only tell them so.
            registry.NavItem(
                "imports", _("导入"), "imports:import-start", order=80, visible="yuanqu.core.access.can_edit"
            ),
            registry.NavItem("api-docs", _("接口文档"), "api-docs", order=95),
            registry.NavItem("admin", _("后台管理"), "admin:index", order=99, visible=_staff),
        ):
            registry.navigation.register(item)
        registry.navigation.register(registry.NavItem("jobs", _("后台任务"), "jobs:job-list", order=85))
        registry.job_kinds.register(
            # A check writes nothing, and a write is one transaction checked against the confirmed plan: both
            # may run again after a worker died.
            registry.JobKind("import", _("导入"), "yuanqu.core.jobs.imports.run_import_job", retry_safe=True)
        )


class AdminConfig(admin_apps.SimpleAdminConfig):
    """Django's admin with the platform's site (``yuanqu.core.adminsite``): listed in ``INSTALLED_APPS`` in place of
    ``django.contrib.admin``.

    The apps' ``admin.py`` modules (and the forms and services they import) are discovered when the URL conf loads
    (``yuanqu.site.urls``), not at start: a command that serves no page does not import them. The system checks
    discover them first, so that every model admin is checked as before."""

    default = False  # yuanqu.core's own configuration stays CoreConfig
    default_site = "yuanqu.core.adminsite.AdminSite"

    def ready(self) -> None:
        # SimpleAdminConfig.ready, with the admin check discovering the model admins before it checks them.
        checks.register(admin_checks.check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin, checks.Tags.admin)


def check_discovered_admin(app_configs=None, **kwargs) -> list:
    """Django's checks of the admin sites, after the apps' admin modules are discovered."""
    from django.contrib import admin

    admin.autodiscover()
    return admin_checks.check_admin_app(app_configs, **kwargs)
