"""API views of per-mu evaluation: methods (read, create), runs and results (read-only, restricted)."""

from rest_framework import mixins, viewsets

from yuanqu.evaluation.api.serializers import (
    EvaluationMethodSerializer,
    EvaluationResultSerializer,
    EvaluationRunSerializer,
)
from yuanqu.evaluation.filtersets import EvaluationResultFilterSet
from yuanqu.evaluation.models import EvaluationMethod, EvaluationResult, EvaluationRun


class EvaluationMethodViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation methods (city-wide); a new method is validated before it is stored."""

    queryset = EvaluationMethod.objects.all()
    serializer_class = EvaluationMethodSerializer
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user)


class EvaluationRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Runs the user may see: city-wide runs and runs of the user's zones."""

    queryset = EvaluationRun.objects.select_related("zone")
    serializer_class = EvaluationRunSerializer
    filterset_fields = ["year", "status"]
    ordering_fields = ["year", "created_at"]

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user)


class EvaluationResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Results of the enterprises of the user's zones, in the runs the user may see."""

    queryset = EvaluationResult.objects.select_related("enterprise")
    serializer_class = EvaluationResultSerializer
    filterset_class = EvaluationResultFilterSet
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["total", "rank", "grade"]

    def get_queryset(self):
        user = self.request.user
        return self.queryset.all().restrict(user).filter(run__in=EvaluationRun.objects.restrict(user))
