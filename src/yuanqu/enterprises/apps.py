"""App configuration for enterprises."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "yuanqu.enterprises"
    label = "enterprises"
    verbose_name = _("企业")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.enterprises import registrations
        from yuanqu.enterprises.models import Enterprise, EnterpriseYear

        for model in (Enterprise, EnterpriseYear):
            track(model)
        registrations.register()
