"""`yuanqu targets report --year Y --as-of DATE [--zone CODE] --out FILE.xlsx [--user NAME]`: one row per line of
the year's letters with its target, actual, share done, pace, colour (红/黄/绿) and, at year end, the points."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuanqu.core.management.users import output_option, user_option, zone_option
from yuanqu.core.progress import summary
from yuanqu.targets.reports import write_target_report


def date_option(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期无效：{value}，应为 YYYY-MM-DD / invalid date: {value}, expected YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "目标责任状 / responsibility letters: `targets report --year Y --as-of DATE --out FILE.xlsx`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="目标完成情况 / the targets' progress to .xlsx")
        report.add_argument("--year", required=True, type=int, help="年度 / year, e.g. 2026")
        report.add_argument("--as-of", dest="as_of", help="截至日期 / measured at, YYYY-MM-DD (today)")
        report.add_argument("--zone", help="园区编码或名称 / only this zone's letter")
        report.add_argument("--user", help="only what this user may see")
        report.add_argument("--out", required=True, help="target .xlsx file")

    def handle(self, *args, action, year, as_of, zone, user, out, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度无效：{year}，应为 2000–2100 / invalid year: {year}, expected 2000-2100")
        day = date_option(as_of)
        path = output_option(out, ".xlsx")
        acting_user = user_option(user)
        found = zone_option(zone, acting_user) if zone else None
        count = write_target_report(path, user=acting_user, year=year, as_of=day, zone=found)
        summary(
            f"已写入 {count} 项目标（截至 {day}）到 {path.name} / wrote {count} targets as of {day} to {path.name}",
            stream=self.stdout,
        )
