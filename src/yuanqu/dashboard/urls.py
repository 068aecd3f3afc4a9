"""Pages of the dashboard app: the home page (``home``, named at the top as every page's way back), the cockpit's
pages and the monthly report's, in one ``dashboard`` namespace (a namespace included twice resolves only in the
first)."""

from django.urls import include, path

from yuanqu.dashboard import report_views, views

dashboard_patterns = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/screen/", views.cockpit_screen, name="cockpit-screen"),
    path("cockpit/table/", views.cockpit_table, name="cockpit-table"),
    path("report/monthly/", report_views.monthly_report, name="monthly-report"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((dashboard_patterns, "dashboard"))),
]
