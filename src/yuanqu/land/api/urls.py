"""API routes of the land app."""

from rest_framework.routers import SimpleRouter

from yuanqu.land.api.views import ParcelViewSet

router = SimpleRouter()
router.register("parcels", ParcelViewSet, basename="api-parcel")

urlpatterns = router.urls
