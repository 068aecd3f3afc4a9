"""A URL map with the monthly report's page (which another branch adds), for the test of the cockpit's buttons."""

from django.http import HttpResponse
from django.urls import include, path

from yuanqu.dashboard import views


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
                    path("cockpit/report/", report, name="monthly-report"),
                ],
                "dashboard",
            )
        ),
    ),
    path("", include("yuanqu.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
