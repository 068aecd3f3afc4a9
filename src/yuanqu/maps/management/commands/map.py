"""`yuanqu map warm-tiles [--days N]`: work out the map's stored tile rows again for the scopes and dates used in the
last N days (the server does it by itself after new rules, a publish or a large import; run it after an import
done while the server was down, or to see how long it takes)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from yuanqu.core.progress import summary
from yuanqu.maps.tiles import WARM_DAYS, warm_tile_rows


class Command(BaseCommand):
    help = "一张图 / the one map: `map warm-tiles [--days N]`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        warm = sub.add_parser(
            "warm-tiles", help="预先计算地图瓦片的地块属性 / work the map's tile rows out again for recent scopes"
        )
        warm.add_argument(
            "--days", type=int, default=WARM_DAYS, help=f"scopes used within this many days ({WARM_DAYS})"
        )

    def handle(self, *args, action, **options):
        if action == "warm-tiles":
            self.warm_tiles(**options)

    def warm_tiles(self, *, days, **options):
        started = time.perf_counter()
        done = warm_tile_rows(days=days)
        seconds = time.perf_counter() - started
        zh = f"已计算 {done.scopes} 个范围、{done.blocks} 个区块、{done.parcels} 宗地块，用时 {seconds:.1f} 秒"
        en = f"worked out {done.scopes} scopes, {done.blocks} blocks, {done.parcels} parcels in {seconds:.1f} s"
        if not done.finished:
            zh, en = zh + "（有新的变更，未完成）", en + " (a newer change came in: not finished)"
        summary(f"{zh} / {en}", stream=self.stdout)
