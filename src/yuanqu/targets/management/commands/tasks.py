"""`yuanqu tasks report --as-of DATE --out FILE.xlsx [--user NAME]`: every supervised task with its due date,
state, light and working days overdue."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from yuanqu.core.management.users import output_option, user_option
from yuanqu.core.progress import summary
from yuanqu.targets.management.commands.targets import date_option
from yuanqu.targets.reports import write_task_report


class Command(BaseCommand):
    help = "督办事项 / supervised tasks: `tasks report --as-of DATE --out FILE.xlsx`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="督办事项办理情况 / the tasks' state to .xlsx")
        report.add_argument("--as-of", dest="as_of", help="截至日期 / as of, YYYY-MM-DD (today)")
        report.add_argument("--user", help="only what this user may see")
        report.add_argument("--out", required=True, help="target .xlsx file")

    def handle(self, *args, action, as_of, user, out, **options):
        day = date_option(as_of)
        path = output_option(out, ".xlsx")
        count = write_task_report(path, user=user_option(user), as_of=day)
        summary(
            f"已写入 {count} 项督办事项（截至 {day}）到 {path.name} / wrote {count} tasks as of {day} to {path.name}",
            stream=self.stdout,
        )
