"""`yuanqu projects report --zone CODE --year Y --month M --out FILE.xlsx [--user NAME]`: a zone's monthly
project statistics (the standard monthly table and its targets) as a workbook, the page's numbers."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuanqu.core.management.users import output_option, user_option, zone_option
from yuanqu.core.progress import summary
from yuanqu.projects.reports import write_monthly_report
from yuanqu.projects.statistics import monthly_statistics


class Command(BaseCommand):
    help = "招商项目 / investment projects: `projects report --zone CODE --year Y --month M --out FILE.xlsx`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="园区月度统计 / a zone's monthly statistics to .xlsx")
        report.add_argument("--zone", required=True, help="园区编码或名称（含下级园区） / zone code or name")
        report.add_argument("--year", required=True, type=int, help="年度 / year, e.g. 2026")
        report.add_argument("--month", required=True, type=int, help="月份 / month, 1-12")
        report.add_argument("--user", help="only what this user may see")
        report.add_argument("--out", required=True, help="target .xlsx file")

    def handle(self, *args, action, **options):
        if action == "report":
            self.report(**options)

    def report(self, *, zone, year, month, user, out, **options):
        if not 1 <= month <= 12:
            raise CommandError(f"月份无效：{month}，应为 1–12 / invalid month: {month}, expected 1-12")
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度无效：{year}，应为 2000–2100 / invalid year: {year}, expected 2000-2100")
        path = output_option(out, ".xlsx")
        acting_user = user_option(user)
        found = zone_option(zone, acting_user)
        report = monthly_statistics(user=acting_user, zone=found, year=year, month=month, today=timezone.localdate())
        write_monthly_report(path, report)
        signed = next(r for r in report["rows"] if r["stage"] == "signed" and r["size_class"] is None)
        summary(
            f"已写入 {found.name} {year} 年 {month} 月统计到 {path.name}（本月新签约 {signed['month_count']} 个）"
            f" / wrote the statistics of {found.code or found.name} for {year}-{month:02d} to {path.name}",
            stream=self.stdout,
        )
