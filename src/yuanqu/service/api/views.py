"""API views of enterprise service: requests (with their steps), visits, linked officials, plans, categories."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.service import services
from yuanqu.service.api.serializers import (
    CategorySerializer,
    EnterpriseOfficialSerializer,
    EnterprisePlanSerializer,
    PlanMeasureSerializer,
    ServiceRequestSerializer,
    StepInputSerializer,
    VisitSerializer,
)
from yuanqu.service.filtersets import (
    EnterpriseOfficialFilterSet,
    EnterprisePlanFilterSet,
    PlanMeasureFilterSet,
    ServiceRequestFilterSet,
    VisitFilterSet,
)
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    ServiceCategory,
    ServiceRequest,
    Visit,
)


def _messages(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


class ServiceRequestViewSet(ZoneScopedViewSet):
    """Requests of the enterprises of the user's zones; ``POST {id}/steps/`` takes the next step of the loop."""

    queryset = ServiceRequest.objects.select_related("enterprise", "category").prefetch_related("steps")
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilterSet

    def delete_instance(self, instance, *, user) -> None:
        services.delete_request(request=instance, user=user)

    @extend_schema(request=StepInputSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """受理后的下一环节：dispatch, handle, reply, close, call_back, rate, chase, extend."""
        service_request = self.get_object()
        step = StepInputSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                services.advance_request(request=service_request, user=request.user, **step.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(_messages(exc)) from None
        service_request.refresh_from_db()
        return Response(self.get_serializer(service_request).data)


class VisitViewSet(ZoneScopedViewSet):
    queryset = Visit.objects.select_related("enterprise", "official")
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet

    def delete_instance(self, instance, *, user) -> None:
        services.delete_visit(visit=instance, user=user)


class EnterpriseOfficialViewSet(ZoneScopedViewSet):
    queryset = EnterpriseOfficial.objects.select_related("official")
    serializer_class = EnterpriseOfficialSerializer
    filterset_class = EnterpriseOfficialFilterSet

    def delete_instance(self, instance, *, user) -> None:
        services.unlink_official(link=instance, user=user)


class EnterprisePlanViewSet(ZoneScopedViewSet):
    queryset = EnterprisePlan.objects.prefetch_related("measures")
    serializer_class = EnterprisePlanSerializer
    filterset_class = EnterprisePlanFilterSet

    def delete_instance(self, instance, *, user) -> None:
        services.delete_plan(plan=instance, user=user)


class PlanMeasureViewSet(ZoneScopedViewSet):
    queryset = PlanMeasure.objects.all()
    serializer_class = PlanMeasureSerializer
    filterset_class = PlanMeasureFilterSet

    def delete_instance(self, instance, *, user) -> None:
        services.delete_measure(measure=instance, user=user)


class ServiceCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The request categories (a city-wide code table an administrator edits in the admin)."""

    queryset = ServiceCategory.objects.all()
    serializer_class = CategorySerializer
    pagination_class = None
