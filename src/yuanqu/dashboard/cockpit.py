"""The cockpit's and the monthly report's one source: the sections every installed app registers
(``registry.cockpit_sections``), built for a scope (whose zones) and a period (January to a month), and cached
until the data changes (the change log's version moves on every write, so no stale figure outlives a save)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.utils import translation
from django.utils.module_loading import import_string

from yuanqu.core import registry
from yuanqu.core.access import visible_zone_ids, zone_descendants, zone_scope
from yuanqu.core.changelog import data_version
from yuanqu.core.cockpit import Period, Scope, Section
from yuanqu.zones.models import Zone

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600


def scope_for(user, *, zone_id: int | None = None) -> Scope:
    """The zones ``user`` (None: the system) sees, side by side: the top-level ones among them, or the one
    drilled into (``zone_id``, which must be visible: otherwise the scope is as if none was asked for)."""
    zones = Zone.objects.all() if user is None else Zone.objects.restrict(user)
    zones = list(zones.order_by("code", "name"))
    by_id = {zone.pk: zone for zone in zones}
    if zone_id is not None and zone_id in by_id:
        chosen = (by_id[zone_id],)
        return Scope(user=user, zones=chosen, zone_ids=zone_descendants([zone_id]) & frozenset(by_id), zone=chosen[0])
    shown = tuple(zone for zone in zones if zone.parent_id not in by_id)
    return Scope(user=user, zones=shown, zone_ids=frozenset(by_id))


def _callable(function):
    return import_string(function) if isinstance(function, str) else function


def targets(scope: Scope, period: Period, *, version: str = "") -> dict:
    """{measure key: (target, colour)} from every app that keeps targets on measures; with the data ``version``,
    cached per scope and period until it moves (measuring every line of the zones' letters reads their ledgers)."""
    key = f"cockpit-targets:{_who(scope)}:{period.year}-{period.month}:{period.as_of}:{version}" if version else ""
    found = cache.get(key) if key else None
    if found is not None:
        return found
    found = {}
    for item in registry.cockpit_targets:
        found.update(_callable(item.targets)(scope=scope, period=period))
    if key:
        cache.set(key, found, CACHE_SECONDS)
    return found


def _with_targets(section: Section, found: dict) -> Section:
    for figure in section.figures:
        if figure.key in found and figure.target is None:
            figure.target, figure.colour = found[figure.key]
    return section


def _who(scope: Scope) -> str:
    """Whose figures: the user's zones and role (or the system), and the zone drilled into."""
    user = scope.user
    who = "system" if user is None else f"{zone_scope(user)}.{getattr(user, 'role', '')}.{int(user.is_superuser)}"
    zone = scope.zone.pk if scope.zone is not None else "-"
    return f"{who}:{zone}"


def _cache_key(item: registry.CockpitSection, scope: Scope, period: Period, version: str) -> str:
    language = translation.get_language() or "zh-hans"
    return f"cockpit:{item.key}:{_who(scope)}:{period.year}-{period.month}:{period.as_of}:{language}:{version}"


def build_sections(
    scope: Scope, period: Period, *, keys: list[str] | None = None, cached: bool = True
) -> list[Section]:
    """Every registered section with something to show for the scope and period, in order; ``keys`` chooses
    some. Sections are cached per scope, period and language until the data version moves."""
    version = data_version() if cached else ""
    found = targets(scope, period, version=version)
    built = []
    for item in registry.cockpit_sections:
        if keys is not None and item.key not in keys:
            continue
        key = _cache_key(item, scope, period, version) if cached else ""
        section = cache.get(key) if cached else None
        if section is None:
            section = _callable(item.build)(scope=scope, period=period)
            if cached and section is not None:
                cache.set(key, section, CACHE_SECONDS)
        if section is not None and not section.empty:
            section.order = item.order
            built.append(_with_targets(section, found))
    return built


def default_period(today: dt.date) -> Period:
    """The month a leader looks at by default: the current month, January to date."""
    return Period.current(today)


def has_zones(user) -> bool:
    visible = visible_zone_ids(user)
    return visible is None or bool(visible)
