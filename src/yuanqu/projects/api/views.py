"""API views of projects: zone-restricted CRUD and the ``advance`` action that records a stage change."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.projects.api.serializers import (
    AdmissionCheckSerializer,
    AdvanceSerializer,
    AgreementSerializer,
    ProjectSerializer,
)
from yuanqu.projects.filtersets import ProjectFilterSet
from yuanqu.projects.models import Agreement, Project
from yuanqu.projects.services import (
    advance_stage,
    delete_project,
    latest_admission_check,
    run_admission_check,
    save_agreement,
)


class ProjectViewSet(ZoneScopedViewSet):
    """Projects of the user's zones; ``?stage=signed``, ``?zone=3`` (with its sub-parks), ``?q=`` or ``?search=``."""

    queryset = Project.objects.select_related("zone", "agreement", "parcel").prefetch_related("events__recorded_by")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    search_fields = ["name", "investor"]
    ordering_fields = ["name", "total_investment", "created", "stage"]

    def delete_instance(self, instance, *, user) -> None:
        delete_project(project=instance, user=user)

    @extend_schema(request=AdvanceSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the project to another stage on a date (a step back, dropping or reviving needs a reason)."""
        project = self.get_object()
        data = AdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                advance_stage(project=project, user=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.get_serializer(project).data)

    @extend_schema(request=AgreementSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["get", "put"])
    def agreement(self, request, pk=None):
        """The project's agreement; PUT creates or replaces it (404 on GET when there is none)."""
        project = self.get_object()
        agreement = Agreement.objects.filter(project=project).first()
        if request.method == "GET":
            if agreement is None:
                raise NotFound("该项目尚未录入投资协议 / the project has no agreement yet")
            return Response(AgreementSerializer(agreement).data)
        data = AgreementSerializer(agreement, data=request.data)
        data.is_valid(raise_exception=True)
        agreement = agreement or Agreement(project=project)
        for name, value in data.validated_data.items():
            setattr(agreement, name, value)
        try:
            with transaction.atomic():
                save_agreement(agreement=agreement, user=request.user)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(AgreementSerializer(agreement).data)

    @extend_schema(request=None, responses=AdmissionCheckSerializer)
    @action(detail=True, methods=["get", "post"])
    def admission(self, request, pk=None):
        """GET the latest admission report (404 if never checked); POST runs the check and returns its report."""
        project = self.get_object()
        if request.method == "GET":
            check = latest_admission_check(project)
            if check is None:
                raise NotFound("该项目尚未做准入检查 / the project has not been checked yet")
            return Response(AdmissionCheckSerializer(check).data)
        with transaction.atomic():
            check = run_admission_check(project=project, user=request.user)
        return Response(AdmissionCheckSerializer(check).data, status=201)
