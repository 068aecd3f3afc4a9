"""`yuanqu land ledger --as-of DATE [--zone CODE] [--user NAME] --out FILE.xlsx`: the land ledger as a workbook,
every parcel with its status, reason and the date from which it holds, and the totals per zone and status.

`yuanqu land layer --as-of DATE [--status STATUS] [--zone CODE] [--user NAME] --out FILE.gpkg|FILE.geojson`: the
parcels (of one status, or all) with their status, reason and since-date as a GIS layer.

`yuanqu land warm-tiles` has become `yuanqu map warm-tiles` and says so."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from yuanqu.analytics.land_status import STATUS_LABELS, STATUSES, LandInputError
from yuanqu.core.management.users import output_option, user_option, zone_ids_option
from yuanqu.core.progress import Progress, summary
from yuanqu.land.exporting import STATUS_LAYER_SUFFIXES, status_features, write_ledger, write_status_layer
from yuanqu.land.status import land_statuses, status_totals

WARM_TILES_MOVED = (
    "该命令已移至 `yuanqu map warm-tiles [--days N]` / this command moved to `yuanqu map warm-tiles [--days N]`"
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise CommandError(
            f"日期无效：{text!r}，应为 YYYY-MM-DD / invalid date: {text!r}, expected YYYY-MM-DD"
        ) from None


class Command(BaseCommand):
    help = "土地台账 / the land ledger: `land ledger --as-of DATE --out FILE.xlsx`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ledger = sub.add_parser("ledger", help="每宗地块的状态及汇总 / every parcel's status, and totals, to .xlsx")
        ledger.add_argument("--as-of", required=True, help="认定日期 / as-of date, YYYY-MM-DD")
        ledger.add_argument(
            "--zone", action="append", default=[], help="only this zone (code or name), with its sub-parks; repeatable"
        )
        ledger.add_argument("--user", help="only what this user may see")
        ledger.add_argument("--out", required=True, help="target .xlsx file")
        layer = sub.add_parser(
            "layer", help="地块及其状态图层 / the parcels with their status as a .gpkg or .geojson layer"
        )
        layer.add_argument("--as-of", required=True, help="认定日期 / as-of date, YYYY-MM-DD")
        layer.add_argument("--status", default="", help=f"only this status: {', '.join(STATUSES)}")
        layer.add_argument(
            "--zone", action="append", default=[], help="only this zone (code or name), with its sub-parks; repeatable"
        )
        layer.add_argument("--user", help="only what this user may see")
        layer.add_argument("--out", required=True, help="target .gpkg or .geojson file")
        # Moved to the map's command; it still answers (its old option accepted), saying where it went.
        sub.add_parser("warm-tiles", help=WARM_TILES_MOVED).add_argument("--days", help=argparse.SUPPRESS)

    def handle(self, *args, action, **options):
        if action == "ledger":
            self.ledger(**options)
        elif action == "layer":
            self.layer(**options)
        elif action == "warm-tiles":
            raise CommandError(WARM_TILES_MOVED)

    def layer(self, *, as_of, status, zone, user, out, **options):
        day = _date(as_of)
        path = output_option(out, *STATUS_LAYER_SUFFIXES)
        if status and status not in STATUSES:
            raise CommandError(
                f"未知的土地状态：{status}，可选：{'、'.join(STATUSES)} / unknown land status: {status}; "
                f"one of: {', '.join(STATUSES)}"
            )
        acting_user = user_option(user)
        zone_ids = zone_ids_option(zone, acting_user)
        try:
            features = status_features(user=acting_user, as_of=day, zone_ids=zone_ids, status=status)
        except LandInputError as exc:
            raise CommandError(str(exc)) from None
        write_status_layer(path, features)
        unmapped = sum(1 for f in features if f["geometry"] is None)
        summary(
            f"已写入 {len(features)} 宗地块到 {path.name}（无图形 {unmapped} 宗） / wrote {len(features)} parcels "
            f"as of {day} to {path.name} ({unmapped} without a polygon)",
            stream=self.stdout,
        )

    def ledger(self, *, as_of, zone, user, out, **options):
        day = _date(as_of)
        path = output_option(out, ".xlsx")
        acting_user = user_option(user)
        zone_ids = zone_ids_option(zone, acting_user)
        try:
            classified = land_statuses(user=acting_user, as_of=day, zone_ids=zone_ids)
        except LandInputError as exc:
            raise CommandError(str(exc)) from None
        with Progress("写入土地台账 / writing the land ledger", total=classified.height, stream=self.stderr._out) as p:
            count = write_ledger(path, classified, as_of=day, progress=p)
        parts = []
        if count:
            for row in status_totals(classified, by=["status"]).iter_rows(named=True):
                parts.append(f"{STATUS_LABELS[row['status']][0]} {row['parcels']} 宗 {row['area_mu']:,.2f} 亩")
        detail = f"（{'，'.join(parts)}）" if parts else ""
        summary(
            f"已写入 {count} 宗地块到 {path.name}{detail} / wrote {count} parcels as of {day} to {path.name}",
            stream=self.stdout,
        )
