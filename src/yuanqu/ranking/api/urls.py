"""API routes of the ranking app."""

from rest_framework.routers import SimpleRouter

from yuanqu.ranking.api.views import PeerZoneViewSet, ZoneMonthViewSet, ZoneYearViewSet

router = SimpleRouter()
router.register("zone-years", ZoneYearViewSet, basename="api-zone-year")
router.register("zone-months", ZoneMonthViewSet, basename="api-zone-month")
router.register("peer-zones", PeerZoneViewSet, basename="api-peer-zone")

urlpatterns = router.urls
