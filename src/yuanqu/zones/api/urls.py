"""API routes of the zones app."""

from rest_framework.routers import SimpleRouter

from yuanqu.zones.api.views import ZoneViewSet

router = SimpleRouter()
router.register("zones", ZoneViewSet, basename="api-zone")

urlpatterns = router.urls
