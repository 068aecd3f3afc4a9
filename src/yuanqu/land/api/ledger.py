"""The land ledger in the API: totals per status (and per zone and status) as of a date, for the user's zones."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yuanqu.land.forms import LedgerFilterForm
from yuanqu.land.status import ledger_summary


class TotalSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    parcels = serializers.IntegerField()
    area_mu = serializers.FloatField()


class ZoneTotalSerializer(TotalSerializer):
    zone = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    revitalised_mu = serializers.FloatField()
    revitalised_parcels = serializers.IntegerField()
    newly_idle_mu = serializers.FloatField()
    newly_idle_parcels = serializers.IntegerField()


class LedgerSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    zone = serializers.IntegerField(allow_null=True)
    parcels = serializers.IntegerField()
    area_mu = serializers.FloatField()
    totals = TotalSerializer(many=True)
    by_zone = ZoneTotalSerializer(many=True)
    changes = ChangeSerializer(many=True)


class LandLedgerView(APIView):
    """Parcels and mu per land status as of ``as_of`` (today by default), in the user's zones or in one of them
    (``zone``, with its sub-parks); ``changes`` gives mu revitalised and newly idle per year."""

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", str, description="认定日期 YYYY-MM-DD / as-of date"),
            OpenApiParameter("zone", int, description="园区编号（含下级园区） / zone id, with its sub-parks"),
        ],
        responses=LedgerSerializer,
    )
    def get(self, request):
        form = LedgerFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            # Another zone's id answers like a zone that does not exist.
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return Response(errors, status=400)
        zone, as_of = form.cleaned_data["zone"], form.cleaned_data["as_of"]
        zone_ids = [zone.pk] if zone is not None else None
        summary = ledger_summary(user=request.user, as_of=as_of, zone_ids=zone_ids)
        totals = summary["totals"]
        data = {
            "as_of": as_of,
            "zone": zone.pk if zone is not None else None,
            "parcels": sum(t["parcels"] for t in totals),
            "area_mu": round(sum(t["area_mu"] for t in totals), 4),
            "totals": totals,
            "by_zone": summary["by_zone"],
            "changes": summary["changes"],
        }
        return Response(LedgerSerializer(data).data)
