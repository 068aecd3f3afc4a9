"""Pages of the dashboard app."""

from django.urls import include, path

from yuanqu.dashboard import report_views, views

# The monthly report's pages, named in the "dashboard" namespace (dashboard:monthly-report).
report_patterns = (
    [
        path("report/monthly/", report_views.monthly_report, name="monthly-report"),
        path("report/monthly/<int:pk>/file/", report_views.monthly_report_file, name="monthly-report-file"),
    ],
    "dashboard",
)

urlpatterns = [path("", views.home, name="home"), path("", include(report_patterns))]
