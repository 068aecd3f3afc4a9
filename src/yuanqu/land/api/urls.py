"""API routes of the land app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from yuanqu.land.api.ledger import LandLedgerView
from yuanqu.land.api.views import EnterpriseLandViewSet, ParcelViewSet

router = SimpleRouter()
router.register("parcels", ParcelViewSet, basename="api-parcel")
router.register("enterprise-land", EnterpriseLandViewSet, basename="api-enterprise-land")

urlpatterns = [path("land-ledger/", LandLedgerView.as_view(), name="api-land-ledger"), *router.urls]
