"""`yuanqu report monthly --year Y --month M [--zone CODE] [--user NAME] --out FILE.docx|FILE.xlsx`: the monthly
report (月报) of January to month M, for what the user sees (without --user: every zone) or for one zone.

`yuanqu report monthly --schedule --dir FOLDER [--year Y --month M]` (for cron; default the previous month):
the city's report and each top-level zone's, docx and xlsx, into FOLDER under stable names (2026-11_city.docx,
2026-11_A001.xlsx).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from yuanqu.core.management.users import output_option, user_option, year_option, zone_option
from yuanqu.core.progress import summary
from yuanqu.dashboard import report as monthly
from yuanqu.zones.models import Zone

LANGUAGES = ("zh-hans", "en")


def month_option(text) -> int:
    try:
        month = int(text)
    except (TypeError, ValueError):
        month = 0
    if not 1 <= month <= 12:
        raise CommandError(f"月份无效：{text!r}，应为 1–12 / invalid month: {text!r}, expected 1–12")
    return month


def previous_month(today: dt.date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def safe_name(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in code) or "zone"


class Command(BaseCommand):
    help = "月报 / the monthly report: `report monthly --year Y --month M --out FILE.docx|FILE.xlsx`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("monthly", help="月报 / the monthly report as .docx or .xlsx")
        report.add_argument("--year", help="年度 / year, e.g. 2026 (with --schedule: the previous month's)")
        report.add_argument("--month", help="月份 / month 1–12: January to this month")
        report.add_argument("--zone", help="园区编码或名称 / only this zone (with its sub-parks)")
        report.add_argument("--user", help="只含该用户可见的园区 / only what this user may see")
        report.add_argument("--out", help="输出文件 / target .docx or .xlsx file")
        report.add_argument("--language", default="zh-hans", help="zh-hans（默认 / default）or en")
        report.add_argument(
            "--schedule", action="store_true", help="全市和各园区的月报写入 --dir / the city's and each zone's reports"
        )
        report.add_argument("--dir", dest="folder", help="--schedule 的输出目录 / the folder --schedule writes to")

    def handle(self, *args, action, year, month, zone, user, out, language, schedule, folder, **options):
        if language not in LANGUAGES:
            raise CommandError(
                f"语言无效：{language}，应为 zh-hans 或 en / invalid language: {language}, expected zh-hans or en"
            )
        today = timezone.localdate()
        if schedule:
            if not folder:
                raise CommandError("--schedule 需要 --dir / --schedule needs --dir")
            if (year is None) != (month is None):
                raise CommandError("--year 与 --month 须同时给出 / give both --year and --month, or neither")
            year, month = (year_option(year), month_option(month)) if year is not None else previous_month(today)
        else:
            if year is None or month is None or not out:
                raise CommandError("需要 --year、--month 和 --out / --year, --month and --out are required")
            year, month = year_option(year), month_option(month)
        with translation.override(language):
            if schedule:
                self.schedule(Path(folder), year=year, month=month, today=today)
                return
            path = output_option(out, *monthly.SUFFIXES)
            acting_user = user_option(user)
            found = zone_option(zone, acting_user) if zone else None
            report = monthly.monthly_report(user=acting_user, year=year, month=month, zone=found, today=today)
            self.write(report, path)

    def write(self, report, path: Path) -> None:
        from yuanqu.core.charts import NoCJKFont

        try:
            monthly.write(report, path)
        except NoCJKFont as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        summary(
            f"已写入月报（{report.place}，{report.period.label()}，{len(report.sections)} 章）到 {path.name} / "
            f"wrote the monthly report ({len(report.sections)} chapters) to {path.name}",
            stream=self.stdout,
        )

    def schedule(self, folder: Path, *, year: int, month: int, today: dt.date) -> None:
        if not folder.is_dir():
            raise CommandError(f"目录不存在：{folder} / no such directory: {folder}")
        stem = f"{year}-{month:02d}"
        targets = [
            ("city", None),
            *((safe_name(z.code or str(z.pk)), z) for z in Zone.objects.filter(parent=None).order_by("code", "name")),
        ]
        for name, zone in targets:
            report = monthly.monthly_report(user=None, year=year, month=month, zone=zone, today=today)
            for suffix in monthly.SUFFIXES:
                self.write(report, folder / f"{stem}_{name}{suffix}")
