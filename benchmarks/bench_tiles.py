"""Vector tiles of the map with 100,000 parcels: time per tile, cold and warm (goal: p95 under 50 ms).

    .venv/bin/python benchmarks/bench_tiles.py [--parcels 100000] [--zooms 12,13,14] [--max-tiles 400] [--data DIR]

Builds the demo city with that many parcels in a throw-away SQLite database (without the bulk writes' change
log; with --data, in that folder the first time and reused afterwards), publishes an evaluation run grading every enterprise, then requests every tile covering each zone's
parcels at each zoom (a seeded sample of --max-tiles per zoom when there are more) through the Django test
client, as a city administrator (every parcel) and as a zone user, in five passes per zoom:

- first: the tile cache and the stored tile rows (ParcelTileRow) empty, tiles in order: the map right after
  a change of the rules or a publish, when every parcel's properties are worked out again (a block worked out
  for one tile serves its neighbours);
- edit: one parcel in the first tile's block is saved (a new data version), then the same tiles: the map after
  an ordinary edit, the tiles of that block built again, the others from the tile cache;
- cold: the tile cache emptied, then the same tiles, each built from the stored rows: what a tile of a block
  with an edit in it costs, or any tile after the cache was cleared;
- warm: the same tiles again, from the tile cache;
- rules: the land rules saved (every row dropped, every cached tile stale), the rows worked out again as the
  server does in the background after such a change (timed on its own), then the same tiles;
- alone: a sample of --alone tiles, each with the cache and every stored row emptied before it (the worst
  case: a tile nobody near it asked for since the rules changed).

Prints p50 / p95 / max per zoom and overall, and the features and bytes per tile. With --repeat N each cold and
warm tile is requested N times (the tile cache emptied before each cold one) and counts with its median: on a
shared machine a single request may be caught by someone else's burst.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _setup import percentile


def edited_parcel(tile: tuple[int, int, int]):
    """A parcel inside the block (zoom-12 tile) of the tile, else the first parcel with a polygon."""
    from yuanqu.analytics import mvt
    from yuanqu.land.models import Parcel
    from yuanqu.maps.tiles import PROPERTY_BLOCK_ZOOM

    z, x, y = tile
    shift = z - PROPERTY_BLOCK_ZOOM
    west, south, east, north = mvt.tile_bounds(PROPERTY_BLOCK_ZOOM, x >> shift, y >> shift)
    parcels = Parcel.objects.exclude(min_lon=None).order_by("pk")
    inside = parcels.filter(min_lon__gte=west, max_lon__lte=east, min_lat__gte=south, max_lat__lte=north)
    return inside.first() or parcels.first()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--zooms", default="12,13,14")
    parser.add_argument("--max-tiles", type=int, default=400, help="tiles per zoom at most (seeded sample)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-analyze", action="store_true", help="leave the database without ANALYZE statistics")
    parser.add_argument("--alone", type=int, default=40, help="tiles per zoom also timed alone (nothing cached)")
    parser.add_argument("--data", help="build the city in this folder once and reuse it on later runs")
    parser.add_argument(
        "--plain", action="store_true", help="ask for tiles without Accept-Encoding: gzip (a browser sends it)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each cold and warm tile this many times, keep the median"
    )
    args = parser.parse_args()
    zooms = [int(z) for z in args.zooms.split(",")]

    workdir = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="yuanqu-bench-tiles-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["YUANQU_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
    import django

    django.setup()
    import mapbox_vector_tile
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max, Min
    from django.test import Client

    from yuanqu.accounts.testing import make_user
    from yuanqu.analytics import mvt
    from yuanqu.core.access import Role
    from yuanqu.core.changelog import record_many
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
    from yuanqu.land.models import Parcel
    from yuanqu.land.services import save_parcel, save_rules
    from yuanqu.land.status import current_rules
    from yuanqu.maps.tiles import MIN_ZOOM, PROPERTY_BLOCK_ZOOM, forget_tile_rows, warm_tile_rows
    from yuanqu.zones.models import Zone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if Parcel.objects.exists():  # --data: built by an earlier run
        as_of = (workdir / "as_of").read_text().strip()
        print(f"reusing {Parcel.objects.count():,} parcels in {workdir}; as of {as_of}")
    else:
        started = time.perf_counter()
        summary = build_demo_city(
            seed=args.seed, parcels=args.parcels, enterprises=max(1, round(args.parcels / 1.5)), years=1, log=False
        )
        run = EvaluationRun.objects.create(
            method_name="基准", method_text="", method_digest="bench", year=2025, input_hash="bench", status="published"
        )
        rng = random.Random(args.seed)
        EvaluationResult.objects.bulk_create(
            [
                EvaluationResult(run=run, enterprise_id=pk, zone_id=zone_id, grade=rng.choice("AABBBCCD"))
                for pk, zone_id in Enterprise.objects.values_list("pk", "zone_id")
            ],
            batch_size=5000,
        )
        record_many([("create", run, None)])  # a data version to cache tiles under (the demo logged nothing)
        if args.no_analyze:  # the demo leaves planner statistics (ANALYZE); drop them to see the cost without
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # again, for the evaluation results added above
        as_of = summary.as_of.isoformat()
        (workdir / "as_of").write_text(as_of)
        print(
            f"built {Parcel.objects.count():,} parcels, {Enterprise.objects.count():,} enterprises, "
            f"{summary.projects:,} projects and a published run in {time.perf_counter() - started:.1f} s; as of {as_of}"
        )

    # Tiles under each top-level zone's parcels (sub-parks lie inside their zone).
    tiles_by_zoom: dict[int, list[tuple[int, int, int]]] = {}
    extents = []
    for zone in Zone.objects.filter(parent=None):
        box = Parcel.objects.filter(zone__in=Zone.objects.filter(pk=zone.pk) | Zone.objects.filter(parent=zone))
        box = box.aggregate(w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat"))
        if box["w"] is not None:
            extents.append((zone, (box["w"], box["s"], box["e"], box["n"])))
    for z in zooms:
        found = sorted({tile for _zone, bounds in extents for tile in mvt.tiles_covering(bounds, z)})
        if len(found) > args.max_tiles:
            found = sorted(random.Random(z).sample(found, args.max_tiles))
        tiles_by_zoom[z] = found
    print(
        f"minimum zoom served: {MIN_ZOOM}; property blocks at zoom {PROPERTY_BLOCK_ZOOM}; tiles per zoom: "
        + ", ".join(f"z{z} {len(t)}" for z, t in tiles_by_zoom.items())
    )

    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    biggest = max(extents, key=lambda item: Parcel.objects.filter(zone=item[0]).count())[0]
    User = get_user_model()
    city = User.objects.filter(username="bench_city").first() or make_user("bench_city", Role.CITY_ADMIN)
    staff = User.objects.filter(username="bench_staff").first() or make_user(
        "bench_staff", Role.ZONE_STAFF, zones=[biggest]
    )
    phases = ("first", "edit", "cold", "warm", "rules", "alone")
    accept = {} if args.plain else {"Accept-Encoding": "gzip, deflate, br"}  # as Chromium asks
    warmups: list[str] = []
    for label, user in (("city admin (every parcel)", city), (f"zone staff of {biggest.name}", staff)):
        client = Client()
        client.force_login(user)
        client.get(f"/map/tiles/{zooms[0]}/0/0.mvt", {"as_of": as_of})  # warm the code paths, not the tiles
        caches["tiles"].clear()
        forget_tile_rows()
        print(f"\n{label}")
        every: dict[str, list[float]] = {phase: [] for phase in phases}
        for z, tiles in tiles_by_zoom.items():
            counts, sizes, sent = [], [], []
            times: dict[str, list[float]] = {phase: [] for phase in phases}
            for phase in phases:
                if phase == "alone":  # a sample of the tiles that hold parcels
                    full = [tile for tile, count in zip(tiles, counts, strict=True) if count]
                    batch = full[:: max(1, len(full) // args.alone)]
                else:
                    batch = tiles
                if phase == "edit":  # an ordinary edit: a new data version
                    edited = edited_parcel(tiles[0])
                    edited.land_price = (edited.land_price or 0) + 1
                    save_parcel(parcel=edited, user=city)
                if phase == "cold":
                    caches["tiles"].clear()
                if phase == "rules":  # new land rules drop every row: the server works them out again at once
                    with transaction.atomic():
                        save_rules(rules=current_rules().to_dict(), user=city)
                    t0 = time.perf_counter()
                    done = warm_tile_rows()
                    warmups.append(
                        f"z{z}: {time.perf_counter() - t0:.1f} s for {done.parcels:,} parcels in {done.blocks} blocks "
                        f"({done.scopes} scopes)"
                    )
                for _z, x, y in batch:
                    if phase == "alone":
                        caches["tiles"].clear()
                        forget_tile_rows()
                    spent = []
                    for again in range(args.repeat if phase in ("cold", "warm") else 1):
                        if again and phase == "cold":  # the same tile built again
                            caches["tiles"].clear()
                        t0 = time.perf_counter()
                        response = client.get(f"/map/tiles/{z}/{x}/{y}.mvt", {"as_of": as_of}, headers=accept)
                        spent.append((time.perf_counter() - t0) * 1000)
                    times[phase].append(statistics.median(spent))
                    assert response.status_code in (200, 204), (z, x, y, response.status_code)
                    if phase == "first":
                        body = response.content
                        if response.get("Content-Encoding") == "gzip":
                            body = gzip.decompress(body)
                        layer = mapbox_vector_tile.decode(body).get("parcels") if body else None
                        counts.append(len(layer["features"]) if layer else 0)
                        sizes.append(len(body))
                        sent.append(len(response.content))
            for phase in phases:
                every[phase] += times[phase]
                print(
                    f"  z{z:<2} {phase:<5}  p50 {statistics.median(times[phase]):6.1f} ms  "
                    f"p95 {percentile(times[phase], 0.95):6.1f} ms  max {max(times[phase]):6.1f} ms"
                    + (
                        f"   features/tile p50 {statistics.median(counts):.0f} p95 {percentile(counts, 0.95):.0f} "
                        f"max {max(counts)}; bytes p50 {statistics.median(sizes):,.0f} max {max(sizes):,} "
                        f"(sent p50 {statistics.median(sent):,.0f} max {max(sent):,})"
                        if phase == "first"
                        else ""
                    )
                )
            forget_tile_rows()  # the next zoom starts from nothing as well
        print("  warm-up after new rules (background in the server): " + "; ".join(warmups))
        warmups.clear()
        for phase in phases:
            print(
                f"  all {phase:<5}  p50 {statistics.median(every[phase]):6.1f} ms  "
                f"p95 {percentile(every[phase], 0.95):6.1f} ms  max {max(every[phase]):6.1f} ms  ({len(every[phase])} tiles)"
            )

    print("\nload average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    connection.close()
    if not args.data:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
