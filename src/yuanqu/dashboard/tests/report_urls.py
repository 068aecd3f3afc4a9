"""A URL map with the monthly report's page (which another branch adds), for the test of the cockpit's buttons;
``report_urls_without`` is the same without it."""

from django.http import HttpResponse
from django.urls import include, path

from yuanqu.dashboard import views
from yuanqu.site.urls import urlpatterns as site_urlpatterns


def report(request):
    return HttpResponse("report")


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
                    path("cockpit/report/", report, name="monthly-report"),
                ],
                "dashboard",
            )
        ),
    ),
    *site_urlpatterns,  # the rest of the site; the first "dashboard" namespace (above) is the one names resolve in
]
