"""The cockpit's and the monthly report's one source: the sections every installed app registers
(``registry.cockpit_sections``), built for a scope (whose zones) and a period (January to a month), and cached.

A city's sections take seconds to build at a province's size, so the cockpit never makes a leader wait for them
twice: each is cached with the data version it was built at (the change log's newest entry, which moves on every
write). After a write the page shows the sections last built, marked with the time they were built, and a worker
rebuilds them (the ``cockpit-warm-up`` job, for every view of the last week); only a view never seen before is built
while the page waits. The monthly report asks for fresh sections (``stale_ok=False``).

The pages keep what they draw of each section beside it (``rendered_sections``): a warm page joins drawn parts, it
neither unpickles a section nor draws its tables again; the warm-up draws them too."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import visible_zone_ids, zone_descendants, zone_scope
from yuanqu.core.changelog import data_epoch, data_version
from yuanqu.core.cockpit import Period, Scope, Section
from yuanqu.core.readings import one_reading
from yuanqu.dashboard import drawing
from yuanqu.zones.models import Zone

logger = logging.getLogger(__name__)

CACHE_SECONDS = 30 * 24 * 3600
WARM_JOB = "cockpit-warm-up"
VIEWS_KEY = "cockpit-views"
VIEW_DAYS = 7  # the views a warm-up rebuilds: those asked for within a week


def _store():
    """The cockpit's cache (settings.CACHES["cockpit"], shared by a machine's web and worker processes)."""
    return caches["cockpit"] if "cockpit" in settings.CACHES else cache


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


def targets(scope: Scope, period: Period, *, version: str = "") -> dict:
    """{measure key: (target, colour)} from every app that keeps targets on measures; with the data ``version``,
    cached per scope and period until it moves (measuring every line of the zones' letters reads their ledgers)."""
    key = f"cockpit-targets:{_who(scope)}:{period.year}-{period.month}:{period.as_of}:{version}" if version else ""
    found = cache.get(key) if key else None
    if found is not None:
        return found
    found = {}
    for item in registry.cockpit_targets:
        found.update(registry.resolve(item.targets)(scope=scope, period=period))
    if key:
        cache.set(key, found, CACHE_SECONDS)
    return found


def _with_targets(section: Section, found: dict) -> Section:
    for figure in section.figures:
        if figure.key in found and figure.target is None:
            figure.target, figure.colour = found[figure.key]
    return section


def scope_key(scope: Scope) -> str:
    """What a scope's cached figures are filed under: users who see the same zones in the same role share them."""
    return _who(scope)


def _who(scope: Scope) -> str:
    """Whose figures: the user's zones and role (or the system), and the zone drilled into."""
    user = scope.user
    who = "system" if user is None else f"{zone_scope(user)}.{getattr(user, 'role', '')}.{int(user.is_superuser)}"
    zone = scope.zone.pk if scope.zone is not None else "-"
    return f"{who}:{zone}"


def _cache_key(item: registry.CockpitSection, scope: Scope, period: Period, epoch: str) -> str:
    language = translation.get_language() or "zh-hans"
    return f"cockpit:{epoch}:{item.key}:{_who(scope)}:{period.year}-{period.month}:{period.as_of}:{language}"


def _build(item: registry.CockpitSection, scope: Scope, period: Period, found: dict) -> Section | None:
    section = registry.resolve(item.build)(scope=scope, period=period)
    return None if section is None else _with_targets(section, found)


def build_sections(
    scope: Scope, period: Period, *, keys: list[str] | None = None, cached: bool = True, stale_ok: bool = True
) -> list[Section]:
    """Every registered section with something to show for the scope and period, in order; ``keys`` chooses
    some. Cached per scope, period and language: a section built at the current data version is served as it is;
    one built before the last write is served with ``stale`` set to when it was built, and a warm-up rebuilds it
    (``stale_ok=False`` rebuilds it now instead); one never built is built now."""
    with one_reading():  # the targets lookup and the sections read a ledger they share once
        return _build_sections(scope, period, keys=keys, cached=cached, stale_ok=stale_ok)


def _build_sections(scope: Scope, period: Period, *, keys, cached: bool, stale_ok: bool) -> list[Section]:
    items = [item for item in registry.cockpit_sections if keys is None or item.key in keys]
    if not cached:
        found = targets(scope, period)
        return _shown((item, _build(item, scope, period, found)) for item in items)
    entries = _cached_entries(items, scope, period, data_version(), data_epoch(), stale_ok=stale_ok)
    return _shown((item, section) for item, section, _version, _built in entries)


def _cached_entries(items, scope: Scope, period: Period, version: str, epoch: str, *, stale_ok: bool) -> list[tuple]:
    """(item, section or None, the data version it was built at, when) for each item, from the cache or built now.
    A section served from before the last write has ``stale`` set, and the view is queued for the warm-up."""
    store = _store()
    found, stale, entries = None, False, []
    for item in items:
        key = _cache_key(item, scope, period, epoch)
        entry = store.get(key)
        if entry is not None and (entry[0] == version or stale_ok):
            built_at, section, built = entry[0], entry[1], entry[2]
            if entry[0] != version and section is not None:
                section.stale, stale = built, True
        else:
            if found is None:
                found = targets(scope, period, version=version)
            section = _build(item, scope, period, found)
            built_at, built = version, timezone.now()
            store.set(key, (version, section, built), CACHE_SECONDS)
            store.set(f"{key}:version", version, CACHE_SECONDS)  # what renderings of it were made from
        entries.append((item, section, built_at, built))
    if stale:
        remember_view(scope, period)
        warm_in_background()
    return entries


def rendered_sections(
    scope: Scope, period: Period, *, variant: str, render: Callable[[Section], Any], keys: list[str] | None = None
) -> list[tuple[Any, dt.datetime | None]]:
    """What ``render`` makes of each section shown for the scope and period (the HTML of a page's part), with when
    the section was built if it is served while being rebuilt (else None), in order; ``keys`` chooses some.

    The rendering is cached beside the section, under ``variant`` (one per page, or per table drawn in full), with
    the data version of the section it was made from: a page whose sections have not changed is a few small cache
    reads, without unpickling a section or drawing its tables again. It is drawn again when the section was built
    again (a write, then the warm-up), from the sections :func:`build_sections` serves (stale or fresh)."""
    items = [item for item in registry.cockpit_sections if keys is None or item.key in keys]
    store = _store()
    version, epoch = data_version(), data_epoch()
    section_keys = {item.key: _cache_key(item, scope, period, epoch) for item in items}
    wanted = [f"{key}:{suffix}" for key in section_keys.values() for suffix in (variant, "version")]
    cached = store.get_many(wanted)
    shown: dict[str, tuple[Any, dt.datetime | None]] = {}
    missing, stale = [], False
    for item in items:
        key = section_keys[item.key]
        entry, built_at = cached.get(f"{key}:{variant}"), cached.get(f"{key}:version")
        # entry: (version of the section it was made from, when that section was built, what render made or None)
        if entry is not None and entry[0] == version:
            shown[item.key] = (entry[2], None)
        elif entry is not None and entry[0] == built_at:  # the section itself waits for the warm-up
            shown[item.key] = (entry[2], entry[1])
            stale = True
        else:
            missing.append(item)
    if stale:
        remember_view(scope, period)
        warm_in_background()
    if missing:
        with one_reading():
            entries = _cached_entries(missing, scope, period, version, epoch, stale_ok=True)
        for item, section, built_at, built in entries:
            if cached.get(f"{section_keys[item.key]}:version") != built_at:  # a section cached before renderings were
                store.set(f"{section_keys[item.key]}:version", built_at, CACHE_SECONDS)
            made = None if section is None or section.empty else render(_ordered(section, item))
            store.set(f"{section_keys[item.key]}:{variant}", (built_at, built, made), CACHE_SECONDS)
            shown[item.key] = (made, built if built_at != version else None)
    return [shown[item.key] for item in items if shown[item.key][0] is not None]


def _ordered(section: Section, item: registry.CockpitSection) -> Section:
    section.order = item.order
    return section


def _shown(pairs) -> list[Section]:
    shown = []
    for item, section in pairs:
        if section is not None and not section.empty:
            section.order = item.order
            shown.append(section)
    return shown


# --- the warm-up: what a write made stale, rebuilt by a worker ------------------------------------------------------


def remember_view(scope: Scope, period: Period) -> None:
    """Note that the scope's cockpit was looked at for the period, so that the warm-up rebuilds it."""
    user = scope.user
    view = (
        None if user is None else user.pk,
        scope.zone.pk if scope.zone is not None else None,
        period.year,
        period.month,
        translation.get_language() or "zh-hans",
    )
    store = _store()
    since = timezone.now() - dt.timedelta(days=VIEW_DAYS)
    views = {v: at for v, at in (store.get(VIEWS_KEY) or {}).items() if at >= since}
    views[view] = timezone.now()
    store.set(VIEWS_KEY, views, CACHE_SECONDS)


def warm_in_background() -> None:
    """Queue the warm-up (one at a time, by a worker), unless one is queued already."""
    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import submit

    if not getattr(settings, "YUANQU_COCKPIT_WARMUP", True):
        return
    if Job.objects.filter(kind=WARM_JOB, state=Job.State.QUEUED).exists():
        return  # the queued one will see this change too
    submit(kind=WARM_JOB, user=None)


def warm(*, today: dt.date | None = None, progress=None) -> int:
    """Rebuild the sections of every view of the last week that the data changed under; returns the views done."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=VIEW_DAYS)
    views = sorted(
        (v for v, at in (_store().get(VIEWS_KEY) or {}).items() if at >= since), key=lambda v: [str(p) for p in v]
    )
    users = get_user_model().objects.in_bulk([v[0] for v in views if v[0] is not None])
    done = 0
    if progress is not None:
        progress.stage(label=str(_("驾驶舱数据")), total=len(views))
    for user_id, zone_id, year, month, language in views:
        user = users.get(user_id) if user_id is not None else None
        if user_id is not None and (user is None or not user.is_active):
            continue
        with translation.override(language):
            build_view(scope_for(user, zone_id=zone_id), Period(year, month, today))
        done += 1
        if progress is not None:
            progress.advance(1)
    return done


def build_view(scope: Scope, period: Period) -> None:
    """Build the scope's sections for the period (in the active language) and draw the cockpit's pages of them, so
    that the next look at either page is warm: a join of drawn parts."""
    build_sections(scope, period, stale_ok=False)
    if scope.user is None:
        return  # the system's figures (the monthly report's) have no page
    for url_name, drawer in drawing.PAGES.items():
        ways = drawing.ways(scope.user, scope, period, url_name)
        rendered_sections(scope, period, variant=url_name, render=drawer(ways, drawing.query_of(scope, period)))


def warm_job(job, progress) -> dict:
    done = warm(progress=progress)
    return {"label": str(_("已更新 %(n)d 个驾驶舱视图") % {"n": done})}


def default_period(today: dt.date) -> Period:
    """The month a leader looks at by default: the current month, January to date."""
    return Period.current(today)


def has_zones(user) -> bool:
    visible = visible_zone_ids(user)
    return visible is None or bool(visible)
