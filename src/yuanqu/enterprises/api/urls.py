"""API routes of the enterprises app."""

from rest_framework.routers import SimpleRouter

from yuanqu.enterprises.api.views import EnterpriseLandViewSet, EnterpriseViewSet, EnterpriseYearViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("enterprise-years", EnterpriseYearViewSet, basename="api-enterprise-year")
router.register("enterprise-land", EnterpriseLandViewSet, basename="api-enterprise-land")

urlpatterns = router.urls
