"""`yuanqu service report --as-of DATE [--zone CODE] [--user NAME] --out FILE.xlsx`: every request with its due date,
state, lateness in working days and rating; `yuanqu service suggest-visits [--as-of DATE]`: open the visits the data
call for (falls in tax or output, worse grades, long-overdue requests)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from yuanqu.core.access import zone_descendants
from yuanqu.core.changelog import acting
from yuanqu.core.importing.tabular import Column, write_rows
from yuanqu.core.management.users import output_option, user_option, zone_option
from yuanqu.core.progress import summary
from yuanqu.service.importers import REPORT_COLUMNS, report_rows
from yuanqu.service.triggers import open_suggested_visits

KINDS = {"received_on": "date", "due_on": "date", "closed_on": "date", "overdue_days": "int", "satisfaction": "int"}
SCHEMA = tuple(Column(key, header, KINDS.get(key, "text")) for key, header in REPORT_COLUMNS)


def _date(text: str | None) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期无效：{text}，应为 YYYY-MM-DD / invalid date: {text}, expected YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "企业服务 / enterprise service: `service report --as-of DATE --out FILE.xlsx`, `service suggest-visits`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="诉求办理情况 / requests with deadlines and lateness to .xlsx")
        report.add_argument("--as-of", help="截止日期 / as of this day (YYYY-MM-DD, default today)")
        report.add_argument("--zone", help="园区编码或名称（含下级园区） / zone code or name")
        report.add_argument("--user", help="only what this user may see")
        report.add_argument("--out", required=True, help="target .xlsx file")
        suggest = sub.add_parser("suggest-visits", help="按数据建议走访 / open the visits the data call for")
        suggest.add_argument("--as-of", help="日期 / as of this day (YYYY-MM-DD, default today)")

    def handle(self, *args, action, **options):
        if action == "report":
            self.report(**options)
        else:
            self.suggest(**options)

    def report(self, *, as_of, zone, user, out, **options):
        day = _date(as_of)
        path = output_option(out, ".xlsx")
        acting_user = user_option(user)
        zone_ids = None
        if zone:
            zone_ids = zone_descendants([zone_option(zone, acting_user).pk])
        rows = report_rows(user=acting_user, zone_ids=zone_ids, as_of=day)
        write_rows(path, SCHEMA, rows, title=f"企业诉求办理情况（截至 {day}）", sheet_name="诉求")
        late = sum(1 for r in rows if r["overdue_days"])
        summary(
            f"已写入 {len(rows)} 件诉求到 {path.name}（逾期 {late} 件） / wrote {len(rows)} requests to {path.name} "
            f"({late} late)",
            stream=self.stdout,
        )

    def suggest(self, *, as_of, **options):
        with transaction.atomic(), acting(source="cli"):
            opened = open_suggested_visits(today=_date(as_of))
        summary(f"新建议走访 {len(opened)} 次 / {len(opened)} visits suggested", stream=self.stdout)
