"""API routes of the accounts app."""

from rest_framework.routers import SimpleRouter

from yuanqu.accounts.api.views import UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="api-user")

urlpatterns = router.urls
