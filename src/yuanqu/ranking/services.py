"""Writing reported figures and peers: zones' figures by those who may change the zone, peers by city
administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yuanqu.core.access import is_city_admin
from yuanqu.core.services import delete_object, original_zone, save_object
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear

PEERS_ONLY_CITY = "只有市级管理员可以维护外部园区 / only a city administrator maintains peer zones"


def _check_peer_rights(user) -> None:
    if user is not None and not is_city_admin(user):
        raise PermissionDenied(PEERS_ONLY_CITY)


def save_zone_year(*, zone_year: ZoneYear, user) -> ZoneYear:
    """Validate and save a year's figures: a zone's by a user who may change that zone, a peer's by the city."""
    if zone_year.peer_id is not None:
        _check_peer_rights(user)
        zone_year.full_clean()
        zone_year.save()
        return zone_year
    return save_object(zone_year, user=user, original_zone_id=original_zone(zone_year))


def delete_zone_year(*, zone_year: ZoneYear, user) -> None:
    if zone_year.peer_id is not None:
        _check_peer_rights(user)
        zone_year.delete()
        return
    delete_object(zone_year, user=user)


def save_zone_month(*, zone_month: ZoneMonth, user) -> ZoneMonth:
    """Validate and save a zone's January-to-date figures."""
    return save_object(zone_month, user=user, original_zone_id=original_zone(zone_month))


def delete_zone_month(*, zone_month: ZoneMonth, user) -> None:
    delete_object(zone_month, user=user)


def save_peer(*, peer: PeerZone, user) -> PeerZone:
    """Validate and save a peer zone (city administrators only)."""
    _check_peer_rights(user)
    peer.full_clean()
    peer.save()
    return peer


def delete_peer(*, peer: PeerZone, user) -> None:
    """Delete a peer and its figures (city administrators only)."""
    _check_peer_rights(user)
    peer.delete()
