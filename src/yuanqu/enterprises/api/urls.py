"""API routes of the enterprises app."""

from rest_framework.routers import SimpleRouter

from yuanqu.enterprises.api.views import EnterpriseViewSet, EnterpriseYearViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("enterprise-years", EnterpriseYearViewSet, basename="api-enterprise-year")

urlpatterns = router.urls
