"""API routes of the targets app."""

from rest_framework.routers import SimpleRouter

from yuanqu.targets.api.views import LetterViewSet, TargetViewSet, TaskViewSet

router = SimpleRouter()
router.register("targets", TargetViewSet, basename="api-target")
router.register("letters", LetterViewSet, basename="api-letter")
router.register("tasks", TaskViewSet, basename="api-task")

urlpatterns = router.urls
