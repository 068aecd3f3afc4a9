"""Reported figures and peers in the API, in the platform's units; writes go through the ranking services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yuanqu.analytics.zone_figures import FIGURES
from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.ranking.services import save_peer, save_zone_month, save_zone_year
from yuanqu.zones.models import Zone

FIGURE_FIELDS = [figure.key for figure in FIGURES]
FIGURE_HELP = {figure.key: {"help_text": f"{figure.zh}，单位：{figure.unit} / {figure.en}"} for figure in FIGURES}


class ZoneYearSerializer(ServiceModelSerializer):
    """One year's figures of a zone (or, read-only for most, of a peer)."""

    zone = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(), required=False, allow_null=True, help_text=_("园区编号")
    )

    class Meta:
        model = ZoneYear
        fields = ["id", "zone", "peer", "year", *FIGURE_FIELDS, "updated"]
        read_only_fields = ["peer", "updated"]
        extra_kwargs = FIGURE_HELP

    def validate(self, attrs):
        zone = attrs.get("zone", getattr(self.instance, "zone", None))
        if zone is None and getattr(self.instance, "peer_id", None) is None:
            raise serializers.ValidationError({"zone": _("请填写园区")})
        return attrs

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_zone_year(zone_year=instance, user=user)


class ZoneMonthSerializer(ServiceModelSerializer):
    """A zone's figures from January to the end of a month."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("园区编号"))

    class Meta:
        model = ZoneMonth
        fields = ["id", "zone", "year", "month", *FIGURE_FIELDS, "updated"]
        read_only_fields = ["updated"]
        extra_kwargs = FIGURE_HELP

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_zone_month(zone_month=instance, user=user)


class PeerZoneSerializer(ServiceModelSerializer):
    """A zone outside the platform (city administrators change them)."""

    class Meta:
        model = PeerZone
        fields = ["id", "code", "name", "level", "city", "note"]

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_peer(peer=instance, user=user)
