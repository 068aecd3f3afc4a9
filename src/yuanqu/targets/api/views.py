"""The targets API: the letters and their lines (targets) of the user's zones, a letter's progress at a date, and
the supervised tasks with their flow (``advance``) and extensions (``extend``), all written through the services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from yuanqu.core.api.viewsets import ZoneScopedViewSet
from yuanqu.core.params import MAX_DATE, MIN_DATE, to_date
from yuanqu.targets.api.serializers import (
    LetterSerializer,
    LineProgressSerializer,
    TargetSerializer,
    TaskAdvanceSerializer,
    TaskExtendSerializer,
    TaskSerializer,
)
from yuanqu.targets.filtersets import LetterFilterSet, TargetFilterSet, TaskFilterSet
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.targets.selectors import letter_progress
from yuanqu.targets.services import advance_task, delete_letter, delete_target, delete_task, extend_task


class TargetViewSet(ZoneScopedViewSet):
    """Targets (the lines of the letters) of the user's zones; ``?zone=3``, ``?year=2026``,
    ``?indicator=started_count``, ``?letter=5``."""

    queryset = Target.objects.select_related("zone")
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    ordering_fields = ["year", "indicator", "zone"]

    def delete_instance(self, instance, *, user) -> None:
        delete_target(target=instance, user=user)


class LetterViewSet(ZoneScopedViewSet):
    """Responsibility letters of the user's zones; ``?zone=3&year=2026``; ``progress`` measures every line."""

    queryset = ResponsibilityLetter.objects.select_related("zone")
    serializer_class = LetterSerializer
    filterset_class = LetterFilterSet
    ordering_fields = ["year", "zone"]

    def delete_instance(self, instance, *, user) -> None:
        delete_letter(letter=instance, user=user)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD; today when left out")],
        responses=LineProgressSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def progress(self, request, pk=None):
        """Every line's actual, share done, yardstick (days or months reported), colour, seasonal yardstick and
        year-end points at ``as_of``."""
        letter = self.get_object()
        as_of = to_date(request.query_params.get("as_of") or dt.date.today())
        if as_of is None:
            raise APIValidationError(
                {
                    "as_of": f"日期应为 {MIN_DATE} 至 {MAX_DATE} 之间的 YYYY-MM-DD / a date as YYYY-MM-DD from {MIN_DATE} to {MAX_DATE}"
                }
            )
        rows = letter_progress(letter, user=request.user, as_of=as_of)
        return Response(LineProgressSerializer(rows, many=True).data)


class TaskViewSet(ZoneScopedViewSet):
    """Supervised tasks of the user's zones (city-level tasks for city users); ``?zone=``, ``?state=``,
    ``?unit=``, ``?overdue=true``, ``?mine=true``."""

    queryset = Task.objects.select_related("zone")
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    ordering_fields = ["deadline", "code", "assigned_on"]

    def delete_instance(self, instance, *, user) -> None:
        delete_task(task=instance, user=user)

    @extend_schema(request=TaskAdvanceSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Take the next step of the flow (立项 → 交办 → 签收 → 办理 → 反馈 → 复核 → 办结, or 复核 back to 办理)."""
        task = self.get_object()
        data = _valid(TaskAdvanceSerializer, request)
        with transaction.atomic():
            advance_task(task=task, user=request.user, **data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(request=TaskExtendSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend the deadline, with a reason and who approved it; the original deadline stays."""
        task = self.get_object()
        data = _valid(TaskExtendSerializer, request)
        data.setdefault("on", dt.date.today())
        with transaction.atomic():
            extend_task(task=task, user=request.user, **data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)


def _valid(serializer_class: type[serializers.Serializer], request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
