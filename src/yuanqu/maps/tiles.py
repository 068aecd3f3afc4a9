"""The map's parcels as Mapbox Vector Tiles: one layer ``parcels`` per tile, restricted to the user's zones,
with each parcel's land status as of a date, the enterprise on it with its grade, and its project's stage.

Properties per feature (PROPERTIES): ``zone`` is the zone's short name, else its name (as the ledger shows it);
``status`` the ledger's status code as of the date; ``enterprise`` the enterprise using the parcel on that date
(EnterpriseLand) with the largest area, the lowest id among equals, ``grade`` its grade in the latest published
evaluation run with a result for it; ``project``/``stage`` the most recently updated project on the parcel that
is not dropped. Missing ones are 0 or "".

Tiles are cached (the "tiles" cache) under a key holding their block's stamp: every logged change — a parcel,
an enterprise's land, a project, a published run, the land rules, also through bulk imports and the demo
(``changelog.record_many`` and the import pipeline write entries too) — is applied to the blocks (zoom-12 tiles,
TileBlock) of the parcels it touches, so that a cached tile holds until something drawn in its block changes. A
change to what every parcel shows (the rules, a zone, grades) or to where a parcel lies (a polygon drawn, moved
or deleted) starts a new epoch, and every cached tile goes.

What classifying a parcel and joining its enterprise, grade and project gives (DERIVED) is stored per parcel,
as-of date and zone scope in ParcelTileRow, so that a tile built after a change reads its parcels' rows in
the query that reads their polygons. The rows follow the change log (sync_tile_rows): the entries since the
last sync drop the rows of the parcels they touch (touched_parcels) and move the stamps of their blocks, or
drop every row for the rules, a zone, an evaluation run or result, or more than SYNC_MAX_ENTRIES entries at once. A tile whose parcels lack rows works
them out (with the rest of their zoom-12 block when there are many) and stores them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import operator
import time
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache as local_cache
from django.core.cache import caches
from django.db import OperationalError, connection, transaction
from django.db.models import F, FilteredRelation, FloatField, Max, Q
from django.db.models.functions import Cast

from yuanqu.analytics import geo, mvt
from yuanqu.analytics.land_status import classify
from yuanqu.core.access import zone_descendants, zone_scope
from yuanqu.core.changelog import NO_VERSION, data_version
from yuanqu.core.models import ChangeLogEntry
from yuanqu.core.queries import chunks, filter_by_ids, keep_statistics
from yuanqu.core.registry import Touched, tile_touches
from yuanqu.evaluation.selectors import latest_grades
from yuanqu.land import status
from yuanqu.land.models import EnterpriseLand, Parcel, lat_band
from yuanqu.land.selectors import main_enterprises
from yuanqu.maps.models import ParcelTileRow, ParcelTileSync, TileBlock, TileScope
from yuanqu.projects.selectors import current_projects
from yuanqu.zones.models import Zone

logger = logging.getLogger(__name__)

LAYER = "parcels"
MIN_ZOOM = 12
"""Below this zoom a tile holds no parcels (the map shows zone boundaries there): in the demo city of 100,000
parcels a zoom-11 tile holds up to 7,700 of them (a megabyte), a zoom-12 tile up to 3,000."""
MAX_ZOOM = mvt.MAX_ZOOM
SHIFTS = ("gcj02",)
CACHE_ALIAS = "tiles"
CACHE_SECONDS = 7 * 24 * 3600
GCJ_MARGIN = 0.01
"""Degrees added around a tile when picking candidates for a GCJ-02 tile (the shift is under 0.01° in China)."""
CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
PROPERTY_BLOCK_ZOOM = 12
"""Properties are worked out for the parcels of a whole tile of this zoom at once (see build_tile), and cached
tiles are invalidated per tile of this zoom (TileBlock): each tile of a higher zoom lies in one such block."""
BLOCK_MARGIN = 360.0 / (1 << PROPERTY_BLOCK_ZOOM) * mvt.BUFFER / mvt.EXTENT + GCJ_MARGIN
"""Degrees around a parcel within which a tile of the block zoom or above may draw it (the widest padding of a
tile's query, see build_tile)."""
PROPERTIES = (
    "id",
    "code",
    "zone_id",
    "zone",
    "status",
    "area_mu",
    "enterprise_id",
    "enterprise",
    "grade",
    "project_id",
    "project",
    "stage",
)
"""The properties of every feature of the ``parcels`` layer, in order (the interface the map codes against)."""


def _cache():
    from django.conf import settings

    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


@dataclass(frozen=True)
class TileSpec:
    """One tile as a user asks for it, with the state of the data it is built from: ``version`` the newest
    change-log entry (data_version), ``entry`` the newest applied to the tile rows and blocks (0 when they could
    not be brought up to date: the database stayed locked), ``epoch`` the data version of the newest change that
    redrew every tile, and ``stamp`` what a cached copy of the tile must have been built at (see tile_stamp)."""

    z: int
    x: int
    y: int
    as_of: dt.date
    zone_id: int | None
    shift: str | None
    scope: str
    version: str
    entry: int = 0
    epoch: str = ""
    stamp: str = ""

    @classmethod
    def for_user(cls, *, user, z: int, x: int, y: int, as_of: dt.date, zone_id=None, shift=None) -> TileSpec:
        """The spec of tile z/x/y for the user; TileError (bilingual) for a tile outside the scheme."""
        mvt.check_tile(z, x, y)
        version = data_version()
        entry, epoch = 0, ""
        if version != NO_VERSION and z >= MIN_ZOOM:
            # Should the database stay locked (a long import), the rows and blocks are not used.
            with contextlib.suppress(OperationalError):
                entry, epoch = sync_tile_rows(version)
        stamp = tile_stamp(version=version, entry=entry, epoch=epoch, z=z, x=x, y=y)
        return cls(z, x, y, as_of, zone_id, shift, zone_scope(user), version, entry, epoch, stamp)

    @property
    def key(self) -> str:
        """The tile's cache key (also its ETag)."""
        parts = (self.stamp, self.z, self.x, self.y, self.scope, self.zone_id or "-", self.as_of, self.shift or "-")
        return "yuanqu:tile:" + ":".join(map(str, parts))


def tile_stamp(*, version: str, entry: int, epoch: str, z: int, x: int, y: int) -> str:
    """The state of the data a tile shows: the epoch and the newest change applied to the tile's block (a tile
    built before either moved is stale); the whole data version when the blocks are not up to date, or for a
    tile below the minimum zoom (always empty)."""
    if entry == 0 or z < MIN_ZOOM:
        return f"v{version}"
    shift = z - PROPERTY_BLOCK_ZOOM
    block = TileBlock.objects.filter(x=x >> shift, y=y >> shift).values_list("entry", flat=True).first()
    return f"{epoch}.{block or 0}"


def parcel_tile(*, user, spec: TileSpec, gzipped: bool = False) -> tuple[bytes, bool]:
    """The MVT bytes of the tile for the user (b"" for an empty tile), from the cache when it holds them, and
    whether they are gzip-compressed: with ``gzipped`` (the client accepts gzip) they are, unless empty.

    The cache keeps tiles gzip-compressed (level 1: the densest tile, 372 kB, in about 4 ms, to some 40 %), so
    that a cached tile goes to a browser as it is stored."""
    if spec.version == NO_VERSION:  # nothing logged yet: no version tells one state of the data from another
        return build_tile(user=user, spec=spec), False
    cache = _cache()
    packed = cache.get(spec.key)
    if packed is None:
        data = build_tile(user=user, spec=spec)
        packed = gzip.compress(data, compresslevel=1, mtime=0) if data else b""
        cache.set(spec.key, packed, CACHE_SECONDS)
        if not gzipped or not data:
            return data, False
    if gzipped and packed:
        return packed, True
    return (gzip.decompress(packed) if packed else b""), False


LOCAL_SECONDS = 24 * 3600
"""How long what is kept per data version or epoch in the process's local cache lives at most (a newer version
asks under another key)."""


def largest_parcel(version: str) -> tuple[float, float]:
    """The largest east-west and north-south extents of any parcel in degrees, kept per data version (or epoch:
    a polygon drawn, moved or deleted starts a new one) in the local cache.

    The bounding-box index leads with the latitude band of ``min_lat`` and then ``min_lon``: knowing that no
    parcel is wider or taller than this lets a tile's query seek a narrow run of ``min_lon`` in each of a few
    bands instead of scanning every parcel west of the tile's east edge.
    """
    key = f"yuanqu:tiles:largest:{version}"
    found = local_cache.get(key) if version != NO_VERSION else None
    if found is None:
        extents = Parcel.objects.aggregate(
            widest=Max(F("max_lon") - F("min_lon")), tallest=Max(F("max_lat") - F("min_lat"))
        )
        found = (extents["widest"] or 0.0, extents["tallest"] or 0.0)
        if version != NO_VERSION:
            local_cache.set(key, found, LOCAL_SECONDS)
    return found


BANDS_MAX = 200
"""A box spanning more latitude bands than this is looked up by a range of bands (one long seek)."""


def bbox_meets(bounds: tuple[float, float, float, float], largest: tuple[float, float]) -> Q:
    """Parcels whose bounding box meets the lon/lat box (west, south, east, north); ``largest``: see
    largest_parcel."""
    west, south, east, north = bounds
    widest, tallest = largest
    first, last = lat_band(south - tallest - 1e-9), lat_band(north)
    bands = Q(lat_band__in=range(first, last + 1)) if last - first < BANDS_MAX else Q(lat_band__range=(first, last))
    return bands & Q(
        min_lon__gte=west - widest - 1e-9,
        min_lon__lte=east,
        max_lon__gte=west,
        min_lat__lte=north,
        max_lat__gte=south,
    )


def candidates(
    *, user, bounds: tuple[float, float, float, float], zone_id: int | None = None, largest: tuple[float, float]
):
    """The parcels the user may see (in the zone and its sub-parks, if given) whose bounding box meets
    the lon/lat box; only parcels with a polygon."""
    parcels = Parcel.objects.restrict(user).filter(bbox_meets(bounds, largest)).order_by()
    if zone_id is not None:
        parcels = parcels.filter(zone_id__in=zone_descendants([zone_id]))
    return parcels.exclude(geometry_lonlat=None)


def build_tile(*, user, spec: TileSpec) -> bytes:
    """The tile built from the database (see the module docstring for what it holds)."""
    z, x, y = spec.z, spec.x, spec.y
    if z < MIN_ZOOM:
        return b""
    west, south, east, north = mvt.tile_bounds(z, x, y)
    pad = (east - west) * mvt.BUFFER / mvt.EXTENT + (GCJ_MARGIN if spec.shift == "gcj02" else 0.0)
    bounds = (west - pad, south - pad, east + pad, north + pad)
    largest = largest_parcel(spec.epoch or spec.version)
    parcels = candidates(user=user, bounds=bounds, zone_id=spec.zone_id, largest=largest)
    entry = spec.entry
    stored = entry != 0
    if stored:  # each parcel's stored row for the user's scope and the date, if any, in the same query
        row = Q(tile_rows__scope=spec.scope, tile_rows__as_of=spec.as_of)
        parcels = parcels.annotate(row=FilteredRelation("tile_rows", condition=row))
        rows = raw_rows(
            parcels.values_list("pk", "geometry_lonlat", *TILE_PARCEL_FIELDS, *(f"row__{f}" for f in ROW_FIELDS))
        )
    else:
        rows = [
            (*r, *([None] * len(ROW_FIELDS))) for r in parcels.values_list("pk", "geometry_lonlat", *TILE_PARCEL_FIELDS)
        ]
    if not rows:
        return b""
    shift = geo.wgs84_to_gcj02_arrays if spec.shift == "gcj02" else None
    polygons = mvt.prepare_wkb([_bytes(row[1]) for row in rows], z, x, y, lonlat=shift)
    if not polygons.count:
        return b""
    # Column by column (thousands of parcels at zoom 12): the kept rows' values in the features' order, then
    # the properties.
    columns = list(zip(*rows, strict=True))
    kept = polygons.indices.tolist()
    pick = operator.itemgetter(*kept)
    columns = [pick(column) if len(kept) > 1 else (column[kept[0]],) for column in columns]
    ids, _wkb, code, zone_id, area, *found = columns
    found = [list(column) for column in found]
    missing = [i for i, status in enumerate(found[0]) if status is None]
    if missing:
        missing_ids = [ids[i] for i in missing]
        derived = derived_properties(user=user, spec=spec, ids=missing_ids, largest=largest, entry=entry)
        for i, pk in zip(missing, missing_ids, strict=True):
            for column, value in zip(found, derived.get(pk) or ("unknown", 0, "", "", 0, "", ""), strict=True):
                column[i] = value
    names = zone_names(spec.epoch)
    zone = [names.get(pk, "") for pk in zone_id]
    area = [value or 0.0 for value in area]
    properties = dict(zip(PROPERTIES, (ids, code, zone_id, zone, found[0], area, *found[1:]), strict=True))
    return mvt.encode_layer(LAYER, polygons, ids=ids, properties=properties)


TILE_PARCEL_FIELDS = ("code", "zone_id", Cast("area_mu", FloatField()))
"""The parcel's own properties, read with its polygon (the zone's name: see zone_names)."""


def zone_names(epoch: str = "") -> dict[int, str]:
    """Zone id → the name a tile shows: the short name, else the name (a few dozen zones: cheaper than joining
    them to thousands of parcels). Kept in the local cache per epoch (a changed zone starts a new one)."""
    key = f"yuanqu:tiles:zone-names:{epoch}"
    names = local_cache.get(key) if epoch else None
    if names is None:
        names = {pk: short or name for pk, name, short in Zone.objects.values_list("pk", "name", "short_name")}
        if epoch:
            local_cache.set(key, names, LOCAL_SECONDS)
    return names


DERIVED = ("status", "enterprise_id", "enterprise", "grade", "project_id", "project", "stage")
"""The properties worked out from the parcel's dates and figures and from other tables (kept in ParcelTileRow)."""
ROW_FIELDS = ("status", "enterprise_ref", "enterprise", "grade", "project_ref", "project", "stage")
"""ParcelTileRow's fields holding DERIVED, in order."""
DIRECT_MAX = 50
"""Up to this many parcels without a row are worked out on their own (e.g. after a few edits); more, with the
other parcels of their zoom-12 block lacking a row (e.g. after the rules changed)."""
SYNC_MAX_ENTRIES = 20_000
"""More new change-log entries than this at once (a large import): every tile row is dropped instead of
finding the parcels each entry touches."""


def derived_properties(
    *, user, spec: TileSpec, ids: list[int], largest: tuple[float, float], entry: int
) -> dict[int, tuple]:
    """Parcel id → its DERIVED values, worked out for these parcels of the tile that have no stored row (and
    for the others of their zoom-12 block when there are many), and stored unless there is no data version or
    the change log has moved on since ``entry``."""
    if (
        spec.version == NO_VERSION or entry == 0
    ):  # nothing logged yet: no version tells one state of the data from another
        parcels = filter_by_ids(Parcel.objects.restrict(user), ids)
        return _derived(parcel_properties(user=user, parcels=parcels, as_of=spec.as_of))
    if len(ids) <= DIRECT_MAX:
        computed = parcel_properties(
            user=user, parcels=Parcel.objects.restrict(user).filter(pk__in=ids), as_of=spec.as_of
        )
    else:
        # Work out every parcel of the surrounding zoom-12 block that lacks a row at once: classifying costs
        # about the same for a few parcels as for a few thousand, and the neighbouring tiles (and the other
        # zooms) then find theirs stored.
        shift = spec.z - PROPERTY_BLOCK_ZOOM
        block = (spec.x >> shift, spec.y >> shift)
        computed = block_properties(user=user, scope=spec.scope, as_of=spec.as_of, block=block, largest=largest)
        rest = [pk for pk in ids if pk not in computed]
        if rest:  # only where the GCJ-02 margin reaches past the block
            rest_parcels = filter_by_ids(Parcel.objects.restrict(user), rest)
            computed.update(parcel_properties(user=user, parcels=rest_parcels, as_of=spec.as_of))
    derived = _derived(computed)
    zones = {pk: props[2] for pk, props in computed.items()}
    if store_rows(scope=spec.scope, as_of=spec.as_of, entry=entry, derived=derived, zones=zones):
        # The map is used for this scope and date: after a change that drops every row, they are worked out
        # again in the background as this user sees them (warm_tile_rows).
        with contextlib.suppress(OperationalError):
            TileScope.objects.bulk_create(
                [TileScope(scope=spec.scope, as_of=spec.as_of, user=user)],
                update_conflicts=True,
                unique_fields=["scope", "as_of"],
                update_fields=["user", "used"],
            )
    return derived


def block_properties(
    *, user, scope: str, as_of: dt.date, block: tuple[int, int], largest: tuple[float, float]
) -> dict[int, tuple]:
    """Parcel id → its feature properties (see parcel_properties) for every parcel the user sees that meets the
    block (a zoom-12 tile, with the widest padding a tile's query has) and has no stored row for the scope and
    date."""
    west, south, east, north = mvt.tile_bounds(PROPERTY_BLOCK_ZOOM, *block)
    pad = BLOCK_MARGIN
    bounds = (west - pad, south - pad, east + pad, north + pad)
    # The joins (restricted on their own) are narrowed by the block's bands of the bounding-box index alone:
    # with the zone restriction in that subquery, SQLite would walk every parcel of the zones.
    near = Parcel.objects.filter(bbox_meets(bounds, largest))
    have = ParcelTileRow.objects.filter(scope=scope, as_of=as_of).values("parcel_id")
    visible = candidates(user=user, bounds=bounds, largest=largest).exclude(pk__in=have)
    return parcel_properties(user=user, parcels=visible, near=near, as_of=as_of)


def raw_rows(values) -> list[tuple]:
    """The rows of a values_list queryset straight from the database cursor: the tile's columns (ids, texts,
    floats, the polygon's bytes) need none of Django's per-value converters, which cost as much as the query
    for a tile of thousands of parcels."""
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _derived(properties: dict[int, tuple]) -> dict[int, tuple]:
    at = [PROPERTIES.index(name) for name in DERIVED]
    return {pk: tuple(props[i] for i in at) for pk, props in properties.items()}


def store_rows(*, scope: str, as_of: dt.date, entry: int, derived: dict[int, tuple], zones: dict[int, int]) -> bool:
    """Keep the worked-out values as ParcelTileRow, unless a newer change has been applied to the rows since the
    tile's data version was read (the values may predate it: its parcels' rows must stay dropped). Whether
    they were kept."""
    day = connection.ops.adapt_datefield_value(as_of)
    rows = [(pk, zones[pk], day, scope, *values) for pk, values in derived.items()]
    try:
        with transaction.atomic():
            if not ParcelTileSync.objects.filter(pk=SYNC_PK, last_entry=entry).exists():
                return False
            if not ParcelTileRow.objects.filter(as_of=as_of).exists():  # a new date: make room for it
                dates = ParcelTileRow.objects.order_by("-as_of").values_list("as_of", flat=True).distinct()
                old = list(dates[KEEP_DATES - 1 :])
                if old:
                    ParcelTileRow.objects.filter(as_of__in=old).delete()
            insert_rows(rows)
    except OperationalError:  # the database stayed locked (a long import): the next tile tries again
        return False
    keep_statistics(ParcelTileRow, len(rows))
    return True


def insert_rows(rows: list[tuple]) -> None:
    """INSERT ParcelTileRow rows given as (parcel id, zone id, as_of, scope, *ROW_FIELDS), several hundred per
    statement, skipping any a concurrent request stored first (ten times faster than bulk_create here)."""
    quote = connection.ops.quote_name
    columns = ["parcel_id", "zone_id", "as_of", "scope", *ROW_FIELDS]
    head = f"INSERT INTO {quote(ParcelTileRow._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    marks = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            sql = head + ", ".join([marks] * len(batch)) + " ON CONFLICT DO NOTHING"
            cursor.execute(sql, [value for row in batch for value in row])


INSERT_BATCH = 500
"""Rows per INSERT statement (11 parameters each: well under SQLite's limit of 32,766)."""


KEEP_DATES = 3
"""Rows are kept for this many as-of dates at most: rows for another date drop those of the earliest one."""


SYNC_PK = 1


def sync_tile_rows(version: str, *, warm: bool = True) -> tuple[int, str]:
    """Apply the change-log entries up to the version's to the tile rows and blocks: drop the rows of the parcels
    they touch and move their blocks' stamps; or drop every row and start a new epoch for a change to the rules,
    a zone, an evaluation run or result, or too many entries at once; or keep the rows of untouched parcels but
    start a new epoch when a polygon was drawn, moved or deleted. Returns the id of the newest entry applied
    and the epoch. Having dropped every row, it starts the background warm-up unless ``warm`` is False (the
    caller works the rows out itself)."""
    newest = int(version.split(".")[0])
    state = ParcelTileSync.objects.filter(pk=SYNC_PK).values_list("last_entry", "epoch").first()
    if state is not None and state[0] >= newest:
        return state
    if state is None:  # the first tile ever: concurrent first tiles must not both insert the row
        ParcelTileSync.objects.bulk_create([ParcelTileSync(pk=SYNC_PK, last_entry=0)], ignore_conflicts=True)
    with transaction.atomic():
        state = ParcelTileSync.objects.select_for_update().get(pk=SYNC_PK)
        if state.last_entry >= newest:
            return state.last_entry, state.epoch
        entries = ChangeLogEntry.objects.filter(id__gt=state.last_entry, id__lte=newest).order_by()
        if state.last_entry == 0 or entries.count() > SYNC_MAX_ENTRIES:
            touched = Touched(every_row=True, every_tile=True)
        else:
            touched = touched_parcels(entries)
        if touched.every_row:
            ParcelTileRow.objects.all().delete()
        else:
            for chunk in chunks(sorted(touched.parcels)):
                ParcelTileRow.objects.filter(parcel_id__in=chunk).delete()
        if touched.every_tile:
            TileBlock.objects.all().delete()
            state.epoch = version
        else:
            move_blocks(touched.parcels, newest)
        state.last_entry = newest
        state.save()
        if touched.every_row and warm:
            transaction.on_commit(warm_in_background)
    return newest, state.epoch


# --- working the rows out again after a change that dropped them all --------------------------------------

WARM_DAYS = 14
"""The scopes and dates the map was used for within this many days are worked out again (warm_tile_rows)."""


def warm_in_background() -> None:
    """Queue the job that runs warm_tile_rows (``map-warm-up``: one at a time, by a worker, not in a web
    process), unless one is queued already or settings.YUANQU_TILE_WARMUP is off."""
    from django.conf import settings

    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import submit

    if not getattr(settings, "YUANQU_TILE_WARMUP", False):
        return
    if Job.objects.filter(kind=WARM_JOB, state=Job.State.QUEUED).exists():
        return  # the queued one will see this change too
    submit(kind=WARM_JOB, user=None)


WARM_JOB = "map-warm-up"


def warm_job(job, progress) -> dict:
    """The warm-up job: warm_tile_rows, again while newer changes interrupt it (up to WARM_ATTEMPTS)."""
    from django.utils.translation import gettext as _

    total = Warmed()
    with progress.stage(_("计算地图瓦片的地块属性"), total=WARM_ATTEMPTS) as stage:
        for _attempt in range(WARM_ATTEMPTS):
            done = warm_tile_rows()
            total.scopes, total.blocks, total.parcels = done.scopes, done.blocks, done.parcels
            stage.advance()
            if done.finished:
                break
            time.sleep(1)
    return {"scopes": total.scopes, "blocks": total.blocks, "parcels": total.parcels}


WARM_ATTEMPTS = 10
"""How often the background warm-up starts again when newer changes keep interrupting it."""


@dataclass
class Warmed:
    """What warm_tile_rows did: scopes and dates worked out, blocks and parcels stored, and whether it got
    through (False: a newer change came in, or the database stayed locked)."""

    scopes: int = 0
    blocks: int = 0
    parcels: int = 0
    finished: bool = True


def warm_tile_rows(*, days: int = WARM_DAYS) -> Warmed:
    """Work out and store the tile rows of every parcel lacking one, for each scope and date the map was used for
    within ``days`` (TileScope), as its recorded user sees them, block by block; stops when a newer change comes
    in (its own sync starts this again) or the database stays locked."""
    from django.utils import timezone

    done = Warmed()
    version = data_version()
    if version == NO_VERSION:
        return done
    try:
        entry, epoch = sync_tile_rows(version, warm=False)  # no second thread for the work this call does
    except OperationalError:
        done.finished = False
        return done
    largest = largest_parcel(epoch)
    recent = TileScope.objects.filter(used__gte=timezone.now() - dt.timedelta(days=days)).select_related("user")
    for used in recent.order_by("-used")[: KEEP_DATES * WARM_SCOPES_MAX]:
        user = used.user
        if not user.is_active or zone_scope(user) != used.scope:  # the user's zones changed: not this scope now
            continue
        done.scopes += 1
        have = ParcelTileRow.objects.filter(scope=used.scope, as_of=used.as_of).values("parcel_id")
        corners = Parcel.objects.restrict(user).exclude(min_lon=None).exclude(pk__in=have)
        xy = np.array(list(corners.values_list("min_lon", "min_lat")), dtype=float).reshape(-1, 2)
        tx, ty = mvt.lonlat_to_tile_xy(xy[:, 0], xy[:, 1], PROPERTY_BLOCK_ZOOM)
        blocks = set(zip(np.floor(tx).astype(int).tolist(), np.floor(ty).astype(int).tolist(), strict=True))
        for bx, by in sorted(blocks):
            computed = block_properties(user=user, scope=used.scope, as_of=used.as_of, block=(bx, by), largest=largest)
            zones = {pk: props[2] for pk, props in computed.items()}
            if not store_rows(scope=used.scope, as_of=used.as_of, entry=entry, derived=_derived(computed), zones=zones):
                done.finished = False
                return done
            done.blocks += 1
            done.parcels += len(computed)
    return done


WARM_SCOPES_MAX = 20
"""At most this many scopes (per kept date) are worked out again: the most recently used."""


def move_blocks(parcel_ids, entry: int) -> None:
    """Stamp the blocks in which a tile may draw these parcels (where they lie now) with the entry."""
    blocks: set[tuple[int, int]] = set()
    m = BLOCK_MARGIN
    for chunk in chunks(sorted(parcel_ids)):
        boxes = (
            Parcel.objects.filter(pk__in=chunk)
            .exclude(min_lon=None)
            .values_list("min_lon", "min_lat", "max_lon", "max_lat")
        )
        for west, south, east, north in boxes:
            bounds = (west - m, south - m, east + m, north + m)
            blocks.update((x, y) for _z, x, y in mvt.tiles_covering(bounds, PROPERTY_BLOCK_ZOOM))
    if blocks:
        TileBlock.objects.bulk_create(
            [TileBlock(x=x, y=y, entry=entry) for x, y in sorted(blocks)],
            update_conflicts=True,
            unique_fields=["x", "y"],
            update_fields=["entry"],
            batch_size=500,
        )


def touched_parcels(entries) -> Touched:
    """What the change-log entries may change on the map (see Touched), as the apps declared it for their models
    (yuanqu.core.registry.tile_touches): a change of a model declared "row" drops every stored row, "tile" redraws
    every tile, "some" names the parcels and enterprises it touches; an enterprise touches the parcels it uses.
    Entries of other models change nothing shown."""
    declared = {touch.key: touch for touch in tile_touches}
    touched = Touched()
    rows = entries.values_list("content_type__app_label", "content_type__model", "object_id", "before", "after")
    for app, model, object_id, before, after in rows.iterator(chunk_size=2000):
        touch = declared.get(f"{app}.{model}")
        if touch is None:
            continue
        if touch.scope == "row":
            return Touched(every_row=True, every_tile=True)
        if touch.scope == "tile":
            touched.every_tile = True
        elif touch.touch is not None:
            touch.touch(
                touched, object_id, before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
            )
    for chunk in chunks(sorted(touched.enterprises)):
        touched.parcels.update(
            EnterpriseLand.objects.filter(enterprise_id__in=chunk).values_list("parcel_id", flat=True)
        )
    return touched


def forget_tile_rows() -> None:
    """Drop every stored tile row (benchmarks measure tiles built from nothing)."""
    ParcelTileRow.objects.all().delete()


def _bytes(value) -> bytes:
    """A polygon's WKB as bytes (PostgreSQL's driver may give a memoryview)."""
    return value if type(value) is bytes else bytes(value)


def parcel_properties(*, user, parcels, as_of: dt.date, near=None) -> dict[int, tuple]:
    """Parcel id → its feature properties (in PROPERTIES order) for the parcels of the queryset, as of the date:
    the land status as the ledger classifies it, the main enterprise with its grade, the current project.
    ``near``: a queryset of parcels including these, to narrow the joins with (default: ``parcels``)."""
    near = parcels if near is None else near
    numbers = set(status.NUMBER_FIELDS)
    # Numbers as floats straight from the database: no Decimal per value, the frame holds floats anyway.
    fields = [Cast(name, FloatField()) if name in numbers else name for name in status.FRAME_FIELDS]
    rows = list(parcels.values_list(*fields))
    if not rows:
        return {}
    frame = status.frame_from_rows(rows, status.enterprise_figures(user=user, parcels=near, as_of=as_of))
    classified = classify(frame, as_of=as_of, rules=status.current_rules())
    status_of = dict(zip(classified["parcel_id"].to_list(), classified["status"].to_list(), strict=True))
    enterprise_of = main_enterprises(user=user, parcels=near, as_of=as_of)
    grade_of = latest_grades(user=user, enterprise_ids=sorted({e[0] for e in enterprise_of.values()}))
    project_of = current_projects(user=user, parcels=near)
    area_at = status.FRAME_FIELDS.index("area_mu")
    result = {}
    for row in rows:
        pk, zone_id, zone_name, short_name, code = row[:5]
        enterprise_id, enterprise = enterprise_of.get(pk, (0, ""))
        project_id, project, stage = project_of.get(pk, (0, "", ""))
        result[pk] = (
            pk,
            code,
            zone_id,
            short_name or zone_name,
            status_of.get(pk) or "unknown",
            row[area_at] or 0.0,
            enterprise_id,
            enterprise,
            grade_of.get(enterprise_id, ""),
            project_id,
            project,
            stage,
        )
    return result
