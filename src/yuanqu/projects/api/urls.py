"""API routes of the projects app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from yuanqu.projects.api.deadline_rules import DeadlineRuleViewSet
from yuanqu.projects.api.reports import AlertListView, ProjectStatisticsView
from yuanqu.projects.api.views import ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register("deadline-rules", DeadlineRuleViewSet, basename="api-deadline-rule")

urlpatterns = [
    path("alerts/", AlertListView.as_view(), name="api-alerts"),
    path("project-statistics/", ProjectStatisticsView.as_view(), name="api-project-statistics"),
    *router.urls,
]
