"""The URL map of ``report_urls`` without the monthly report's page: the cockpit must render all the same."""

from django.urls import include, path

from yuanqu.dashboard import views
from yuanqu.site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "",
        include(
            (
                [
                    path("cockpit/", views.cockpit, name="cockpit"),
                    path("cockpit/screen/", views.cockpit_screen, name="cockpit-screen"),
                    path("cockpit/table/", views.cockpit_table, name="cockpit-table"),
                ],
                "dashboard",
            )
        ),
    ),
    *site_urlpatterns,  # the rest of the site; the first "dashboard" namespace (above) is the one names resolve in
]
