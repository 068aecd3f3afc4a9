"""API routes of the projects app."""

from rest_framework.routers import SimpleRouter

from yuanqu.projects.api.views import ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="api-project")

urlpatterns = router.urls
