"""API routes of the service app."""

from rest_framework.routers import SimpleRouter

from yuanqu.service.api import views

router = SimpleRouter()
router.register("service-requests", views.ServiceRequestViewSet, basename="api-service-request")
router.register("service-visits", views.VisitViewSet, basename="api-service-visit")
router.register("service-officials", views.EnterpriseOfficialViewSet, basename="api-service-official")
router.register("service-plans", views.EnterprisePlanViewSet, basename="api-service-plan")
router.register("service-plan-measures", views.PlanMeasureViewSet, basename="api-service-plan-measure")
router.register("service-categories", views.ServiceCategoryViewSet, basename="api-service-category")

urlpatterns = router.urls
