"""`yuanqu workdays add DATE N` and `yuanqu workdays between A B`: working-day arithmetic on the stored calendar.

`yuanqu workdays seed [YEARS]` stores the ``holidays`` package's calendar for years not yet published (after
upgrading the package once a new notice is out); ``--replace`` also overwrites published, possibly edited years.

``add`` prints the date N working days after DATE (N may be negative: before it); ``between`` prints how
many working days lie after A up to and including B. A warning line follows when the computation runs
into a year whose holiday notice is not published yet.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.changelog import acting
from yuanqu.workdays.selectors import calendar
from yuanqu.workdays.services import default_calendar_years, seed_calendar

WEEKDAY_ZH = "一二三四五六日"


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{what}无效（应为 YYYY-MM-DD）：{text} / invalid {_WHAT_EN[what]} (YYYY-MM-DD expected): {text}"
        ) from None


_WHAT_EN = {"日期": "date", "起始日期": "start date", "截止日期": "end date"}


def _described(d: dt.date) -> str:
    return f"{d}（星期{WEEKDAY_ZH[d.weekday()]}）"


class Command(BaseCommand):
    # Like Django's `shell`, no system checks: they import the whole site (its URL conf, every view and form), a
    # second of a command that answers in milliseconds; `yuanqu check` and the other commands still run them.
    requires_system_checks = []
    help = (
        "Working days under the holiday notices (调休 included): "
        "`workdays add DATE N` prints the date N working days after DATE; "
        "`workdays between A B` prints the working days after A up to and including B."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "between", "seed"], help="add | between | seed")
        parser.add_argument("first", nargs="?", help="DATE (add), A (between) or years like 2026,2027 (seed)")
        parser.add_argument("second", nargs="?", help="N (add) or B (between)")
        parser.add_argument("--replace", action="store_true", help="seed: overwrite years already published")

    def handle(self, *args, action, first, second, replace=False, **options):
        if action == "seed":
            self._seed(first, replace)
            return
        if first is None or second is None:
            raise CommandError(
                f"用法：yuanqu workdays {action} {'DATE N' if action == 'add' else 'A B'} / "
                f"usage: yuanqu workdays {action} {'DATE N' if action == 'add' else 'A B'}"
            )
        if action == "add":
            start = _date(first, "日期")
            try:
                n = int(second.strip())
            except ValueError:
                raise CommandError(
                    f"工作日天数应为整数：{second} / the number of working days must be an integer: {second}"
                ) from None
            try:
                result = calendar().add_workdays(start, n)
            except OverflowError as exc:
                raise CommandError(str(exc)) from None
            if n >= 0:
                zh = f"{_described(start)} 后第 {n} 个工作日：{_described(result.date)}"
                en = f"{n} working days after {start}: {result.date} ({result.date:%A})"
            else:
                zh = f"{_described(start)} 前第 {-n} 个工作日：{_described(result.date)}"
                en = f"{-n} working days before {start}: {result.date} ({result.date:%A})"
            self.stdout.write(f"{zh} / {en}")
        else:
            a, b = _date(first, "起始日期"), _date(second, "截止日期")
            result = calendar().workdays_between(a, b)
            zh = f"{a} 至 {b} 共 {result.days} 个工作日（不含起始日，含截止日）"
            en = f"{result.days} working days from {a} to {b} (the start excluded, the end included)"
            self.stdout.write(f"{zh} / {en}")
        if result.unpublished_years:
            self.stdout.write(f"注意：{result.note_zh} / note: {result.note_en}")

    def _seed(self, years_text: str | None, replace: bool) -> None:
        if years_text:
            try:
                years = [int(y) for y in years_text.replace("，", ",").split(",") if y.strip()]
            except ValueError:
                raise CommandError(
                    f"年份应为逗号分隔的整数：{years_text} / years must be integers separated by commas"
                ) from None
        else:
            years = list(default_calendar_years())
        with acting(source="cli"):
            stored = seed_calendar(years=years, replace=replace)
        listed = ", ".join(str(y) for y in stored) or "—"
        self.stdout.write(f"已写入放假安排的年份：{listed} / years stored from the holiday notices: {listed}")
