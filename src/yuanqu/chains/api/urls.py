"""API routes of the chains app."""

from rest_framework.routers import SimpleRouter

from yuanqu.chains.api.views import ChainNodeViewSet, ChainViewSet, TargetFirmViewSet

router = SimpleRouter()
router.register("chains", ChainViewSet, basename="api-chain")
router.register("chain-links", ChainNodeViewSet, basename="api-chain-link")
router.register("chain-targets", TargetFirmViewSet, basename="api-chain-target")

urlpatterns = router.urls
