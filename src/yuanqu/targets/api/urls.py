"""API routes of the targets app."""

from rest_framework.routers import SimpleRouter

from yuanqu.targets.api.views import TargetViewSet

router = SimpleRouter()
router.register("targets", TargetViewSet, basename="api-target")

urlpatterns = router.urls
