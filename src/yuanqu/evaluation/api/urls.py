"""API routes of per-mu evaluation."""

from rest_framework.routers import SimpleRouter

from yuanqu.evaluation.api.views import EvaluationMethodViewSet, EvaluationResultViewSet, EvaluationRunViewSet

router = SimpleRouter()
router.register("evaluation-methods", EvaluationMethodViewSet, basename="api-evaluation-method")
router.register("evaluation-runs", EvaluationRunViewSet, basename="api-evaluation-run")
router.register("evaluation-results", EvaluationResultViewSet, basename="api-evaluation-result")

urlpatterns = router.urls
