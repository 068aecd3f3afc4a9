"""API views of chains: chains, links, target firms, and a chain's coverage."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from yuanqu.chains.api.serializers import (
    ChainNodeSerializer,
    ChainSerializer,
    CoverageSerializer,
    TargetFirmSerializer,
)
from yuanqu.chains.filtersets import ChainFilterSet, ChainNodeFilterSet, TargetFirmFilterSet
from yuanqu.chains.models import Chain, ChainNode, TargetFirm
from yuanqu.chains.selectors import chain_coverage
from yuanqu.chains.services import can_edit_chain, delete_chain, delete_node, delete_target
from yuanqu.core.api.permissions import ZoneScopedPermission
from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.core.params import MAX_YEAR, MIN_YEAR, to_id, to_int


class ChainPermission(ZoneScopedPermission):
    """A chain (or its link) belongs to every zone it serves: changed only by someone who may change them all."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return can_edit_chain(request.user, obj if isinstance(obj, Chain) else obj.chain)


def _year(value):
    """The ``year`` of the coverage (None when left out); 400 naming it when it is no year of the platform's span."""
    if value in (None, ""):
        return None
    year = to_int(value, low=MIN_YEAR, high=MAX_YEAR)
    if year is None:
        raise ValidationError(
            {"year": f"应为 {MIN_YEAR}–{MAX_YEAR} 的年份 / expected a year from {MIN_YEAR} to {MAX_YEAR}"}
        )
    return year


def _zone(value):
    """The ``zone`` id (None when left out); 400 naming it when it is no id."""
    if value in (None, ""):
        return None
    zone = to_id(value)
    if zone is None:
        raise ValidationError({"zone": "应为正整数编号 / expected a positive whole-number id"})
    return zone


class ChainViewSet(ZoneScopedViewSet):
    """Industry chains serving the user's zones; ``/coverage/`` computes which firms fill each link."""

    queryset = Chain.objects.all()
    permission_classes = [ChainPermission]
    serializer_class = ChainSerializer
    filterset_class = ChainFilterSet
    ordering_fields = ["name"]

    def delete_instance(self, instance, *, user) -> None:
        delete_chain(chain=instance, user=user)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度 / year of the figures (default: the latest)"),
            OpenApiParameter("zone", int, description="园区编号 / only the firms of this zone and its sub-parks"),
        ],
        responses=CoverageSerializer,
    )
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        chain = self.get_object()
        year = _year(request.query_params.get("year"))
        zone = _zone(request.query_params.get("zone"))
        result = chain_coverage(chain, user=request.user, zone_ids=[zone] if zone is not None else None, year=year)
        links = [
            {
                "id": link.node.pk,
                "code": link.node.code,
                "name": link.node.name,
                "parent": link.node.parent_id,
                "position": link.node.position,
                "firms": link.firms,
                "revenue": link.revenue,
                "tax": link.tax,
                "tax_per_mu": link.tax_per_mu,
                "grades": link.grades,
                "gap": link.gap,
                "weak": link.weak,
                "state": link.state,
                "enterprises": link.enterprise_ids,
                "projects": [tag.project_id for tag in link.projects],
            }
            for link in result.links
        ]
        return Response(CoverageSerializer({"chain": chain.pk, "year": result.year, "links": links}).data)


class ChainNodeViewSet(ZoneScopedViewSet):
    """The links of the chains the user sees."""

    queryset = ChainNode.objects.select_related("chain")
    permission_classes = [ChainPermission]
    serializer_class = ChainNodeSerializer
    filterset_class = ChainNodeFilterSet
    ordering_fields = ["chain", "order", "code"]

    def delete_instance(self, instance, *, user) -> None:
        delete_node(node=instance, user=user)


class TargetFirmViewSet(ZoneScopedViewSet):
    """Target firms of the user's zones (招商目标企业)."""

    queryset = TargetFirm.objects.select_related("node")
    serializer_class = TargetFirmSerializer
    filterset_class = TargetFirmFilterSet
    ordering_fields = ["name", "status"]

    def delete_instance(self, instance, *, user) -> None:
        delete_target(target=instance, user=user)
