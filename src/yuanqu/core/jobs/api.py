"""The API of jobs: their status (GET /api/jobs/, /api/jobs/{id}/) and cancelling one (POST …/cancel/)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from yuanqu.core.jobs import services
from yuanqu.core.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, default="")
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    result_url = serializers.CharField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "label",
            "username",
            "zone",
            "state",
            "done",
            "total",
            "percent",
            "message",
            "problems",
            "result",
            "result_url",
            "attempts",
            "cancel_requested",
            "created",
            "started",
            "finished",
        ]
        read_only_fields = fields


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of the user's zones and the user's own, newest first; a job's user (or an editor of its zone) may
    cancel it."""

    queryset = Job.objects.select_related("user")
    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "kind"]
    ordering_fields = ["created", "finished"]

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        try:
            job = services.cancel(job=job, user=request.user)
        except ValidationError as error:
            raise ApiValidationError(error.messages) from None
        return Response(self.get_serializer(job).data)


router = SimpleRouter()
router.register("jobs", JobViewSet, basename="api-job")
urlpatterns = router.urls
