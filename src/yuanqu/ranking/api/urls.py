"""API routes of the ranking app."""

from rest_framework.routers import SimpleRouter

from yuanqu.ranking.api.views import (
    PeerZoneViewSet,
    ZoneEvaluationMethodViewSet,
    ZoneEvaluationResultViewSet,
    ZoneEvaluationRunViewSet,
    ZoneMonthViewSet,
    ZoneYearViewSet,
)

router = SimpleRouter()
router.register("zone-years", ZoneYearViewSet, basename="api-zone-year")
router.register("zone-months", ZoneMonthViewSet, basename="api-zone-month")
router.register("peer-zones", PeerZoneViewSet, basename="api-peer-zone")
router.register("zone-evaluation-methods", ZoneEvaluationMethodViewSet, basename="api-zone-evaluation-method")
router.register("zone-evaluation-runs", ZoneEvaluationRunViewSet, basename="api-zone-evaluation-run")
router.register("zone-evaluation-results", ZoneEvaluationResultViewSet, basename="api-zone-evaluation-result")

urlpatterns = router.urls
