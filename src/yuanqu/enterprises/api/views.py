"""API views of enterprises, their yearly figures and their land."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.enterprises.api.serializers import (
    EnterpriseSerializer,
    EnterpriseYearSerializer,
)
from yuanqu.enterprises.filtersets import EnterpriseFilterSet, EnterpriseYearFilterSet
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import (
    UsccError,
    clean_uscc,
    delete_enterprise,
    delete_enterprise_year,
)


class EnterpriseViewSet(ZoneScopedViewSet):
    """Enterprises of the user's zones; also reachable by credit code at ``by-uscc/{uscc}/``."""

    # The zone's name is shown, never its boundary (a province's zone outlines are large).
    queryset = Enterprise.objects.select_related("zone").defer("zone__boundary")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    search_fields = ["name", "uscc"]
    ordering_fields = ["name", "uscc", "industry_code", "status", "production_started_on"]

    def delete_instance(self, instance, *, user) -> None:
        delete_enterprise(enterprise=instance, user=user)

    @extend_schema(
        parameters=[
            OpenApiParameter("uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码 / USCC")
        ],
        responses=EnterpriseSerializer,
    )
    @action(
        detail=False, methods=["get"], url_path=r"by-uscc/(?P<uscc>[^/]+)", filter_backends=[], pagination_class=None
    )
    def by_uscc(self, request, uscc: str):
        """The enterprise with this unified social credit code (404 when none the user may see)."""
        try:
            code = clean_uscc(uscc)
        except UsccError as exc:
            raise ValidationError({"uscc": [str(exc)]}) from None
        enterprise = get_object_or_404(self.get_queryset(), uscc=code)
        return Response(self.get_serializer(enterprise).data)


class EnterpriseYearViewSet(ZoneScopedViewSet):
    """Yearly figures of the enterprises of the user's zones; money in 万元, land in 亩."""

    queryset = EnterpriseYear.objects.select_related("enterprise")
    serializer_class = EnterpriseYearSerializer
    filterset_class = EnterpriseYearFilterSet
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["year", "enterprise__name", "tax", "revenue", "value_added", "land_mu"]

    def delete_instance(self, instance, *, user) -> None:
        delete_enterprise_year(enterprise_year=instance, user=user)
