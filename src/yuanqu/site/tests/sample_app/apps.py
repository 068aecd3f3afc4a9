from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    name = "yuanqu.site.tests.sample_app"
    label = "sample_app"
    verbose_name = "样例"

    def ready(self) -> None:
        from yuanqu.site.tests.sample_app import registrations

        registrations.register()
